package api

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/studiodesk/studiodesk/backend/account"
	"github.com/studiodesk/studiodesk/backend/lead"
	"github.com/studiodesk/studiodesk/backend/store"
)

// Transfer requests. Someone entering a phone the brand already has, owned by a colleague
// out of their sight, is told so (masked) and may ask for the lead with a reason. The people
// who may decide — active staff holding lead.transfer whose data scope reaches both the lead
// and the requester — get it in their notification inbox and in the request list; approving
// performs a normal audited transfer to the requester with the request's reason (earlier
// credit stays, as with every transfer), rejecting needs a reason; the requester's inbox
// gets the outcome either way.
//
// The requester proves they know the customer by sending the phone they typed: a request
// for a lead id with another phone is "not found", so ids cannot be probed.

// Notification kinds of transfer requests.
const (
	NotifyTransferRequest = "transfer_request"         // to each decider
	NotifyTransferDecided = "transfer_request_decided" // to the requester
)

// maxReasonLen bounds the reasons of requests and decisions.
const maxReasonLen = 500

// TransferRequestBody is the body of POST /api/v1/leads/{id}/transfer-requests.
type TransferRequestBody struct {
	Phone  string `json:"phone"`
	Reason string `json:"reason"`
}

// TransferDecision is the body of POST /api/v1/transfer-requests/{id}/decision.
type TransferDecision struct {
	Approve bool   `json:"approve"`
	Reason  string `json:"reason,omitempty"` // required to reject
}

// TransferRequestView is a request as the caller may see it: the phone masked unless the
// caller works the lead, the lead's name only for those who can see the lead.
type TransferRequestView struct {
	store.TransferRequest
	Phone     string `json:"phone"`
	LeadName  string `json:"lead_name,omitempty"`
	CanDecide bool   `json:"can_decide"`
}

// checkReason trims a reason and checks it is given (two characters at least) and bounded.
func checkReason(s *string) error {
	*s = strings.TrimSpace(*s)
	switch n := len([]rune(*s)); {
	case n < 2:
		return apiErr(http.StatusBadRequest, "reason_required", "reason", nil)
	case n > maxReasonLen:
		return apiErr(http.StatusBadRequest, "too_long", "reason", map[string]any{"max": maxReasonLen})
	}
	return nil
}

func (s *Server) requestTransfer(c *call) (any, error) {
	if !c.actor.Can(account.PermLeadCreate) && !c.actor.Can(account.PermLeadCreateReferral) {
		return nil, c.require(account.PermLeadCreate)
	}
	id, err := c.pathID("id")
	if err != nil {
		return nil, err
	}
	var req TransferRequestBody
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if strings.TrimSpace(req.Phone) == "" {
		return nil, apiErr(http.StatusBadRequest, "required", "phone", nil)
	}
	phone, err := account.NormalizePhone("phone", req.Phone)
	if err != nil {
		return nil, err
	}
	if err := checkReason(&req.Reason); err != nil {
		return nil, err
	}
	var out TransferRequestView
	err = c.write(func(tx store.Tx) error {
		l, err := tx.GetLead(c.ctx, id)
		if err != nil {
			return err
		}
		switch {
		case l.Phone != phone && l.Phone2 != phone:
			return apiErr(http.StatusNotFound, "not_found", "", nil)
		case l.Deleted:
			return apiErr(http.StatusConflict, "lead_deleted", "", nil)
		case l.OwnerID == c.staff.ID:
			return apiErr(http.StatusConflict, "transfer_request_own", "", nil)
		case l.OwnerID == 0:
			return apiErr(http.StatusConflict, "transfer_request_unowned", "", nil)
		}
		deciders, err := c.transferDeciders(tx, l, c.staff)
		if err != nil {
			return err
		}
		if len(deciders) == 0 {
			return apiErr(http.StatusConflict, "transfer_no_decider", "", nil)
		}
		r, err := tx.InsertTransferRequest(c.ctx, store.TransferRequest{LeadID: l.ID, RequesterID: c.staff.ID, OwnerID: l.OwnerID,
			Reason: req.Reason, CreatedAt: c.now})
		if errors.Is(err, store.ErrConflict) {
			return apiErr(http.StatusConflict, "transfer_request_pending", "", nil)
		}
		if err != nil {
			return err
		}
		data := rawJSON(map[string]any{"request_id": r.ID, "requester_id": c.staff.ID, "requester_name": c.staff.Name, "reason": r.Reason,
			"name": l.Name, "phone": account.MaskPhone(l.Phone)})
		for _, d := range deciders {
			if _, err := tx.Notify(c.ctx, store.Notification{StaffID: d, Kind: NotifyTransferRequest, LeadID: l.ID, Data: data,
				DedupeKey: fmt.Sprintf("transfer_request:%d:%d", r.ID, d), CreatedAt: c.now}); err != nil {
				return err
			}
		}
		out = c.transferView(r, l, false)
		return c.audit(tx, "lead.transfer_request", "lead", l.ID, nil, r)
	})
	if err != nil {
		return nil, c.leadDenied(err, "lead.transfer_request", id)
	}
	c.status = http.StatusCreated
	return out, nil
}

