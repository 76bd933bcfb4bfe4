package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/studiodesk/studiodesk/backend/distribution"
	"github.com/studiodesk/studiodesk/backend/lead"
	"github.com/studiodesk/studiodesk/backend/store"
)

// reverse returns s backwards: phone suffix search ("last 4 digits") becomes an indexed
// prefix search on phone_rev.
func reverse(s string) string {
	b := []byte(s)
	for i, j := 0, len(b)-1; i < j; i, j = i+1, j-1 {
		b[i], b[j] = b[j], b[i]
	}
	return string(b)
}

// lastActivity is when someone last worked the lead: the latest follow-up, else the
// assignment (untouched-lead reminders count from it).
func lastActivity(l lead.Lead) *time.Time {
	if l.LastFollowUp != nil && (l.AssignedAt == nil || l.LastFollowUp.After(*l.AssignedAt)) {
		return l.LastFollowUp
	}
	return l.AssignedAt
}

func nullTime(t *time.Time) any {
	if t == nil {
		return nil
	}
	return ms(*t)
}

// leadArgs are the column copies of a lead, in leadCols order after id/tenant.
func leadArgs(l lead.Lead) ([]any, error) {
	doc, err := json.Marshal(l)
	if err != nil {
		return nil, fmt.Errorf("encode lead: %w", err)
	}
	masked, err := json.Marshal(lead.Mask(l))
	if err != nil {
		return nil, fmt.Errorf("encode masked lead: %w", err)
	}
	return []any{l.BrandID, nullID(l.BranchID), l.Phone, reverse(l.Phone), l.Name, nullID(l.OwnerID), ms(l.CreatedAt),
		nullID(l.ChannelID), string(l.Validity), string(l.Booking), string(l.Store), nullID(l.OwnerDepartmentID),
		nullID(l.IntakeOwnerID), nullID(l.BookingOwnerID), nullID(l.StoreOwnerID), l.CreatedBy, boolInt(l.InPool),
		boolInt(l.Deleted), nullTime(l.NextFollowUp), ms(l.UpdatedAt), string(doc), nullTime(l.ProtectedUntil), nullTime(l.BookedAt),
		nullTime(lastActivity(l)), string(masked)}, nil
}

const leadWriteCols = `brand_id, branch_id, phone, phone_rev, name, owner_id, created_at, channel_id, validity, booking,
	store_status, owner_department_id, intake_owner_id, booking_owner_id, store_owner_id, created_by, in_pool, deleted,
	next_follow_up, updated_at, doc, protected_until, booked_at, last_activity, doc_masked`

// scanLead reads a lead: the doc holds the record, the id and version columns are the truth
// for those two (the doc is written before the id exists).
func scanLead(r interface{ Scan(...any) error }) (lead.Lead, error) {
	var id, version int64
	var doc string
	if err := r.Scan(&id, &version, &doc); err != nil {
		return lead.Lead{}, err
	}
	var l lead.Lead
	if err := json.Unmarshal([]byte(doc), &l); err != nil {
		return l, fmt.Errorf("decode lead %d: %w", id, err)
	}
	l.ID, l.Version = id, version
	return l, nil
}

func (t *tx) CreateLead(ctx context.Context, l lead.Lead) (lead.Lead, error) {
	l.Version = 1
	// The id is taken first so the stored doc carries it (pulls send docs as stored).
	if err := t.row(ctx, t.db.dialect.NextLeadID, nil, &l.ID); err != nil {
		return l, wrap("allocate lead id", err)
	}
	args, err := leadArgs(l)
	if err != nil {
		return l, err
	}
	if _, err = t.exec(ctx, `INSERT INTO leads (id, tenant_id, `+leadWriteCols+`, version)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`,
		append([]any{l.ID, t.tenant}, args...)...); err != nil {
		return l, wrap("insert lead", err)
	}
	return l, t.writeGrams(ctx, l.ID, "", 0, l.Name, ms(l.CreatedAt))
}

