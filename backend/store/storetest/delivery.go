package storetest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/studiodesk/studiodesk/backend/album"
	"github.com/studiodesk/studiodesk/backend/store"
)

// Delivery (issue 5, P4): notification settings and outbox, the "my photos" page, retention
// and link analytics.
var deliveryTests = []struct {
	name string
	fn   func(t *testing.T, s store.Store)
}{
	{"NotifySettingsOutboxAndPages", testNotifyStore},
	{"RetentionLifecycleAndStorage", testRetentionStore},
	{"LinkAnalyticsCounts", testAnalyticsStore},
}

func testNotifyStore(t *testing.T, s store.Store) {
	a := newFixture(t, s, "甲", "13800000001")
	b := newFixture(t, s, "乙", "13800000002")
	ctx := context.Background()
	var order album.Order
	update(t, s, a.tenant.ID, func(ctx context.Context, tx store.Tx) error {
		if _, err := tx.NotifySettings(ctx); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("settings before any: %v", err)
		}
		must(t, tx.SetNotifySettings(ctx, json.RawMessage(`{"on_upload":true}`), t0))
		must(t, tx.SetNotifySettings(ctx, json.RawMessage(`{"on_upload":false}`), t0.Add(time.Minute)))
		var err error
		order, err = tx.InsertOrder(ctx, newOrder(a, "王小姐", "13600000001", "ABCD2345"))
		must(t, err)
		m := store.OutboxMessage{AlbumID: 7, Kind: "album_ready", Channel: "sms", Recipient: "13600000001", Subject: "主题", Body: "正文",
			Data: json.RawMessage(`{"k":1}`), DedupeKey: "ready:7:1:sms", CreatedAt: t0}
		first, created, err := tx.InsertOutbox(ctx, m)
		if err != nil || !created || first.ID == 0 || first.Status != store.OutboxPending {
			t.Fatalf("insert %+v %v %v", first, created, err)
		}
		again, created, err := tx.InsertOutbox(ctx, m)
		if err != nil || created || again.ID != first.ID {
			t.Fatalf("the same key again: %+v %v %v", again, created, err)
		}
		sent := t0.Add(time.Minute)
		must(t, tx.SetOutboxResult(ctx, first.ID, store.OutboxSent, 2, "", &sent))
		got, err := tx.GetOutbox(ctx, first.ID)
		if err != nil || got.Status != store.OutboxSent || got.Attempts != 2 || got.SentAt == nil || !got.SentAt.Equal(sent) || string(got.Data) != `{"k":1}` {
			t.Fatalf("outbox %+v %v", got, err)
		}
		if list, err := tx.ListOutbox(ctx, 7, 10); err != nil || len(list) != 1 {
			t.Fatalf("list %v %v", list, err)
		}
		slug, err := tx.EnsureStudioSlug(ctx, "slug-of-a-0001")
		if err != nil || slug != "slug-of-a-0001" {
			t.Fatalf("slug %q %v", slug, err)
		}
		if slug, _ := tx.EnsureStudioSlug(ctx, "another"); slug != "slug-of-a-0001" {
			t.Fatalf("the slug changed to %q", slug)
		}
		return nil
	})
	if id, err := s.TenantBySlug(ctx, "slug-of-a-0001"); err != nil || id != a.tenant.ID {
		t.Fatalf("by slug %d %v", id, err)
	}
	if _, err := s.TenantBySlug(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown slug %v", err)
	}
	update(t, s, b.tenant.ID, func(ctx context.Context, tx store.Tx) error {
		if raw, err := tx.NotifySettings(ctx); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("B reads A's settings: %s %v", raw, err)
		}
		if list, _ := tx.ListOutbox(ctx, 0, 10); len(list) != 0 {
			t.Errorf("B lists A's outbox")
		}
		if os, _ := tx.OrdersByPhone(ctx, "13600000001"); len(os) != 0 {
			t.Errorf("B finds A's customer")
		}
		if err := tx.Savepoint(ctx, func() error { _, err := tx.EnsureStudioSlug(ctx, "slug-of-a-0001"); return err }); err == nil {
			t.Errorf("B took A's slug")
		}
		return nil
	})
	must(t, s.View(ctx, a.tenant.ID, func(tx store.Tx) error {
		raw, err := tx.NotifySettings(ctx)
		if err != nil || string(raw) != `{"on_upload":false}` {
			t.Errorf("settings %s %v", raw, err)
		}
		if os, err := tx.OrdersByPhone(ctx, "13600000001"); err != nil || len(os) != 1 || os[0].ID != order.ID {
			t.Errorf("orders by phone %v %v", os, err)
		}
		return nil
	}))
}

