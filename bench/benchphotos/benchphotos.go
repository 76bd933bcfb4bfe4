// Package benchphotos makes the benchmarks' camera-like test photos: 6000×4000 JPEGs
// (24 megapixels: smooth gradients, a large soft shape and sensor-like noise, about 8 MB
// each at quality 90), generated once into a folder and reused by later runs. bench/album
// (renditions, delivery) and bench/ingest share them.
package benchphotos

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"

	"github.com/studiodesk/studiodesk/backend/media/mediatest"
)

// Name is the file name of photo i (0-based): IMG_0001.jpg, ...
func Name(i int) string { return fmt.Sprintf("IMG_%04d.jpg", i+1) }

// Generate makes the n photos in dir that are not there yet (with workers at once, printing
// progress) and returns all n paths; every fourth carries EXIF orientation 6, 3 or 8 like a
// camera held upright. Only the first distinct (all when 0 or ≥ n) are pictures of their
// own; photo i ≥ distinct is photo i % distinct with a JPEG comment naming i: another file
// (its own content hash, stored once more), the same decoding work, made in milliseconds
// instead of seconds.
func Generate(dir string, n, distinct, workers int) ([]string, error) {
	if distinct <= 0 || distinct > n {
		distinct = n
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	files := make([]string, n)
	var todo, copies []int
	for i := range n {
		files[i] = filepath.Join(dir, Name(i))
		if _, err := os.Stat(files[i]); err != nil {
			if i < distinct {
				todo = append(todo, i)
			} else {
				copies = append(copies, i)
			}
		}
	}
	if len(todo)+len(copies) > 0 {
		fmt.Printf("generating %d 24-megapixel JPEGs (%d copies) in %s ...\n", len(todo)+len(copies), len(copies), dir)
	}
	write := func(i int, b []byte) error {
		// Written under a temporary name first: a run stopped midway leaves no half-written
		// photo that a later run would take as done.
		tmp := files[i] + ".tmp"
		if err := os.WriteFile(tmp, b, 0o644); err != nil {
			return err
		}
		return os.Rename(tmp, files[i])
	}
	queue := make(chan int, len(todo))
	for _, i := range todo {
		queue <- i
	}
	close(queue)
	var mu sync.Mutex
	var wg sync.WaitGroup
	errs := make([]error, max(1, workers))
	done := 0
	for w := range errs {
		wg.Go(func() {
			for i := range queue {
				if errs[w] = write(i, mediatest.WithOrientation(Photo(uint64(i)), []int{0, 6, 0, 3, 0, 8, 0, 1}[i%8])); errs[w] != nil {
					return
				}
				mu.Lock()
				done++
				fmt.Printf("\r  %d/%d", done, len(todo))
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	for _, i := range copies {
		src, err := os.ReadFile(files[i%distinct])
		if err != nil {
			return nil, err
		}
		if err := write(i, withComment(src, fmt.Sprintf("benchphotos copy %d of %s", i, Name(i%distinct)))); err != nil {
			return nil, err
		}
	}
	if len(todo)+len(copies) > 0 {
		fmt.Println()
	}
	return files, nil
}

// Photo is test photo seed, encoded.
func Photo(seed uint64) []byte {
	const w, h = 6000, 4000
	r := rand.New(rand.NewPCG(seed, 7))
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	cx, cy, rad := r.IntN(w), r.IntN(h), 800+r.IntN(1500)
	base := [3]int{r.IntN(120), r.IntN(120), r.IntN(120)}
	for y := range h {
		for x := range w {
			i := img.PixOffset(x, y)
			dx, dy := x-cx, y-cy
			inside := dx*dx+dy*dy < rad*rad
			for c := range 3 {
				v := base[c] + (x*(60+20*c))/w + (y*(50-15*c))/h
				if inside {
					v += 40
				}
				v += r.IntN(37) - 18 // sensor noise
				img.Pix[i+c] = uint8(min(max(v, 0), 255))
			}
			img.Pix[i+3] = 255
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// withComment inserts a JPEG comment (COM segment) after the application segments (EXIF
// stays first, where readers look for the orientation).
func withComment(jpg []byte, text string) []byte {
	at := 2
	for at+4 <= len(jpg) && jpg[at] == 0xFF && jpg[at+1] >= 0xE0 && jpg[at+1] <= 0xEF {
		at += 2 + int(jpg[at+2])<<8 + int(jpg[at+3])
	}
	seg := []byte{0xFF, 0xFE, byte((len(text) + 2) >> 8), byte(len(text) + 2)}
	out := make([]byte, 0, len(jpg)+len(seg)+len(text))
	out = append(out, jpg[:at]...)
	out = append(out, seg...)
	out = append(out, text...)
	return append(out, jpg[at:]...)
}
