// Package watch finds the photos and videos that land in a watched folder and hands each
// one on exactly when it is complete: photographers copy whole shoots (thousands of files
// at once) from cards, tethering software writes files in chunks, and editors save over
// files with temporary names first.
//
// How it works:
//   - Every directory under the root is watched (fsnotify is not recursive on any OS), and
//     every new directory is watched and scanned as soon as it appears, so files created
//     inside it before its watch existed are found too.
//   - Events only mark paths dirty. After a quiet period (no events for Quiet) the dirty
//     set is examined once, so a burst of thousands of events costs one stat per path.
//     An overflowed event queue or a refused watch (the OS's limit) triggers a full rescan:
//     nothing is missed, only found later.
//   - A file is handed on when it is complete: its size and modification time have not
//     changed for Stable, and a JPEG ends with its end-of-image marker (a JPEG without one,
//     or an empty file, is handed on only after it stays unchanged for IncompleteAfter: some
//     cameras append data after the marker, and copiers create a file before its bytes).
//     A JPEG that ends with its marker is handed on sooner, after StableComplete (a frame
//     saved by tethering software reaches a live album within a second). The stability
//     clock starts at the path's last event, not when the quiet period ended.
//   - Temporary, hidden and system files are ignored (Ignored).
//   - Start reconciles: every file already under the root is examined like a new one, so
//     what changed while the app was closed is found; the consumer (the upload queue)
//     skips what it already has by path, size, time and content hash.
//
// The watcher emits each version of a file (path, size, modification time) once, and a
// Removed event when a file it emitted disappears, so a queued upload can be cancelled.
package watch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// Kind tells what happened to a file.
type Kind int

const (
	Ready   Kind = iota // a complete file (new or changed)
	Removed             // a file emitted before is gone (deleted or moved away)
)

// File is a file the watcher reports.
type File struct {
	Kind    Kind
	Path    string // absolute
	Rel     string // relative to the root, with the OS's separator
	Size    int64
	ModTime time.Time
}

// Op is what a Source reports about a path.
type Op int

const (
	OpChange   Op = iota // created, written, renamed into, attributes: look at it again
	OpRemove             // removed or renamed away
	OpOverflow           // the source lost events: rescan everything
)

// Event is one notification from a Source.
type Event struct {
	Op   Op
	Path string
}

// Source delivers file-system events for the directories it was told to watch.
type Source interface {
	Add(dir string) error
	Remove(dir string) error
	Events() <-chan Event
	Close() error
}

// Config tunes a Watcher. Zero durations take the defaults.
type Config struct {
	Root string
	// Quiet is how long the events must pause before dirty paths are examined (500 ms).
	Quiet time.Duration
	// Stable is how long a file's size and time must stay the same (1 s).
	Stable time.Duration
	// StableComplete is that time for a JPEG that already ends with its end-of-image marker
	// (300 ms; at most Stable): the marker is written last, so such a file is most likely
	// whole, and a live album should not wait a second longer for it.
	StableComplete time.Duration
	// IncompleteAfter is how long a JPEG without its end marker must stay unchanged before
	// it is handed on anyway (10 s).
	IncompleteAfter time.Duration
	// MaxQuiet bounds how long a never-ending stream of events can delay examining (5 s).
	MaxQuiet time.Duration
	// RescanEvery is how often the whole tree is rescanned while some folder could not be
	// watched (30 s).
	RescanEvery time.Duration
}

func (c Config) withDefaults() Config {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&c.Quiet, 500*time.Millisecond)
	def(&c.Stable, time.Second)
	def(&c.StableComplete, 300*time.Millisecond)
	c.StableComplete = min(c.StableComplete, c.Stable)
	def(&c.IncompleteAfter, 10*time.Second)
	def(&c.MaxQuiet, 5*time.Second)
	def(&c.RescanEvery, 30*time.Second)
	return c
}

// Watcher reports complete files under a root.
type Watcher struct {
	cfg   Config
	src   Source
	out   chan File
	errs  chan error
	mu    sync.Mutex
	stats Stats

	watched map[string]bool       // directories with a watch
	dirty   map[string]bool       // paths to examine after the quiet period
	pending map[string]*candidate // files waiting to be stable
	touched map[string]time.Time  // dirty paths: when their last event came
	// lastEvent: touched of the paths being examined now (nil between passes).
	lastEvent map[string]time.Time
	emitted   map[string]version // what was handed on, per path
	rescan    bool
	// unwatched: a folder's watch was refused, so the tree is rescanned every RescanEvery.
	unwatched bool
}

