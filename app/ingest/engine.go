package ingest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/studiodesk/studiodesk/backend/api"
	"github.com/studiodesk/studiodesk/backend/api/apiclient"
	"github.com/studiodesk/studiodesk/backend/media"
)

// Uploader is the server side the engine needs; *apiclient.Client is one.
type Uploader interface {
	CheckPhotos(ctx context.Context, albumID int64, hashes []string) (map[string]int64, error)
	UploadFile(ctx context.Context, u apiclient.UploadRequest, f io.ReaderAt, resumeURL string, retries int,
		started func(url string), progress func(sent int64)) (apiclient.UploadResult, error)
}

// RenditionsUploader is the server side of renditions first (*apiclient.Client is one): the
// album check that also names photos waiting for their original, and the renditions upload.
type RenditionsUploader interface {
	CheckAlbum(ctx context.Context, albumID int64, hashes []string) (apiclient.PhotoCheck, error)
	UploadRenditions(ctx context.Context, r apiclient.RenditionsRequest) (api.RenditionsResult, error)
}

// Config tunes an Engine; zero values take the defaults.
type Config struct {
	// Renderer makes thumb and preview on this computer, sent before the original so the
	// photo shows in the album at once (the Uploader must also be a RenditionsUploader).
	// nil: originals only, the server renders.
	Renderer media.Renderer
	// RenderWorkers bounds renditions made at once (default 2: each holds one file and its
	// decoded picture in memory; 1 with the pure-Go renderer, whose picture is full size). HashWorkers bounds files hashed at once (default 1).
	RenderWorkers, HashWorkers int
	// OriginalsWhenIdle: an upload slot that finds no file with its renditions sent takes a
	// hashed file as it is (original first; the server renders it) instead of waiting for
	// the renderer. On by default with the pure-Go renderer (media.Std, ~1 s of CPU per
	// 24-megapixel photo), whose rendering would otherwise hold the uplink idle in a bulk
	// upload; a live shoot (one file at a time) still gets its renditions first.
	OriginalsWhenIdle bool
	// Lang picks the language of the engine's own failure reasons: "en…" English, anything
	// else Simplified Chinese.
	Lang string
	// MaxUploads bounds uploads at once (default 3). The engine halves its own limit after a
	// failure that looks like the network or server struggling and grows it back by one per
	// success (additive increase, multiplicative decrease).
	MaxUploads int
	// BytesPerSecond caps the upload bandwidth over all uploads (0: no cap).
	BytesPerSecond int64
	// Retries is how many failed chunks in a row one upload attempt survives (default 3).
	Retries int
	// MinBackoff and MaxBackoff bound the wait after a failure that a retry may cure: the
	// server unreachable (offline), 5xx (default 1 s and 1 min).
	MinBackoff, MaxBackoff time.Duration
	// Poll is how often an idle engine looks for new work when not kicked (default 1 s).
	Poll time.Duration
	// OnProgress hears the progress at most every ProgressEvery (default 250 ms), one call at
	// a time.
	OnProgress    func(Progress)
	ProgressEvery time.Duration
}

func (c Config) withDefaults() Config {
	if c.MaxUploads <= 0 {
		c.MaxUploads = 3
	}
	if c.Retries <= 0 {
		c.Retries = 3
	}
	if c.RenderWorkers <= 0 {
		c.RenderWorkers = 2
		if _, pureGo := c.Renderer.(media.Std); pureGo {
			// Std decodes the full picture (~130 MB for 24 megapixels): one at a time keeps
			// the desktop within its memory budget (two reached 616 MB).
			c.RenderWorkers = 1
		}
	}
	if _, pureGo := c.Renderer.(media.Std); pureGo {
		c.OriginalsWhenIdle = true
	}
	if c.HashWorkers <= 0 {
		c.HashWorkers = 1
	}
	if c.MinBackoff <= 0 {
		c.MinBackoff = time.Second
	}
	if c.MaxBackoff <= 0 {
		c.MaxBackoff = time.Minute
	}
	if c.Poll <= 0 {
		c.Poll = time.Second
	}
	if c.ProgressEvery <= 0 {
		c.ProgressEvery = 250 * time.Millisecond
	}
	return c
}

