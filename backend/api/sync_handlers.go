package api

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/studiodesk/studiodesk/backend/account"
	"github.com/studiodesk/studiodesk/backend/lead"
	"github.com/studiodesk/studiodesk/backend/store"
)

// encodeCursor makes an opaque keyset cursor from the last row of a page.
func encodeCursor(created time.Time, id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(created.UnixMilli(), 10) + ":" + strconv.FormatInt(id, 10)))
}

func decodeCursor(s string) (time.Time, int64, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return time.Time{}, 0, err
	}
	ms, id, ok := strings.Cut(string(b), ":")
	if !ok {
		return time.Time{}, 0, errors.New("malformed cursor")
	}
	m, err1 := strconv.ParseInt(ms, 10, 64)
	n, err2 := strconv.ParseInt(id, 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		return time.Time{}, 0, err
	}
	return time.UnixMilli(m).UTC(), n, nil
}

// parseLeadFilter reads the list filters from a query string. Date ranges are [from, to).
func parseLeadFilter(q url.Values) (store.LeadFilter, error) {
	var f store.LeadFilter
	ints := []struct {
		key string
		dst *int64
	}{{"brand_id", &f.BrandID}, {"branch_id", &f.BranchID}, {"channel_id", &f.ChannelID}, {"owner_id", &f.OwnerID}}
	for _, p := range ints {
		if v := q.Get(p.key); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 0 {
				return f, apiErr(http.StatusBadRequest, "invalid_value", p.key, nil)
			}
			*p.dst = n
		}
	}
	f.Validity, f.Booking, f.StoreStatus, f.Text = q.Get("validity"), q.Get("booking"), q.Get("store"), q.Get("q")
	for key, states := range map[string][]string{"validity": lead.States(lead.AxisValidity), "booking": lead.States(lead.AxisBooking),
		"store": lead.States(lead.AxisStore)} {
		if v := q.Get(key); v != "" && !contains(states, v) {
			return f, apiErr(http.StatusBadRequest, "invalid_value", key, map[string]any{"allowed": strings.Join(states, ", ")})
		}
	}
	times := []struct {
		key string
		dst **time.Time
	}{{"created_from", &f.CreatedFrom}, {"created_to", &f.CreatedTo}, {"updated_from", &f.UpdatedFrom}, {"updated_to", &f.UpdatedTo},
		{"follow_up_from", &f.FollowUpFrom}, {"follow_up_to", &f.FollowUpTo}}
	for _, p := range times {
		if v := q.Get(p.key); v != "" {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				return f, apiErr(http.StatusBadRequest, "invalid_value", p.key, map[string]any{"example": "2026-12-04T00:00:00+08:00"})
			}
			*p.dst = &t
		}
	}
	if v := q.Get("in_pool"); v != "" {
		b := v == "true" || v == "1"
		f.InPool = &b
	}
	f.Deleted = q.Get("deleted") == "true"
	f.Limit = 50
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 500 {
			return f, apiErr(http.StatusBadRequest, "invalid_value", "limit", map[string]any{"allowed": "1–500"})
		}
		f.Limit = n
	}
	if v := q.Get("cursor"); v != "" {
		t, id, err := decodeCursor(v)
		if err != nil {
			return f, apiErr(http.StatusBadRequest, "invalid_value", "cursor", nil)
		}
		f.AfterCreated, f.AfterID = &t, id
	}
	return f, nil
}

func contains(list []string, v string) bool {
	for _, s := range list {
		if s == v {
			return true
		}
	}
	return false
}

// PulledChange is one entry of a pull: the lead as it is now (upsert) or its removal from a
// replica that may no longer see it.
type PulledChange struct {
	Seq  int64      `json:"seq"`
	Op   string     `json:"op"` // "upsert" | "remove"
	ID   int64      `json:"id"`
	Lead *lead.Lead `json:"lead,omitempty"`
}

// Pull answers GET /api/v1/sync/pull. Cursor is opaque to clients: pass it back as is.
type Pull struct {
	Changes []PulledChange `json:"changes"`
	Cursor  string         `json:"cursor"`
	More    bool           `json:"more"`
	seq     int64
}

// syncCursor names a position in this studio's feed; it carries the studio so a cursor
// from another studio (or another account on a shared PC) is refused, not misread.
func (c *call) syncCursor(seq int64) string {
	return strconv.FormatInt(c.tenant.ID, 10) + "-" + strconv.FormatInt(seq, 10)
}

func (c *call) parseSyncCursor(v string) (int64, error) {
	if v == "" {
		return 0, nil
	}
	t, s, ok := strings.Cut(v, "-")
	tid, err1 := strconv.ParseInt(t, 10, 64)
	seq, err2 := strconv.ParseInt(s, 10, 64)
	if !ok || err1 != nil || err2 != nil || seq < 0 || tid != c.tenant.ID {
		return 0, apiErr(http.StatusBadRequest, "cursor_invalid", "cursor", nil)
	}
	return seq, nil
}

