package api

import (
	"encoding/json"
	"errors"
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"

	"github.com/studiodesk/studiodesk/backend/account"
	"github.com/studiodesk/studiodesk/backend/distribution"
	"github.com/studiodesk/studiodesk/backend/lead"
	"github.com/studiodesk/studiodesk/backend/store"
)

// A lead operation runs inside the caller's write transaction. The same operations serve
// the REST endpoints and the desktop's pushed mutations, so an offline edit is checked by
// exactly the rules of an online one.
type leadOp func(c *call, tx store.Tx, args json.RawMessage) (any, error)

// leadOps are the mutations the sync push accepts, by name.
func leadOps() map[string]leadOp {
	return map[string]leadOp{
		"lead.create":     opCreateLead,
		"lead.update":     opUpdateLead,
		"lead.transition": opTransition,
		"lead.correct": simpleOp("lead.correct", func(in TransitionArgs) int64 { return in.ID },
			func(c *call, l lead.Lead, in TransitionArgs) (lead.Lead, lead.Event, error) {
				return lead.Correct(l, in.Axis, in.To, in.Reason, c.now)
			}, account.PermLeadCorrectStatus),
		"lead.call": simpleOp("lead.call", func(in CallArgs) int64 { return in.ID },
			func(c *call, l lead.Lead, in CallArgs) (lead.Lead, lead.Event, error) {
				return lead.RecordCall(l, in.Result, in.Note, c.now)
			}),
		"lead.refund": simpleOp("lead.refund", func(in RefundArgs) int64 { return in.ID },
			func(c *call, l lead.Lead, in RefundArgs) (lead.Lead, lead.Event, error) {
				return lead.Refund(l, in.Amount, in.Reason, c.now)
			}),
		"lead.follow_up": simpleOp("lead.follow_up", func(in FollowUpArgs) int64 { return in.ID },
			func(c *call, l lead.Lead, in FollowUpArgs) (lead.Lead, lead.Event, error) {
				return lead.FollowUp(l, in.Kind, in.Text, in.At, c.now)
			}),
		"checkin": opCheckIn,
	}
}

// simpleOp builds the common shape of a lead operation: check permissions, decode the
// args, load the lead in the caller's scope, apply one domain rule, save.
func simpleOp[T any](action string, id func(T) int64, rule func(c *call, l lead.Lead, in T) (lead.Lead, lead.Event, error),
	perms ...account.Permission) leadOp {
	return func(c *call, tx store.Tx, raw json.RawMessage) (any, error) {
		for _, p := range perms {
			if err := c.require(p); err != nil {
				return nil, err
			}
		}
		var in T
		if err := decodeArgs(raw, &in); err != nil {
			return nil, err
		}
		l, err := c.visibleLead(tx, id(in))
		if err != nil {
			return nil, err
		}
		after, ev, err := rule(c, l, in)
		if err != nil {
			return nil, err
		}
		saved, err := c.saveLead(tx, leadChange{before: &l, after: after, events: []lead.Event{ev}, action: action})
		return c.present(saved), err
	}
}

func decodeArgs(raw json.RawMessage, v any) error {
	if len(raw) == 0 {
		return apiErr(http.StatusBadRequest, "required", "args", nil)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return apiErr(http.StatusBadRequest, "invalid_value", te.Field, map[string]any{"allowed": te.Type.String()})
		}
		return apiErr(http.StatusBadRequest, "invalid_json", "args", map[string]any{"detail": err.Error()})
	}
	return nil
}

// LeadCreated answers a create: the new lead, or — when the phone already had a lead and
// the brand records repeat inquiries — that lead with Repeat set.
type LeadCreated struct {
	Lead   lead.Lead      `json:"lead"`
	Repeat bool           `json:"repeat,omitempty"`
	Dup    *lead.Decision `json:"duplicate,omitempty"`
}