type version struct {
	size int64
	mod  time.Time
}

type candidate struct {
	version
	since time.Time // when this version was first seen
}

// Stats counts the watcher's work (for the UI and tests).
type Stats struct {
	Watched  int // directories watched
	Rescans  int // full rescans after overflow or refused watches
	Ready    int // files handed on
	Ignored  int // files skipped by name
	Pending  int // files waiting to be complete
	Removed  int // Removed events
	Examined int // paths examined
}

// New makes a watcher of cfg.Root on src. Run starts it.
func New(cfg Config, src Source) (*Watcher, error) {
	cfg = cfg.withDefaults()
	root, err := filepath.Abs(cfg.Root)
	if err != nil {
		return nil, fmt.Errorf("watch %q: %w", cfg.Root, err)
	}
	fi, err := os.Stat(root)
	if err != nil {
		return nil, fmt.Errorf("watch %q: %w", cfg.Root, err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("watch %q: not a folder", cfg.Root)
	}
	cfg.Root = root
	return &Watcher{cfg: cfg, src: src, out: make(chan File, 256), errs: make(chan error, 16),
		watched: map[string]bool{}, dirty: map[string]bool{}, pending: map[string]*candidate{}, emitted: map[string]version{},
		touched: map[string]time.Time{}}, nil
}

// Files delivers complete files and removals. It is closed when Run returns.
func (w *Watcher) Files() <-chan File { return w.out }

// Errors delivers problems that did not stop the watcher (a folder that cannot be read).
func (w *Watcher) Errors() <-chan error { return w.errs }

// Stats returns the counters so far.
func (w *Watcher) Stats() Stats {
	w.mu.Lock()
	defer w.mu.Unlock()
	s := w.stats
	s.Watched, s.Pending = len(w.watched), len(w.pending)
	return s
}

// Run watches until ctx ends or the source fails; it closes Files when it returns.
func (w *Watcher) Run(ctx context.Context) error {
	defer close(w.out)
	defer w.src.Close()
	if err := w.scan(ctx, w.cfg.Root); err != nil { // watches + reconciliation
		return err
	}
	tick := time.NewTicker(w.cfg.StableComplete / 4)
	defer tick.Stop()
	rescan := time.NewTicker(w.cfg.RescanEvery)
	defer rescan.Stop()
	var quiet <-chan time.Time
	var firstDirty time.Time
	for {
		select {
		case <-ctx.Done():
			return nil
		case ev, ok := <-w.src.Events():
			if !ok {
				return errors.New("watch: the file-system event source stopped")
			}
			w.note(ev)
			now := time.Now()
			if firstDirty.IsZero() {
				firstDirty = now
			}
			// Wait for a pause, but never longer than MaxQuiet after the first event.
			wait := min(w.cfg.Quiet, max(0, w.cfg.MaxQuiet-now.Sub(firstDirty)))
			quiet = time.After(wait)
		case <-quiet:
			quiet, firstDirty = nil, time.Time{}
			if err := w.examineDirty(ctx); err != nil {
				return err
			}
		case now := <-tick.C:
			if err := w.checkPending(ctx, now); err != nil {
				return err
			}
		case <-rescan.C:
			w.mu.Lock()
			again := w.unwatched
			w.unwatched = false // set again by addWatch if a watch is still refused
			w.mu.Unlock()
			if again {
				w.mu.Lock()
				w.stats.Rescans++
				w.mu.Unlock()
				if err := w.scan(ctx, w.cfg.Root); err != nil {
					return err
				}
			}
		}
	}
}

func (w *Watcher) note(ev Event) {
	w.mu.Lock()
	defer w.mu.Unlock()
	switch ev.Op {
	case OpOverflow:
		w.rescan = true
	default:
		w.dirty[ev.Path] = true
		w.touched[ev.Path] = time.Now()
	}
}

// examineDirty looks at every path marked since the last pause (or everything, after an
// overflow).
func (w *Watcher) examineDirty(ctx context.Context) error {
	w.mu.Lock()
	dirty, rescan := w.dirty, w.rescan
	w.dirty, w.rescan = map[string]bool{}, false
	// The event times of this pass's paths, read by consider; paths that are not files
	// (folders, ignored names, gone) simply leave theirs unused.
	w.lastEvent, w.touched = w.touched, map[string]time.Time{}
	w.mu.Unlock()
	defer func() { w.mu.Lock(); w.lastEvent = nil; w.mu.Unlock() }()
	if rescan {
		w.mu.Lock()
		w.stats.Rescans++
		w.mu.Unlock()
		return w.scan(ctx, w.cfg.Root)
	}
	for p := range dirty {
		if err := ctx.Err(); err != nil {
			return nil
		}
		if err := w.examine(ctx, p); err != nil {
			return err
		}
	}
	return nil
}

// examine looks at one path: a directory is watched and scanned, a file becomes a
// candidate, a missing path is forgotten (and reported if it was handed on).
func (w *Watcher) examine(ctx context.Context, p string) error {
	w.mu.Lock()
	w.stats.Examined++
	w.mu.Unlock()
	fi, err := os.Lstat(p)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		w.gone(ctx, p)
		return nil
	case err != nil:
		w.report(fmt.Errorf("watch: %s: %w", p, err))
		return nil
	case fi.IsDir():
		return w.scan(ctx, p)
	case !fi.Mode().IsRegular():
		return nil // symlinks, devices: not photos
	}
	w.consider(p, fi)
	return nil
}

