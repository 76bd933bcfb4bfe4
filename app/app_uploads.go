package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"path/filepath"
	"reflect"
	"sort"
	"sync"
	"time"

	"github.com/studiodesk/studiodesk/app/ingest"
	"github.com/studiodesk/studiodesk/app/watch"
	"github.com/studiodesk/studiodesk/backend/api"
	"github.com/studiodesk/studiodesk/backend/api/apiclient"
	"github.com/studiodesk/studiodesk/backend/media"
)

// EventUploadProgress carries an UploadProgress while UploadPaths or RetryUploads runs.
const EventUploadProgress = "upload:progress"

// uploadsFile is the persistent upload queue in the local state folder (the headless
// `studiodesk upload|watch` commands use the same file).
const uploadsFile = "uploads.db"

// uploads is the desktop's one upload engine (app/ingest) over its persistent queue: the
// studio UI's uploads go through it, so they are crash-safe (a restart resumes them),
// skip what the album holds and resume over tus. It runs from New to Stop.
type uploads struct {
	q      *ingest.Queue
	eng    *ingest.Engine
	cancel context.CancelFunc
	done   sync.WaitGroup

	mu   sync.Mutex
	last ingest.Progress
	// elsewhere: another StudioDesk process (a `studiodesk upload|watch` command) is sending
	// the queue; this window's engine waits for it to finish (ingest.Queue.WaitSender).
	elsewhere bool
}

// startUploads opens the queue and starts the engine; unfinished items of an earlier run
// continue at once.
func (a *App) startUploads() error {
	q, err := ingest.OpenQueue(a.ctx, a.path(uploadsFile))
	if err != nil {
		return err
	}
	up := &uploads{q: q}
	// Renditions first, made here with the fastest renderer the build has (docs/desktop.md).
	up.eng = ingest.NewEngine(q, appUploader{a}, ingest.Config{Renderer: media.Best(media.Limits{}), Lang: a.snapshot().Language, OnProgress: func(p ingest.Progress) {
		up.mu.Lock()
		up.last = p
		up.mu.Unlock()
	}})
	ctx, cancel := context.WithCancel(a.ctx)
	up.cancel = cancel
	// One sender per queue: a command-line upload running on it finishes first. The first
	// try is made here (the lock file exists when New returns); waiting goes on below.
	release, err := q.LockSender()
	if err != nil && !errors.Is(err, ingest.ErrQueueBusy) {
		cancel()
		_ = q.Close()
		return err
	}
	up.done.Go(func() {
		if release == nil {
			var err error
			release, err = q.WaitSender(ctx, 2*time.Second, func(waiting bool) {
				up.mu.Lock()
				up.elsewhere = waiting
				up.mu.Unlock()
			})
			if err != nil {
				if !errors.Is(err, context.Canceled) {
					a.log.Error("upload queue", "err", err)
				}
				return
			}
		}
		defer release()
		if err := up.eng.Run(ctx, false); err != nil && !errors.Is(err, context.Canceled) {
			a.log.Error("upload engine stopped", "err", err)
		}
	})
	a.up = up
	a.applyUploadSettings(a.snapshot().Uploads)
	return nil
}

// stopUploads stops the engine (uploads in flight resume from the server's offset on the
// next start) and closes the queue.
func (a *App) stopUploads() {
	if a.up == nil {
		return
	}
	a.up.cancel()
	a.up.done.Wait()
	if err := a.up.q.Close(); err != nil {
		a.log.Error("close upload queue", "err", err)
	}
}

// sentElsewhere reports whether another process is sending the queue (this engine waits).
func (up *uploads) sentElsewhere() bool {
	up.mu.Lock()
	defer up.mu.Unlock()
	return up.elsewhere
}

func (up *uploads) progress() ingest.Progress {
	up.mu.Lock()
	defer up.mu.Unlock()
	return up.last
}

// appUploader is the engine's server side: the logged-in user's client at each call, so a
// new login or language applies to queued files at once.
type appUploader struct{ a *App }

func (u appUploader) client() (*apiclient.Client, settings, error) {
	s := u.a.snapshot()
	if s.Token == "" {
		e := newError(s.Language, http.StatusUnauthorized, CodeUnauthenticated, "", nil)
		return nil, s, &apiclient.Error{Status: e.Status, Code: e.Code, Message: e.Message}
	}
	c, err := u.a.client(s.ServerURL, s.Token, s.Language)
	return c, s, err
}

