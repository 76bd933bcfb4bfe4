// Package sqldb implements store.Store once, over database/sql, for every SQL driver.
// Drivers (store/sqlite, store/postgres) open the connections, apply their own embedded
// migrations and describe their dialect; the queries here are written in the portable subset
// both engines share (RETURNING, ON CONFLICT, ? placeholders rebound per dialect).
package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/studiodesk/studiodesk/backend/account"
	"github.com/studiodesk/studiodesk/backend/store"
)

// Dialect is what differs between SQL engines.
type Dialect struct {
	Name string
	// Numbered placeholders ($1, $2, ...) instead of ?.
	NumberedParams bool
	// IsUniqueViolation reports whether err is a unique-constraint failure.
	IsUniqueViolation func(error) bool
	// NextLeadID is a query answering the id the next lead gets, run in the creating
	// transaction (SQLite: max+1 under its single writer; PostgreSQL: nextval).
	NextLeadID string
	// GroupCommit batches concurrent write transactions into one database transaction
	// (group.go); for engines with a single writer.
	GroupCommit bool
	// OrderedJoin joins keeping the left table the outer loop where the engine lets a query
	// force that: SQLite's "CROSS JOIN"; PostgreSQL rejects CROSS JOIN ... ON, so it says
	// "JOIN" and its planner chooses.
	OrderedJoin string
	// FoldLike wraps the column of a LIKE that must ignore the case of ASCII letters only
	// (patterns are ASCII lower-cased): "%s" where LIKE already does, as SQLite's does.
	FoldLike string
	// SkipLocked ends the sub-select that picks the next job: " FOR UPDATE SKIP LOCKED"
	// where workers on several replicas should pass over a row another one is leasing
	// instead of queueing behind it (PostgreSQL); empty with a single writer (SQLite).
	SkipLocked string
	// IsRetryable reports whether a write transaction failed only because of concurrent
	// ones (PostgreSQL: deadlock detected, serialization failure) and may run again.
	IsRetryable func(error) bool
	// TenantWriteLock, when set, runs first in every write transaction bound to a tenant
	// (one ? parameter: the tenant). PostgreSQL locks the studio's change-feed counter row
	// there: nearly every write takes it later anyway (AppendChange), and taking it first
	// makes a studio's write transactions queue in one order instead of deadlocking on it
	// (a push of several mutations locks one lead, then the counter, then the next lead).
	TenantWriteLock string
}

// DB implements store.Store.
type DB struct {
	write   *sql.DB // read-write transactions (SQLite: one connection, BEGIN IMMEDIATE)
	read    *sql.DB // read-only transactions; may be the same pool as write
	dialect Dialect
	stmts   map[*sql.DB]*stmtCache
	group   *group // nil unless the dialect asks for group commit
	closers []func() error
}

// OnClose registers fn to run first when the store closes (a driver's background work).
func (db *DB) OnClose(fn func() error) { db.closers = append(db.closers, fn) }

var _ store.Store = (*DB)(nil)

// New wraps opened pools. read may equal write.
func New(write, read *sql.DB, d Dialect) *DB {
	db := &DB{write: write, read: read, dialect: d,
		stmts: map[*sql.DB]*stmtCache{write: newStmtCache(write), read: newStmtCache(read)}}
	if d.GroupCommit {
		db.group = &group{}
	}
	return db
}

// maxCachedStmts bounds the statement cache: the store's statements are a fixed set plus
// one per combination of list filters, far below this; past it, statements are prepared per
// use as before, so an unexpected explosion of shapes costs speed, not memory.
const maxCachedStmts = 2000

// stmtCache keeps one prepared statement per query text on a pool. Parsing and planning a
// statement cost SQLite about as much as running a small one (a quarter of a lead create's
// CPU); database/sql re-prepares a cached statement once per connection and reuses it
// inside transactions (Tx.StmtContext), so each connection parses each query once.
//
// A statement is prepared in the background the first time it is seen, and that use runs
// unprepared: preparing on the pool needs a free connection, and the caller may be holding
// the only one (SQLite's single writer) inside its transaction.
type stmtCache struct {
	pool    *sql.DB
	mu      sync.RWMutex
	m       map[string]*sql.Stmt // nil value: being prepared, or not preparable
	closed  bool
	pending sync.WaitGroup
	ctx     context.Context // ends background preparations at Close
	cancel  context.CancelFunc
}

