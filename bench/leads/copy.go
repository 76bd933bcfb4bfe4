package main

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// copyFromSQLite fills a migrated, empty PostgreSQL database with every row of a SQLite file
// this benchmark seeded: table by table, each streamed from SQLite into one COPY (the
// schemas are equal table for table, as migrate-storage relies on too). Foreign keys are not
// checked during the copy (session_replication_role = replica: the rows come from a database
// that checked them); identity sequences then continue after the copied ids.
func copyFromSQLite(ctx context.Context, file, dsn string, log io.Writer) error {
	lite, err := openRaw(file)
	if err != nil {
		return err
	}
	defer lite.Close()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, `SET session_replication_role = replica`); err != nil {
		return fmt.Errorf("turn off foreign key triggers for the copy (needs a superuser): %w", err)
	}
	tables, err := sqliteTables(ctx, lite)
	if err != nil {
		return err
	}
	// Rows some migration put there (none today) would collide with the copied ones: empty
	// every table first, at once (one by one, a CASCADE would empty tables copied before).
	idents := make([]string, len(tables))
	for i, t := range tables {
		idents[i] = pgx.Identifier{t}.Sanitize()
	}
	if _, err := conn.Exec(ctx, `TRUNCATE `+strings.Join(idents, ", ")); err != nil {
		return fmt.Errorf("empty the tables: %w", err)
	}
	for _, t := range tables {
		began := time.Now()
		rows, err := lite.QueryContext(ctx, `SELECT * FROM "`+t+`"`)
		if err != nil {
			return fmt.Errorf("read %s: %w", t, err)
		}
		cols, err := rows.Columns()
		if err != nil {
			rows.Close()
			return err
		}
		n, err := conn.CopyFrom(ctx, pgx.Identifier{t}, cols, &rowSource{rows: rows, vals: make([]any, len(cols))})
		rows.Close()
		if err != nil {
			return fmt.Errorf("copy %s: %w", t, err)
		}
		fmt.Fprintf(log, "  %-24s %10d rows in %s\n", t, n, time.Since(began).Round(time.Millisecond))
	}
	for _, t := range tables {
		var seq *string
		if err := conn.QueryRow(ctx, `SELECT pg_get_serial_sequence($1, column_name) FROM information_schema.columns
			WHERE table_schema = current_schema() AND table_name = $1 AND column_name = 'id'`, t).Scan(&seq); err != nil && err != pgx.ErrNoRows {
			return fmt.Errorf("identity of %s: %w", t, err)
		}
		if seq == nil {
			continue
		}
		if _, err := conn.Exec(ctx, `SELECT setval($1, m) FROM (SELECT MAX(id) AS m FROM `+pgx.Identifier{t}.Sanitize()+`) x WHERE m IS NOT NULL`, *seq); err != nil {
			return fmt.Errorf("continue the ids of %s: %w", t, err)
		}
	}
	return nil
}

// sqliteTables lists the file's tables, without SQLite's own and the migration record.
func sqliteTables(ctx context.Context, db *sql.DB) ([]string, error) {
	rows, err := db.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table'
		AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations' ORDER BY name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// rowSource streams SQLite rows into pgx's CopyFrom.
type rowSource struct {
	rows *sql.Rows
	vals []any
	err  error
}

func (r *rowSource) Next() bool {
	if !r.rows.Next() {
		return false
	}
	ptrs := make([]any, len(r.vals))
	for i := range r.vals {
		r.vals[i] = nil
		ptrs[i] = &r.vals[i]
	}
	r.err = r.rows.Scan(ptrs...)
	return r.err == nil
}

func (r *rowSource) Values() ([]any, error) { return r.vals, r.err }

func (r *rowSource) Err() error {
	if r.err != nil {
		return r.err
	}
	return r.rows.Err()
}
