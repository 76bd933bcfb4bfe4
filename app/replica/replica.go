// Package replica is the desktop's local copy of what one user may see of one studio — the
// leads of their data scope, cached timelines and the reference data the lead rules need —
// plus the outbox of their local changes, in one SQLite file (modernc.org/sqlite: pure Go,
// so the desktop builds for Windows without cgo).
//
// Local changes are applied optimistically with the same backend/lead rules the server runs
// and stored in the outbox in the same transaction. Each lead row keeps the server's last
// copy (server_doc) beside the optimistic one (doc = server_doc + pending mutations in
// order), so acknowledging, rejecting, discarding or pulling a newer server copy simply
// re-derives doc: that is the rebase. A mutation leaves the outbox only in the transaction
// that stores the server's answer; one pushed but never acknowledged is pushed again and the
// server, which remembers mutation ids, answers it without applying it twice.
//
// The package does no network I/O; app/syncer moves data between a Replica and the server.
package replica

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/studiodesk/studiodesk/backend/account"
	"github.com/studiodesk/studiodesk/backend/api"
)

//go:embed migrations/*.sql
var migrations embed.FS

// ErrNotFound is returned for a lead or outbox entry the replica does not hold.
var ErrNotFound = errors.New("not in the replica")

// Config says which replica to open and how it behaves; zero values take the defaults.
type Config struct {
	// Dir is the folder holding replica files (created if missing); required.
	Dir string
	// Server is the server's base URL; with the studio and staff it names the file.
	Server string
	// Session is the logged-in user's session: who acts (created_by, actor of local
	// events), which permissions the optimistic rules assume, and the grant whose
	// fingerprint decides whether the stored data still fits (see Fingerprint).
	Session api.Session
	// Now is the clock; default time.Now.
	Now func() time.Time
	// CacheKiB bounds SQLite's page cache per connection; default 16 MiB for the writer and
	// readers alike. It is most of what an open replica costs in memory.
	CacheKiB int
}

// Replica is one user's local replica. Its methods are safe for concurrent use: writes go
// through one connection in order, reads use a pool that sees committed data only.
type Replica struct {
	path  string
	w, r  *sql.DB
	now   func() time.Time
	sess  api.Session
	reset bool
}

// FileName returns the replica file's name for a user of a studio on a server: one file per
// (server, studio, staff), so two accounts on a shared PC never see each other's data.
func FileName(server string, tenantID, staffID int64) string {
	sum := sha256.Sum256([]byte(strings.TrimRight(strings.ToLower(server), "/")))
	return "replica-" + hex.EncodeToString(sum[:4]) + "-t" + strconv.FormatInt(tenantID, 10) +
		"-s" + strconv.FormatInt(staffID, 10) + ".db"
}

// Fingerprint summarizes what decides which leads a user may see and how the optimistic
// rules treat them: data scope, permissions, staff placement and session branch. A replica
// filled under another fingerprint is reset (role or scope changed).
func Fingerprint(s api.Session) string {
	perms := make([]string, 0, len(s.Permissions))
	for _, p := range s.Permissions {
		perms = append(perms, string(p))
	}
	slices.Sort(perms)
	roles := slices.Clone(s.Staff.RoleIDs)
	slices.Sort(roles)
	raw := fmt.Sprintf("scope=%s|perms=%s|roles=%v|branch=%d|dept=%d|session_branch=%d", s.DataScope,
		strings.Join(perms, ","), roles, s.Staff.BranchID, s.Staff.DepartmentID, s.BranchID)
	sum := sha256.Sum256([]byte(raw))
	return hex.EncodeToString(sum[:8])
}

// dsn sets every pragma of a replica connection in one place:
//   - WAL lets the UI's reads run beside the syncer's writes, and a crash never leaves a
//     half-written transaction;
//   - synchronous=NORMAL is durable across application crashes with WAL (a power cut may lose
//     the last commits, never corrupt the file) and far faster than FULL for the many small
//     transactions of typing and syncing;
//   - busy_timeout makes a connection wait for the writer instead of failing with SQLITE_BUSY;
//   - cache_size bounds the page cache (negative = KiB), which is most of the memory an open
//     1M-lead replica costs;
//   - temp_store=MEMORY keeps sorts off the disk;
//   - _txlock=immediate takes the write lock at BEGIN, so a write never fails upgrading a
//     read lock; readers are query_only.
func dsn(path string, write bool, cacheKiB int) string {
	q := url.Values{}
	for _, p := range []string{"journal_mode(WAL)", "synchronous(NORMAL)", "busy_timeout(10000)",
		"cache_size(-" + strconv.Itoa(cacheKiB) + ")", "temp_store(MEMORY)"} {
		q.Add("_pragma", p)
	}
	if write {
		q.Set("_txlock", "immediate")
	} else {
		q.Add("_pragma", "query_only(1)")
	}
	// The driver reads a URI: forward slashes (Windows paths use backslashes) and the few
	// characters that would end or escape the path percent-encoded.
	p := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(filepath.ToSlash(path))
	return "file:" + p + "?" + q.Encode()
}

