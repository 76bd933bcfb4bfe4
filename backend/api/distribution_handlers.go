package api

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/studiodesk/studiodesk/backend/account"
	"github.com/studiodesk/studiodesk/backend/distribution"
	"github.com/studiodesk/studiodesk/backend/lead"
	"github.com/studiodesk/studiodesk/backend/store"
)

// shanghai is the studio day for check-ins and daily caps (brands may set their own zone
// for reports; duty days follow the studio's default).
func (c *call) studioDay(t time.Time) (day string, start time.Time) {
	loc, err := time.LoadLocation(account.DefaultTimezone)
	if err != nil {
		loc = time.FixedZone("CST", 8*3600)
	}
	lt := t.In(loc)
	start = time.Date(lt.Year(), lt.Month(), lt.Day(), 0, 0, 0, 0, loc)
	return lt.Format(time.DateOnly), start.UTC()
}

// candidates describes every staff member (optionally only one department's) for the
// distribution rules: duty, caps, holdings and whether the caller's scope reaches them.
func (c *call) candidates(tx store.Tx, deptID int64, counts bool) ([]distribution.Candidate, map[int64]account.Staff, error) {
	return c.candidatesFor(tx, deptID, true, counts)
}

// candidatesFor is candidates with the caller's scope check optional (rules distribute on
// the studio's behalf, whoever entered the lead); counts asks for every member's daily and
// holding counts, not only of those with caps.
func (c *call) candidatesFor(tx store.Tx, deptID int64, checkScope, counts bool) ([]distribution.Candidate, map[int64]account.Staff, error) {
	staff, err := tx.ListStaff(c.ctx)
	if err != nil {
		return nil, nil, err
	}
	day, dayStart := c.studioDay(c.now)
	checkins, err := tx.CheckIns(c.ctx, day)
	if err != nil {
		return nil, nil, err
	}
	onDuty := map[int64]bool{}
	for _, ci := range checkins {
		onDuty[ci.StaffID] = ci.Out == nil
	}
	byID := map[int64]account.Staff{}
	// Counting is the costly part of a distribution decision: count only what a cap (or the
	// least-loaded method, or the dialog) needs.
	var daily, held []int64
	for _, st := range staff {
		if deptID == 0 || st.DepartmentID == deptID {
			byID[st.ID] = st
			if counts || st.DailyCap > 0 {
				daily = append(daily, st.ID)
			}
			if counts || st.HoldingCap > 0 {
				held = append(held, st.ID)
			}
		}
	}
	assigned, err := tx.AssignedSince(c.ctx, dayStart, daily)
	if err != nil {
		return nil, nil, err
	}
	holding, err := tx.Holding(c.ctx, held)
	if err != nil {
		return nil, nil, err
	}
	var out []distribution.Candidate
	for _, st := range staff {
		if _, ok := byID[st.ID]; !ok {
			continue
		}
		out = append(out, distribution.Candidate{
			StaffID: st.ID, Name: st.Name, Active: !st.Disabled, CheckedIn: onDuty[st.ID],
			InScope: !checkScope || c.staffInScope(tx, st) == nil, AssignedToday: assigned[st.ID], DailyCap: st.DailyCap,
			Holding: holding[st.ID], HoldingCap: st.HoldingCap, Weight: st.Weight, OpenLeads: holding[st.ID],
		})
	}
	return out, byID, nil
}

// Assignees answers "who can I assign to, and why is X not offered".
type Assignees struct {
	Offered  []distribution.Candidate `json:"offered"`
	Excluded []distribution.Exclusion `json:"excluded"`
	// Next is who the group's method would pick now (0 for manual or nobody).
	Next int64 `json:"next,omitempty"`
}

