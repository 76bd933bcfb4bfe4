package album

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/studiodesk/studiodesk/backend/account"
)

// ShareLink opens one album to whoever has the link (and its access code, when set): the
// customer, and the friends they forward it to.
type ShareLink struct {
	ID       int64 `json:"id"`
	AlbumID  int64 `json:"album_id"`
	TenantID int64 `json:"-"`
	// TokenHash is the SHA-256 of the link's token (how a guest's link is found); the token is
	// kept for the studio to send the link again.
	TokenHash []byte `json:"-"`
	Token     string `json:"token"`
	// CodeHash is the access code's password hash ("" = no code).
	CodeHash string `json:"-"`
	HasCode  bool   `json:"has_code"`
	Label    string `json:"label"`
	// ExpiresAt defaults to the album's retention end; a link never outlives its album.
	ExpiresAt     time.Time  `json:"expires_at"`
	RevokedAt     *time.Time `json:"revoked_at,omitempty"`
	AllowDownload bool       `json:"allow_download"`
	Views         int64      `json:"views"`
	Downloads     int64      `json:"downloads"`
	CreatedBy     int64      `json:"created_by"`
	CreatedAt     time.Time  `json:"created_at"`
}

// Link states.
const (
	LinkActive  = "active"
	LinkExpired = "expired"
	LinkRevoked = "revoked"
)

// State says whether the link opens its album at now (the album's retention counts too).
func (l ShareLink) State(now time.Time, a Album) string {
	switch {
	case l.RevokedAt != nil:
		return LinkRevoked
	case !now.Before(l.ExpiresAt) || !now.Before(a.RetainUntil):
		return LinkExpired
	}
	return LinkActive
}

// Access code rules: 4–8 letters or digits (customers type them on a phone).
const (
	MinCodeLen = 4
	MaxCodeLen = 8
	MaxLabel   = 40
)

// Share error codes.
const (
	CodeAccessCodeInvalid = "access_code_invalid"
	CodeExpiryInvalid     = "expiry_invalid"
)

// NewShareLink checks what the studio asked for and fills the defaults: without an expiry the
// link lasts as long as the album; an expiry past the album's end is cut to it.
func NewShareLink(a Album, code, label string, expires *time.Time, allowDownload bool, now time.Time) (ShareLink, string, error) {
	code = strings.TrimSpace(code)
	label = strings.TrimSpace(label)
	l := ShareLink{AlbumID: a.ID, Label: label, AllowDownload: allowDownload, ExpiresAt: a.RetainUntil, CreatedAt: now}
	if code != "" {
		if n := utf8.RuneCountInString(code); n < MinCodeLen || n > MaxCodeLen || strings.IndexFunc(code, notAlnum) >= 0 {
			return l, "", fieldErr("code", CodeAccessCodeInvalid, map[string]any{"min": MinCodeLen, "max": MaxCodeLen})
		}
		l.HasCode = true
	}
	if utf8.RuneCountInString(label) > MaxLabel {
		return l, "", fieldErr("label", account.CodeTooLong, map[string]any{"max": MaxLabel})
	}
	if expires != nil {
		if !expires.After(now) {
			return l, "", fieldErr("expires_at", CodeExpiryInvalid, nil)
		}
		if expires.Before(l.ExpiresAt) {
			l.ExpiresAt = *expires
		}
	}
	return l, NormalizeCode(code), nil
}

func notAlnum(r rune) bool {
	return !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
}

// EffectiveDownload is what a guest with this link may download: nothing unless the link
// allows downloads, then what the album allows.
func EffectiveDownload(l ShareLink, a Album) Download {
	if !l.AllowDownload {
		return DownloadNone
	}
	return a.Settings.Download
}
