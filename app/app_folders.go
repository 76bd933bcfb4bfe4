package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/studiodesk/studiodesk/app/ingest"
	"github.com/studiodesk/studiodesk/app/watch"
	"github.com/studiodesk/studiodesk/backend/album"
	"github.com/studiodesk/studiodesk/backend/api/apiclient"
)

// EventFoldersProgress carries a FoldersProgress whenever the watched folders' numbers change.
const EventFoldersProgress = "folders:progress"

// Codes of the watched-folder errors (the App's own; localize has the messages).
const (
	CodeFolderMissing          = "folder_missing"
	CodeFolderUnreadable       = "folder_unreadable"
	CodeFolderAlreadyBound     = "folder_already_bound"
	CodeFolderNested           = "folder_nested"
	CodeOrderNotFound          = "order_not_found"
	CodeFolderNameNoOrder      = "folder_name_no_order"
	CodeFolderPickerUnavailble = "folder_picker_unavailable"
	CodeFolderBindingNotFound  = "folder_binding_not_found"
)

// FolderBinding is a local folder bound to an order: what lands in it is uploaded into the
// order's albums, one album per first-level sub-folder (SubFolderAlbum).
type FolderBinding struct {
	ID        int64     `json:"id"`
	Path      string    `json:"path"`
	OrderID   int64     `json:"order_id"`
	OrderCode string    `json:"order_code"`
	Customer  string    `json:"customer_name"`
	ByRule    bool      `json:"by_rule"` // bound by the folder-name rule under the shoots root
	Paused    bool      `json:"paused"`
	CreatedAt time.Time `json:"created_at"`
	// Albums: the sub-folders found and where each goes (album_id 0: the album is found or
	// created when its first file arrives).
	Albums []FolderAlbum `json:"albums"`
	// Problem: why files of this folder are not going up now (the folder is gone, an album
	// could not be made), or null.
	Problem  *Error         `json:"problem"`
	Progress FolderProgress `json:"progress"`
}

// FolderAlbum is where one sub-folder's files go. Folder "" is the files lying in the bound
// folder itself.
type FolderAlbum struct {
	Folder  string     `json:"folder"`
	AlbumID int64      `json:"album_id"`
	Kind    album.Kind `json:"kind"`
	Title   string     `json:"title"`
	// Rule: "named" when the folder name is a known one (底片, 精修, 视频 …), "default" for
	// the files in the bound folder itself, "other" for any other name (an album titled
	// with the folder's name).
	Rule string `json:"rule"`
}

// FolderMiss is a folder under the shoots root that the rule could not bind, with the reason.
type FolderMiss struct {
	Path  string `json:"path"`
	Name  string `json:"name"`
	Error *Error `json:"error"`
}

// FolderProgress is the upload state of one bound folder (or, with BindingID 0, of all).
type FolderProgress struct {
	BindingID   int64   `json:"binding_id"`
	Queued      int     `json:"queued"` // waiting or being uploaded
	Done        int     `json:"done"`
	Failed      int     `json:"failed"`
	QueuedBytes int64   `json:"queued_bytes"`
	DoneBytes   int64   `json:"done_bytes"`
	Speed       float64 `json:"speed"`       // bytes per second now
	ETASeconds  float64 `json:"eta_seconds"` // 0: unknown or nothing left
	Waiting     int     `json:"waiting"`     // complete files waiting for their album (see Problem)
}

// FoldersProgress is pushed as EventFoldersProgress.
type FoldersProgress struct {
	Overall FolderProgress   `json:"overall"`
	Folders []FolderProgress `json:"folders"`
	Offline bool             `json:"offline"` // the server cannot be reached; uploads wait and resume
	Paused  bool             `json:"paused"`  // uploads are paused on this computer (SetUploadSettings)
	// Elsewhere: a `studiodesk upload|watch` command is sending the upload queue; the window
	// waits for it to finish (two senders on one queue could send a file twice).
	Elsewhere bool `json:"elsewhere"`
}

// FoldersView is the Folders page: the shoots root, the bindings and the rule's misses.
type FoldersView struct {
	Root      string          `json:"root"`
	Bindings  []FolderBinding `json:"bindings"`
	Unmatched []FolderMiss    `json:"unmatched"`
	Progress  FoldersProgress `json:"progress"`
}

// FolderBindRequest binds Path to the order OrderID.
type FolderBindRequest struct {
	Path    string `json:"path"`
	OrderID int64  `json:"order_id"`
}

