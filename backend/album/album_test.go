package album

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/studiodesk/studiodesk/backend/account"
)

func fieldOf(t *testing.T, err error) (string, string) {
	t.Helper()
	var fe *account.FieldError
	if !errors.As(err, &fe) {
		t.Fatalf("not a field error: %v", err)
	}
	return fe.Field(), fe.Code()
}

func TestNormalizeOrder(t *testing.T) {
	ok := Order{CustomerName: " 王小姐 ", Phone: "+86 138-0013-8000", BranchID: 1, ShootDate: "2026-12-24"}
	got, err := NormalizeOrder(ok)
	if err != nil || got.Phone != "13800138000" || got.CustomerName != "王小姐" {
		t.Fatalf("%+v %v", got, err)
	}
	tests := []struct {
		name        string
		edit        func(*Order)
		field, code string
	}{
		{"no name", func(o *Order) { o.CustomerName = "  " }, "customer_name", account.CodeRequired},
		{"no phone", func(o *Order) { o.Phone = "" }, "phone", account.CodeRequired},
		{"bad phone", func(o *Order) { o.Phone = "12345" }, "phone", account.CodePhoneInvalid},
		{"bad date", func(o *Order) { o.ShootDate = "2026-02-30" }, "shoot_date", CodeDateInvalid},
		{"long package", func(o *Order) { o.Package = strings.Repeat("套", MaxPackageLen+1) }, "package", account.CodeTooLong},
		{"no branch", func(o *Order) { o.BranchID = 0 }, "branch_id", account.CodeRequired},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := ok
			tc.edit(&o)
			_, err := NormalizeOrder(o)
			if f, c := fieldOf(t, err); f != tc.field || c != tc.code {
				t.Fatalf("got %s/%s", f, c)
			}
		})
	}
}

func TestAlbumDefaultsAndValidation(t *testing.T) {
	raw, err := NormalizeAlbum(Album{Kind: KindRaw, Title: "底片"})
	if err != nil || raw.Settings.Download != DownloadCompressed || !raw.Settings.Watermark.Enabled || raw.Status != StatusOpen || raw.Settings.RetentionDays != 90 {
		t.Fatalf("raw defaults %+v %v", raw, err)
	}
	ret, _ := NormalizeAlbum(Album{Kind: KindRetouched, Title: "精修"})
	if ret.Settings.Download != DownloadOriginal || ret.Settings.Watermark.Enabled || ret.Settings.KeepEXIF {
		t.Fatalf("retouched defaults %+v", ret.Settings)
	}
	gps, _ := NormalizeAlbum(Album{Kind: KindRetouched, Title: "x", Settings: Settings{KeepGPS: true}})
	if gps.Settings.KeepGPS {
		t.Fatal("GPS kept while EXIF is stripped")
	}
	tests := []struct {
		name        string
		a           Album
		field, code string
	}{
		{"kind", Album{Kind: "slideshow", Title: "x"}, "kind", account.CodeInvalidValue},
		{"title", Album{Kind: KindRaw}, "title", account.CodeRequired},
		{"download", Album{Kind: KindRaw, Title: "x", Settings: Settings{Download: "all"}}, "settings.download", account.CodeInvalidValue},
		{"position", Album{Kind: KindRaw, Title: "x", Settings: Settings{Watermark: Watermark{Position: "middle"}}}, "settings.watermark.position", account.CodeInvalidValue},
		{"opacity", Album{Kind: KindRaw, Title: "x", Settings: Settings{Watermark: Watermark{Opacity: 101}}}, "settings.watermark.opacity", account.CodeInvalidValue},
		{"retention", Album{Kind: KindRaw, Title: "x", Settings: Settings{RetentionDays: 3}}, "settings.retention_days", CodeRetentionInvalid},
		{"status", Album{Kind: KindRaw, Title: "x", Status: "deleted"}, "status", account.CodeInvalidValue},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if f, c := fieldOf(t, func() error { _, err := NormalizeAlbum(tc.a); return err }()); f != tc.field || c != tc.code {
				t.Fatalf("got %s/%s", f, c)
			}
		})
	}
}

