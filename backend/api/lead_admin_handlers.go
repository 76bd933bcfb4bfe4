package api

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"github.com/studiodesk/studiodesk/backend/account"
	"github.com/studiodesk/studiodesk/backend/distribution"
	"github.com/studiodesk/studiodesk/backend/lead"
	"github.com/studiodesk/studiodesk/backend/store"
)

// ApprovalRequest decides a referral submitted for approval.
type ApprovalRequest struct {
	Approve bool   `json:"approve"`
	Reason  string `json:"reason,omitempty"`
}

func (s *Server) approveReferral(c *call) (any, error) {
	if err := c.require(account.PermReferralApprove); err != nil {
		return nil, err
	}
	var req ApprovalRequest
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	id, err := c.pathID("id")
	if err != nil {
		return nil, err
	}
	var out lead.Lead
	err = c.write(func(tx store.Tx) error {
		l, err := c.visibleLead(tx, id)
		if err != nil {
			return err
		}
		after, ev, err := lead.Approve(l, req.Approve, req.Reason, c.now)
		if err != nil {
			return err
		}
		out, err = c.saveLead(tx, leadChange{before: &l, after: after, events: []lead.Event{ev}, action: "lead.approval"})
		return err
	})
	if err != nil {
		return nil, c.leadDenied(err, "lead.approval", id)
	}
	return c.present(out), nil
}

// BatchRequest is the body of POST /api/v1/leads/batch: one operation over many leads,
// all or nothing, with a per-lead report.
type BatchRequest struct {
	LeadIDs []int64         `json:"lead_ids"`
	Op      string          `json:"op"` // transition | channel | delete | restore | lock | unlock | pool
	Args    json.RawMessage `json:"args,omitempty"`
}

// batchOps turn one lead into its changed version; args are the request's.
var batchOps = map[string]func(c *call, tx store.Tx, l lead.Lead, args json.RawMessage) (lead.Lead, []lead.Event, error){
	"transition": func(c *call, tx store.Tx, l lead.Lead, args json.RawMessage) (lead.Lead, []lead.Event, error) {
		var in TransitionArgs
		if err := decodeArgs(args, &in); err != nil {
			return l, nil, err
		}
		after, ev, err := lead.Transition(l, in.Axis, in.To, in.TransitionInput, c.now)
		return after, []lead.Event{ev}, err
	},
	"channel": func(c *call, tx store.Tx, l lead.Lead, args json.RawMessage) (lead.Lead, []lead.Event, error) {
		var in struct {
			ChannelID int64 `json:"channel_id"`
		}
		if err := decodeArgs(args, &in); err != nil {
			return l, nil, err
		}
		after, ev, err := lead.SetChannel(l, in.ChannelID, c.now)
		if err == nil {
			err = c.leadRefs(tx, after)
		}
		return after, []lead.Event{ev}, err
	},
	"delete": func(c *call, _ store.Tx, l lead.Lead, _ json.RawMessage) (lead.Lead, []lead.Event, error) {
		return one(lead.SetDeleted(l, true, c.now))
	},
	"restore": func(c *call, _ store.Tx, l lead.Lead, _ json.RawMessage) (lead.Lead, []lead.Event, error) {
		return one(lead.SetDeleted(l, false, c.now))
	},
	"lock": func(c *call, _ store.Tx, l lead.Lead, _ json.RawMessage) (lead.Lead, []lead.Event, error) {
		return one(lead.SetLocked(l, true, c.now))
	},
	"unlock": func(c *call, _ store.Tx, l lead.Lead, _ json.RawMessage) (lead.Lead, []lead.Event, error) {
		return one(lead.SetLocked(l, false, c.now))
	},
	"pool": func(c *call, _ store.Tx, l lead.Lead, _ json.RawMessage) (lead.Lead, []lead.Event, error) {
		return one(lead.ToPool(l, "manual", c.now))
	},
}

func one(l lead.Lead, ev lead.Event, err error) (lead.Lead, []lead.Event, error) {
	return l, []lead.Event{ev}, err
}