func (u appUploader) done(s settings, err error) error {
	if err != nil && sessionGone(err) {
		u.a.forget(s.Token)
	}
	return err
}

func (u appUploader) CheckPhotos(ctx context.Context, albumID int64, hashes []string) (map[string]int64, error) {
	c, s, err := u.client()
	if err != nil {
		return nil, err
	}
	have, err := c.CheckPhotos(ctx, albumID, hashes)
	return have, u.done(s, err)
}

func (u appUploader) CheckAlbum(ctx context.Context, albumID int64, hashes []string) (apiclient.PhotoCheck, error) {
	c, s, err := u.client()
	if err != nil {
		return apiclient.PhotoCheck{}, err
	}
	have, err := c.CheckAlbum(ctx, albumID, hashes)
	return have, u.done(s, err)
}

func (u appUploader) UploadRenditions(ctx context.Context, r apiclient.RenditionsRequest) (api.RenditionsResult, error) {
	c, s, err := u.client()
	if err != nil {
		return api.RenditionsResult{}, err
	}
	res, err := c.UploadRenditions(ctx, r)
	return res, u.done(s, err)
}

func (u appUploader) UploadFile(ctx context.Context, r apiclient.UploadRequest, f io.ReaderAt, resumeURL string, retries int,
	started func(string), progress func(int64)) (apiclient.UploadResult, error) {
	c, s, err := u.client()
	if err != nil {
		return apiclient.UploadResult{}, err
	}
	res, err := c.UploadFile(ctx, r, f, resumeURL, retries, started, progress)
	return res, u.done(s, err)
}

// UploadProgress is the state of an UploadPaths or RetryUploads run, pushed as
// EventUploadProgress.
type UploadProgress struct {
	AlbumID     int64   `json:"album_id"`
	File        string  `json:"file"` // a file being sent now
	FilesDone   int     `json:"files_done"`
	FilesFailed int     `json:"files_failed"`
	FilesTotal  int     `json:"files_total"`
	BytesSent   int64   `json:"bytes_sent"` // bytes of the finished files
	BytesTotal  int64   `json:"bytes_total"`
	Speed       float64 `json:"speed"`       // recent upload speed, bytes per second
	ETASeconds  float64 `json:"eta_seconds"` // time left at that speed (0: unknown)
	Offline     bool    `json:"offline"`     // the server cannot be reached; the upload waits and resumes by itself
	Elsewhere   bool    `json:"elsewhere"`
	// FilesShown: of the files not done, those guests can already see (renditions uploaded
	// first, the original on its way).
	FilesShown int  `json:"files_shown"` // a `studiodesk upload|watch` command is sending the queue; this window waits for it
	Paused     bool `json:"paused"`      // uploads are paused on this computer (SetUploadSettings)
}

// UploadSettings are this computer's upload settings, kept across restarts: paused (uploads
// in flight stop and later resume from the server's offset; files keep being queued) and a
// bandwidth cap, so a shoot's upload leaves the studio's line usable.
type UploadSettings struct {
	Paused    bool  `json:"paused"`
	LimitKBps int64 `json:"limit_kbps"` // KiB per second over all uploads; 0: no cap
}

// maxLimitKBps bounds the cap (10 GiB/s: any larger number means "no cap" anyway).
const maxLimitKBps = 10 << 20

// UploadSettings reads this computer's upload settings.
func (a *App) UploadSettings() (UploadSettings, error) {
	if err := a.signedIn(); err != nil {
		return UploadSettings{}, err
	}
	return a.snapshot().Uploads, nil
}

// SetUploadSettings pauses or resumes uploads and sets the bandwidth cap; they act at once
// (also on uploads in flight) and are kept across restarts.
func (a *App) SetUploadSettings(in UploadSettings) (UploadSettings, error) {
	if err := a.signedIn(); err != nil {
		return UploadSettings{}, err
	}
	s := a.snapshot()
	if in.LimitKBps < 0 || in.LimitKBps > maxLimitKBps {
		return s.Uploads, newError(s.Language, http.StatusBadRequest, CodeInvalidValue, "limit_kbps",
			map[string]any{"allowed": fmt.Sprintf("0–%d", maxLimitKBps)})
	}
	if err := a.update(func(st *settings) { st.Uploads = in }); err != nil {
		return in, a.toError(err, s.ServerURL, s.Language, "")
	}
	a.applyUploadSettings(in)
	return in, nil
}

