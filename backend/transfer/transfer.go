// Package transfer moves a server's data between its two storage set-ups: SQLite + local
// disk (one server) and PostgreSQL + S3 (several replicas), in either direction. Rows are
// copied table by table, parents before children, in batches that each commit, so an
// interrupted move resumes where it stopped; objects are copied key by key, skipping those
// already there. Verify compares row counts and object SHA-256s of both sides.
//
// Both databases must be opened (and so migrated) by their drivers first: the schemas are
// the same table for table (the PostgreSQL driver's tests hold them equal). For CopyRows the
// target should be empty apart from an earlier, interrupted move of the same source.
//
// TenantMove (tenant.go) moves one studio instead, into a target that holds others: new ids
// from the target, every reference remapped as the catalog (catalog.go) says, the id map in
// a State file so the move resumes; its Verify compares every row with its source row.
package transfer

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/studiodesk/studiodesk/backend/blob"
)

// DB is one side's database.
type DB struct {
	Pool     *sql.DB
	Postgres bool // else SQLite
}

// Progress reports a move as it goes.
type Progress struct {
	Stage        string // "rows", "objects", "verify"
	Table        string
	Rows, Total  int64 // of the current table
	Objects      int64 // objects handled so far
	Bytes        int64 // object bytes copied so far
	SkippedTable bool  // the table was already complete in the target
}

// Report is what a move did.
type Report struct {
	Tables  int
	Rows    int64
	Objects int64 // copied (objects already in the target are not counted)
	Bytes   int64
}

var batchRows = 500 // rows per INSERT and per commit (a variable for tests)

// CopyRows copies every table's rows from src to dst.
func CopyRows(ctx context.Context, src, dst DB, progress func(Progress)) (Report, error) {
	var rep Report
	tables, err := tableOrder(ctx, src, dst)
	if err != nil {
		return rep, err
	}
	if !dst.Postgres {
		// Rows arrive parents first, but a move resumed mid-table may briefly hold children of
		// rows still to come; SQLite checks foreign keys per connection, so turn them off on
		// the copying connection only.
		if _, err := dst.Pool.ExecContext(ctx, `PRAGMA foreign_keys = OFF`); err != nil {
			return rep, err
		}
	}
	for _, t := range tables {
		n, err := copyTable(ctx, src, dst, t, progress)
		if err != nil {
			return rep, fmt.Errorf("copy table %s: %w", t, err)
		}
		rep.Tables++
		rep.Rows += n
	}
	if dst.Postgres {
		// Identity columns continue after the copied ids.
		for _, t := range tables {
			var seq sql.NullString
			if err := dst.Pool.QueryRowContext(ctx, `SELECT pg_get_serial_sequence($1, column_name) FROM information_schema.columns
				WHERE table_schema = current_schema() AND table_name = $1 AND column_name = 'id'`, t).Scan(&seq); err != nil && !errors.Is(err, sql.ErrNoRows) {
				return rep, fmt.Errorf("identity of %s: %w", t, err)
			}
			if !seq.Valid {
				continue
			}
			if _, err := dst.Pool.ExecContext(ctx, `SELECT setval($1, m) FROM (SELECT MAX(id) AS m FROM `+ident(t)+`) x WHERE m IS NOT NULL`, seq.String); err != nil {
				return rep, fmt.Errorf("continue the ids of %s: %w", t, err)
			}
		}
	}
	return rep, nil
}

