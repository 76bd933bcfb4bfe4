package sqldb

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/studiodesk/studiodesk/backend/store"
)

// Group commit. SQLite has one writer: every write transaction waits for the one before it,
// and each pays its own BEGIN and COMMIT (the COMMIT writes the WAL frames, about a fifth of
// a small transaction's cost). When writers queue up, the first of them becomes the leader
// and runs the queued transactions back to back inside ONE database transaction, each in
// its own savepoint: a transaction that fails is rolled back to its savepoint and only it
// sees the error, the others commit together. A caller's Update still returns only after
// its writes are committed (or failed), so nothing about the result changes; only the cost
// of the commit is shared. With one writer at a time the batch is that one transaction.

// maxGroup bounds how many transactions share one commit, so a long queue cannot hold the
// writer for long and a failed commit costs a bounded amount of work.
const maxGroup = 64

// CommitDelay is how long a leader may hold a commit open for the writers that shared the
// last one and have not queued again yet (PostgreSQL's commit_delay, InnoDB's group commit
// sync delay, made adaptive). Every commit rewrites the tail pages of every index it touches
// (a lead create touches ~25 b-trees, one WAL frame each), so a commit shared by four
// creates writes a fraction of the frames of four commits; under concurrent load that is
// the writer's largest cost. A lone writer never waits: the last commit had one member.
// A variable for benchmarks (bench/leads -commit-delay); 0 turns the wait off.
var CommitDelay = 400 * time.Microsecond

// errPanicked rolls back the transaction of a member that panicked (the panic itself goes
// back to its caller).
var errPanicked = errors.New("transaction function panicked")

// groupWork is one caller's transaction waiting for (or in) a group.
type groupWork struct {
	ctx    context.Context
	tenant int64
	fn     func(store.Tx) error
	done   chan groupResult
}

type groupResult struct {
	err   error
	panic any
}

// group queues write transactions; the caller that finds no leader leads.
type group struct {
	mu      sync.Mutex
	queue   []*groupWork
	leading bool
	batches atomic.Int64 // database transactions committed (for tests and metrics)
	members atomic.Int64 // caller transactions committed in them
	busy    atomic.Int64 // nanoseconds the writer spent running groups (its utilization)

	last    int           // members of the last group: how many writers to wait for
	arrived chan struct{} // signalled when a writer queues while the leader waits
	waiting bool          // the leader is holding its commit open (guarded by mu)
}

// updateGrouped runs fn like Update, sharing the commit with concurrent callers.
func (db *DB) updateGrouped(ctx context.Context, tenantID int64, fn func(store.Tx) error) error {
	w := &groupWork{ctx: ctx, tenant: tenantID, fn: fn, done: make(chan groupResult, 1)}
	if db.group.enqueue(w) {
		db.leadGroups()
	}
	r := <-w.done
	if r.panic != nil {
		panic(r.panic)
	}
	return r.err
}

// enqueue queues w and reports whether its caller must lead (no one else is leading).
func (g *group) enqueue(w *groupWork) (lead bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.queue = append(g.queue, w)
	lead = !g.leading
	g.leading = true
	if g.waiting {
		select {
		case g.arrived <- struct{}{}:
		default:
		}
	}
	return lead
}

// leadGroups runs batches until the queue is empty, then hands leadership back.
func (db *DB) leadGroups() {
	g := db.group
	for {
		g.mu.Lock()
		if len(g.queue) == 0 {
			g.leading = false
			g.mu.Unlock()
			return
		}
		g.awaitSiblings()
		n := min(len(g.queue), maxGroup)
		g.last = n
		batch := g.queue[:n:n]
		g.queue = g.queue[n:]
		g.mu.Unlock()
		db.runGroup(batch)
	}
}

// awaitSiblings holds the commit open (at most CommitDelay) until as many writers queue as
// shared the last commit. Called and returns with g.mu held.
func (g *group) awaitSiblings() {
	if g.last <= 1 || len(g.queue) >= g.last || len(g.queue) >= maxGroup || CommitDelay <= 0 {
		return
	}
	if g.arrived == nil {
		g.arrived = make(chan struct{}, 1)
	}
	timer := time.NewTimer(CommitDelay)
	defer timer.Stop()
	g.waiting = true
	defer func() { g.waiting = false }()
	for len(g.queue) < g.last {
		g.mu.Unlock()
		select {
		case <-g.arrived:
			g.mu.Lock()
		case <-timer.C:
			g.mu.Lock()
			return
		}
	}
}