// Progress is the engine's state for the UI and the CLI.
type Progress struct {
	Counts
	SentBytes   int64         // bytes the server acknowledged in this run
	BytesPerSec float64       // recent upload speed
	ETA         time.Duration // for the queued bytes at that speed (0: unknown)
	Uploading   []string      // files being sent now (relative paths)
	Rendering   int           // files being hashed or rendered now
	Paused      bool
	Offline     bool   // the last attempt could not reach the server; retrying with backoff
	LastError   string // the latest failure's reason
}

// upload is one upload in flight.
type upload struct {
	cancel context.CancelFunc
	rel    string
}

// Engine works the queue: hash, skip what the album has, upload the rest.
type Engine struct {
	q   *Queue
	up  Uploader
	cfg Config
	lim *rate.Limiter

	kick chan struct{}

	reporting sync.Mutex // OnProgress is never called twice at once (the loop and Run's last report)

	renditions RenditionsUploader // nil: originals only

	mu       sync.Mutex
	inflight map[int64]upload
	// working: items being hashed (state Found) or rendered (Hashed), with that state.
	working   map[int64]State
	checked   map[int64]bool // hashed items the album did not hold when checked in this run
	allowed   int            // current upload concurrency (adaptive)
	paused    bool
	offline   bool
	backoff   time.Duration
	notBefore time.Time // no new attempt before this (backoff)
	sent      int64
	speed     speedMeter
	lastErr   string
}

// NewEngine makes an engine over q.
func NewEngine(q *Queue, up Uploader, cfg Config) *Engine {
	cfg = cfg.withDefaults()
	e := &Engine{q: q, up: up, cfg: cfg, kick: make(chan struct{}, 1), inflight: map[int64]upload{}, allowed: cfg.MaxUploads,
		working: map[int64]State{}, checked: map[int64]bool{}}
	if ru, ok := up.(RenditionsUploader); ok && cfg.Renderer != nil {
		e.renditions = ru
	}
	e.lim = rate.NewLimiter(rate.Inf, 1<<20)
	e.SetBandwidth(cfg.BytesPerSecond)
	return e
}

// SetBandwidth caps the upload bandwidth over all uploads at bytesPerSecond (0: no cap); it
// acts on uploads in flight at their next chunk.
func (e *Engine) SetBandwidth(bytesPerSecond int64) {
	if bytesPerSecond <= 0 {
		e.lim.SetLimit(rate.Inf)
		return
	}
	// A burst of a quarter second's bytes (16 KiB to 1 MiB): short spikes stay small.
	e.lim.SetBurst(int(min(max(bytesPerSecond/4, 16<<10), 1<<20)))
	e.lim.SetLimit(rate.Limit(bytesPerSecond))
}

// Kick wakes the engine (new items were queued).
func (e *Engine) Kick() {
	select {
	case e.kick <- struct{}{}:
	default:
	}
}

// SetPaused pauses (uploads in flight stop and later resume from the server's offset) or
// resumes the engine.
func (e *Engine) SetPaused(p bool) {
	e.mu.Lock()
	e.paused = p
	if p {
		for _, u := range e.inflight {
			u.cancel()
		}
	}
	e.mu.Unlock()
	e.Kick()
}

