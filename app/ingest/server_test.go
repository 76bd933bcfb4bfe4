package ingest_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/studiodesk/studiodesk/app/apptest"
	"github.com/studiodesk/studiodesk/app/ingest"
	"github.com/studiodesk/studiodesk/backend/api"
	"github.com/studiodesk/studiodesk/backend/api/apiclient"
	"github.com/studiodesk/studiodesk/backend/media"
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
	e := ingest.NewEngine(q, c, ingest.Config{MaxUploads: 3, MinBackoff: 20 * time.Millisecond, Poll: 10 * time.Millisecond,
		Renderer: media.Best(media.Limits{})}) // renditions first: kills land in every state
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
	for _, p := range photos {
		if p.OriginalPending || p.Status != "ready" {
			t.Errorf("%s: status %s, original pending %v", p.Filename, p.Status, p.OriginalPending)
		}
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

// countingClient is the real client with the renditions uploads counted and the original
// uploads optionally held (a "crash" after the renditions are recorded).
type countingClient struct {
	*apiclient.Client
	mu         sync.Mutex
	renditions int
	holdUpload bool
}

func (c *countingClient) UploadRenditions(ctx context.Context, r apiclient.RenditionsRequest) (api.RenditionsResult, error) {
	c.mu.Lock()
	c.renditions++
	c.mu.Unlock()
	return c.Client.UploadRenditions(ctx, r)
}

func (c *countingClient) UploadFile(ctx context.Context, u apiclient.UploadRequest, f io.ReaderAt, resumeURL string, retries int,
	started func(string), progress func(int64)) (apiclient.UploadResult, error) {
	if c.holdUpload {
		<-ctx.Done()
		return apiclient.UploadResult{}, ctx.Err()
	}
	return c.Client.UploadFile(ctx, u, f, resumeURL, retries, started, progress)
}

// TestRenditionsFirstSurviveACrash: the engine sends a photo's renditions and stops before
// the original (state "rendered"; the photo shows, original pending); a second photo's
// renditions reached the server but the crash came before the queue recorded it. After the
// restart no rendition is sent again and each original completes its photo.
func TestRenditionsFirstSurviveACrash(t *testing.T) {
	srv := apptest.NewUploadServer(t)
	ctx := context.Background()
	dir := t.TempDir()
	q, err := ingest.OpenQueue(ctx, filepath.Join(t.TempDir(), "queue.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	files := map[string][]byte{}
	for i, name := range []string{"A.JPG", "B.JPG"} {
		b := mediatest.JPEG(mediatest.Upright(900+i*10, 600), 1)
		files[name] = b
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		fi, _ := os.Stat(p)
		if _, err := q.Add(ctx, srv.AlbumID, p, name, fi.Size(), fi.ModTime()); err != nil {
			t.Fatal(err)
		}
	}
	renderer := media.Best(media.Limits{})
	// B: renditions sent by hand, as if the engine died right after the server answered.
	img, rs, err := renderer.Render(ctx, bytes.NewReader(files["B.JPG"]), []media.Spec{media.Thumb, media.Preview})
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(files["B.JPG"])
	bRes, err := srv.Client.UploadRenditions(ctx, apiclient.RenditionsRequest{AlbumID: srv.AlbumID, SHA256: hex.EncodeToString(sum[:]),
		Filename: "B.JPG", Size: int64(len(files["B.JPG"])), Width: img.Width, Height: img.Height, Thumb: rs[0].Data, Preview: rs[1].Data})
	if err != nil {
		t.Fatal(err)
	}

	first := &countingClient{Client: srv.Client, holdUpload: true}
	runCtx, stop := context.WithCancel(ctx)
	e := ingest.NewEngine(q, first, ingest.Config{Renderer: renderer, Poll: 10 * time.Millisecond})
	done := make(chan error, 1)
	go func() { done <- e.Run(runCtx, false) }()
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		c, _ := q.Counts(ctx, srv.AlbumID)
		if c.Shown == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("renditions never recorded: %+v", c)
		}
	}
	stop() // the "crash": originals not sent
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if first.renditions != 1 {
		t.Fatalf("first run sent renditions %d times, want 1 (B's were on the server)", first.renditions)
	}
	photos, _ := srv.Client.AlbumPhotos(ctx, srv.AlbumID)
	ids := map[string]int64{}
	for _, p := range photos {
		if p.Status != "ready" || !p.OriginalPending {
			t.Fatalf("%s before its original: %s, pending %v", p.Filename, p.Status, p.OriginalPending)
		}
		ids[p.Filename] = p.ID
	}
	if len(photos) != 2 || ids["B.JPG"] != bRes.PhotoID {
		t.Fatalf("album before the originals: %+v", photos)
	}

	second := &countingClient{Client: srv.Client}
	e = ingest.NewEngine(q, second, ingest.Config{Renderer: renderer, Poll: 10 * time.Millisecond})
	drain(t, e)
	if second.renditions != 0 {
		t.Fatalf("renditions sent again %d times after the restart", second.renditions)
	}
	photos, _ = srv.Client.AlbumPhotos(ctx, srv.AlbumID)
	for _, p := range photos {
		if p.OriginalPending || p.ID != ids[p.Filename] || p.Size != int64(len(files[p.Filename])) {
			t.Errorf("%s after its original: id %d (was %d), pending %v, size %d", p.Filename, p.ID, ids[p.Filename], p.OriginalPending, p.Size)
		}
	}
	if c, _ := q.Counts(ctx, srv.AlbumID); c.Done != 2 || c.Queued != 0 {
		t.Fatalf("queue %+v", c)
	}
}