func (s *Server) batchLeads(c *call) (any, error) {
	if err := c.require(account.PermLeadBatchEdit); err != nil {
		return nil, err
	}
	var req BatchRequest
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	op, ok := batchOps[req.Op]
	switch {
	case !ok:
		return nil, apiErr(http.StatusBadRequest, "invalid_value", "op", map[string]any{"allowed": "transition, channel, delete, restore, lock, unlock, pool"})
	case len(req.LeadIDs) == 0:
		return nil, apiErr(http.StatusBadRequest, "required", "lead_ids", nil)
	case len(req.LeadIDs) > maxBatch:
		return nil, apiErr(http.StatusBadRequest, "too_long", "lead_ids", map[string]any{"max": maxBatch})
	}
	report, err := c.runBatch(req.LeadIDs, func(tx store.Tx) (func(int, int64) (int64, error), error) {
		return func(_ int, id int64) (int64, error) {
			l, err := c.visibleLead(tx, id)
			if err != nil {
				return 0, err
			}
			if l.Deleted && req.Op != "restore" {
				return 0, apiErr(http.StatusConflict, "lead_deleted", "", nil)
			}
			after, events, err := op(c, tx, l, req.Args)
			if err != nil {
				return 0, err
			}
			saved, err := c.saveLead(tx, leadChange{before: &l, after: after, events: events, action: "lead.batch." + req.Op})
			return saved.OwnerID, err
		}, nil
	})
	if err != nil {
		return nil, c.leadDenied(err, "lead.batch", 0)
	}
	return report, nil
}

// listPool shows the claim pool of the caller's brand (all brands for studio-wide scope),
// phones masked until claimed.
func (s *Server) listPool(c *call) (any, error) {
	if err := c.require(account.PermPoolClaim); err != nil {
		return nil, err
	}
	f, err := parseLeadFilter(c.r.URL.Query())
	if err != nil {
		return nil, err
	}
	in := true
	f.InPool = &in
	f.Scope = store.LeadScope{All: true}
	if c.actor.Grant.Scope != account.ScopeAll {
		if c.actor.BrandID == 0 {
			return LeadPage{Leads: []lead.Lead{}}, nil
		}
		f.BrandID = c.actor.BrandID
	}
	var page LeadPage
	err = c.view(func(tx store.Tx) error {
		ls, err := tx.ListLeads(c.ctx, f)
		if err != nil {
			return err
		}
		for i := range ls {
			ls[i] = lead.Mask(ls[i])
		}
		page.Leads = ls
		if len(ls) == f.Limit {
			page.Next = encodeCursor(ls[len(ls)-1].CreatedAt, ls[len(ls)-1].ID)
		}
		return nil
	})
	return page, err
}

// ClaimRequest is the body of POST /api/v1/pool/claim.
type ClaimRequest struct {
	LeadID int64 `json:"lead_id"`
}

func (s *Server) claimLead(c *call) (any, error) {
	if err := c.require(account.PermPoolClaim); err != nil {
		return nil, err
	}
	var req ClaimRequest
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	var out lead.Lead
	err := c.write(func(tx store.Tx) error {
		l, err := tx.GetLead(c.ctx, req.LeadID)
		if err != nil {
			return err
		}
		if !l.InPool || l.Deleted || (c.actor.Grant.Scope != account.ScopeAll && l.BrandID != c.actor.BrandID) {
			return apiErr(http.StatusConflict, "not_in_pool", "lead_id", nil)
		}
		holding, err := tx.Holding(c.ctx, []int64{c.staff.ID})
		if err != nil {
			return err
		}
		brand, err := tx.GetBrand(c.ctx, l.BrandID)
		if err != nil {
			return err
		}
		policy := poolPolicy(brand)
		if c.staff.HoldingCap > 0 {
			policy.HoldingCap = c.staff.HoldingCap
		}
		if ok, reason := distribution.CanClaim(policy, c.staff.ID, holding[c.staff.ID], l.PrevOwnerID, l.ReleasedAt, c.now); !ok {
			return apiErr(http.StatusConflict, "claim_refused", "lead_id", map[string]any{"reason": string(reason),
				"cooldown_hours": policy.CooldownHours, "cap": policy.HoldingCap})
		}
		kind, err := c.departmentKind(tx)
		if err != nil {
			return err
		}
		after := lead.AssignTo(l, c.staff.ID, c.staff.DepartmentID, string(kind), c.now)
		out, err = c.saveLead(tx, leadChange{before: &l, after: after, action: "lead.claim",
			events: []lead.Event{{Type: lead.EventClaimed, OwnerID: c.staff.ID}}})
		return err
	})
	if err != nil {
		return nil, err
	}
	return c.present(out), nil
}

