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
	"time"

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
func dsn(path string, role connRole) string {
	q := url.Values{}
	for _, p := range []string{"journal_mode(WAL)", "synchronous(NORMAL)", "busy_timeout(10000)",
		"foreign_keys(1)", "temp_store(MEMORY)"} {
		q.Add("_pragma", p)
	}
	q.Add("_pragma", "analysis_limit(1000)") // keeps PRAGMA optimize quick on big files
	switch role {
	case roleWriter:
		q.Set("_txlock", "immediate")
		// Every write walks the leaf pages of a dozen indexes at random places (phones,
		// names): the writer's page cache holds those of a large studio (256 MiB); reads
		// share the OS page cache.
		q.Add("_pragma", "cache_size(-262144)")
		// Checkpoints run beside the writer (checkpointer), not inside its commits.
		q.Add("_pragma", "wal_autocheckpoint(0)")
	case roleReader:
		q.Add("_pragma", "cache_size(-65536)")
		q.Add("_pragma", "query_only(1)")
	case roleCheckpointer: // also backups
		q.Add("_pragma", "cache_size(-2048)")
	}
	return "file:" + path + "?" + q.Encode()
}

type connRole int

const (
	roleWriter connRole = iota
	roleReader
	roleCheckpointer
)

// checkpointInterval is how often the checkpointer copies committed WAL pages back into the
// database file. SQLite's automatic checkpoint would do the same work inside a commit, while
// the writer and every writer queued behind it wait.
const checkpointInterval = 200 * time.Millisecond

// checkpointer runs PASSIVE checkpoints on its own connection until stopped: they never
// block the writer or readers, and they keep the WAL short (its size only grows while a
// reader holds an old snapshot).
func startCheckpointer(path string) (stop func() error, err error) {
	db, err := sql.Open("sqlite", dsn(path, roleCheckpointer))
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	quit, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(checkpointInterval)
		defer t.Stop()
		for {
			select {
			case <-quit:
				return
			case <-t.C:
				// An error (e.g. SQLITE_BUSY while another checkpoint runs) is retried at
				// the next tick; nothing is lost meanwhile, the WAL only grows.
				_, _ = db.Exec("PRAGMA wal_checkpoint(PASSIVE)")
			}
		}
	}()
	return func() error {
		close(quit)
		<-done
		return db.Close()
	}, nil
}

// Open opens (creating if needed) the database file at path and migrates it.
func Open(ctx context.Context, path string) (*sqldb.DB, error) {
	w, err := sql.Open("sqlite", dsn(path, roleWriter))
	if err != nil {
		return nil, fmt.Errorf("open sqlite %q: %w", path, err)
	}
	w.SetMaxOpenConns(1) // SQLite has one writer; queueing here is cheaper than SQLITE_BUSY
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	if applied, err := sqldb.Migrate(ctx, w, Migrations()); err != nil {
		_ = w.Close()
		return nil, fmt.Errorf("migrate sqlite %q: %w", path, err)
	} else if len(applied) > 0 {
		// A migration that rewrote many rows leaves a WAL as large as what it rewrote;
		// copying it back now keeps that work out of the first requests' commits.
		if _, err := w.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
			_ = w.Close()
			return nil, fmt.Errorf("checkpoint sqlite %q: %w", path, err)
		}
	}
	// Refresh the planner's statistics where they are stale (bounded work): lead lists pick
	// between the newest-first walk and narrow subqueries by them.
	if _, err := w.ExecContext(ctx, "PRAGMA optimize=0x10002"); err != nil {
		_ = w.Close()
		return nil, fmt.Errorf("optimize sqlite %q: %w", path, err)
	}
	r, err := sql.Open("sqlite", dsn(path, roleReader))
	if err != nil {
		_ = w.Close()
		return nil, fmt.Errorf("open sqlite readers %q: %w", path, err)
	}
	n := max(4, runtime.NumCPU()*2)
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	stop, err := startCheckpointer(path)
	if err != nil {
		_ = w.Close()
		_ = r.Close()
		return nil, fmt.Errorf("open sqlite checkpointer %q: %w", path, err)
	}
	db := sqldb.New(w, r, Dialect())
	db.OnClose(stop)
	return db, nil
}

// Dialect describes SQLite to the shared SQL store.
func Dialect() sqldb.Dialect {
	return sqldb.Dialect{Name: "sqlite", IsUniqueViolation: isUnique, GroupCommit: true,
		NextLeadID: `SELECT COALESCE(MAX(id), 0) + 1 FROM leads`, OrderedJoin: "CROSS JOIN", FoldLike: "%s"}
}

func isUnique(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		c := se.Code()
		return c == sqlite3.SQLITE_CONSTRAINT_UNIQUE || c == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}