// FolderFailed is a file of a bound folder that did not reach its album; retry it with
// RetryUploads(album_id, [id]).
type FolderFailed struct {
	ID      int64  `json:"id"`
	AlbumID int64  `json:"album_id"`
	File    string `json:"file"` // relative to the bound folder
	Error   *Error `json:"error"`
}

// Sub-folder names that pick an album kind (compared case-insensitively).
var subFolderKinds = map[string]album.Kind{
	"底片": album.KindRaw, "原片": album.KindRaw, "raw": album.KindRaw, "原图": album.KindRaw,
	"精修": album.KindRetouched, "修片": album.KindRetouched, "retouched": album.KindRetouched,
	"视频": album.KindVideo, "video": album.KindVideo, "videos": album.KindVideo,
}

// kindTitles are the titles of albums the binding creates for the known kinds.
var kindTitles = map[album.Kind]string{album.KindRaw: "底片", album.KindRetouched: "精修", album.KindVideo: "视频"}

// SubFolderAlbum says where the files of a first-level sub-folder go:
//   - a known name (底片/原片/原图/raw → raw proofs, 精修/修片/retouched → retouched, 视频/video →
//     video): the order's first album of that kind, created when missing;
//   - "" (files in the bound folder itself): the raw-proofs album, like 底片;
//   - any other name: an album titled with the folder's name, of kind raw (proof defaults:
//     compressed downloads with the watermark, so nothing leaves in full quality by accident).
func SubFolderAlbum(sub string) (kind album.Kind, title, rule string) {
	if sub == "" {
		return album.KindRaw, kindTitles[album.KindRaw], "default"
	}
	if k, ok := subFolderKinds[strings.ToLower(sub)]; ok {
		return k, kindTitles[k], "named"
	}
	t := []rune(strings.TrimSpace(sub))
	if len(t) > album.MaxTitleLen {
		t = t[:album.MaxTitleLen]
	}
	return album.KindRaw, string(t), "other"
}

// OrderCodeOfFolder is the folder-name rule: `<order code>_<anything>` (D8K2M4PQ_张三李四)
// names the order whose code is the part before the first underscore (case, spaces and
// dashes ignored as customers type them). ok is false when the name has no such part.
func OrderCodeOfFolder(name string) (code string, ok bool) {
	prefix, _, found := strings.Cut(name, "_")
	code = album.NormalizeCode(prefix)
	if !found || code == "" || utf8.RuneCountInString(code) > 32 {
		return "", false
	}
	return code, true
}

// folders runs the bindings: one watcher per active binding, the shoots-root rule and the
// progress events. It lives from New to Stop.
type folders struct {
	a      *App
	db     *folderDB
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	ops    sync.Mutex // one pause/unbind at a time, so a binding never runs two watchers

	mu     sync.Mutex
	root   string
	active map[int64]*binding
	misses map[string]FolderMiss
	tried  map[string]time.Time // rule folders looked up, when
	last   FoldersProgress
	rescan chan struct{}
}

// binding is a running binding's state.
type binding struct {
	FolderBinding
	stop    context.CancelFunc
	done    chan struct{}
	mu      sync.Mutex
	albums  map[string]int64 // sub-folder -> album
	pending []watch.File     // complete files whose album could not be found or made yet
	problem *Error
}

const (
	settingShootsRoot = "shoots_root"
	settingSkip       = "skip:" // + path: a rule folder the user unbound; the rule leaves it alone
)

// startFolders opens the bindings and watches the active ones again; what changed while
// StudioDesk was closed is found by each watcher's first scan (the queue skips what it has).
func (a *App) startFolders() error {
	db, err := openFolderDB(a.ctx, a.path(uploadsFile))
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(a.ctx)
	f := &folders{a: a, db: db, ctx: ctx, cancel: cancel, active: map[int64]*binding{}, misses: map[string]FolderMiss{},
		tried: map[string]time.Time{}, rescan: make(chan struct{}, 1)}
	if f.root, err = db.setting(ctx, settingShootsRoot); err != nil {
		db.close()
		return err
	}
	bs, err := db.bindings(ctx)
	if err != nil {
		db.close()
		return err
	}
	for _, b := range bs {
		if err := f.start(b); err != nil {
			db.close()
			return err
		}
	}
	f.wg.Go(f.loop)
	a.fold = f
	return nil
}

