// Package media makes what customers see from what photographers upload: it sniffs a file's
// real type, refuses what it cannot or must not decode (decompression bombs, truncated files,
// formats without a decoder) with a reason, and renders JPEG renditions (thumb ~400 px,
// preview ~2048 px) with the EXIF orientation applied and no metadata kept.
//
// Renderer is the seam for the decoder: Std is the pure-Go one every build has; Turbo
// (libjpeg-turbo through cgo, Linux builds) decodes JPEGs already shrunk. Best picks the
// fastest one the build has.
package media

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
)

// Spec is one rendition: a name and the longest edge in pixels.
type Spec struct {
	Name    string
	MaxEdge int
	Quality int // JPEG quality 1–100
}

// The renditions every photo gets.
var (
	Thumb   = Spec{Name: "thumb", MaxEdge: 400, Quality: 78}
	Preview = Spec{Name: "preview", MaxEdge: 2048, Quality: 85}
)

// Rendition is an encoded JPEG rendition.
type Rendition struct {
	Spec          Spec
	Data          []byte
	Width, Height int
}

// Image describes a decoded source, as seen upright (orientation applied).
type Image struct {
	Format        string // "jpeg", "png", "webp"
	Width, Height int
	Orientation   int // EXIF orientation 1–8 (1 when absent)
}

// Renderer renders specs of one image. Implementations must be safe for concurrent use and
// must check the image's size before decoding its pixels.
type Renderer interface {
	Render(ctx context.Context, src io.Reader, specs []Spec) (Image, []Rendition, error)
	// RenderMarked is Render with a watermark drawn on every rendition (none when mark is nil).
	RenderMarked(ctx context.Context, src io.Reader, specs []Spec, mark *Mark) (Image, []Rendition, error)
}

// Sized is a source that knows its length (the render job wraps the stored original in one),
// so a renderer that reads the whole file can do so in one allocation.
type Sized interface {
	io.Reader
	Size() int64
}

// Error is why a file cannot be rendered; Code is stable (stored with the photo and
// localized by the API), Detail is for the log.
type Error struct {
	Code   string
	Detail string
}

func (e *Error) Error() string { return "media: " + e.Code + ": " + e.Detail }

// Error codes.
const (
	CodeTooLarge    = "image_too_large"    // more pixels than Limits allow (decompression bomb)
	CodeCorrupt     = "image_corrupt"      // truncated or damaged
	CodeUnsupported = "format_unsupported" // a type we accept as a file but cannot render (HEIC)
	CodeNotMedia    = "not_media"          // neither an image nor a video
)

func fail(code, format string, args ...any) error {
	return &Error{Code: code, Detail: fmt.Sprintf(format, args...)}
}

// CodeOf returns the media error code of err, or "" when err is not one.
func CodeOf(err error) string {
	var me *Error
	if errors.As(err, &me) {
		return me.Code
	}
	return ""
}

// Kind of an uploaded file.
type Kind string

// File kinds.
const (
	KindImage Kind = "image"
	KindVideo Kind = "video"
)

// Type is what a file really is, judged by its first bytes (never by its name).
type Type struct {
	Kind        Kind
	ContentType string // "image/jpeg", "video/mp4", ...
	Ext         string // canonical extension without the dot
	// Renderable: Std can make renditions of it.
	Renderable bool
}

// SniffLen is how many leading bytes Sniff needs.
const SniffLen = 32

// Sniff identifies a file by its leading bytes. Unknown types return CodeNotMedia.
func Sniff(head []byte) (Type, error) {
	switch {
	case bytes.HasPrefix(head, []byte{0xFF, 0xD8, 0xFF}):
		return Type{KindImage, "image/jpeg", "jpg", true}, nil
	case bytes.HasPrefix(head, []byte("\x89PNG\r\n\x1a\n")):
		return Type{KindImage, "image/png", "png", true}, nil
	case len(head) >= 12 && string(head[:4]) == "RIFF" && string(head[8:12]) == "WEBP":
		return Type{KindImage, "image/webp", "webp", true}, nil
	case len(head) >= 12 && string(head[4:8]) == "ftyp":
		switch brand := string(head[8:12]); brand {
		case "heic", "heix", "heim", "heis", "hevc", "hevx", "mif1", "msf1":
			return Type{KindImage, "image/heic", "heic", false}, nil
		case "qt  ":
			return Type{KindVideo, "video/quicktime", "mov", false}, nil
		default: // isom, mp41, mp42, avc1, M4V , 3gp4, ...
			return Type{KindVideo, "video/mp4", "mp4", false}, nil
		}
	}
	return Type{}, fail(CodeNotMedia, "unknown leading bytes % x", head[:min(len(head), 12)])
}

// Fit is the size of this rendition of an upright w×h picture (never enlarged): what every
// Renderer makes, so a rendition made elsewhere (the desktop) can be checked against it.
func (s Spec) Fit(w, h int) (int, int) { return fitEdge(w, h, s.MaxEdge) }

// Check refuses a w×h picture with more pixels than l allows (CodeTooLarge).
func (l Limits) Check(w, h int) error { return checkPixels(w, h, l) }
