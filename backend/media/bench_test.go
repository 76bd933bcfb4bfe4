package media_test

import (
	"bytes"
	"context"
	"image"
	"image/jpeg"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/studiodesk/studiodesk/backend/media"
	"github.com/studiodesk/studiodesk/backend/media/mediatest"
)

var big = sync.OnceValue(func() []byte {
	const w, h = 6000, 4000
	r := rand.New(rand.NewPCG(1, 2))
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := 0; i < len(img.Pix); i += 4 {
		x, y := (i/4)%w, (i/4)/w
		img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = uint8(x*200/w+r.IntN(36)), uint8(y*200/h+r.IntN(36)), uint8(r.IntN(200)), 255
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
		panic(err)
	}
	return mediatest.WithOrientation(buf.Bytes(), 6)
})

// BenchmarkRender24MP: thumb + preview of one 6000×4000 JPEG (EXIF orientation 6), per
// renderer of this build. The comparison with vipsthumbnail is bench/album renditions.
func BenchmarkRender24MP(b *testing.B) {
	src := big()
	for name, r := range renderers(nil) {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			for b.Loop() {
				if _, _, err := r.Render(context.Background(), bytes.NewReader(src), []media.Spec{media.Thumb, media.Preview}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