func TestEditKeepsKindAndMovesRetention(t *testing.T) {
	created := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	stored, _ := NormalizeAlbum(Album{ID: 1, Kind: KindRetouched, Title: "精修", CreatedAt: created})
	stored.RetainUntil = RetainUntil(created, stored.Settings.RetentionDays)
	if _, err := Edit(stored, Album{Kind: KindVideo, Title: "x"}); err == nil {
		t.Fatal("kind changed")
	}
	edit := stored
	edit.Title, edit.Settings.RetentionDays = "精修 · 终版", 30
	got, err := Edit(stored, edit)
	if err != nil || got.Title != "精修 · 终版" || !got.RetainUntil.Equal(created.AddDate(0, 0, 30)) || got.ID != 1 {
		t.Fatalf("%+v %v", got, err)
	}
}

func TestCodes(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 200; i++ {
		c, err := NewCode()
		if err != nil || len(c) != CodeLen || strings.ContainsAny(c, "01ILO") || seen[c] {
			t.Fatalf("code %q %v", c, err)
		}
		seen[c] = true
	}
	if NormalizeCode(" ab-cd 23ef ") != "ABCD23EF" {
		t.Fatal(NormalizeCode(" ab-cd 23ef "))
	}
}

func TestCleanFilename(t *testing.T) {
	if n, err := CleanFilename(" IMG_0001 婚礼.JPG "); err != nil || n != "IMG_0001 婚礼.JPG" {
		t.Fatalf("%q %v", n, err)
	}
	for name, reason := range map[string]string{
		"a/b.jpg": "separator", `a\b.jpg`: "separator", "a\x00.jpg": "control", "a\n.jpg": "control",
		"..": "dots", strings.Repeat("x", 256): "length", "\xff.jpg": "encoding",
	} {
		_, err := CleanFilename(name)
		var fe *account.FieldError
		if !errors.As(err, &fe) || fe.Code() != CodeFilenameInvalid || fe.Params()["reason"] != reason {
			t.Errorf("%q: %v", name, err)
		}
	}
	if _, err := CleanFilename(""); err == nil {
		t.Fatal("empty name accepted")
	}
	if !ValidHash(strings.Repeat("ab", 32)) || ValidHash(strings.Repeat("AB", 32)) || ValidHash("abc") {
		t.Fatal("ValidHash")
	}
}

func TestShareLinks(t *testing.T) {
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	a := Album{ID: 3, RetainUntil: now.AddDate(0, 0, 30), Settings: Settings{Download: DownloadOriginal}}
	l, code, err := NewShareLink(a, " ab12 ", "给妈妈", nil, true, now)
	if err != nil || code != "AB12" || !l.HasCode || !l.ExpiresAt.Equal(a.RetainUntil) || l.State(now, a) != LinkActive {
		t.Fatalf("%+v %q %v", l, code, err)
	}
	later := now.AddDate(1, 0, 0)
	if l, _, _ := NewShareLink(a, "", "", &later, true, now); !l.ExpiresAt.Equal(a.RetainUntil) || l.HasCode {
		t.Fatalf("expiry past the album must be cut: %+v", l)
	}
	soon := now.Add(time.Hour)
	if l, _, _ := NewShareLink(a, "", "", &soon, false, now); !l.ExpiresAt.Equal(soon) || EffectiveDownload(l, a) != DownloadNone {
		t.Fatalf("%+v", l)
	}
	for _, bad := range []string{"12", "123456789", "12 34", "一二三四"} {
		if _, _, err := NewShareLink(a, bad, "", nil, true, now); err == nil {
			t.Errorf("code %q accepted", bad)
		}
	}
	past := now.Add(-time.Second)
	if _, _, err := NewShareLink(a, "", "", &past, true, now); err == nil {
		t.Error("expiry in the past accepted")
	}
	if l.State(soon.Add(31*24*time.Hour), a) != LinkExpired {
		t.Error("link outlived its album")
	}
	l.RevokedAt = &now
	if l.State(now, a) != LinkRevoked {
		t.Error("revoked")
	}
}
