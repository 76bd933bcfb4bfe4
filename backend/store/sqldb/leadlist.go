package sqldb

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/studiodesk/studiodesk/backend/store"
)

// LeadListSQL is the statement ListLeads runs for f in tenant, with ? placeholders:
// exported so the benchmark runs the very same SQL raw and shows its query plan.
func (d Dialect) LeadListSQL(tenant int64, f store.LeadFilter) (string, []any) {
	from, where, args, selective := d.leadWhere(tenant, f, true)
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	order := ` ORDER BY created_at DESC, id DESC`
	switch {
	case from == d.gramJoin():
		order = ` ORDER BY g_created DESC, g_lead DESC` // the gram index's own order
	case selective:
		// Unary plus keeps the planner from walking the newest-first index to avoid a sort:
		// these pages hold few leads, found through their own indexes (portable SQL hint).
		order = ` ORDER BY +created_at DESC, +id DESC`
	}
	return `SELECT id, version, doc FROM ` + from + ` WHERE ` + where + order + ` LIMIT ?`, append(args, f.Limit)
}

// phonePrefixDigits: digits from this many on also match the start of a phone; fewer (4–6)
// are the phone's last digits (尾号), what front desks type. A short start such as "1385" is
// shared by thousands of leads and is never what someone looking for one customer means.
const phonePrefixDigits = 7

// gramJoin drives a name search from the n-gram index: lead_grams stays the outer loop
// (SQLite's CROSS JOIN), so the walk follows (gram, newest first) and stops at the page.
func (d Dialect) gramJoin() string { return "lead_grams " + d.OrderedJoin + " leads ON id = g_lead" }

// Name search. Chinese names are two to four characters and people type one or two of
// them, below what a trigram index serves, and a LIKE '%x%' walks every lead of the studio
// (seconds at 1,000,000). lead_grams holds each lead name's single characters and pairs of
// adjacent characters (ASCII letters lower-cased, like SQLite's LIKE), keyed newest first:
// a search walks the rows of its first one or two characters and checks the whole text.

// nameGrams is the set of grams stored for a name.
func nameGrams(name string) []string {
	rs := []rune(asciiLower(name))
	seen := map[string]bool{}
	var out []string
	add := func(g string) {
		if strings.Trim(g, " ") != "" && !seen[g] { // spaces alone are no search
			seen[g] = true
			out = append(out, g)
		}
	}
	for i := range rs {
		add(string(rs[i]))
		if i+1 < len(rs) {
			add(string(rs[i : i+2]))
		}
	}
	return out
}

// searchGram is the gram a search for txt walks: its first two characters (or its only one).
func searchGram(txt string) string {
	txt = asciiLower(txt)
	if n := utf8.RuneCountInString(txt); n <= 2 {
		return txt
	}
	_, a := utf8.DecodeRuneInString(txt)
	_, b := utf8.DecodeRuneInString(txt[a:])
	return txt[:a+b]
}

// asciiLower lower-cases ASCII letters only, as SQLite's lower() and LIKE do.
func asciiLower(s string) string {
	return strings.Map(func(r rune) rune {
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}, s)
}

