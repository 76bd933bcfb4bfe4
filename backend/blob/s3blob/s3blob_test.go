package s3blob_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/studiodesk/studiodesk/backend/blob"
	"github.com/studiodesk/studiodesk/backend/blob/blobtest"
	"github.com/studiodesk/studiodesk/backend/blob/s3blob"
	"github.com/studiodesk/studiodesk/backend/blob/s3blob/s3test"
)

// config is a fresh bucket's configuration on the test server (s3test).
func config(t *testing.T) s3blob.Config {
	t.Helper()
	c := s3test.Config(t, "t-"+strings.ToLower(rand.Text()[:20]))
	c.PartSize = 5 << 20
	return c
}

// newBucket is a fresh bucket per test.
func newBucket(t *testing.T) blob.Bucket {
	t.Helper()
	return newS3(t, config(t))
}

func newS3(t *testing.T, c s3blob.Config) *s3blob.Bucket {
	t.Helper()
	ctx := context.Background()
	b, err := s3blob.New(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.CreateBucket(ctx); err != nil {
		t.Fatal(err)
	}
	if err := b.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = b.List(ctx, "", func(i blob.Info) error { return b.Delete(ctx, i.Key) })
	})
	return b
}

func TestConformance(t *testing.T) { blobtest.Run(t, newBucket) }

// TestMultipart: an object larger than a part goes up as a multipart upload and reads back
// whole and by range; a reader that fails in the third part leaves the old object intact.
func TestMultipart(t *testing.T) {
	b := newS3(t, config(t))
	ctx := context.Background()
	data := make([]byte, 12<<20+123)
	_, _ = rand.Read(data)
	if _, err := b.Put(ctx, "video/big.mp4", bytes.NewReader(data), -1, "video/mp4"); err != nil {
		t.Fatal(err)
	}
	rc, info, err := b.Get(ctx, "video/big.mp4")
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(rc)
	rc.Close()
	if err != nil || !bytes.Equal(got, data) || info.Size != int64(len(data)) || info.ContentType != "video/mp4" {
		t.Fatalf("read back %d bytes (%v), info %+v", len(got), err, info)
	}
	rc, err = b.GetRange(ctx, "video/big.mp4", 6<<20-10, 20)
	if err != nil {
		t.Fatal(err)
	}
	part, _ := io.ReadAll(rc)
	rc.Close()
	if !bytes.Equal(part, data[6<<20-10:6<<20+10]) {
		t.Fatal("range across a part boundary differs")
	}
	failing := io.MultiReader(bytes.NewReader(make([]byte, 11<<20)), errReader{})
	if _, err := b.Put(ctx, "video/big.mp4", failing, -1, "video/mp4"); err == nil {
		t.Fatal("a failing reader stored an object")
	}
	if info, err := b.Stat(ctx, "video/big.mp4"); err != nil || info.Size != int64(len(data)) {
		t.Fatalf("old object after a failed multipart Put: %+v %v", info, err)
	}
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, io.ErrClosedPipe }

// TestPresignGet: the URL downloads the object without credentials, with the suggested
// file name, until it expires.
func TestPresignGet(t *testing.T) {
	b := newS3(t, config(t))
	ctx := context.Background()
	if _, err := b.Put(ctx, "a/photo.jpg", strings.NewReader("jpeg bytes"), -1, "image/jpeg"); err != nil {
		t.Fatal(err)
	}
	u, err := b.PresignGet(ctx, "a/photo.jpg", time.Minute, "婚纱照 001.jpg")
	if err != nil {
		t.Fatal(err)
	}
	res, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || string(body) != "jpeg bytes" {
		t.Fatalf("presigned GET: %d %q", res.StatusCode, body)
	}
	if cd := res.Header.Get("Content-Disposition"); !strings.Contains(cd, "attachment") || !strings.Contains(cd, "%E5%A9%9A") {
		t.Fatalf("Content-Disposition %q", cd)
	}
	if _, err := b.PresignGet(ctx, "../x", time.Minute, ""); err == nil {
		t.Fatal("invalid key presigned")
	}
}