func (s *Server) getCustomFields(c *call) (any, error) {
	id, err := c.pathID("id")
	if err != nil {
		return nil, err
	}
	var out []lead.CustomField
	return out, c.view(func(tx store.Tx) error {
		if _, err := tx.GetBrand(c.ctx, id); err != nil {
			return err
		}
		out, err = tx.CustomFields(c.ctx, id)
		return err
	})
}

func (s *Server) setCustomFields(c *call) (any, error) {
	if err := c.require(account.PermSettingsManage); err != nil {
		return nil, err
	}
	var defs []lead.CustomField
	if err := c.decode(&defs); err != nil {
		return nil, err
	}
	if defs == nil {
		defs = []lead.CustomField{}
	}
	id, err := c.pathID("id")
	if err != nil {
		return nil, err
	}
	if err := lead.ValidateCustomFieldDefs(defs); err != nil {
		return nil, err
	}
	err = c.write(func(tx store.Tx) error {
		if _, err := tx.GetBrand(c.ctx, id); err != nil {
			return err
		}
		before, err := tx.CustomFields(c.ctx, id)
		if err != nil {
			return err
		}
		if err := tx.SetCustomFields(c.ctx, id, defs); err != nil {
			return err
		}
		return c.audit(tx, "brand.custom_fields", "brand", strconv.FormatInt(id, 10), before, defs)
	})
	if errors.Is(err, store.ErrConflict) {
		return nil, apiErr(http.StatusBadRequest, "duplicate_key", "key", nil)
	}
	return defs, err
}

func (s *Server) listAssignRules(c *call) (any, error) {
	var out []distribution.Rule
	err := c.view(func(tx store.Tx) (err error) { out, err = tx.AssignRules(c.ctx); return })
	return distribution.Ordered(out), err
}

func (s *Server) setAssignRules(c *call) (any, error) {
	if err := c.require(account.PermSettingsManage); err != nil {
		return nil, err
	}
	var rules []distribution.Rule
	if err := c.decode(&rules); err != nil {
		return nil, err
	}
	if len(rules) > 200 {
		return nil, apiErr(http.StatusBadRequest, "too_long", "rules", map[string]any{"max": 200})
	}
	err := c.write(func(tx store.Tx) error {
		for i, r := range rules {
			field := func(f string) string { return "rules." + strconv.Itoa(i) + "." + f }
			if r.TargetDepartmentID == 0 {
				return apiErr(http.StatusBadRequest, "required", field("target_department_id"), nil)
			}
			if _, err := tx.GetDepartment(c.ctx, r.TargetDepartmentID); err != nil {
				return refExists(err, field("target_department_id"))
			}
			if r.Method != "" && !r.Method.Valid() {
				return apiErr(http.StatusBadRequest, "invalid_value", field("method"), map[string]any{"allowed": "round_robin, weighted, least_loaded"})
			}
			if r.ChannelID != 0 {
				if _, err := tx.GetChannel(c.ctx, r.ChannelID); err != nil {
					return refExists(err, field("channel_id"))
				}
			}
			if r.ChannelGroupID != 0 {
				if _, err := tx.GetChannelGroup(c.ctx, r.ChannelGroupID); err != nil {
					return refExists(err, field("channel_group_id"))
				}
			}
			if r.BranchID != 0 {
				if _, err := tx.GetBranch(c.ctx, r.BranchID); err != nil {
					return refExists(err, field("branch_id"))
				}
			}
		}
		before, err := tx.AssignRules(c.ctx)
		if err != nil {
			return err
		}
		if err := tx.SetAssignRules(c.ctx, rules); err != nil {
			return err
		}
		return c.audit(tx, "assign_rules.update", "assign_rules", "", before, rules)
	})
	if err != nil {
		return nil, err
	}
	return s.listAssignRules(c)
}
