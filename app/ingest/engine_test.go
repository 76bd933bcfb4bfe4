package ingest_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/studiodesk/studiodesk/app/ingest"
	"github.com/studiodesk/studiodesk/backend/api/apiclient"
)

// fakeServer is an album store in memory with scripted failures.
type fakeServer struct {
	mu       sync.Mutex
	photos   map[int64]map[string]int64 // album -> hash -> photo id
	uploads  map[string][]byte          // upload url -> bytes so far
	next     int64
	failNext []error           // errors for the next UploadFile calls, in order
	sends    int               // UploadFile calls
	refuse   map[string]string // filename -> refusal message
	checks   int               // CheckPhotos calls
	hold     chan struct{}     // when set, uploads wait for it to close (or their end)
}

func newFake() *fakeServer {
	return &fakeServer{photos: map[int64]map[string]int64{}, uploads: map[string][]byte{}, refuse: map[string]string{}}
}

func (f *fakeServer) CheckPhotos(_ context.Context, album int64, hashes []string) (map[string]int64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.checks++
	out := map[string]int64{}
	for _, h := range hashes {
		if id, ok := f.photos[album][h]; ok {
			out[h] = id
		}
	}
	return out, nil
}

func (f *fakeServer) UploadFile(ctx context.Context, u apiclient.UploadRequest, r io.ReaderAt, resume string, _ int,
	started func(string), progress func(int64)) (apiclient.UploadResult, error) {
	f.mu.Lock()
	f.sends++
	if len(f.failNext) > 0 {
		err := f.failNext[0]
		f.failNext = f.failNext[1:]
		f.mu.Unlock()
		return apiclient.UploadResult{}, err
	}
	if msg, ok := f.refuse[u.Filename]; ok {
		f.mu.Unlock()
		return apiclient.UploadResult{}, &apiclient.Error{Status: 415, Code: "file_type", Message: msg}
	}
	url := resume
	if url == "" {
		f.next++
		url = fmt.Sprintf("upload-%d", f.next)
	}
	hold := f.hold
	f.mu.Unlock()
	started(url)
	if hold != nil {
		select {
		case <-hold:
		case <-ctx.Done():
			return apiclient.UploadResult{}, ctx.Err()
		}
	}
	b := make([]byte, u.Size)
	if _, err := r.ReadAt(b, 0); err != nil && err != io.EOF {
		return apiclient.UploadResult{}, err
	}
	progress(u.Size)
	sum := sha256.Sum256(b)
	if hex.EncodeToString(sum[:]) != u.SHA256 {
		return apiclient.UploadResult{}, &apiclient.Error{Status: 409, Code: "checksum", Message: "内容与哈希不符"}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.photos[u.AlbumID] == nil {
		f.photos[u.AlbumID] = map[string]int64{}
	}
	if id, ok := f.photos[u.AlbumID][u.SHA256]; ok {
		return apiclient.UploadResult{PhotoID: id, Duplicate: true}, nil
	}
	f.next++
	f.photos[u.AlbumID][u.SHA256] = f.next
	return apiclient.UploadResult{PhotoID: f.next, Status: "processing"}, nil
}

func setup(t *testing.T) (*ingest.Queue, string) {
	t.Helper()
	q, err := ingest.OpenQueue(context.Background(), filepath.Join(t.TempDir(), "queue.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { q.Close() })
	return q, t.TempDir()
}

func addFile(t *testing.T, q *ingest.Queue, dir, name string, content []byte) {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, content, 0o644); err != nil {
		t.Fatal(err)
	}
	fi, _ := os.Stat(p)
	if _, err := q.Add(context.Background(), 7, p, name, fi.Size(), fi.ModTime()); err != nil {
		t.Fatal(err)
	}
}

func drain(t *testing.T, e *ingest.Engine) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := e.Run(ctx, true); err != nil {
		t.Fatal(err)
	}
	if ctx.Err() != nil {
		t.Fatal("the queue did not drain in 20 s")
	}
}

func TestUploadsEachFileOnceAndSkipsWhatTheAlbumHas(t *testing.T) {
	q, dir := setup(t)
	srv := newFake()
	known := []byte("already in the album")
	sum := sha256.Sum256(known)
	srv.photos[7] = map[string]int64{hex.EncodeToString(sum[:]): 99}
	for i := range 20 {
		addFile(t, q, dir, fmt.Sprintf("%02d.jpg", i), bytes.Repeat([]byte{byte(i)}, 1000+i))
	}
	addFile(t, q, dir, "known.jpg", known)
	added, err := q.Add(context.Background(), 7, filepath.Join(dir, "00.jpg"), "00.jpg", 1000, mustMod(t, filepath.Join(dir, "00.jpg")))
	if err != nil || added {
		t.Fatalf("queueing the same version again: added=%v %v", added, err)
	}
	var mu sync.Mutex // OnProgress runs on the engine's goroutines
	var last ingest.Progress
	e := ingest.NewEngine(q, srv, ingest.Config{MaxUploads: 4, ProgressEvery: time.Millisecond,
		OnProgress: func(p ingest.Progress) { mu.Lock(); last = p; mu.Unlock() }})
	drain(t, e)
	c, _ := q.Counts(context.Background(), 7)
	if c.Done != 21 || c.Queued != 0 || c.Failed != 0 {
		t.Fatalf("counts %+v", c)
	}
	if srv.sends != 20 || len(srv.photos[7]) != 21 {
		t.Fatalf("%d uploads, %d photos: the known file must not be sent", srv.sends, len(srv.photos[7]))
	}
	mu.Lock()
	defer mu.Unlock()
	if last.Done != 21 || last.Queued != 0 {
		t.Fatalf("final progress %+v", last)
	}
}

// TestIdleWhileUploadsRun: uploads in flight are not new work; the engine used to count
// them as such and spin, asking the server about the same files without pause.
func TestIdleWhileUploadsRun(t *testing.T) {
	q, dir := setup(t)
	srv := newFake()
	srv.hold = make(chan struct{})
	for i := range 3 {
		addFile(t, q, dir, fmt.Sprintf("%d.jpg", i), bytes.Repeat([]byte{byte(i)}, 100))
	}
	e := ingest.NewEngine(q, srv, ingest.Config{MaxUploads: 3, Poll: time.Second})
	ctx, cancel := context.WithTimeout(context.Background(), 600*time.Millisecond)
	defer cancel()
	if err := e.Run(ctx, false); err != nil {
		t.Fatal(err)
	}
	srv.mu.Lock()
	defer srv.mu.Unlock()
	if srv.sends != 3 || srv.checks > 3 {
		t.Fatalf("%d uploads, %d checks in 0.6 s with every upload in flight", srv.sends, srv.checks)
	}
}

func TestOfflineWaitsAndResumesRefusalsFailWithReason(t *testing.T) {
	q, dir := setup(t)
	srv := newFake()
	srv.failNext = []error{apiclient.ErrUnreachable, apiclient.ErrUnreachable, &apiclient.Error{Status: 503, Code: "unavailable"}}
	srv.refuse["notes.txt"] = "不支持的文件类型：仅接受照片和视频"
	addFile(t, q, dir, "a.jpg", []byte("aaaa"))
	addFile(t, q, dir, "notes.txt", []byte("text"))
	e := ingest.NewEngine(q, srv, ingest.Config{MaxUploads: 1, MinBackoff: 10 * time.Millisecond, MaxBackoff: 40 * time.Millisecond, Poll: 5 * time.Millisecond})
	drain(t, e)
	c, _ := q.Counts(context.Background(), 7)
	if c.Done != 1 || c.Failed != 1 {
		t.Fatalf("counts %+v", c)
	}
	failed, _ := q.Failed(context.Background())
	if len(failed) != 1 || failed[0].Rel != "notes.txt" || failed[0].Error != "不支持的文件类型：仅接受照片和视频" || failed[0].ErrorCode != "file_type" {
		t.Fatalf("failed %+v", failed)
	}
	// Retry puts it back; fixed on the server, it goes through.
	delete(srv.refuse, "notes.txt")
	if err := q.Retry(context.Background(), failed[0].ID); err != nil {
		t.Fatal(err)
	}
	drain(t, e)
	if c, _ := q.Counts(context.Background(), 7); c.Done != 2 || c.Failed != 0 {
		t.Fatalf("after retry %+v", c)
	}
}

func TestFilesGoneOrChangedAreCancelled(t *testing.T) {
	q, dir := setup(t)
	srv := newFake()
	addFile(t, q, dir, "gone.jpg", []byte("x"))
	addFile(t, q, dir, "changed.jpg", []byte("v1"))
	os.Remove(filepath.Join(dir, "gone.jpg"))
	os.WriteFile(filepath.Join(dir, "changed.jpg"), []byte("version two"), 0o644)
	drain(t, ingest.NewEngine(q, srv, ingest.Config{}))
	if c, _ := q.Counts(context.Background(), 7); c.Cancelled != 2 || c.Done != 0 || srv.sends != 0 {
		t.Fatalf("counts %+v, %d uploads", c, srv.sends)
	}
}

// A crash after the server took the whole file but before the queue recorded it: on restart
// the item is recognised by its hash in the album and not sent again.
func TestUploadFinishedBeforeACrashIsNotSentAgain(t *testing.T) {
	q, dir := setup(t)
	srv := newFake()
	content := []byte("photo bytes")
	addFile(t, q, dir, "p.jpg", content)
	ctx := context.Background()
	its, _ := q.Pending(ctx, ingest.Found, 10)
	sum := sha256.Sum256(content)
	h := hex.EncodeToString(sum[:])
	if err := q.SetHashed(ctx, its[0].ID, h); err != nil {
		t.Fatal(err)
	}
	if err := q.SetUploading(ctx, its[0].ID, "upload-1"); err != nil {
		t.Fatal(err)
	}
	srv.photos[7] = map[string]int64{h: 5} // the server finished it
	drain(t, ingest.NewEngine(q, srv, ingest.Config{}))
	it, _ := q.Get(ctx, its[0].ID)
	if it.State != ingest.Done || it.PhotoID != 5 || it.Duplicate || srv.sends != 0 {
		t.Fatalf("item %+v, %d uploads", it, srv.sends)
	}
}

func TestBandwidthLimit(t *testing.T) {
	q, dir := setup(t)
	srv := newFake()
	addFile(t, q, dir, "big.jpg", bytes.Repeat([]byte{1}, 300<<10))
	began := time.Now()
	drain(t, ingest.NewEngine(q, srv, ingest.Config{BytesPerSecond: 200 << 10}))
	// 300 KiB at 200 KiB/s with a 50 KiB burst: at least 1.25 s.
	if took := time.Since(began); took < time.Second {
		t.Fatalf("300 KiB sent in %s under a 200 KiB/s limit", took)
	}
}

// The settings page changes the limit of a running engine; 0 lifts it.
func TestBandwidthLimitSetLater(t *testing.T) {
	q, dir := setup(t)
	srv := newFake()
	addFile(t, q, dir, "big.jpg", bytes.Repeat([]byte{2}, 300<<10))
	e := ingest.NewEngine(q, srv, ingest.Config{})
	e.SetBandwidth(400 << 10)
	began := time.Now()
	drain(t, e)
	// 300 KiB at 400 KiB/s with a 100 KiB burst: at least half a second.
	if took := time.Since(began); took < 400*time.Millisecond {
		t.Fatalf("300 KiB sent in %s under a 400 KiB/s limit", took)
	}
	e.SetBandwidth(0)
	addFile(t, q, dir, "big2.jpg", bytes.Repeat([]byte{3}, 300<<10))
	drain(t, e)
	if c, _ := q.Counts(context.Background(), 7); c.Done != 2 {
		t.Fatalf("after lifting the limit: %+v", c)
	}
}

func TestPauseStopsAndResumes(t *testing.T) {
	q, dir := setup(t)
	srv := newFake()
	addFile(t, q, dir, "a.jpg", []byte("a"))
	e := ingest.NewEngine(q, srv, ingest.Config{Poll: 5 * time.Millisecond})
	e.SetPaused(true)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_ = e.Run(ctx, false)
	if c, _ := q.Counts(context.Background(), 7); c.Done != 0 || srv.sends != 0 {
		t.Fatalf("paused engine uploaded: %+v", c)
	}
	e.SetPaused(false)
	drain(t, e)
	if c, _ := q.Counts(context.Background(), 7); c.Done != 1 {
		t.Fatalf("resumed: %+v", c)
	}
}

func mustMod(t *testing.T, p string) time.Time {
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	return fi.ModTime()
}

var _ = errors.New
