package api

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/studiodesk/studiodesk/backend/account"
	"github.com/studiodesk/studiodesk/backend/distribution"
	"github.com/studiodesk/studiodesk/backend/lead"
	"github.com/studiodesk/studiodesk/backend/store"
)

// leadChange is one write of a lead: its state before (nil on create), after, and the
// timeline events it appends.
type leadChange struct {
	before *lead.Lead
	after  lead.Lead
	events []lead.Event
	action string         // audit action, e.g. "lead.transition"
	brand  *account.Brand // the lead's brand when the caller has read it in this transaction
}

// saveLead is the one path every lead write takes: compare-and-set the row, append the
// events with actor and snapshots filled in, append to the change feed (with where the lead
// sat before, so those who lose sight of it get a removal), and audit — one transaction.
func (c *call) saveLead(tx store.Tx, ch leadChange) (lead.Lead, error) {
	l := ch.after
	l.UpdatedAt = c.now
	if ch.brand == nil || ch.brand.ID != l.BrandID {
		brand, err := tx.GetBrand(c.ctx, l.BrandID)
		if err != nil {
			return l, refExists(err, "brand_id")
		}
		ch.brand = &brand
	}
	l.ProtectedUntil = protection(poolPolicy(*ch.brand), l)
	var err error
	if ch.before == nil {
		l.CreatedAt = c.now
		if l, err = tx.CreateLead(c.ctx, l); err != nil {
			return l, err
		}
	} else if l, err = tx.UpdateLead(c.ctx, l); err != nil {
		if errors.Is(err, store.ErrStale) {
			return l, apiErr(http.StatusConflict, "lead_stale", "", map[string]any{"lead_id": l.ID})
		}
		return l, err
	}
	for _, e := range ch.events {
		e.LeadID = l.ID
		e.ActorID = c.staff.ID
		if e.OwnerID == 0 {
			e.OwnerID = l.OwnerID
		}
		if e.ChannelID == 0 { // a repeat inquiry credits the channel it came from
			e.ChannelID = l.ChannelID
		}
		if e.At.IsZero() {
			e.At = c.now
		}
		if _, err := tx.AppendLeadEvent(c.ctx, e); err != nil {
			return l, err
		}
	}
	change := store.Change{Entity: "lead", EntityID: l.ID, Now: lead.ScopeOf(l), At: c.now}
	if ch.before != nil {
		prev := lead.ScopeOf(*ch.before)
		change.Prev = &prev
	}
	if _, err := tx.AppendChange(c.ctx, change); err != nil {
		return l, err
	}
	var before any
	if ch.before != nil {
		before = ch.before
	}
	return l, c.audit(tx, ch.action, "lead", l.ID, before, l)
}

// protection recomputes when an owned lead recycles to the pool, on every write: owner
// changes restart the clock, follow-ups extend it up to the hard maximum, locks and bookings
// stop it. Doing it here, once, means no write path can forget it.
func protection(p distribution.PoolPolicy, l lead.Lead) *time.Time {
	if l.OwnerID == 0 || l.InPool || l.AssignedAt == nil {
		return nil
	}
	t := distribution.Timers{AssignedAt: *l.AssignedAt, LastActivity: l.LastFollowUp}
	return t.Recompute(p, lead.Booked(l), l.Locked).RecycleAt
}

// poolPolicy is a brand's claim-pool policy.
func poolPolicy(b account.Brand) distribution.PoolPolicy {
	s := b.Settings.WithDefaults()
	return distribution.PoolPolicy{NoFollowUpHours: s.NoFollowUpHours, NoBookingDays: s.NoBookingDays, ProtectMaxDays: s.ProtectMaxDays,
		ActivityExtendHours: s.ActivityExtendHours, CooldownHours: s.CooldownHours, HoldingCap: s.HoldingCap}
}

// leadScope turns the caller's grant into the store's list predicate.
func (c *call) leadScope() store.LeadScope {
	s := store.LeadScope{StaffID: c.staff.ID, ChannelIDs: c.actor.ChannelIDs}
	switch c.actor.Grant.Scope {
	case account.ScopeAll:
		s.All = true
	case account.ScopeBrand:
		s.BrandID = c.actor.BrandID
	case account.ScopeBranch:
		s.BranchID = c.actor.BranchID
	case account.ScopeGroup:
		s.DepartmentID = c.actor.DepartmentID
	}
	return s
}