func (s *Server) pull(c *call) (any, error) {
	q := c.r.URL.Query()
	cursor, err := c.parseSyncCursor(q.Get("cursor"))
	if err != nil {
		return nil, err
	}
	limit := 1000
	if v := q.Get("limit"); v != "" {
		if limit, err = strconv.Atoi(v); err != nil || limit < 1 || limit > 10000 {
			return nil, apiErr(http.StatusBadRequest, "invalid_value", "limit", map[string]any{"allowed": "1–10000"})
		}
	}
	var out pullWriter
	out.seq = cursor
	err = c.view(func(tx store.Tx) error {
		last, err := tx.LastSeq(c.ctx)
		if err != nil {
			return err
		}
		if cursor > last {
			// A cursor this studio never issued: from the future or from another studio.
			return apiErr(http.StatusBadRequest, "cursor_invalid", "cursor", map[string]any{"last": last})
		}
		changes, err := tx.Changes(c.ctx, cursor, limit)
		if err != nil {
			return err
		}
		out.more = len(changes) == limit
		ids := make([]int64, 0, len(changes))
		for _, ch := range changes {
			if ch.Entity == "lead" {
				ids = append(ids, ch.EntityID)
			}
		}
		docs, err := tx.LeadDocs(c.ctx, ids) // one query for the page, not one per change
		if err != nil {
			return err
		}
		// A lead changed several times in the page is sent once, as it is now.
		latest := map[int64]int{}
		for _, ch := range changes {
			out.seq = ch.Seq
			if ch.Entity != "lead" {
				continue
			}
			pc, ok := c.pulled(docs, ch)
			if !ok {
				continue
			}
			if i, seen := latest[ch.EntityID]; seen {
				out.changes[i] = pc
				continue
			}
			latest[ch.EntityID] = len(out.changes)
			out.changes = append(out.changes, pc)
		}
		return nil
	})
	out.cursor = c.syncCursor(out.seq)
	return &out, err
}

// pulledDoc is a PulledChange whose lead is the stored JSON (full or masked), sent as is.
type pulledDoc struct {
	seq, id int64
	op      string
	doc     json.RawMessage
}

// pullWriter writes a Pull without decoding and re-encoding its leads: a pull of 10,000
// changes is megabytes of lead JSON that the database already holds in final form. Clients
// read it as Pull.
type pullWriter struct {
	changes []pulledDoc
	cursor  string
	more    bool
	seq     int64
}

// MarshalJSON writes the Pull wire form; the docs are valid JSON written by json.Marshal.
func (p *pullWriter) MarshalJSON() ([]byte, error) { return p.encodedJSON() }

// encodedJSON lets writeJSON send the bytes without re-validating megabytes of stored JSON.
func (p *pullWriter) encodedJSON() ([]byte, error) {
	n := 64
	for _, c := range p.changes {
		n += len(c.doc) + 64
	}
	b := make([]byte, 0, n)
	b = append(b, `{"changes":[`...)
	for i, c := range p.changes {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"seq":`...)
		b = strconv.AppendInt(b, c.seq, 10)
		b = append(b, `,"op":"`...)
		b = append(b, c.op...) // "upsert" or "remove": no escaping needed
		b = append(b, `","id":`...)
		b = strconv.AppendInt(b, c.id, 10)
		if c.doc != nil {
			b = append(b, `,"lead":`...)
			b = append(b, c.doc...)
		}
		b = append(b, '}')
	}
	b = append(b, `],"cursor":`...)
	b = strconv.AppendQuote(b, p.cursor) // "<tenant>-<seq>": digits and a dash
	b = append(b, `,"more":`...)
	b = strconv.AppendBool(b, p.more)
	return append(b, '}'), nil
}

// pulled decides what a change means for this caller: the current lead if they may see it
// (masked unless they work it, as present does), a removal if they could see it before,
// nothing otherwise.
func (c *call) pulled(docs map[int64]store.LeadDoc, ch store.Change) (pulledDoc, bool) {
	pc := pulledDoc{seq: ch.Seq, id: ch.EntityID}
	if d, ok := docs[ch.EntityID]; ok && !d.Deleted && lead.Visible(c.actor, d.Scope) {
		pc.op, pc.doc = "upsert", d.Masked
		if c.worksOn(d.Scope) {
			pc.doc = d.Doc
		}
		return pc, true
	}
	sawBefore := lead.Visible(c.actor, ch.Now) || (ch.Prev != nil && lead.Visible(c.actor, *ch.Prev))
	if !sawBefore {
		return pc, false
	}
	pc.op = "remove"
	return pc, true
}

