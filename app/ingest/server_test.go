package ingest_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/studiodesk/studiodesk/app/apptest"
	"github.com/studiodesk/studiodesk/app/ingest"
	"github.com/studiodesk/studiodesk/backend/api/apiclient"
	"github.com/studiodesk/studiodesk/backend/media/mediatest"
)

// TestChildUploader is not a test on its own: TestKillDuringUpload runs the test binary
// again as a child process that uploads the queue until it is killed.
func TestChildUploader(t *testing.T) {
	if os.Getenv("INGEST_CHILD_QUEUE") == "" {
		return // only meaningful as a child of TestKillDuringUpload
	}
	q, err := ingest.OpenQueue(context.Background(), os.Getenv("INGEST_CHILD_QUEUE"))
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	c, err := apiclient.New(apiclient.Config{BaseURL: os.Getenv("INGEST_CHILD_SERVER"), Token: os.Getenv("INGEST_CHILD_TOKEN")})
	if err != nil {
		t.Fatal(err)
	}
	e := ingest.NewEngine(q, c, ingest.Config{MaxUploads: 3, MinBackoff: 20 * time.Millisecond, Poll: 10 * time.Millisecond})
	if err := e.Run(context.Background(), true); err != nil {
		t.Fatal(err)
	}
}

// TestKillDuringUpload: an uploader killed with SIGKILL at random points, 20 times, during
// an upload of 300 files to the real server: after a final run every file is in the album
// exactly once, with its hash, and the queue says so.
func TestKillDuringUpload(t *testing.T) {
	srv := apptest.NewUploadServer(t)
	ctx := context.Background()
	dir := t.TempDir()
	queuePath := filepath.Join(t.TempDir(), "queue.db")
	q, err := ingest.OpenQueue(ctx, queuePath)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{}
	r := rand.New(rand.NewPCG(6, 2026))
	for i := range 300 {
		// A real JPEG (the server checks what it stores) with noise, so sizes and hashes vary.
		img := mediatest.Upright(64+r.IntN(64), 48+r.IntN(48))
		for j := range img.Pix {
			img.Pix[j] ^= byte(r.Uint32() & 0x3f)
		}
		b := mediatest.JPEG(img, 1)
		name := fmt.Sprintf("DSC_%04d.JPG", i)
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(b)
		want[hex.EncodeToString(sum[:])] = true
		fi, _ := os.Stat(p)
		if _, err := q.Add(ctx, srv.AlbumID, p, name, fi.Size(), fi.ModTime()); err != nil {
			t.Fatal(err)
		}
	}
	q.Close()

	child := func() *exec.Cmd {
		cmd := exec.Command(os.Args[0], "-test.run=^TestChildUploader$", "-test.count=1")
		cmd.Env = append(os.Environ(), "INGEST_CHILD_QUEUE="+queuePath, "INGEST_CHILD_SERVER="+srv.URL, "INGEST_CHILD_TOKEN="+srv.Token)
		return cmd
	}
	kills := 0
	for kills < 20 {
		cmd := child()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(30+r.IntN(250)) * time.Millisecond)
		if err := cmd.Process.Kill(); err != nil { // SIGKILL: no cleanup runs
			t.Fatal(err)
		}
		_ = cmd.Wait()
		kills++
	}
	if q, err := ingest.OpenQueue(ctx, queuePath); err == nil {
		c, _ := q.Counts(ctx, srv.AlbumID)
		q.Close()
		t.Logf("after %d kills: %d of 300 done", kills, c.Done)
		if c.Done == 300 {
			t.Log("every file finished before the last kill: the kills did not land mid-upload")
		}
	}
	out, err := child().CombinedOutput()
	if err != nil {
		t.Fatalf("final run: %v\n%s", err, out)
	}

	photos, err := srv.Client.AlbumPhotos(ctx, srv.AlbumID)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, p := range photos {
		seen[p.Hash]++
	}
	for h := range want {
		if seen[h] != 1 {
			t.Errorf("file %s… is in the album %d times", h[:12], seen[h])
		}
	}
	if len(photos) != len(want) {
		t.Errorf("album holds %d photos, want %d", len(photos), len(want))
	}
	q, err = ingest.OpenQueue(ctx, queuePath)
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	c, _ := q.Counts(ctx, srv.AlbumID)
	if c.Done != 300 || c.Queued != 0 || c.Failed != 0 {
		failed, _ := q.Failed(ctx)
		if len(failed) > 0 {
			t.Errorf("first failure: %s: %s", failed[0].Rel, failed[0].Error)
		}
		t.Errorf("queue after %d kills: %+v", kills, c)
	}
	t.Logf("%d kills; album holds %d photos; queue %+v", kills, len(photos), c)
}