// scan watches dir and every directory below it and considers every file in them.
func (w *Watcher) scan(ctx context.Context, dir string) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if ctx.Err() != nil {
			return filepath.SkipAll
		}
		if err != nil {
			if p == w.cfg.Root {
				return fmt.Errorf("watch %q: %w", p, err)
			}
			w.report(fmt.Errorf("watch: %s: %w", p, err))
			return nil
		}
		if d.IsDir() {
			if p != w.cfg.Root && Ignored(d.Name()) {
				return filepath.SkipDir // .git, system folders
			}
			w.addWatch(p)
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		fi, err := d.Info()
		if err != nil {
			return nil // gone meanwhile
		}
		w.consider(p, fi)
		return nil
	})
}

func (w *Watcher) addWatch(dir string) {
	w.mu.Lock()
	known := w.watched[dir]
	w.mu.Unlock()
	if known {
		return
	}
	if err := w.src.Add(dir); err != nil {
		// Usually the OS's watch limit (inotify max_user_watches): the folder's files are
		// still found by periodic rescans, only later.
		w.report(fmt.Errorf("watch: cannot watch %s (%w); it is rescanned instead", dir, err))
		w.mu.Lock()
		w.unwatched = true
		w.mu.Unlock()
		return
	}
	w.mu.Lock()
	w.watched[dir] = true
	w.mu.Unlock()
}

// consider makes a file a candidate unless it is ignored or this version was handed on.
func (w *Watcher) consider(p string, fi fs.FileInfo) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if Ignored(fi.Name()) {
		w.stats.Ignored++
		return
	}
	since, ok := w.lastEvent[p]
	if !ok {
		since = time.Now() // found by a scan: no event tells when it was last written
	}
	v := version{size: fi.Size(), mod: fi.ModTime()}
	if e, ok := w.emitted[p]; ok && e == v {
		return
	}
	if c, ok := w.pending[p]; ok && c.version == v {
		return // already waiting; the stability clock keeps running
	}
	w.pending[p] = &candidate{version: v, since: since}
}

// checkPending hands on the candidates that are complete.
func (w *Watcher) checkPending(ctx context.Context, now time.Time) error {
	w.mu.Lock()
	paths := make([]string, 0, len(w.pending))
	for p, c := range w.pending {
		if now.Sub(c.since) >= w.cfg.StableComplete {
			paths = append(paths, p)
		}
	}
	w.mu.Unlock()
	for _, p := range paths {
		fi, err := os.Stat(p)
		w.mu.Lock()
		c := w.pending[p]
		w.mu.Unlock()
		if c == nil {
			continue
		}
		switch {
		case errors.Is(err, fs.ErrNotExist):
			w.mu.Lock()
			delete(w.pending, p)
			w.mu.Unlock()
			w.gone(ctx, p)
			continue
		case err != nil:
			continue // try again at the next tick
		}
		v := version{size: fi.Size(), mod: fi.ModTime()}
		if v != c.version {
			w.mu.Lock()
			c.version, c.since = v, now // still being written: start the clock again
			w.mu.Unlock()
			continue
		}
		// An empty file is one being created (the bytes follow): it gets the longer wait too.
		done := v.size > 0 && complete(p, v.size)
		if !done && now.Sub(c.since) < w.cfg.IncompleteAfter {
			continue
		}
		if now.Sub(c.since) < w.cfg.Stable && !(done && isJPEG(p)) {
			continue // only a JPEG with its end marker goes before Stable
		}
		rel, err := filepath.Rel(w.cfg.Root, p)
		if err != nil {
			rel = filepath.Base(p)
		}
		select {
		case w.out <- File{Kind: Ready, Path: p, Rel: rel, Size: v.size, ModTime: v.mod}:
		case <-ctx.Done():
			return nil
		}
		w.mu.Lock()
		delete(w.pending, p)
		w.emitted[p] = v
		w.stats.Ready++
		w.mu.Unlock()
	}
	return nil
}

