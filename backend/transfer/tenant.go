package transfer

import (
	"context"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/studiodesk/studiodesk/backend/blob"
)

// TenantMove moves one studio between two servers that may both hold other studios: every
// row of the studio gets a new id in the target, every reference follows (foreign keys,
// undeclared id columns, ids inside JSON and inside keys; catalog.go), and its objects are
// copied under the new studio's prefix. The source is only read; the target's other studios
// are never touched. State makes it resumable and idempotent.
type TenantMove struct {
	Src, Dst           DB
	SrcBlobs, DstBlobs blob.Bucket // nil: rows only
	Tenant             int64       // the studio's id in the source
	State              *State
	Target             string // names the target in the state file (a redacted address)
	Slug               string // a new /my/<slug> when the studio's is taken in the target
	Progress           func(Progress)
}

// SlugTakenError: the studio's page address is another studio's in the target.
type SlugTakenError struct{ Slug string }

func (e *SlugTakenError) Error() string {
	return fmt.Sprintf("the studio page address /my/%s belongs to another studio in the target: run again with --slug NEW", e.Slug)
}

// TenantReport is what a studio's move did.
type TenantReport struct {
	NewTenant int64
	Tables    int
	Rows      int64 // inserted into the target by this run
	Objects   int64 // copied by this run
	Bytes     int64
}

type mover struct {
	*TenantMove
	ids      map[string]map[int64]int64
	pending  []idPair
	next     map[string]int64 // SQLite target: the next free id per table
	readOnly bool             // verify: no new ids
}

func (tm *TenantMove) mover(ctx context.Context, readOnly bool) (*mover, error) {
	if tm.State == nil {
		return nil, errors.New("a studio's move needs a state file")
	}
	if err := tm.State.bind(ctx, tm.Tenant, tm.Target); err != nil {
		return nil, err
	}
	ids, err := tm.State.load(ctx)
	if err != nil {
		return nil, fmt.Errorf("read move state: %w", err)
	}
	return &mover{TenantMove: tm, ids: ids, next: map[string]int64{}, readOnly: readOnly}, nil
}

// mapper returns the id mapping as a mapper bound to ctx.
func (m *mover) mapper(ctx context.Context) mapper {
	return func(table string, old int64) (int64, error) { return m.mapID(ctx, table, old) }
}

// mapID returns the target id of a source row of table, taking a new one on first sight (a
// row copied later, or a row deleted in the source that history still names: it gets an id
// no row will ever hold).
func (m *mover) mapID(ctx context.Context, table string, old int64) (int64, error) {
	if old == 0 {
		return 0, nil
	}
	if n, ok := m.ids[table][old]; ok {
		return n, nil
	}
	if m.readOnly {
		return 0, fmt.Errorf("%s id %d has no id in the target (the move did not finish)", table, old)
	}
	news, err := m.reserve(ctx, table, 1)
	if err != nil {
		return 0, err
	}
	m.remember(table, old, news[0])
	return news[0], nil
}

func (m *mover) remember(table string, old, new int64) {
	if m.ids[table] == nil {
		m.ids[table] = map[int64]int64{}
	}
	m.ids[table][old] = new
	m.pending = append(m.pending, idPair{table, old, new})
}

// studioID is the studio's id in the target: never the id it had in the source, so a
// desktop's sync cursor (which names the studio) and its local copy (a file per server,
// studio and staff member) from before the move are refused and started over, not
// continued with old ids, even when the server keeps its address.
func (m *mover) studioID(ctx context.Context) (int64, error) {
	if n, ok := m.ids["tenants"][m.Tenant]; ok {
		return n, nil
	}
	for {
		news, err := m.reserve(ctx, "tenants", 1)
		if err != nil {
			return 0, err
		}
		if news[0] != m.Tenant {
			m.remember("tenants", m.Tenant, news[0])
			return news[0], nil
		}
	}
}