// Run works the queue until ctx ends. With drain, it returns as soon as nothing is left to
// do (every item done, failed or cancelled): the CLI's upload mode.
func (e *Engine) Run(ctx context.Context, drain bool) error {
	var wg sync.WaitGroup
	defer wg.Wait()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	wg.Go(func() { e.reportLoop(ctx) })
	resumed := false
	for {
		if err := ctx.Err(); err != nil {
			return nil
		}
		worked, err := e.step(ctx, &wg, !resumed)
		resumed = true
		if err != nil && ctx.Err() != nil {
			return nil // stopped in the middle of a round: not a failure
		}
		if err != nil {
			return err
		}
		if drain && !worked {
			c, err := e.q.Counts(ctx, 0)
			if err != nil {
				return err
			}
			e.mu.Lock()
			busy := len(e.inflight) + len(e.working)
			e.mu.Unlock()
			if c.Queued == 0 && busy == 0 {
				e.report(ctx)
				return nil
			}
		}
		if !worked {
			select {
			case <-ctx.Done():
				return nil
			case <-e.kick:
			case <-time.After(e.cfg.Poll):
			}
		}
	}
}

// step does one round: start hashing what is found, check hashed files against the album,
// start renditions, start uploads up to the allowed concurrency. Hashing, rendering and
// uploading run in bounded pools of their own, so the stages overlap. worked reports
// whether it did anything.
func (e *Engine) step(ctx context.Context, wg *sync.WaitGroup, firstRound bool) (worked bool, err error) {
	e.mu.Lock()
	paused, wait := e.paused, time.Until(e.notBefore)
	e.mu.Unlock()
	if paused {
		return false, nil
	}
	found, err := e.q.Pending(ctx, Found, 64)
	if err != nil {
		return false, err
	}
	for _, it := range found {
		started, more := e.startWork(ctx, wg, it, e.cfg.HashWorkers, e.hash)
		worked = worked || started
		if !more {
			break
		}
	}
	if wait > 0 {
		return worked, nil // backing off: the server was unreachable or failing
	}
	// After a restart, uploads recorded as in progress may have finished on the server
	// before the crash: check them by hash with the rest.
	states := []State{Hashed}
	if firstRound {
		states = append(states, Uploading, Rendered)
	}
	for _, st := range states {
		items, err := e.q.Pending(ctx, st, 500)
		if err != nil {
			return worked, err
		}
		if len(items) == 0 {
			continue
		}
		n, err := e.check(ctx, items)
		if err != nil {
			return worked, err
		}
		worked = worked || n > 0
	}
	// Renditions of checked files the album does not hold.
	if e.renditions != nil {
		items, err := e.q.Pending(ctx, Hashed, 64)
		if err != nil {
			return worked, err
		}
		for _, it := range items {
			e.mu.Lock()
			ok := e.checked[it.ID]
			e.mu.Unlock()
			if !ok {
				continue
			}
			started, more := e.startWork(ctx, wg, it, e.cfg.RenderWorkers, e.render)
			worked = worked || started
			if !more {
				break
			}
		}
	}
	// Uploads: resumable ones first, then those whose renditions are there, then (without
	// desktop renditions) new ones, up to the allowed concurrency.
	upStates := []State{Uploading, Rendered}
	if e.renditions == nil || e.cfg.OriginalsWhenIdle {
		// With a slow renderer, uploads that would wait for renditions take hashed files
		// as they are (the server renders those): rendering never holds the uplink idle.
		upStates = append(upStates, Hashed)
	}
	for _, st := range upStates {
		items, err := e.q.Pending(ctx, st, 64)
		if err != nil {
			return worked, err
		}
		for _, it := range items {
			e.mu.Lock()
			unchecked := it.State == Hashed && !e.checked[it.ID]
			e.mu.Unlock()
			if unchecked { // hashed after this round's check: the album may hold it
				continue
			}
			started, more := e.startUpload(ctx, wg, it)
			worked = worked || started
			if !more {
				break
			}
		}
	}
	return worked, nil
}

