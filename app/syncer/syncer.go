// Package syncer keeps a desktop replica (app/replica) in step with the server: each round
// pushes the outbox in batches, pulls the change feed from the replica's cursor until the
// server has nothing more (paging through a snapshot first when the replica is empty), and
// rebases the still-pending local changes on the pulled state. Rounds run on start, every
// Config.Interval, on demand (Trigger) and when the client changes (SetClient: a new login
// or server address); with the server unreachable the status turns offline and rounds are
// retried with exponential backoff. Nothing is ever dropped from the outbox here: only the
// server's stored answer removes an entry (replica.Ack).
//
// Status and progress reach the UI through a small Emitter, under the event names declared
// below (mirrored once in the UI).
package syncer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/studiodesk/studiodesk/app/replica"
	"github.com/studiodesk/studiodesk/backend/account"
	"github.com/studiodesk/studiodesk/backend/api"
	"github.com/studiodesk/studiodesk/backend/api/apiclient"
	"github.com/studiodesk/studiodesk/backend/lead"
)

// Emitter pushes an event to the UI (app.Emitter satisfies it). Emit must not block long.
type Emitter interface {
	Emit(name string, data ...any)
}

// Event names, declared once here.
const (
	// EventStatus carries a Status whenever it changes (start and end of every round).
	EventStatus = "sync:status"
	// EventProgress carries a Progress for every snapshot page of a first sync.
	EventProgress = "sync:progress"
	// EventChanged carries a Changed after a round that changed the replica's leads, so open
	// lists and details reload.
	EventChanged = "sync:changed"
)

// EventNames lists every event a Syncer emits, for the UI's mirror check.
func EventNames() []string { return []string{EventStatus, EventProgress, EventChanged} }

// Client is what a Syncer needs of the server; *apiclient.Client is the real one. Errors
// wrapping apiclient.ErrUnreachable mean offline; a 400 cursor_invalid from Pull means the
// replica must start over with a snapshot.
type Client interface {
	Snapshot(ctx context.Context, cursor string, limit int) (api.Snapshot, error)
	Pull(ctx context.Context, cursor string, limit int) (api.Pull, error)
	Push(ctx context.Context, mutations []api.Mutation) (api.PushResponse, error)
	ListBrands(ctx context.Context) ([]account.Brand, error)
	CustomFields(ctx context.Context, brandID int64) ([]lead.CustomField, error)
}

var _ Client = (*apiclient.Client)(nil)

// Clock is the time source of the loop; clocktest.Clock is the fake tests drive.
type Clock interface {
	Now() time.Time
	// After delivers once, d from now.
	After(d time.Duration) <-chan time.Time
}

type realClock struct{}