func (s *Server) listAssignees(c *call) (any, error) {
	if !c.actor.Can(account.PermLeadAssign) && !c.actor.Can(account.PermLeadTransfer) {
		return nil, c.require(account.PermLeadAssign)
	}
	q := c.r.URL.Query()
	var deptID int64
	if v := q.Get("department_id"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return nil, apiErr(http.StatusBadRequest, "invalid_value", "department_id", nil)
		}
		deptID = n
	}
	method := distribution.Method(q.Get("method"))
	if method == "" {
		method = distribution.MethodManual
	}
	if !method.Valid() {
		return nil, apiErr(http.StatusBadRequest, "invalid_value", "method", map[string]any{"allowed": "manual, round_robin, weighted, least_loaded"})
	}
	var out Assignees
	err := c.view(func(tx store.Tx) error {
		if deptID != 0 {
			if _, err := tx.GetDepartment(c.ctx, deptID); err != nil {
				return refExists(err, "department_id")
			}
		}
		cands, _, err := c.candidates(tx, deptID, true)
		if err != nil {
			return err
		}
		out.Offered, out.Excluded = distribution.Eligible(cands, method != distribution.MethodManual)
		if method != distribution.MethodManual {
			raw, err := distStateRead(tx, c, deptID)
			if err != nil {
				return err
			}
			if next, _, err := distribution.Choose(method, raw, out.Offered); err == nil {
				out.Next = next.StaffID
			}
		}
		return nil
	})
	if out.Offered == nil {
		out.Offered = []distribution.Candidate{}
	}
	if out.Excluded == nil {
		out.Excluded = []distribution.Exclusion{}
	}
	return out, err
}

func distKey(deptID int64) string { return "dept:" + strconv.FormatInt(deptID, 10) }

// distStateRead reads a group's chooser state without locking it (previews only).
func distStateRead(tx store.Tx, c *call, deptID int64) (distribution.State, error) {
	raw, err := tx.PeekDistState(c.ctx, distKey(deptID))
	if err != nil {
		return distribution.State{}, err
	}
	return distribution.UnmarshalState(raw)
}

// AssignRequest is the body of POST /api/v1/leads/assign: to a person (StaffID) or to a
// group (DepartmentID) whose members are chosen by Method.
type AssignRequest struct {
	LeadIDs      []int64             `json:"lead_ids"`
	StaffID      int64               `json:"staff_id,omitempty"`
	DepartmentID int64               `json:"department_id,omitempty"`
	Method       distribution.Method `json:"method,omitempty"`
	Reason       string              `json:"reason,omitempty"` // transfers only
}

// LeadResult is the per-lead line of a batch report.
type LeadResult struct {
	LeadID  int64  `json:"lead_id"`
	OK      bool   `json:"ok"`
	StaffID int64  `json:"staff_id,omitempty"`
	Code    string `json:"code,omitempty"`
	Message string `json:"message,omitempty"`
}

// BatchReport answers batch operations; they apply all-or-nothing, so when one lead fails
// none changed and the report says which failed and why.
type BatchReport struct {
	Applied bool         `json:"applied"`
	Results []LeadResult `json:"results"`
}

const maxBatch = 500

func (s *Server) assignLeads(c *call) (any, error)   { return s.moveLeads(c, false) }
func (s *Server) transferLeads(c *call) (any, error) { return s.moveLeads(c, true) }