func testRetentionStore(t *testing.T, s store.Store) {
	a := newFixture(t, s, "甲", "13800000001")
	var short, long album.Album
	var link album.ShareLink
	update(t, s, a.tenant.ID, func(ctx context.Context, tx store.Tx) error {
		o, err := tx.InsertOrder(ctx, newOrder(a, "王小姐", "13600000001", "ABCD2345"))
		must(t, err)
		short, err = tx.InsertAlbum(ctx, newAlbum(o.ID, album.KindRaw, "底片", 0)) // 90 days
		must(t, err)
		long, err = tx.InsertAlbum(ctx, newAlbum(o.ID, album.KindRetouched, "精修", 1)) // 365 days
		must(t, err)
		for _, al := range []album.Album{short, long} {
			_, err = tx.InsertPhoto(ctx, album.Photo{AlbumID: al.ID, Hash: "shared", Size: 1 << 20, Filename: "a.jpg", ContentType: "image/jpeg",
				Kind: "image", Status: album.PhotoReady, CreatedBy: a.admin.ID, CreatedAt: t0, UpdatedAt: t0})
			must(t, err)
		}
		link, err = tx.InsertShareLink(ctx, album.ShareLink{AlbumID: short.ID, TokenHash: bytes.Repeat([]byte{3}, 32), Token: "t",
			ExpiresAt: short.RetainUntil, AllowDownload: true, CreatedBy: a.admin.ID, CreatedAt: t0})
		return err
	})
	update(t, s, a.tenant.ID, func(ctx context.Context, tx store.Tx) error {
		due, err := tx.RetentionDue(ctx, t0.Add(100*24*time.Hour), 10)
		if err != nil || len(due) != 1 || due[0].ID != short.ID {
			t.Fatalf("due %v %v", due, err)
		}
		if n, err := tx.StorageBytes(ctx); err != nil || n != 2<<20 {
			t.Fatalf("bytes %d %v", n, err)
		}
		if used, err := tx.HashInUse(ctx, "shared", short.ID); err != nil || !used {
			t.Fatalf("in use %v %v", used, err)
		}
		hidden, purged := t0.Add(91*24*time.Hour), t0.Add(121*24*time.Hour)
		must(t, tx.SetAlbumLifecycle(ctx, long.ID, &hidden, &purged))
		if used, _ := tx.HashInUse(ctx, "shared", short.ID); used {
			t.Fatal("a purged album still holds the file")
		}
		if n, _ := tx.StorageBytes(ctx); n != 1<<20 {
			t.Fatalf("bytes after the purge %d", n)
		}
		got, err := tx.GetAlbum(ctx, long.ID)
		if err != nil || got.HiddenAt == nil || !got.PurgedAt.Equal(purged) {
			t.Fatalf("lifecycle %+v %v", got, err)
		}
		if due, _ := tx.RetentionDue(ctx, t0.Add(1000*24*time.Hour), 10); len(due) != 1 {
			t.Fatalf("a purged album is due again: %v", due)
		}
		later := short.RetainUntil.Add(30 * 24 * time.Hour)
		must(t, tx.FollowRetention(ctx, short.ID, short.RetainUntil, later))
		if l, _ := tx.GetShareLink(ctx, link.ID); !l.ExpiresAt.Equal(later) {
			t.Fatalf("link expiry %v", l.ExpiresAt)
		}
		if _, err := tx.StorageCharge(ctx, "2026-12"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("charge before any %v", err)
		}
		must(t, tx.SetStorageCharge(ctx, store.StorageCharge{Month: "2026-12", GB: 1, Credits: 2, Status: "unpaid", UpdatedAt: t0}))
		if u, err := tx.UnpaidStorage(ctx); err != nil || len(u) != 1 || u[0].Month != "2026-12" || u[0].Credits != 2 {
			t.Fatalf("unpaid %v %v", u, err)
		}
		must(t, tx.SetStorageCharge(ctx, store.StorageCharge{Month: "2026-12", GB: 1, Credits: 2, Status: "paid", UpdatedAt: t0}))
		if u, _ := tx.UnpaidStorage(ctx); len(u) != 0 {
			t.Fatalf("still unpaid %v", u)
		}
		return nil
	})
}

