package media_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
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

// renderers are every renderer of this build: Std, and Turbo where cgo and libjpeg are.
func renderers(t *testing.T) map[string]media.Renderer {
	// CI builds the server with cgo on Linux, so the libjpeg-turbo renderer must be tested
	// there; the pure-Go build (the desktop's) runs as its own suite and says so.
	if t != nil && runtime.GOOS == "linux" && !media.TurboAvailable && os.Getenv("CI") != "" && os.Getenv("STUDIODESK_MEDIA_PUREGO") == "" {
		t.Fatal("media.Turbo is not in this build (cgo off or -tags nolibjpeg); install libjpeg62-turbo-dev")
	}
	rs := map[string]media.Renderer{"std": media.Std{}}
	if media.TurboAvailable {
		rs["turbo"] = media.Best(media.Limits{})
	}
	return rs
}

func TestOrientationsOneToEight(t *testing.T) {
	for name, r := range renderers(t) {
		t.Run(name, func(t *testing.T) { orientations(t, r) })
	}
}

func orientations(t *testing.T, r media.Renderer) {
	up := mediatest.Upright(800, 400)
	for o := 1; o <= 8; o++ {
		t.Run(string(rune('0'+o)), func(t *testing.T) {
			src := mediatest.JPEG(mediatest.Stored(up, o), o)
			info, rs, err := r.Render(context.Background(), bytes.NewReader(src), []media.Spec{media.Thumb, media.Preview})
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
	for name, r := range renderers(t) {
		t.Run(name, func(t *testing.T) {
			info, rs, err := r.Render(context.Background(), bytes.NewReader(buf.Bytes()), []media.Spec{media.Preview, media.Thumb})
			if err != nil || info.Format != "png" {
				t.Fatalf("%+v %v", info, err)
			}
			if rs[0].Width != 2048 || rs[0].Height != 1365 || rs[1].Width != 400 || rs[1].Height != 266 {
				t.Fatalf("sizes %dx%d %dx%d", rs[0].Width, rs[0].Height, rs[1].Width, rs[1].Height)
			}
			checkUpright(t, decodeJPEG(t, rs[1].Data))
		})
	}
}

// A large JPEG goes through the scaled decoding (Turbo decodes 2600×1300 at 7/8) and still
// comes out at the exact sizes, upright, for a rotated and a flipped frame.
func TestLargeJPEGScaledDecode(t *testing.T) {
	up := mediatest.Upright(2600, 1300)
	for _, o := range []int{1, 3, 6} {
		src := mediatest.JPEG(mediatest.Stored(up, o), o)
		for name, r := range renderers(t) {
			t.Run(fmt.Sprintf("%s/%d", name, o), func(t *testing.T) {
				info, rs, err := r.Render(context.Background(), bytes.NewReader(src), []media.Spec{media.Thumb, media.Preview})
				if err != nil {
					t.Fatal(err)
				}
				if info.Width != 2600 || info.Height != 1300 {
					t.Fatalf("info %+v", info)
				}
				if rs[0].Width != 400 || rs[0].Height != 200 || rs[1].Width != 2048 || rs[1].Height != 1024 {
					t.Fatalf("sizes %dx%d %dx%d", rs[0].Width, rs[0].Height, rs[1].Width, rs[1].Height)
				}
				for _, r := range rs {
					img := decodeJPEG(t, r.Data)
					if img.Bounds().Dx() != r.Width || img.Bounds().Dy() != r.Height {
						t.Fatalf("%s decodes as %v", r.Spec.Name, img.Bounds())
					}
					checkUpright(t, img)
				}
			})
		}
	}
}

func TestRefusals(t *testing.T) {
	whole := mediatest.JPEG(mediatest.Upright(600, 400), 6)
	tests := []struct {
		name string
		src  []byte
		code string
	}{
		{"decompression bomb", mediatest.Bomb(60000, 60000), media.CodeTooLarge},
		{"jpeg bomb", mediatest.JPEGBomb(60000, 60000), media.CodeTooLarge},
		{"damaged jpeg", damaged(whole), media.CodeCorrupt},
		{"truncated jpeg", whole[:len(whole)/2], media.CodeCorrupt},
		{"heic", append([]byte("\x00\x00\x00\x18ftypheic"), make([]byte, 40)...), media.CodeUnsupported},
		{"video", append([]byte("\x00\x00\x00\x18ftypisom"), make([]byte, 40)...), media.CodeUnsupported},
		{"text", []byte("hello, this is not a photo at all........"), media.CodeNotMedia},
		{"empty", nil, media.CodeNotMedia},
	}
	for _, tc := range tests {
		for name, r := range renderers(t) {
			t.Run(name+"/"+tc.name, func(t *testing.T) {
				refusal(t, r, tc.src, tc.code)
			})
		}
	}
}

func refusal(t *testing.T, r media.Renderer, src []byte, code string) {
	t.Helper()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	_, _, err := r.Render(context.Background(), bytes.NewReader(src), []media.Spec{media.Thumb})
	if media.CodeOf(err) != code {
		t.Fatalf("got %v, want %s", err, code)
	}
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	if grown := after.TotalAlloc - before.TotalAlloc; grown > 64<<20 {
		t.Fatalf("refusing took %d MB", grown>>20)
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

// damaged overwrites the middle of the entropy-coded data with a marker that cannot be there.
func damaged(b []byte) []byte {
	out := append([]byte(nil), b...)
	for i := len(out) / 2; i < len(out)/2+64; i += 2 {
		out[i], out[i+1] = 0xFF, 0xD8
	}
	return out
}
