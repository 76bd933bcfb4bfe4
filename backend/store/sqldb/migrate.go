package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
)

// migrationRunner is a *sql.DB, or one *sql.Conn of it (PostgreSQL migrates on the
// connection that holds its migration lock).
type migrationRunner interface {
	ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error)
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
	BeginTx(ctx context.Context, opts *sql.TxOptions) (*sql.Tx, error)
}

// Migrate applies, in order, every NNNN_name.sql in files that the database has not seen yet,
// each in its own transaction together with its schema_migrations row, so a crash mid-way
// leaves the schema at a whole version.
func Migrate(ctx context.Context, db migrationRunner, files fs.FS) (applied []int, err error) {
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)`); err != nil {
		return nil, fmt.Errorf("create schema_migrations: %w", err)
	}
	names, err := fs.Glob(files, "*.sql")
	if err != nil {
		return nil, fmt.Errorf("list migrations: %w", err)
	}
	slices.Sort(names)
	for _, name := range names {
		v, err := strconv.Atoi(strings.SplitN(path.Base(name), "_", 2)[0])
		if err != nil {
			return applied, fmt.Errorf("migration %q: name must start with a number: %w", name, err)
		}
		var seen int
		if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE version = `+strconv.Itoa(v)).Scan(&seen); err != nil {
			return applied, fmt.Errorf("check migration %d: %w", v, err)
		}
		if seen > 0 {
			continue
		}
		body, err := fs.ReadFile(files, name)
		if err != nil {
			return applied, fmt.Errorf("read migration %q: %w", name, err)
		}
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return applied, fmt.Errorf("begin migration %d: %w", v, err)
		}
		if _, err := tx.ExecContext(ctx, string(body)); err != nil {
			_ = tx.Rollback()
			return applied, fmt.Errorf("apply migration %q: %w", name, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES (`+
			strconv.Itoa(v)+`, `+strconv.FormatInt(time.Now().UnixMilli(), 10)+`)`); err != nil {
			_ = tx.Rollback()
			return applied, fmt.Errorf("record migration %d: %w", v, err)
		}
		if err := tx.Commit(); err != nil {
			return applied, fmt.Errorf("commit migration %d: %w", v, err)
		}
		applied = append(applied, v)
	}
	return applied, nil
}