// transferDeciders lists who may decide a request for l by requester: active staff other
// than the requester holding lead.transfer whose scope reaches the lead and the requester.
func (c *call) transferDeciders(tx store.Tx, l lead.Lead, requester account.Staff) ([]int64, error) {
	staff, err := tx.ListStaff(c.ctx)
	if err != nil {
		return nil, err
	}
	place, err := staffPlacement(tx, c, requester)
	if err != nil {
		return nil, err
	}
	var out []int64
	for _, st := range staff {
		if st.Disabled || st.ID == requester.ID {
			continue
		}
		a, err := actorOf(c.ctx, tx, st)
		if err != nil {
			return nil, err
		}
		if canDecideTransfer(a, l, place) {
			out = append(out, st.ID)
		}
	}
	return out, nil
}

// canDecideTransfer is the one rule of who decides a request: lead.transfer, and a data
// scope reaching both the lead and the requester (who becomes the owner).
func canDecideTransfer(a account.Actor, l lead.Lead, requester account.Placement) bool {
	return a.Can(account.PermLeadTransfer) && lead.Visible(a, lead.ScopeOf(l)) && a.InScope(requester)
}

// transferView presents r to the caller: lead details only to those who may see the lead.
func (c *call) transferView(r store.TransferRequest, l lead.Lead, canDecide bool) TransferRequestView {
	v := TransferRequestView{TransferRequest: r, CanDecide: canDecide, Phone: account.MaskPhone(l.Phone)}
	if lead.Visible(c.actor, lead.ScopeOf(l)) {
		p := c.present(l)
		v.Phone, v.LeadName = p.Phone, p.Name
	}
	return v
}

// listTransferRequests answers GET /api/v1/transfer-requests: with mine=1 the caller's own
// requests; otherwise (lead.transfer) the requests on leads the caller may see, can_decide
// set on those they may decide. status=pending|approved|rejected narrows either list.
func (s *Server) listTransferRequests(c *call) (any, error) {
	q := c.r.URL.Query()
	status := q.Get("status")
	if status != "" && status != store.TransferPending && status != store.TransferApproved && status != store.TransferRejected {
		return nil, apiErr(http.StatusBadRequest, "invalid_value", "status", map[string]any{"allowed": "pending, approved, rejected"})
	}
	mine := q.Get("mine") == "1" || q.Get("mine") == "true"
	if !mine {
		if err := c.require(account.PermLeadTransfer); err != nil {
			return nil, err
		}
	}
	out := []TransferRequestView{}
	err := c.view(func(tx store.Tx) error {
		var requester int64
		if mine {
			requester = c.staff.ID
		}
		rs, err := tx.ListTransferRequests(c.ctx, status, requester, 200)
		if err != nil {
			return err
		}
		for _, r := range rs {
			l, err := tx.GetLead(c.ctx, r.LeadID)
			if err != nil {
				return err
			}
			if mine {
				out = append(out, c.transferView(r, l, false))
				continue
			}
			if !lead.Visible(c.actor, lead.ScopeOf(l)) {
				continue
			}
			can, err := c.canDecide(tx, r, l)
			if err != nil {
				return err
			}
			out = append(out, c.transferView(r, l, can))
		}
		return nil
	})
	return out, err
}

