// Package album holds the pure rules of the pocket album: customer orders, albums and their
// delivery settings. Plain values in, decisions out: no SQL, no HTTP. It imports only the
// account domain package (phones, field errors, placements for data scope).
package album

import (
	"crypto/rand"
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/studiodesk/studiodesk/backend/account"
)

// Order is a customer's photo order (订单): who the customer is, what they bought, and the code
// they type with their phone on the studio's "my photos" page.
type Order struct {
	ID           int64  `json:"id"`
	BrandID      int64  `json:"brand_id"`
	BranchID     int64  `json:"branch_id"`
	OwnerID      int64  `json:"owner_id"` // the consultant responsible (data scope)
	DepartmentID int64  `json:"department_id,omitempty"`
	CustomerName string `json:"customer_name"`
	Phone        string `json:"phone"`
	// Email is optional: where e-mail notifications go (SMS goes to Phone).
	Email   string `json:"email"`
	Package string `json:"package"`
	// ShootDate is a calendar day, YYYY-MM-DD, in the studio's time zone ("" when not fixed).
	ShootDate string `json:"shoot_date"`
	LeadID    int64  `json:"lead_id,omitempty"`
	// Code is the order code the customer types with their phone (8 characters, no look-alikes).
	Code      string    `json:"code"`
	Note      string    `json:"note"`
	CreatedBy int64     `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Placement is where the order sits for data-scope checks.
func (o Order) Placement() account.Placement {
	return account.Placement{OwnerID: o.OwnerID, DepartmentID: o.DepartmentID, BranchID: o.BranchID, BrandID: o.BrandID}
}

// Kind is what an album holds.
type Kind string

// Album kinds.
const (
	KindRaw       Kind = "raw"       // 底片: every shot, for the customer to choose from
	KindRetouched Kind = "retouched" // 精修: the finished photos
	KindVideo     Kind = "video"     // 视频
)

// Kinds lists album kinds in display order.
func Kinds() []Kind { return []Kind{KindRaw, KindRetouched, KindVideo} }

// Status of an album: open while photos are still coming, finished when delivered in full.
type Status string

// Album statuses.
const (
	StatusOpen     Status = "open"
	StatusFinished Status = "finished"
)

// Download says what guests may download.
type Download string

// Download rights of an album.
const (
	DownloadOriginal   Download = "original"   // the files as uploaded
	DownloadCompressed Download = "compressed" // the preview rendition only (~2048 px)
	DownloadNone       Download = "none"       // view only
)

// Watermark positions.
var watermarkPositions = []string{"bottom_right", "bottom_left", "top_right", "top_left", "center", "tiled"}

// Watermark is the studio's mark on what guests see and download (never on originals).
type Watermark struct {
	Enabled  bool   `json:"enabled"`
	Position string `json:"position"`
	// Opacity in percent (10–100).
	Opacity int `json:"opacity"`
}

// Settings are an album's delivery settings.
type Settings struct {
	Download  Download  `json:"download"`
	Watermark Watermark `json:"watermark"`
	// KeepEXIF keeps camera data (EXIF) in guest downloads; stripped by default.
	KeepEXIF bool `json:"keep_exif"`
	// KeepGPS keeps the location too; off by default even when EXIF is kept, since a
	// family's home address should not travel with forwarded photos.
	KeepGPS bool `json:"keep_gps"`
	// RetentionDays is how long the album stays online after it is created.
	RetentionDays int `json:"retention_days"`
}

// Retention bounds (days).
const (
	MinRetentionDays     = 7
	MaxRetentionDays     = 3650
	DefaultRetentionDays = 365
)

// DefaultSettings are what a new album of kind k starts with: raw proofs are for choosing, so
// they download compressed and watermarked; retouched photos and videos are the delivery, so
// originals are allowed and there is no watermark.
func DefaultSettings(k Kind) Settings {
	s := Settings{Download: DownloadOriginal, Watermark: Watermark{Position: "bottom_right", Opacity: 60},
		RetentionDays: DefaultRetentionDays}
	if k == KindRaw {
		s.Download = DownloadCompressed
		s.Watermark.Enabled = true
		s.RetentionDays = 90
	}
	return s
}

// Album is a set of photos or videos delivered to a customer.
type Album struct {
	ID           int64    `json:"id"`
	OrderID      int64    `json:"order_id"`
	Kind         Kind     `json:"kind"`
	Title        string   `json:"title"`
	CoverPhotoID int64    `json:"cover_photo_id,omitempty"`
	SortOrder    int      `json:"sort_order"`
	Settings     Settings `json:"settings"`
	Status       Status   `json:"status"`
	// Live: guests' pages follow the album as photos arrive (an event, a wedding day),
	// newest first; only a live album's link has an event stream.
	Live        bool      `json:"live"`
	RetainUntil time.Time `json:"retain_until"`
	// HiddenAt: the retention ended and guests no longer see the album (extending it with
	// credits shows it again). PurgedAt: its files were deleted after the grace period.
	HiddenAt   *time.Time `json:"hidden_at,omitempty"`
	PurgedAt   *time.Time `json:"purged_at,omitempty"`
	PhotoCount int        `json:"photo_count"`
	Bytes      int64      `json:"bytes"`
	CreatedBy  int64      `json:"created_by"`
	CreatedAt  time.Time  `json:"created_at"`
	UpdatedAt  time.Time  `json:"updated_at"`
}

// Field limits.
const (
	MaxNameLen    = 50
	MaxPackageLen = 100
	MaxNoteLen    = 1000
	MaxTitleLen   = 60
)

// Error codes (the API has a message for each).
const (
	CodeDateInvalid      = "date_invalid"
	CodeRetentionInvalid = "retention_invalid"
	CodeKindLocked       = "album_kind_locked"
	CodeEmailInvalid     = "email_invalid"
)

func fieldErr(field, code string, params map[string]any) *account.FieldError {
	return &account.FieldError{FieldName: field, ErrCode: code, Values: params}
}

func checkText(errs *account.FieldErrors, field, v string, max int, required bool) {
	switch {
	case required && strings.TrimSpace(v) == "":
		*errs = append(*errs, fieldErr(field, account.CodeRequired, nil))
	case utf8.RuneCountInString(v) > max:
		*errs = append(*errs, fieldErr(field, account.CodeTooLong, map[string]any{"max": max}))
	}
}

// NormalizeOrder trims and checks an order's fields (phone canonical, date a real day) and
// returns it cleaned, or the first invalid field.
func NormalizeOrder(o Order) (Order, error) {
	o.CustomerName, o.Package, o.Note, o.ShootDate = strings.TrimSpace(o.CustomerName), strings.TrimSpace(o.Package),
		strings.TrimSpace(o.Note), strings.TrimSpace(o.ShootDate)
	var errs account.FieldErrors
	checkText(&errs, "customer_name", o.CustomerName, MaxNameLen, true)
	phone, err := account.NormalizePhone("phone", o.Phone)
	if err != nil {
		if strings.TrimSpace(o.Phone) == "" {
			err = fieldErr("phone", account.CodeRequired, nil)
		}
		errs = append(errs, err.(*account.FieldError))
	}
	o.Phone = phone
	o.Email = strings.TrimSpace(o.Email)
	if o.Email != "" {
		if a, err := mail.ParseAddress(o.Email); err != nil || a.Address != o.Email || len(o.Email) > 254 {
			errs = append(errs, fieldErr("email", CodeEmailInvalid, map[string]any{"example": "name@example.com"}))
		}
	}
	checkText(&errs, "package", o.Package, MaxPackageLen, false)
	checkText(&errs, "note", o.Note, MaxNoteLen, false)
	if o.ShootDate != "" {
		if _, err := time.Parse(time.DateOnly, o.ShootDate); err != nil {
			errs = append(errs, fieldErr("shoot_date", CodeDateInvalid, map[string]any{"example": "2026-12-24"}))
		}
	}
	if o.BranchID == 0 {
		errs = append(errs, fieldErr("branch_id", account.CodeRequired, nil))
	}
	return o, errs.Err()
}

// NormalizeAlbum checks an album's title, kind and settings, filling defaults for what the
// settings leave out.
func NormalizeAlbum(a Album) (Album, error) {
	a.Title = strings.TrimSpace(a.Title)
	var errs account.FieldErrors
	if !validKind(a.Kind) {
		errs = append(errs, fieldErr("kind", account.CodeInvalidValue, map[string]any{"allowed": "raw, retouched, video"}))
	}
	checkText(&errs, "title", a.Title, MaxTitleLen, true)
	if a.SortOrder < 0 || a.SortOrder > 10000 {
		errs = append(errs, fieldErr("sort_order", account.CodeInvalidValue, map[string]any{"allowed": "0–10000"}))
	}
	if a.Status == "" {
		a.Status = StatusOpen
	}
	if a.Status != StatusOpen && a.Status != StatusFinished {
		errs = append(errs, fieldErr("status", account.CodeInvalidValue, map[string]any{"allowed": "open, finished"}))
	}
	def := DefaultSettings(a.Kind)
	if a.Settings == (Settings{}) { // none given: the kind's defaults
		a.Settings = def
	}
	s := &a.Settings
	if s.Download == "" {
		s.Download = def.Download
	}
	if s.Download != DownloadOriginal && s.Download != DownloadCompressed && s.Download != DownloadNone {
		errs = append(errs, fieldErr("settings.download", account.CodeInvalidValue, map[string]any{"allowed": "original, compressed, none"}))
	}
	if s.Watermark.Position == "" {
		s.Watermark.Position = def.Watermark.Position
	}
	if !contains(watermarkPositions, s.Watermark.Position) {
		errs = append(errs, fieldErr("settings.watermark.position", account.CodeInvalidValue, map[string]any{"allowed": strings.Join(watermarkPositions, ", ")}))
	}
	if s.Watermark.Opacity == 0 {
		s.Watermark.Opacity = def.Watermark.Opacity
	}
	if s.Watermark.Opacity < 10 || s.Watermark.Opacity > 100 {
		errs = append(errs, fieldErr("settings.watermark.opacity", account.CodeInvalidValue, map[string]any{"allowed": "10–100"}))
	}
	if s.KeepGPS && !s.KeepEXIF {
		s.KeepGPS = false // GPS lives inside EXIF: stripping EXIF strips it
	}
	if s.RetentionDays == 0 {
		s.RetentionDays = def.RetentionDays
	}
	if s.RetentionDays < MinRetentionDays || s.RetentionDays > MaxRetentionDays {
		errs = append(errs, fieldErr("settings.retention_days", CodeRetentionInvalid, map[string]any{"min": MinRetentionDays, "max": MaxRetentionDays}))
	}
	return a, errs.Err()
}

// RetainUntil is when an album created at created with retention days stops being shown.
func RetainUntil(created time.Time, days int) time.Time {
	return created.Add(time.Duration(days) * 24 * time.Hour)
}

// Edit applies a studio's edit to a stored album: the kind is fixed once created (its photos
// and price depend on it); the retention end moves with the days, from the creation time.
func Edit(stored, edit Album) (Album, error) {
	if edit.Kind != "" && edit.Kind != stored.Kind {
		return stored, fieldErr("kind", CodeKindLocked, nil)
	}
	out := stored
	out.Title, out.SortOrder, out.Settings, out.Status, out.CoverPhotoID, out.Live = edit.Title, edit.SortOrder, edit.Settings, edit.Status, edit.CoverPhotoID, edit.Live
	out, err := NormalizeAlbum(out)
	if err != nil {
		return stored, err
	}
	out.RetainUntil = RetainUntil(out.CreatedAt, out.Settings.RetentionDays)
	return out, nil
}

func validKind(k Kind) bool { return contains(Kinds(), k) }

func contains[T comparable](list []T, v T) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// codeAlphabet has no 0/O, 1/I/L look-alikes: customers read codes off receipts and phones.
const codeAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

// CodeLen is the length of order codes (31^8 ≈ 8.5e11; with phone and rate limits, enough).
const CodeLen = 8

// NewCode returns a random order code.
func NewCode() (string, error) {
	out := make([]byte, 0, CodeLen)
	buf := make([]byte, 16)
	limit := 256 - 256%len(codeAlphabet) // rejection keeps every character equally likely
	for len(out) < CodeLen {
		if _, err := rand.Read(buf); err != nil {
			return "", fmt.Errorf("order code: %w", err)
		}
		for _, c := range buf {
			if int(c) < limit && len(out) < CodeLen {
				out = append(out, codeAlphabet[int(c)%len(codeAlphabet)])
			}
		}
	}
	return string(out), nil
}

// NormalizeCode uppercases what a customer typed and drops spaces and dashes.
func NormalizeCode(s string) string {
	s = strings.ToUpper(strings.TrimSpace(s))
	return strings.NewReplacer(" ", "", "-", "").Replace(s)
}