// leadWhere builds the FROM and WHERE of a lead list: tenant, filters, scope and (with
// paging) the keyset position.
func (d Dialect) leadWhere(tenant int64, f store.LeadFilter, paging bool) (from, where string, args []any, selective bool) {
	var w []string
	from = "leads"
	args = []any{tenant}
	add := func(cond string, a ...any) {
		w = append(w, cond)
		args = append(args, a...)
	}
	add("deleted = ?", boolInt(f.Deleted))
	// selective: a phone search or an "own" scope narrows the page to few leads through a
	// subquery on their own indexes; the newest-first index must then not drive the scan.
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
			add(col+" >= ?", ms(*from))
		}
		if to != nil {
			add(col+" < ?", ms(*to))
		}
	}
	rangeCond("created_at", f.CreatedFrom, f.CreatedTo)
	rangeCond("updated_at", f.UpdatedFrom, f.UpdatedTo)
	rangeCond("next_follow_up", f.FollowUpFrom, f.FollowUpTo)
	if txt := strings.TrimSpace(f.Text); txt != "" {
		switch {
		case isDigits(txt) && len(txt) == 11:
			selective = true
			add("brand_id IN (SELECT id FROM brands WHERE tenant_id = ?) AND phone = ?", tenant, txt) // UNIQUE (brand_id, phone)
		case isDigits(txt) && len(txt) >= 4:
			// Prefix ranges, not LIKE, so both the phone and the reversed-phone (suffix)
			// indexes are used whatever the LIKE case-sensitivity setting.
			// A subquery keeps the planner on the phone indexes (a plain OR would walk the
			// newest-first index and filter every row).
			rev := reverse(txt)
			selective = true
			sub := `SELECT id FROM leads WHERE tenant_id = ? AND phone_rev >= ? AND phone_rev < ?`
			a := []any{tenant, rev, rev + "\x7f"}
			if len(txt) >= phonePrefixDigits {
				sub += ` UNION ALL SELECT id FROM leads WHERE brand_id IN (SELECT id FROM brands WHERE tenant_id = ?) AND phone >= ? AND phone < ?`
				a = append(a, tenant, txt, txt+"\x7f")
			}
			add(`id IN (`+sub+`)`, a...)
		default:
			// Names through the n-gram index (lead_grams): walk the leads holding the
			// text's first one or two characters, newest first, and check the whole text.
			from = d.gramJoin()
			w = append([]string{"g_tenant = ? AND gram = ?"}, w...)
			args = append(args[:1:1], append([]any{tenant, searchGram(txt)}, args[1:]...)...) // after tenant_id's
			add(fmt.Sprintf(d.FoldLike, "name")+" LIKE ? ESCAPE '\\'", "%"+likeEscape(asciiLower(txt))+"%")
		}
	}
	if f.Scope.ChannelIDs != nil {
		in, ids := inList(f.Scope.ChannelIDs) // an empty allowance matches nothing
		add("channel_id IN "+in, ids...)
	}
	if s := f.Scope; !s.All {
		// The leads a member takes part in, through one index per role (see migration 0005).
		own := `id IN (SELECT id FROM leads WHERE tenant_id = ? AND owner_id = ?
			UNION ALL SELECT id FROM leads WHERE tenant_id = ? AND intake_owner_id = ?
			UNION ALL SELECT id FROM leads WHERE tenant_id = ? AND booking_owner_id = ?
			UNION ALL SELECT id FROM leads WHERE tenant_id = ? AND store_owner_id = ?
			UNION ALL SELECT id FROM leads WHERE tenant_id = ? AND created_by = ?)`
		ownArgs := []any{tenant, s.StaffID, tenant, s.StaffID, tenant, s.StaffID, tenant, s.StaffID, tenant, s.StaffID}
		switch {
		case s.BrandID != 0:
			add("(brand_id = ? OR "+own+")", append([]any{s.BrandID}, ownArgs...)...)
		case s.BranchID != 0:
			add("(branch_id = ? OR "+own+")", append([]any{s.BranchID}, ownArgs...)...)
		case s.DepartmentID != 0:
			add("(owner_department_id = ? OR "+own+")", append([]any{s.DepartmentID}, ownArgs...)...)
		default:
			selective = true
			add(own, ownArgs...)
		}
	}
	if paging && f.AfterCreated != nil {
		c := ms(*f.AfterCreated)
		if from == d.gramJoin() {
			add("(g_created < ? OR (g_created = ? AND g_lead < ?))", c, c, f.AfterID)
		} else {
			add("(created_at < ? OR (created_at = ? AND id < ?))", c, c, f.AfterID)
		}
	}
	return from, "tenant_id = ? AND " + strings.Join(w, " AND "), args, selective
}
