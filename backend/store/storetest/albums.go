package storetest

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/studiodesk/studiodesk/backend/album"
	"github.com/studiodesk/studiodesk/backend/store"
)

var albumTests = []struct {
	name string
	fn   func(t *testing.T, s store.Store)
}{
	{"OrdersCRUDAndCodes", testOrders},
	{"OrderListScopeAndSearch", testOrderList},
	{"AlbumsCRUDAndOrder", testAlbums},
	{"AlbumsTenantIsolation", testAlbumIsolation},
	{"PhotosContentAddressedAndCounted", testPhotos},
	{"PhotoOriginalPending", testPhotoOriginalPending},
	{"DeletePhoto", testDeletePhoto},
	{"PhotosListInShootOrder", testPhotoOrder},
}

func newOrder(f fixture, name, phone, code string) album.Order {
	return album.Order{BrandID: f.brand.ID, BranchID: f.branch.ID, OwnerID: f.admin.ID, CustomerName: name, Phone: phone,
		Package: "婚纱照 A 套餐", ShootDate: "2026-12-24", Code: code, CreatedBy: f.admin.ID, CreatedAt: t0, UpdatedAt: t0}
}

func newAlbum(orderID int64, kind album.Kind, title string, sort int) album.Album {
	a, _ := album.NormalizeAlbum(album.Album{OrderID: orderID, Kind: kind, Title: title, SortOrder: sort, CreatedAt: t0, UpdatedAt: t0})
	a.RetainUntil = album.RetainUntil(t0, a.Settings.RetentionDays)
	return a
}

func testOrders(t *testing.T, s store.Store) {
	f := newFixture(t, s, "甲", "13800000001")
	ctx := context.Background()
	var o album.Order
	update(t, s, f.tenant.ID, func(ctx context.Context, tx store.Tx) error {
		l, err := tx.CreateLead(ctx, newLead(f, "13600000001", t0))
		must(t, err)
		in := newOrder(f, "王小姐", "13600000001", "ABCD2345")
		in.LeadID, in.DepartmentID = l.ID, f.dept.ID
		o, err = tx.InsertOrder(ctx, in)
		must(t, err)
		got, err := tx.GetOrder(ctx, o.ID)
		must(t, err)
		if got.CustomerName != "王小姐" || got.LeadID != l.ID || got.DepartmentID != f.dept.ID || got.Code != "ABCD2345" || !got.CreatedAt.Equal(t0) {
			t.Fatalf("got %+v", got)
		}
		byCode, err := tx.OrderByCode(ctx, "ABCD2345")
		if err != nil || byCode.ID != o.ID {
			t.Fatalf("by code %+v %v", byCode, err)
		}
		if _, err := tx.OrderByCode(ctx, "ZZZZ9999"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("unknown code: %v", err)
		}
		return nil
	})
	err := s.Update(ctx, f.tenant.ID, func(tx store.Tx) error {
		_, err := tx.InsertOrder(ctx, newOrder(f, "李先生", "13600000002", "ABCD2345"))
		return err
	})
	if !errors.Is(err, store.ErrConflict) {
		t.Fatalf("code reused: %v", err)
	}
	update(t, s, f.tenant.ID, func(ctx context.Context, tx store.Tx) error {
		o.Phone, o.LeadID, o.DepartmentID, o.UpdatedAt = "13600000009", 0, 0, t0.Add(time.Hour)
		got, err := tx.UpdateOrder(ctx, o)
		if err != nil || got.Phone != "13600000009" || got.LeadID != 0 || got.Code != "ABCD2345" || !got.UpdatedAt.Equal(t0.Add(time.Hour)) {
			t.Fatalf("update %+v %v", got, err)
		}
		if _, err := tx.GetOrder(ctx, o.ID+100); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("missing order: %v", err)
		}
		return nil
	})
}

