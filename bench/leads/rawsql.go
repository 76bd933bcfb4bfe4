package main

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"strings"
	"time"

	_ "modernc.org/sqlite" // the driver the server uses, for the raw reference

	"github.com/studiodesk/studiodesk/backend/store"
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

// listSQL is the statement sqldb.ListLeads runs for f, written out again so the raw
// reference and EXPLAIN QUERY PLAN use the very same SQL (TestListSQLMirrorsStore checks
// that both return the same rows for every scenario's filters).
func listSQL(tenant int64, f store.LeadFilter) (string, []any) {
	var w []string
	args := []any{tenant}
	add := func(cond string, a ...any) {
		w = append(w, cond)
		args = append(args, a...)
	}
	add("deleted = ?", boolInt(f.Deleted))
	if f.BrandID != 0 {
		add("brand_id = ?", f.BrandID)
	}
	if f.BranchID != 0 {
		add("branch_id = ?", f.BranchID)
	}
	if f.ChannelID != 0 {
		add("channel_id = ?", f.ChannelID)
	}
	if f.OwnerID != 0 {
		add("owner_id = ?", f.OwnerID)
	}
	if f.Validity != "" {
		add("validity = ?", f.Validity)
	}
	if f.Booking != "" {
		add("booking = ?", f.Booking)
	}
	if f.StoreStatus != "" {
		add("store_status = ?", f.StoreStatus)
	}
	if f.InPool != nil {
		add("in_pool = ?", boolInt(*f.InPool))
	}
	rangeCond := func(col string, from, to *time.Time) {
		if from != nil {
			add(col+" >= ?", from.UnixMilli())
		}
		if to != nil {
			add(col+" < ?", to.UnixMilli())
		}
	}
	rangeCond("created_at", f.CreatedFrom, f.CreatedTo)
	rangeCond("updated_at", f.UpdatedFrom, f.UpdatedTo)
	rangeCond("next_follow_up", f.FollowUpFrom, f.FollowUpTo)
	if txt := strings.TrimSpace(f.Text); txt != "" {
		switch {
		case isDigits(txt) && len(txt) == 11:
			add("phone = ?", txt)
		case isDigits(txt) && len(txt) >= 4:
			add("(phone_rev LIKE ? OR phone LIKE ?)", reverse(txt)+"%", txt+"%")
		default:
			add("name LIKE ? ESCAPE '\\'", "%"+strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(txt)+"%")
		}
	}
	if f.Scope.ChannelIDs != nil {
		ph, ids := []string{"-1"}, []any{} // an empty allowance matches nothing
		for _, id := range f.Scope.ChannelIDs {
			ph, ids = append(ph, "?"), append(ids, id)
		}
		add("channel_id IN ("+strings.Join(ph, ", ")+")", ids...)
	}
	if s := f.Scope; !s.All {
		own := "(owner_id = ? OR intake_owner_id = ? OR booking_owner_id = ? OR store_owner_id = ? OR created_by = ?)"
		ownArgs := []any{s.StaffID, s.StaffID, s.StaffID, s.StaffID, s.StaffID}
		switch {
		case s.BrandID != 0:
			add("(brand_id = ? OR "+own+")", append([]any{s.BrandID}, ownArgs...)...)
		case s.BranchID != 0:
			add("(branch_id = ? OR "+own+")", append([]any{s.BranchID}, ownArgs...)...)
		case s.DepartmentID != 0:
			add("(owner_department_id = ? OR "+own+")", append([]any{s.DepartmentID}, ownArgs...)...)
		default:
			add(own, ownArgs...)
		}
	}
	if f.AfterCreated != nil {
		c := f.AfterCreated.UnixMilli()
		add("(created_at < ? OR (created_at = ? AND id < ?))", c, c, f.AfterID)
	}
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	return `SELECT id, version, doc FROM leads WHERE tenant_id = ? AND ` + strings.Join(w, " AND ") +
		` ORDER BY created_at DESC, id DESC LIMIT ?`, append(args, limit)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

func reverse(s string) string {
	b := []byte(s)
	for i, j := 0, len(b)-1; i < j; i, j = i+1, j-1 {
		b[i], b[j] = b[j], b[i]
	}
	return string(b)
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