func opCreateLead(c *call, tx store.Tx, raw json.RawMessage) (any, error) {
	p, err := c.planCreate(tx, raw)
	if err != nil {
		return nil, err
	}
	out, err := c.applyCreate(tx, p)
	if errors.Is(err, errPhoneTaken) {
		// Another create of the same phone committed first (PostgreSQL); the database's
		// unique index kept it to one lead.
		return nil, apiErr(http.StatusConflict, "lead_duplicate", "phone", nil)
	}
	return out, err
}

// createPlan is the reading half of a create: the arguments checked against the brand, its
// custom fields and the studio's branches and channels, and the lead that already has the
// phone, if one does.
type createPlan struct {
	brand           account.Brand
	lead            lead.Lead  // normalized; owner or intake owner set when new
	existing        *lead.Lead // the brand's lead with this phone
	referralAllowed bool
}

// errPhoneTaken: the phone a plan found free has a lead now (a concurrent create won).
var errPhoneTaken = errors.New("phone taken since the create was planned")

// planCreate does everything of a create that only reads. The REST create runs it in a read
// transaction beside the single writer, so the writer only decides and writes; a push runs it
// inside its write transaction.
func (c *call) planCreate(tx store.Tx, raw json.RawMessage) (createPlan, error) {
	var p createPlan
	var in lead.Lead
	if err := decodeArgs(raw, &in); err != nil {
		return p, err
	}
	p.referralAllowed = c.actor.Can(account.PermLeadCreateReferral)
	if in.Source != lead.SourceReferral {
		if err := c.require(account.PermLeadCreate); err != nil {
			return p, err
		}
	}
	if in.BrandID == 0 {
		return p, apiErr(http.StatusBadRequest, "required", "brand_id", nil)
	}
	brand, err := tx.GetBrand(c.ctx, in.BrandID)
	if err != nil {
		return p, refExists(err, "brand_id")
	}
	p.brand = brand
	defs, err := tx.CustomFields(c.ctx, brand.ID)
	if err != nil {
		return p, err
	}
	l, err := lead.Normalize(in, brand.Type, defs)
	if err != nil {
		return p, err
	}
	if l.BranchID == 0 && c.actor.BrandID == brand.ID {
		l.BranchID = c.staff.BranchID // the target store defaults to the one the lead was taken at
	}
	if err := c.leadRefs(tx, l); err != nil {
		return p, err
	}
	p.lead = l
	existing, err := tx.LeadByPhone(c.ctx, brand.ID, l.Phone)
	switch {
	case err == nil:
		p.existing = &existing
		return p, nil
	case !errors.Is(err, store.ErrNotFound):
		return p, err
	}
	l.CreatedBy = c.staff.ID
	// Bookers and store staff work the leads they enter; intake and admins hand them on.
	kind, err := c.departmentKind(tx)
	if err != nil {
		return p, err
	}
	if kind == account.DeptBooking || kind == account.DeptStore {
		l = lead.AssignTo(l, c.staff.ID, c.staff.DepartmentID, string(kind), c.now)
	} else {
		l.IntakeOwnerID = c.staff.ID
	}
	p.lead = l
	return p, nil
}

// applyCreate is the writing half: a duplicate decision when the phone has a lead, else the
// new lead with automatic assignment, its events, change and audit. errPhoneTaken means the
// phone got a lead after the plan (the insert met the unique index).
func (c *call) applyCreate(tx store.Tx, p createPlan) (any, error) {
	if p.existing != nil {
		return c.duplicate(tx, p.brand, *p.existing, p.lead)
	}
	created, ev := lead.New(p.lead, p.referralAllowed, c.now)
	created, more, err := c.autoAssign(tx, created)
	if err != nil {
		return nil, err
	}
	saved, err := c.saveLead(tx, leadChange{after: created, events: append([]lead.Event{ev}, more...), action: "lead.create", brand: &p.brand})
	if errors.Is(err, store.ErrConflict) {
		return nil, errPhoneTaken
	}
	if err != nil {
		return nil, err
	}
	c.status = http.StatusCreated
	return LeadCreated{Lead: c.present(saved)}, nil
}

