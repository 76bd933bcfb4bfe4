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
	"strconv"
	"strings"
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
}

// DB implements store.Store.
type DB struct {
	write   *sql.DB // read-write transactions (SQLite: one connection, BEGIN IMMEDIATE)
	read    *sql.DB // read-only transactions; may be the same pool as write
	dialect Dialect
}

var _ store.Store = (*DB)(nil)

// New wraps opened pools. read may equal write.
func New(write, read *sql.DB, d Dialect) *DB {
	return &DB{write: write, read: read, dialect: d}
}

// WritePool exposes the read-write pool to the driver (migrations, maintenance).
func (db *DB) WritePool() *sql.DB { return db.write }

// Close closes both pools.
func (db *DB) Close() error {
	err := db.write.Close()
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

// rebind turns ? placeholders into the dialect's form. Queries here never contain a literal
// question mark, so a plain scan is enough.
func (db *DB) rebind(q string) string {
	if !db.dialect.NumberedParams {
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

// conn runs rebound queries and maps driver errors to store sentinels.
type conn struct {
	q  queryer
	db *DB
}

func (c conn) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	res, err := c.q.ExecContext(ctx, c.db.rebind(q), args...)
	return res, c.db.mapErr(err)
}

func (c conn) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	rows, err := c.q.QueryContext(ctx, c.db.rebind(q), args...)
	return rows, c.db.mapErr(err)
}

// row scans one row; sql.ErrNoRows becomes store.ErrNotFound.
func (c conn) row(ctx context.Context, q string, args []any, dest ...any) error {
	err := c.q.QueryRowContext(ctx, c.db.rebind(q), args...).Scan(dest...)
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

// inTx runs fn in a transaction on pool, committing when fn returns nil.
func (db *DB) inTx(ctx context.Context, pool *sql.DB, readOnly bool, fn func(conn) error) error {
	tx, err := pool.BeginTx(ctx, &sql.TxOptions{ReadOnly: readOnly && db.dialect.Name != "sqlite"})
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	if err := fn(conn{q: tx, db: db}); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", db.mapErr(err))
	}
	return nil
}

// Update implements store.Store.
func (db *DB) Update(ctx context.Context, tenantID int64, fn func(store.Tx) error) error {
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
	c := conn{q: db.read, db: db}
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