// Open opens (creating and migrating if needed) the replica of cfg.Session's user under
// cfg.Dir. When the stored grant fingerprint differs from the session's, the replicated data
// is dropped (Reset) and WasReset reports it; the outbox is kept.
func Open(ctx context.Context, cfg Config) (*Replica, error) {
	if cfg.Dir == "" {
		return nil, errors.New("open replica: no folder given")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.CacheKiB <= 0 {
		cfg.CacheKiB = 16 << 10
	}
	if err := os.MkdirAll(cfg.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("create replica folder %q: %w", cfg.Dir, err)
	}
	path := filepath.Join(cfg.Dir, FileName(cfg.Server, cfg.Session.Tenant.ID, cfg.Session.Staff.ID))
	w, err := sql.Open("sqlite", dsn(path, true, cfg.CacheKiB))
	if err != nil {
		return nil, fmt.Errorf("open replica %q: %w", path, err)
	}
	w.SetMaxOpenConns(1) // one writer: queueing here is cheaper than SQLITE_BUSY
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	if err := migrate(ctx, w); err != nil {
		_ = w.Close()
		return nil, fmt.Errorf("migrate replica %q: %w", path, err)
	}
	r, err := sql.Open("sqlite", dsn(path, false, cfg.CacheKiB))
	if err != nil {
		_ = w.Close()
		return nil, fmt.Errorf("open replica readers %q: %w", path, err)
	}
	n := max(2, runtime.NumCPU())
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	rep := &Replica{path: path, w: w, r: r, now: cfg.Now, sess: cfg.Session}
	fp := Fingerprint(cfg.Session)
	stored, err := rep.meta(ctx, rep.r, metaFingerprint)
	if err != nil {
		_ = rep.Close()
		return nil, err
	}
	switch {
	case stored == "":
		err = rep.setMetaNow(ctx, metaFingerprint, fp)
	case stored != fp:
		rep.reset = true
		err = rep.Reset(ctx)
	}
	if err != nil {
		_ = rep.Close()
		return nil, err
	}
	return rep, nil
}

// Path is the replica's file.
func (r *Replica) Path() string { return r.path }

// WasReset reports whether Open dropped the replicated data because the user's grant changed.
func (r *Replica) WasReset() bool { return r.reset }

// Close closes the database; nothing is lost (every change was committed when made).
func (r *Replica) Close() error {
	return errors.Join(r.r.Close(), r.w.Close())
}

// migrate applies the embedded migrations newer than the file's user_version, each in its
// own transaction together with the version bump.
func migrate(ctx context.Context, db *sql.DB) error {
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	slices.Sort(names)
	var have int
	if err := db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&have); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	for i, name := range names {
		v := i + 1
		if v <= have {
			continue
		}
		b, err := migrations.ReadFile(name)
		if err != nil {
			return err
		}
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, string(b)); err != nil {
			_ = tx.Rollback()
			return fmt.Errorf("apply %s: %w", name, err)
		}
		if _, err := tx.ExecContext(ctx, "PRAGMA user_version = "+strconv.Itoa(v)); err != nil {
			_ = tx.Rollback()
			return fmt.Errorf("apply %s: %w", name, err)
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("apply %s: %w", name, err)
		}
	}
	return nil
}

// Meta keys.
const (
	metaFingerprint = "fingerprint"
	metaCursor      = "cursor"          // feed position to pull from; "" before the first snapshot completes
	metaSnapCursor  = "snapshot_cursor" // feed position taken by the snapshot's first page
	metaSnapNext    = "snapshot_next"   // next snapshot page to fetch
	metaSnapStarted = "snapshot_started"
	metaSnapLoaded  = "snapshot_loaded" // leads received so far by the running snapshot
	// metaSnapIndexes holds the secondary indexes dropped for a first sync into an empty
	// replica (JSON list of their CREATE statements), built again after its last page.
	metaSnapIndexes = "snapshot_indexes"
	metaLastSync    = "last_sync"
	metaNextLocalID = "next_local_id"
)

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

func (r *Replica) meta(ctx context.Context, q querier, key string) (string, error) {
	var v string
	err := q.QueryRowContext(ctx, "SELECT value FROM meta WHERE key = ?", key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read replica state %s: %w", key, err)
	}
	return v, nil
}

