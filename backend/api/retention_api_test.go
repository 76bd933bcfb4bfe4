package api_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/studiodesk/studiodesk/backend/api"
	"github.com/studiodesk/studiodesk/backend/api/apiclient"
	"github.com/studiodesk/studiodesk/backend/blob"
	"github.com/studiodesk/studiodesk/backend/credit"
	"github.com/studiodesk/studiodesk/backend/media/mediatest"
)

func (u *uploadEnv) inbox(token, kind string) []map[string]any {
	u.t.Helper()
	var out []map[string]any
	for _, n := range u.must(200, "GET", "/api/v1/notifications", token, nil).List {
		if m := n.(map[string]any); m["kind"] == kind {
			out = append(out, m)
		}
	}
	return out
}

func (u *uploadEnv) albumBody(id int64) map[string]any {
	u.t.Helper()
	return u.must(200, "GET", fmt.Sprintf("/api/v1/albums/%d", id), u.s.admin, nil).Body
}

func (u *uploadEnv) uploadTo(albumID int64, name string, data []byte) (apiclient.UploadResult, error) {
	return u.client(u.s.admin).UploadFile(context.Background(), apiclient.UploadRequest{AlbumID: albumID, Filename: name, Size: int64(len(data))},
		bytes.NewReader(data), "", 2, nil, nil)
}

// longSessions keeps the test's logins alive while the clock jumps months ahead.
func longSessions(c *api.Config) { c.SessionIdle = 5 * 365 * 24 * time.Hour }