// moveLeads assigns (unowned leads) or transfers (owned leads, reason required) a batch.
func (s *Server) moveLeads(c *call, transfer bool) (any, error) {
	perm, action := account.PermLeadAssign, "lead.assign"
	if transfer {
		perm, action = account.PermLeadTransfer, "lead.transfer"
	}
	if err := c.require(perm); err != nil {
		return nil, err
	}
	var req AssignRequest
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	switch {
	case len(req.LeadIDs) == 0:
		return nil, apiErr(http.StatusBadRequest, "required", "lead_ids", nil)
	case len(req.LeadIDs) > maxBatch:
		return nil, apiErr(http.StatusBadRequest, "too_long", "lead_ids", map[string]any{"max": maxBatch})
	case req.StaffID == 0 && req.DepartmentID == 0:
		return nil, apiErr(http.StatusBadRequest, "required", "staff_id", nil)
	case transfer && req.StaffID == 0:
		return nil, apiErr(http.StatusBadRequest, "required", "staff_id", nil)
	case transfer && len([]rune(req.Reason)) < 2:
		return nil, apiErr(http.StatusBadRequest, "reason_required", "reason", nil)
	}
	if req.Method == "" {
		req.Method = distribution.MethodRoundRobin
	}
	if !req.Method.Valid() || (req.DepartmentID != 0 && req.Method == distribution.MethodManual) {
		return nil, apiErr(http.StatusBadRequest, "invalid_value", "method", map[string]any{"allowed": "round_robin, weighted, least_loaded"})
	}
	var state distribution.State
	report, err := c.runBatch(req.LeadIDs, func(tx store.Tx) (func(i int, id int64) (int64, error), error) {
		cands, staff, err := c.candidates(tx, req.DepartmentID, req.Method == distribution.MethodLeastLoaded)
		if err != nil {
			return nil, err
		}
		// Who gets each lead.
		targets := make([]int64, len(req.LeadIDs))
		if req.StaffID != 0 {
			if err := eligibleTarget(cands, req.StaffID); err != nil {
				return nil, err
			}
			for i := range targets {
				targets[i] = req.StaffID
			}
		} else {
			if _, err := tx.GetDepartment(c.ctx, req.DepartmentID); err != nil {
				return nil, refExists(err, "department_id")
			}
			raw, err := tx.DistState(c.ctx, distKey(req.DepartmentID)) // locked until commit
			if err != nil {
				return nil, err
			}
			if state, err = distribution.UnmarshalState(raw); err != nil {
				return nil, err
			}
			eligible, _ := distribution.Eligible(cands, true)
			if targets, state, _, err = distribution.ChooseBatch(req.Method, state, eligible, len(req.LeadIDs), true); err != nil &&
				!errors.Is(err, distribution.ErrNoneEligible) {
				return nil, err
			}
			defer func() {
				// Saved with the batch; a failed batch rolls the pointer back with everything else.
				if b, err := state.Marshal(); err == nil {
					_ = tx.SetDistState(c.ctx, distKey(req.DepartmentID), b)
				}
			}()
		}
		return func(i int, id int64) (int64, error) {
			return targets[i], c.moveOne(tx, id, staff, targets[i], transfer, req)
		}, nil
	})
	if err != nil {
		return nil, c.leadDenied(err, action, 0)
	}
	return report, nil
}

// runBatch applies per to every lead of a batch in one transaction, all or nothing: when
// any lead fails, nothing is written and the report (409) says which failed and why.
// prepare runs first in the transaction and returns the per-lead step.
func (c *call) runBatch(ids []int64, prepare func(tx store.Tx) (func(i int, id int64) (int64, error), error)) (BatchReport, error) {
	report := BatchReport{Results: make([]LeadResult, len(ids))}
	lang := langFrom(c.r.Header.Get("Accept-Language"))
	err := c.write(func(tx store.Tx) error {
		step, err := prepare(tx)
		if err != nil {
			return err
		}
		failed := false
		for i, id := range ids {
			res := &report.Results[i]
			res.LeadID = id
			staffID, err := step(i, id)
			if err != nil {
				ae := toAPIError(err)
				if ae.Status >= 500 {
					return err
				}
				failed = true
				res.Code, res.Message = ae.Code, Localize(ae.Code, ae.Field, ae.Params, lang)
				continue
			}
			res.OK, res.StaffID = true, staffID
		}
		if failed {
			return errBatchFailed
		}
		return nil
	})
	if errors.Is(err, errBatchFailed) {
		for i := range report.Results {
			report.Results[i].OK = false
		}
		c.status = http.StatusConflict
		return report, nil
	}
	report.Applied = err == nil
	return report, err
}

var errBatchFailed = errors.New("batch failed")

// eligibleTarget checks that the one person a lead is given to may take it (active, in the
// caller's scope, under caps), saying why not.
func eligibleTarget(cands []distribution.Candidate, staffID int64) error {
	i := slices.IndexFunc(cands, func(x distribution.Candidate) bool { return x.StaffID == staffID })
	if i < 0 {
		return apiErr(http.StatusBadRequest, "invalid_value", "staff_id", nil)
	}
	if ok, excl := distribution.Eligible(cands[i:i+1], false); len(ok) == 0 {
		return apiErr(http.StatusBadRequest, "assignee_unavailable", "staff_id",
			map[string]any{"reason": string(excl[0].Reason), "staff": excl[0].Name})
	}
	return nil
}