// startWork runs fn (hashing or rendering) for it in the background when fewer than limit
// of its kind run; more reports whether another may start.
func (e *Engine) startWork(ctx context.Context, wg *sync.WaitGroup, it Item, limit int, fn func(context.Context, Item) error) (started, more bool) {
	e.mu.Lock()
	if _, busy := e.working[it.ID]; busy {
		e.mu.Unlock()
		return false, true
	}
	if _, uploading := e.inflight[it.ID]; uploading { // sent as it is (OriginalsWhenIdle)
		e.mu.Unlock()
		return false, true
	}
	n := 0
	for _, st := range e.working {
		if st == it.State {
			n++
		}
	}
	if e.paused || n >= limit {
		e.mu.Unlock()
		return false, false
	}
	e.working[it.ID] = it.State
	if it.State == Found {
		delete(e.checked, it.ID) // hashed again (a retry): checked again
	}
	e.mu.Unlock()
	wg.Go(func() {
		defer func() {
			e.mu.Lock()
			delete(e.working, it.ID)
			e.mu.Unlock()
			e.Kick()
		}()
		if err := fn(ctx, it); err != nil && ctx.Err() == nil {
			e.mu.Lock()
			e.lastErr = err.Error()
			e.mu.Unlock()
		}
	})
	return true, true
}

// open opens the queued version of a file. A file that is gone or changed is cancelled (the
// watcher queues the new version) and one that cannot be read fails; both return no file.
func (e *Engine) open(ctx context.Context, it Item) (*os.File, error) {
	f, err := os.Open(it.Path)
	if errors.Is(err, os.ErrNotExist) {
		_, err = e.q.Cancel(ctx, it.Path)
		return nil, err
	}
	if err != nil {
		return nil, e.fail(ctx, it, CodeFileUnreadable, e.msg(msgUnreadable, err))
	}
	fi, err := f.Stat()
	if err != nil || fi.Size() != it.Size || !fi.ModTime().Equal(it.ModTime) {
		f.Close()
		_, err = e.q.Cancel(ctx, it.Path)
		return nil, err
	}
	return f, nil
}

// hash computes a found file's content hash; a file that is gone or changed is cancelled
// (the watcher queues the new version).
func (e *Engine) hash(ctx context.Context, it Item) error {
	f, err := e.open(ctx, it)
	if f == nil {
		return err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return e.fail(ctx, it, CodeFileUnreadable, e.msg(msgReadFailed, err))
	}
	return ignoreMoved(e.q.SetHashed(ctx, it.ID, hex.EncodeToString(h.Sum(nil))))
}

// check marks done the items whose content the album already holds; with renditions first,
// a Hashed item whose photo already waits for its original (renditions sent before a crash,
// or by another computer) goes on to its original without sending renditions again.
func (e *Engine) check(ctx context.Context, items []Item) (int, error) {
	byAlbum := map[int64][]Item{}
	e.mu.Lock()
	for _, it := range items {
		_, busy := e.inflight[it.ID]
		_, working := e.working[it.ID]
		if !busy && !working && !e.checked[it.ID] {
			byAlbum[it.AlbumID] = append(byAlbum[it.AlbumID], it)
		}
	}
	e.mu.Unlock()
	done := 0
	for album, its := range byAlbum {
		hashes := make([]string, len(its))
		for i, it := range its {
			hashes[i] = it.Hash
		}
		var have apiclient.PhotoCheck
		var err error
		if e.renditions != nil {
			have, err = e.renditions.CheckAlbum(ctx, album, hashes)
		} else {
			have.Existing, err = e.up.CheckPhotos(ctx, album, hashes)
		}
		if err != nil {
			if e.transient(ctx, err) {
				return done, nil
			}
			for _, it := range its {
				if ferr := e.fail(ctx, it, reasonCode(err), reason(err)); ferr != nil {
					return done, ferr
				}
			}
			continue
		}
		for _, it := range its {
			if id, ok := have.Existing[it.Hash]; ok {
				// Hashed: the album had it before we sent anything. Uploading/Rendered: our
				// own upload finished before a crash.
				if err := ignoreMoved(e.q.SetDone(ctx, it.ID, id, it.State == Hashed)); err != nil {
					return done, err
				}
				done++
				continue
			}
			if id, ok := have.Pending[it.Hash]; ok && it.State == Hashed {
				if err := ignoreMoved(e.q.SetRendered(ctx, it.ID, id)); err != nil {
					return done, err
				}
				done++
				continue
			}
			if it.State == Hashed {
				e.mu.Lock()
				e.checked[it.ID] = true
				e.mu.Unlock()
			}
		}
	}
	return done, nil
}