func TestRetentionWarnHideExtendPurge(t *testing.T) {
	t.Parallel()
	u := newUploadEnv(t, longSessions)
	shared := mediatest.JPEG(mediatest.Upright(320, 200), 0)
	own := mediatest.JPEG(mediatest.Upright(330, 200), 0)
	for name, data := range map[string][]byte{"shared.jpg": shared, "own.jpg": own} {
		if _, err := u.upload(u.s.admin, name, data); err != nil {
			t.Fatal(err)
		}
	}
	// The same file in a longer-lived album: its original must survive the purge.
	orderID := u.albumBody(u.albumID)["order_id"].(float64)
	other := u.must(201, "POST", fmt.Sprintf("/api/v1/orders/%d/albums", int64(orderID)), u.s.admin, map[string]any{"kind": "retouched", "title": "精修"}).num("id")
	if _, err := u.uploadTo(other, "shared.jpg", shared); err != nil {
		t.Fatal(err)
	}
	u.runJobs()
	link := u.must(201, "POST", fmt.Sprintf("/api/v1/albums/%d/links", u.albumID), u.s.admin, map[string]any{}).Body["token"].(string)
	open := func() resp { return u.req("GET", "/api/v1/public/links/"+link, "", nil) }

	until, _ := time.Parse(time.RFC3339, u.albumBody(u.albumID)["retain_until"].(string)) // raw albums: 90 days
	at := func(d time.Duration) {
		u.clock.Add(until.Add(d).Sub(u.clock.Now()))
		u.runJobs()
	}
	warnings := func() int {
		n := 0
		for _, m := range u.outbox(u.albumID) {
			if m["kind"] == "retention_warning" {
				n++
			}
		}
		return n
	}

	at(-8 * 24 * time.Hour)
	if warnings() != 0 || len(u.inbox(u.s.admin, "album_expiring")) != 0 {
		t.Fatal("warned 8 days before")
	}
	for i, d := range []time.Duration{-6*24*time.Hour - time.Hour, -6 * 24 * time.Hour, -2*24*time.Hour - time.Hour, -20 * time.Hour} {
		at(d)
		want := []int{1, 1, 2, 3}[i]
		if warnings() != want || len(u.inbox(u.s.admin, "album_expiring")) != want {
			t.Fatalf("at %v: %d warnings, inbox %v", d, warnings(), u.inbox(u.s.admin, "album_expiring"))
		}
	}
	msgs := u.outbox(u.albumID)
	if !strings.Contains(msgs[0]["subject"].(string), until.In(time.FixedZone("CST", 8*3600)).Format(time.DateOnly)) || msgs[0]["status"] != "sent" {
		t.Fatalf("warning %v", msgs[0])
	}
	if days := u.inbox(u.s.admin, "album_expiring")[0]["data"].(map[string]any)["days"].(float64); days != 1 {
		t.Fatalf("newest warning says %v days", days)
	}
	if r := open(); r.Status != 200 {
		t.Fatalf("before the end: %d", r.Status)
	}

	at(time.Hour)
	a := u.albumBody(u.albumID)
	if a["hidden_at"] == nil || len(u.inbox(u.s.admin, "album_hidden")) != 1 {
		t.Fatalf("hidden %v", a)
	}
	if r := open(); r.Status != 410 || r.code() != "link_expired" || !strings.Contains(r.errField("message"), "过期") {
		t.Fatalf("hidden album's link: %d %s", r.Status, r.Raw)
	}
	if r := u.req("POST", fmt.Sprintf("/api/v1/albums/%d/notify", u.albumID), u.s.admin, nil); r.Status != 409 || r.code() != "album_expired" {
		t.Fatalf("notify a hidden album: %d %s", r.Status, r.Raw)
	}

	t.Run("extending needs credits, then shows the album again", func(t *testing.T) {
		bal := u.balance(u.s.admin)
		if r := u.req("POST", fmt.Sprintf("/api/v1/albums/%d/extend", u.albumID), u.s.admin, map[string]any{"months": 0}); r.Status != 400 || r.errField("field") != "months" {
			t.Fatalf("0 months: %d %s", r.Status, r.Raw)
		}
		need := bal/3 + 1 // more months than the balance buys (3 credits a month)
		r := u.req("POST", fmt.Sprintf("/api/v1/albums/%d/extend", u.albumID), u.s.admin, map[string]any{"months": need})
		if r.Status != 402 || r.code() != "credits_insufficient" || u.balance(u.s.admin) != bal || u.albumBody(u.albumID)["hidden_at"] == nil {
			t.Fatalf("short: %d %s (balance %d)", r.Status, r.Raw, u.balance(u.s.admin))
		}
		if r := u.req("POST", fmt.Sprintf("/api/v1/albums/%d/extend", u.albumID), u.s.tokens["intake"], map[string]any{"months": 1}); r.Status != 403 {
			t.Fatalf("intake extends: %d", r.Status)
		}
		ext := u.must(200, "POST", fmt.Sprintf("/api/v1/albums/%d/extend", u.albumID), u.s.admin, map[string]any{"months": 2})
		newUntil, _ := time.Parse(time.RFC3339, ext.Body["retain_until"].(string))
		if ext.Body["hidden_at"] != nil || newUntil.Sub(u.clock.Now()) < 60*24*time.Hour || newUntil.Sub(u.clock.Now()) > 61*24*time.Hour || u.balance(u.s.admin) != bal-6 {
			t.Fatalf("extended %s, balance %d (was %d)", ext.Raw, u.balance(u.s.admin), bal)
		}
		if r := open(); r.Status != 200 {
			t.Fatalf("extended album's link: %d %s", r.Status, r.Raw)
		}
		until = newUntil
	})

	t.Run("after the grace period the files are deleted and the row kept", func(t *testing.T) {
		at(29 * 24 * time.Hour)
		if a := u.albumBody(u.albumID); a["hidden_at"] == nil || a["purged_at"] != nil {
			t.Fatalf("within the grace period %v", a)
		}
		at(30*24*time.Hour + time.Hour)
		if a := u.albumBody(u.albumID); a["purged_at"] == nil {
			t.Fatalf("not purged %v", a)
		}
		key := func(b []byte, what string) string {
			if what == "original" {
				return fmt.Sprintf("studios/%d/originals/%s", u.s.tenantID, hexSHA(b))
			}
			return fmt.Sprintf("studios/%d/renditions/%s/%s.jpg", u.s.tenantID, hexSHA(b), what)
		}
		for _, what := range []string{"original", "thumb", "preview"} {
			if _, err := u.blobs.Stat(context.Background(), key(own, what)); !errors.Is(err, blob.ErrNotFound) {
				t.Fatalf("%s of the album's own photo: %v", what, err)
			}
			if _, err := u.blobs.Stat(context.Background(), key(shared, what)); err != nil {
				t.Fatalf("%s of the photo another album holds: %v", what, err)
			}
		}
		if r := open(); r.Status != 410 {
			t.Fatalf("purged album's link: %d", r.Status)
		}
		if r := u.req("POST", fmt.Sprintf("/api/v1/albums/%d/extend", u.albumID), u.s.admin, map[string]any{"months": 1}); r.Status != 410 || r.code() != "album_purged" {
			t.Fatalf("extend a purged album: %d %s", r.Status, r.Raw)
		}
		if _, err := u.upload(u.s.admin, "late.jpg", mediatest.JPEG(mediatest.Upright(340, 200), 0)); err == nil || !strings.Contains(err.Error(), "album_purged") {
			t.Fatalf("upload to a purged album: %v", err)
		}
		if ps := u.photos(); len(ps) != 2 {
			t.Fatalf("photo rows are kept: %d", len(ps))
		}
		audit := u.must(200, "GET", fmt.Sprintf("/api/v1/audit?entity=album&entity_id=%d", u.albumID), u.s.admin, nil)
		if !strings.Contains(string(audit.Raw), "album.purge") {
			t.Fatalf("no purge in the audit log: %s", audit.Raw)
		}
	})
}

