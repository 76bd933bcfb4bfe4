package media

// Packed 8-bit RGB pixels and the few operations renditions need on them: resampling,
// turning upright and drawing a watermark. Working on 3 bytes per pixel (instead of
// image.RGBA's 4 through the image/draw interfaces) keeps the fast renderer's memory traffic
// small; everything here is pure Go so every build has it.

import (
	"context"
	"fmt"
	"image"
)

// rgb is a w×h picture, 3 bytes per pixel, rows packed without padding.
type rgb struct {
	Pix  []byte
	W, H int
}

func newRGB(w, h int) rgb { return rgb{Pix: make([]byte, w*h*3), W: w, H: h} }

// image returns an image.Image view (a copy as RGBA) for encoders that need one.
func (p rgb) rgba() *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, p.W, p.H))
	for i, j := 0, 0; i < len(p.Pix); i, j = i+3, j+4 {
		img.Pix[j], img.Pix[j+1], img.Pix[j+2], img.Pix[j+3] = p.Pix[i], p.Pix[i+1], p.Pix[i+2], 0xFF
	}
	return img
}

// fitEdge is the size of a w×h picture shrunk so its longest edge is at most maxEdge (never
// enlarged), rounded down like Std does.
func fitEdge(w, h, maxEdge int) (int, int) {
	if long := max(w, h); long > maxEdge {
		return max(1, w*maxEdge/long), max(1, h*maxEdge/long)
	}
	return w, h
}

// weights of one output pixel along one axis: source start index and 14-bit fixed-point
// weights summing to 1<<14.
type taps struct {
	start int
	w     []int32
}

const wbits = 14

// kernel computes, for every output index along an axis of n source pixels shrunk to m, the
// triangle (tent) filter taps widened by the shrink ratio, so shrinking averages every
// source pixel instead of skipping some (no aliasing on fine patterns such as fabric).
func kernel(n, m int) []taps {
	ratio := float64(n) / float64(m)
	support := max(1.0, ratio) // tent half-width in source pixels
	out := make([]taps, m)
	fw := make([]float64, 0, int(2*support)+3)
	for i := range out {
		center := (float64(i)+0.5)*ratio - 0.5
		lo := int(center-support) + 1
		hi := int(center + support)
		lo, hi = max(lo, 0), min(hi, n-1)
		if lo > hi {
			lo, hi = min(max(int(center+0.5), 0), n-1), min(max(int(center+0.5), 0), n-1)
		}
		fw = fw[:0]
		var sum float64
		for s := lo; s <= hi; s++ {
			d := (float64(s) - center) / support
			if d < 0 {
				d = -d
			}
			wt := 1 - d
			if wt < 0 {
				wt = 0
			}
			fw = append(fw, wt)
			sum += wt
		}
		t := taps{start: lo, w: make([]int32, len(fw))}
		if sum == 0 {
			t.w[len(fw)/2] = 1 << wbits
		} else {
			var acc int32
			for k, wt := range fw {
				t.w[k] = int32(wt / sum * (1 << wbits))
				acc += t.w[k]
			}
			t.w[len(fw)/2] += 1<<wbits - acc // rounding remainder to the middle tap
		}
		out[i] = t
	}
	return out
}

func clamp8(v int32) byte {
	v = (v + 1<<(wbits-1)) >> wbits
	if v < 0 {
		return 0
	}
	if v > 255 {
		return 255
	}
	return byte(v)
}

