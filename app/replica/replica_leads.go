package replica

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/studiodesk/studiodesk/backend/api/apiclient"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/studiodesk/studiodesk/backend/lead"
)

// Item is a lead as the UI shows it: the optimistic copy, and how many of the user's changes
// to it are still waiting for the server.
type Item struct {
	lead.Lead
	// Pending counts local changes not yet acknowledged (0: the server's copy).
	Pending int `json:"pending,omitempty"`
}

// Filter selects a page of leads, newest first (created_at, id descending) — the fields of
// the server's list (GET /api/v1/leads) that apply to a replica, with the same JSON names.
// Date ranges are [from, to). Text: 11 digits = exact phone; 4–6 digits = a phone's last
// digits (尾号), 7–10 digits = a phone's start or end (any of the lead's phones); 3+ other characters = substring of name or notes; one or
// two characters = names starting with them. Limit 1–500, default 50. Cursor is the Next of
// the previous page.
//
// It is the server list's query (one definition for both); Deleted does not apply here (the
// replica never holds leads in the recycle bin) and is ignored.
type Filter = apiclient.LeadQuery

// Page is one page of a list; Next is "" on the last page.
type Page struct {
	Leads []Item `json:"leads"`
	Next  string `json:"next,omitempty"`
}

// ErrFilter marks a filter the replica cannot run (a malformed cursor or status).
var ErrFilter = errors.New("invalid lead filter")

// List returns one page of the replica's leads matching f.
func (r *Replica) List(ctx context.Context, f Filter) (Page, error) {
	page := Page{Leads: []Item{}}
	var w []string
	var args []any
	add := func(cond string, a ...any) {
		w = append(w, cond)
		args = append(args, a...)
	}
	// Pooled leads are few: their partial index beats any other, so the other equality
	// filters are kept off the planner's index choice (unary +).
	eq := " = ?"
	col := func(c string) string { return c }
	if f.InPool != nil && *f.InPool {
		col = func(c string) string { return "+" + c }
	}
	ints := []struct {
		col string
		v   int64
	}{{"brand_id", f.BrandID}, {"branch_id", f.BranchID}, {"channel_id", f.ChannelID}, {"owner_id", f.OwnerID}}
	for _, p := range ints {
		if p.v != 0 {
			add(col(p.col)+eq, p.v)
		}
	}
	states := []struct {
		col, v string
		axis   lead.Axis
	}{{"validity", f.Validity, lead.AxisValidity}, {"booking", f.Booking, lead.AxisBooking}, {"store_status", f.Store, lead.AxisStore}}
	for _, p := range states {
		if p.v == "" {
			continue
		}
		if !contains(lead.States(p.axis), p.v) {
			return page, fmt.Errorf("%w: %s %q", ErrFilter, p.axis, p.v)
		}
		add(col(p.col)+eq, p.v)
	}
	ranges := []struct {
		col      string
		from, to *time.Time
	}{{"created_at", f.CreatedFrom, f.CreatedTo}, {"updated_at", f.UpdatedFrom, f.UpdatedTo},
		{"next_follow_up", f.FollowUpFrom, f.FollowUpTo}}
	for _, p := range ranges {
		if p.from != nil {
			add(p.col+" >= ?", p.from.UnixMilli())
		}
		if p.to != nil {
			add(p.col+" < ?", p.to.UnixMilli())
		}
	}
	if f.InPool != nil {
		// A literal, not a parameter: only then can SQLite use the partial index of pooled leads.
		add("in_pool = " + strconv.Itoa(boolInt(*f.InPool)))
	}
	if sub, a := textPage(f, w); sub != "" {
		// The search box's phone query: the page is chosen on the phone index alone.
		add("id IN ("+sub+")", a...)
	} else if sub, a := textMatches(f.Text); sub != "" {
		// Few matches: fetch them by id and sort them. Many (a common name or a short
		// suffix): walk the list order and test each lead against the matches, stopping at a
		// page; sorting thousands of matches would take longer.
		var n int
		if err := r.r.QueryRowContext(ctx, "SELECT count(*) FROM ("+sub+" LIMIT ?)", append(a, manyMatches)...).Scan(&n); err != nil {
			return page, fmt.Errorf("search replica leads: %w", err)
		}
		if n < manyMatches {
			add("id IN ("+sub+")", a...)
		} else {
			add("+id IN ("+sub+")", a...) // unary +: not an index lookup
		}
	}
	if f.Cursor != "" {
		ms, id, err := decodeCursor(f.Cursor)
		if err != nil {
			return page, fmt.Errorf("%w: cursor: %w", ErrFilter, err)
		}
		add("(created_at < ? OR (created_at = ? AND id < ?))", ms, ms, id)
	}
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	// The page is chosen on the narrow table — on the index alone when it covers the filter
	// (every list index ends in created_at, id; selecting pending here would read the row of
	// every match a sorted filter looks at) — then its rows and documents are read.
	pick, pickArgs := pageQuery(w, args, limit, followDays(f))
	q := "SELECT d.doc, l.pending, p.created_at FROM (" + pick + ") p JOIN leads l ON l.id = p.id JOIN lead_docs d ON d.id = p.id" +
		" ORDER BY p.created_at DESC, p.id DESC"
	rows, err := r.r.QueryContext(ctx, q, pickArgs...)
	if err != nil {
		return page, fmt.Errorf("list replica leads: %w", err)
	}
	defer rows.Close()
	var lastMS int64
	for rows.Next() {
		var doc []byte
		var it Item
		if err := rows.Scan(&doc, &it.Pending, &lastMS); err != nil {
			return page, fmt.Errorf("list replica leads: %w", err)
		}
		if err := json.Unmarshal(doc, &it.Lead); err != nil {
			return page, fmt.Errorf("decode replica lead: %w", err)
		}
		page.Leads = append(page.Leads, it)
	}
	if err := rows.Err(); err != nil {
		return page, fmt.Errorf("list replica leads: %w", err)
	}
	if len(page.Leads) == limit {
		page.Next = encodeCursor(lastMS, page.Leads[len(page.Leads)-1].ID)
	}
	return page, nil
}

