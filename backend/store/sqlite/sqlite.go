// Package sqlite is the embedded default store driver: one SQLite file (modernc.org/sqlite,
// pure Go, so the server and the desktop build without cgo) with WAL, opened as one writer
// connection plus a pool of readers.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"runtime"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/studiodesk/studiodesk/backend/store/sqldb"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Migrations returns the embedded schema migrations (for tests and tools).
func Migrations() fs.FS {
	sub, _ := fs.Sub(migrations, "migrations") // the directory is embedded, so Sub cannot fail
	return sub
}

// dsn sets every pragma in one place:
//   - WAL lets readers run beside the single writer;
//   - synchronous=NORMAL is durable across application crashes with WAL and much faster than FULL
//     (a power loss may drop the last commits, never corrupt the file);
//   - busy_timeout makes a blocked writer wait instead of failing with SQLITE_BUSY;
//   - foreign_keys enforces the (tenant_id, id) references of the schema;
//   - _txlock=immediate takes the write lock at BEGIN for writers, so two writers never
//     deadlock upgrading from a read lock.
func dsn(path string, write bool) string {
	q := url.Values{}
	for _, p := range []string{"journal_mode(WAL)", "synchronous(NORMAL)", "busy_timeout(10000)",
		"foreign_keys(1)", "cache_size(-65536)", "temp_store(MEMORY)"} {
		q.Add("_pragma", p)
	}
	q.Add("_pragma", "analysis_limit(1000)") // keeps PRAGMA optimize quick on big files
	if write {
		q.Set("_txlock", "immediate")
	} else {
		q.Add("_pragma", "query_only(1)")
	}
	return "file:" + path + "?" + q.Encode()
}

// Open opens (creating if needed) the database file at path and migrates it.
func Open(ctx context.Context, path string) (*sqldb.DB, error) {
	w, err := sql.Open("sqlite", dsn(path, true))
	if err != nil {
		return nil, fmt.Errorf("open sqlite %q: %w", path, err)
	}
	w.SetMaxOpenConns(1) // SQLite has one writer; queueing here is cheaper than SQLITE_BUSY
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	if _, err := sqldb.Migrate(ctx, w, Migrations()); err != nil {
		_ = w.Close()
		return nil, fmt.Errorf("migrate sqlite %q: %w", path, err)
	}
	// Refresh the planner's statistics where they are stale (bounded work): lead lists pick
	// between the newest-first walk and narrow subqueries by them.
	if _, err := w.ExecContext(ctx, "PRAGMA optimize=0x10002"); err != nil {
		_ = w.Close()
		return nil, fmt.Errorf("optimize sqlite %q: %w", path, err)
	}
	r, err := sql.Open("sqlite", dsn(path, false))
	if err != nil {
		_ = w.Close()
		return nil, fmt.Errorf("open sqlite readers %q: %w", path, err)
	}
	n := max(4, runtime.NumCPU()*2)
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	return sqldb.New(w, r, Dialect()), nil
}

// Dialect describes SQLite to the shared SQL store.
func Dialect() sqldb.Dialect {
	return sqldb.Dialect{Name: "sqlite", IsUniqueViolation: isUnique, GroupCommit: true,
		NextLeadID: `SELECT COALESCE(MAX(id), 0) + 1 FROM leads`}
}

func isUnique(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		c := se.Code()
		return c == sqlite3.SQLITE_CONSTRAINT_UNIQUE || c == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}