// stopFolders stops the watchers and closes the bindings' storage.
func (a *App) stopFolders() {
	if a.fold == nil {
		return
	}
	a.fold.cancel()
	a.fold.wg.Wait()
	if err := a.fold.db.close(); err != nil {
		a.log.Error("close folder bindings", "err", err)
	}
}

// start runs a stored binding (watching it unless paused).
func (f *folders) start(fb FolderBinding) error {
	albums, err := f.db.albums(f.ctx, fb.ID)
	if err != nil {
		return err
	}
	b := &binding{FolderBinding: fb, albums: albums}
	f.mu.Lock()
	f.active[b.ID] = b
	f.mu.Unlock()
	if !b.Paused {
		f.watch(b)
	}
	return nil
}

func (f *folders) watch(b *binding) {
	ctx, cancel := context.WithCancel(f.ctx)
	done := make(chan struct{})
	b.mu.Lock()
	b.stop, b.done = cancel, done
	b.mu.Unlock()
	f.wg.Go(func() {
		defer close(done)
		f.run(ctx, b)
	})
}

// halt stops the binding's watcher, if it runs, and waits for it.
func (b *binding) halt() {
	b.mu.Lock()
	stop, done := b.stop, b.done
	b.stop, b.done = nil, nil
	b.mu.Unlock()
	if stop != nil {
		stop()
		<-done
	}
}

// loop applies the shoots-root rule now and then and pushes progress when it changes.
func (f *folders) loop() {
	every := f.a.cfg.FolderPoll
	rule := time.NewTicker(every)
	defer rule.Stop()
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	f.applyRule()
	for {
		select {
		case <-f.ctx.Done():
			return
		case <-f.rescan:
			f.applyRule()
		case <-rule.C:
			f.applyRule()
		case <-tick.C:
			p, err := f.progress(f.ctx)
			if err != nil {
				continue
			}
			f.mu.Lock()
			changed := !reflect.DeepEqual(p, f.last)
			f.last = p
			f.mu.Unlock()
			if changed {
				f.a.emit.Emit(EventFoldersProgress, p)
			}
		}
	}
}

// run watches one binding until ctx ends; a missing folder is looked for again every few
// seconds (a USB disk plugged in later, a NAS share back online).
func (f *folders) run(ctx context.Context, b *binding) {
	for ctx.Err() == nil {
		if err := checkFolder(b.Path); err != nil {
			b.setProblem(f.a.folderError(err, "path", b.Path))
			if !sleepCtx(ctx, 5*time.Second) {
				return
			}
			continue
		}
		b.setProblem(nil)
		src, err := watch.FSNotify()
		var w *watch.Watcher
		if err == nil {
			cfg := f.a.cfg.FolderWatch
			cfg.Root = b.Path
			if w, err = watch.New(cfg, src); err != nil {
				src.Close()
			}
		}
		if err != nil {
			b.setProblem(f.a.folderError(err, "path", b.Path))
			if !sleepCtx(ctx, 5*time.Second) {
				return
			}
			continue
		}
		wctx, stop := context.WithCancel(ctx)
		errc := make(chan error, 1)
		go func() { errc <- w.Run(wctx) }()
		retry := time.NewTicker(5 * time.Second)
	files:
		for {
			select {
			case file, ok := <-w.Files():
				if !ok {
					break files
				}
				f.handle(ctx, b, file)
			case err := <-w.Errors():
				f.a.log.Warn("watched folder", "path", b.Path, "err", err)
			case <-retry.C:
				f.flush(ctx, b)
				if checkFolder(b.Path) != nil { // removed or unplugged: wait for it to come back
					stop()
				}
			}
		}
		retry.Stop()
		stop()
		if err := <-errc; err != nil && ctx.Err() == nil {
			f.a.log.Warn("watched folder stopped", "path", b.Path, "err", err)
			sleepCtx(ctx, time.Second)
		}
	}
}

// handle queues a complete file into its sub-folder's album (or cancels a removed one).
func (f *folders) handle(ctx context.Context, b *binding, file watch.File) {
	if file.Kind == watch.Removed {
		if _, err := f.a.up.q.Cancel(ctx, file.Path); err != nil {
			f.a.log.Warn("cancel upload", "err", err)
		}
		return
	}
	b.mu.Lock()
	b.pending = append(b.pending, file)
	b.mu.Unlock()
	f.flush(ctx, b)
}

