package storetest

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/studiodesk/studiodesk/backend/album"
	"github.com/studiodesk/studiodesk/backend/store"
)

var shareTests = []struct {
	name string
	fn   func(t *testing.T, s store.Store)
}{
	{"ShareLinksTokensGrantsAndIsolation", testShareLinks},
}

func testShareLinks(t *testing.T, s store.Store) {
	a := newFixture(t, s, "甲", "13800000001")
	b := newFixture(t, s, "乙", "13800000002")
	ctx := context.Background()
	var al album.Album
	var l album.ShareLink
	token := bytes.Repeat([]byte{7}, 32)
	update(t, s, a.tenant.ID, func(ctx context.Context, tx store.Tx) error {
		o, err := tx.InsertOrder(ctx, newOrder(a, "王小姐", "13600000001", "ABCD2345"))
		must(t, err)
		al, err = tx.InsertAlbum(ctx, newAlbum(o.ID, album.KindRetouched, "精修", 0))
		must(t, err)
		l, err = tx.InsertShareLink(ctx, album.ShareLink{AlbumID: al.ID, TokenHash: token, Token: "tok-en", CodeHash: "$argon2id$x", Label: "客户",
			ExpiresAt: t0.Add(48 * time.Hour), AllowDownload: true, CreatedBy: a.admin.ID, CreatedAt: t0})
		must(t, err)
		must(t, tx.InsertShareGrant(ctx, bytes.Repeat([]byte{9}, 32), l.ID, t0.Add(time.Hour)))
		return tx.CountShareUse(ctx, l.ID, 3, 1)
	})
	got, err := s.ShareLinkByToken(ctx, token)
	if err != nil || got.ID != l.ID || got.TenantID != a.tenant.ID || got.Token != "tok-en" || !got.HasCode || !got.AllowDownload || got.Views != 3 || got.Downloads != 1 ||
		!got.ExpiresAt.Equal(t0.Add(48*time.Hour)) || got.RevokedAt != nil {
		t.Fatalf("by token %+v %v", got, err)
	}
	// Counting transactions count, only through the link's own studio.
	must(t, s.Count(ctx, a.tenant.ID, func(tx store.Tx) error { return tx.CountShareUse(ctx, l.ID, 2, 1) }))
	must(t, s.Count(ctx, b.tenant.ID, func(tx store.Tx) error { return tx.CountShareUse(ctx, l.ID, 100, 100) }))
	if got, err = s.ShareLinkByToken(ctx, token); err != nil || got.Views != 5 || got.Downloads != 2 {
		t.Fatalf("after counting: views %d, downloads %d, %v; want 5 and 2", got.Views, got.Downloads, err)
	}
	if _, err := s.ShareLinkByToken(ctx, bytes.Repeat([]byte{8}, 32)); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown token: %v", err)
	}
	id, exp, err := s.ShareGrant(ctx, bytes.Repeat([]byte{9}, 32))
	if err != nil || id != l.ID || !exp.Equal(t0.Add(time.Hour)) {
		t.Fatalf("grant %d %v %v", id, exp, err)
	}
	must(t, s.Update(ctx, b.tenant.ID, func(tx store.Tx) error {
		if _, err := tx.GetShareLink(ctx, l.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("B reads A's link: %v", err)
		}
		if _, err := tx.RevokeShareLink(ctx, l.ID, t0); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("B revokes A's link: %v", err)
		}
		if list, _ := tx.ListShareLinks(ctx, al.ID); len(list) != 0 {
			t.Errorf("B lists A's links")
		}
		if err := tx.Savepoint(ctx, func() error { // a failed statement ends the transaction but in a savepoint (store.Tx)
			_, err := tx.InsertShareLink(ctx, album.ShareLink{AlbumID: al.ID, TokenHash: bytes.Repeat([]byte{5}, 32), ExpiresAt: t0, CreatedAt: t0})
			return err
		}); err == nil {
			t.Errorf("B shared A's album")
		}
		return nil
	}))
	update(t, s, a.tenant.ID, func(ctx context.Context, tx store.Tx) error {
		r, err := tx.RevokeShareLink(ctx, l.ID, t0.Add(time.Minute))
		if err != nil || r.RevokedAt == nil || !r.RevokedAt.Equal(t0.Add(time.Minute)) {
			t.Fatalf("revoke %+v %v", r, err)
		}
		again, _ := tx.RevokeShareLink(ctx, l.ID, t0.Add(time.Hour))
		if !again.RevokedAt.Equal(t0.Add(time.Minute)) {
			t.Fatal("second revoke moved the time")
		}
		list, err := tx.ListShareLinks(ctx, al.ID)
		if err != nil || len(list) != 1 {
			t.Fatalf("list %v %v", list, err)
		}
		return nil
	})
	if _, _, err := s.ShareGrant(ctx, bytes.Repeat([]byte{9}, 32)); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("grant survived the revoke: %v", err)
	}
}
