package media

import (
	"bytes"
	"image"
	"image/draw"
	"image/jpeg"
	"image/png"

	xdraw "golang.org/x/image/draw"
)

// Mark is a studio's watermark: its logo drawn over every rendition guests see (never over
// originals), scaled to the rendition.
type Mark struct {
	// Logo is the studio's logo; transparency is kept (PNG).
	Logo image.Image
	// Position: bottom_right, bottom_left, top_right, top_left, center or tiled.
	Position string
	// Opacity in percent, 10–100.
	Opacity int
}

// Watermark geometry, as fractions of the rendition.
const (
	markWidth     = 0.22 // the logo's width, of the rendition's width (one mark)
	markTileWidth = 0.16 // the logo's width when tiled
	markHeightMax = 0.22 // the logo's height at most, of the rendition's height
	markMargin    = 0.03 // distance from the edges, of the shorter side
)

// LogoLimit bounds the pixels of a logo (it is decoded for every rendition job).
const LogoLimit = 4000 * 4000

// DecodeLogo decodes a PNG or JPEG logo, refusing other types and oversized ones.
func DecodeLogo(b []byte) (image.Image, error) {
	t, err := Sniff(b[:min(len(b), SniffLen)])
	if err != nil {
		return nil, err
	}
	var cfg image.Config
	switch t.Ext {
	case "png":
		cfg, err = png.DecodeConfig(bytes.NewReader(b))
	case "jpg":
		cfg, err = jpeg.DecodeConfig(bytes.NewReader(b))
	default:
		return nil, fail(CodeUnsupported, "logo must be PNG or JPEG, not %s", t.ContentType)
	}
	if err != nil {
		return nil, fail(CodeCorrupt, "logo header: %v", err)
	}
	if err := checkPixels(cfg.Width, cfg.Height, Limits{MaxPixels: LogoLimit}); err != nil {
		return nil, err
	}
	img, _, err := image.Decode(bytes.NewReader(b))
	if err != nil {
		return nil, fail(CodeCorrupt, "logo: %v", err)
	}
	return img, nil
}

// draw blends the mark over p.
func (m *Mark) draw(p rgb) {
	if m == nil || m.Logo == nil || p.W < 8 || p.H < 8 {
		return
	}
	lb := m.Logo.Bounds()
	if lb.Dx() <= 0 || lb.Dy() <= 0 {
		return
	}
	frac := markWidth
	if m.Position == "tiled" {
		frac = markTileWidth
	}
	lw := max(1, int(float64(p.W)*frac))
	lh := max(1, lw*lb.Dy()/lb.Dx())
	if limit := max(1, int(float64(p.H)*markHeightMax)); lh > limit {
		lh, lw = limit, max(1, limit*lb.Dx()/lb.Dy())
	}
	logo := image.NewRGBA(image.Rect(0, 0, lw, lh))
	xdraw.CatmullRom.Scale(logo, logo.Bounds(), m.Logo, lb, draw.Src, nil)
	margin := int(float64(min(p.W, p.H)) * markMargin)
	var at []image.Point
	switch m.Position {
	case "top_left":
		at = append(at, image.Pt(margin, margin))
	case "top_right":
		at = append(at, image.Pt(p.W-lw-margin, margin))
	case "bottom_left":
		at = append(at, image.Pt(margin, p.H-lh-margin))
	case "center":
		at = append(at, image.Pt((p.W-lw)/2, (p.H-lh)/2))
	case "tiled":
		// A grid with a logo's width between marks, every other row shifted by half a step,
		// so no part of the picture is far from a mark.
		sx, sy := 2*lw, 2*lh+margin
		for row, y := 0, margin; y < p.H; row, y = row+1, y+sy {
			x0 := margin
			if row%2 == 1 {
				x0 -= lw
			}
			for x := x0; x < p.W; x += sx {
				at = append(at, image.Pt(x, y))
			}
		}
	default: // bottom_right
		at = append(at, image.Pt(p.W-lw-margin, p.H-lh-margin))
	}
	opacity := uint32(min(max(m.Opacity, 0), 100))
	for _, pt := range at {
		blend(p, logo, pt, opacity)
	}
}

// blend draws the premultiplied logo at pt over p at opacity percent, clipped to p.
func blend(p rgb, logo *image.RGBA, pt image.Point, opacity uint32) {
	lw, lh := logo.Bounds().Dx(), logo.Bounds().Dy()
	for y := max(0, -pt.Y); y < lh && pt.Y+y < p.H; y++ {
		src := logo.Pix[y*logo.Stride:]
		dst := p.Pix[((pt.Y+y)*p.W)*3:]
		for x := max(0, -pt.X); x < lw && pt.X+x < p.W; x++ {
			s := src[x*4 : x*4+4]
			a := uint32(s[3]) * opacity / 100
			if a == 0 {
				continue
			}
			d := dst[(pt.X+x)*3 : (pt.X+x)*3+3]
			for c := 0; c < 3; c++ {
				// s is premultiplied by the logo's alpha; scale it by the opacity too.
				v := (uint32(d[c])*(255-a) + uint32(s[c])*opacity/100*255) / 255
				d[c] = byte(min(v, 255))
			}
		}
	}
}