func (realClock) Now() time.Time                         { return time.Now() }
func (realClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// Config holds a Syncer's tunables; zero values take the defaults.
type Config struct {
	// Interval between rounds while online; default 5 s.
	Interval time.Duration
	// MinBackoff and MaxBackoff bound the retry delay while offline (doubling from the
	// minimum); defaults 1 s and 60 s.
	MinBackoff, MaxBackoff time.Duration
	// PushBatch mutations per push (server maximum 1000); default 200.
	PushBatch int
	// PullLimit changes per pull (1–10000); default 1000.
	PullLimit int
	// SnapshotLimit leads per snapshot page (1–500, the server's largest); default 500.
	SnapshotLimit int
	// BrandsEvery: how often brand settings (type, duplicate policy, custom fields) are
	// refreshed; default 10 minutes (and on the first round).
	BrandsEvery time.Duration
	// Clock; default the real one.
	Clock Clock
	// Emitter receives status and progress; default discards.
	Emitter Emitter
	// Logger; default slog.Default().
	Logger *slog.Logger
}

// States of the status indicator.
const (
	StateIdle    = "idle"    // online, nothing running
	StateSyncing = "syncing" // a round is running
	StateOffline = "offline" // the server is unreachable; retrying with backoff
	StateError   = "error"   // the server answered with an error (see ErrorCode)
)

// Status is what the status indicator shows.
type Status struct {
	State    string     `json:"state"`
	Online   bool       `json:"online"`
	Pending  int        `json:"pending"`
	Rejected int        `json:"rejected"`
	Leads    int        `json:"leads"`
	LastSync *time.Time `json:"last_sync,omitempty"`
	// LastError says what went wrong in the last round ("" after a good one); ErrorCode is
	// the server's code when it answered (e.g. session_expired: log in again).
	LastError string `json:"last_error,omitempty"`
	ErrorCode string `json:"error_code,omitempty"`
	// RetryIn is the delay before the next attempt while offline.
	RetryIn time.Duration `json:"retry_in_ns,omitempty"`
}

// Progress reports a first sync's snapshot paging.
type Progress struct {
	Phase  string `json:"phase"` // "snapshot"
	Loaded int    `json:"loaded"`
	Done   bool   `json:"done"`
}

// Changed summarizes what a round changed in the replica.
type Changed struct {
	Upserted int `json:"upserted"`
	Removed  int `json:"removed"`
	Acked    int `json:"acked"`
	Rejected int `json:"rejected"`
}

// Syncer runs the sync rounds of one replica. Its methods are safe for concurrent use.
type Syncer struct {
	rep     *replica.Replica
	cfg     Config
	log     *slog.Logger
	trigger chan struct{}

	round sync.Mutex // one round at a time

	mu         sync.Mutex
	client     Client
	status     Status
	brandsAt   time.Time
	brandsDone bool
}

// New builds a Syncer of rep talking to the server through c.
func New(rep *replica.Replica, c Client, cfg Config) *Syncer {
	if cfg.Interval <= 0 {
		cfg.Interval = 5 * time.Second
	}
	if cfg.MinBackoff <= 0 {
		cfg.MinBackoff = time.Second
	}
	if cfg.MaxBackoff < cfg.MinBackoff {
		cfg.MaxBackoff = max(60*time.Second, cfg.MinBackoff)
	}
	if cfg.PushBatch <= 0 || cfg.PushBatch > 1000 {
		cfg.PushBatch = 200
	}
	if cfg.PullLimit <= 0 || cfg.PullLimit > 10000 {
		cfg.PullLimit = 1000
	}
	if cfg.SnapshotLimit <= 0 || cfg.SnapshotLimit > 500 {
		cfg.SnapshotLimit = 500
	}
	if cfg.BrandsEvery <= 0 {
		cfg.BrandsEvery = 10 * time.Minute
	}
	if cfg.Clock == nil {
		cfg.Clock = realClock{}
	}
	if cfg.Emitter == nil {
		cfg.Emitter = discard{}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return &Syncer{rep: rep, cfg: cfg, log: cfg.Logger.With("component", "syncer"), client: c,
		trigger: make(chan struct{}, 1), status: Status{State: StateIdle}}
}

type discard struct{}

func (discard) Emit(string, ...any) {}

// SetClient replaces the server client (a new token or address) and asks for a round.
func (s *Syncer) SetClient(c Client) {
	s.mu.Lock()
	s.client = c
	s.mu.Unlock()
	s.Trigger()
}

// Trigger asks the running loop for a round now (after a local change, on reconnect, or
// when the user presses "sync"); it never blocks, and several triggers make one round.
func (s *Syncer) Trigger() {
	select {
	case s.trigger <- struct{}{}:
	default:
	}
}

// Status returns the last published status.
func (s *Syncer) Status() Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.status
}

// Run syncs until ctx ends: a round at once, then every Interval while online, after a
// growing backoff while offline, and whenever triggered. It returns ctx's error.
func (s *Syncer) Run(ctx context.Context) error {
	var backoff time.Duration
	wait := s.cfg.Clock.After(0)
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-s.trigger:
		case <-wait:
		}
		err := s.Sync(ctx)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		switch {
		case err != nil && Offline(err):
			backoff = min(max(2*backoff, s.cfg.MinBackoff), s.cfg.MaxBackoff)
			s.update(func(st *Status) { st.RetryIn = backoff })
			wait = s.cfg.Clock.After(backoff)
		default:
			backoff = 0
			wait = s.cfg.Clock.After(s.cfg.Interval)
		}
	}
}