func setMeta(ctx context.Context, q querier, key, value string) error {
	if _, err := q.ExecContext(ctx, "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", key, value); err != nil {
		return fmt.Errorf("save replica state %s: %w", key, err)
	}
	return nil
}

func deleteMeta(ctx context.Context, q querier, keys ...string) error {
	for _, k := range keys {
		if _, err := q.ExecContext(ctx, "DELETE FROM meta WHERE key = ?", k); err != nil {
			return fmt.Errorf("clear replica state %s: %w", k, err)
		}
	}
	return nil
}

func (r *Replica) setMetaNow(ctx context.Context, key, value string) error {
	return r.write(ctx, func(tx querier) error { return setMeta(ctx, tx, key, value) })
}

// write runs fn in one write transaction whose statements are prepared once each: a
// snapshot page or a big ack reuses them for every row.
func (r *Replica) write(ctx context.Context, fn func(tx querier) error) error {
	tx, err := r.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin replica write: %w", err)
	}
	if err := fn(&stmtTx{tx: tx, stmts: map[string]*sql.Stmt{}}); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit replica write: %w", err)
	}
	return nil
}

// stmtTx is a transaction that prepares each distinct statement once (statements prepared
// on a transaction close with it).
type stmtTx struct {
	tx    *sql.Tx
	stmts map[string]*sql.Stmt
}

func (s *stmtTx) stmt(ctx context.Context, q string) (*sql.Stmt, error) {
	if st, ok := s.stmts[q]; ok {
		return st, nil
	}
	st, err := s.tx.PrepareContext(ctx, q)
	if err != nil {
		return nil, err
	}
	s.stmts[q] = st
	return st, nil
}

func (s *stmtTx) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	st, err := s.stmt(ctx, q)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

func (s *stmtTx) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	st, err := s.stmt(ctx, q)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

func (s *stmtTx) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	st, err := s.stmt(ctx, q)
	if err != nil {
		return s.tx.QueryRowContext(ctx, q, args...) // reports the same error through Scan
	}
	return st.QueryRowContext(ctx, args...)
}

// Cursor is the feed position to pull from; "" until a snapshot has completed.
func (r *Replica) Cursor(ctx context.Context) (string, error) {
	return r.meta(ctx, r.r, metaCursor)
}

// SetLastSync records when a sync round last completed.
func (r *Replica) SetLastSync(ctx context.Context, t time.Time) error {
	return r.setMetaNow(ctx, metaLastSync, t.UTC().Format(time.RFC3339Nano))
}

// Stats is what the status indicator shows about the replica.
type Stats struct {
	Leads    int        `json:"leads"`
	Pending  int        `json:"pending"`
	Rejected int        `json:"rejected"`
	LastSync *time.Time `json:"last_sync,omitempty"`
	// Synced: a full snapshot has been received, so lists are complete.
	Synced bool `json:"synced"`
}

// Stats counts leads and outbox entries.
func (r *Replica) Stats(ctx context.Context) (Stats, error) {
	var s Stats
	err := r.r.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM leads),
		(SELECT count(*) FROM outbox WHERE state = 'pending'), (SELECT count(*) FROM outbox WHERE state = 'rejected')`).
		Scan(&s.Leads, &s.Pending, &s.Rejected)
	if err != nil {
		return s, fmt.Errorf("count replica rows: %w", err)
	}
	last, err := r.meta(ctx, r.r, metaLastSync)
	if err != nil {
		return s, err
	}
	if t, err := time.Parse(time.RFC3339Nano, last); err == nil {
		s.LastSync = &t
	}
	cur, err := r.meta(ctx, r.r, metaCursor)
	s.Synced = cur != ""
	return s, err
}

// can reports whether the session holds permission p (the optimistic checks mirror the
// server's, which decides).
func (r *Replica) can(p account.Permission) bool {
	return slices.Contains(r.sess.Permissions, p)
}

// SetReference keeps the server's latest answer for a kind of reference data (JSON of v).
func (r *Replica) SetReference(ctx context.Context, kind string, v any) error {
	doc, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %s: %w", kind, err)
	}
	return r.write(ctx, func(tx querier) error {
		_, err := tx.ExecContext(ctx, "INSERT OR REPLACE INTO reference (kind, doc) VALUES (?, ?)", kind, doc)
		return err
	})
}

// Reference decodes the kept copy of a kind into dst; false when there is none.
func (r *Replica) Reference(ctx context.Context, kind string, dst any) (bool, error) {
	var doc []byte
	err := r.r.QueryRowContext(ctx, "SELECT doc FROM reference WHERE kind = ?", kind).Scan(&doc)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("read %s: %w", kind, err)
	}
	if err := json.Unmarshal(doc, dst); err != nil {
		return false, fmt.Errorf("decode %s: %w", kind, err)
	}
	return true, nil
}