// runGroup runs one batch in one transaction and answers every member.
func (db *DB) runGroup(batch []*groupWork) {
	began := time.Now()
	defer func() { db.group.busy.Add(int64(time.Since(began))) }()
	results := make([]groupResult, len(batch))
	// The transaction must outlive any one member's context: a member whose client went
	// away fails alone (its statements see its own context), the others still commit.
	if len(batch) == 1 {
		// Alone: its own transaction, no savepoint needed to isolate it.
		w := batch[0]
		var r groupResult
		err := db.inTx(context.Background(), db.write, false, func(c conn) (err error) {
			if err := w.ctx.Err(); err != nil {
				return err
			}
			defer func() {
				if p := recover(); p != nil {
					r.panic, err = p, errPanicked // rolls the transaction back
				}
			}()
			return w.fn(&tx{conn: c, tenant: w.tenant})
		})
		if r.panic == nil {
			r.err = err
		}
		if err == nil {
			db.group.batches.Add(1)
			db.group.members.Add(1)
		}
		w.done <- r
		return
	}
	err := db.inTx(context.Background(), db.write, false, func(c conn) error {
		for i, w := range batch {
			if err := w.ctx.Err(); err != nil {
				results[i].err = err
				continue
			}
			r, fatal := c.savepoint(w.ctx, "g"+strconv.Itoa(i), func() error {
				return w.fn(&tx{conn: c, tenant: w.tenant})
			})
			results[i] = r
			if fatal != nil {
				// The transaction itself is gone (SQLite rolled it back on an I/O or
				// memory error): fail every member, none of them is committed.
				return fatal
			}
		}
		return nil
	})
	committed := int64(0)
	for i, w := range batch {
		r := results[i]
		if err != nil && r.err == nil && r.panic == nil {
			r.err = err
		}
		if r.err == nil && r.panic == nil {
			committed++
		}
		w.done <- r
	}
	if err == nil {
		db.group.batches.Add(1)
		db.group.members.Add(committed)
	}
}

// savepoint runs fn inside SAVEPOINT name: fn's error or panic undoes fn's writes and is
// returned in r while the enclosing transaction goes on. fatal is set when the transaction
// cannot go on (the savepoint could not be taken, released or rolled back to).
func (c conn) savepoint(ctx context.Context, name string, fn func() error) (r groupResult, fatal error) {
	if _, err := c.exec(context.WithoutCancel(ctx), "SAVEPOINT "+name); err != nil {
		r.err = fmt.Errorf("savepoint: %w", err)
		return r, r.err
	}
	func() {
		defer func() {
			if p := recover(); p != nil {
				r.panic = p
			}
		}()
		r.err = fn()
	}()
	bg := context.WithoutCancel(ctx) // undoing must not be cut short by the caller leaving
	if r.err != nil || r.panic != nil {
		if _, err := c.exec(bg, "ROLLBACK TO SAVEPOINT "+name); err != nil {
			return r, fmt.Errorf("rollback to savepoint: %w", errors.Join(err, r.err))
		}
	}
	if _, err := c.exec(bg, "RELEASE SAVEPOINT "+name); err != nil {
		return r, fmt.Errorf("release savepoint: %w", err)
	}
	return r, nil
}

// Savepoint implements store.Tx: fn's writes are undone when it fails, and the transaction
// goes on.
func (t *tx) Savepoint(ctx context.Context, fn func() error) error {
	t.depth++
	defer func() { t.depth-- }()
	r, fatal := t.savepoint(ctx, "s"+strconv.Itoa(t.depth), fn)
	if r.panic != nil {
		panic(r.panic)
	}
	if fatal != nil {
		return fatal
	}
	return r.err
}

// GroupStats reports how many database transactions group commit made and how many caller
// transactions they carried (members/batches is the average group size).
func (db *DB) GroupStats() (batches, members int64) {
	if db.group == nil {
		return 0, 0
	}
	return db.group.batches.Load(), db.group.members.Load()
}

// WriterBusy reports how long the single writer has spent running write transactions,
// commits included: its rate of increase is the writer's utilization, the ceiling of write
// throughput when it nears 1.
func (db *DB) WriterBusy() time.Duration {
	if db.group == nil {
		return 0
	}
	return time.Duration(db.group.busy.Load())
}

// WriteQueue reports how many write transactions wait for the writer (a metric).
func (db *DB) WriteQueue() int {
	if db.group == nil {
		return 0
	}
	db.group.mu.Lock()
	defer db.group.mu.Unlock()
	return len(db.group.queue)
}