// applyUploadSettings hands the settings to the running engine.
func (a *App) applyUploadSettings(u UploadSettings) {
	if a.up == nil {
		return
	}
	a.up.eng.SetBandwidth(u.LimitKBps << 10)
	a.up.eng.SetPaused(u.Paused)
}

// UploadReport says what became of each file.
type UploadReport struct {
	Uploaded   int            `json:"uploaded"`
	Duplicates int            `json:"duplicates"`
	Failed     []UploadFailed `json:"failed"`
}

// UploadFailed is a file that did not reach the album, with its localized reason; its ID
// goes to RetryUploads.
type UploadFailed struct {
	ID    int64  `json:"id"`
	File  string `json:"file"`
	Error *Error `json:"error"`
}

// UploadPaths uploads files and folders (their files, recursively, hidden ones and camera
// junk skipped) into an album through the upload queue: files the album already holds are
// skipped without sending them, each file resumes after a dropped connection, and files
// queued when StudioDesk closes are uploaded when it starts again. Progress is pushed as
// EventUploadProgress; the report comes when every file is done or failed.
func (a *App) UploadPaths(albumID int64, paths []string) (UploadReport, error) {
	s := a.snapshot()
	if s.Token == "" {
		return UploadReport{}, newError(s.Language, http.StatusUnauthorized, CodeUnauthenticated, "", nil)
	}
	if albumID <= 0 {
		return UploadReport{}, newError(s.Language, http.StatusBadRequest, CodeInvalidValue, "album_id", map[string]any{"allowed": "> 0"})
	}
	if err := a.checkAlbum(albumID); err != nil {
		return UploadReport{}, err
	}
	files, err := expandPaths(paths)
	if err != nil {
		return UploadReport{}, newError(s.Language, http.StatusBadRequest, CodeInvalidValue, "paths", map[string]any{"detail": err.Error(), "allowed": "files and folders on this computer"})
	}
	ids := make([]int64, 0, len(files))
	for _, f := range files {
		if _, err := a.up.q.Add(a.ctx, albumID, f.path, f.rel, f.size, f.mod); err != nil {
			return UploadReport{}, a.toError(err, s.ServerURL, s.Language, "")
		}
		it, err := a.up.q.Version(a.ctx, albumID, f.path, f.size, f.mod)
		if err != nil {
			return UploadReport{}, a.toError(err, s.ServerURL, s.Language, "")
		}
		switch it.State {
		case ingest.Done, ingest.Failed, ingest.Cancelled:
			// Uploaded (or tried) before: check it against the album again.
			if err := a.up.q.Requeue(a.ctx, it.ID); err != nil && !errors.Is(err, ingest.ErrMoved) {
				return UploadReport{}, a.toError(err, s.ServerURL, s.Language, "")
			}
		}
		ids = append(ids, it.ID)
	}
	return a.awaitUploads(albumID, ids)
}

// RetryUploads sends failed files of an album (their ids from an UploadReport) again and
// reports on them like UploadPaths.
func (a *App) RetryUploads(albumID int64, ids []int64) (UploadReport, error) {
	s := a.snapshot()
	if s.Token == "" {
		return UploadReport{}, newError(s.Language, http.StatusUnauthorized, CodeUnauthenticated, "", nil)
	}
	if err := a.checkAlbum(albumID); err != nil {
		return UploadReport{}, err
	}
	its, err := a.up.q.Items(a.ctx, ids)
	if err != nil {
		return UploadReport{}, a.toError(err, s.ServerURL, s.Language, "")
	}
	var mine []int64
	for _, it := range its {
		if it.AlbumID == albumID {
			mine = append(mine, it.ID)
		}
	}
	if len(mine) != len(ids) || len(ids) == 0 {
		return UploadReport{}, newError(s.Language, http.StatusBadRequest, CodeInvalidValue, "ids",
			map[string]any{"allowed": "the ids of this album's failed files"})
	}
	for _, id := range mine {
		if err := a.up.q.Requeue(a.ctx, id); err != nil && !errors.Is(err, ingest.ErrMoved) {
			return UploadReport{}, a.toError(err, s.ServerURL, s.Language, "")
		}
	}
	return a.awaitUploads(albumID, mine)
}