// createLead serves POST /api/v1/leads: the plan is read beside the writer, and the write
// transaction only assigns and writes. When the plan went stale (its phone got a lead
// meanwhile, or it found one whose state the decision depends on) the whole create runs
// again inside the writer, exactly as a push would run it.
func (s *Server) createLead(c *call) (any, error) {
	var body json.RawMessage
	if err := c.decode(&body); err != nil {
		return nil, err
	}
	var p createPlan
	err := c.view(func(tx store.Tx) (err error) { p, err = c.planCreate(tx, body); return })
	if err != nil {
		return nil, c.leadDenied(err, "lead.create", 0)
	}
	if s.afterCreatePlan != nil {
		s.afterCreatePlan()
	}
	var out any
	if p.existing == nil {
		err = c.write(func(tx store.Tx) (err error) { out, err = c.applyCreate(tx, p); return })
		if !errors.Is(err, errPhoneTaken) {
			if err != nil {
				return nil, c.leadDenied(err, "lead.create", 0)
			}
			return out, nil
		}
	}
	// A repeat inquiry updates the existing lead: on PostgreSQL concurrent ones race for its
	// version, and the loser is simply decided again (nobody's edit is lost: each adds one).
	for attempt := 1; ; attempt++ {
		err = c.write(func(tx store.Tx) (err error) { out, err = opCreateLead(c, tx, body); return })
		var ae *Error
		if attempt < maxCreateAttempts && errors.As(err, &ae) && ae.Code == "lead_stale" {
			// Spread the retries so the racers do not meet again in lockstep.
			time.Sleep(time.Duration(rand.IntN(1000*attempt)) * time.Microsecond)
			continue
		}
		if err != nil {
			return nil, c.leadDenied(err, "lead.create", 0)
		}
		return out, nil
	}
}

// maxCreateAttempts bounds how often a create that meets a concurrent change is decided again.
const maxCreateAttempts = 32

// duplicate answers entering a phone the brand already has: never a second lead.
func (c *call) duplicate(tx store.Tx, brand account.Brand, existing, entered lead.Lead) (any, error) {
	canSee := lead.Visible(c.actor, lead.ScopeOf(existing))
	d := lead.DuplicateDecision(brand.DuplicatePolicy, existing, canSee)
	if d.Action != lead.ActionRepeat {
		params := map[string]any{"phone": d.Summary.Phone, "summary": d.Summary, "can_request_transfer": d.CanRequestTransfer,
			"can_reopen": d.CanReopen}
		if canSee {
			params["lead_id"] = existing.ID
		}
		return nil, apiErr(http.StatusConflict, "lead_duplicate", "phone", params)
	}
	after, ev := lead.RepeatInquiry(existing, entered.ChannelID, c.now)
	events := []lead.Event{ev}
	// A returning customer goes back to the previous owner while they are still active.
	if after.OwnerID == 0 && after.PrevOwnerID != 0 {
		prev, err := tx.GetStaff(c.ctx, after.PrevOwnerID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return nil, err
		}
		if err == nil {
			if _, ok := distribution.PreviousOwner(prev.ID, []distribution.Candidate{{StaffID: prev.ID, Active: !prev.Disabled}}); ok {
				if after, err = c.assignTo(tx, after, prev); err != nil {
					return nil, err
				}
				events = append(events, lead.Event{Type: lead.EventAssigned, OwnerID: prev.ID,
					Data: rawJSON(map[string]any{"method": "returning", "to": prev.ID})})
			}
		}
	}
	saved, err := c.saveLead(tx, leadChange{before: &existing, after: after, events: events, action: "lead.repeat_inquiry", brand: &brand})
	if err != nil {
		return nil, err
	}
	out := LeadCreated{Lead: c.present(saved), Repeat: true, Dup: &d}
	if !canSee {
		out.Lead = lead.Lead{ID: saved.ID, BrandID: saved.BrandID, Phone: d.Summary.Phone}
	}
	return out, nil
}

func (c *call) departmentKind(tx store.Tx) (account.DepartmentKind, error) {
	if c.staff.DepartmentID == 0 {
		return "", nil
	}
	d, err := tx.GetDepartment(c.ctx, c.staff.DepartmentID)
	return d.Kind, err
}