// tableOrder lists the tables parents first, from the SQLite side's foreign keys.
func tableOrder(ctx context.Context, src, dst DB) ([]string, error) {
	lite, err := sqliteSide(src, dst)
	if err != nil {
		return nil, err
	}
	names, err := queryStrings(ctx, lite, `SELECT name FROM sqlite_master WHERE type = 'table'
		AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations' ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	parents := map[string][]string{}
	for _, n := range names {
		fk, err := queryStrings(ctx, lite, `SELECT DISTINCT "table" FROM pragma_foreign_key_list(?)`, n)
		if err != nil {
			return nil, fmt.Errorf("foreign keys of %s: %w", n, err)
		}
		for _, p := range fk {
			if p != n {
				parents[n] = append(parents[n], p)
			}
		}
	}
	var order []string
	done := map[string]bool{}
	var visit func(n string, path []string) error
	visit = func(n string, path []string) error {
		if done[n] {
			return nil
		}
		if slices.Contains(path, n) {
			return fmt.Errorf("foreign keys form a cycle: %v", append(path, n))
		}
		for _, p := range parents[n] {
			if err := visit(p, append(path, n)); err != nil {
				return err
			}
		}
		done[n] = true
		order = append(order, n)
		return nil
	}
	for _, n := range names {
		if err := visit(n, nil); err != nil {
			return nil, err
		}
	}
	return order, nil
}

// sqliteSide is the SQLite one of the two sides, whose catalog (foreign keys, primary keys)
// a move reads.
func sqliteSide(src, dst DB) (DB, error) {
	switch {
	case !src.Postgres:
		return src, nil
	case !dst.Postgres:
		return dst, nil
	}
	return DB{}, errors.New("one side must be SQLite")
}

// queryStrings returns the one text column of a query's rows.
func queryStrings(ctx context.Context, d DB, q string, args ...any) ([]string, error) {
	rows, err := d.Pool.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

func ident(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }

func count(ctx context.Context, d DB, table string) (int64, error) {
	var n int64
	err := d.Pool.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+ident(table)).Scan(&n)
	return n, err
}

// copyTable copies one table; a table already complete in the target is skipped, one with
// an integer id continues after the target's highest id, any other is copied again whole.
func copyTable(ctx context.Context, src, dst DB, table string, progress func(Progress)) (int64, error) {
	total, err := count(ctx, src, table)
	if err != nil {
		return 0, err
	}
	have, err := count(ctx, dst, table)
	if err != nil {
		return 0, err
	}
	if have == total {
		report(progress, Progress{Stage: "rows", Table: table, Rows: have, Total: total, SkippedTable: true})
		return 0, nil
	}
	cols, err := columns(ctx, src, table)
	if err != nil {
		return 0, err
	}
	quoted := make([]string, len(cols))
	for i, c := range cols {
		quoted[i] = ident(c)
	}
	list := strings.Join(quoted, ", ")
	// How to walk the source in a fixed order and find where a resumed copy stopped:
	//   - SQLite tables with a rowid: by rowid, after the first `have` rows (batches commit in
	//     order, so the target holds exactly those);
	//   - tables with an integer id: by id, after the target's highest;
	//   - others: the target's rows are removed and the table copied again whole.
	walk := "offset"
	if !src.Postgres {
		if _, err := src.Pool.ExecContext(ctx, `SELECT rowid FROM `+ident(table)+` LIMIT 0`); err == nil {
			walk = "rowid"
		}
	}
	if walk == "offset" && slices.Contains(cols, "id") {
		var sample any
		err := src.Pool.QueryRowContext(ctx, `SELECT id FROM `+ident(table)+` LIMIT 1`).Scan(&sample)
		if _, isInt := sample.(int64); err == nil && isInt {
			walk = "id"
		}
	}
	var after int64 = -1 << 62
	switch {
	case have == 0:
	case walk == "rowid":
		if err := src.Pool.QueryRowContext(ctx, `SELECT rowid FROM `+ident(table)+` ORDER BY rowid LIMIT 1 OFFSET `+
			strconv.FormatInt(have-1, 10)).Scan(&after); err != nil {
			return 0, err
		}
	case walk == "id":
		if err := dst.Pool.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM `+ident(table)).Scan(&after); err != nil {
			return 0, err
		}
	default:
		if _, err := dst.Pool.ExecContext(ctx, `DELETE FROM `+ident(table)); err != nil {
			return 0, err
		}
		have = 0
	}
	copied := int64(0)
	for offset := int64(0); ; {
		var q string
		var args []any
		switch walk {
		case "rowid":
			q, args = `SELECT rowid, `+list+` FROM `+ident(table)+` WHERE rowid > ? ORDER BY rowid LIMIT `+strconv.Itoa(batchRows), []any{after}
		case "id":
			q, args = `SELECT id, `+list+` FROM `+ident(table)+` WHERE id > `+param(src, 1)+` ORDER BY id LIMIT `+strconv.Itoa(batchRows), []any{after}
		default:
			q = `SELECT 0, ` + list + ` FROM ` + ident(table) + ` ORDER BY ` + list + ` LIMIT ` + strconv.Itoa(batchRows) + ` OFFSET ` + strconv.FormatInt(offset, 10)
		}
		batch, err := readRows(ctx, src, q, args, len(cols)+1)
		if err != nil {
			return copied, err
		}
		if len(batch) == 0 {
			break
		}
		rows := make([][]any, len(batch))
		for i, r := range batch {
			rows[i] = r[1:]
		}
		if err := insertRows(ctx, dst, table, list, len(cols), rows, ""); err != nil {
			return copied, err
		}
		copied += int64(len(batch))
		offset += int64(len(batch))
		after = toInt(batch[len(batch)-1][0])
		report(progress, Progress{Stage: "rows", Table: table, Rows: have + copied, Total: total})
	}
	return copied, nil
}