// moveOne gives one lead to staffID inside the batch transaction.
func (c *call) moveOne(tx store.Tx, id int64, staff map[int64]account.Staff, staffID int64, transfer bool, req AssignRequest) error {
	if staffID == 0 {
		return apiErr(http.StatusConflict, "no_assignee", "", nil)
	}
	l, err := c.visibleLead(tx, id)
	if err != nil {
		return err
	}
	switch {
	case l.Deleted:
		return apiErr(http.StatusConflict, "lead_deleted", "", nil)
	case transfer && l.OwnerID == 0:
		return apiErr(http.StatusConflict, "lead_unowned", "", nil)
	case !transfer && l.OwnerID != 0:
		return apiErr(http.StatusConflict, "lead_owned", "", nil)
	case l.OwnerID == staffID:
		return apiErr(http.StatusConflict, "lead_same_owner", "", nil)
	}
	target, ok := staff[staffID]
	if !ok {
		if target, err = tx.GetStaff(c.ctx, staffID); err != nil {
			return err
		}
	}
	before := l
	after, err := c.assignTo(tx, l, target)
	if err != nil {
		return err
	}
	ev := lead.Event{Type: lead.EventAssigned, OwnerID: target.ID,
		Data: rawJSON(map[string]any{"from": before.OwnerID, "to": target.ID, "department_id": req.DepartmentID, "method": req.Method})}
	if transfer {
		ev.Type, ev.Reason = lead.EventTransferred, req.Reason
	}
	_, err = c.saveLead(tx, leadChange{before: &before, after: after, events: []lead.Event{ev}, action: map[bool]string{false: "lead.assign", true: "lead.transfer"}[transfer]})
	return err
}

// CheckInRequest is the body of POST /api/v1/checkins; StaffID other than oneself needs
// checkin.others and is recorded as done on their behalf.
type CheckInRequest struct {
	StaffID int64 `json:"staff_id,omitempty"`
	Out     bool  `json:"out,omitempty"`
}

func (s *Server) checkIn(c *call) (any, error) {
	var req CheckInRequest
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	var out []store.CheckIn
	err := c.write(func(tx store.Tx) (err error) { out, err = c.checkInTx(tx, req); return })
	if err != nil {
		return nil, c.leadDenied(err, "checkin", 0)
	}
	return out, nil
}

// checkInTx checks a member in or out for today inside tx and returns the day's check-ins.
func (c *call) checkInTx(tx store.Tx, req CheckInRequest) ([]store.CheckIn, error) {
	if req.StaffID == 0 {
		req.StaffID = c.staff.ID
	}
	if req.StaffID != c.staff.ID {
		if err := c.require(account.PermCheckinOthers); err != nil {
			return nil, err
		}
	}
	day, _ := c.studioDay(c.now)
	st, err := tx.GetStaff(c.ctx, req.StaffID)
	if err != nil {
		return nil, refExists(err, "staff_id")
	}
	if st.ID != c.staff.ID {
		if err := c.staffInScope(tx, st); err != nil {
			return nil, err
		}
	}
	if st.Disabled {
		return nil, apiErr(http.StatusBadRequest, "staff_disabled_target", "staff_id", map[string]any{"staff": st.Name})
	}
	action := "checkin.in"
	if req.Out {
		action = "checkin.out"
		if err := tx.CheckOut(c.ctx, st.ID, day, c.now); errors.Is(err, store.ErrNotFound) {
			return nil, apiErr(http.StatusBadRequest, "not_checked_in", "", map[string]any{"staff": st.Name})
		} else if err != nil {
			return nil, err
		}
	} else if err := tx.CheckIn(c.ctx, store.CheckIn{StaffID: st.ID, Day: day, In: c.now, ByID: c.staff.ID}); err != nil {
		return nil, err
	}
	e := store.AuditEntry{ActorID: c.staff.ID, ActorName: c.staff.Name, Action: action, Entity: "staff",
		EntityID: fmt.Sprint(st.ID), After: rawJSON(map[string]any{"day": day}), DeviceID: c.session.DeviceID, IP: c.clientIP(), CreatedAt: c.now}
	if st.ID != c.staff.ID {
		e.OnBehalfOf = st.ID
	}
	if err := tx.AppendAudit(c.ctx, e); err != nil {
		return nil, err
	}
	return tx.CheckIns(c.ctx, day)
}

func (s *Server) listCheckIns(c *call) (any, error) {
	day := c.r.URL.Query().Get("day")
	if day == "" {
		day, _ = c.studioDay(c.now)
	} else if _, err := time.Parse(time.DateOnly, day); err != nil {
		return nil, apiErr(http.StatusBadRequest, "invalid_value", "day", map[string]any{"example": "2026-12-04"})
	}
	var out []store.CheckIn
	return out, c.view(func(tx store.Tx) (err error) { out, err = tx.CheckIns(c.ctx, day); return })
}