// Snapshot answers GET /api/v1/sync/snapshot: a first sync pages through the leads the
// caller may see, then pulls the feed from the Cursor of its first page (so nothing
// written meanwhile is missed; replays are idempotent upserts).
type Snapshot struct {
	Leads  []lead.Lead `json:"leads"`
	Next   string      `json:"next,omitempty"`
	Cursor string      `json:"cursor"` // the feed position to pull from after the last page
	// Total is how many leads the whole snapshot holds (first page only, for progress).
	Total int `json:"total,omitempty"`
}

// maxSnapshotPage is the largest lead page the store answers (store.LeadFilter.Limit): a
// larger limit got a default page of 50, which the check for a last page took as the end of
// the snapshot, so a first sync stopped after 50 leads.
const maxSnapshotPage = 500

func (s *Server) snapshot(c *call) (any, error) {
	q := c.r.URL.Query()
	f := store.LeadFilter{Scope: c.leadScope(), Limit: maxSnapshotPage}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxSnapshotPage {
			return nil, apiErr(http.StatusBadRequest, "invalid_value", "limit", map[string]any{"allowed": "1–500"})
		}
		f.Limit = n
	}
	if v := q.Get("cursor"); v != "" {
		t, id, err := decodeCursor(v)
		if err != nil {
			return nil, apiErr(http.StatusBadRequest, "invalid_value", "cursor", nil)
		}
		f.AfterCreated, f.AfterID = &t, id
	}
	var out Snapshot
	err := c.view(func(tx store.Tx) error {
		var err error
		seq, err := tx.LastSeq(c.ctx)
		if err != nil {
			return err
		}
		out.Cursor = c.syncCursor(seq)
		ls, err := tx.ListLeads(c.ctx, f)
		if err != nil {
			return err
		}
		out.Leads = c.presentAll(ls)
		if len(ls) == f.Limit {
			last := ls[len(ls)-1]
			out.Next = encodeCursor(last.CreatedAt, last.ID)
		}
		if f.AfterCreated == nil {
			out.Total, err = tx.CountLeadList(c.ctx, f)
		}
		return err
	})
	return out, err
}

// Mutation is one pushed change from a desktop outbox.
type Mutation struct {
	ID          string          `json:"mutation_id"`
	Name        string          `json:"name"`
	Args        json.RawMessage `json:"args"`
	BaseVersion int64           `json:"base_version,omitempty"`
}

// MutationResult says what became of one mutation; a rejection carries the localized reason
// and never blocks the mutations after it.
type MutationResult struct {
	ID     string          `json:"mutation_id"`
	Status string          `json:"status"` // "applied" | "rejected"
	Result json.RawMessage `json:"result,omitempty"`
	Error  *ErrorDetail    `json:"error,omitempty"`
}

// PushRequest is the body of POST /api/v1/sync/push.
type PushRequest struct {
	Mutations []Mutation `json:"mutations"`
}

// PushResponse answers a push, one result per mutation in order.
type PushResponse struct {
	Results []MutationResult `json:"results"`
}

const maxPush = 1000