func columns(ctx context.Context, d DB, table string) ([]string, error) {
	rows, err := d.Pool.QueryContext(ctx, `SELECT * FROM `+ident(table)+` LIMIT 0`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return rows.Columns()
}

func param(d DB, i int) string {
	if d.Postgres {
		return "$" + strconv.Itoa(i)
	}
	return "?"
}

func readRows(ctx context.Context, d DB, q string, args []any, n int) ([][]any, error) {
	rows, err := d.Pool.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out [][]any
	for rows.Next() {
		vals := make([]any, n)
		ptrs := make([]any, n)
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		out = append(out, vals)
	}
	return out, rows.Err()
}

// insertRows writes a batch in one statement and one transaction; suffix ends the statement
// (e.g. an ON CONFLICT clause).
func insertRows(ctx context.Context, d DB, table, list string, ncols int, batch [][]any, suffix string) error {
	var sb strings.Builder
	sb.WriteString(`INSERT INTO ` + ident(table) + ` (` + list + `) VALUES `)
	args := make([]any, 0, len(batch)*ncols)
	for r, row := range batch {
		if r > 0 {
			sb.WriteString(", ")
		}
		sb.WriteByte('(')
		for c, v := range row {
			if c > 0 {
				sb.WriteString(", ")
			}
			args = append(args, v)
			sb.WriteString(param(d, len(args)))
		}
		sb.WriteByte(')')
	}
	sb.WriteString(suffix)
	_, err := d.Pool.ExecContext(ctx, sb.String(), args...)
	return err
}

func toInt(v any) int64 {
	switch x := v.(type) {
	case int64:
		return x
	case int32:
		return int64(x)
	case int:
		return int64(x)
	}
	return 0
}

func report(fn func(Progress), p Progress) {
	if fn != nil {
		fn(p)
	}
}

// CopyObjects copies every object from src to dst; objects already in dst with the same
// size are kept (a resumed move).
func CopyObjects(ctx context.Context, src, dst blob.Bucket, progress func(Progress)) (Report, error) {
	var rep Report
	var seen int64
	err := src.List(ctx, "", func(info blob.Info) error {
		seen++
		if have, err := dst.Stat(ctx, info.Key); err == nil && have.Size == info.Size {
			report(progress, Progress{Stage: "objects", Objects: seen, Bytes: rep.Bytes})
			return nil
		} else if err != nil && !errors.Is(err, blob.ErrNotFound) {
			return err
		}
		r, full, err := src.Get(ctx, info.Key)
		if err != nil {
			return err
		}
		_, err = dst.Put(ctx, info.Key, r, full.Size, full.ContentType)
		r.Close()
		if err != nil {
			return err
		}
		rep.Objects++
		rep.Bytes += full.Size
		report(progress, Progress{Stage: "objects", Objects: seen, Bytes: rep.Bytes})
		return nil
	})
	return rep, err
}

// Mismatch is one difference Verify found.
type Mismatch struct {
	What   string // "rows" or "object"
	Name   string // table or key
	Detail string
}

// Verify compares row counts table by table and every object's SHA-256.
func Verify(ctx context.Context, srcDB, dstDB DB, src, dst blob.Bucket, progress func(Progress)) ([]Mismatch, error) {
	var out []Mismatch
	tables, err := tableOrder(ctx, srcDB, dstDB)
	if err != nil {
		return nil, err
	}
	for _, t := range tables {
		a, err := count(ctx, srcDB, t)
		if err != nil {
			return nil, err
		}
		b, err := count(ctx, dstDB, t)
		if err != nil {
			return nil, err
		}
		if a != b {
			out = append(out, Mismatch{What: "rows", Name: t, Detail: fmt.Sprintf("%d rows in the source, %d in the target", a, b)})
		}
		report(progress, Progress{Stage: "verify", Table: t, Rows: b, Total: a})
	}
	if src == nil {
		return out, nil
	}
	bad, err := compareObjects(ctx, src, dst, progress)
	return append(out, bad...), err
}

// compareObjects holds every object of src against dst by SHA-256.
func compareObjects(ctx context.Context, src, dst blob.Bucket, progress func(Progress)) ([]Mismatch, error) {
	var out []Mismatch
	var n int64
	err := src.List(ctx, "", func(info blob.Info) error {
		n++
		a, err := objectHash(ctx, src, info.Key)
		if err != nil {
			return err
		}
		b, err := objectHash(ctx, dst, info.Key)
		switch {
		case errors.Is(err, blob.ErrNotFound):
			out = append(out, Mismatch{What: "object", Name: info.Key, Detail: "missing in the target"})
		case err != nil:
			return err
		case a != b:
			out = append(out, Mismatch{What: "object", Name: info.Key, Detail: "content differs (SHA-256)"})
		}
		report(progress, Progress{Stage: "verify", Objects: n})
		return nil
	})
	return out, err
}

func objectHash(ctx context.Context, b blob.Bucket, key string) (string, error) {
	r, _, err := b.Get(ctx, key)
	if err != nil {
		return "", err
	}
	defer r.Close()
	h := sha256.New()
	if _, err := io.Copy(h, r); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