// render makes a hashed file's thumb and preview and sends them; the photo then shows in
// the album and the original follows. A file the renderer cannot read (a video, HEIC, a
// damaged JPEG) and renditions the server refuses as renditions go on without: the server
// judges the original as before.
func (e *Engine) render(ctx context.Context, it Item) error {
	f, err := e.open(ctx, it)
	if f == nil {
		return err
	}
	defer f.Close()
	head := make([]byte, media.SniffLen)
	n, _ := io.ReadFull(f, head)
	if typ, err := media.Sniff(head[:n]); err != nil || typ.Kind != media.KindImage || !typ.Renderable {
		return ignoreMoved(e.q.SetRendered(ctx, it.ID, 0))
	}
	img, rs, err := e.cfg.Renderer.Render(ctx, sizedFile{io.NewSectionReader(f, 0, it.Size), it.Size}, []media.Spec{media.Thumb, media.Preview})
	if media.CodeOf(err) != "" {
		return ignoreMoved(e.q.SetRendered(ctx, it.ID, 0))
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return e.fail(ctx, it, CodeFileUnreadable, e.msg(msgReadFailed, err))
	}
	res, err := e.renditions.UploadRenditions(ctx, apiclient.RenditionsRequest{AlbumID: it.AlbumID, SHA256: it.Hash,
		Filename: filepath.Base(it.Path), Size: it.Size, Width: img.Width, Height: img.Height, Thumb: rs[0].Data, Preview: rs[1].Data})
	var ae *apiclient.Error
	switch {
	case err == nil && res.Duplicate:
		return ignoreMoved(e.q.SetDone(context.WithoutCancel(ctx), it.ID, res.PhotoID, true))
	case err == nil:
		e.succeeded()
		return ignoreMoved(e.q.SetRendered(context.WithoutCancel(ctx), it.ID, res.PhotoID))
	case ctx.Err() != nil:
		return nil
	case e.transient(ctx, err):
		return err
	case errors.As(err, &ae) && strings.HasPrefix(ae.Code, "rendition"):
		// A server that disagrees with this renderer (another version): it renders itself.
		e.mu.Lock()
		e.lastErr = it.Rel + ": " + reason(err)
		e.mu.Unlock()
		return ignoreMoved(e.q.SetRendered(context.WithoutCancel(ctx), it.ID, 0))
	default:
		return e.fail(ctx, it, reasonCode(err), reason(err))
	}
}

// sizedFile is a file section that tells the renderer its length (media.Sized).
type sizedFile struct {
	io.Reader
	size int64
}

func (f sizedFile) Size() int64 { return f.size }

// startUpload runs one upload in the background if the concurrency allows. more reports
// whether another may start (an item already going is not work done: counting it made an
// idle engine spin, asking the server about the same files without pause).
func (e *Engine) startUpload(ctx context.Context, wg *sync.WaitGroup, it Item) (started, more bool) {
	e.mu.Lock()
	if _, busy := e.inflight[it.ID]; busy {
		e.mu.Unlock()
		return false, true // already going; look at the next
	}
	if _, rendering := e.working[it.ID]; rendering {
		e.mu.Unlock()
		return false, true
	}
	if e.paused || len(e.inflight) >= e.allowed {
		e.mu.Unlock()
		return false, false
	}
	uctx, cancel := context.WithCancel(ctx)
	e.inflight[it.ID] = upload{cancel: cancel, rel: it.Rel}
	e.mu.Unlock()
	wg.Go(func() {
		defer func() {
			cancel()
			e.mu.Lock()
			delete(e.inflight, it.ID)
			e.mu.Unlock()
			e.Kick()
		}()
		if err := e.upload(uctx, it); err != nil && ctx.Err() == nil {
			e.mu.Lock()
			e.lastErr = err.Error()
			e.mu.Unlock()
		}
	})
	return true, true
}