// leadRefs checks that the branch and channel a lead names are this studio's and fit it.
func (c *call) leadRefs(tx store.Tx, l lead.Lead) error {
	if l.BranchID != 0 {
		br, err := tx.GetBranch(c.ctx, l.BranchID)
		if err != nil {
			return refExists(err, "branch_id")
		}
		if br.BrandID != l.BrandID {
			return apiErr(http.StatusBadRequest, "invalid_value", "branch_id", nil)
		}
	}
	if l.ChannelID != 0 {
		ch, err := tx.GetChannel(c.ctx, l.ChannelID)
		if err != nil {
			return refExists(err, "channel_id")
		}
		if ch.BrandID != 0 && ch.BrandID != l.BrandID {
			return apiErr(http.StatusBadRequest, "invalid_value", "channel_id", nil)
		}
	}
	return nil
}

// UpdateLeadArgs edits a lead's plain fields; BaseVersion is the version the edit was made
// on (informational: plain fields merge field by field, last writer wins).
type UpdateLeadArgs struct {
	ID          int64      `json:"id"`
	Patch       lead.Patch `json:"patch"`
	BaseVersion int64      `json:"base_version,omitempty"`
}

func opUpdateLead(c *call, tx store.Tx, raw json.RawMessage) (any, error) {
	var in UpdateLeadArgs
	if err := decodeArgs(raw, &in); err != nil {
		return nil, err
	}
	l, err := c.visibleLead(tx, in.ID)
	if err != nil {
		return nil, err
	}
	brand, err := tx.GetBrand(c.ctx, l.BrandID)
	if err != nil {
		return nil, err
	}
	defs, err := tx.CustomFields(c.ctx, brand.ID)
	if err != nil {
		return nil, err
	}
	after, changed, err := lead.Edit(l, in.Patch, brand.Type, defs, c.now)
	if err != nil {
		return nil, err
	}
	if len(changed) == 0 {
		return c.present(l), nil
	}
	if err := c.leadRefs(tx, after); err != nil {
		return nil, err
	}
	if after.Phone != l.Phone {
		if other, err := tx.LeadByPhone(c.ctx, l.BrandID, after.Phone); err == nil && other.ID != l.ID {
			return nil, apiErr(http.StatusConflict, "lead_duplicate", "phone", map[string]any{"phone": account.MaskPhone(after.Phone),
				"summary": lead.Summarize(other)})
		}
	}
	saved, err := c.saveLead(tx, leadChange{before: &l, after: after, events: []lead.Event{lead.EditedEvent(after, changed, c.now)}, action: "lead.update"})
	if errors.Is(err, store.ErrConflict) {
		return nil, apiErr(http.StatusConflict, "lead_duplicate", "phone", nil)
	}
	return c.present(saved), err
}

// TransitionArgs moves one axis of a lead (or, with lead.correct, fixes a wrong state).
type TransitionArgs struct {
	ID   int64     `json:"id"`
	Axis lead.Axis `json:"axis"`
	To   string    `json:"to"`
	lead.TransitionInput
	BaseVersion int64 `json:"base_version,omitempty"`
}

func opTransition(c *call, tx store.Tx, raw json.RawMessage) (any, error) {
	var in TransitionArgs
	if err := decodeArgs(raw, &in); err != nil {
		return nil, err
	}
	l, err := c.visibleLead(tx, in.ID)
	if err != nil {
		return nil, err
	}
	if in.TransitionInput.BranchID != 0 {
		if _, err := tx.GetBranch(c.ctx, in.TransitionInput.BranchID); err != nil {
			return nil, refExists(err, "branch_id")
		}
	}
	// Validated against the lead as the server has it now, never the client's copy.
	after, ev, err := lead.Transition(l, in.Axis, in.To, in.TransitionInput, c.now)
	if err != nil {
		return nil, err
	}
	events := []lead.Event{ev}
	// A move that carries another axis along (the store's check-in sets booking to visited)
	// records that axis too: reports count first visits from booking events.
	for _, ax := range lead.Axes() {
		from, _ := lead.State(l, ax)
		to, _ := lead.State(after, ax)
		if ax != in.Axis && from != to {
			events = append(events, lead.Event{Type: lead.EventStatus, Axis: ax, From: from, To: to, Data: ev.Data, At: ev.At})
		}
	}
	saved, err := c.saveLead(tx, leadChange{before: &l, after: after, events: events, action: "lead.transition"})
	return c.present(saved), err
}