// checkAlbum asks the server whether the user may upload into the album, so an unknown or
// foreign album is refused at once rather than file by file.
func (a *App) checkAlbum(albumID int64) error {
	_, err := call(a, func(ctx context.Context, c *apiclient.Client) (map[string]int64, error) {
		return c.CheckPhotos(ctx, albumID, []string{})
	})
	return err
}

// awaitUploads kicks the engine and waits until every item of ids is finished, pushing
// their progress; it ends early (the items stay queued) when StudioDesk closes.
func (a *App) awaitUploads(albumID int64, ids []int64) (UploadReport, error) {
	a.up.eng.Kick()
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	var last UploadProgress
	for {
		s := a.snapshot()
		its, err := a.up.q.Items(a.ctx, ids)
		if err != nil {
			return UploadReport{}, a.toError(err, s.ServerURL, s.Language, "")
		}
		eng := a.up.progress()
		p := UploadProgress{AlbumID: albumID, FilesTotal: len(its), Speed: eng.BytesPerSec, Offline: eng.Offline, Paused: eng.Paused,
			Elsewhere: a.up.sentElsewhere()}
		if len(eng.Uploading) > 0 {
			p.File = filepath.Base(eng.Uploading[0])
		}
		var left int64
		for _, it := range its {
			p.BytesTotal += it.Size
			switch it.State {
			case ingest.Done:
				p.FilesDone++
				p.BytesSent += it.Size
			case ingest.Failed, ingest.Cancelled:
				p.FilesFailed++
				p.BytesSent += it.Size
			default:
				left += it.Size
				if it.PhotoID != 0 {
					p.FilesShown++
				}
			}
		}
		if p.Speed > 0 {
			p.ETASeconds = float64(left) / p.Speed
		}
		if !reflect.DeepEqual(p, last) {
			a.emit.Emit(EventUploadProgress, p)
			last = p
		}
		if p.FilesDone+p.FilesFailed == p.FilesTotal {
			return a.report(its, s.Language), nil
		}
		select {
		case <-a.ctx.Done():
			return UploadReport{}, a.toError(context.Canceled, s.ServerURL, s.Language, "")
		case <-tick.C:
		}
	}
}

// report sums finished items for the UI, the reasons in the user's language.
func (a *App) report(its []ingest.Item, lang string) UploadReport {
	rep := UploadReport{Failed: []UploadFailed{}}
	for _, it := range its {
		name := filepath.Base(it.Path)
		switch it.State {
		case ingest.Done:
			if it.Duplicate {
				rep.Duplicates++
			} else {
				rep.Uploaded++
			}
		case ingest.Failed:
			e := &Error{Status: http.StatusBadRequest, Code: it.ErrorCode, Message: it.Error, Params: map[string]any{}}
			switch it.ErrorCode {
			case CodeFileUnreadable, "":
				e = newError(lang, http.StatusBadRequest, CodeFileUnreadable, "", map[string]any{"file": name})
			}
			rep.Failed = append(rep.Failed, UploadFailed{ID: it.ID, File: name, Error: e})
		case ingest.Cancelled:
			rep.Failed = append(rep.Failed, UploadFailed{ID: it.ID, File: name,
				Error: newError(lang, http.StatusConflict, CodeFileChanged, "", map[string]any{"file": name})})
		}
	}
	return rep
}

type localFile struct {
	path, rel string
	size      int64
	mod       time.Time
}

func expandPaths(paths []string) ([]localFile, error) {
	var out []localFile
	for _, p := range paths {
		root, err := filepath.Abs(p)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", p, err)
		}
		parent := filepath.Dir(root)
		err = watch.Walk(root, func(path string, fi fs.FileInfo) error {
			rel, _ := filepath.Rel(parent, path)
			out = append(out, localFile{path: path, rel: rel, size: fi.Size(), mod: fi.ModTime()})
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", p, err)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].path < out[j].path })
	return out, nil
}