func testOrderList(t *testing.T, s store.Store) {
	f := newFixture(t, s, "甲", "13800000001")
	ctx := context.Background()
	var other account2
	update(t, s, f.tenant.ID, func(ctx context.Context, tx store.Tx) error {
		var err error
		other, err = newStaffAndBranch(ctx, tx, f)
		must(t, err)
		for i, name := range []string{"王小姐", "李先生", "张女士"} {
			o := newOrder(f, name, "1360000000"+string(rune('1'+i)), "CODE000"+string(rune('A'+i)))
			if i == 2 {
				o.BranchID, o.OwnerID = other.branchID, other.staffID
			}
			if _, err := tx.InsertOrder(ctx, o); err != nil {
				return err
			}
		}
		return nil
	})
	var all []album.Order
	must(t, s.View(ctx, f.tenant.ID, func(tx store.Tx) (err error) {
		all, err = tx.ListOrders(ctx, store.OrderFilter{Scope: store.LeadScope{All: true}})
		return
	}))
	if len(all) != 3 || all[0].CustomerName != "张女士" {
		t.Fatalf("all %+v", all)
	}
	cases := []struct {
		name string
		f    store.OrderFilter
		want []string
	}{
		{"own", store.OrderFilter{Scope: store.LeadScope{StaffID: other.staffID}}, []string{"张女士"}},
		{"branch", store.OrderFilter{Scope: store.LeadScope{BranchID: f.branch.ID, StaffID: other.staffID}}, []string{"张女士", "李先生", "王小姐"}},
		{"branch only", store.OrderFilter{Scope: store.LeadScope{BranchID: f.branch.ID}}, []string{"李先生", "王小姐"}},
		{"phone suffix", store.OrderFilter{Scope: store.LeadScope{All: true}, Text: "00002"}, []string{"李先生"}},
		{"name", store.OrderFilter{Scope: store.LeadScope{All: true}, Text: "小姐"}, []string{"王小姐"}},
		{"code", store.OrderFilter{Scope: store.LeadScope{All: true}, Text: "code000c"}, []string{"张女士"}},
		{"wildcards are literal", store.OrderFilter{Scope: store.LeadScope{All: true}, Text: "%"}, nil},
		{"branch filter", store.OrderFilter{Scope: store.LeadScope{All: true}, BranchID: other.branchID}, []string{"张女士"}},
		{"page", store.OrderFilter{Scope: store.LeadScope{All: true}, BeforeID: all[0].ID, Limit: 1}, []string{"李先生"}},
	}
	for _, tc := range cases {
		var got []album.Order
		must(t, s.View(ctx, f.tenant.ID, func(tx store.Tx) (err error) { got, err = tx.ListOrders(ctx, tc.f); return }))
		var names []string
		for _, o := range got {
			names = append(names, o.CustomerName)
		}
		if len(names) != len(tc.want) || (len(names) > 0 && !equalStrings(names, tc.want)) {
			t.Errorf("%s: got %v, want %v", tc.name, names, tc.want)
		}
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func testAlbums(t *testing.T, s store.Store) {
	f := newFixture(t, s, "甲", "13800000001")
	update(t, s, f.tenant.ID, func(ctx context.Context, tx store.Tx) error {
		o, err := tx.InsertOrder(ctx, newOrder(f, "王小姐", "13600000001", "ABCD2345"))
		must(t, err)
		ret, err := tx.InsertAlbum(ctx, newAlbum(o.ID, album.KindRetouched, "精修", 2))
		must(t, err)
		raw, err := tx.InsertAlbum(ctx, newAlbum(o.ID, album.KindRaw, "底片", 1))
		must(t, err)
		got, err := tx.GetAlbum(ctx, raw.ID)
		must(t, err)
		if got.Kind != album.KindRaw || got.Settings != raw.Settings || got.Status != album.StatusOpen || !got.RetainUntil.Equal(raw.RetainUntil) {
			t.Fatalf("got %+v want %+v", got, raw)
		}
		list, err := tx.ListAlbums(ctx, o.ID)
		if err != nil || len(list) != 2 || list[0].ID != raw.ID || list[1].ID != ret.ID {
			t.Fatalf("list %+v %v", list, err)
		}
		ret.SortOrder, ret.Title, ret.Status = 0, "精修 · 终版", album.StatusFinished
		ret.Settings.Watermark.Enabled, ret.Settings.KeepEXIF = true, true
		upd, err := tx.UpdateAlbum(ctx, ret)
		must(t, err)
		if upd.Title != "精修 · 终版" || upd.Status != album.StatusFinished || !upd.Settings.KeepEXIF || !upd.Settings.Watermark.Enabled {
			t.Fatalf("update %+v", upd)
		}
		list, _ = tx.ListAlbums(ctx, o.ID)
		if list[0].ID != ret.ID {
			t.Fatalf("sort order not applied: %+v", list)
		}
		if err := tx.Savepoint(ctx, func() error {
			_, err := tx.InsertAlbum(ctx, newAlbum(o.ID+100, album.KindRaw, "孤儿", 0))
			return err
		}); err == nil {
			t.Fatal("album stored for a missing order")
		}
		return nil
	})
}

func testAlbumIsolation(t *testing.T, s store.Store) {
	a := newFixture(t, s, "甲", "13800000001")
	b := newFixture(t, s, "乙", "13800000002")
	ctx := context.Background()
	var bo album.Order
	var ba album.Album
	update(t, s, b.tenant.ID, func(ctx context.Context, tx store.Tx) error {
		var err error
		bo, err = tx.InsertOrder(ctx, newOrder(b, "乙客户", "13600000001", "SAMECODE"))
		must(t, err)
		ba, err = tx.InsertAlbum(ctx, newAlbum(bo.ID, album.KindRaw, "乙底片", 0))
		return err
	})
	// The same code may exist in another studio: codes are per studio.
	update(t, s, a.tenant.ID, func(ctx context.Context, tx store.Tx) error {
		_, err := tx.InsertOrder(ctx, newOrder(a, "甲客户", "13600000001", "SAMECODE"))
		return err
	})
	must(t, s.Update(ctx, a.tenant.ID, func(tx store.Tx) error {
		notFound := func(what string, err error) {
			if !errors.Is(err, store.ErrNotFound) {
				t.Errorf("A reached B's %s: %v", what, err)
			}
		}
		_, err := tx.GetOrder(ctx, bo.ID)
		notFound("order", err)
		o := bo
		o.CustomerName = "偷"
		_, err = tx.UpdateOrder(ctx, o)
		notFound("order update", err)
		byCode, err := tx.OrderByCode(ctx, "SAMECODE")
		if err != nil || byCode.CustomerName != "甲客户" {
			t.Errorf("code lookup crossed studios: %+v %v", byCode, err)
		}
		_, err = tx.GetAlbum(ctx, ba.ID)
		notFound("album", err)
		al := ba
		al.Title = "偷"
		_, err = tx.UpdateAlbum(ctx, al)
		notFound("album update", err)
		if l, err := tx.ListAlbums(ctx, bo.ID); err != nil || len(l) != 0 {
			t.Errorf("A lists B's albums: %v %v", l, err)
		}
		if l, err := tx.ListOrders(ctx, store.OrderFilter{Scope: store.LeadScope{All: true}}); err != nil || len(l) != 1 {
			t.Errorf("A lists B's orders: %v %v", l, err)
		}
		return nil
	}))
	// A cannot hang an album on B's order: the (tenant_id, order_id) reference refuses it.
	err := s.Update(ctx, a.tenant.ID, func(tx store.Tx) error {
		_, err := tx.InsertAlbum(ctx, newAlbum(bo.ID, album.KindRaw, "偷挂", 0))
		return err
	})
	if err == nil {
		t.Fatal("A attached an album to B's order")
	}
	must(t, s.View(ctx, b.tenant.ID, func(tx store.Tx) error {
		if l, _ := tx.ListAlbums(ctx, bo.ID); len(l) != 1 {
			t.Errorf("B's order has %d albums", len(l))
		}
		return nil
	}))
}

// testPhotoOrder: an album lists its files by file name (the camera's numbering), whatever
// order parallel uploads finished in.
func testPhotoOrder(t *testing.T, s store.Store) {
	a := newFixture(t, s, "甲", "13800000001")
	update(t, s, a.tenant.ID, func(ctx context.Context, tx store.Tx) error {
		o, err := tx.InsertOrder(ctx, newOrder(a, "王小姐", "13600000001", "ABCD2345"))
		must(t, err)
		al, err := tx.InsertAlbum(ctx, newAlbum(o.ID, album.KindRaw, "底片", 0))
		must(t, err)
		for i, name := range []string{"IMG_0003.JPG", "IMG_0001.JPG", "IMG_0002.JPG"} { // finished in this order
			_, err := tx.InsertPhoto(ctx, album.Photo{AlbumID: al.ID, Hash: hashOf(byte('a' + i)), Size: 1000, Filename: name,
				ContentType: "image/jpeg", Kind: "image", Status: album.PhotoReady, CreatedAt: t0, UpdatedAt: t0})
			must(t, err)
		}
		list, err := tx.ListPhotos(ctx, al.ID)
		must(t, err)
		var got []string
		for _, p := range list {
			got = append(got, p.Filename)
		}
		if strings.Join(got, " ") != "IMG_0001.JPG IMG_0002.JPG IMG_0003.JPG" {
			t.Errorf("listed %v", got)
		}
		return nil
	})
}

// rawAlbum inserts an order of f's studio and a raw-proofs album in it.
func rawAlbum(ctx context.Context, t *testing.T, tx store.Tx, f fixture) album.Album {
	t.Helper()
	o, err := tx.InsertOrder(ctx, newOrder(f, "王小姐", "13600000001", "ABCD2345"))
	must(t, err)
	al, err := tx.InsertAlbum(ctx, newAlbum(o.ID, album.KindRaw, "底片", 0))
	must(t, err)
	return al
}

func hashOf(c byte) string { return strings.Repeat(string([]byte{c}), 64) }

func testPhotos(t *testing.T, s store.Store) {
	a := newFixture(t, s, "甲", "13800000001")
	b := newFixture(t, s, "乙", "13800000002")
	ctx := context.Background()
	var al, other album.Album
	var p album.Photo
	update(t, s, a.tenant.ID, func(ctx context.Context, tx store.Tx) error {
		o, err := tx.InsertOrder(ctx, newOrder(a, "王小姐", "13600000001", "ABCD2345"))
		must(t, err)
		al, err = tx.InsertAlbum(ctx, newAlbum(o.ID, album.KindRaw, "底片", 0))
		must(t, err)
		other, err = tx.InsertAlbum(ctx, newAlbum(o.ID, album.KindRetouched, "精修", 1))
		must(t, err)
		p, err = tx.InsertPhoto(ctx, album.Photo{AlbumID: al.ID, Hash: hashOf('a'), Size: 1000, Filename: "IMG_1.JPG", ContentType: "image/jpeg",
			Kind: "image", Status: album.PhotoProcessing, CreatedBy: a.admin.ID, CreatedAt: t0, UpdatedAt: t0, CRC: 0xFFFFFFFE, CRCNoEXIF: 2, CRCNoGPS: 3})
		must(t, err)
		// The same file in another album of the studio is a photo there too.
		_, err = tx.InsertPhoto(ctx, album.Photo{AlbumID: other.ID, Hash: hashOf('a'), Size: 1000, Filename: "x.jpg", ContentType: "image/jpeg",
			Kind: "image", Status: album.PhotoProcessing, CreatedAt: t0, UpdatedAt: t0})
		must(t, err)
		_, err = tx.InsertPhoto(ctx, album.Photo{AlbumID: al.ID, Hash: hashOf('b'), Size: 500, Filename: "IMG_2.MOV", ContentType: "video/quicktime",
			Kind: "video", Status: album.PhotoReady, CreatedAt: t0, UpdatedAt: t0})
		must(t, err)
		return tx.ScheduleJob(ctx, "media.render", "1", []byte(`{"photo_id":1}`), t0)
	})
	err := s.Update(ctx, a.tenant.ID, func(tx store.Tx) error {
		_, err := tx.InsertPhoto(ctx, album.Photo{AlbumID: al.ID, Hash: hashOf('a'), Size: 1000, Filename: "again.jpg", ContentType: "image/jpeg",
			Kind: "image", Status: album.PhotoProcessing, CreatedAt: t0, UpdatedAt: t0})
		return err
	})
	if !errors.Is(err, store.ErrConflict) {
		t.Fatalf("same file twice in an album: %v", err)
	}
	update(t, s, a.tenant.ID, func(ctx context.Context, tx store.Tx) error {
		got, err := tx.GetAlbum(ctx, al.ID)
		if err != nil || got.PhotoCount != 2 || got.Bytes != 1500 {
			t.Fatalf("album counters %+v %v", got, err)
		}
		hs, err := tx.PhotoHashes(ctx, al.ID, []string{hashOf('a'), hashOf('c'), hashOf('b')})
		if err != nil || len(hs) != 2 || hs[hashOf('a')] != p.ID {
			t.Fatalf("hashes %v %v", hs, err)
		}
		done, err := tx.SetPhotoResult(ctx, p.ID, album.RenderResult{Status: album.PhotoFailed, Reason: "image_corrupt"}, t0.Add(time.Minute))
		if err != nil || done.Status != album.PhotoFailed || done.FailReason != "image_corrupt" || done.CRC != 0xFFFFFFFE || done.CRCNoGPS != 3 {
			t.Fatalf("result %+v %v", done, err)
		}
		list, err := tx.ListPhotos(ctx, al.ID)
		if err != nil || len(list) != 2 || list[0].ID != p.ID || list[1].Kind != "video" {
			t.Fatalf("list %+v %v", list, err)
		}
		return nil
	})
	j, err := s.LeaseJob(ctx, "w", t0.Add(time.Second), time.Minute)
	if err != nil || j.Kind != "media.render" || j.TenantID != a.tenant.ID || j.Key != "1" {
		t.Fatalf("scheduled job %+v %v", j, err)
	}
	must(t, s.Update(ctx, b.tenant.ID, func(tx store.Tx) error {
		if _, err := tx.GetPhoto(ctx, p.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("B reads A's photo: %v", err)
		}
		if _, err := tx.SetPhotoResult(ctx, p.ID, album.RenderResult{Status: album.PhotoReady, Width: 1, Height: 1}, t0); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("B changes A's photo: %v", err)
		}
		if hs, _ := tx.PhotoHashes(ctx, al.ID, []string{hashOf('a')}); len(hs) != 0 {
			t.Errorf("B sees A's hashes")
		}
		if l, _ := tx.ListPhotos(ctx, al.ID); len(l) != 0 {
			t.Errorf("B lists A's photos")
		}
		if err := tx.Savepoint(ctx, func() error { // a failed statement ends the transaction but in a savepoint (store.Tx)
			_, err := tx.InsertPhoto(ctx, album.Photo{AlbumID: al.ID, Hash: hashOf('d'), Size: 1, Filename: "x", ContentType: "image/jpeg",
				Kind: "image", Status: album.PhotoProcessing, CreatedAt: t0, UpdatedAt: t0})
			return err
		}); err == nil {
			t.Errorf("B put a photo into A's album")
		}
		return nil
	}))
}

// testPhotoOriginalPending: a photo whose renditions came first waits for its original
// (PendingOriginals finds it); completing it records the real size and CRCs and corrects the
// album's bytes; another studio can do neither.
func testPhotoOriginalPending(t *testing.T, s store.Store) {
	a := newFixture(t, s, "甲", "13800000001")
	b := newFixture(t, s, "乙", "13800000002")
	ctx := context.Background()
	var al album.Album
	var p album.Photo
	update(t, s, a.tenant.ID, func(ctx context.Context, tx store.Tx) error {
		al = rawAlbum(ctx, t, tx, a)
		var err error
		p, err = tx.InsertPhoto(ctx, album.Photo{AlbumID: al.ID, Hash: hashOf('a'), Size: 1000, Filename: "IMG_1.JPG", ContentType: "image/jpeg",
			Kind: "image", Status: album.PhotoReady, OriginalPending: true, CreatedAt: t0, UpdatedAt: t0})
		must(t, err)
		_, err = tx.InsertPhoto(ctx, album.Photo{AlbumID: al.ID, Hash: hashOf('b'), Size: 500, Filename: "IMG_2.JPG", ContentType: "image/jpeg",
			Kind: "image", Status: album.PhotoProcessing, CreatedAt: t0, UpdatedAt: t0})
		return err
	})
	must(t, s.Update(ctx, b.tenant.ID, func(tx store.Tx) error {
		if got, err := tx.PendingOriginals(ctx, al.ID); err != nil || len(got) != 0 {
			t.Errorf("B sees A's pending photos: %v %v", got, err)
		}
		if _, err := tx.CompletePhotoOriginal(ctx, p.ID, album.OriginalSums{Size: 1}, t0); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("B completes A's photo: %v", err)
		}
		return nil
	}))
	update(t, s, a.tenant.ID, func(ctx context.Context, tx store.Tx) error {
		got, err := tx.PendingOriginals(ctx, al.ID)
		if err != nil || len(got) != 1 || got[hashOf('a')] != p.ID {
			t.Fatalf("pending %v %v", got, err)
		}
		if g, _ := tx.GetPhoto(ctx, p.ID); !g.OriginalPending || g.Status != album.PhotoReady {
			t.Fatalf("stored %+v", g)
		}
		done, err := tx.CompletePhotoOriginal(ctx, p.ID, album.OriginalSums{Size: 1200, ContentType: "image/jpeg", CRC: 7, CRCNoEXIF: 8, CRCNoGPS: 9}, t0.Add(time.Minute))
		if err != nil || done.OriginalPending || done.Size != 1200 || done.CRC != 7 || done.CRCNoGPS != 9 || !done.UpdatedAt.Equal(t0.Add(time.Minute)) {
			t.Fatalf("completed %+v %v", done, err)
		}
		if al, err := tx.GetAlbum(ctx, al.ID); err != nil || al.Bytes != 1700 || al.PhotoCount != 2 {
			t.Fatalf("album counters %+v %v", al, err)
		}
		if again, err := tx.CompletePhotoOriginal(ctx, p.ID, album.OriginalSums{Size: 5}, t0); err != nil || again.Size != 1200 {
			t.Fatalf("completing twice changed it: %+v %v", again, err)
		}
		if got, _ := tx.PendingOriginals(ctx, al.ID); len(got) != 0 {
			t.Fatalf("still pending %v", got)
		}
		return nil
	})
}

