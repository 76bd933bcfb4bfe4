package app_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/studiodesk/studiodesk/app"
	"github.com/studiodesk/studiodesk/app/apptest"
	"github.com/studiodesk/studiodesk/app/ingest"
	"github.com/studiodesk/studiodesk/backend/api"
	"github.com/studiodesk/studiodesk/backend/blob/fsblob"
	"github.com/studiodesk/studiodesk/backend/media/mediatest"
)

// uploadServer is a real server storing files in a folder, its studio topped up with credits.
func uploadServer(t *testing.T) *apptest.Server {
	t.Helper()
	bucket, err := fsblob.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	s := apptest.NewServer(t, func(c *api.Config) { c.Blobs, c.UploadDir = bucket, t.TempDir() })
	if _, err := api.TopUp(context.Background(), s.Store, s.TenantID, 100, "", "", true, time.Now()); err != nil {
		t.Fatal(err)
	}
	return s
}

// tusGate sits between the App and a real server: it counts the tus uploads created per
// file name and, until opened, holds every upload's data (PATCH) after the first few until
// its sender goes away, so a test can stop the App with uploads created but unfinished.
type tusGate struct {
	mu        sync.Mutex
	created   map[string]int
	uploads   map[string][]string // file name -> its uploads' paths, in creation order
	forwarded map[string]int      // upload path -> data requests (PATCH, or a POST with the first chunk) that reached the server
	patches   int
	pass      int  // data requests let through before the gate holds them
	opened    bool // everything passes
}

func (g *tusGate) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var path, name string
		data := false
		switch {
		case r.Method == http.MethodPost && strings.HasPrefix(r.URL.Path, "/api/v1/uploads"):
			// A creating POST may carry the first chunk (the engine names the upload itself,
			// metadata upload_id): it is data like a PATCH, held the same way.
			md := map[string]string{}
			for _, kv := range strings.Split(r.Header.Get("Upload-Metadata"), ",") {
				if k, v, ok := strings.Cut(strings.TrimSpace(kv), " "); ok {
					b, _ := base64.StdEncoding.DecodeString(v)
					md[k] = string(b)
				}
			}
			name, data = md["filename"], r.ContentLength > 0
			if id := md["upload_id"]; id != "" {
				path = "/api/v1/uploads/" + id
			}
			g.mu.Lock()
			g.created[name]++
			if path != "" {
				g.uploads[name] = append(g.uploads[name], path)
			}
			g.mu.Unlock()
		case r.Method == http.MethodPatch:
			path, data = r.URL.Path, true
		}
		if data {
			g.mu.Lock()
			g.patches++
			hold := g.patches > g.pass && !g.opened
			if !hold {
				g.forwarded[path]++
			}
			g.mu.Unlock()
			if hold {
				_, _ = io.Copy(io.Discard, r.Body) // read first: the server notices a gone client only then
				<-r.Context().Done()               // held until the App goes away mid-upload; never sent on
				return
			}
		}
		next.ServeHTTP(w, r)
		if r.Method == http.MethodPost && path == "" && name != "" {
			if loc, err := url.Parse(w.Header().Get("Location")); err == nil && loc.Path != "" {
				g.mu.Lock()
				g.uploads[name] = append(g.uploads[name], loc.Path)
				g.mu.Unlock()
			}
		}
	})
}

