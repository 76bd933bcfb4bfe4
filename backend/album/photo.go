package album

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/studiodesk/studiodesk/backend/account"
)

// Photo is one file of an album: a photo or a video, stored once per studio under the
// SHA-256 of its bytes (content-addressed), so the same file uploaded again is a no-op.
type Photo struct {
	ID      int64  `json:"id"`
	AlbumID int64  `json:"album_id"`
	Hash    string `json:"hash"` // hex SHA-256 of the original
	Size    int64  `json:"size"`
	// Filename is the name the file had on the photographer's computer (the download name).
	Filename    string      `json:"filename"`
	ContentType string      `json:"content_type"`
	Kind        string      `json:"kind"` // image, video
	Width       int         `json:"width,omitempty"`
	Height      int         `json:"height,omitempty"`
	Status      PhotoStatus `json:"status"`
	// FailReason is a stable code (media error codes) when Status is failed.
	FailReason string `json:"fail_reason,omitempty"`
	// CRC-32s of the downloadable variants (zip entries are laid out from them).
	CRC         uint32 `json:"-"`
	CRCNoEXIF   uint32 `json:"-"`
	CRCNoGPS    uint32 `json:"-"`
	PreviewSize int64  `json:"-"`
	PreviewCRC  uint32 `json:"-"`
	// RenditionMark is the watermark the renditions carry ("" = none); it is part of their
	// blob keys.
	RenditionMark string `json:"-"`
	// OriginalPending: the desktop sent the renditions first and the original is still on
	// its way (migration 0026). The photo is shown; its original cannot be downloaded yet.
	OriginalPending bool      `json:"original_pending,omitempty"`
	CreatedBy       int64     `json:"created_by"`
	CreatedAt       time.Time `json:"created_at"`
	UpdatedAt       time.Time `json:"updated_at"`
}

// OriginalSums are what storing an original learns of it: size, type and the CRC-32s of
// the downloadable variants.
type OriginalSums struct {
	Size                     int64
	ContentType              string
	CRC, CRCNoEXIF, CRCNoGPS uint32
}

// RenderResult is what making a photo's renditions found.
type RenderResult struct {
	Status        PhotoStatus
	Width, Height int
	Reason        string // failure code
	PreviewSize   int64
	PreviewCRC    uint32
	Mark          string // the watermark fingerprint of the renditions ("" = none)
}

// PhotoStatus says whether a photo's renditions are there.
type PhotoStatus string

// Photo statuses.
const (
	PhotoProcessing PhotoStatus = "processing" // stored; renditions are being made
	PhotoReady      PhotoStatus = "ready"
	PhotoFailed     PhotoStatus = "failed" // stored, but it cannot be shown (FailReason says why)
)

// MaxFilenameBytes bounds a file name (what every common file system allows).
const MaxFilenameBytes = 255

// Filename error codes.
const (
	CodeFilenameInvalid = "filename_invalid"
	CodeFileEmpty       = "file_empty"
)

// CleanFilename checks the name of an uploaded file: a plain name (no folders, no control
// characters, not "." or ".."), at most 255 bytes. Folder uploads send each file's own name;
// the folder structure is not kept.
func CleanFilename(name string) (string, error) {
	name = strings.TrimSpace(name)
	reason := ""
	switch {
	case name == "":
		return "", fieldErr("filename", account.CodeRequired, nil)
	case !utf8.ValidString(name):
		reason = "encoding"
	case strings.ContainsAny(name, `/\`):
		reason = "separator"
	case strings.IndexFunc(name, unicode.IsControl) >= 0:
		reason = "control"
	case name == "." || name == "..":
		reason = "dots"
	case len(name) > MaxFilenameBytes:
		reason = "length"
	}
	if reason != "" {
		return "", fieldErr("filename", CodeFilenameInvalid, map[string]any{"reason": reason})
	}
	return name, nil
}

// ValidHash reports whether h is a lowercase hex SHA-256.
func ValidHash(h string) bool {
	if len(h) != 64 {
		return false
	}
	for _, c := range h {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}
