package watch_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/studiodesk/studiodesk/app/watch"
)

// fast keeps the tests quick; the real defaults are ten times longer.
func fast(root string) watch.Config {
	return watch.Config{Root: root, Quiet: 30 * time.Millisecond, Stable: 150 * time.Millisecond,
		IncompleteAfter: 600 * time.Millisecond, MaxQuiet: 300 * time.Millisecond, RescanEvery: 200 * time.Millisecond}
}

// run starts a watcher on src and collects what it reports.
type run struct {
	w      *watch.Watcher
	mu     sync.Mutex
	files  []watch.File
	cancel context.CancelFunc
	done   chan error
}

func start(t *testing.T, cfg watch.Config, src watch.Source) *run {
	t.Helper()
	w, err := watch.New(cfg, src)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &run{w: w, cancel: cancel, done: make(chan error, 1)}
	go func() { r.done <- w.Run(ctx) }()
	go func() {
		for f := range w.Files() {
			r.mu.Lock()
			r.files = append(r.files, f)
			r.mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-r.done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	return r
}

func realSource(t *testing.T) watch.Source {
	t.Helper()
	src, err := watch.FSNotify()
	if err != nil {
		t.Fatal(err)
	}
	return src
}

func (r *run) got() []watch.File {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]watch.File(nil), r.files...)
}

// waitFor polls until ok holds on what was reported, or fails after a generous bound.
func (r *run) waitFor(t *testing.T, what string, ok func([]watch.File) bool) []watch.File {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		fs := r.got()
		if ok(fs) {
			return fs
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not reached; got %d reports: %v", what, len(fs), summary(fs))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// settle waits long enough for anything still pending to have been reported.
func settle(cfg watch.Config) { time.Sleep(cfg.IncompleteAfter + 2*cfg.Stable + cfg.MaxQuiet) }

func summary(fs []watch.File) []string {
	var out []string
	for _, f := range fs {
		k := "ready"
		if f.Kind == watch.Removed {
			k = "removed"
		}
		out = append(out, fmt.Sprintf("%s %s %d", k, f.Rel, f.Size))
		if len(out) > 20 {
			out = append(out, "…")
			break
		}
	}
	return out
}

func ready(fs []watch.File) map[string]int {
	m := map[string]int{}
	for _, f := range fs {
		if f.Kind == watch.Ready {
			m[f.Rel]++
		}
	}
	return m
}

// jpeg is a small byte string shaped like a JPEG: SOI, filler, EOI.
func jpeg(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + 1)
	}
	b[0], b[1], b[n-2], b[n-1] = 0xFF, 0xD8, 0xFF, 0xD9
	return b
}