// writeGrams moves a lead's name grams from (oldName, oldCreated) to (name, created).
func (t *tx) writeGrams(ctx context.Context, id int64, oldName string, oldCreated int64, name string, created int64) error {
	if oldName == name && oldCreated == created {
		return nil
	}
	if gs := nameGrams(oldName); len(gs) > 0 {
		in, args := inList(gs)
		if _, err := t.exec(ctx, `DELETE FROM lead_grams WHERE g_tenant = ? AND g_created = ? AND g_lead = ? AND gram IN `+in,
			append([]any{t.tenant, oldCreated, id}, args...)...); err != nil {
			return wrap("drop name index entries", err)
		}
	}
	if gs := nameGrams(name); len(gs) > 0 {
		rows := make([]string, len(gs))
		args := make([]any, 0, 4*len(gs))
		for i, g := range gs {
			rows[i] = "(?, ?, ?, ?)"
			args = append(args, t.tenant, g, created, id)
		}
		if _, err := t.exec(ctx, `INSERT INTO lead_grams (g_tenant, gram, g_created, g_lead) VALUES `+strings.Join(rows, ", "), args...); err != nil {
			return wrap("index lead name", err)
		}
	}
	return nil
}

func (t *tx) GetLead(ctx context.Context, id int64) (lead.Lead, error) {
	var l lead.Lead
	rows, err := t.query(ctx, `SELECT id, version, doc FROM leads WHERE tenant_id = ? AND id = ?`, t.tenant, id)
	if err != nil {
		return l, wrap("get lead", err)
	}
	return one(collect(rows, func(r *sql.Rows) (lead.Lead, error) { return scanLead(r) }))
}

func (t *tx) LeadDocs(ctx context.Context, ids []int64) (map[int64]store.LeadDoc, error) {
	out := make(map[int64]store.LeadDoc, len(ids))
	for len(ids) > 0 {
		n := min(len(ids), 500) // stay under every engine's bound-parameter limit
		in, args := inList(ids[:n])
		ids = ids[n:]
		rows, err := t.query(ctx, `SELECT id, deleted, brand_id, COALESCE(branch_id, 0), COALESCE(channel_id, 0),
			COALESCE(owner_department_id, 0), COALESCE(owner_id, 0), COALESCE(intake_owner_id, 0),
			COALESCE(booking_owner_id, 0), COALESCE(store_owner_id, 0), created_by, doc, doc_masked
			FROM leads WHERE tenant_id = ? AND id IN `+in, append([]any{t.tenant}, args...)...)
		if err != nil {
			return nil, wrap("get lead docs", err)
		}
		list, err := collect(rows, func(r *sql.Rows) (store.LeadDoc, error) {
			var d store.LeadDoc
			var l lead.Lead // the scope columns, read into the fields ScopeOf reads
			var deleted int
			var doc, masked []byte
			if err := r.Scan(&d.ID, &deleted, &l.BrandID, &l.BranchID, &l.ChannelID, &l.OwnerDepartmentID, &l.OwnerID,
				&l.IntakeOwnerID, &l.BookingOwnerID, &l.StoreOwnerID, &l.CreatedBy, &doc, &masked); err != nil {
				return d, err
			}
			d.Scope, d.Deleted, d.Doc, d.Masked = lead.ScopeOf(l), deleted != 0, doc, masked
			return d, nil
		})
		if err != nil {
			return nil, err
		}
		for _, d := range list {
			out[d.ID] = d
		}
	}
	return out, nil
}

func (t *tx) LeadByPhone(ctx context.Context, brandID int64, phone string) (lead.Lead, error) {
	var l lead.Lead
	rows, err := t.query(ctx, `SELECT id, version, doc FROM leads WHERE tenant_id = ? AND brand_id = ? AND phone = ?`, t.tenant, brandID, phone)
	if err != nil {
		return l, wrap("find lead by phone", err)
	}
	return one(collect(rows, func(r *sql.Rows) (lead.Lead, error) { return scanLead(r) }))
}