func (e *Engine) upload(ctx context.Context, it Item) error {
	// The item was listed before this upload took its slot; an upload of it that was still
	// in flight then may have finished since (its slot freed after it recorded the outcome).
	cur, err := e.q.Get(ctx, it.ID)
	if err != nil {
		return err
	}
	if cur.State != it.State {
		return nil
	}
	f, err := os.Open(it.Path)
	if errors.Is(err, os.ErrNotExist) && it.State == Rendered {
		// The photo shows in the album but waits for this original: say so, do not drop it.
		return e.fail(ctx, it, CodeOriginalMissing, e.msg(msgOriginalMissing, nil))
	}
	if errors.Is(err, os.ErrNotExist) {
		_, err = e.q.Cancel(context.WithoutCancel(ctx), it.Path)
		return err
	}
	if err != nil {
		return e.fail(ctx, it, CodeFileUnreadable, e.msg(msgUnreadable, err))
	}
	defer f.Close()
	// Through the limiter even without a cap: one set while this upload runs applies to it.
	var src io.ReaderAt = limitedReaderAt{r: f, lim: e.lim, ctx: ctx}
	acked := int64(0)
	// One request per photo up to 8 MiB: the first chunk rides in the creating POST (the URL,
	// named by the client, is recorded before it is sent, so a cut POST resumes like a PATCH).
	req := apiclient.UploadRequest{AlbumID: it.AlbumID, Filename: filepath.Base(it.Path), Size: it.Size, SHA256: it.Hash, CreateWithData: true}
	started := func(u string) {
		if u != it.UploadURL {
			// Recorded before the first byte: a restart resumes this upload, never a second.
			_ = e.q.SetUploading(context.WithoutCancel(ctx), it.ID, u)
		}
	}
	progress := func(sent int64) {
		e.mu.Lock()
		if sent > acked {
			e.sent += sent - acked
			e.speed.add(sent - acked)
			acked = sent
		}
		e.mu.Unlock()
	}
	res, err := e.up.UploadFile(ctx, req, src, it.UploadURL, e.cfg.Retries, started, progress)
	var ae *apiclient.Error
	if err != nil && it.UploadURL != "" && errors.As(err, &ae) && (ae.Status == http.StatusNotFound || ae.Status == http.StatusGone) {
		// The server dropped the unfinished upload (expired): start over.
		res, err = e.up.UploadFile(ctx, req, src, "", e.cfg.Retries, started, progress)
	}
	switch {
	case err == nil:
		e.succeeded()
		return ignoreMoved(e.q.SetDone(context.WithoutCancel(ctx), it.ID, res.PhotoID, res.Duplicate))
	case ctx.Err() != nil:
		return nil // paused or stopping: resumes later from the server's offset
	case e.transient(ctx, err):
		return err
	default:
		return e.fail(ctx, it, reasonCode(err), reason(err))
	}
}

// transient reports whether err is worth retrying after a backoff (the server unreachable,
// overloaded or failing), and arranges that backoff.
func (e *Engine) transient(ctx context.Context, err error) bool {
	var ae *apiclient.Error
	retry := errors.Is(err, apiclient.ErrUnreachable) || (errors.As(err, &ae) && (ae.Status >= 500 || ae.Status == http.StatusTooManyRequests))
	if !retry {
		return false
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.offline = errors.Is(err, apiclient.ErrUnreachable)
	e.backoff = min(max(e.backoff*2, e.cfg.MinBackoff), e.cfg.MaxBackoff)
	e.notBefore = time.Now().Add(e.backoff)
	e.allowed = max(1, e.allowed/2)
	e.lastErr = err.Error()
	return true
}

func (e *Engine) succeeded() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.offline, e.backoff = false, 0
	e.allowed = min(e.cfg.MaxUploads, e.allowed+1)
}

