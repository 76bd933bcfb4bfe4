package media_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"runtime"
	"testing"

	"github.com/studiodesk/studiodesk/backend/media"
	"github.com/studiodesk/studiodesk/backend/media/mediatest"
)

func near(a, b color.Color) bool {
	r1, g1, b1, _ := a.RGBA()
	r2, g2, b2, _ := b.RGBA()
	d := func(x, y uint32) bool { return max(x, y)-min(x, y) < 0x3000 }
	return d(r1, r2) && d(g1, g2) && d(b1, b2)
}

func decodeJPEG(t *testing.T, b []byte) image.Image {
	t.Helper()
	img, err := jpeg.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// checkUpright: the rendition shows the four quadrants where Upright has them.
func checkUpright(t *testing.T, img image.Image) {
	t.Helper()
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	for _, q := range []struct {
		x, y int
		c    color.RGBA
		name string
	}{{w / 4, h / 4, mediatest.Red, "top-left"}, {3 * w / 4, h / 4, mediatest.Green, "top-right"},
		{w / 4, 3 * h / 4, mediatest.Blue, "bottom-left"}, {3 * w / 4, 3 * h / 4, mediatest.White, "bottom-right"}} {
		if got := img.At(b.Min.X+q.x, b.Min.Y+q.y); !near(got, q.c) {
			t.Errorf("%s is %v, want %v", q.name, got, q.c)
		}
	}
}

func TestOrientationsOneToEight(t *testing.T) {
	up := mediatest.Upright(800, 400)
	for o := 1; o <= 8; o++ {
		t.Run(string(rune('0'+o)), func(t *testing.T) {
			src := mediatest.JPEG(mediatest.Stored(up, o), o)
			info, rs, err := media.Std{}.Render(context.Background(), bytes.NewReader(src), []media.Spec{media.Thumb, media.Preview})
			if err != nil {
				t.Fatal(err)
			}
			if info.Orientation != o || info.Width != 800 || info.Height != 400 || info.Format != "jpeg" {
				t.Fatalf("info %+v", info)
			}
			if rs[0].Spec != media.Thumb || rs[0].Width != 400 || rs[0].Height != 200 {
				t.Fatalf("thumb %dx%d", rs[0].Width, rs[0].Height)
			}
			if rs[1].Spec != media.Preview || rs[1].Width != 800 || rs[1].Height != 400 {
				t.Fatalf("preview %dx%d (never enlarged)", rs[1].Width, rs[1].Height)
			}
			for _, r := range rs {
				checkUpright(t, decodeJPEG(t, r.Data))
				if bytes.Contains(r.Data[:min(len(r.Data), 64)], []byte("Exif")) {
					t.Fatal("rendition kept EXIF")
				}
			}
		})
	}
}

func TestPNGInputAndLargeDownscale(t *testing.T) {
	var buf bytes.Buffer
	if err := png.Encode(&buf, mediatest.Upright(3000, 2000)); err != nil {
		t.Fatal(err)
	}
	info, rs, err := media.Std{}.Render(context.Background(), &buf, []media.Spec{media.Preview, media.Thumb})
	if err != nil || info.Format != "png" {
		t.Fatalf("%+v %v", info, err)
	}
	if rs[0].Width != 2048 || rs[0].Height != 1365 || rs[1].Width != 400 || rs[1].Height != 266 {
		t.Fatalf("sizes %dx%d %dx%d", rs[0].Width, rs[0].Height, rs[1].Width, rs[1].Height)
	}
	checkUpright(t, decodeJPEG(t, rs[1].Data))
}

func TestRefusals(t *testing.T) {
	whole := mediatest.JPEG(mediatest.Upright(600, 400), 6)
	tests := []struct {
		name string
		src  []byte
		code string
	}{
		{"decompression bomb", mediatest.Bomb(60000, 60000), media.CodeTooLarge},
		{"truncated jpeg", whole[:len(whole)/2], media.CodeCorrupt},
		{"heic", append([]byte("\x00\x00\x00\x18ftypheic"), make([]byte, 40)...), media.CodeUnsupported},
		{"video", append([]byte("\x00\x00\x00\x18ftypisom"), make([]byte, 40)...), media.CodeUnsupported},
		{"text", []byte("hello, this is not a photo at all........"), media.CodeNotMedia},
		{"empty", nil, media.CodeNotMedia},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var before runtime.MemStats
			runtime.ReadMemStats(&before)
			_, _, err := media.Std{}.Render(context.Background(), bytes.NewReader(tc.src), []media.Spec{media.Thumb})
			if media.CodeOf(err) != tc.code {
				t.Fatalf("got %v, want %s", err, tc.code)
			}
			var after runtime.MemStats
			runtime.ReadMemStats(&after)
			if grown := after.TotalAlloc - before.TotalAlloc; grown > 64<<20 {
				t.Fatalf("refusing took %d MB", grown>>20)
			}
		})
	}
}

func TestSniff(t *testing.T) {
	for head, want := range map[string]string{
		"\xff\xd8\xff\xe0":                     "image/jpeg",
		"\x89PNG\r\n\x1a\n":                    "image/png",
		"RIFF\x00\x00\x00\x00WEBPVP8 ":         "image/webp",
		"\x00\x00\x00\x18ftypmif1":             "image/heic",
		"\x00\x00\x00\x14ftypqt  ":             "video/quicktime",
		"\x00\x00\x00\x20ftypmp42\x00\x00\x00": "video/mp4",
	} {
		got, err := media.Sniff([]byte(head))
		if err != nil || got.ContentType != want {
			t.Errorf("%q: %+v %v", head, got, err)
		}
	}
}