func (t *tx) UpdateLead(ctx context.Context, l lead.Lead) (lead.Lead, error) {
	base := l.Version
	l.Version = base + 1
	args, err := leadArgs(l)
	if err != nil {
		return l, err
	}
	// Only the columns whose value changes are written: SQLite rewrites the entries of every
	// index on a column named in SET, and a lead has many indexes (measured at 1,000,000
	// leads: writing every column made an update touch ~30 random index pages).
	cols := leadCols()
	old := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range old {
		ptrs[i] = &old[i]
	}
	if err := t.row(ctx, `SELECT `+leadWriteCols+` FROM leads WHERE tenant_id = ? AND id = ?`, []any{t.tenant, l.ID}, ptrs...); err != nil {
		return l, wrap("get lead", err)
	}
	var sets []string
	var setArgs []any
	for i, c := range cols {
		if !sameValue(old[i], args[i]) {
			sets = append(sets, c+" = ?")
			setArgs = append(setArgs, args[i])
		}
	}
	res, err := t.exec(ctx, `UPDATE leads SET `+strings.Join(append(sets, "version = ?"), ", ")+` WHERE tenant_id = ? AND id = ? AND version = ?`,
		append(setArgs, l.Version, t.tenant, l.ID, base)...)
	if err := mustAffect(res, err); err == store.ErrNotFound {
		if _, gerr := t.GetLead(ctx, l.ID); gerr != nil {
			return l, gerr
		}
		return l, fmt.Errorf("update lead %d at version %d: %w", l.ID, base, store.ErrStale)
	} else if err != nil {
		return l, wrap("update lead", err)
	}
	oldName, _ := old[leadColName].(string)
	oldCreated, _ := old[leadColCreated].(int64)
	return l, t.writeGrams(ctx, l.ID, oldName, oldCreated, l.Name, ms(l.CreatedAt))
}

// leadCols is leadWriteCols as a list; leadColName and leadColCreated are positions in it.
func leadCols() []string { return strings.Split(strings.Join(strings.Fields(leadWriteCols), ""), ",") }

const (
	leadColName    = 4
	leadColCreated = 6
)

// sameValue compares a column as read back (int64, string, []byte or nil) with the value
// about to be written (int, int64, string or nil).
func sameValue(read, write any) bool {
	switch w := write.(type) {
	case nil:
		return read == nil
	case int:
		r, ok := read.(int64)
		return ok && r == int64(w)
	case int64:
		r, ok := read.(int64)
		return ok && r == w
	case string:
		switch r := read.(type) {
		case string:
			return r == w
		case []byte:
			return string(r) == w
		}
	}
	return false
}

func (t *tx) ListLeads(ctx context.Context, f store.LeadFilter) ([]lead.Lead, error) {
	q, args := t.db.dialect.LeadListSQL(t.tenant, f)
	rows, err := t.query(ctx, q, args...)
	if err != nil {
		return nil, wrap("list leads", err)
	}
	return collect(rows, func(r *sql.Rows) (lead.Lead, error) { return scanLead(r) })
}