// pageQuery selects the ids and creation times of a page: the newest limit leads meeting
// every condition of w. With days (a follow-up date filter of a few days), one branch per day
// reads at most limit leads in list order from leads_by_follow_day and the page is the newest
// of those, so a week costs 7 short index walks instead of sorting every lead due that week.
func pageQuery(w []string, args []any, limit int, days []int64) (string, []any) {
	where := ""
	if len(w) > 0 {
		where = " WHERE " + strings.Join(w, " AND ")
	}
	const order = " ORDER BY created_at DESC, id DESC LIMIT ?"
	if len(days) == 0 {
		return "SELECT id, created_at FROM leads" + where + order, append(slices.Clone(args), limit)
	}
	branches := make([]string, len(days))
	var a []any
	for i, d := range days {
		branches[i] = "SELECT * FROM (SELECT id, created_at FROM leads" + where + " AND follow_day = ?" + order + ")"
		a = append(append(append(a, args...), d), limit)
	}
	return "SELECT id, created_at FROM (" + strings.Join(branches, " UNION ALL ") + ")" + order, append(a, limit)
}

// maxFollowDays bounds the per-day page query; a longer follow-up range sorts its matches.
const maxFollowDays = 31

// followDays lists the studio days a follow-up date filter spans, nil when it has no such
// filter or spans more than maxFollowDays.
func followDays(f Filter) []int64 {
	if f.FollowUpFrom == nil || f.FollowUpTo == nil || !f.FollowUpTo.After(*f.FollowUpFrom) {
		return nil
	}
	first, last := studioDay(f.FollowUpFrom.UnixMilli()), studioDay(f.FollowUpTo.UnixMilli()-1)
	if last-first >= maxFollowDays {
		return nil
	}
	var days []int64
	for d := first; d <= last; d++ {
		days = append(days, d)
	}
	return days
}

// studioDay is the day number (since 1970-01-01) of a Unix-ms instant in the studio's time,
// UTC+8 all year (China has no daylight saving); follow_day holds it.
func studioDay(ms int64) int64 {
	const offset, day = 8 * 3600 * 1000, 24 * 3600 * 1000
	return (ms + offset) / day
}