func newStmtCache(pool *sql.DB) *stmtCache {
	ctx, cancel := context.WithCancel(context.Background())
	return &stmtCache{pool: pool, m: map[string]*sql.Stmt{}, ctx: ctx, cancel: cancel}
}

// get returns the prepared statement for q, or nil when it is not (yet) cached; the caller
// then runs q directly.
func (sc *stmtCache) get(q string) *sql.Stmt {
	sc.mu.RLock()
	st, seen := sc.m[q]
	sc.mu.RUnlock()
	if seen {
		return st
	}
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if _, seen = sc.m[q]; seen || sc.closed || len(sc.m) >= maxCachedStmts {
		return nil
	}
	sc.m[q] = nil
	sc.pending.Add(1)
	go func() {
		defer sc.pending.Done()
		st, err := sc.pool.PrepareContext(sc.ctx, q)
		if err != nil {
			return // stays nil: runs unprepared, and its error shows to the caller there
		}
		sc.mu.Lock()
		defer sc.mu.Unlock()
		if sc.closed {
			_ = st.Close()
			return
		}
		sc.m[q] = st
	}()
	return nil
}

func (sc *stmtCache) close() error {
	sc.mu.Lock()
	sc.closed = true
	sc.mu.Unlock()
	sc.cancel()
	sc.pending.Wait()
	sc.mu.Lock()
	defer sc.mu.Unlock()
	var err error
	for q, st := range sc.m {
		if st != nil {
			err = errors.Join(err, st.Close())
		}
		delete(sc.m, q)
	}
	return err
}

// WritePool exposes the read-write pool to the driver (migrations, maintenance).
func (db *DB) WritePool() *sql.DB { return db.write }

// Close closes both pools.
func (db *DB) Close() error {
	var err error
	for _, fn := range db.closers {
		err = errors.Join(err, fn())
	}
	for _, sc := range db.stmts {
		err = errors.Join(err, sc.close())
	}
	err = errors.Join(err, db.write.Close())
	if db.read != db.write {
		err = errors.Join(err, db.read.Close())
	}
	return err
}

// Ping checks both pools.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.write.PingContext(ctx); err != nil {
		return fmt.Errorf("ping database: %w", err)
	}
	return db.read.PingContext(ctx)
}

// rebind turns ? placeholders into the dialect's form.
func (db *DB) rebind(q string) string { return db.dialect.Rebind(q) }

// Rebind turns the ? placeholders of a query written for this package into the dialect's
// form (tools that run the store's statements themselves, e.g. benchmarks). Queries here
// never contain a literal question mark, so a plain scan is enough.
func (d Dialect) Rebind(q string) string {
	if !d.NumberedParams {
		return q
	}
	var b strings.Builder
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

// queryer is what both *sql.DB and *sql.Tx offer.
type queryer interface {
	ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
}

// conn runs rebound queries through the pool's statement cache and maps driver errors to
// store sentinels.
type conn struct {
	q    queryer
	db   *DB
	pool *sql.DB
	tx   *sql.Tx // set when q is a transaction
	// retryable is set when a statement of the transaction failed in a way that a new
	// attempt may not (deadlock, serialization failure): the caller may have swallowed that
	// error and failed later with "transaction aborted", which alone would not say so.
	retryable *bool
}

// poolConn runs single statements on pool, outside a transaction.
func (db *DB) poolConn(pool *sql.DB) conn { return conn{q: pool, db: db, pool: pool} }

// prepared returns q ready to run on c (from the cache), or q's runner itself.
func (c conn) prepared(ctx context.Context, q string) (queryer, string) {
	q = c.db.rebind(q)
	sc := c.db.stmts[c.pool]
	if sc == nil {
		return c.q, q
	}
	st := sc.get(q)
	if st == nil {
		return c.q, q
	}
	if c.tx != nil {
		st = c.tx.StmtContext(ctx, st) // closed with the transaction
	}
	return stmtQueryer{st}, ""
}

// stmtQueryer adapts a prepared statement to queryer; the query text is already bound.
type stmtQueryer struct{ st *sql.Stmt }

func (s stmtQueryer) ExecContext(ctx context.Context, _ string, args ...any) (sql.Result, error) {
	return s.st.ExecContext(ctx, args...)
}
func (s stmtQueryer) QueryContext(ctx context.Context, _ string, args ...any) (*sql.Rows, error) {
	return s.st.QueryContext(ctx, args...)
}
func (s stmtQueryer) QueryRowContext(ctx context.Context, _ string, args ...any) *sql.Row {
	return s.st.QueryRowContext(ctx, args...)
}

func (c conn) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	r, q := c.prepared(ctx, q)
	res, err := r.ExecContext(ctx, q, args...)
	return res, c.mapErr(err)
}

