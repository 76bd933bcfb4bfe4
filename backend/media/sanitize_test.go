package media_test

import (
	"bytes"
	"image/jpeg"
	"image/png"
	"testing"

	"github.com/rwcarlsen/goexif/exif"

	"github.com/studiodesk/studiodesk/backend/media"
	"github.com/studiodesk/studiodesk/backend/media/mediatest"
)

func TestSanitizeJPEG(t *testing.T) {
	orig := mediatest.WithGPS()
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