func TestStorageChargeMonthly(t *testing.T) {
	t.Parallel()
	u := newUploadEnv(t, longSessions)
	if _, err := u.upload(u.s.admin, "a.jpg", mediatest.JPEG(mediatest.Upright(300, 200), 0)); err != nil {
		t.Fatal(err)
	}
	u.runJobs()
	ledger := func() []map[string]any {
		var out []map[string]any
		for _, e := range u.must(200, "GET", "/api/v1/credits/ledger?limit=100", u.s.admin, nil).Body["entries"].([]any) {
			if m := e.(map[string]any); m["item"] == "storage.gb_month" {
				out = append(out, m)
			}
		}
		return out
	}
	if l := ledger(); len(l) != 1 || l[0]["note"] != "2026-12" || l[0]["amount"].(float64) != -2 {
		t.Fatalf("December: %v", l)
	}
	next := time.Date(2027, 1, 1, 0, 30, 0, 0, time.FixedZone("CST", 8*3600)) // just into January, studio time
	u.clock.Add(next.Sub(u.clock.Now()))
	bal := u.balance(u.s.admin)
	u.runJobs()
	u.clock.Add(2 * time.Hour)
	u.runJobs() // a second run in the same month charges nothing more
	l := ledger()
	if len(l) != 2 || l[0]["amount"].(float64) != -2 || l[0]["quantity"].(float64) != 1 || l[0]["note"] != "2027-01" || u.balance(u.s.admin) != bal-2 {
		t.Fatalf("storage entries %v, balance %d (was %d)", l, u.balance(u.s.admin), bal)
	}

	t.Run("when the credits run out: nothing charged, new albums and uploads wait, paid after a top-up", func(t *testing.T) {
		orderID := int64(u.albumBody(u.albumID)["order_id"].(float64))
		// The operator raises the price above what the studio holds.
		prices, err := u.store.CreditPrices(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		prices.Items[credit.ItemStorageGBMonth] = 1000
		if err := u.store.SetCreditPrices(context.Background(), prices); err != nil {
			t.Fatal(err)
		}
		left := u.balance(u.s.admin)
		feb := time.Date(2027, 2, 1, 1, 0, 0, 0, time.FixedZone("CST", 8*3600))
		u.clock.Add(feb.Sub(u.clock.Now()))
		u.runJobs()
		if u.balance(u.s.admin) != left || len(ledger()) != 2 {
			t.Fatalf("charged while short: balance %d, entries %v", u.balance(u.s.admin), ledger())
		}
		notes := u.inbox(u.s.admin, "storage_unpaid")
		if len(notes) != 1 || notes[0]["data"].(map[string]any)["month"] != "2027-02" {
			t.Fatalf("admin inbox %v", notes)
		}
		r := u.req("POST", fmt.Sprintf("/api/v1/orders/%d/albums", orderID), u.s.admin, map[string]any{"kind": "raw", "title": "x"})
		if r.Status != 402 || r.code() != "storage_unpaid" || !strings.Contains(r.errField("message"), "2027-02") {
			t.Fatalf("new album while unpaid: %d %s", r.Status, r.Raw)
		}
		if _, err := u.upload(u.s.admin, "b.jpg", mediatest.JPEG(mediatest.Upright(310, 200), 0)); err == nil || !strings.Contains(err.Error(), "storage_unpaid") {
			t.Fatalf("upload while unpaid: %v", err)
		}
		u.topUp(u.s, 1000)
		u.clock.Add(2 * time.Hour)
		u.runJobs()
		if l := ledger(); len(l) != 3 || l[0]["note"] != "2027-02" || l[0]["amount"].(float64) != -1000 {
			t.Fatalf("after the top-up %v", l)
		}
		u.must(201, "POST", fmt.Sprintf("/api/v1/orders/%d/albums", orderID), u.s.admin, map[string]any{"kind": "raw", "title": "恢复"})
	})
}