// canDecide reports whether the caller may decide r now.
func (c *call) canDecide(tx store.Tx, r store.TransferRequest, l lead.Lead) (bool, error) {
	if r.Status != store.TransferPending || r.RequesterID == c.staff.ID {
		return false, nil
	}
	st, err := tx.GetStaff(c.ctx, r.RequesterID)
	if err != nil {
		return false, err
	}
	place, err := staffPlacement(tx, c, st)
	if err != nil {
		return false, err
	}
	return canDecideTransfer(c.actor, l, place), nil
}

func (s *Server) decideTransfer(c *call) (any, error) {
	if err := c.require(account.PermLeadTransfer); err != nil {
		return nil, err
	}
	id, err := c.pathID("id")
	if err != nil {
		return nil, err
	}
	var req TransferDecision
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if !req.Approve {
		if err := checkReason(&req.Reason); err != nil {
			return nil, err
		}
	} else if req.Reason = strings.TrimSpace(req.Reason); len([]rune(req.Reason)) > maxReasonLen {
		return nil, apiErr(http.StatusBadRequest, "too_long", "reason", map[string]any{"max": maxReasonLen})
	}
	var out TransferRequestView
	var leadID int64
	err = c.write(func(tx store.Tx) error {
		r, err := tx.GetTransferRequest(c.ctx, id)
		if err != nil {
			return err
		}
		leadID = r.LeadID
		l, err := c.visibleLead(tx, r.LeadID)
		if err != nil {
			return err
		}
		if r.Status != store.TransferPending {
			return apiErr(http.StatusConflict, "transfer_request_decided", "", map[string]any{"status": r.Status})
		}
		requester, err := tx.GetStaff(c.ctx, r.RequesterID)
		if err != nil {
			return err
		}
		if r.RequesterID == c.staff.ID {
			return apiErr(http.StatusForbidden, "transfer_request_self", "", nil)
		}
		if err := c.staffInScope(tx, requester); err != nil {
			return err
		}
		r.Status, r.DecidedBy, r.DecisionReason, r.DecidedAt = store.TransferRejected, c.staff.ID, req.Reason, &c.now
		if req.Approve {
			r.Status = store.TransferApproved
			cands, staff, err := c.candidates(tx, 0, false)
			if err != nil {
				return err
			}
			if err := eligibleTarget(cands, r.RequesterID); err != nil {
				return err
			}
			if err := c.moveOne(tx, l.ID, staff, r.RequesterID, true, AssignRequest{Reason: r.Reason}); err != nil {
				return err
			}
			if l, err = tx.GetLead(c.ctx, l.ID); err != nil {
				return err
			}
		}
		if err := tx.DecideTransferRequest(c.ctx, r); err != nil {
			if errors.Is(err, store.ErrConflict) { // decided meanwhile by someone else
				now, gerr := tx.GetTransferRequest(c.ctx, id)
				if gerr != nil {
					return gerr
				}
				return apiErr(http.StatusConflict, "transfer_request_decided", "", map[string]any{"status": now.Status})
			}
			return err
		}
		n := store.Notification{StaffID: r.RequesterID, Kind: NotifyTransferDecided, CreatedAt: c.now,
			DedupeKey: fmt.Sprintf("transfer_decided:%d", r.ID),
			Data: rawJSON(map[string]any{"request_id": r.ID, "lead_id": r.LeadID, "status": r.Status, "reason": r.DecisionReason,
				"decided_by": c.staff.ID, "decided_by_name": c.staff.Name, "phone": account.MaskPhone(l.Phone)})}
		if req.Approve {
			n.LeadID = r.LeadID // the requester may open it now
		}
		if _, err := tx.Notify(c.ctx, n); err != nil {
			return err
		}
		out = c.transferView(r, l, false)
		return c.audit(tx, "lead.transfer_request."+r.Status, "transfer_request", r.ID, nil, r)
	})
	if err != nil {
		return nil, c.leadDenied(err, "lead.transfer_request.decide", leadID)
	}
	return out, nil
}
