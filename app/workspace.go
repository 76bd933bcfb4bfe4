package app

import (
	"context"
	"errors"
	"net/http"
	"path/filepath"
	"sync"
	"time"

	"github.com/studiodesk/studiodesk/app/replica"
	"github.com/studiodesk/studiodesk/app/syncer"
	"github.com/studiodesk/studiodesk/backend/api"
	"github.com/studiodesk/studiodesk/backend/api/apiclient"
	"github.com/studiodesk/studiodesk/backend/lead"
	"github.com/studiodesk/studiodesk/backend/store"
)

// EventNotificationsNew carries the reminders that arrived since the last check.
const EventNotificationsNew = "notifications:new"

// workspace is the logged-in user's lead workspace: the local replica and the loop that
// keeps it in sync. It lives from login (or start-up with a stored session) to logout.
type workspace struct {
	rep     *replica.Replica
	sync    *syncer.Syncer
	session api.Session
	cancel  context.CancelFunc
	done    sync.WaitGroup
}

// wsHolder guards the App's workspace.
type wsHolder struct {
	mu sync.Mutex
	ws *workspace
	// stopping counts workspaces being stopped in the background (after the server ended
	// the session); Stop waits for them so nothing writes to the folder afterwards.
	stopping sync.WaitGroup
}

// openWorkspace opens the replica of this user and starts syncing; an open workspace of the
// same user is kept (a new token only swaps the client).
func (a *App) openWorkspace(sess api.Session, server, token, lang string) error {
	a.wsh.mu.Lock()
	defer a.wsh.mu.Unlock()
	c, err := a.client(server, token, lang)
	if err != nil {
		return err
	}
	if ws := a.wsh.ws; ws != nil {
		if ws.session.Tenant.ID == sess.Tenant.ID && ws.session.Staff.ID == sess.Staff.ID &&
			replica.Fingerprint(ws.session) == replica.Fingerprint(sess) {
			ws.sync.SetClient(c)
			ws.sync.Trigger()
			return nil
		}
		old := a.wsh.ws
		a.wsh.ws = nil
		old.stop(a) // another user or grant: not called from the workspace's own goroutines
	}
	rep, err := replica.Open(a.ctx, replica.Config{Dir: filepath.Join(a.cfg.Dir, "replica"), Server: server, Session: sess})
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(a.ctx)
	ws := &workspace{rep: rep, session: sess, cancel: cancel}
	ws.sync = syncer.New(rep, c, syncer.Config{Emitter: a.emit, Logger: a.log, Interval: a.cfg.SyncInterval})
	ws.done.Add(2)
	go func() {
		defer ws.done.Done()
		if err := ws.sync.Run(ctx); err != nil && !errors.Is(err, context.Canceled) {
			a.log.Error("sync stopped", "err", err)
		}
	}()
	go func() {
		defer ws.done.Done()
		a.watchNotifications(ctx)
	}()
	a.wsh.ws = ws
	return nil
}

// closeWorkspace stops syncing and closes the replica (its file stays for the next login).
func (a *App) closeWorkspace() {
	if ws := a.detachWorkspace(); ws != nil {
		ws.stop(a)
	}
}

// detachWorkspace takes the workspace away from the App (new calls no longer see it).
func (a *App) detachWorkspace() *workspace {
	a.wsh.mu.Lock()
	defer a.wsh.mu.Unlock()
	ws := a.wsh.ws
	a.wsh.ws = nil
	return ws
}

// stop ends the workspace's goroutines and closes its replica. It waits for them, so it
// must not run on one of them (forget, reachable from them, stops in a new goroutine).
func (ws *workspace) stop(a *App) {
	ws.cancel()
	ws.done.Wait()
	if err := ws.rep.Close(); err != nil {
		a.log.Error("close replica", "err", err)
	}
}

// Stop stops a's background work (uploads resume on the next start) and closes its replica
// and upload queue; main calls it on the way out. (A
// function, not a method: every exported method of App is bound to the UI.)
func Stop(a *App) {
	a.closeWorkspace()
	a.wsh.stopping.Wait()
	a.stopFolders() // before the queue it feeds
	a.stopUploads()
}

// withWorkspace runs fn on the open workspace, mapping its errors for the UI.
func withWorkspace[T any](a *App, fn func(ctx context.Context, ws *workspace) (T, error)) (T, error) {
	var zero T
	s := a.snapshot()
	a.wsh.mu.Lock()
	ws := a.wsh.ws
	a.wsh.mu.Unlock()
	if ws == nil {
		return zero, newError(s.Language, http.StatusUnauthorized, CodeUnauthenticated, "", nil)
	}
	ctx, cancel := context.WithTimeout(a.ctx, a.cfg.Timeout)
	defer cancel()
	v, err := fn(ctx, ws)
	if err != nil {
		return zero, a.localError(err, s)
	}
	return v, nil
}

// localError maps the replica's and the shared rules' errors to *Error with the same
// localized messages the server gives, so an offline refusal reads like an online one.
func (a *App) localError(err error, s settings) error {
	var fe interface {
		Field() string
		Code() string
		Params() map[string]any
	}
	var ae *Error
	switch {
	case errors.As(err, &ae):
		return ae
	case errors.As(err, &fe):
		status := http.StatusBadRequest
		switch fe.Code() {
		case "forbidden", "out_of_scope":
			status = http.StatusForbidden
		case "lead_duplicate":
			status = http.StatusConflict
		}
		return &Error{Status: status, Code: fe.Code(), Field: fe.Field(), Params: fe.Params(),
			Message: api.Localize(fe.Code(), fe.Field(), fe.Params(), api.Lang(s.Language))}
	case errors.Is(err, replica.ErrNotFound):
		return &Error{Status: http.StatusNotFound, Code: "not_found", Message: api.Localize("not_found", "", nil, api.Lang(s.Language))}
	case errors.Is(err, replica.ErrFilter):
		return &Error{Status: http.StatusBadRequest, Code: "invalid_value", Field: "cursor",
			Message: api.Localize("invalid_value", "cursor", nil, api.Lang(s.Language))}
	}
	return a.toError(err, s.ServerURL, s.Language, "")
}

// watchNotifications emits the reminders that arrive (the server's sweep writes them) and
// shows the urgent ones as desktop notifications.
func (a *App) watchNotifications(ctx context.Context) {
	var last int64
	t := time.NewTicker(a.cfg.ReminderPoll)
	defer t.Stop()
	for {
		if list, err := call(a, func(ctx context.Context, c *apiclient.Client) ([]store.Notification, error) {
			return c.Notifications(ctx, true)
		}); err == nil {
			var fresh []store.Notification
			for _, n := range list {
				if n.ID > last {
					fresh = append(fresh, n)
				}
			}
			for _, n := range list {
				last = max(last, n.ID)
			}
			if len(fresh) > 0 {
				a.emit.Emit(EventNotificationsNew, fresh)
				a.toast(fresh)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// nextStates lists the valid next states of every axis (what the status menus offer).
func nextStates(l lead.Lead, now time.Time) []api.NextStates {
	out := make([]api.NextStates, 0, 3)
	for _, ax := range lead.Axes() {
		st := lead.NextStates(l, ax, now)
		if st == nil {
			st = []string{}
		}
		out = append(out, api.NextStates{Axis: ax, States: st})
	}
	return out
}
