package main

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"strings"

	_ "modernc.org/sqlite" // the driver the server uses, for the raw reference

	"github.com/studiodesk/studiodesk/backend/store"
	"github.com/studiodesk/studiodesk/backend/store/sqlite"
)

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
func listSQL(tenant int64, f store.LeadFilter) (string, []any) {
	return sqlite.Dialect().LeadListSQL(tenant, f)
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

// explain returns SQLite's query plan for q as indented lines.
func explain(ctx context.Context, db *sql.DB, q string, args ...any) (string, error) {
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
