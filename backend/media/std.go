package media

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io"

	"github.com/rwcarlsen/goexif/exif"
	"golang.org/x/image/draw"
	"golang.org/x/image/webp"
)

// Limits bound what Std decodes.
type Limits struct {
	// MaxPixels refuses images with more pixels before decoding them (a 100-megapixel
	// medium-format frame is allowed; a 50,000² "bomb" of a few KB is not). Default 120e6.
	MaxPixels int64
}

// Std is the pure-Go renderer: standard decoders, x/image/draw bilinear scaling (which
// filters properly when shrinking), orientation applied on the small result.
type Std struct {
	Limits Limits
}

var _ Renderer = Std{}

// exifWindow is how much of the file's start is searched for EXIF (APP1 is at most 64 KiB
// and comes first).
const exifWindow = 128 << 10

// Render implements Renderer.
func (s Std) Render(ctx context.Context, src io.Reader, specs []Spec) (Image, []Rendition, error) {
	return s.RenderMarked(ctx, src, specs, nil)
}

// RenderMarked implements Renderer.
func (s Std) RenderMarked(ctx context.Context, src io.Reader, specs []Spec, mark *Mark) (Image, []Rendition, error) {
	br := bufio.NewReaderSize(src, exifWindow)
	head, _ := br.Peek(exifWindow) // shorter files peek less; a read error shows in decoding
	t, err := Sniff(head)
	if err != nil {
		return Image{}, nil, err
	}
	if !t.Renderable {
		return Image{}, nil, fail(CodeUnsupported, "%s has no decoder", t.ContentType)
	}
	info := Image{Format: t.Ext, Orientation: 1}
	if t.Ext == "jpg" {
		info.Format = "jpeg"
		info.Orientation = orientation(head)
	}
	// The header alone says how big the pixels would be: refuse before allocating them.
	cfg, err := decodeConfig(t.Ext, bytes.NewReader(head))
	if err != nil {
		return Image{}, nil, fail(CodeCorrupt, "read header: %v", err)
	}
	if err := checkPixels(cfg.Width, cfg.Height, s.Limits); err != nil {
		return Image{}, nil, err
	}
	if err := ctx.Err(); err != nil {
		return Image{}, nil, err
	}
	img, err := decode(t.Ext, br)
	if err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
			return Image{}, nil, fail(CodeCorrupt, "truncated: %v", err)
		}
		return Image{}, nil, fail(CodeCorrupt, "decode: %v", err)
	}
	w, h := img.Bounds().Dx(), img.Bounds().Dy()
	info.Width, info.Height = uprightSize(w, h, info.Orientation)
	// Only the largest rendition is made from the full picture (x/image/draw reads any
	// image.Image); the smaller ones come from it, which is cheaper and looks the same.
	largest := 0
	for _, sp := range specs {
		largest = max(largest, sp.MaxEdge)
	}
	if largest == 0 { // no renditions asked for: the checks and the description only
		return info, nil, nil
	}
	first := scale(img, largest)
	rs, err := renderFrom(ctx, fromRGBA(first), w, h, info.Orientation, specs, mark, encodeStd)
	if err != nil {
		return Image{}, nil, err
	}
	return info, rs, nil
}

// checkPixels refuses a picture with more pixels than the limits allow (default 120e6).
func checkPixels(w, h int, l Limits) error {
	maxPixels := l.MaxPixels
	if maxPixels <= 0 {
		maxPixels = 120e6
	}
	if w <= 0 || h <= 0 || int64(w)*int64(h) > maxPixels {
		return fail(CodeTooLarge, "%d×%d pixels (limit %d)", w, h, maxPixels)
	}
	return nil
}

func encodeStd(p rgb, quality int) ([]byte, error) {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, p.rgba(), &jpeg.Options{Quality: quality}); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func decodeConfig(ext string, r io.Reader) (image.Config, error) {
	switch ext {
	case "jpg":
		return jpeg.DecodeConfig(r)
	case "png":
		return png.DecodeConfig(r)
	case "webp":
		return webp.DecodeConfig(r)
	}
	return image.Config{}, fmt.Errorf("no decoder for %s", ext)
}

func decode(ext string, r io.Reader) (image.Image, error) {
	switch ext {
	case "jpg":
		return jpeg.Decode(r)
	case "png":
		return png.Decode(r)
	case "webp":
		return webp.Decode(r)
	}
	return nil, fmt.Errorf("no decoder for %s", ext)
}

// orientation reads the EXIF orientation from the start of a JPEG (1 when absent or odd).
func orientation(head []byte) int {
	x, err := exif.Decode(bytes.NewReader(head))
	if err != nil {
		return 1
	}
	tag, err := x.Get(exif.Orientation)
	if err != nil {
		return 1
	}
	o, err := tag.Int(0)
	if err != nil || o < 1 || o > 8 {
		return 1
	}
	return o
}

func sortedLargestFirst(specs []Spec) []Spec {
	out := append([]Spec(nil), specs...)
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].MaxEdge > out[j-1].MaxEdge; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// scale shrinks img so its longest edge is at most maxEdge (never enlarges); turning it
// upright afterwards does not change the longest edge.
func scale(img image.Image, maxEdge int) *image.RGBA {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if long := max(w, h); long > maxEdge {
		w, h = max(1, w*maxEdge/long), max(1, h*maxEdge/long)
	}
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	if w == b.Dx() && h == b.Dy() {
		draw.Draw(dst, dst.Bounds(), img, b.Min, draw.Src)
		return dst
	}
	draw.BiLinear.Scale(dst, dst.Bounds(), img, b, draw.Src, nil)
	return dst
}

// orient turns a stored image upright per its EXIF orientation (1–8).
func orient(src *image.RGBA, o int) *image.RGBA {
	if o <= 1 || o > 8 {
		return src
	}
	w, h := src.Bounds().Dx(), src.Bounds().Dy()
	dw, dh := uprightSize(w, h, o)
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			dx, dy := upright(x, y, w, h, o)
			si := src.PixOffset(x, y)
			di := dst.PixOffset(dx, dy)
			copy(dst.Pix[di:di+4], src.Pix[si:si+4])
		}
	}
	return dst
}

// uprightSize is the size of a stored w×h picture once turned upright.
func uprightSize(w, h, o int) (int, int) {
	if o >= 5 {
		return h, w
	}
	return w, h
}

// upright is where the stored pixel (x, y) of a w×h picture lands once turned upright per
// orientation o.
func upright(x, y, w, h, o int) (int, int) {
	switch o {
	case 2: // mirrored horizontally
		return w - 1 - x, y
	case 3: // rotated 180°
		return w - 1 - x, h - 1 - y
	case 4: // mirrored vertically
		return x, h - 1 - y
	case 5: // transposed
		return y, x
	case 6: // stored rotated 90° counter-clockwise: turn clockwise
		return h - 1 - y, x
	case 7: // transversed
		return h - 1 - y, w - 1 - x
	case 8: // stored rotated 90° clockwise: turn counter-clockwise
		return y, w - 1 - x
	}
	return x, y
}