// Offline reports whether err means the server could not be reached.
func Offline(err error) bool { return errors.Is(err, apiclient.ErrUnreachable) }

// Sync runs one round now: push the outbox, pull (snapshot first when needed), rebase. The
// status is published at its start and end; an error is returned too (wrapping
// apiclient.ErrUnreachable when offline).
func (s *Syncer) Sync(ctx context.Context) error {
	s.round.Lock()
	defer s.round.Unlock()
	s.mu.Lock()
	c := s.client
	s.mu.Unlock()
	s.publish(ctx, func(st *Status) { st.State = StateSyncing })
	var ch Changed
	err := s.sync(ctx, c, &ch)
	now := s.cfg.Clock.Now()
	if err == nil {
		if serr := s.rep.SetLastSync(ctx, now); serr != nil {
			err = serr
		}
	}
	s.publish(ctx, func(st *Status) {
		st.RetryIn = 0
		switch {
		case err == nil:
			st.State, st.Online, st.LastError, st.ErrorCode = StateIdle, true, "", ""
		case Offline(err):
			st.State, st.Online, st.LastError, st.ErrorCode = StateOffline, false, err.Error(), ""
		default:
			st.State, st.LastError, st.ErrorCode = StateError, err.Error(), apiclient.CodeOf(err)
			st.Online = st.ErrorCode != "" // the server answered
		}
	})
	if ch != (Changed{}) {
		s.cfg.Emitter.Emit(EventChanged, ch)
	}
	if err != nil {
		s.log.Warn("sync round failed", "err", err)
	}
	return err
}

func (s *Syncer) sync(ctx context.Context, c Client, ch *Changed) error {
	if c == nil {
		return fmt.Errorf("sync: %w: no server client", apiclient.ErrUnreachable)
	}
	if err := s.refreshBrands(ctx, c); err != nil {
		return err
	}
	if err := s.push(ctx, c, ch); err != nil {
		return err
	}
	if err := s.pull(ctx, c, ch); err != nil {
		return err
	}
	if err := s.rep.Rebase(ctx); err != nil {
		return fmt.Errorf("rebase pending changes: %w", err)
	}
	return nil
}

// ReloadBrands makes the next round reload brand settings (a brand created or changed
// moments ago).
func (s *Syncer) ReloadBrands() {
	s.mu.Lock()
	s.brandsDone = false
	s.mu.Unlock()
}

// refreshBrands reloads brand settings on the first round and every BrandsEvery.
func (s *Syncer) refreshBrands(ctx context.Context, c Client) error {
	s.mu.Lock()
	due := !s.brandsDone || s.cfg.Clock.Now().Sub(s.brandsAt) >= s.cfg.BrandsEvery
	s.mu.Unlock()
	if !due {
		return nil
	}
	bs, err := c.ListBrands(ctx)
	if err != nil {
		return fmt.Errorf("load brands: %w", err)
	}
	out := make([]replica.Brand, 0, len(bs))
	for _, b := range bs {
		fields, err := c.CustomFields(ctx, b.ID)
		if err != nil {
			return fmt.Errorf("load custom fields of brand %d: %w", b.ID, err)
		}
		out = append(out, replica.Brand{Brand: b, Fields: fields})
	}
	if err := s.rep.SetBrands(ctx, out); err != nil {
		return err
	}
	s.mu.Lock()
	s.brandsDone, s.brandsAt = true, s.cfg.Clock.Now()
	s.mu.Unlock()
	return nil
}

// maxPushes bounds the pushes of one round (a create's dependants become pushable after
// its answer; a huge outbox continues next round).
const maxPushes = 50