// visibleLead loads a lead the caller may see; others are "not found", as if missing, so ids
// reveal nothing. Refusals inside the studio are audited.
func (c *call) visibleLead(tx store.Tx, id int64) (lead.Lead, error) {
	l, err := tx.GetLead(c.ctx, id)
	if err != nil {
		return l, err
	}
	if !lead.Visible(c.actor, lead.ScopeOf(l)) {
		return l, apiErr(http.StatusForbidden, "out_of_scope", "", map[string]any{"scope": string(c.actor.Grant.Scope), "lead_id": id})
	}
	return l, nil
}

// present prepares a lead for the caller: phones are shown in full only to the people who
// work it (owner, stage owners, creator); everyone else sees them masked and may reveal one
// with lead.reveal_phone, logged.
func (c *call) present(l lead.Lead) lead.Lead {
	if c.worksOn(lead.ScopeOf(l)) {
		return l
	}
	return lead.Mask(l)
}

// worksOn reports whether the caller is one of the people working a lead (sees it unmasked).
func (c *call) worksOn(s lead.Scope) bool { return slices.Contains(s.People, c.staff.ID) }

func (c *call) presentAll(ls []lead.Lead) []lead.Lead {
	for i := range ls {
		ls[i] = c.present(ls[i])
	}
	return ls
}

// leadDenied audits a refused lead action and returns the error.
func (c *call) leadDenied(err error, action string, id int64) error {
	if ae, ok := isDenial(err); ok {
		return c.denied(ae, action, "lead", id)
	}
	return err
}

func leadIDString(id int64) string { return fmt.Sprint(id) }

// assignTo gives l to a staff member, taking the stage from the member's department.
func (c *call) assignTo(tx store.Tx, l lead.Lead, target account.Staff) (lead.Lead, error) {
	kind := ""
	if target.DepartmentID != 0 {
		d, err := tx.GetDepartment(c.ctx, target.DepartmentID)
		if err != nil {
			return l, err
		}
		kind = string(d.Kind)
	}
	return lead.AssignTo(l, target.ID, target.DepartmentID, kind, c.now), nil
}

// autoAssign distributes a new, unowned lead by the studio's rules (channel, channel group,
// branch -> a group and its method). Nobody eligible leaves it unassigned, not an error.
func (c *call) autoAssign(tx store.Tx, l lead.Lead) (lead.Lead, []lead.Event, error) {
	rules, err := tx.AssignRules(c.ctx)
	if err != nil || len(rules) == 0 || l.OwnerID != 0 || l.Approval == lead.ApprovalPending {
		return l, nil, err
	}
	facts := distribution.LeadFacts{ChannelID: l.ChannelID, BranchID: l.BranchID}
	if l.ChannelID != 0 {
		ch, err := tx.GetChannel(c.ctx, l.ChannelID)
		if err != nil {
			return l, nil, err
		}
		facts.ChannelGroupID = ch.GroupID
	}
	rule, ok := distribution.Match(rules, facts)
	if !ok {
		return l, nil, nil
	}
	method := rule.Method
	if method == "" || method == distribution.MethodManual {
		method = distribution.MethodRoundRobin
	}
	cands, staff, err := c.candidatesFor(tx, rule.TargetDepartmentID, false, method == distribution.MethodLeastLoaded)
	if err != nil {
		return l, nil, err
	}
	raw, err := tx.DistState(c.ctx, distKey(rule.TargetDepartmentID))
	if err != nil {
		return l, nil, err
	}
	state, err := distribution.UnmarshalState(raw)
	if err != nil {
		return l, nil, err
	}
	eligible, _ := distribution.Eligible(cands, true)
	chosen, state, err := distribution.Choose(method, state, eligible)
	if errors.Is(err, distribution.ErrNoneEligible) {
		return l, nil, nil
	}
	if err != nil {
		return l, nil, err
	}
	b, err := state.Marshal()
	if err != nil {
		return l, nil, err
	}
	if err := tx.SetDistState(c.ctx, distKey(rule.TargetDepartmentID), b); err != nil {
		return l, nil, err
	}
	after, err := c.assignTo(tx, l, staff[chosen.StaffID])
	return after, []lead.Event{{Type: lead.EventAssigned, OwnerID: chosen.StaffID,
		Data: rawJSON(map[string]any{"rule_id": rule.ID, "department_id": rule.TargetDepartmentID, "method": method})}}, err
}