// flush queues the pending files whose album is known or can be made now.
func (f *folders) flush(ctx context.Context, b *binding) {
	b.mu.Lock()
	files := b.pending
	b.pending = nil
	b.mu.Unlock()
	var left []watch.File
	var problem *Error
	added := false
	for _, file := range files {
		if problem != nil {
			left = append(left, file)
			continue
		}
		id, err := f.albumOf(ctx, b, subOf(file.Rel))
		if err != nil {
			problem = f.a.errorFor(err)
			left = append(left, file)
			continue
		}
		if _, err := f.a.up.q.Add(ctx, id, file.Path, file.Rel, file.Size, file.ModTime); err != nil {
			problem = f.a.errorFor(err)
			left = append(left, file)
			continue
		}
		added = true
	}
	b.mu.Lock()
	b.pending = append(left, b.pending...)
	if len(files) > 0 || problem != nil {
		b.problem = problem
	}
	b.mu.Unlock()
	if added {
		f.a.up.eng.Kick()
	}
}

// subOf is the first-level sub-folder of a path relative to the bound folder ("" for a file
// in the bound folder itself).
func subOf(rel string) string {
	first, _, nested := strings.Cut(filepath.ToSlash(rel), "/")
	if !nested {
		return ""
	}
	return first
}

// albumOf finds (or creates, on the server) the album of a sub-folder, and remembers it.
func (f *folders) albumOf(ctx context.Context, b *binding, sub string) (int64, error) {
	b.mu.Lock()
	id, ok := b.albums[sub]
	b.mu.Unlock()
	if ok {
		return id, nil
	}
	kind, title, rule := SubFolderAlbum(sub)
	b.mu.Lock()
	taken := map[int64]bool{} // albums of sub-folders with their own names are not a kind's album
	for s, id := range b.albums {
		if _, _, r := SubFolderAlbum(s); r == "other" {
			taken[id] = true
		}
	}
	b.mu.Unlock()
	others := map[string]bool{} // and neither are albums titled like such a folder on disk
	if ents, err := os.ReadDir(b.Path); err == nil {
		for _, e := range ents {
			if _, t, r := SubFolderAlbum(e.Name()); e.IsDir() && r == "other" {
				others[t] = true
			}
		}
	}
	id, err := callFor(f.a, f.a.cfg.Timeout, func(ctx context.Context, c *apiclient.Client) (int64, error) {
		d, err := c.GetOrder(ctx, b.OrderID)
		if err != nil {
			return 0, err
		}
		// The album titled like the folder first (花絮 → 花絮; 底片 → 底片), then for a known
		// name any album of its kind not holding another named folder.
		for _, al := range d.Albums {
			if al.Title == title && (rule == "other" || al.Kind == kind) {
				return al.ID, nil
			}
		}
		for _, al := range d.Albums {
			if rule != "other" && al.Kind == kind && !taken[al.ID] && !others[al.Title] {
				return al.ID, nil
			}
		}
		al, err := c.CreateAlbum(ctx, b.OrderID, album.Album{Kind: kind, Title: title})
		return al.ID, err
	})
	if err != nil {
		return 0, err
	}
	if err := f.db.setAlbum(ctx, b.ID, sub, id); err != nil {
		return 0, err
	}
	b.mu.Lock()
	b.albums[sub] = id
	b.mu.Unlock()
	return id, nil
}

func (b *binding) setProblem(e *Error) {
	b.mu.Lock()
	b.problem = e
	b.mu.Unlock()
}

// errorFor turns any failure into the UI's Error in the user's language.
func (a *App) errorFor(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	s := a.snapshot()
	e, _ = a.toError(err, s.ServerURL, s.Language, "").(*Error)
	return e
}

// checkFolder says whether path is a folder this computer can read.
func checkFolder(path string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		return fs.ErrNotExist
	}
	d, err := os.Open(path)
	if err != nil {
		return err
	}
	defer d.Close()
	_, err = d.Readdirnames(1)
	if errors.Is(err, io.EOF) {
		err = nil
	}
	return err
}

// folderError names a folder's problem for field.
func (a *App) folderError(err error, field, path string) *Error {
	lang := a.snapshot().Language
	if errors.Is(err, fs.ErrNotExist) {
		return newError(lang, http.StatusBadRequest, CodeFolderMissing, field, map[string]any{"path": path})
	}
	detail := err.Error()
	var pe *fs.PathError
	if errors.As(err, &pe) {
		detail = pe.Err.Error()
	}
	return newError(lang, http.StatusBadRequest, CodeFolderUnreadable, field, map[string]any{"path": path, "detail": detail})
}