func (s *Server) push(c *call) (any, error) {
	var req PushRequest
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if len(req.Mutations) > maxPush {
		return nil, apiErr(http.StatusBadRequest, "too_long", "mutations", map[string]any{"max": maxPush})
	}
	ops := leadOps()
	out := PushResponse{Results: make([]MutationResult, 0, len(req.Mutations))}
	// Mutations apply in order, each in its own savepoint, pushMutationsPerTx to a
	// transaction: one commit per chunk instead of one per mutation, while the writer is
	// never held for long.
	for chunk := range slices.Chunk(req.Mutations, pushMutationsPerTx) {
		var results []MutationResult
		err := c.write(func(tx store.Tx) error {
			results = results[:0]
			for _, m := range chunk {
				res, err := c.applyMutation(tx, ops, m)
				if err != nil {
					return err // a server fault: the client keeps its outbox and retries
				}
				results = append(results, res)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		out.Results = append(out.Results, results...)
	}
	c.status = http.StatusOK // operations set 201 for creates; a push answers as a whole
	return out, nil
}

// pushMutationsPerTx bounds how many pushed mutations share a transaction.
const pushMutationsPerTx = 100

// applyMutation applies one mutation exactly once: a remembered id returns its first answer
// (or is refused when replayed with different content); a new one runs in its own
// transaction, which also remembers it.
func (c *call) applyMutation(tx store.Tx, ops map[string]leadOp, m Mutation) (MutationResult, error) {
	res := MutationResult{ID: m.ID}
	reject := func(err error) MutationResult {
		ae := toAPIError(err)
		res.Status = "rejected"
		res.Error = &ErrorDetail{Code: ae.Code, Field: ae.Field, Params: ae.Params,
			Message: Localize(ae.Code, ae.Field, ae.Params, langFrom(c.r.Header.Get("Accept-Language")))}
		return res
	}
	if m.ID == "" || len(m.ID) > 64 {
		return reject(apiErr(http.StatusBadRequest, "required", "mutation_id", nil)), nil
	}
	sum := sha256.Sum256([]byte(m.Name + "\x00" + string(m.Args) + "\x00" + strconv.FormatInt(m.BaseVersion, 10)))
	hash := hex.EncodeToString(sum[:])
	op, known := ops[m.Name]
	var result any
	err := tx.Savepoint(c.ctx, func() error {
		prev, err := tx.Mutation(c.ctx, m.ID)
		if err == nil {
			if prev.RequestHash != hash || prev.StaffID != c.staff.ID {
				return errReplayed
			}
			result = prev.Result
			return errRemembered
		}
		if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if !known {
			return apiErr(http.StatusBadRequest, "mutation_unknown", "name", map[string]any{"name": m.Name})
		}
		v, err := op(c, tx, m.Args)
		if err != nil {
			return err
		}
		b, err := json.Marshal(MutationResult{ID: m.ID, Status: "applied", Result: rawJSON(v)})
		if err != nil {
			return err
		}
		result = json.RawMessage(b)
		return tx.SaveMutation(c.ctx, store.MutationRecord{ID: m.ID, StaffID: c.staff.ID, RequestHash: hash, Result: b, CreatedAt: c.now})
	})
	switch {
	case errors.Is(err, errRemembered):
		var prev MutationResult
		if jerr := json.Unmarshal(result.(json.RawMessage), &prev); jerr != nil {
			return res, jerr
		}
		return prev, nil
	case errors.Is(err, errReplayed):
		return reject(apiErr(http.StatusConflict, "mutation_replayed", "mutation_id", nil)), nil
	case err == nil:
		var done MutationResult
		return done, json.Unmarshal(result.(json.RawMessage), &done)
	}
	if ae := toAPIError(err); ae.Status >= 500 {
		return res, err
	}
	// The mutation's writes are undone; its refusal is audited and the rejection remembered,
	// so a retry of the same id gets the same answer.
	if ae, ok := isDenial(err); ok {
		if aerr := c.auditDenial(tx, ae, m.Name, "lead", 0); aerr != nil {
			return res, aerr
		}
	}
	rejected := reject(err)
	b, _ := json.Marshal(rejected)
	if serr := tx.SaveMutation(c.ctx, store.MutationRecord{ID: m.ID, StaffID: c.staff.ID, RequestHash: hash, Result: b,
		CreatedAt: c.now}); serr != nil {
		return res, serr
	}
	return rejected, nil
}

var (
	errRemembered = errors.New("mutation remembered")
	errReplayed   = errors.New("mutation replayed with other content")
)

// Reveal answers a phone reveal.
type Reveal struct {
	Phone        string `json:"phone"`
	Phone2       string `json:"phone2,omitempty"`
	PartnerPhone string `json:"partner_phone,omitempty"`
}

// revealLimit bounds reveals per staff member per hour: enough for real work, too few to
// copy the customer base by hand.
const revealLimit = 60

func (s *Server) revealPhone(c *call) (any, error) {
	if err := c.require(account.PermLeadRevealPhone); err != nil {
		return nil, err
	}
	id, err := c.pathID("id")
	if err != nil {
		return nil, err
	}
	n, reset, err := s.cfg.Store.HitRateLimit(c.ctx, "reveal:"+strconv.FormatInt(c.tenant.ID, 10)+":"+strconv.FormatInt(c.staff.ID, 10), time.Hour, c.now)
	if err != nil {
		return nil, err
	}
	if n > revealLimit {
		return nil, s.rateLimited(reset, c.now)
	}
	var out Reveal
	err = c.write(func(tx store.Tx) error {
		l, err := c.visibleLead(tx, id)
		if err != nil {
			return err
		}
		out = Reveal{Phone: l.Phone, Phone2: l.Phone2}
		if l.Wedding != nil {
			out.PartnerPhone = l.Wedding.PartnerPhone
		}
		if _, err := tx.AppendLeadEvent(c.ctx, lead.Event{LeadID: l.ID, Type: lead.EventRevealed, ActorID: c.staff.ID,
			OwnerID: l.OwnerID, ChannelID: l.ChannelID, At: c.now}); err != nil {
			return err
		}
		return c.audit(tx, "lead.reveal_phone", "lead", l.ID, nil, nil)
	})
	if err != nil {
		return nil, c.leadDenied(err, "lead.reveal_phone", id)
	}
	return out, nil
}
