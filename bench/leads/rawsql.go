package main

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"strings"

	_ "github.com/jackc/pgx/v5/stdlib" // the PostgreSQL driver the server uses
	_ "modernc.org/sqlite"             // the driver the server uses, for the raw reference

	"github.com/studiodesk/studiodesk/backend/store"
	"github.com/studiodesk/studiodesk/backend/store/postgres"
	"github.com/studiodesk/studiodesk/backend/store/sqldb"
	"github.com/studiodesk/studiodesk/backend/store/sqlite"
)

// engine is the database a run measures: a SQLite file (the default) or a PostgreSQL
// database (-db postgres://...).
type engine struct {
	pg  bool
	dsn string // the PostgreSQL address, or the SQLite file
}

func newEngine(db string) engine { return engine{pg: postgres.IsDSN(db), dsn: db} }

// describe names the database for the log, without a password.
func (g engine) describe() string {
	if g.pg {
		return postgres.Redact(g.dsn)
	}
	return g.dsn
}

// pkg is the store driver's package under backend/store.
func (g engine) pkg() string {
	if g.pg {
		return "postgres"
	}
	return "sqlite"
}

func (g engine) name() string {
	if g.pg {
		return "PostgreSQL"
	}
	return "SQLite"
}

func (g engine) dialect() sqldb.Dialect {
	if g.pg {
		return postgres.Dialect()
	}
	return sqlite.Dialect()
}

// open opens the store as the server does (its migrations, pool and pragmas).
func (g engine) open(ctx context.Context) (*sqldb.DB, error) {
	if g.pg {
		return postgres.Open(ctx, g.dsn)
	}
	return sqlite.Open(ctx, g.dsn)
}

// openRaw opens the raw reference connection: for SQLite a read-only reader on the file, for
// PostgreSQL one connection to the same database.
func (g engine) openRaw() (*sql.DB, error) {
	if !g.pg {
		return openRaw(g.dsn)
	}
	db, err := sql.Open("pgx", g.dsn)
	if err != nil {
		return nil, fmt.Errorf("open raw reader on %s: %w", postgres.Redact(g.dsn), err)
	}
	db.SetMaxOpenConns(1)
	return db, nil
}

// q rebinds a query written with ? placeholders for the engine.
func (g engine) q(query string) string { return g.dialect().Rebind(query) }

// openRaw opens the database file read-only with the reader pragmas of store/sqlite (WAL,
// 64 MiB page cache, query_only): the raw reference runs with the server's settings, minus
// the server.
func openRaw(path string) (*sql.DB, error) {
	q := url.Values{}
	for _, p := range []string{"journal_mode(WAL)", "synchronous(NORMAL)", "busy_timeout(10000)", "foreign_keys(1)",
		"cache_size(-65536)", "temp_store(MEMORY)", "query_only(1)"} {
		q.Add("_pragma", p)
	}
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open raw reader on %q: %w", path, err)
	}
	db.SetMaxOpenConns(1)
	return db, nil
}

// listSQL is the statement sqldb.ListLeads runs for f: the raw reference and EXPLAIN QUERY
// PLAN use the very same SQL.
func (g engine) listSQL(tenant int64, f store.LeadFilter) (string, []any) {
	q, args := g.dialect().LeadListSQL(tenant, f)
	return g.q(q), args
}

// rawIDs runs a lead query and reads every row the way the store does (id, version and the
// doc text), returning the ids; the doc is read but not decoded.
func rawIDs(ctx context.Context, db *sql.DB, q string, args ...any) ([]int64, error) {
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("raw query: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id, version int64
		var doc string
		if err := rows.Scan(&id, &version, &doc); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// explain returns the engine's query plan for q as indented lines.
func (g engine) explain(ctx context.Context, db *sql.DB, q string, args ...any) (string, error) {
	if g.pg {
		return explainPG(ctx, db, q, args...)
	}
	rows, err := db.QueryContext(ctx, "EXPLAIN QUERY PLAN "+q, args...)
	if err != nil {
		return "", fmt.Errorf("explain: %w", err)
	}
	defer rows.Close()
	depth := map[int]int{}
	var b strings.Builder
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			return "", err
		}
		depth[id] = depth[parent] + 1
		b.WriteString(strings.Repeat("  ", depth[id]-1) + detail + "\n")
	}
	return b.String(), rows.Err()
}

// explainPG returns PostgreSQL's plan for q with the time and buffers of one execution.
func explainPG(ctx context.Context, db *sql.DB, q string, args ...any) (string, error) {
	rows, err := db.QueryContext(ctx, "EXPLAIN (ANALYZE, BUFFERS) "+q, args...)
	if err != nil {
		return "", fmt.Errorf("explain: %w", err)
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return "", err
		}
		b.WriteString(line + "\n")
	}
	return b.String(), rows.Err()
}