// CallArgs records a call attempt's result on a lead (the status does not move).
type CallArgs struct {
	ID     int64  `json:"id"`
	Result string `json:"result"`
	Note   string `json:"note,omitempty"`
}

// RefundArgs records a refund against a deal; the deal event stays and a reversal is added.
type RefundArgs struct {
	ID     int64  `json:"id"`
	Amount int64  `json:"amount"`
	Reason string `json:"reason"`
}

// runOp serves a REST call with a lead operation: the body is its arguments, the path id
// (when present) the lead.
func (s *Server) runOp(name string) handlerFunc {
	op := leadOps()[name]
	return func(c *call) (any, error) {
		var body json.RawMessage
		if err := c.decode(&body); err != nil {
			return nil, err
		}
		if id, err := c.pathID("id"); err != nil {
			return nil, err
		} else if id != 0 {
			var m map[string]any
			if err := json.Unmarshal(body, &m); err != nil || m == nil {
				return nil, apiErr(http.StatusBadRequest, "invalid_json", "body", map[string]any{"detail": "expected an object"})
			}
			m["id"] = id
			body, _ = json.Marshal(m)
		}
		var out any
		err := c.write(func(tx store.Tx) (err error) { out, err = op(c, tx, body); return })
		if err != nil {
			return nil, c.leadDenied(err, name, 0)
		}
		return out, nil
	}
}

func (s *Server) getLead(c *call) (any, error) {
	id, err := c.pathID("id")
	if err != nil {
		return nil, err
	}
	var out LeadDetail
	err = c.view(func(tx store.Tx) error {
		l, err := c.visibleLead(tx, id)
		if err != nil {
			return err
		}
		out.Lead = c.present(l)
		for _, ax := range lead.Axes() {
			out.Next = append(out.Next, NextStates{Axis: ax, States: nonNil(lead.NextStates(l, ax, c.now))})
		}
		return nil
	})
	if err != nil {
		return nil, c.leadDenied(err, "lead.read", id)
	}
	return out, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// LeadDetail is a lead with the states each axis may move to now (what the UI offers).
type LeadDetail struct {
	Lead lead.Lead    `json:"lead"`
	Next []NextStates `json:"next"`
}

// NextStates lists an axis' valid next states.
type NextStates struct {
	Axis   lead.Axis `json:"axis"`
	States []string  `json:"states"`
}

func (s *Server) leadTimeline(c *call) (any, error) {
	id, err := c.pathID("id")
	if err != nil {
		return nil, err
	}
	var out []lead.Event
	err = c.view(func(tx store.Tx) error {
		if _, err := c.visibleLead(tx, id); err != nil {
			return err
		}
		out, err = tx.LeadEvents(c.ctx, id)
		return err
	})
	if err != nil {
		return nil, c.leadDenied(err, "lead.read", id)
	}
	return out, nil
}

// LeadPage is one page of the lead list with the cursor of the next.
type LeadPage struct {
	Leads []lead.Lead `json:"leads"`
	Next  string      `json:"next,omitempty"`
}

func (s *Server) listLeads(c *call) (any, error) {
	f, err := parseLeadFilter(c.r.URL.Query())
	if err != nil {
		return nil, err
	}
	f.Scope = c.leadScope()
	var page LeadPage
	err = c.view(func(tx store.Tx) error {
		ls, err := tx.ListLeads(c.ctx, f)
		if err != nil {
			return err
		}
		page.Leads = c.presentAll(ls)
		if len(ls) == f.Limit {
			last := ls[len(ls)-1]
			page.Next = encodeCursor(last.CreatedAt, last.ID)
		}
		return nil
	})
	return page, err
}

// StaffActions lists what one staff member did over a period (events on leads).
func (s *Server) staffActions(c *call) (any, error) {
	id, err := c.pathID("id")
	if err != nil {
		return nil, err
	}
	q := c.r.URL.Query()
	// Default: the last 24 hours up to now (to is exclusive, so a moment past now).
	from, to := c.now.Add(-24*time.Hour), c.now.Add(time.Millisecond)
	for _, p := range []struct {
		key string
		dst *time.Time
	}{{"from", &from}, {"to", &to}} {
		if v := q.Get(p.key); v != "" {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				return nil, apiErr(http.StatusBadRequest, "invalid_value", p.key, map[string]any{"example": "2026-12-04T00:00:00+08:00"})
			}
			*p.dst = t
		}
	}
	var out []lead.Event
	err = c.view(func(tx store.Tx) error {
		st, err := tx.GetStaff(c.ctx, id)
		if err != nil {
			return err
		}
		if id != c.staff.ID {
			if err := c.require(account.PermStaffManage); err != nil {
				return err
			}
			if err := c.staffInScope(tx, st); err != nil {
				return err
			}
		}
		out, err = tx.ActorEvents(c.ctx, id, from, to, 0)
		return err
	})
	return out, err
}

