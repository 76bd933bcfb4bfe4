package media_test

import (
	"bytes"
	"encoding/binary"
	"image/jpeg"
	"image/png"
	"testing"

	"github.com/rwcarlsen/goexif/exif"

	"github.com/studiodesk/studiodesk/backend/media"
	"github.com/studiodesk/studiodesk/backend/media/mediatest"
)

// withGPS builds a JPEG whose EXIF has an orientation and a GPS IFD with a latitude.
func withGPS() []byte {
	// Big-endian TIFF: IFD0 at 8 with 2 entries (Orientation, GPS pointer), GPS IFD at 38 with
	// 1 entry (GPSLatitude: 3 RATIONALs at 56).
	t := []byte{'M', 'M', 0, 42, 0, 0, 0, 8}
	t = binary.BigEndian.AppendUint16(t, 2)
	t = append(t, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0)
	t = append(t, 0x88, 0x25, 0, 4, 0, 0, 0, 1, 0, 0, 0, 38)
	t = binary.BigEndian.AppendUint32(t, 0) // next IFD
	t = binary.BigEndian.AppendUint16(t, 1)
	t = append(t, 0x00, 0x02, 0, 5, 0, 0, 0, 3, 0, 0, 0, 56)
	t = binary.BigEndian.AppendUint32(t, 0)
	for _, v := range []uint32{31, 1, 14, 1, 3000, 100} { // 31°14'30"
		t = binary.BigEndian.AppendUint32(t, v)
	}
	base := mediatest.JPEG(mediatest.Upright(64, 32), 0)
	payload := append([]byte("Exif\x00\x00"), t...)
	seg := binary.BigEndian.AppendUint16([]byte{0xFF, 0xE1}, uint16(len(payload)+2))
	out := append(append(append([]byte{}, base[:2]...), seg...), payload...)
	xmp := append([]byte("http://ns.adobe.com/xap/1.0/\x00"), []byte(`<x:xmpmeta><exif:GPSLatitude>31,14.5N</exif:GPSLatitude></x:xmpmeta>`)...)
	out = append(out, binary.BigEndian.AppendUint16([]byte{0xFF, 0xE1}, uint16(len(xmp)+2))...)
	out = append(out, xmp...)
	return append(out, base[2:]...)
}

func TestSanitizeJPEG(t *testing.T) {
	orig := withGPS()
	if x, err := exif.Decode(bytes.NewReader(orig)); err != nil {
		t.Fatal(err)
	} else if _, err := x.Get(exif.GPSLatitude); err != nil {
		t.Fatalf("fixture has no GPS: %v", err)
	}

	t.Run("strip everything", func(t *testing.T) {
		b := append([]byte{}, orig...)
		if !media.Sanitize(b, media.Strip{EXIF: true}) || len(b) != len(orig) {
			t.Fatal("nothing stripped or length changed")
		}
		if bytes.Contains(b, []byte("Exif\x00\x00")) || bytes.Contains(b, []byte("GPSLatitude")) {
			t.Fatal("metadata left")
		}
		if _, err := exif.Decode(bytes.NewReader(b)); err == nil {
			t.Fatal("EXIF still decodes")
		}
		if _, err := jpeg.Decode(bytes.NewReader(b)); err != nil {
			t.Fatalf("the photo no longer decodes: %v", err)
		}
	})

	t.Run("strip only the location", func(t *testing.T) {
		b := append([]byte{}, orig...)
		if !media.Sanitize(b, media.Strip{GPS: true}) || len(b) != len(orig) {
			t.Fatal("nothing stripped or length changed")
		}
		x, err := exif.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		if o, err := x.Get(exif.Orientation); err != nil || o.String() != "6" {
			t.Fatalf("orientation lost: %v %v", o, err)
		}
		if _, err := x.Get(exif.GPSLatitude); err == nil {
			t.Fatal("latitude left")
		}
		if bytes.Contains(b, []byte{0, 0, 0, 31, 0, 0, 0, 1, 0, 0, 0, 14}) || bytes.Contains(b, []byte("GPSLatitude")) {
			t.Fatal("latitude bytes left")
		}
		if _, err := jpeg.Decode(bytes.NewReader(b)); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("keep everything", func(t *testing.T) {
		b := append([]byte{}, orig...)
		if media.Sanitize(b, media.Strip{}) || !bytes.Equal(b, orig) {
			t.Fatal("changed")
		}
	})
}

func TestSanitizePNG(t *testing.T) {
	var buf bytes.Buffer
	if err := png.Encode(&buf, mediatest.Upright(16, 16)); err != nil {
		t.Fatal(err)
	}
	raw := buf.Bytes()
	// Insert a tEXt chunk after IHDR (8 + 25 bytes).
	chunk := mediatest.PNGChunk("tEXt", []byte("GPS\x0031.24N"))
	b := append(append(append([]byte{}, raw[:33]...), chunk...), raw[33:]...)
	n := len(b)
	if !media.Sanitize(b, media.Strip{EXIF: true}) || len(b) != n || bytes.Contains(b, []byte("31.24N")) {
		t.Fatal("not stripped")
	}
	if _, err := png.Decode(bytes.NewReader(b)); err != nil {
		t.Fatalf("no longer decodes: %v", err)
	}
}
