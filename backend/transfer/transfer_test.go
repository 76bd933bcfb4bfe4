package transfer_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/studiodesk/studiodesk/backend/account"
	"github.com/studiodesk/studiodesk/backend/album"
	"github.com/studiodesk/studiodesk/backend/api"
	"github.com/studiodesk/studiodesk/backend/api/apiclient"
	"github.com/studiodesk/studiodesk/backend/auth"
	"github.com/studiodesk/studiodesk/backend/blob/fsblob"
	"github.com/studiodesk/studiodesk/backend/blob/s3blob/s3test"
	"github.com/studiodesk/studiodesk/backend/lead"
	"github.com/studiodesk/studiodesk/backend/media/mediatest"
	"github.com/studiodesk/studiodesk/backend/store/postgres"
	"github.com/studiodesk/studiodesk/backend/store/postgres/pgtest"
	"github.com/studiodesk/studiodesk/backend/store/sqldb"
	"github.com/studiodesk/studiodesk/backend/store/sqlite"
	"github.com/studiodesk/studiodesk/backend/transfer"
)

func login(t testing.TB, url, phone, password string) *apiclient.Client {
	t.Helper()
	c, _ := loginToken(t, url, phone, password)
	return c
}

// loginToken signs in and returns the client and its session token.
func loginToken(t testing.TB, url, phone, password string) (*apiclient.Client, string) {
	t.Helper()
	c, _ := apiclient.New(apiclient.Config{BaseURL: url})
	s, err := c.Login(context.Background(), api.LoginRequest{Phone: phone, Password: password, DeviceID: "t", DeviceName: "t"})
	if err != nil {
		t.Fatal(err)
	}
	c, _ = apiclient.New(apiclient.Config{BaseURL: url, Token: s.Token})
	return c, s.Token
}

// TestMoveToPostgresAndS3AndBack: a studio on SQLite + disk (leads, an album with photos)
// moves to PostgreSQL + S3 — interrupted mid-table and resumed — verifies, serves the same
// data from there, and moves back to a new SQLite file + disk.
func TestMoveToPostgresAndS3AndBack(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	bucket := s3test.Bucket(t, "move-"+strings.ToLower(fmt.Sprint(time.Now().UnixNano()%1e9)), false)

	// The source: a studio with 40 leads and an album of 3 photos.
	src, disk := openLite(t, t.TempDir())
	p, err := api.CreateTenant(ctx, src, auth.Fast, api.NewTenant{Name: "搬家影楼", AdminPhone: "13800000003", AdminName: "老板", Seats: 5}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := api.TopUp(ctx, src, p.Tenant.ID, 100, "", "", true, time.Now()); err != nil {
		t.Fatal(err)
	}
	c := login(t, startServer(t, src, disk).url, p.Admin.Phone, p.Password)
	brand, _ := c.CreateBrand(ctx, account.Brand{Name: "婚纱", Type: account.BrandWedding})
	branch, _ := c.CreateBranch(ctx, account.Branch{BrandID: brand.ID, Name: "一店"})
	for i := range 40 {
		if _, err := c.CreateLead(ctx, lead.Lead{BrandID: brand.ID, BranchID: branch.ID, Phone: fmt.Sprintf("1350000%04d", i), Name: "客户", Source: lead.SourceAd}); err != nil {
			t.Fatal(err)
		}
	}
	o, err := c.CreateOrder(ctx, album.Order{BrandID: brand.ID, BranchID: branch.ID, CustomerName: "王小姐", Phone: "13600000009", Package: "A"})
	if err != nil {
		t.Fatal(err)
	}
	a, err := c.CreateAlbum(ctx, o.ID, album.Album{Kind: album.KindRaw, Title: "底片"})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		photo := mediatest.JPEG(mediatest.Upright(50+i, 40), 1)
		if _, err := c.UploadFile(ctx, apiclient.UploadRequest{AlbumID: a.ID, Filename: fmt.Sprintf("%d.jpg", i), Size: int64(len(photo))},
			bytes.NewReader(photo), "", 3, nil, nil); err != nil {
			t.Fatal(err)
		}
	}

	dst, err := postgres.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	from, to := transfer.DB{Pool: src.WritePool()}, transfer.DB{Pool: dst.WritePool(), Postgres: true}

	// Interrupted in the middle of the leads table, then resumed.
	old := transfer.SetBatchRows(7)
	defer transfer.SetBatchRows(old)
	cut, cancel := context.WithCancel(ctx)
	_, err = transfer.CopyRows(cut, from, to, func(pr transfer.Progress) {
		if pr.Table == "leads" && pr.Rows >= 14 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted move: %v", err)
	}
	var partial int
	dst.WritePool().QueryRow(`SELECT COUNT(*) FROM leads`).Scan(&partial)
	if partial == 0 || partial >= 40 {
		t.Fatalf("%d leads after the interruption: want part of them", partial)
	}
	if _, err := transfer.CopyRows(ctx, from, to, nil); err != nil {
		t.Fatal(err)
	}
	rep, err := transfer.CopyObjects(ctx, disk, bucket, nil)
	if err != nil || rep.Objects == 0 {
		t.Fatalf("objects: %+v %v", rep, err)
	}
	if bad, err := transfer.Verify(ctx, from, to, disk, bucket, nil); err != nil || len(bad) > 0 {
		t.Fatalf("verify: %v %+v", err, bad)
	}

	// The moved studio serves from PostgreSQL + S3: same leads, photos downloadable, and new
	// rows continue after the copied ids.
	c2 := login(t, startServer(t, dst, bucket).url, p.Admin.Phone, p.Password)
	page, err := c2.ListLeads(ctx, apiclient.LeadQuery{Limit: 100})
	if err != nil || len(page.Leads) != 40 {
		t.Fatalf("leads after the move: %d %v", len(page.Leads), err)
	}
	photos, err := c2.AlbumPhotos(ctx, a.ID)
	if err != nil || len(photos) != 3 {
		t.Fatalf("photos after the move: %d %v", len(photos), err)
	}
	if _, err := c2.CreateLead(ctx, lead.Lead{BrandID: brand.ID, BranchID: branch.ID, Phone: "13599999999", Name: "新客", Source: lead.SourceAd}); err != nil {
		t.Fatalf("a new lead after the move: %v", err)
	}

	// And back to a new SQLite file + disk.
	back, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "back.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer back.Close()
	backDisk, _ := fsblob.New(t.TempDir())
	defer backDisk.Close()
	if _, err := transfer.CopyRows(ctx, to, transfer.DB{Pool: back.WritePool()}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := transfer.CopyObjects(ctx, bucket, backDisk, nil); err != nil {
		t.Fatal(err)
	}
	if bad, err := transfer.Verify(ctx, to, transfer.DB{Pool: back.WritePool()}, bucket, backDisk, nil); err != nil || len(bad) > 0 {
		t.Fatalf("verify back: %v %+v", err, bad)
	}
	var _ *sqldb.DB = back
}