func testAnalyticsStore(t *testing.T, s store.Store) {
	a := newFixture(t, s, "甲", "13800000001")
	b := newFixture(t, s, "乙", "13800000002")
	ctx := context.Background()
	var al album.Album
	var l album.ShareLink
	var p album.Photo
	update(t, s, a.tenant.ID, func(ctx context.Context, tx store.Tx) error {
		o, err := tx.InsertOrder(ctx, newOrder(a, "王小姐", "13600000001", "ABCD2345"))
		must(t, err)
		al, err = tx.InsertAlbum(ctx, newAlbum(o.ID, album.KindRetouched, "精修", 0))
		must(t, err)
		p, err = tx.InsertPhoto(ctx, album.Photo{AlbumID: al.ID, Hash: "h", Size: 10, Filename: "a.jpg", ContentType: "image/jpeg",
			Kind: "image", Status: album.PhotoReady, CreatedBy: a.admin.ID, CreatedAt: t0, UpdatedAt: t0})
		must(t, err)
		l, err = tx.InsertShareLink(ctx, album.ShareLink{AlbumID: al.ID, TokenHash: bytes.Repeat([]byte{4}, 32), Token: "t",
			ExpiresAt: al.RetainUntil, AllowDownload: true, CreatedBy: a.admin.ID, CreatedAt: t0})
		return err
	})
	v1, v2 := bytes.Repeat([]byte{1}, 32), bytes.Repeat([]byte{2}, 32)
	for _, v := range [][]byte{v1, v1, v2} {
		must(t, s.SeeVisitor(ctx, a.tenant.ID, l.ID, v, t0))
	}
	must(t, s.CountPhotoDownload(ctx, a.tenant.ID, l.ID, p.ID))
	must(t, s.CountPhotoDownload(ctx, a.tenant.ID, l.ID, p.ID))
	// Another studio cannot count on A's link or photo: a new row is refused by the
	// references, an existing one is not touched (the upsert checks the studio).
	_ = s.SeeVisitor(ctx, b.tenant.ID, l.ID, bytes.Repeat([]byte{5}, 32), t0)
	_ = s.SeeVisitor(ctx, b.tenant.ID, l.ID, v1, t0)
	_ = s.CountPhotoDownload(ctx, b.tenant.ID, l.ID, p.ID)
	must(t, s.View(ctx, a.tenant.ID, func(tx store.Tx) error {
		if v, err := tx.LinkVisitors(ctx, al.ID); err != nil || v[l.ID] != 2 {
			t.Errorf("visitors %v %v", v, err)
		}
		if d, err := tx.PhotoDownloads(ctx, al.ID); err != nil || d[p.ID] != 2 {
			t.Errorf("downloads %v %v", d, err)
		}
		return nil
	}))
	must(t, s.View(ctx, b.tenant.ID, func(tx store.Tx) error {
		if v, _ := tx.LinkVisitors(ctx, al.ID); len(v) != 0 {
			t.Errorf("B reads A's visitors %v", v)
		}
		return nil
	}))
}