// gone forgets a path (and everything under it, for a directory) and reports the files
// that were handed on.
func (w *Watcher) gone(ctx context.Context, p string) {
	w.mu.Lock()
	var removed []File
	prefix := p + string(filepath.Separator)
	for q, v := range w.emitted {
		if q == p || strings.HasPrefix(q, prefix) {
			rel, _ := filepath.Rel(w.cfg.Root, q)
			removed = append(removed, File{Kind: Removed, Path: q, Rel: rel, Size: v.size, ModTime: v.mod})
			delete(w.emitted, q)
		}
	}
	for q := range w.pending {
		if q == p || strings.HasPrefix(q, prefix) {
			delete(w.pending, q)
		}
	}
	for d := range w.watched {
		if d == p || strings.HasPrefix(d, prefix) {
			delete(w.watched, d)
			_ = w.src.Remove(d) // the OS dropped it already when the folder went away
		}
	}
	w.stats.Removed += len(removed)
	w.mu.Unlock()
	for _, f := range removed {
		select {
		case w.out <- f:
		case <-ctx.Done():
			return
		}
	}
}

func (w *Watcher) report(err error) {
	select {
	case w.errs <- err:
	default: // nobody is reading: drop rather than block the watcher
	}
}

// Ignored reports whether a file or folder name is never a photo to upload: hidden files
// (".x", macOS "._x" resource forks), editors' and browsers' temporary and partial files
// ("~x", "x~", ".tmp", ".part", ".crdownload", ".download", ".partial"), and system files
// (Thumbs.db, desktop.ini, .DS_Store).
func Ignored(name string) bool {
	lower := strings.ToLower(name)
	switch {
	case strings.HasPrefix(name, "."), strings.HasPrefix(name, "~"), strings.HasSuffix(name, "~"):
		return true
	case lower == "thumbs.db", lower == "desktop.ini", lower == "ehthumbs.db":
		return true
	}
	for _, ext := range []string{".tmp", ".temp", ".part", ".partial", ".crdownload", ".download", ".swp"} {
		if strings.HasSuffix(lower, ext) {
			return true
		}
	}
	return false
}

// complete reports whether a file looks whole: a JPEG must end with its end-of-image
// marker (FF D9, possibly followed by a little padding); other files are judged by their
// size and time alone.
func complete(p string, size int64) bool {
	if !isJPEG(p) {
		return true
	}
	f, err := os.Open(p)
	if err != nil {
		return false
	}
	defer f.Close()
	const tail = 64
	if size < 4 {
		return false
	}
	off := max(0, size-tail)
	buf := make([]byte, size-off)
	if _, err := f.ReadAt(buf, off); err != nil && err != io.EOF {
		return false
	}
	// Skip trailing zero padding some writers add, then expect FF D9.
	i := len(buf)
	for i > 0 && buf[i-1] == 0 {
		i--
	}
	return i >= 2 && buf[i-2] == 0xFF && buf[i-1] == 0xD9
}

func isJPEG(p string) bool {
	lower := strings.ToLower(p)
	return strings.HasSuffix(lower, ".jpg") || strings.HasSuffix(lower, ".jpeg")
}

// Walk calls fn for every regular file under root (root itself may be a file) that is not
// Ignored, skipping ignored folders: what a one-off upload of a folder sends.
func Walk(root string, fn func(path string, fi fs.FileInfo) error) error {
	return filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p != root && Ignored(d.Name()) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		return fn(p, fi)
	})
}