// Failure codes of the engine's own (the server's codes come with its refusals).
const (
	CodeFileUnreadable  = "file_unreadable"  // the engine could not read the file
	CodeOriginalMissing = "original_missing" // the photo shows, but its file went away before the original was sent
)

func (e *Engine) fail(ctx context.Context, it Item, code, why string) error {
	e.mu.Lock()
	e.lastErr = it.Rel + ": " + why
	e.mu.Unlock()
	return ignoreMoved(e.q.SetFailed(context.WithoutCancel(ctx), it.ID, code, why))
}

// reasonCode is the server's error code of a refused upload ("internal" when it gave none).
func reasonCode(err error) string {
	var ae *apiclient.Error
	if errors.As(err, &ae) && ae.Code != "" {
		return ae.Code
	}
	return "internal"
}

// reason is the message shown for a refused upload: the server's localized one.
func reason(err error) string {
	var ae *apiclient.Error
	if errors.As(err, &ae) && ae.Message != "" {
		return ae.Message
	}
	return err.Error()
}

func ignoreMoved(err error) error {
	if errors.Is(err, ErrMoved) {
		return nil
	}
	return err
}

// Progress returns the engine's state now.
func (e *Engine) Progress(ctx context.Context) (Progress, error) {
	c, err := e.q.Counts(ctx, 0)
	if err != nil {
		return Progress{}, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	p := Progress{Counts: c, SentBytes: e.sent, BytesPerSec: e.speed.rate(), Paused: e.paused, Offline: e.offline, LastError: e.lastErr}
	if p.BytesPerSec > 0 {
		p.ETA = time.Duration(float64(c.QueuedBytes) / p.BytesPerSec * float64(time.Second))
	}
	for _, u := range e.inflight {
		p.Uploading = append(p.Uploading, u.rel)
	}
	p.Rendering = len(e.working)
	slices.Sort(p.Uploading)
	return p, nil
}

func (e *Engine) reportLoop(ctx context.Context) {
	if e.cfg.OnProgress == nil {
		return
	}
	t := time.NewTicker(e.cfg.ProgressEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			e.report(ctx)
		}
	}
}

func (e *Engine) report(ctx context.Context) {
	if e.cfg.OnProgress == nil {
		return
	}
	e.reporting.Lock()
	defer e.reporting.Unlock()
	if p, err := e.Progress(ctx); err == nil {
		e.cfg.OnProgress(p)
	}
}

// speedMeter is an exponentially weighted bytes-per-second over about the last 5 seconds.
type speedMeter struct {
	last time.Time
	bps  float64
	acc  int64
}

func (s *speedMeter) add(n int64) {
	now := time.Now()
	if s.last.IsZero() {
		s.last = now
	}
	s.acc += n
	if dt := now.Sub(s.last).Seconds(); dt >= 0.5 {
		inst := float64(s.acc) / dt
		if s.bps == 0 {
			s.bps = inst
		} else {
			alpha := min(1, dt/5)
			s.bps += alpha * (inst - s.bps)
		}
		s.acc, s.last = 0, now
	}
}

func (s *speedMeter) rate() float64 { return s.bps }

// limitedReaderAt makes reads wait for the shared bandwidth limiter.
type limitedReaderAt struct {
	r   io.ReaderAt
	lim *rate.Limiter
	ctx context.Context
}

func (l limitedReaderAt) ReadAt(p []byte, off int64) (int, error) {
	done := 0
	for done < len(p) {
		n := min(len(p)-done, l.lim.Burst())
		if err := l.lim.WaitN(l.ctx, n); err != nil {
			if l.ctx.Err() == nil && n > l.lim.Burst() {
				continue // the limit was lowered meanwhile: take a smaller chunk
			}
			return done, err
		}
		m, err := l.r.ReadAt(p[done:done+n], off+int64(done))
		done += m
		if err != nil {
			return done, err
		}
	}
	return done, nil
}