func (t *tx) CountLeadList(ctx context.Context, f store.LeadFilter) (int, error) {
	from, where, args, _ := t.db.dialect.leadWhere(t.tenant, f, false)
	var n int
	err := t.row(ctx, `SELECT COUNT(*) FROM `+from+` WHERE `+where, args, &n)
	return n, wrap("count leads", err)
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

func (t *tx) AppendLeadEvent(ctx context.Context, e lead.Event) (lead.Event, error) {
	err := t.row(ctx, `INSERT INTO lead_events (tenant_id, lead_id, type, axis, from_state, to_state, reason, actor_id,
		on_behalf_of, owner_id, channel_id, data, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		[]any{t.tenant, e.LeadID, string(e.Type), string(e.Axis), e.From, e.To, e.Reason, e.ActorID, e.OnBehalfOf, e.OwnerID,
			e.ChannelID, nullJSON(e.Data), ms(e.At)}, &e.ID)
	return e, wrap("append lead event", err)
}

const eventCols = `id, lead_id, type, axis, from_state, to_state, reason, actor_id, on_behalf_of, owner_id, channel_id, data, created_at`

func scanEvent(r *sql.Rows) (lead.Event, error) {
	var e lead.Event
	var typ, axis string
	var data sql.NullString
	var at int64
	err := r.Scan(&e.ID, &e.LeadID, &typ, &axis, &e.From, &e.To, &e.Reason, &e.ActorID, &e.OnBehalfOf, &e.OwnerID, &e.ChannelID, &data, &at)
	e.Type, e.Axis, e.At = lead.EventType(typ), lead.Axis(axis), fromMS(at)
	if data.Valid {
		e.Data = json.RawMessage(data.String)
	}
	return e, err
}

func (t *tx) LeadEvents(ctx context.Context, leadID int64) ([]lead.Event, error) {
	rows, err := t.query(ctx, `SELECT `+eventCols+` FROM lead_events WHERE tenant_id = ? AND lead_id = ? ORDER BY id`, t.tenant, leadID)
	if err != nil {
		return nil, wrap("lead timeline", err)
	}
	return collect(rows, scanEvent)
}

func (t *tx) ActorEvents(ctx context.Context, actorID int64, from, to time.Time, limit int) ([]lead.Event, error) {
	if limit <= 0 || limit > 5000 {
		limit = 1000
	}
	rows, err := t.query(ctx, `SELECT `+eventCols+` FROM lead_events WHERE tenant_id = ? AND actor_id = ? AND created_at >= ? AND created_at < ?
		ORDER BY created_at, id LIMIT ?`, t.tenant, actorID, ms(from), ms(to), limit)
	if err != nil {
		return nil, wrap("staff actions", err)
	}
	return collect(rows, scanEvent)
}

func (t *tx) countBy(ctx context.Context, what, q string, args ...any) (map[int64]int, error) {
	rows, err := t.query(ctx, q, args...)
	if err != nil {
		return nil, wrap(what, err)
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, err
		}
		out[id] = n
	}
	return out, rows.Err()
}

// inList returns "(NULL, ?, ?, ...)" and the args for an IN clause: the NULL keeps an empty
// list valid SQL that matches nothing, in either engine and for any column type (IN only:
// under NOT IN it would match nothing either).
func inList[T int64 | string](vs []T) (string, []any) {
	ph, args := []string{"NULL"}, []any{}
	for _, v := range vs {
		ph = append(ph, "?")
		args = append(args, v)
	}
	return "(" + strings.Join(ph, ", ") + ")", args
}

func (t *tx) AssignedSince(ctx context.Context, since time.Time, staffIDs []int64) (map[int64]int, error) {
	in, args := inList(staffIDs)
	return t.countBy(ctx, "count assignments", `SELECT owner_id, COUNT(*) FROM lead_events
		WHERE tenant_id = ? AND type IN ('assigned', 'transferred', 'claimed') AND created_at >= ? AND owner_id IN `+in+`
		GROUP BY owner_id`, append([]any{t.tenant, ms(since)}, args...)...)
}

func (t *tx) Holding(ctx context.Context, staffIDs []int64) (map[int64]int, error) {
	in, args := inList(staffIDs)
	return t.countBy(ctx, "count holdings", `SELECT owner_id, COUNT(*) FROM leads
		WHERE tenant_id = ? AND owner_id IN `+in+` AND deleted = 0 AND validity <> 'invalid'
		AND booking NOT IN ('lost', 'visited') AND store_status NOT IN ('deal', 'lost') GROUP BY owner_id`, append([]any{t.tenant}, args...)...)
}

func (t *tx) AppendChange(ctx context.Context, c store.Change) (int64, error) {
	var seq int64
	err := t.row(ctx, `INSERT INTO tenant_seqs (tenant_id, seq) VALUES (?, 1)
		ON CONFLICT (tenant_id) DO UPDATE SET seq = tenant_seqs.seq + 1 RETURNING seq`, []any{t.tenant}, &seq)
	if err != nil {
		return 0, wrap("allocate change seq", err)
	}
	scope, err := json.Marshal(struct {
		Now  lead.Scope  `json:"now"`
		Prev *lead.Scope `json:"prev,omitempty"`
	}{c.Now, c.Prev})
	if err != nil {
		return 0, err
	}
	_, err = t.exec(ctx, `INSERT INTO changes (tenant_id, seq, entity, entity_id, scope, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		t.tenant, seq, c.Entity, c.EntityID, string(scope), ms(c.At))
	return seq, wrap("append change", err)
}

func (t *tx) Changes(ctx context.Context, after int64, limit int) ([]store.Change, error) {
	if limit <= 0 || limit > 10000 {
		limit = 1000
	}
	rows, err := t.query(ctx, `SELECT seq, entity, entity_id, scope, created_at FROM changes WHERE tenant_id = ? AND seq > ?
		ORDER BY seq LIMIT ?`, t.tenant, after, limit)
	if err != nil {
		return nil, wrap("read changes", err)
	}
	return collect(rows, func(r *sql.Rows) (store.Change, error) {
		var c store.Change
		var scope string
		var at int64
		if err := r.Scan(&c.Seq, &c.Entity, &c.EntityID, &scope, &at); err != nil {
			return c, err
		}
		var s struct {
			Now  lead.Scope  `json:"now"`
			Prev *lead.Scope `json:"prev"`
		}
		if err := json.Unmarshal([]byte(scope), &s); err != nil {
			return c, fmt.Errorf("decode change %d: %w", c.Seq, err)
		}
		c.Now, c.Prev, c.At = s.Now, s.Prev, fromMS(at)
		return c, nil
	})
}

func (t *tx) LastSeq(ctx context.Context) (int64, error) {
	var seq int64
	err := t.row(ctx, `SELECT COALESCE(MAX(seq), 0) FROM changes WHERE tenant_id = ?`, []any{t.tenant}, &seq)
	return seq, wrap("last change seq", err)
}

func (t *tx) Mutation(ctx context.Context, id string) (store.MutationRecord, error) {
	m := store.MutationRecord{ID: id}
	var result string
	var created int64
	err := t.row(ctx, `SELECT staff_id, request_hash, result, created_at FROM mutations WHERE tenant_id = ? AND id = ?`,
		[]any{t.tenant, id}, &m.StaffID, &m.RequestHash, &result, &created)
	m.Result, m.CreatedAt = json.RawMessage(result), fromMS(created)
	return m, wrap("get mutation", err)
}

func (t *tx) SaveMutation(ctx context.Context, m store.MutationRecord) error {
	_, err := t.exec(ctx, `INSERT INTO mutations (tenant_id, id, staff_id, request_hash, result, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		t.tenant, m.ID, m.StaffID, m.RequestHash, string(m.Result), ms(m.CreatedAt))
	return wrap("remember mutation", err)
}

func (t *tx) CheckIn(ctx context.Context, c store.CheckIn) error {
	_, err := t.exec(ctx, `INSERT INTO checkins (tenant_id, staff_id, day, in_at, by_id) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (tenant_id, staff_id, day) DO UPDATE SET out_at = NULL, by_id = excluded.by_id`,
		t.tenant, c.StaffID, c.Day, ms(c.In), c.ByID)
	return wrap("check in", err)
}

func (t *tx) CheckOut(ctx context.Context, staffID int64, day string, at time.Time) error {
	return wrap("check out", mustAffect(t.exec(ctx, `UPDATE checkins SET out_at = ? WHERE tenant_id = ? AND staff_id = ? AND day = ?`,
		ms(at), t.tenant, staffID, day)))
}

func (t *tx) CheckIns(ctx context.Context, day string) ([]store.CheckIn, error) {
	rows, err := t.query(ctx, `SELECT staff_id, day, in_at, out_at, by_id FROM checkins WHERE tenant_id = ? AND day = ? ORDER BY staff_id`, t.tenant, day)
	if err != nil {
		return nil, wrap("list check-ins", err)
	}
	return collect(rows, func(r *sql.Rows) (store.CheckIn, error) {
		var c store.CheckIn
		var in int64
		var out sql.NullInt64
		err := r.Scan(&c.StaffID, &c.Day, &in, &out, &c.ByID)
		c.In = fromMS(in)
		if out.Valid {
			o := fromMS(out.Int64)
			c.Out = &o
		}
		return c, err
	})
}

func (t *tx) DistState(ctx context.Context, key string) ([]byte, error) {
	// Touch the row first: on PostgreSQL the update takes the row lock that serializes
	// assigners of this group until commit; SQLite already has one writer.
	if _, err := t.exec(ctx, `INSERT INTO dist_state (tenant_id, key, state) VALUES (?, ?, '')
		ON CONFLICT (tenant_id, key) DO UPDATE SET state = dist_state.state`, t.tenant, key); err != nil {
		return nil, wrap("lock distribution state", err)
	}
	var s string
	if err := t.row(ctx, `SELECT state FROM dist_state WHERE tenant_id = ? AND key = ?`, []any{t.tenant, key}, &s); err != nil {
		return nil, wrap("read distribution state", err)
	}
	if s == "" {
		return nil, nil
	}
	return []byte(s), nil
}

func (t *tx) PeekDistState(ctx context.Context, key string) ([]byte, error) {
	var s string
	err := t.row(ctx, `SELECT state FROM dist_state WHERE tenant_id = ? AND key = ?`, []any{t.tenant, key}, &s)
	if errors.Is(err, store.ErrNotFound) || s == "" {
		return nil, nil
	}
	return []byte(s), wrap("read distribution state", err)
}

func (t *tx) SetDistState(ctx context.Context, key string, state []byte) error {
	_, err := t.exec(ctx, `UPDATE dist_state SET state = ? WHERE tenant_id = ? AND key = ?`, string(state), t.tenant, key)
	return wrap("save distribution state", err)
}

func (t *tx) CustomFields(ctx context.Context, brandID int64) ([]lead.CustomField, error) {
	rows, err := t.query(ctx, `SELECT def FROM custom_fields WHERE tenant_id = ? AND brand_id = ? ORDER BY sort, id`, t.tenant, brandID)
	if err != nil {
		return nil, wrap("list custom fields", err)
	}
	return collect(rows, func(r *sql.Rows) (lead.CustomField, error) {
		var def string
		var f lead.CustomField
		if err := r.Scan(&def); err != nil {
			return f, err
		}
		return f, json.Unmarshal([]byte(def), &f)
	})
}

func (t *tx) SetCustomFields(ctx context.Context, brandID int64, defs []lead.CustomField) error {
	if _, err := t.exec(ctx, `DELETE FROM custom_fields WHERE tenant_id = ? AND brand_id = ?`, t.tenant, brandID); err != nil {
		return wrap("clear custom fields", err)
	}
	for i, d := range defs {
		b, err := json.Marshal(d)
		if err != nil {
			return err
		}
		if _, err := t.exec(ctx, `INSERT INTO custom_fields (tenant_id, brand_id, key, def, sort) VALUES (?, ?, ?, ?, ?)`,
			t.tenant, brandID, d.Key, string(b), i); err != nil {
			return wrap("add custom field", err)
		}
	}
	return nil
}

func (t *tx) AssignRules(ctx context.Context) ([]distribution.Rule, error) {
	rows, err := t.query(ctx, `SELECT id, priority, channel_id, channel_group_id, branch_id, segment, target_department_id, method
		FROM assign_rules WHERE tenant_id = ? ORDER BY id`, t.tenant)
	if err != nil {
		return nil, wrap("list assign rules", err)
	}
	return collect(rows, func(r *sql.Rows) (distribution.Rule, error) {
		var x distribution.Rule
		var m string
		err := r.Scan(&x.ID, &x.Priority, &x.ChannelID, &x.ChannelGroupID, &x.BranchID, &x.Segment, &x.TargetDepartmentID, &m)
		x.Method = distribution.Method(m)
		return x, err
	})
}

func (t *tx) SetAssignRules(ctx context.Context, rules []distribution.Rule) error {
	if _, err := t.exec(ctx, `DELETE FROM assign_rules WHERE tenant_id = ?`, t.tenant); err != nil {
		return wrap("clear assign rules", err)
	}
	for _, x := range rules {
		if _, err := t.exec(ctx, `INSERT INTO assign_rules (tenant_id, priority, channel_id, channel_group_id, branch_id, segment,
			target_department_id, method) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, t.tenant, x.Priority, x.ChannelID, x.ChannelGroupID,
			x.BranchID, x.Segment, x.TargetDepartmentID, string(x.Method)); err != nil {
			return wrap("add assign rule", err)
		}
	}
	return nil
}
