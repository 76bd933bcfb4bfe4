package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/studiodesk/studiodesk/backend/account"
	"github.com/studiodesk/studiodesk/backend/album"
	"github.com/studiodesk/studiodesk/backend/api"
	"github.com/studiodesk/studiodesk/backend/api/apiclient"
	"github.com/studiodesk/studiodesk/backend/blob"
	"github.com/studiodesk/studiodesk/backend/blob/s3blob/s3test"
	"github.com/studiodesk/studiodesk/backend/media/mediatest"
	"github.com/studiodesk/studiodesk/backend/store/postgres/pgtest"
)

// TestServeStoresPhotosInS3: serve --blobs s3://... keeps an uploaded photo's original in
// the bucket, under the studio's prefix. Runs against the S3 server scripts/test.sh starts.
func TestServeStoresPhotosInS3(t *testing.T) {
	ctx := context.Background()
	bucket := s3test.Bucket(t, "serve-photos", true)
	endpoint := s3test.Endpoint(t)
	data := t.TempDir()
	out, _, err := runCLI(t, "tenant", "create", "--data", data, "--name", "云存储影楼", "--admin-phone", "13912340000")
	if err != nil {
		t.Fatal(err)
	}
	tenant := regexp.MustCompile(`studio id:\s+(\d+)`).FindStringSubmatch(out)[1]
	password := regexp.MustCompile(`admin password: (\S+)`).FindStringSubmatch(out)[1]
	if _, _, err := runCLI(t, "credits", "topup", "--data", data, "--tenant", tenant, "--credits", "100"); err != nil {
		t.Fatal(err)
	}
	url, stop := startServe(t, "--data", data, "--blobs", "s3://serve-photos?endpoint="+endpoint+"&path_style=true")
	defer stop()

	c, _ := apiclient.New(apiclient.Config{BaseURL: url})
	sess, err := c.Login(ctx, api.LoginRequest{Phone: "13912340000", Password: password, DeviceID: "t", DeviceName: "t"})
	if err != nil {
		t.Fatal(err)
	}
	c, _ = apiclient.New(apiclient.Config{BaseURL: url, Token: sess.Token})
	brand, err := c.CreateBrand(ctx, account.Brand{Name: "婚纱", Type: account.BrandWedding})
	if err != nil {
		t.Fatal(err)
	}
	branch, _ := c.CreateBranch(ctx, account.Branch{BrandID: brand.ID, Name: "一店"})
	o, err := c.CreateOrder(ctx, album.Order{BrandID: brand.ID, BranchID: branch.ID, CustomerName: "王小姐", Phone: "13600000009", Package: "A"})
	if err != nil {
		t.Fatal(err)
	}
	a, err := c.CreateAlbum(ctx, o.ID, album.Album{Kind: album.KindRaw, Title: "底片"})
	if err != nil {
		t.Fatal(err)
	}
	photo := mediatest.JPEG(mediatest.Upright(64, 48), 1)
	sum := sha256.Sum256(photo)
	hash := hex.EncodeToString(sum[:])
	if _, err := c.UploadFile(ctx, apiclient.UploadRequest{AlbumID: a.ID, Filename: "IMG_0001.JPG", Size: int64(len(photo)), SHA256: hash},
		bytes.NewReader(photo), "", 3, nil, nil); err != nil {
		t.Fatal(err)
	}
	var keys []string
	if err := bucket.List(ctx, "studios/"+tenant+"/", func(i blob.Info) error { keys = append(keys, i.Key); return nil }); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(keys, "\n"), "studios/"+tenant+"/originals/"+hash) {
		t.Fatalf("bucket holds %q, want the original under studios/%s/originals/", keys, tenant)
	}
}

// TestMigrateStorageCommand: a studio on SQLite + disk moves to PostgreSQL + S3 with the
// operator command, which verifies the move; the studio is then listed from PostgreSQL.
func TestMigrateStorageCommand(t *testing.T) {
	s3test.Bucket(t, "moved", true)
	endpoint := s3test.Endpoint(t)
	dsn := pgtest.DSN(t)
	data := t.TempDir()
	if _, _, err := runCLI(t, "tenant", "create", "--data", data, "--name", "搬家影楼", "--admin-phone", "13912342222"); err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(data+"/blobs", 0o750)
	out, errb, err := runCLI(t, "migrate-storage", "--from-db", data+"/studiodesk.db", "--to-db", dsn,
		"--from-blobs", data+"/blobs", "--to-blobs", "s3://moved?endpoint="+endpoint+"&path_style=true")
	if err != nil || !strings.Contains(out, "verified") {
		t.Fatalf("migrate-storage: %v\n%s%s", err, out, errb)
	}
	if out, _, err := runCLI(t, "tenant", "list", "--db", dsn); err != nil || !strings.Contains(out, "搬家影楼") {
		t.Fatalf("the studio after the move: %v %s", err, out)
	}
	if _, _, err := runCLI(t, "migrate-storage", "--from-db", data+"/studiodesk.db", "--to-db", data+"/other.db",
		"--from-blobs", data, "--to-blobs", data); exitCode(err) != 2 {
		t.Fatalf("SQLite to SQLite: %v", err)
	}
}