// resize resamples src to w×h with a tent filter: horizontally first into a w×src.H buffer,
// then vertically.
func resize(src rgb, w, h int) rgb {
	if w == src.W && h == src.H {
		return src
	}
	kx, ky := kernel(src.W, w), kernel(src.H, h)
	tmp := newRGB(w, src.H)
	for y := 0; y < src.H; y++ {
		row := src.Pix[y*src.W*3 : (y+1)*src.W*3]
		out := tmp.Pix[y*w*3 : (y+1)*w*3]
		for x, t := range kx {
			var r, g, b int32
			p := row[t.start*3 : t.start*3+len(t.w)*3] // one bounds check for the taps
			for k, wt := range t.w {
				q := p[k*3 : k*3+3 : k*3+3]
				r += int32(q[0]) * wt
				g += int32(q[1]) * wt
				b += int32(q[2]) * wt
			}
			o := out[x*3 : x*3+3 : x*3+3]
			o[0], o[1], o[2] = clamp8(r), clamp8(g), clamp8(b)
		}
	}
	dst := newRGB(w, h)
	stride := w * 3
	acc := make([]int32, stride)
	for y, t := range ky {
		clear(acc)
		for k, wt := range t.w {
			row := tmp.Pix[(t.start+k)*stride : (t.start+k+1)*stride]
			acc := acc[:len(row)]
			for i, v := range row {
				acc[i] += int32(v) * wt
			}
		}
		out := dst.Pix[y*stride : (y+1)*stride]
		acc := acc[:len(out)]
		for i, v := range acc {
			out[i] = clamp8(v)
		}
	}
	return dst
}

// orientRGB turns a stored picture upright per its EXIF orientation (1–8), like orient.
func orientRGB(src rgb, o int) rgb {
	if o <= 1 || o > 8 {
		return src
	}
	w, h := src.W, src.H
	dw, dh := uprightSize(w, h, o)
	dst := newRGB(dw, dh)
	for y := 0; y < h; y++ {
		row := src.Pix[y*w*3:]
		for x := 0; x < w; x++ {
			dx, dy := upright(x, y, w, h, o)
			di := (dy*dw + dx) * 3
			copy(dst.Pix[di:di+3], row[x*3:x*3+3])
		}
	}
	return dst
}

// fromRGBA copies an RGBA picture (opaque) into packed RGB.
func fromRGBA(img *image.RGBA) rgb {
	b := img.Bounds()
	p := newRGB(b.Dx(), b.Dy())
	for y := 0; y < p.H; y++ {
		row := img.Pix[img.PixOffset(b.Min.X, b.Min.Y+y):]
		out := p.Pix[y*p.W*3 : (y+1)*p.W*3]
		for x := 0; x < p.W; x++ {
			out[x*3], out[x*3+1], out[x*3+2] = row[x*4], row[x*4+1], row[x*4+2]
		}
	}
	return p
}

// encoder compresses packed RGB to JPEG at a quality 1–100.
type encoder func(p rgb, quality int) ([]byte, error)

// renderFrom makes the renditions of a picture whose stored (not yet upright) size is w×h
// from pix, a copy of it at least as large as the largest rendition: largest first, each
// smaller one from the previous result, then each turned upright, marked and encoded. The
// renditions come back in the order asked for.
func renderFrom(ctx context.Context, pix rgb, w, h, o int, specs []Spec, mark *Mark, enc encoder) ([]Rendition, error) {
	done := make(map[Spec]Rendition, len(specs))
	from := pix
	for _, sp := range sortedLargestFirst(specs) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		tw, th := fitEdge(w, h, sp.MaxEdge)
		scaled := resize(from, tw, th)
		from = scaled
		up := orientRGB(scaled, o)
		if mark != nil {
			if o <= 1 { // orientRGB returned scaled itself, the source of the next rendition
				up = rgb{Pix: append([]byte(nil), scaled.Pix...), W: scaled.W, H: scaled.H}
			}
			mark.draw(up)
		}
		data, err := enc(up, sp.Quality)
		if err != nil {
			return nil, fmt.Errorf("encode %s: %w", sp.Name, err)
		}
		done[sp] = Rendition{Spec: sp, Data: data, Width: up.W, Height: up.H}
	}
	out := make([]Rendition, 0, len(specs))
	for _, sp := range specs {
		out = append(out, done[sp])
	}
	return out, nil
}
