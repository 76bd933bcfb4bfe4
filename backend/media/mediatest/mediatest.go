// Package mediatest makes test images: JPEGs with an EXIF orientation, truncated files and
// decompression bombs, so media, upload and delivery tests use real bytes.
package mediatest

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
)

// Quadrant colours of Upright: top-left red, top-right green, bottom-left blue,
// bottom-right white.
var (
	Red   = color.RGBA{255, 0, 0, 255}
	Green = color.RGBA{0, 255, 0, 255}
	Blue  = color.RGBA{0, 0, 255, 255}
	White = color.RGBA{255, 255, 255, 255}
)

// Upright is a w×h picture with four coloured quadrants, as it should be seen.
func Upright(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := Red
			switch {
			case x >= w/2 && y < h/2:
				c = Green
			case x < w/2 && y >= h/2:
				c = Blue
			case x >= w/2 && y >= h/2:
				c = White
			}
			img.SetRGBA(x, y, c)
		}
	}
	return img
}

// Stored is how a camera holding the picture in orientation o (EXIF 1–8) stores the upright
// image: the inverse of what a viewer must do. Derived from the EXIF definitions (where the
// stored 0th row and 0th column are shown), independently of the renderer's code.
func Stored(up *image.RGBA, o int) *image.RGBA {
	W, H := up.Bounds().Dx(), up.Bounds().Dy()
	sw, sh := W, H
	if o >= 5 {
		sw, sh = H, W
	}
	st := image.NewRGBA(image.Rect(0, 0, sw, sh))
	for y := 0; y < sh; y++ {
		for x := 0; x < sw; x++ {
			var u, v int
			switch o {
			case 2: // 0th row top, 0th column right
				u, v = W-1-x, y
			case 3: // bottom, right
				u, v = W-1-x, H-1-y
			case 4: // bottom, left
				u, v = x, H-1-y
			case 5: // left, top
				u, v = y, x
			case 6: // right, top
				u, v = W-1-y, x
			case 7: // right, bottom
				u, v = W-1-y, H-1-x
			case 8: // left, bottom
				u, v = y, H-1-x
			default:
				u, v = x, y
			}
			st.SetRGBA(x, y, up.RGBAAt(u, v))
		}
	}
	return st
}

// JPEG encodes img, with an EXIF APP1 segment carrying orientation o when o > 0.
func JPEG(img image.Image, o int) []byte {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 95}); err != nil {
		panic(err) // an in-memory RGBA always encodes
	}
	return WithOrientation(buf.Bytes(), o)
}

// WithOrientation inserts an EXIF APP1 segment carrying orientation o (1–8) after the SOI
// of the JPEG b; o <= 0 returns b as it is.
func WithOrientation(b []byte, o int) []byte {
	if o <= 0 {
		return b
	}
	// TIFF (big endian): header, IFD0 with one SHORT entry (0x0112 Orientation), no next IFD.
	tiff := []byte{'M', 'M', 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, byte(o), 0, 0, 0, 0, 0, 0}
	payload := append([]byte("Exif\x00\x00"), tiff...)
	seg := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(payload)+2))
	seg = append(seg, payload...)
	out := append([]byte{}, b[:2]...) // SOI
	out = append(out, seg...)
	return append(out, b[2:]...)
}

// Bomb is a tiny PNG whose header claims w×h pixels (no pixel data follows).
func Bomb(w, h uint32) []byte {
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 2 // 8-bit RGB
	out := []byte("\x89PNG\r\n\x1a\n")
	out = append(out, chunk("IHDR", ihdr)...)
	out = append(out, chunk("IDAT", []byte{0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01})...)
	return append(out, chunk("IEND", nil)...)
}

// PNGChunk encodes one PNG chunk with its CRC.
func PNGChunk(typ string, data []byte) []byte { return chunk(typ, data) }

func chunk(typ string, data []byte) []byte {
	out := make([]byte, 4, 12+len(data))
	binary.BigEndian.PutUint32(out, uint32(len(data)))
	out = append(out, typ...)
	out = append(out, data...)
	crc := crc32.ChecksumIEEE(append([]byte(typ), data...))
	return binary.BigEndian.AppendUint32(out, crc)
}

// WithGPS builds a 64×32 JPEG whose EXIF has an orientation and a GPS IFD with a latitude.
func WithGPS() []byte {
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
	base := JPEG(Upright(64, 32), 0)
	payload := append([]byte("Exif\x00\x00"), t...)
	seg := binary.BigEndian.AppendUint16([]byte{0xFF, 0xE1}, uint16(len(payload)+2))
	out := append(append(append([]byte{}, base[:2]...), seg...), payload...)
	xmp := append([]byte("http://ns.adobe.com/xap/1.0/\x00"), []byte(`<x:xmpmeta><exif:GPSLatitude>31,14.5N</exif:GPSLatitude></x:xmpmeta>`)...)
	out = append(out, binary.BigEndian.AppendUint16([]byte{0xFF, 0xE1}, uint16(len(xmp)+2))...)
	out = append(out, xmp...)
	return append(out, base[2:]...)
}

// JPEGBomb is a small JPEG whose frame header (SOF) claims w×h pixels.
func JPEGBomb(w, h uint16) []byte {
	b := JPEG(Upright(16, 16), 0)
	for i := 2; i+9 < len(b); i++ {
		if b[i] == 0xFF && (b[i+1] == 0xC0 || b[i+1] == 0xC2) {
			binary.BigEndian.PutUint16(b[i+5:], h)
			binary.BigEndian.PutUint16(b[i+7:], w)
			return b
		}
	}
	panic("mediatest: no SOF marker")
}

// Logo is a 200×100 watermark logo: the left half opaque red, the right half transparent.
func Logo() *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, 200, 100))
	for y := 0; y < 100; y++ {
		for x := 0; x < 100; x++ {
			img.SetNRGBA(x, y, color.NRGBA{255, 0, 0, 255})
		}
	}
	return img
}

// Flat is a w×h picture of one colour.
func Flat(w, h int, c color.RGBA) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := 0; i < len(img.Pix); i += 4 {
		img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = c.R, c.G, c.B, c.A
	}
	return img
}