// patchLead serves PATCH /api/v1/leads/{id}: the body is a lead.Patch.
func (s *Server) patchLead(c *call) (any, error) {
	var p lead.Patch
	if err := c.decode(&p); err != nil {
		return nil, err
	}
	id, err := c.pathID("id")
	if err != nil {
		return nil, err
	}
	args, _ := json.Marshal(UpdateLeadArgs{ID: id, Patch: p})
	var out any
	err = c.write(func(tx store.Tx) (err error) { out, err = opUpdateLead(c, tx, args); return })
	if err != nil {
		return nil, c.leadDenied(err, "lead.update", id)
	}
	return out, nil
}

// FollowUpArgs records a note, a message sent, or an appointment to call back.
type FollowUpArgs struct {
	ID   int64      `json:"id"`
	Kind string     `json:"kind"`
	Text string     `json:"text,omitempty"`
	At   *time.Time `json:"at,omitempty"`
}

// opCheckIn lets an offline desktop queue a check-in (or check-out) like any other change.
func opCheckIn(c *call, tx store.Tx, raw json.RawMessage) (any, error) {
	var in CheckInRequest
	if err := decodeArgs(raw, &in); err != nil {
		return nil, err
	}
	return c.checkInTx(tx, in)
}

// DuplicateCheck answers GET /api/v1/leads/duplicate: what entering this phone would do,
// before the form is submitted (the UI checks as the phone is typed).
type DuplicateCheck struct {
	Duplicate bool           `json:"duplicate"`
	Phone     string         `json:"phone"` // normalized, or "" when not a valid mobile yet
	Decision  *lead.Decision `json:"decision,omitempty"`
}

func (s *Server) checkDuplicate(c *call) (any, error) {
	q := c.r.URL.Query()
	brandID, err := strconv.ParseInt(q.Get("brand_id"), 10, 64)
	if err != nil || brandID <= 0 {
		return nil, apiErr(http.StatusBadRequest, "required", "brand_id", nil)
	}
	phone, err := account.NormalizePhone("phone", q.Get("phone"))
	if err != nil {
		return nil, err
	}
	out := DuplicateCheck{Phone: phone}
	err = c.view(func(tx store.Tx) error {
		brand, err := tx.GetBrand(c.ctx, brandID)
		if err != nil {
			return refExists(err, "brand_id")
		}
		existing, err := tx.LeadByPhone(c.ctx, brandID, phone)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		d := lead.DuplicateDecision(brand.DuplicatePolicy, existing, lead.Visible(c.actor, lead.ScopeOf(existing)))
		out.Duplicate, out.Decision = true, &d
		return nil
	})
	return out, err
}