func write(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// A camera JPEG written slowly in chunks is handed on once, whole, never half-written.
func TestSlowWriteIsNeverHandedOnHalfWritten(t *testing.T) {
	root := t.TempDir()
	cfg := fast(root)
	r := start(t, cfg, realSource(t))
	data := jpeg(64 << 10)
	f, err := os.Create(filepath.Join(root, "IMG_0001.JPG"))
	if err != nil {
		t.Fatal(err)
	}
	// Chunks with pauses longer than Quiet but shorter than Stable; the tail (with the
	// end marker) comes last.
	for off := 0; off < len(data); off += 8 << 10 {
		if _, err := f.Write(data[off:min(off+8<<10, len(data))]); err != nil {
			t.Fatal(err)
		}
		time.Sleep(60 * time.Millisecond)
	}
	f.Close()
	fs := r.waitFor(t, "the finished file", func(fs []watch.File) bool { return len(fs) > 0 })
	settle(cfg)
	fs = r.got()
	if len(fs) != 1 || fs[0].Kind != watch.Ready || fs[0].Size != int64(len(data)) {
		t.Fatalf("reports %v, want one of the whole file", summary(fs))
	}
}

// A JPEG that never gets its end marker is held while it grows, and handed on once it has
// stayed unchanged for IncompleteAfter (cameras that append data after the marker).
func TestJPEGWithoutEndMarkerWaitsLonger(t *testing.T) {
	root := t.TempDir()
	cfg := fast(root)
	r := start(t, cfg, realSource(t))
	data := jpeg(4096)
	data[len(data)-1] = 0x00
	data[len(data)-2] = 0x11
	began := time.Now()
	write(t, filepath.Join(root, "odd.jpg"), data)
	r.waitFor(t, "the odd JPEG", func(fs []watch.File) bool { return ready(fs)["odd.jpg"] == 1 })
	if waited := time.Since(began); waited < cfg.IncompleteAfter {
		t.Fatalf("handed on after %s, before IncompleteAfter (%s)", waited, cfg.IncompleteAfter)
	}
}

// 10,000 files created in a burst across folders are all found, each once.
func TestBurstOfTenThousandFiles(t *testing.T) {
	root := t.TempDir()
	cfg := fast(root)
	r := start(t, cfg, realSource(t))
	const n = 10000
	for i := range n {
		write(t, filepath.Join(root, fmt.Sprintf("卡%02d", i%20), fmt.Sprintf("DSC%05d.ARW", i)), []byte{byte(i), 1, 2, 3})
	}
	fs := r.waitFor(t, "10,000 files", func(fs []watch.File) bool { return len(ready(fs)) == n })
	settle(cfg)
	fs = r.got()
	for rel, c := range ready(fs) {
		if c != 1 {
			t.Fatalf("%s handed on %d times", rel, c)
		}
	}
	if len(fs) != n {
		t.Fatalf("%d reports for %d files", len(fs), n)
	}
}

// Files and folders moved in (with files already inside), renamed and deleted.
func TestMovesRenamesAndDeletes(t *testing.T) {
	root, outside := t.TempDir(), t.TempDir()
	cfg := fast(root)
	r := start(t, cfg, realSource(t))

	// A file moved in from elsewhere.
	write(t, filepath.Join(outside, "a.jpg"), jpeg(1000))
	if err := os.Rename(filepath.Join(outside, "a.jpg"), filepath.Join(root, "a.jpg")); err != nil {
		t.Fatal(err)
	}
	// A folder with files already inside moved in: its files were never under a watch.
	write(t, filepath.Join(outside, "精修", "p1.jpg"), jpeg(1100))
	write(t, filepath.Join(outside, "精修", "深", "p2.jpg"), jpeg(1200))
	if err := os.Rename(filepath.Join(outside, "精修"), filepath.Join(root, "精修")); err != nil {
		t.Fatal(err)
	}
	r.waitFor(t, "moved-in files", func(fs []watch.File) bool {
		m := ready(fs)
		return m["a.jpg"] == 1 && m[filepath.Join("精修", "p1.jpg")] == 1 && m[filepath.Join("精修", "深", "p2.jpg")] == 1
	})
	// A rename inside: the old name is removed, the new one handed on.
	if err := os.Rename(filepath.Join(root, "a.jpg"), filepath.Join(root, "b.jpg")); err != nil {
		t.Fatal(err)
	}
	r.waitFor(t, "the rename", func(fs []watch.File) bool {
		removedA := false
		for _, f := range fs {
			removedA = removedA || (f.Kind == watch.Removed && f.Rel == "a.jpg")
		}
		return removedA && ready(fs)["b.jpg"] == 1
	})
	// A file deleted before it is complete is never handed on.
	partial := jpeg(5000)
	write(t, filepath.Join(root, "gone.jpg"), partial[:2000]) // no end marker yet
	time.Sleep(cfg.Quiet * 2)
	if err := os.Remove(filepath.Join(root, "gone.jpg")); err != nil {
		t.Fatal(err)
	}
	// Temporary and hidden files are ignored.
	for _, name := range []string{"x.jpg.part", ".hidden.jpg", "._a.jpg", "Thumbs.db", "~lock.jpg", "save.tmp"} {
		write(t, filepath.Join(root, name), jpeg(100))
	}
	settle(cfg)
	for _, f := range r.got() {
		if f.Rel == "gone.jpg" || watch.Ignored(filepath.Base(f.Rel)) {
			t.Errorf("reported %s %s", f.Rel, summary([]watch.File{f}))
		}
	}
}

// Files that arrived while the app was closed are found at start; ignored ones are not.
func TestReconcilesAtStart(t *testing.T) {
	root := t.TempDir()
	write(t, filepath.Join(root, "底片", "1.jpg"), jpeg(500))
	write(t, filepath.Join(root, "视频", "clip.mp4"), []byte("mp4 bytes"))
	write(t, filepath.Join(root, "底片", "2.jpg.crdownload"), jpeg(500))
	write(t, filepath.Join(root, ".git", "HEAD"), []byte("ref"))
	cfg := fast(root)
	r := start(t, cfg, realSource(t))
	r.waitFor(t, "existing files", func(fs []watch.File) bool { return len(ready(fs)) == 2 })
	settle(cfg)
	got := ready(r.got())
	want := []string{filepath.Join("底片", "1.jpg"), filepath.Join("视频", "clip.mp4")}
	var names []string
	for k := range got {
		names = append(names, k)
	}
	sort.Strings(names)
	if fmt.Sprint(names) != fmt.Sprint(want) {
		t.Fatalf("found %v, want %v", names, want)
	}
}

// fakeSource is scripted: the test decides which events arrive and which watches fail.
type fakeSource struct {
	mu     sync.Mutex
	events chan watch.Event
	refuse map[string]bool
	added  []string
}

func newFake() *fakeSource {
	return &fakeSource{events: make(chan watch.Event, 100), refuse: map[string]bool{}}
}

func (f *fakeSource) Add(dir string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.refuse[filepath.Base(dir)] {
		return errors.New("no space left on device (inotify watch limit)")
	}
	f.added = append(f.added, dir)
	return nil
}
func (f *fakeSource) Remove(string) error        { return nil }
func (f *fakeSource) Events() <-chan watch.Event { return f.events }
func (f *fakeSource) Close() error               { return nil }

// Lost events (an overflowed queue) make the watcher rescan: files whose events never
// arrived are found, and nothing already handed on is handed on again.
func TestOverflowRescans(t *testing.T) {
	root := t.TempDir()
	write(t, filepath.Join(root, "before.jpg"), jpeg(300))
	src := newFake()
	cfg := fast(root)
	r := start(t, cfg, src)
	r.waitFor(t, "the existing file", func(fs []watch.File) bool { return ready(fs)["before.jpg"] == 1 })
	for i := range 50 {
		write(t, filepath.Join(root, "new", fmt.Sprintf("%d.jpg", i)), jpeg(300+i)) // no events sent
	}
	src.events <- watch.Event{Op: watch.OpOverflow}
	r.waitFor(t, "the rescan", func(fs []watch.File) bool { return len(ready(fs)) == 51 })
	settle(cfg)
	if fs := r.got(); len(fs) != 51 {
		t.Fatalf("%d reports after the rescan, want 51", len(fs))
	}
	if s := r.w.Stats(); s.Rescans < 1 {
		t.Fatalf("stats %+v: no rescan counted", s)
	}
}

// A folder the OS refuses to watch (its watch limit) is still covered by periodic rescans.
func TestRefusedWatchIsRescanned(t *testing.T) {
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "满了"), 0o755); err != nil {
		t.Fatal(err)
	}
	src := newFake()
	src.refuse["满了"] = true
	cfg := fast(root)
	r := start(t, cfg, src)
	time.Sleep(cfg.Quiet)
	write(t, filepath.Join(root, "满了", "late.jpg"), jpeg(400)) // no event: the folder has no watch
	r.waitFor(t, "the file in the unwatched folder", func(fs []watch.File) bool {
		return ready(fs)[filepath.Join("满了", "late.jpg")] == 1
	})
	select {
	case err := <-r.w.Errors():
		if err == nil {
			t.Fatal("no error reported for the refused watch")
		}
	default:
		t.Fatal("the refused watch was not reported")
	}
}