// push sends the pushable outbox in batches and stores each batch's answers.
func (s *Syncer) push(ctx context.Context, c Client, ch *Changed) error {
	for range maxPushes {
		muts, err := s.rep.Pushable(ctx, s.cfg.PushBatch)
		if err != nil {
			return err
		}
		if len(muts) == 0 {
			return nil
		}
		res, err := c.Push(ctx, muts)
		if err != nil {
			return fmt.Errorf("push %d changes: %w", len(muts), err)
		}
		if err := s.rep.Ack(ctx, res.Results); err != nil {
			return fmt.Errorf("store the server's answers: %w", err)
		}
		for _, r := range res.Results {
			if r.Status == "applied" {
				ch.Acked++
			} else {
				ch.Rejected++
			}
		}
		if len(res.Results) == 0 {
			return nil // a server that answers nothing would loop forever
		}
	}
	return nil
}

// pull brings the replica to the head of the feed, through a snapshot when it has no
// cursor (first sync, after a reset, or a cursor the server refused).
func (s *Syncer) pull(ctx context.Context, c Client, ch *Changed) error {
	for attempt := 0; ; attempt++ {
		cursor, err := s.rep.Cursor(ctx)
		if err != nil {
			return err
		}
		if cursor == "" {
			if err := s.snapshot(ctx, c, ch); err != nil {
				return err
			}
			if cursor, err = s.rep.Cursor(ctx); err != nil {
				return err
			}
		}
		err = s.pullFrom(ctx, c, cursor, ch)
		if apiclient.CodeOf(err) == "cursor_invalid" && attempt == 0 {
			s.log.Warn("the server refused the replica's cursor; starting over with a snapshot")
			if err := s.rep.Reset(ctx); err != nil {
				return err
			}
			continue
		}
		return err
	}
}

func (s *Syncer) pullFrom(ctx context.Context, c Client, cursor string, ch *Changed) error {
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		p, err := c.Pull(ctx, cursor, s.cfg.PullLimit)
		if err != nil {
			return fmt.Errorf("pull changes: %w", err)
		}
		got, err := s.rep.ApplyPull(ctx, p)
		if err != nil {
			return err
		}
		ch.Upserted += got.Upserted
		ch.Removed += got.Removed
		cursor = p.Cursor
		if !p.More {
			return nil
		}
	}
}

func (s *Syncer) snapshot(ctx context.Context, c Client, ch *Changed) error {
	st, err := s.rep.Snapshot(ctx)
	if err != nil {
		return err
	}
	// The next page is fetched while this one is written: the server's reading and the
	// transfer overlap the replica's inserts (a first sync of 100,000 leads is 200 pages).
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	pages := make(chan fetched, 1)
	go func() {
		defer close(pages)
		next := st.Next
		for {
			page, err := c.Snapshot(ctx, next, s.cfg.SnapshotLimit)
			select {
			case pages <- fetched{page, err}:
			case <-ctx.Done():
				return
			}
			if err != nil || page.Next == "" {
				return
			}
			next = page.Next
		}
	}()
	for f := range pages {
		if err := ctx.Err(); err != nil {
			return err
		}
		if f.err != nil {
			return fmt.Errorf("load snapshot: %w", f.err)
		}
		if st, err = s.rep.ApplySnapshotPage(ctx, f.page); err != nil {
			return err
		}
		ch.Upserted += len(f.page.Leads)
		done := f.page.Next == ""
		s.cfg.Emitter.Emit(EventProgress, Progress{Phase: "snapshot", Loaded: st.Loaded, Done: done})
		if done {
			return nil
		}
	}
	return ctx.Err()
}

// fetched is one snapshot page, or why it could not be had.
type fetched struct {
	page api.Snapshot
	err  error
}

// publish updates the status with the replica's counts and emits it.
func (s *Syncer) publish(ctx context.Context, fn func(st *Status)) {
	stats, err := s.rep.Stats(ctx)
	if err != nil {
		s.log.Warn("replica stats", "err", err)
	}
	st := s.update(func(st *Status) {
		fn(st)
		if err == nil {
			st.Pending, st.Rejected, st.Leads, st.LastSync = stats.Pending, stats.Rejected, stats.Leads, stats.LastSync
		}
	})
	s.cfg.Emitter.Emit(EventStatus, st)
}

func (s *Syncer) update(fn func(st *Status)) Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	fn(&s.status)
	return s.status
}