func (c conn) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	r, q := c.prepared(ctx, q)
	rows, err := r.QueryContext(ctx, q, args...)
	return rows, c.mapErr(err)
}

// row scans one row; sql.ErrNoRows becomes store.ErrNotFound.
func (c conn) row(ctx context.Context, q string, args []any, dest ...any) error {
	r, q := c.prepared(ctx, q)
	err := r.QueryRowContext(ctx, q, args...).Scan(dest...)
	return c.mapErr(err)
}

// mapErr maps err as DB.mapErr does, noting a retryable failure on the transaction.
func (c conn) mapErr(err error) error {
	if err != nil && c.retryable != nil && c.db.dialect.IsRetryable != nil && c.db.dialect.IsRetryable(err) {
		*c.retryable = true
	}
	return c.db.mapErr(err)
}

func (db *DB) mapErr(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, sql.ErrNoRows):
		return store.ErrNotFound
	case db.dialect.IsUniqueViolation != nil && db.dialect.IsUniqueViolation(err):
		return fmt.Errorf("%w: %v", store.ErrConflict, err)
	}
	return err
}

// maxTxAttempts bounds how often a write transaction runs when concurrent ones keep
// making it fail (deadlocks, serialization failures); the last failure goes to the caller.
const maxTxAttempts = 5

// inTx runs fn in a transaction on pool, committing when fn returns nil. A read-write
// transaction that the engine aborted for a deadlock or a serialization failure runs again
// (fn must only depend on what it reads in the transaction), after a short randomized pause
// so the transactions that collided do not collide again.
func (db *DB) inTx(ctx context.Context, pool *sql.DB, readOnly bool, fn func(conn) error) error {
	for attempt := 1; ; attempt++ {
		retryable, err := db.inTxOnce(ctx, pool, readOnly, fn)
		if err == nil || readOnly || !retryable || attempt == maxTxAttempts {
			return err
		}
		// Long enough for the winner of a deadlock to wake up and take the rows the victim
		// released, so the victim's next attempt queues behind it instead of colliding again.
		pause := time.Duration(attempt) * time.Duration(5+rand.IntN(20)) * time.Millisecond
		select {
		case <-ctx.Done():
			return err
		case <-time.After(pause):
		}
	}
}

// inTxOnce runs one attempt of inTx; retryable reports a failure another attempt may not have.
func (db *DB) inTxOnce(ctx context.Context, pool *sql.DB, readOnly bool, fn func(conn) error) (retryable bool, err error) {
	tx, err := pool.BeginTx(ctx, &sql.TxOptions{ReadOnly: readOnly && db.dialect.Name != "sqlite"})
	if err != nil {
		return false, fmt.Errorf("begin transaction: %w", err)
	}
	c := conn{q: tx, db: db, pool: pool, tx: tx, retryable: &retryable}
	if err := fn(c); err != nil {
		_ = tx.Rollback()
		return retryable, err
	}
	if retryable {
		// fn went on after a statement hit a deadlock (inside a savepoint, say, where it
		// counts as that item's failure): run the whole transaction again instead.
		_ = tx.Rollback()
		return true, errors.New("transaction aborted by a deadlock or serialization failure; retries exhausted")
	}
	if err := tx.Commit(); err != nil {
		err = c.mapErr(err) // notes a serialization failure found at commit
		return retryable, fmt.Errorf("commit: %w", err)
	}
	return false, nil
}

