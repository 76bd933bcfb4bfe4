package api_test

import (
	"bytes"
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/studiodesk/studiodesk/backend/api"
	"github.com/studiodesk/studiodesk/backend/api/apiclient"
)

// Unfinished uploads nothing was written to for a week, and the records of uploads finished
// a week ago, are swept; newer ones stay; a desktop resuming a swept upload is told 404 and
// sending the file again stores nothing twice.
func TestSweepUploads(t *testing.T) {
	t.Parallel()
	var dir string
	u := newUploadEnv(t, func(c *api.Config) { dir = c.UploadDir })
	ctx := context.Background()
	c := u.client(u.s.admin)
	rng := rand.New(rand.NewPCG(7, 7))

	done := randomVideo(rng, 300<<10)
	var doneURL string
	if _, err := c.UploadFile(ctx, apiclient.UploadRequest{AlbumID: u.albumID, Filename: "done.mp4", Size: int64(len(done))},
		bytes.NewReader(done), "", 0, func(url string) { doneURL = url }, nil); err != nil {
		t.Fatal(err)
	}
	partial := func(name string) string {
		data := randomVideo(rng, 200<<10)
		url, err := c.CreateUpload(ctx, apiclient.UploadRequest{AlbumID: u.albumID, Filename: name, Size: int64(len(data))})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, _, err := c.UploadChunk(ctx, url, 0, bytes.NewReader(data[:64<<10]), 64<<10); err != nil {
			t.Fatal(err)
		}
		return url
	}
	stale, fresh := partial("stale.mp4"), partial("fresh.mp4")
	idOf := func(url string) string { return path.Base(url) }

	notFound := func(url string) bool {
		_, err := c.UploadOffset(ctx, url)
		var ae *apiclient.Error
		return errors.As(err, &ae) && ae.Status == http.StatusNotFound
	}
	if notFound(doneURL) || notFound(stale) {
		t.Fatal("uploads answer 404 before any sweep")
	}

	now := time.Now()
	week := now.Add(-api.UploadKeep - time.Hour)
	s3 := os.Getenv(blobsEnv) == "s3"
	if !s3 {
		// Files of the stale upload last written over a week ago; the fresh one yesterday
		// (its info file older: tus writes it once, the data with every request).
		age := func(id string, at time.Time, match func(string) bool) {
			entries, _ := os.ReadDir(dir)
			n := 0
			for _, e := range entries {
				if strings.HasPrefix(e.Name(), id) && match(e.Name()) {
					if err := os.Chtimes(filepath.Join(dir, e.Name()), at, at); err != nil {
						u.t.Fatal(err)
					}
					n++
				}
			}
			if n == 0 {
				u.t.Fatalf("no files of upload %s in %s", id, dir)
			}
		}
		all := func(string) bool { return true }
		age(idOf(stale), week, all)
		age(idOf(fresh), week, func(name string) bool { return strings.HasSuffix(name, ".info") })
		age(idOf(fresh), now.Add(-24*time.Hour), func(name string) bool { return !strings.HasSuffix(name, ".info") })
		records, _ := filepath.Glob(filepath.Join(dir, "finished", "*"))
		if len(records) != 1 {
			t.Fatalf("finished records %v", records)
		}
		if err := os.Chtimes(records[0], week, week); err != nil {
			t.Fatal(err)
		}
	} else {
		now = now.Add(api.UploadKeep + time.Hour) // the record in the bucket is a week old then
	}
	removed, err := u.srvAPI.SweepUploads(ctx, now)
	if err != nil {
		t.Fatal(err)
	}
	want := 2 // the stale upload and the finished record
	if s3 {
		want = 1 // uploads in progress live in the bucket, expired by its lifecycle rule
	}
	if removed != want {
		t.Fatalf("removed %d, want %d", removed, want)
	}
	if !s3 && !notFound(stale) {
		t.Fatal("the stale upload was kept")
	}
	if off, err := c.UploadOffset(ctx, fresh); err != nil || off != 64<<10 {
		t.Fatalf("the fresh upload: offset %d, %v", off, err)
	}
	// The finished upload's record is gone: a client resuming it hears 404 and sends the file
	// again, which the server finds stored already.
	if !notFound(doneURL) {
		t.Fatal("the finished upload still answers after its record was swept")
	}
	res, err := c.UploadFile(ctx, apiclient.UploadRequest{AlbumID: u.albumID, Filename: "done.mp4", Size: int64(len(done))}, bytes.NewReader(done), "", 0, nil, nil)
	if err != nil || !res.Duplicate {
		t.Fatalf("sent again: %+v %v", res, err)
	}
}