func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// cleanPath makes a typed or picked path absolute and clean.
func cleanPath(p string) (string, error) {
	p = strings.TrimSpace(p)
	if p == "" {
		return "", errors.New("empty")
	}
	return filepath.Abs(p)
}

// pathKey compares paths as the OS does (Windows and macOS ignore case by default).
func pathKey(p string) string {
	if runtime.GOOS == "windows" || runtime.GOOS == "darwin" {
		return strings.ToLower(p)
	}
	return p
}

// inside reports whether p is dir or under it.
func inside(p, dir string) bool {
	rel, err := filepath.Rel(pathKey(dir), pathKey(p))
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// checkNewBinding refuses a folder that is bound already or overlaps a bound one.
func (f *folders) checkNewBinding(path, field string) *Error {
	lang := f.a.snapshot().Language
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, b := range f.active {
		switch {
		case pathKey(b.Path) == pathKey(path):
			return newError(lang, http.StatusConflict, CodeFolderAlreadyBound, field, map[string]any{"path": path, "order_code": b.OrderCode})
		case inside(path, b.Path) || inside(b.Path, path):
			return newError(lang, http.StatusConflict, CodeFolderNested, field, map[string]any{"path": path, "other": b.Path})
		}
	}
	return nil
}

// ListFolders returns the shoots root, the bound folders with their sub-folder albums and
// progress, and the folders under the root the rule could not bind.
func (a *App) ListFolders() (FoldersView, error) {
	if err := a.signedIn(); err != nil {
		return FoldersView{}, err
	}
	return a.fold.view()
}

func (f *folders) view() (FoldersView, error) {
	p, err := f.progress(f.ctx)
	if err != nil {
		return FoldersView{}, f.a.errorFor(err)
	}
	f.mu.Lock()
	v := FoldersView{Root: f.root, Bindings: []FolderBinding{}, Unmatched: []FolderMiss{}, Progress: p}
	bs := make([]*binding, 0, len(f.active))
	for _, b := range f.active {
		bs = append(bs, b)
	}
	for _, m := range f.misses {
		v.Unmatched = append(v.Unmatched, m)
	}
	f.mu.Unlock()
	sort.Slice(bs, func(i, j int) bool { return bs[i].ID < bs[j].ID })
	sort.Slice(v.Unmatched, func(i, j int) bool { return v.Unmatched[i].Path < v.Unmatched[j].Path })
	byID := map[int64]FolderProgress{}
	for _, fp := range p.Folders {
		byID[fp.BindingID] = fp
	}
	for _, b := range bs {
		v.Bindings = append(v.Bindings, b.snapshot(byID[b.ID]))
	}
	return v, nil
}

// snapshot is the binding for the UI: its sub-folders (those on disk and those with an
// album) and where each goes.
func (b *binding) snapshot(p FolderProgress) FolderBinding {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := b.FolderBinding
	out.Problem, out.Progress = b.problem, p
	subs := map[string]bool{"": true}
	for sub := range b.albums {
		subs[sub] = true
	}
	if ents, err := os.ReadDir(b.Path); err == nil {
		for _, e := range ents {
			if e.IsDir() && !watch.Ignored(e.Name()) {
				subs[e.Name()] = true
			}
		}
	}
	names := make([]string, 0, len(subs))
	for s := range subs {
		names = append(names, s)
	}
	slices.Sort(names)
	out.Albums = make([]FolderAlbum, 0, len(names))
	for _, s := range names {
		kind, title, rule := SubFolderAlbum(s)
		out.Albums = append(out.Albums, FolderAlbum{Folder: s, AlbumID: b.albums[s], Kind: kind, Title: title, Rule: rule})
	}
	// A sub-folder not resolved yet whose album another one already found (the loose files
	// and 底片 both go to the raw-proofs album) is shown with it.
	for i, fa := range out.Albums {
		for _, o := range out.Albums {
			if fa.AlbumID == 0 && o.AlbumID != 0 && o.Kind == fa.Kind && o.Title == fa.Title {
				out.Albums[i].AlbumID = o.AlbumID
			}
		}
	}
	return out
}

// BindFolder binds a folder of this computer to an order: its files (and those that land in
// it later) are uploaded into the order's albums by sub-folder (SubFolderAlbum). Refused:
// a folder that is missing or unreadable, bound already, inside a bound folder or holding
// one, or an order the user cannot see.
func (a *App) BindFolder(req FolderBindRequest) (FolderBinding, error) {
	return a.fold.bind(req.Path, req.OrderID, false, "path")
}

func (f *folders) bind(path string, orderID int64, byRule bool, field string) (FolderBinding, error) {
	s := f.a.snapshot()
	if s.Token == "" {
		return FolderBinding{}, newError(s.Language, http.StatusUnauthorized, CodeUnauthenticated, "", nil)
	}
	p, err := cleanPath(path)
	if err != nil {
		return FolderBinding{}, newError(s.Language, http.StatusBadRequest, CodeFolderMissing, field, map[string]any{"path": path})
	}
	if err := checkFolder(p); err != nil {
		return FolderBinding{}, f.a.folderError(err, field, p)
	}
	if e := f.checkNewBinding(p, field); e != nil {
		return FolderBinding{}, e
	}
	if orderID <= 0 {
		return FolderBinding{}, newError(s.Language, http.StatusBadRequest, CodeOrderNotFound, "order_id", map[string]any{"order": orderID})
	}
	d, err := call(f.a, func(ctx context.Context, c *apiclient.Client) (album.Order, error) {
		d, err := c.GetOrder(ctx, orderID)
		return d.Order, err
	})
	if err != nil {
		var e *Error
		if errors.As(err, &e) && (e.Status == http.StatusNotFound || e.Status == http.StatusForbidden) {
			return FolderBinding{}, newError(s.Language, http.StatusNotFound, CodeOrderNotFound, "order_id", map[string]any{"order": orderID})
		}
		return FolderBinding{}, err
	}
	return f.add(FolderBinding{Path: p, OrderID: d.ID, OrderCode: d.Code, Customer: d.CustomerName, ByRule: byRule, CreatedAt: time.Now().UTC()})
}

func (f *folders) add(fb FolderBinding) (FolderBinding, error) {
	fb, err := f.db.insert(f.ctx, fb)
	if err != nil {
		return fb, f.a.errorFor(err)
	}
	if err := f.db.setSetting(f.ctx, settingSkip+fb.Path, ""); err != nil {
		return fb, f.a.errorFor(err)
	}
	if err := f.start(fb); err != nil {
		return fb, f.a.errorFor(err)
	}
	f.mu.Lock()
	delete(f.misses, fb.Path)
	b := f.active[fb.ID]
	f.mu.Unlock()
	return b.snapshot(FolderProgress{BindingID: fb.ID}), nil
}

func (f *folders) get(id int64) (*binding, error) {
	f.mu.Lock()
	b := f.active[id]
	f.mu.Unlock()
	if b == nil {
		return nil, newError(f.a.snapshot().Language, http.StatusNotFound, CodeFolderBindingNotFound, "id", map[string]any{"id": id})
	}
	return b, nil
}

// UnbindFolder stops watching a bound folder and forgets the binding. Files already queued
// still go up; nothing is deleted anywhere. A folder the shoots-root rule bound is not bound
// again by the rule.
func (a *App) UnbindFolder(id int64) error {
	if err := a.signedIn(); err != nil {
		return err
	}
	f := a.fold
	f.ops.Lock()
	defer f.ops.Unlock()
	b, err := f.get(id)
	if err != nil {
		return err
	}
	b.halt()
	if err := f.db.delete(f.ctx, id); err != nil {
		return a.errorFor(err)
	}
	if b.ByRule {
		if err := f.db.setSetting(f.ctx, settingSkip+b.Path, "1"); err != nil {
			return a.errorFor(err)
		}
	}
	f.mu.Lock()
	delete(f.active, id)
	f.mu.Unlock()
	return nil
}

// PauseFolder stops (paused) or resumes watching a bound folder; resuming finds what landed
// meanwhile.
func (a *App) PauseFolder(id int64, paused bool) (FolderBinding, error) {
	if err := a.signedIn(); err != nil {
		return FolderBinding{}, err
	}
	f := a.fold
	f.ops.Lock()
	defer f.ops.Unlock()
	b, err := f.get(id)
	if err != nil {
		return FolderBinding{}, err
	}
	if err := f.db.setPaused(f.ctx, id, paused); err != nil {
		return FolderBinding{}, a.errorFor(err)
	}
	b.halt()
	b.mu.Lock()
	b.Paused = paused
	b.mu.Unlock()
	if !paused {
		f.watch(b)
	}
	p, _ := f.progress(f.ctx)
	for _, fp := range p.Folders {
		if fp.BindingID == id {
			return b.snapshot(fp), nil
		}
	}
	return b.snapshot(FolderProgress{BindingID: id}), nil
}

// SetShootsRoot sets the folder whose sub-folders named `<order code>_<anything>` are bound
// to those orders by themselves ("" turns the rule off). Returns the Folders page.
func (a *App) SetShootsRoot(path string) (FoldersView, error) {
	if err := a.signedIn(); err != nil {
		return FoldersView{}, err
	}
	f := a.fold
	lang := a.snapshot().Language
	p := ""
	if strings.TrimSpace(path) != "" {
		var err error
		if p, err = cleanPath(path); err != nil {
			return FoldersView{}, newError(lang, http.StatusBadRequest, CodeFolderMissing, "root", map[string]any{"path": path})
		}
		if err := checkFolder(p); err != nil {
			return FoldersView{}, a.folderError(err, "root", p)
		}
		f.mu.Lock()
		for _, b := range f.active {
			if inside(p, b.Path) {
				f.mu.Unlock()
				return FoldersView{}, newError(lang, http.StatusConflict, CodeFolderNested, "root", map[string]any{"path": p, "other": b.Path})
			}
		}
		f.mu.Unlock()
	}
	if err := f.db.setSetting(f.ctx, settingShootsRoot, p); err != nil {
		return FoldersView{}, a.errorFor(err)
	}
	f.mu.Lock()
	f.root = p
	f.misses, f.tried = map[string]FolderMiss{}, map[string]time.Time{}
	f.mu.Unlock()
	f.applyRule()
	return f.view()
}

// applyRule binds the shoots root's sub-folders named after an order code. Folders whose
// code matches no order are listed (FolderMiss) and looked up again a minute later.
func (f *folders) applyRule() {
	f.mu.Lock()
	root := f.root
	f.mu.Unlock()
	if root == "" || f.a.snapshot().Token == "" {
		return
	}
	ents, err := os.ReadDir(root)
	if err != nil {
		return
	}
	lang := f.a.snapshot().Language
	for _, e := range ents {
		if !e.IsDir() || watch.Ignored(e.Name()) {
			continue
		}
		p := filepath.Join(root, e.Name())
		if skip, _ := f.db.setting(f.ctx, settingSkip+p); skip != "" {
			continue
		}
		if f.checkNewBinding(p, "path") != nil {
			continue // bound (or overlapping a binding) already
		}
		f.mu.Lock()
		last, seen := f.tried[p]
		f.mu.Unlock()
		if seen && time.Since(last) < time.Minute {
			continue
		}
		f.mu.Lock()
		f.tried[p] = time.Now()
		f.mu.Unlock()
		code, ok := OrderCodeOfFolder(e.Name())
		if !ok {
			f.miss(p, e.Name(), newError(lang, http.StatusBadRequest, CodeFolderNameNoOrder, "path", map[string]any{"name": e.Name()}))
			continue
		}
		o, err := call(f.a, func(ctx context.Context, c *apiclient.Client) (album.Order, error) {
			page, err := c.ListOrders(ctx, apiclient.OrderQuery{Q: code, Limit: 5})
			for _, o := range page.Orders {
				if o.Code == code {
					return o, err
				}
			}
			return album.Order{}, err
		})
		if err != nil {
			f.miss(p, e.Name(), f.a.errorFor(err))
			continue
		}
		if o.ID == 0 {
			f.miss(p, e.Name(), newError(lang, http.StatusNotFound, CodeOrderNotFound, "path", map[string]any{"order": code}))
			continue
		}
		if _, err := f.add(FolderBinding{Path: p, OrderID: o.ID, OrderCode: o.Code, Customer: o.CustomerName, ByRule: true,
			CreatedAt: time.Now().UTC()}); err != nil {
			f.a.log.Warn("bind shoot folder", "path", p, "err", err)
		}
	}
}

func (f *folders) miss(path, name string, e *Error) {
	f.mu.Lock()
	f.misses[path] = FolderMiss{Path: path, Name: name, Error: e}
	f.mu.Unlock()
}

// progress sums the upload queue per binding (the albums its sub-folders go to) and overall;
// the engine's speed is shared out by the bytes each binding has queued.
func (f *folders) progress(ctx context.Context) (FoldersProgress, error) {
	eng := f.a.up.progress()
	out := FoldersProgress{Folders: []FolderProgress{}, Offline: eng.Offline, Paused: eng.Paused, Elsewhere: f.a.up.sentElsewhere()}
	f.mu.Lock()
	bs := make([]*binding, 0, len(f.active))
	for _, b := range f.active {
		bs = append(bs, b)
	}
	f.mu.Unlock()
	sort.Slice(bs, func(i, j int) bool { return bs[i].ID < bs[j].ID })
	counted := map[int64]ingest.Counts{}
	seen := map[int64]bool{}
	for _, b := range bs {
		p := FolderProgress{BindingID: b.ID}
		b.mu.Lock()
		ids := make([]int64, 0, len(b.albums))
		for _, id := range b.albums {
			if !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
		}
		p.Waiting = len(b.pending)
		b.mu.Unlock()
		for _, id := range ids {
			c, ok := counted[id]
			if !ok {
				var err error
				if c, err = f.a.up.q.Counts(ctx, id); err != nil {
					return out, err
				}
				counted[id] = c
			}
			p.Queued += c.Queued
			p.Done += c.Done
			p.Failed += c.Failed
			p.QueuedBytes += c.QueuedBytes
			p.DoneBytes += c.DoneBytes
			if !seen[id] { // an album two folders share counts once overall
				seen[id] = true
				out.Overall.Queued += c.Queued
				out.Overall.Done += c.Done
				out.Overall.Failed += c.Failed
				out.Overall.QueuedBytes += c.QueuedBytes
				out.Overall.DoneBytes += c.DoneBytes
			}
		}
		out.Overall.Waiting += p.Waiting
		out.Folders = append(out.Folders, p)
	}
	if eng.BytesPerSec > 0 && out.Overall.QueuedBytes > 0 {
		out.Overall.Speed = eng.BytesPerSec
		out.Overall.ETASeconds = float64(out.Overall.QueuedBytes) / eng.BytesPerSec
		for i := range out.Folders {
			p := &out.Folders[i]
			if p.QueuedBytes > 0 {
				p.Speed = eng.BytesPerSec * float64(p.QueuedBytes) / float64(out.Overall.QueuedBytes)
				p.ETASeconds = out.Overall.ETASeconds // the queue works every folder at once
			}
		}
	}
	return out, nil
}

// FolderFailures lists the files of a bound folder that did not reach their album, with the
// reason in the user's language; RetryUploads(album_id, ids) sends them again.
func (a *App) FolderFailures(id int64) ([]FolderFailed, error) {
	if err := a.signedIn(); err != nil {
		return nil, err
	}
	b, err := a.fold.get(id)
	if err != nil {
		return nil, err
	}
	failed, err := a.up.q.Failed(a.ctx)
	if err != nil {
		return nil, a.errorFor(err)
	}
	b.mu.Lock()
	albums := map[int64]bool{}
	for _, id := range b.albums {
		albums[id] = true
	}
	b.mu.Unlock()
	var mine []ingest.Item
	for _, it := range failed {
		if albums[it.AlbumID] && inside(it.Path, b.Path) {
			mine = append(mine, it)
		}
	}
	out := []FolderFailed{}
	for _, fl := range a.report(mine, a.snapshot().Language).Failed {
		for _, it := range mine {
			if it.ID == fl.ID {
				out = append(out, FolderFailed{ID: it.ID, AlbumID: it.AlbumID, File: it.Rel, Error: fl.Error})
			}
		}
	}
	return out, nil
}

// PickFolder opens the system's folder dialog (the window only) and returns the chosen
// folder, or "" when the user cancelled.
func (a *App) PickFolder(title string) (string, error) {
	if err := a.signedIn(); err != nil {
		return "", err
	}
	if a.cfg.PickFolder == nil {
		return "", newError(a.snapshot().Language, http.StatusNotImplemented, CodeFolderPickerUnavailble, "path", nil)
	}
	p, err := a.cfg.PickFolder(title)
	if err != nil {
		return "", a.errorFor(fmt.Errorf("folder dialog: %w", err))
	}
	return p, nil
}