// Search returns up to limit leads (default 20) matching text as Filter.Text does, newest
// first: the search box's answer. A text search (3+ characters) takes the newest matches
// by lead id — the server numbers leads as they are created, and a common word matching tens
// of thousands of leads then costs one index walk — plus the matching leads created here;
// page through List for the exact created_at order.
func (r *Replica) Search(ctx context.Context, text string, limit int) ([]Item, error) {
	if limit <= 0 {
		limit = 20
	}
	t := strings.TrimSpace(text)
	if t == "" {
		return []Item{}, nil
	}
	sub, a := textMatches(t)
	if !strings.Contains(sub, "leads_fts") {
		p, err := r.List(ctx, Filter{Text: t, Limit: limit})
		return p.Leads, err
	}
	q := `SELECT d.doc, l.pending FROM leads l JOIN lead_docs d ON d.id = l.id WHERE l.id IN (
		SELECT id FROM (` + sub + ` ORDER BY rowid DESC LIMIT ?) UNION ALL ` + sub + ` AND rowid < 0)
		ORDER BY l.created_at DESC, l.id DESC LIMIT ?`
	args := append(append(append(slices.Clone(a), limit), a...), limit)
	rows, err := r.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("search replica leads: %w", err)
	}
	defer rows.Close()
	out := []Item{}
	for rows.Next() {
		var doc []byte
		var it Item
		if err := rows.Scan(&doc, &it.Pending); err != nil {
			return nil, fmt.Errorf("search replica leads: %w", err)
		}
		if err := json.Unmarshal(doc, &it.Lead); err != nil {
			return nil, fmt.Errorf("decode replica lead: %w", err)
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

// textPage returns, for a filter that is only a search (w holds no other condition) by
// phone or by a one- or two-character name prefix, a subquery choosing the page's lead ids
// on an index that carries created_at: a suffix shared by a hundred leads or a surname shared
// by thousands then costs one index range, not a row read per match.
func textPage(f Filter, w []string) (string, []any) {
	t := strings.TrimSpace(f.Text)
	if len(w) > 0 || t == "" {
		return "", nil
	}
	var q, cond string
	var a []any
	switch {
	case isDigits(t) && len(t) == 11:
		q, cond, a = "SELECT lead_id FROM lead_phones WHERE ", "phone = ?", []any{t}
	case isDigits(t) && len(t) >= 4:
		rev := reverse(t)
		q, cond, a = "SELECT lead_id FROM lead_phones WHERE ", "rev >= ? AND rev < ?", []any{rev, rev + "\x7f"}
		if len(t) >= phonePrefixDigits {
			cond, a = "((phone >= ? AND phone < ?) OR (rev >= ? AND rev < ?))", []any{t, t + "\x7f", rev, rev + "\x7f"}
		}
	case utf8.RuneCountInString(t) < 3:
		q, cond, a = "SELECT id FROM leads WHERE ", namePrefixCond(t), []any{t}
	default:
		return "", nil
	}
	idCol, group, order := "lead_id", " GROUP BY lead_id", " ORDER BY max(created_at) DESC, lead_id DESC"
	if strings.Contains(q, "FROM leads ") {
		idCol, group, order = "id", "", " ORDER BY created_at DESC, id DESC"
	}
	if f.Cursor != "" {
		ms, id, err := decodeCursor(f.Cursor)
		if err != nil {
			return "", nil // List reports the bad cursor
		}
		cond += " AND (created_at < ? OR (created_at = ? AND " + idCol + " < ?))"
		a = append(a, ms, ms, id)
	}
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	return q + cond + group + order + " LIMIT " + strconv.Itoa(limit), a
}

// phonePrefixDigits: digits from this many on also match the start of a phone; fewer (4–6)
// are its last digits (尾号), as on the server (store/sqldb).
const phonePrefixDigits = 7

// manyMatches is where a search stops fetching matches by id and walks the list order.
const manyMatches = 400

// textMatches turns the search text into a subquery of matching lead ids.
func textMatches(text string) (string, []any) {
	t := strings.TrimSpace(text)
	switch {
	case t == "":
		return "", nil
	case isDigits(t) && len(t) == 11:
		return "SELECT lead_id FROM lead_phones WHERE phone = ?", []any{t}
	case isDigits(t) && len(t) >= 4:
		rev := reverse(t)
		if len(t) < phonePrefixDigits {
			return "SELECT lead_id FROM lead_phones WHERE rev >= ? AND rev < ?", []any{rev, rev + "\x7f"}
		}
		return "SELECT lead_id FROM lead_phones WHERE (phone >= ? AND phone < ?) OR (rev >= ? AND rev < ?)",
			[]any{t, t + "\x7f", rev, rev + "\x7f"}
	case utf8.RuneCountInString(t) >= 3:
		// A trigram phrase query is an exact substring match.
		return "SELECT rowid AS id FROM leads_fts WHERE leads_fts MATCH ?", []any{`{name notes} : "` + strings.ReplaceAll(t, `"`, `""`) + `"`}
	default:
		// Too short for trigrams: names starting with it (a surname, a given name's start).
		return "SELECT id FROM leads WHERE " + namePrefixCond(t), []any{t}
	}
}

// Get returns one lead. A local id the server has since answered for finds the server's
// lead (check the returned ID). ErrNotFound when the replica does not hold it.
func (r *Replica) Get(ctx context.Context, id int64) (Item, error) {
	var it Item
	if id < 0 {
		var sid int64
		err := r.r.QueryRowContext(ctx, "SELECT server_id FROM id_map WHERE local_id = ?", id).Scan(&sid)
		switch {
		case err == nil:
			id = sid
		case !errors.Is(err, sql.ErrNoRows):
			return it, fmt.Errorf("get lead %d: %w", id, err)
		}
	}
	var doc []byte
	err := r.r.QueryRowContext(ctx, "SELECT d.doc, l.pending FROM leads l JOIN lead_docs d ON d.id = l.id WHERE l.id = ?", id).
		Scan(&doc, &it.Pending)
	if errors.Is(err, sql.ErrNoRows) {
		return it, fmt.Errorf("lead %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return it, fmt.Errorf("get lead %d: %w", id, err)
	}
	if err := json.Unmarshal(doc, &it.Lead); err != nil {
		return it, fmt.Errorf("decode lead %d: %w", id, err)
	}
	return it, nil
}

// row is a lead row as stored.
type row struct {
	id            int64
	doc           *lead.Lead // nil: the row is to be removed
	server        *lead.Lead
	pending       int
	version       int64
	serverVersion int64
}

// loadRow reads a lead row inside a write transaction; found false when absent.
func loadRow(ctx context.Context, tx querier, id int64) (row, bool, error) {
	rw := row{id: id}
	var doc []byte
	var server []byte
	err := tx.QueryRowContext(ctx, `SELECT d.doc, d.server_doc, l.pending, l.version, l.server_version
		FROM leads l JOIN lead_docs d ON d.id = l.id WHERE l.id = ?`, id).
		Scan(&doc, &server, &rw.pending, &rw.version, &rw.serverVersion)
	if errors.Is(err, sql.ErrNoRows) {
		return rw, false, nil
	}
	if err != nil {
		return rw, false, fmt.Errorf("read lead %d: %w", id, err)
	}
	rw.doc = new(lead.Lead)
	if err := json.Unmarshal(doc, rw.doc); err != nil {
		return rw, false, fmt.Errorf("decode lead %d: %w", id, err)
	}
	if server != nil {
		rw.server = new(lead.Lead)
		if err := json.Unmarshal(server, rw.server); err != nil {
			return rw, false, fmt.Errorf("decode lead %d: %w", id, err)
		}
	}
	return rw, true, nil
}

// putRow writes a lead row with its indexed columns, phones and search text; a row without
// doc is removed.
func putRow(ctx context.Context, tx querier, rw row) error {
	if err := dropIndexes(ctx, tx, rw.id); err != nil {
		return err
	}
	return writeRow(ctx, tx, rw)
}

// writeRow is putRow for a lead with no phone or text index entries (new, or unindexed).
func writeRow(ctx context.Context, tx querier, rw row) error {
	if rw.doc == nil {
		if _, err := tx.ExecContext(ctx, "DELETE FROM leads WHERE id = ?", rw.id); err != nil {
			return fmt.Errorf("remove lead %d: %w", rw.id, err)
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM lead_docs WHERE id = ?", rw.id); err != nil {
			return fmt.Errorf("remove lead %d: %w", rw.id, err)
		}
		return nil
	}
	l := rw.doc
	doc, err := json.Marshal(l)
	if err != nil {
		return fmt.Errorf("encode lead %d: %w", rw.id, err)
	}
	var server any
	if rw.server == rw.doc {
		server = doc // the usual case: no local change on top of the server's copy
	} else if rw.server != nil {
		b, err := json.Marshal(rw.server)
		if err != nil {
			return fmt.Errorf("encode lead %d: %w", rw.id, err)
		}
		server = b
	}
	var follow, followDay any
	if l.NextFollowUp != nil {
		follow, followDay = l.NextFollowUp.UnixMilli(), studioDay(l.NextFollowUp.UnixMilli())
	}
	name1, name2 := namePrefixes(l.Name)
	_, err = tx.ExecContext(ctx, `INSERT INTO leads (id, brand_id, branch_id, channel_id, owner_id,
		validity, booking, store_status, in_pool, created_at, updated_at, next_follow_up, follow_day, name, name1, name2,
		version, server_version, pending)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET brand_id = excluded.brand_id,
		branch_id = excluded.branch_id, channel_id = excluded.channel_id, owner_id = excluded.owner_id,
		validity = excluded.validity, booking = excluded.booking, store_status = excluded.store_status,
		in_pool = excluded.in_pool, created_at = excluded.created_at, updated_at = excluded.updated_at,
		next_follow_up = excluded.next_follow_up, follow_day = excluded.follow_day, name = excluded.name, name1 = excluded.name1,
		name2 = excluded.name2, version = leads.version + 1,
		server_version = excluded.server_version, pending = excluded.pending`,
		rw.id, l.BrandID, l.BranchID, l.ChannelID, l.OwnerID, string(l.Validity), string(l.Booking),
		string(l.Store), boolInt(l.InPool), l.CreatedAt.UnixMilli(), l.UpdatedAt.UnixMilli(), follow, followDay, l.Name,
		name1, name2, rw.version+1, rw.serverVersion, rw.pending)
	if err != nil {
		return fmt.Errorf("save lead %d: %w", rw.id, err)
	}
	if _, err := tx.ExecContext(ctx, "INSERT OR REPLACE INTO lead_docs (id, doc, server_doc) VALUES (?, ?, ?)", rw.id, doc, server); err != nil {
		return fmt.Errorf("save lead %d: %w", rw.id, err)
	}
	for _, p := range phonesOf(*l) {
		if _, err := tx.ExecContext(ctx, "INSERT INTO lead_phones (lead_id, brand_id, phone, rev, created_at) VALUES (?, ?, ?, ?, ?)",
			rw.id, l.BrandID, p, reverse(p), l.CreatedAt.UnixMilli()); err != nil {
			return fmt.Errorf("index phones of lead %d: %w", rw.id, err)
		}
	}
	if l.Name != "" || l.Notes != "" {
		if _, err := tx.ExecContext(ctx, "INSERT INTO leads_fts (rowid, name, notes) VALUES (?, ?, ?)", rw.id, l.Name, l.Notes); err != nil {
			return fmt.Errorf("index text of lead %d: %w", rw.id, err)
		}
	}
	return nil
}

// namePrefixes are a name's first character and first two characters (the columns a one- or
// two-character search looks up; SQLite's substr counts characters the same way).
func namePrefixes(name string) (string, string) {
	r := []rune(name)
	return string(r[:min(1, len(r))]), string(r[:min(2, len(r))])
}

// namePrefixCond is the condition matching names that start with a one- or two-character t.
func namePrefixCond(t string) string {
	if utf8.RuneCountInString(t) == 1 {
		return "name1 = ?"
	}
	return "name2 = ?"
}

func dropIndexes(ctx context.Context, tx querier, id int64) error {
	if _, err := tx.ExecContext(ctx, "DELETE FROM lead_phones WHERE lead_id = ?", id); err != nil {
		return fmt.Errorf("unindex phones of lead %d: %w", id, err)
	}
	if _, err := tx.ExecContext(ctx, "DELETE FROM leads_fts WHERE rowid = ?", id); err != nil {
		return fmt.Errorf("unindex text of lead %d: %w", id, err)
	}
	return nil
}

// phonesOf lists a lead's phones as stored (possibly masked), without duplicates.
func phonesOf(l lead.Lead) []string {
	var out []string
	for _, p := range []string{l.Phone, l.Phone2, partnerPhone(l)} {
		if p != "" && !contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}

func partnerPhone(l lead.Lead) string {
	if l.Wedding == nil {
		return ""
	}
	return l.Wedding.PartnerPhone
}

func encodeCursor(ms, id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(ms, 10) + ":" + strconv.FormatInt(id, 10)))
}

func decodeCursor(s string) (int64, int64, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return 0, 0, err
	}
	a, c, ok := strings.Cut(string(b), ":")
	if !ok {
		return 0, 0, errors.New("malformed cursor")
	}
	ms, err1 := strconv.ParseInt(a, 10, 64)
	id, err2 := strconv.ParseInt(c, 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		return 0, 0, err
	}
	return ms, id, nil
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

func contains(list []string, v string) bool {
	for _, s := range list {
		if s == v {
			return true
		}
	}
	return false
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