// TestUploadPathsSurvivesARestart stops the App while UploadPaths runs (some files done,
// some uploads created but unfinished, the rest queued) and starts a new App on the same
// folder: the queue carries on, every file reaches the album once with its hash, and no
// file's upload is created twice (the unfinished ones resume).
func TestUploadPathsSurvivesARestart(t *testing.T) {
	t.Parallel()
	s := uploadServer(t)
	target, _ := url.Parse(s.URL)
	gate := &tusGate{created: map[string]int{}, uploads: map[string][]string{}, forwarded: map[string]int{}, pass: 3}
	proxy := httptest.NewServer(gate.wrap(httputil.NewSingleHostReverseProxy(target)))
	t.Cleanup(proxy.Close)

	shoot := t.TempDir()
	const n = 10
	want := map[string]string{} // file name -> sha256
	for i := range n {
		b := mediatest.JPEG(mediatest.Upright(120+i, 80), 0)
		name := fmt.Sprintf("IMG_%04d.JPG", i)
		if err := os.WriteFile(filepath.Join(shoot, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(b)
		want[name] = hex.EncodeToString(sum[:])
	}

	dir := t.TempDir() // the App's local state, shared by both runs
	open := func(ctx context.Context, em app.Emitter) *app.App {
		a, err := app.New(ctx, app.Config{Dir: dir, ServerURL: proxy.URL, Emitter: em, Version: "test",
			Timeout: 10 * time.Second, Logger: slog.New(slog.DiscardHandler)})
		if err != nil {
			t.Fatal(err)
		}
		return a
	}

	// First run: three files go through, then the gate holds the next uploads' data.
	ctx1, stop1 := context.WithCancel(context.Background())
	progress := &progressLog{}
	a1 := open(ctx1, progress)
	if _, err := a1.Login(app.LoginRequest{ServerURL: proxy.URL, Phone: s.AdminPhone, Password: s.AdminPassword}); err != nil {
		t.Fatal(err)
	}
	al := newAlbum(t, a1)
	errc := make(chan error, 1)
	go func() {
		_, err := a1.UploadPaths(al.ID, []string{shoot})
		errc <- err
	}()
	deadline := time.Now().Add(20 * time.Second)
	for {
		progress.mu.Lock()
		done, shown := progress.last.FilesDone, progress.shown
		progress.mu.Unlock()
		gate.mu.Lock()
		held := gate.patches > gate.pass
		gate.mu.Unlock()
		// Renditions go first and are not held: photos whose originals wait show already.
		if done >= 3 && held && shown >= 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("first run stuck: %d done", done)
		}
		time.Sleep(20 * time.Millisecond)
	}
	stop1() // StudioDesk closes (the window, or the process dies: the queue is on disk either way)
	if err := <-errc; appError(t, err).Code != "internal" {
		t.Fatalf("UploadPaths on close: %v", err)
	}
	app.Stop(a1)

	// Second run: the queue carries on by itself; uploading the same folder again reports on it.
	gate.mu.Lock()
	gate.opened = true
	gate.mu.Unlock()
	ctx2, stop2 := context.WithCancel(context.Background())
	t.Cleanup(stop2)
	a2 := open(ctx2, nil)
	t.Cleanup(func() { app.Stop(a2) })
	rep, err := a2.UploadPaths(al.ID, []string{shoot})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Uploaded+rep.Duplicates != n || len(rep.Failed) != 0 || rep.Duplicates < 3 {
		t.Fatalf("report after restart %+v", rep)
	}
	photos, err := a2.AlbumPhotos(al.ID)
	if err != nil || len(photos) != n {
		t.Fatalf("photos %d %v", len(photos), err)
	}
	for _, p := range photos {
		if want[p.Filename] != p.Hash {
			t.Fatalf("photo %s hash %s, want %s", p.Filename, p.Hash, want[p.Filename])
		}
		delete(want, p.Filename)
	}
	gate.mu.Lock()
	defer gate.mu.Unlock()
	// No byte that reached the server is sent again in another upload: an upload the server
	// got data for is resumed (from the bytes it holds, or, when it already became a photo,
	// by learning which). The only upload a file may be created again for is one whose
	// creation was in flight when the first App stopped (its address never reached the
	// App), and no data was sent to that one.
	for name, paths := range gate.uploads {
		if len(paths) > 2 {
			t.Fatalf("%s: %d uploads created, want at most 2 (%v)", name, len(paths), gate.uploads)
		}
		for _, abandoned := range paths[:len(paths)-1] {
			if gate.forwarded[abandoned] > 0 {
				t.Fatalf("%s: started over although upload %s had received data (%v, %v)", name, abandoned, gate.uploads, gate.forwarded)
			}
		}
	}
	if len(gate.created) != n || len(want) != 0 {
		t.Fatalf("created %v, missing %v", gate.created, want)
	}
}

// TestRetryUploads sends failed files again; unknown albums and items are refused.
func TestRetryUploads(t *testing.T) {
	t.Parallel()
	s := uploadServer(t)
	a, _ := apptest.NewApp(t, s.URL, nil)
	login(t, a, s)
	al := newAlbum(t, a)
	dir := t.TempDir()
	note := filepath.Join(dir, "说明.txt")
	if err := os.WriteFile(note, []byte("not a photo"), 0o644); err != nil {
		t.Fatal(err)
	}
	rep, err := a.UploadPaths(al.ID, []string{note})
	if err != nil || len(rep.Failed) != 1 || rep.Failed[0].Error.Code != "file_type_unsupported" || rep.Failed[0].Error.Message == "" {
		t.Fatalf("first %+v %v", rep, err)
	}
	id := rep.Failed[0].ID
	// Retrying does not change what the server thinks of a text file: the reason comes back.
	again, err := a.RetryUploads(al.ID, []int64{id})
	if err != nil || len(again.Failed) != 1 || again.Failed[0].ID != id || again.Failed[0].Error.Code != "file_type_unsupported" {
		t.Fatalf("retry %+v %v", again, err)
	}
	_, err = a.RetryUploads(al.ID+1, []int64{id})
	if e := appError(t, err); e.Code != "not_found" {
		t.Fatalf("unknown album %+v", e)
	}
	_, err = a.RetryUploads(al.ID, []int64{id, 999999})
	if e := appError(t, err); e.Code != "invalid_value" || e.Field != "ids" {
		t.Fatalf("unknown item %+v", e)
	}
	// A file that went away before it was sent is reported, localized, with the fix.
	gone := filepath.Join(dir, "IMG_9.JPG")
	if err := os.WriteFile(gone, mediatest.JPEG(mediatest.Upright(50, 40), 0), 0o644); err != nil {
		t.Fatal(err)
	}
	ok, err := a.UploadPaths(al.ID, []string{gone})
	if err != nil || ok.Uploaded != 1 {
		t.Fatalf("upload %+v %v", ok, err)
	}
	if err := os.Remove(gone); err != nil {
		t.Fatal(err)
	}
	goneRep, err := a.RetryUploads(al.ID, []int64{id + 1})
	if err != nil || len(goneRep.Failed) != 1 || goneRep.Failed[0].Error.Code != "file_changed" ||
		!strings.Contains(goneRep.Failed[0].Error.Message, "IMG_9.JPG") {
		t.Fatalf("gone %+v %v", goneRep, err)
	}
}

// TestWindowWaitsForACommandSendingTheQueue: while `studiodesk upload` sends the queue (it
// holds the sender lock), the window sends nothing and says why; then it takes over.
func TestWindowWaitsForACommandSendingTheQueue(t *testing.T) {
	t.Parallel()
	s := uploadServer(t)
	dir := t.TempDir()
	q, err := ingest.OpenQueue(context.Background(), filepath.Join(dir, "uploads.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	release, err := q.LockSender() // the command line's engine
	if err != nil {
		t.Fatal(err)
	}
	rec := &apptest.Recorder{}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	a, err := app.New(ctx, app.Config{Dir: dir, ServerURL: s.URL, Emitter: rec, Version: "test",
		Timeout: 10 * time.Second, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer app.Stop(a)
	login(t, a, s)
	al := newAlbum(t, a)
	photo := filepath.Join(t.TempDir(), "IMG_0001.JPG")
	if err := os.WriteFile(photo, mediatest.JPEG(mediatest.Upright(120, 80), 0), 0o644); err != nil {
		t.Fatal(err)
	}
	type result struct {
		rep app.UploadReport
		err error
	}
	done := make(chan result, 1)
	go func() {
		rep, err := a.UploadPaths(al.ID, []string{photo})
		done <- result{rep, err}
	}()
	waited := false
	for deadline := time.Now().Add(20 * time.Second); !waited && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		for _, ev := range rec.Events() {
			if p, ok := ev.Data[0].(app.UploadProgress); ok && ev.Name == app.EventUploadProgress && p.Elsewhere && p.FilesDone == 0 {
				waited = true
			}
		}
	}
	if !waited {
		t.Fatalf("the window never said another process sends the queue: %+v", rec.Events())
	}
	if c, err := q.Counts(context.Background(), 0); err != nil || c.Done != 0 {
		t.Fatalf("the window sent while the command held the queue: %+v %v", c, err)
	}
	release()
	select {
	case r := <-done:
		if r.err != nil || r.rep.Uploaded != 1 {
			t.Fatalf("after the command let go: %+v %v", r.rep, r.err)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("the window did not take over the queue")
	}
}
