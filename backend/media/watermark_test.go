package media_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"testing"

	"github.com/studiodesk/studiodesk/backend/media"
	"github.com/studiodesk/studiodesk/backend/media/mediatest"
)

var grey = color.RGBA{128, 128, 128, 255}

func rgbAt(img image.Image, x, y int) (int, int, int) {
	r, g, b, _ := img.At(x, y).RGBA()
	return int(r >> 8), int(g >> 8), int(b >> 8)
}

func within(t *testing.T, what string, img image.Image, x, y int, want [3]int, tol int) {
	t.Helper()
	r, g, b := rgbAt(img, x, y)
	for i, v := range [3]int{r, g, b} {
		if d := v - want[i]; d > tol || d < -tol {
			t.Errorf("%s at (%d,%d) is %d,%d,%d, want %v ±%d", what, x, y, r, g, b, want, tol)
			return
		}
	}
}

// TestWatermarkPixels: the logo lands where the position says on the upright picture (the
// source is stored rotated), scaled to each rendition, blended at the opacity, its
// transparent part leaving the photo as it was; nothing is drawn without a mark.
func TestWatermarkPixels(t *testing.T) {
	// Upright 1600×1200 grey, stored rotated (EXIF 6).
	src := mediatest.JPEG(mediatest.Stored(mediatest.Flat(1600, 1200, grey), 6), 6)
	for name, r := range renderers(t) {
		t.Run(name, func(t *testing.T) {
			for _, tc := range []struct {
				opacity int
				red     [3]int
			}{{100, [3]int{255, 0, 0}}, {50, [3]int{191, 64, 64}}} {
				mark := &media.Mark{Logo: mediatest.Logo(), Position: "bottom_right", Opacity: tc.opacity}
				_, rs, err := r.RenderMarked(context.Background(), bytes.NewReader(src), []media.Spec{media.Thumb, media.Preview}, mark)
				if err != nil {
					t.Fatal(err)
				}
				// Preview 1600×1200: logo 352×176 (22 % of the width), margin 36 (3 % of 1200):
				// x 1212–1564, y 988–1164; its red half is x 1212–1388.
				p := decodeJPEG(t, rs[1].Data)
				if p.Bounds().Dx() != 1600 || p.Bounds().Dy() != 1200 {
					t.Fatalf("preview %v", p.Bounds())
				}
				within(t, "preview logo (red half)", p, 1300, 1076, tc.red, 14)
				within(t, "preview logo (transparent half)", p, 1476, 1076, [3]int{128, 128, 128}, 8)
				within(t, "preview outside the logo", p, 1100, 1076, [3]int{128, 128, 128}, 8)
				within(t, "preview top left", p, 200, 150, [3]int{128, 128, 128}, 8)
				within(t, "preview below the logo (margin)", p, 1300, 1185, [3]int{128, 128, 128}, 8)
				// Thumb 400×300: logo 88×44, margin 9: x 303–391, y 247–291; red half 303–347.
				th := decodeJPEG(t, rs[0].Data)
				within(t, "thumb logo (red half)", th, 325, 269, tc.red, 20)
				within(t, "thumb top left", th, 50, 50, [3]int{128, 128, 128}, 8)
			}
		})
	}
}

func TestWatermarkPositionsAndTiles(t *testing.T) {
	src := mediatest.JPEG(mediatest.Flat(1600, 1200, grey), 0)
	red := [3]int{255, 0, 0}
	gray := [3]int{128, 128, 128}
	for name, r := range renderers(t) {
		t.Run(name, func(t *testing.T) {
			for _, tc := range []struct {
				position string
				redAt    [][2]int // points inside the logo's red half
				greyAt   [][2]int
			}{
				{"top_left", [][2]int{{36 + 88, 36 + 88}}, [][2]int{{1300, 1076}, {800, 600}}},
				{"top_right", [][2]int{{1212 + 88, 36 + 88}}, [][2]int{{124, 124}, {1300, 1076}}},
				{"bottom_left", [][2]int{{124, 988 + 88}}, [][2]int{{124, 124}, {1300, 1076}}},
				{"center", [][2]int{{624 + 88, 512 + 88}}, [][2]int{{124, 124}, {1300, 1076}}},
				// Tiled: logo 256×128 every 512 px across and 292 px down, odd rows shifted left
				// by 256: the first row's marks at x 36, 548, 1060; the second row's at -220,
				// 292, 804, 1316 (y 328).
				{"tiled", [][2]int{{36 + 64, 36 + 64}, {548 + 64, 36 + 64}, {1060 + 64, 36 + 64}, {292 + 64, 328 + 64}, {1316 + 64, 328 + 64}},
					[][2]int{{36 + 192, 36 + 64}, {36 + 64, 250}}},
			} {
				mark := &media.Mark{Logo: mediatest.Logo(), Position: tc.position, Opacity: 100}
				_, rs, err := r.RenderMarked(context.Background(), bytes.NewReader(src), []media.Spec{media.Preview}, mark)
				if err != nil {
					t.Fatal(err)
				}
				p := decodeJPEG(t, rs[0].Data)
				for _, pt := range tc.redAt {
					within(t, tc.position+" mark", p, pt[0], pt[1], red, 16)
				}
				for _, pt := range tc.greyAt {
					within(t, tc.position+" photo", p, pt[0], pt[1], gray, 8)
				}
			}
		})
	}
}

func TestDecodeLogo(t *testing.T) {
	var buf bytes.Buffer
	if err := png.Encode(&buf, mediatest.Logo()); err != nil {
		t.Fatal(err)
	}
	img, err := media.DecodeLogo(buf.Bytes())
	if err != nil || img.Bounds().Dx() != 200 {
		t.Fatalf("%v %v", img, err)
	}
	for name, tc := range map[string]struct {
		b    []byte
		code string
	}{
		"text":      {[]byte("not an image, just some words here"), media.CodeNotMedia},
		"bomb":      {mediatest.Bomb(20000, 20000), media.CodeTooLarge},
		"truncated": {buf.Bytes()[:buf.Len()/2], media.CodeCorrupt},
		"webp":      {append([]byte("RIFF\x00\x00\x00\x00WEBPVP8 "), make([]byte, 40)...), media.CodeUnsupported},
	} {
		if _, err := media.DecodeLogo(tc.b); media.CodeOf(err) != tc.code {
			t.Errorf("%s: %v, want %s", name, err, tc.code)
		}
	}
}