// Update implements store.Store.
func (db *DB) Update(ctx context.Context, tenantID int64, fn func(store.Tx) error) error {
	if db.group != nil {
		return db.updateGrouped(ctx, tenantID, fn)
	}
	return db.inTx(ctx, db.write, false, func(c conn) error {
		if q := db.dialect.TenantWriteLock; q != "" {
			if _, err := c.exec(ctx, q, tenantID); err != nil {
				return fmt.Errorf("lock the studio for writing: %w", err)
			}
		}
		return fn(&tx{conn: c, tenant: tenantID})
	})
}

// Count implements store.Store: Update without the studio's write lock.
func (db *DB) Count(ctx context.Context, tenantID int64, fn func(store.Tx) error) error {
	if db.group != nil {
		return db.updateGrouped(ctx, tenantID, fn)
	}
	return db.inTx(ctx, db.write, false, func(c conn) error {
		return fn(&tx{conn: c, tenant: tenantID})
	})
}

// View implements store.Store.
func (db *DB) View(ctx context.Context, tenantID int64, fn func(store.Tx) error) error {
	return db.inTx(ctx, db.read, true, func(c conn) error {
		return fn(&tx{conn: c, tenant: tenantID})
	})
}

// CreateTenant implements store.Store.
func (db *DB) CreateTenant(ctx context.Context, t account.Tenant, fn func(store.Tx) error) (account.Tenant, error) {
	err := db.inTx(ctx, db.write, false, func(c conn) error {
		if err := c.row(ctx, `INSERT INTO tenants (name, seat_limit, created_at) VALUES (?, ?, ?) RETURNING id`,
			[]any{t.Name, t.SeatLimit, ms(t.CreatedAt)}, &t.ID); err != nil {
			return fmt.Errorf("insert tenant: %w", err)
		}
		return fn(&tx{conn: c, tenant: t.ID})
	})
	return t, err
}

// ListTenants implements store.Store.
func (db *DB) ListTenants(ctx context.Context) ([]account.Tenant, error) {
	c := db.poolConn(db.read)
	rows, err := c.query(ctx, `SELECT id, name, seat_limit, created_at FROM tenants ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("list tenants: %w", err)
	}
	return collect(rows, func(r *sql.Rows) (account.Tenant, error) {
		var t account.Tenant
		var created int64
		err := r.Scan(&t.ID, &t.Name, &t.SeatLimit, &created)
		t.CreatedAt = fromMS(created)
		return t, err
	})
}

// tx is a transaction bound to one tenant: every query below filters on tenant.
type tx struct {
	conn
	tenant int64
	depth  int // nesting of Savepoint
}

func (t *tx) TenantID() int64 { return t.tenant }

func (t *tx) Tenant(ctx context.Context) (account.Tenant, error) {
	v := account.Tenant{ID: t.tenant}
	var created int64
	err := t.row(ctx, `SELECT name, seat_limit, created_at FROM tenants WHERE id = ?`, []any{t.tenant},
		&v.Name, &v.SeatLimit, &created)
	v.CreatedAt = fromMS(created)
	return v, wrap("get tenant", err)
}

// collect scans every row with scan and closes rows.
func collect[T any](rows *sql.Rows, scan func(*sql.Rows) (T, error)) ([]T, error) {
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// ms stores times as Unix milliseconds in UTC.
func ms(t time.Time) int64 { return t.UnixMilli() }

func fromMS(v int64) time.Time { return time.UnixMilli(v).UTC() }

// nullID stores an absent reference (0) as NULL so foreign keys accept it.
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// wrap adds what was being done, keeping sentinels reachable with errors.Is.
func wrap(what string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", what, err)
}

// mustAffect turns "no row changed" into ErrNotFound (the id is not this tenant's).
func mustAffect(res sql.Result, err error) error {
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return store.ErrNotFound
	}
	return nil
}