// testDeletePhoto: deleting a photo uncounts it from its album, clears the cover it was,
// drops its download counts and frees its hash for the album (the same file may come back);
// another studio can delete nothing of it.
func testDeletePhoto(t *testing.T, s store.Store) {
	a := newFixture(t, s, "甲", "13800000001")
	b := newFixture(t, s, "乙", "13800000002")
	ctx := context.Background()
	var al album.Album
	var p, q album.Photo
	var link album.ShareLink
	update(t, s, a.tenant.ID, func(ctx context.Context, tx store.Tx) error {
		al = rawAlbum(ctx, t, tx, a)
		var err error
		p, err = tx.InsertPhoto(ctx, album.Photo{AlbumID: al.ID, Hash: hashOf('a'), Size: 1000, Filename: "IMG_1.JPG", ContentType: "image/jpeg",
			Kind: "image", Status: album.PhotoReady, CreatedAt: t0, UpdatedAt: t0})
		must(t, err)
		q, err = tx.InsertPhoto(ctx, album.Photo{AlbumID: al.ID, Hash: hashOf('b'), Size: 500, Filename: "IMG_2.JPG", ContentType: "image/jpeg",
			Kind: "image", Status: album.PhotoReady, CreatedAt: t0, UpdatedAt: t0})
		must(t, err)
		al.CoverPhotoID = p.ID
		al, err = tx.UpdateAlbum(ctx, al)
		must(t, err)
		link, err = tx.InsertShareLink(ctx, album.ShareLink{AlbumID: al.ID, TokenHash: bytes.Repeat([]byte{6}, 32), Token: "t",
			ExpiresAt: al.RetainUntil, AllowDownload: true, CreatedBy: a.admin.ID, CreatedAt: t0})
		return err
	})
	must(t, s.CountPhotoDownload(ctx, a.tenant.ID, link.ID, p.ID)) // a download count refers to the photo
	must(t, s.Update(ctx, b.tenant.ID, func(tx store.Tx) error {
		if _, err := tx.DeletePhoto(ctx, p.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("B deletes A's photo: %v", err)
		}
		return nil
	}))
	update(t, s, a.tenant.ID, func(ctx context.Context, tx store.Tx) error {
		gone, err := tx.DeletePhoto(ctx, p.ID)
		if err != nil || gone.ID != p.ID || gone.Hash != hashOf('a') {
			t.Fatalf("deleted %+v %v", gone, err)
		}
		if _, err := tx.GetPhoto(ctx, p.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("photo still there: %v", err)
		}
		got, err := tx.GetAlbum(ctx, al.ID)
		if err != nil || got.PhotoCount != 1 || got.Bytes != 500 || got.CoverPhotoID != 0 {
			t.Fatalf("album after delete %+v %v", got, err)
		}
		if _, err := tx.DeletePhoto(ctx, p.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("deleted twice: %v", err)
		}
		if ps, _ := tx.ListPhotos(ctx, al.ID); len(ps) != 1 || ps[0].ID != q.ID {
			t.Fatalf("photos left %+v", ps)
		}
		// The same file may be added again.
		_, err = tx.InsertPhoto(ctx, album.Photo{AlbumID: al.ID, Hash: hashOf('a'), Size: 1000, Filename: "IMG_1.JPG", ContentType: "image/jpeg",
			Kind: "image", Status: album.PhotoReady, CreatedAt: t0, UpdatedAt: t0})
		return err
	})
}