// reserve takes n new ids of table from the target: from its identity sequence on
// PostgreSQL (never handed out again), after the highest id in the table and in the state
// on SQLite (the target is then a server of its own that nothing else writes during the move).
func (m *mover) reserve(ctx context.Context, table string, n int) ([]int64, error) {
	out := make([]int64, 0, n)
	if m.Dst.Postgres {
		rows, err := m.Dst.Pool.QueryContext(ctx, `SELECT nextval(pg_get_serial_sequence($1, 'id')) FROM generate_series(1, $2)`, table, n)
		if err != nil {
			return nil, fmt.Errorf("new ids of %s: %w", table, err)
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return nil, err
			}
			out = append(out, id)
		}
		return out, rows.Err()
	}
	next, ok := m.next[table]
	if !ok {
		var have int64
		if err := m.Dst.Pool.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM `+ident(table)).Scan(&have); err != nil {
			return nil, fmt.Errorf("new ids of %s: %w", table, err)
		}
		saved, err := m.State.maxNew(ctx, table)
		if err != nil {
			return nil, err
		}
		next = max(have, saved) + 1
	}
	for range n {
		out = append(out, next)
		next++
	}
	m.next[table] = next
	return out, nil
}

func (m *mover) flush(ctx context.Context) error {
	if err := m.State.save(ctx, m.pending); err != nil {
		return err
	}
	m.pending = m.pending[:0]
	return nil
}

// movedTables lists the tables a studio's move copies, parents first.
func movedTables(ctx context.Context, src, dst DB) ([]string, error) {
	all, err := tableOrder(ctx, src, dst)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, t := range all {
		spec, ok := catalog[t]
		if !ok {
			return nil, fmt.Errorf("table %s is not in the move's catalog (backend/transfer/catalog.go)", t)
		}
		if spec.Scope == scopeTenant && t != "jobs" {
			out = append(out, t)
		}
	}
	// Jobs last: the target's replicas run a studio's jobs as soon as they see them, and
	// a job should find the studio whole.
	return append(out, "jobs"), nil
}

// Move copies the studio's rows, then its objects.
func (tm *TenantMove) Move(ctx context.Context) (TenantReport, error) {
	var rep TenantReport
	m, err := tm.mover(ctx, false)
	if err != nil {
		return rep, err
	}
	tables, err := movedTables(ctx, tm.Src, tm.Dst)
	if err != nil {
		return rep, err
	}
	var exists int
	if err := tm.Src.Pool.QueryRowContext(ctx, `SELECT COUNT(*) FROM tenants WHERE id = `+param(tm.Src, 1), tm.Tenant).Scan(&exists); err != nil {
		return rep, err
	}
	if exists == 0 {
		return rep, fmt.Errorf("studio %d does not exist in the source", tm.Tenant)
	}
	if rep.NewTenant, err = m.studioID(ctx); err != nil {
		return rep, err
	}
	if err := m.flush(ctx); err != nil {
		return rep, err
	}
	if err := m.checkClashes(ctx, rep.NewTenant); err != nil {
		return rep, err
	}
	for _, t := range tables {
		n, err := m.copyTable(ctx, t)
		if err != nil {
			return rep, fmt.Errorf("copy table %s: %w", t, err)
		}
		rep.Tables++
		rep.Rows += n
	}
	if tm.SrcBlobs != nil {
		objs, err := CopyObjects(ctx, blob.Prefixed(tm.SrcBlobs, studioPrefix(tm.Tenant)), blob.Prefixed(tm.DstBlobs, studioPrefix(rep.NewTenant)), tm.Progress)
		rep.Objects, rep.Bytes = objs.Objects, objs.Bytes
		if err != nil {
			return rep, fmt.Errorf("copy objects: %w", err)
		}
	}
	return rep, nil
}

// studioPrefix is where a studio's objects live (backend/api: tenantBucket).
func studioPrefix(tenant int64) string { return "studios/" + strconv.FormatInt(tenant, 10) }

// checkClashes refuses, before anything is written, what is unique across studios and
// already another studio's in the target: the page slug, share-link tokens, payment refs.
func (m *mover) checkClashes(ctx context.Context, newTenant int64) error {
	var slug string
	err := m.Src.Pool.QueryRowContext(ctx, `SELECT slug FROM studio_pages WHERE tenant_id = `+param(m.Src, 1), m.Tenant).Scan(&slug)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	if err == nil {
		if m.Slug != "" {
			slug = m.Slug
		}
		var owner int64
		err := m.Dst.Pool.QueryRowContext(ctx, `SELECT tenant_id FROM studio_pages WHERE slug = `+param(m.Dst, 1), slug).Scan(&owner)
		if err == nil && owner != newTenant {
			return &SlugTakenError{Slug: slug}
		}
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
	}
	// srcQ selects (what the target is asked with, what the message names); dstQ takes nargs.
	clash := func(what, srcQ, dstQ string, nargs int) error {
		rows, err := readRows(ctx, m.Src, srcQ, []any{m.Tenant}, 2)
		if err != nil {
			return err
		}
		for _, r := range rows {
			var owner int64
			err := m.Dst.Pool.QueryRowContext(ctx, dstQ, r[:nargs]...).Scan(&owner)
			if err == nil && owner != newTenant {
				return fmt.Errorf("%s %v is another studio's in the target: the move stops before writing", what, r[1])
			}
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return err
			}
		}
		return nil
	}
	p1, p2 := param(m.Dst, 1), param(m.Dst, 2)
	if err := clash("share link", `SELECT token_hash, label FROM share_links WHERE tenant_id = `+param(m.Src, 1),
		`SELECT tenant_id FROM share_links WHERE token_hash = `+p1, 1); err != nil {
		return err
	}
	return clash("payment reference", `SELECT provider, provider_ref FROM credit_purchases WHERE tenant_id = `+param(m.Src, 1),
		`SELECT tenant_id FROM credit_purchases WHERE provider = `+p1+` AND provider_ref = `+p2, 2)
}

// primaryKey lists a table's primary-key columns (from the SQLite side).
func primaryKey(ctx context.Context, src, dst DB, table string) ([]string, error) {
	lite, err := sqliteSide(src, dst)
	if err != nil {
		return nil, err
	}
	out, err := queryStrings(ctx, lite, `SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk`, table)
	if err == nil && len(out) == 0 {
		err = fmt.Errorf("table %s has no primary key", table)
	}
	return out, err
}

// reader walks the studio's rows of a table in primary-key order, batch by batch.
type reader struct {
	db    DB
	table string
	cols  []string
	key   []int // indexes of the key columns in cols
	where string
	args  []any
	after []any
}

func newReader(ctx context.Context, m *mover, db DB, table string, tenant int64) (*reader, error) {
	spec := catalog[table]
	cols, err := columns(ctx, db, table)
	if err != nil {
		return nil, err
	}
	pk, err := primaryKey(ctx, m.Src, m.Dst, table)
	if err != nil {
		return nil, err
	}
	r := &reader{db: db, table: table, cols: cols, where: ident(spec.Tenant) + ` = ` + param(db, 1), args: []any{tenant}}
	for _, k := range pk {
		i := slices.Index(cols, k)
		if i < 0 {
			return nil, fmt.Errorf("%s: key column %s missing", table, k)
		}
		r.key = append(r.key, i)
	}
	return r, nil
}

func (r *reader) next(ctx context.Context) ([][]any, error) {
	quoted := make([]string, len(r.cols))
	for i, c := range r.cols {
		quoted[i] = ident(c)
	}
	keys := make([]string, len(r.key))
	for i, k := range r.key {
		keys[i] = ident(r.cols[k])
	}
	q := `SELECT ` + strings.Join(quoted, ", ") + ` FROM ` + ident(r.table) + ` WHERE ` + r.where
	args := append([]any{}, r.args...)
	if r.after != nil {
		ph := make([]string, len(r.after))
		for i, v := range r.after {
			args = append(args, v)
			ph[i] = param(r.db, len(args))
		}
		q += ` AND (` + strings.Join(keys, ", ") + `) > (` + strings.Join(ph, ", ") + `)`
	}
	q += ` ORDER BY ` + strings.Join(keys, ", ") + ` LIMIT ` + strconv.Itoa(batchRows)
	rows, err := readRows(ctx, r.db, q, args, len(r.cols))
	if err != nil || len(rows) == 0 {
		return nil, err
	}
	last := rows[len(rows)-1]
	r.after = make([]any, len(r.key))
	for i, k := range r.key {
		r.after[i] = last[k]
	}
	return rows, nil
}

// copyTable copies the studio's rows of one table that the target does not hold yet.
func (m *mover) copyTable(ctx context.Context, table string) (int64, error) {
	done, err := m.State.isDone(ctx, table)
	if err != nil {
		return 0, err
	}
	total, err := m.countTenant(ctx, m.Src, table, m.Tenant)
	if err != nil {
		return 0, err
	}
	if done {
		report(m.Progress, Progress{Stage: "rows", Table: table, Rows: total, Total: total, SkippedTable: true})
		return 0, nil
	}
	rd, err := newReader(ctx, m, m.Src, table, m.Tenant)
	if err != nil {
		return 0, err
	}
	idCol := -1
	if catalog[table].Cols["id"] == "id" {
		idCol = slices.Index(rd.cols, "id")
	}
	quoted := make([]string, len(rd.cols))
	for i, c := range rd.cols {
		quoted[i] = ident(c)
	}
	list := strings.Join(quoted, ", ")
	var copied, seen int64
	for {
		batch, err := rd.next(ctx)
		if err != nil {
			return copied, err
		}
		if len(batch) == 0 {
			break
		}
		seen += int64(len(batch))
		// New ids for the batch in one round trip. Rows that had one already (an earlier,
		// interrupted run, or a reference seen before its row) may be in the target: only
		// those are looked up there.
		known := map[int64]bool{}
		if idCol >= 0 {
			var fresh []int64
			for _, r := range batch {
				if n, ok := m.ids[table][toInt(r[idCol])]; ok {
					known[n] = true
				} else {
					fresh = append(fresh, toInt(r[idCol]))
				}
			}
			if len(fresh) > 0 {
				news, err := m.reserve(ctx, table, len(fresh))
				if err != nil {
					return copied, err
				}
				for i, o := range fresh {
					m.remember(table, o, news[i])
				}
			}
		}
		out := make([][]any, 0, len(batch))
		for _, r := range batch {
			nr, err := m.remapRow(ctx, table, rd.cols, r)
			if err != nil {
				return copied, fmt.Errorf("row %v: %w", r[rd.key[0]], err)
			}
			out = append(out, nr)
		}
		// The new ids first, then the rows that carry them.
		if err := m.flush(ctx); err != nil {
			return copied, err
		}
		if afterFlush != nil {
			afterFlush(table)
		}
		if len(known) > 0 {
			have, err := m.existingIDs(ctx, table, known)
			if err != nil {
				return copied, err
			}
			kept := out[:0]
			for _, r := range out {
				if !have[toInt(r[idCol])] {
					kept = append(kept, r)
				}
			}
			out = kept
		}
		if len(out) > 0 {
			// Rows without an id of their own that are there already (a resumed batch) stay.
			suffix := ""
			if idCol < 0 || catalog[table].Unique != nil {
				suffix = ` ON CONFLICT DO NOTHING`
			}
			if err := insertRows(ctx, m.Dst, table, list, len(rd.cols), out, suffix); err != nil {
				return copied, err
			}
		}
		copied += int64(len(out))
		report(m.Progress, Progress{Stage: "rows", Table: table, Rows: seen, Total: total})
	}
	return copied, m.State.markDone(ctx, table)
}

// afterFlush, when set (tests), runs between saving a batch's new ids and writing its rows.
var afterFlush func(table string)

// existingIDs returns which of ids the target's table holds.
func (m *mover) existingIDs(ctx context.Context, table string, ids map[int64]bool) (map[int64]bool, error) {
	ph := make([]string, 0, len(ids))
	args := make([]any, 0, len(ids))
	for id := range ids {
		args = append(args, id)
		ph = append(ph, param(m.Dst, len(args)))
	}
	rs, err := m.Dst.Pool.QueryContext(ctx, `SELECT id FROM `+ident(table)+` WHERE id IN (`+strings.Join(ph, ", ")+`)`, args...)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	have := map[int64]bool{}
	for rs.Next() {
		var id int64
		if err := rs.Scan(&id); err != nil {
			return nil, err
		}
		have[id] = true
	}
	return have, rs.Err()
}

// remapRow returns the target's version of a source row.
func (m *mover) remapRow(ctx context.Context, table string, cols []string, row []any) ([]any, error) {
	spec := catalog[table]
	mp := m.mapper(ctx)
	get := func(name string) any {
		if i := slices.Index(cols, name); i >= 0 {
			return row[i]
		}
		return nil
	}
	out := make([]any, len(row))
	for i, c := range cols {
		v := row[i]
		role, ok := spec.Cols[c]
		if !ok {
			return nil, fmt.Errorf("column %s.%s is not in the move's catalog (backend/transfer/catalog.go)", table, c)
		}
		var err error
		switch {
		case role == "", role == "derived":
		case role == "id":
			v, err = m.mapID(ctx, table, toInt(v))
		case role == "tenant":
			v, err = m.mapID(ctx, "tenants", toInt(v))
		case role == "reset":
			if _, isText := v.(string); isText {
				v = ""
			} else {
				v = nil
			}
		case strings.HasPrefix(role, "ref:"):
			if v != nil {
				v, err = m.mapID(ctx, role[4:], toInt(v))
			}
		case strings.HasPrefix(role, "json:"):
			if s, ok := asText(v); ok {
				idTable := role[5:]
				if idTable == "audit" {
					idTable, err = auditJSONTable(text(get("action")), text(get("entity")))
				}
				if err == nil {
					v, err = remapJSON(s, idTable, mp)
				}
				if err != nil && role == "json:audit" {
					err = fmt.Errorf("audit entry %s: %w", text(get("action")), err)
				}
			}
		case role == "fn:audit_entity" || role == "fn:change_entity":
			var t string
			if t, err = entityTable(text(get("entity"))); err == nil {
				if s, isText := asText(v); isText {
					v, err = remapDecimal(s, t, mp)
				} else if t != "" {
					v, err = m.mapID(ctx, t, toInt(v))
				}
			}
		case role == "fn:ledger_ref":
			var t string
			if t, err = ledgerRefTable(text(get("ref_type"))); err == nil && t != "" {
				v, err = m.mapID(ctx, t, toInt(v))
			}
		case role == "fn:job_key":
			v, err = jobKey(text(get("kind")), text(v), mp)
		case role == "fn:dedupe_key":
			v, err = dedupeKey(table, text(v), toInt(get("lead_id")), mp)
		case role == "fn:dist_key":
			v, err = distKey(text(v), mp)
		case role == "fn:slug":
			if m.Slug != "" {
				v = m.Slug
			}
		default:
			return nil, fmt.Errorf("column %s.%s has the unknown role %q", table, c, role)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", c, err)
		}
		out[i] = v
	}
	return out, nil
}

func asText(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case []byte:
		return string(x), true
	}
	return "", false
}

func text(v any) string {
	s, _ := asText(v)
	return s
}

func (m *mover) countTenant(ctx context.Context, d DB, table string, tenant int64) (int64, error) {
	var n int64
	err := d.Pool.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+ident(table)+` WHERE `+ident(catalog[table].Tenant)+` = `+param(d, 1), tenant).Scan(&n)
	return n, err
}

// Verify compares the studio on both sides: row counts per table; every row of the target
// equal to its source row with the ids mapped (so every lead's doc is the source doc with
// ids mapped, every key, every reference); every object's SHA-256 under the new prefix.
func (tm *TenantMove) Verify(ctx context.Context) ([]Mismatch, error) {
	m, err := tm.mover(ctx, true)
	if err != nil {
		return nil, err
	}
	newTenant, err := m.mapID(ctx, "tenants", tm.Tenant)
	if err != nil {
		return []Mismatch{{What: "rows", Name: "tenants", Detail: "the studio was not moved yet"}}, nil
	}
	tables, err := movedTables(ctx, tm.Src, tm.Dst)
	if err != nil {
		return nil, err
	}
	var out []Mismatch
	for _, t := range tables {
		a, err := m.countTenant(ctx, tm.Src, t, tm.Tenant)
		if err != nil {
			return nil, err
		}
		b, err := m.countTenant(ctx, tm.Dst, t, newTenant)
		if err != nil {
			return nil, err
		}
		if a != b {
			out = append(out, Mismatch{What: "rows", Name: t, Detail: fmt.Sprintf("%d rows of the studio in the source, %d in the target", a, b)})
			continue
		}
		bad, err := m.compareRows(ctx, t, newTenant)
		if err != nil {
			return nil, fmt.Errorf("compare %s: %w", t, err)
		}
		out = append(out, bad...)
		report(tm.Progress, Progress{Stage: "verify", Table: t, Rows: b, Total: a})
	}
	if tm.SrcBlobs == nil {
		return out, nil
	}
	bad, err := compareObjects(ctx, blob.Prefixed(tm.SrcBlobs, studioPrefix(tm.Tenant)), blob.Prefixed(tm.DstBlobs, studioPrefix(newTenant)), tm.Progress)
	return append(out, bad...), err
}

// compareRows holds every target row of the studio against its source row, ids mapped.
func (m *mover) compareRows(ctx context.Context, table string, newTenant int64) ([]Mismatch, error) {
	want := map[string]int{}
	var bad error // a source row that cannot be mapped: the move did not finish
	err := m.eachRow(ctx, m.Src, table, m.Tenant, func(cols []string, r []any) error {
		nr, err := m.remapRow(ctx, table, cols, r)
		if err != nil {
			bad = err
			return errStop
		}
		want[rowString(table, cols, nr)]++
		return nil
	})
	if bad != nil {
		return []Mismatch{{What: "rows", Name: table, Detail: bad.Error()}}, nil
	}
	if err != nil {
		return nil, err
	}
	var out []Mismatch
	err = m.eachRow(ctx, m.Dst, table, newTenant, func(cols []string, r []any) error {
		k := rowString(table, cols, r)
		if want[k] == 0 {
			out = append(out, Mismatch{What: "rows", Name: table, Detail: "a row differs from its source row with ids mapped: " + short(k)})
		} else {
			want[k]--
		}
		return nil
	})
	return out, err
}

var errStop = errors.New("stop")

// eachRow calls fn with every row of the studio in a table of one side.
func (m *mover) eachRow(ctx context.Context, db DB, table string, tenant int64, fn func(cols []string, row []any) error) error {
	rd, err := newReader(ctx, m, db, table, tenant)
	if err != nil {
		return err
	}
	for {
		batch, err := rd.next(ctx)
		if err != nil || len(batch) == 0 {
			return err
		}
		for _, r := range batch {
			if err := fn(rd.cols, r); err != nil {
				return err
			}
		}
	}
}

// rowString is a row's comparable form, column by name (the two engines may order columns
// added by migrations differently) with values in one spelling; columns the target keeps
// itself ("derived", or all but a table's Unique columns) are left out.
func rowString(table string, cols []string, row []any) string {
	parts := make([]string, 0, len(cols))
	spec := catalog[table]
	for i, c := range cols {
		if spec.Cols[c] == "derived" || (spec.Unique != nil && !slices.Contains(spec.Unique, c)) {
			continue
		}
		var v string
		switch x := row[i].(type) {
		case nil:
			v = "∅"
		case []byte:
			v = "x" + hex.EncodeToString(x)
		default:
			v = fmt.Sprint(x)
		}
		parts = append(parts, c+"="+v)
	}
	sort.Strings(parts)
	return strings.Join(parts, "\x00")
}

func short(s string) string {
	s = strings.ReplaceAll(s, "\x00", " ")
	if len(s) > 300 {
		return s[:300] + "…"
	}
	return s
}
