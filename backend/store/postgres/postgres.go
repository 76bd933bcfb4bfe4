// Package postgres is the store driver for hosted, multi-replica deployments: PostgreSQL
// through pgx's database/sql adapter, so the one SQL implementation in store/sqldb serves it
// as it serves SQLite. It brings its own embedded migrations (one per SQLite migration
// number) and its dialect; every replica opens the same database.
package postgres

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/studiodesk/studiodesk/backend/store/sqldb"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Migrations returns the embedded schema migrations (for tests and tools).
func Migrations() fs.FS {
	sub, _ := fs.Sub(migrations, "migrations") // the directory is embedded, so Sub cannot fail
	return sub
}

// IsDSN reports whether a --db value names a PostgreSQL database rather than a SQLite file.
func IsDSN(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// Redact returns dsn fit for logs and errors: the password, in the URL or as a query
// parameter, replaced by xxxxx.
func Redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "(an unreadable PostgreSQL address)"
	}
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	if q := u.Query(); q.Has("password") {
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
	}
	return u.Redacted()
}

// maxConns bounds one replica's connections; PostgreSQL's own limit (max_connections, 100
// by default) is shared by every replica.
const maxConns = 16

// Open connects to the database at dsn (postgres://user:password@host:port/db?sslmode=...)
// and migrates it. Replicas may open it at the same time: migrations run under an advisory
// lock, so one replica applies them and the others find them applied.
func Open(ctx context.Context, dsn string) (*sqldb.DB, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		// pgx's message may quote the address; ours never holds a password.
		return nil, fmt.Errorf("open postgres %s: the address is not a valid PostgreSQL URL", Redact(dsn))
	}
	where := Redact(dsn)
	db := stdlib.OpenDB(*cfg)
	db.SetMaxOpenConns(maxConns)
	db.SetMaxIdleConns(maxConns)
	db.SetConnMaxIdleTime(5 * time.Minute)
	if err := db.PingContext(ctx); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("connect to postgres %s: %w", where, err)
	}
	if err := migrate(ctx, db); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("migrate postgres %s: %w", where, err)
	}
	// One pool serves reads and writes: PostgreSQL has concurrent writers.
	return sqldb.New(db, db, Dialect()), nil
}

// migrationLock is the advisory lock key replicas take around migrations (any constant;
// advisory locks are per database).
const migrationLock = 7_220_416_001

// migrate applies the embedded migrations on one connection of pool holding the advisory
// lock (the lock belongs to the session, so every statement runs on that connection).
func migrate(ctx context.Context, pool *sql.DB) error {
	conn, err := pool.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, migrationLock); err != nil {
		return fmt.Errorf("take the migration lock: %w", err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, migrationLock)
	_, err = sqldb.Migrate(ctx, conn, Migrations())
	return err
}

// Dialect describes PostgreSQL to the shared SQL store.
func Dialect() sqldb.Dialect {
	return sqldb.Dialect{Name: "postgres", NumberedParams: true, IsUniqueViolation: isUnique,
		NextLeadID: `SELECT nextval(pg_get_serial_sequence('leads', 'id'))`, OrderedJoin: "JOIN",
		// LIKE is case-sensitive here; translate() folds ASCII letters only, as SQLite's LIKE
		// does (lower() and ILIKE would follow the database's locale).
		FoldLike:   "translate(%s, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')",
		SkipLocked: " FOR UPDATE SKIP LOCKED", IsRetryable: IsRetryable,
		TenantWriteLock: `UPDATE tenant_seqs SET seq = seq WHERE tenant_id = ?`}
}

// uniqueViolation is PostgreSQL's SQLSTATE for a unique or primary-key constraint failure.
const uniqueViolation = "23505"

// SQLSTATEs of transactions PostgreSQL aborted because of concurrent ones.
const (
	serializationFailure = "40001"
	deadlockDetected     = "40P01"
)

// IsRetryable reports whether err is a deadlock or a serialization failure: the transaction
// did nothing wrong and may simply run again.
func IsRetryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == serializationFailure || pe.Code == deadlockDetected)
}

func isUnique(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == uniqueViolation
}