func TestIgnored(t *testing.T) {
	for name, want := range map[string]bool{
		"IMG_0001.JPG": false, "婚纱-001.jpg": false, "clip.MP4": false, "a.tmp": true, "a.JPG.part": true,
		".DS_Store": true, "._IMG.JPG": true, "Thumbs.db": true, "desktop.ini": true, "~$doc.jpg": true,
		"photo.jpg~": true, "x.crdownload": true, "x.partial": true,
	} {
		if got := watch.Ignored(name); got != want {
			t.Errorf("Ignored(%q) = %v, want %v", name, got, want)
		}
	}
}

// A JPEG that ends with its end marker goes after StableComplete, without waiting Stable
// (the live album's second); a JPEG without the marker and a file of another type written
// just before it still wait for Stable.
func TestCompleteJPEGGoesFirst(t *testing.T) {
	root := t.TempDir()
	cfg := fast(root)
	cfg.Stable, cfg.IncompleteAfter, cfg.StableComplete = time.Hour, time.Hour, 30*time.Millisecond
	r := start(t, cfg, realSource(t))
	cut := jpeg(4096)
	write(t, filepath.Join(root, "cut.jpg"), cut[:len(cut)-100])
	write(t, filepath.Join(root, "clip.mp4"), []byte("not a jpeg, no marker to trust"))
	write(t, filepath.Join(root, "whole.jpg"), jpeg(4096))
	fs := r.waitFor(t, "the whole JPEG", func(fs []watch.File) bool { return ready(fs)["whole.jpg"] == 1 })
	if got := ready(fs); got["cut.jpg"] != 0 || got["clip.mp4"] != 0 {
		t.Fatalf("handed on before Stable: %v", summary(fs))
	}
}
