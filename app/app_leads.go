package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/studiodesk/studiodesk/app/replica"
	"github.com/studiodesk/studiodesk/app/syncer"
	"github.com/studiodesk/studiodesk/backend/api"
	"github.com/studiodesk/studiodesk/backend/api/apiclient"
	"github.com/studiodesk/studiodesk/backend/lead"
	"github.com/studiodesk/studiodesk/backend/store"
)

// SyncStatus reports the replica's sync state (also pushed as syncer.EventStatus).
func (a *App) SyncStatus() (syncer.Status, error) {
	return withWorkspace(a, func(_ context.Context, ws *workspace) (syncer.Status, error) { return ws.sync.Status(), nil })
}

// SyncNow runs a sync round now and returns the status after it (a failed round is
// reported in the status, not as an error: offline is a state, not a fault).
func (a *App) SyncNow() (syncer.Status, error) {
	return withWorkspace(a, func(ctx context.Context, ws *workspace) (syncer.Status, error) {
		_ = ws.sync.Sync(ctx)
		return ws.sync.Status(), nil
	})
}

// ListLeads returns a page of leads from the local replica (instant, works offline); the
// recycle bin (deleted) is asked of the server.
func (a *App) ListLeads(q apiclient.LeadQuery) (replica.Page, error) {
	if q.Deleted {
		p, err := call(a, func(ctx context.Context, c *apiclient.Client) (api.LeadPage, error) { return c.ListLeads(ctx, q) })
		if err != nil {
			return replica.Page{}, err
		}
		return itemsPage(p), nil
	}
	return withWorkspace(a, func(ctx context.Context, ws *workspace) (replica.Page, error) {
		return ws.rep.List(ctx, q)
	})
}

func itemsPage(p api.LeadPage) replica.Page {
	out := replica.Page{Leads: make([]replica.Item, len(p.Leads)), Next: p.Next}
	for i, l := range p.Leads {
		out.Leads[i] = replica.Item{Lead: l}
	}
	return out
}

// LeadDetail is a lead as the detail drawer shows it.
type LeadDetail struct {
	Lead replica.Item     `json:"lead"`
	Next []api.NextStates `json:"next"`
	// Pending: local changes wait for the server; Rejected: changes the server refused,
	// with its reasons, to fix or discard.
	Pending  bool            `json:"pending"`
	Rejected []replica.Entry `json:"rejected"`
}

// GetLead returns a lead from the replica with the states each axis may move to now.
func (a *App) GetLead(id int64) (LeadDetail, error) {
	return withWorkspace(a, func(ctx context.Context, ws *workspace) (LeadDetail, error) {
		it, err := ws.rep.Get(ctx, id)
		if err != nil {
			return LeadDetail{}, err
		}
		out := LeadDetail{Lead: it, Next: nextStates(it.Lead, time.Now()), Pending: it.Pending > 0, Rejected: []replica.Entry{}}
		box, err := ws.rep.Outbox(ctx)
		if err != nil {
			return out, err
		}
		for _, e := range box {
			if e.LeadID == it.ID && e.State != "pending" {
				out.Rejected = append(out.Rejected, e)
			}
		}
		return out, nil
	})
}

// LeadTimeline returns a lead's timeline: the server's when it can be reached (and kept for
// offline use), else the replica's copy with local changes.
func (a *App) LeadTimeline(id int64) ([]lead.Event, error) {
	return withWorkspace(a, func(ctx context.Context, ws *workspace) ([]lead.Event, error) {
		if id > 0 {
			events, err := call(a, func(ctx context.Context, c *apiclient.Client) ([]lead.Event, error) { return c.Timeline(ctx, id) })
			if err == nil {
				if err := ws.rep.SaveTimeline(ctx, id, events); err != nil {
					a.log.Warn("keep timeline", "err", err)
				}
			} else if !unreachable(err) {
				return nil, err
			}
		}
		return ws.rep.Timeline(ctx, id)
	})
}

// unreachable reports an *Error meaning "the server cannot be asked now".
func unreachable(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Code == CodeServerUnreachable
}

// CheckDuplicate says what entering phone in a brand would do, asking the server when it can
// be reached (it sees every lead) and the replica otherwise.
func (a *App) CheckDuplicate(brandID int64, phone string) (api.DuplicateCheck, error) {
	out, err := call(a, func(ctx context.Context, c *apiclient.Client) (api.DuplicateCheck, error) {
		return c.CheckDuplicate(ctx, brandID, phone)
	})
	if err == nil || !unreachable(err) {
		return out, err
	}
	return withWorkspace(a, func(ctx context.Context, ws *workspace) (api.DuplicateCheck, error) {
		d, err := ws.rep.CheckDuplicate(ctx, brandID, phone)
		if err != nil || d == nil {
			return api.DuplicateCheck{Phone: phone}, err
		}
		return api.DuplicateCheck{Duplicate: true, Phone: phone, Decision: &lead.Decision{Action: lead.ActionReject, Summary: d.Summary}}, nil
	})
}

// enqueue applies a change to the replica at once, queues it for the server and asks for a
// sync; the lead is returned as it now looks locally.
func (a *App) enqueue(m replica.Mutation) (replica.Item, error) {
	return withWorkspace(a, func(ctx context.Context, ws *workspace) (replica.Item, error) {
		e, err := ws.rep.Enqueue(ctx, m)
		if errors.Is(err, replica.ErrUnknownBrand) {
			// A brand created moments ago: fetch it, then apply the change.
			ws.sync.ReloadBrands()
			if serr := ws.sync.Sync(ctx); serr != nil {
				return replica.Item{}, serr
			}
			e, err = ws.rep.Enqueue(ctx, m)
		}
		if err != nil {
			return replica.Item{}, err
		}
		ws.sync.Trigger()
		return e.Lead, nil
	})
}

// CreateLead creates a lead (offline too: it syncs when the server is back).
func (a *App) CreateLead(l lead.Lead) (replica.Item, error) { return a.enqueue(replica.CreateLead(l)) }

// UpdateLead edits a lead's plain fields.
func (a *App) UpdateLead(id int64, p lead.Patch) (replica.Item, error) {
	return a.enqueue(replica.UpdateLead(id, p))
}

// TransitionLead moves one status axis.
func (a *App) TransitionLead(args api.TransitionArgs) (replica.Item, error) {
	return a.enqueue(replica.TransitionLead(args))
}

// CorrectLead fixes a wrong status (lead.correct_status, reason required).
func (a *App) CorrectLead(args api.TransitionArgs) (replica.Item, error) {
	return a.enqueue(replica.CorrectLead(args))
}

// RecordCall records a call attempt's result.
func (a *App) RecordCall(args api.CallArgs) (replica.Item, error) {
	return a.enqueue(replica.RecordCall(args))
}

// AddFollowUp records a note, a message sent or an appointment.
func (a *App) AddFollowUp(args api.FollowUpArgs) (replica.Item, error) {
	return a.enqueue(replica.AddFollowUp(args))
}

// RefundLead records a refund against a deal.
func (a *App) RefundLead(args api.RefundArgs) (replica.Item, error) {
	return a.enqueue(replica.RefundLead(args))
}

// online runs a server call that needs the server now, then syncs so the replica follows.
func online[T any](a *App, fn func(ctx context.Context, c *apiclient.Client) (T, error)) (T, error) {
	v, err := call(a, fn)
	if err == nil {
		a.triggerSync()
	}
	return v, err
}

func (a *App) triggerSync() {
	a.wsh.mu.Lock()
	if ws := a.wsh.ws; ws != nil {
		ws.sync.Trigger()
	}
	a.wsh.mu.Unlock()
}

// RevealPhone shows a lead's full phone numbers (lead.reveal_phone; logged on the server).
func (a *App) RevealPhone(id int64) (api.Reveal, error) {
	return call(a, func(ctx context.Context, c *apiclient.Client) (api.Reveal, error) { return c.Reveal(ctx, id) })
}

// Assignees lists who may receive leads from the caller and who is not offered, and why.
func (a *App) Assignees(departmentID int64, method string) (api.Assignees, error) {
	return call(a, func(ctx context.Context, c *apiclient.Client) (api.Assignees, error) {
		return c.Assignees(ctx, apiclient.AssigneeQuery{DepartmentID: departmentID, Method: method})
	})
}

// AssignLeads assigns unowned leads (all or nothing; the report says per lead).
func (a *App) AssignLeads(req api.AssignRequest) (api.BatchReport, error) {
	return online(a, func(ctx context.Context, c *apiclient.Client) (api.BatchReport, error) { return c.Assign(ctx, req) })
}

// TransferLeads moves owned leads to someone else (reason required).
func (a *App) TransferLeads(req api.AssignRequest) (api.BatchReport, error) {
	return online(a, func(ctx context.Context, c *apiclient.Client) (api.BatchReport, error) { return c.Transfer(ctx, req) })
}

// RequestTransfer asks for a lead owned out of this user's sight (the duplicate found while
// typing its phone). Online only: the deciders must hear of it now, and the replica cannot
// check a lead it does not hold; offline it fails with the "server unreachable" error.
func (a *App) RequestTransfer(leadID int64, phone, reason string) (api.TransferRequestView, error) {
	return online(a, func(ctx context.Context, c *apiclient.Client) (api.TransferRequestView, error) {
		return c.RequestTransfer(ctx, leadID, api.TransferRequestBody{Phone: phone, Reason: reason})
	})
}

// TransferRequests lists transfer requests: this user's own (mine) or those they may see
// and decide (lead.transfer). Online only.
func (a *App) TransferRequests(status string, mine bool) ([]api.TransferRequestView, error) {
	return call(a, func(ctx context.Context, c *apiclient.Client) ([]api.TransferRequestView, error) {
		return c.TransferRequests(ctx, status, mine)
	})
}

// DecideTransfer approves or rejects (reason required) a transfer request. Online only.
func (a *App) DecideTransfer(id int64, approve bool, reason string) (api.TransferRequestView, error) {
	return online(a, func(ctx context.Context, c *apiclient.Client) (api.TransferRequestView, error) {
		return c.DecideTransfer(ctx, id, api.TransferDecision{Approve: approve, Reason: reason})
	})
}

// BatchLeads applies one operation to many leads.
func (a *App) BatchLeads(req api.BatchRequest) (api.BatchReport, error) {
	return online(a, func(ctx context.Context, c *apiclient.Client) (api.BatchReport, error) { return c.Batch(ctx, req) })
}

// CheckIn puts a member (0 = oneself) on or off duty today. Offline, one's own check-in is
// queued and sent when the server is back.
func (a *App) CheckIn(staffID int64, out bool) ([]store.CheckIn, error) {
	list, err := call(a, func(ctx context.Context, c *apiclient.Client) ([]store.CheckIn, error) {
		return c.CheckIn(ctx, api.CheckInRequest{StaffID: staffID, Out: out})
	})
	if err == nil || !unreachable(err) || staffID != 0 {
		return list, err
	}
	_, err = a.enqueue(replica.CheckIn(api.CheckInRequest{Out: out}))
	return []store.CheckIn{}, err
}

// CheckIns lists today's check-ins.
func (a *App) CheckIns() ([]store.CheckIn, error) {
	return call(a, func(ctx context.Context, c *apiclient.Client) ([]store.CheckIn, error) { return c.CheckIns(ctx, "") })
}

// Pool lists the claim pool (phones masked).
func (a *App) Pool(q apiclient.LeadQuery) (replica.Page, error) {
	p, err := call(a, func(ctx context.Context, c *apiclient.Client) (api.LeadPage, error) { return c.Pool(ctx, q) })
	return itemsPage(p), err
}

// ClaimLead takes a lead from the pool.
func (a *App) ClaimLead(id int64) (lead.Lead, error) {
	return online(a, func(ctx context.Context, c *apiclient.Client) (lead.Lead, error) { return c.Claim(ctx, id) })
}

// Notifications returns the reminder inbox.
func (a *App) Notifications(unread bool) ([]store.Notification, error) {
	return call(a, func(ctx context.Context, c *apiclient.Client) ([]store.Notification, error) {
		return c.Notifications(ctx, unread)
	})
}

// ReadNotifications marks reminders read.
func (a *App) ReadNotifications(ids []int64) error {
	return exec(a, func(ctx context.Context, c *apiclient.Client) error { return c.ReadNotifications(ctx, ids) })
}

// CustomFields returns a brand's custom fields (the replica's copy when offline).
func (a *App) CustomFields(brandID int64) ([]lead.CustomField, error) {
	defs, err := call(a, func(ctx context.Context, c *apiclient.Client) ([]lead.CustomField, error) {
		return c.CustomFields(ctx, brandID)
	})
	if err == nil || !unreachable(err) {
		return defs, err
	}
	return withWorkspace(a, func(ctx context.Context, ws *workspace) ([]lead.CustomField, error) {
		brands, err := ws.rep.Brands(ctx)
		if err != nil {
			return nil, err
		}
		for _, b := range brands {
			if b.ID == brandID {
				return b.Fields, nil
			}
		}
		return []lead.CustomField{}, nil
	})
}

// Outbox lists the changes waiting for the server and the ones it refused.
func (a *App) Outbox() ([]replica.Entry, error) {
	return withWorkspace(a, func(ctx context.Context, ws *workspace) ([]replica.Entry, error) { return ws.rep.Outbox(ctx) })
}

// DiscardMutation drops a refused (or still pending) change and its local effect.
func (a *App) DiscardMutation(mutationID string) error {
	_, err := withWorkspace(a, func(ctx context.Context, ws *workspace) (struct{}, error) {
		return struct{}{}, ws.rep.Discard(ctx, mutationID)
	})
	return err
}

// RetryMutation replaces a refused change with a corrected one (same kind, new arguments).
func (a *App) RetryMutation(mutationID string, args json.RawMessage) (replica.Item, error) {
	var name string
	_, err := withWorkspace(a, func(ctx context.Context, ws *workspace) (struct{}, error) {
		box, err := ws.rep.Outbox(ctx)
		if err != nil {
			return struct{}{}, err
		}
		i := slices.IndexFunc(box, func(e replica.Entry) bool { return e.MutationID == mutationID })
		if i < 0 {
			return struct{}{}, replica.ErrNotFound
		}
		name = box[i].Name
		return struct{}{}, ws.rep.Discard(ctx, mutationID)
	})
	if err != nil {
		return replica.Item{}, err
	}
	return a.enqueue(replica.Mutation{Name: name, Args: args})
}

// SavedView is a named lead-list query with its columns, kept on this computer.
type SavedView struct {
	ID      string          `json:"id"`
	Name    string          `json:"name"`
	Query   json.RawMessage `json:"query"`
	Columns []string        `json:"columns"`
}

// viewsFile names the saved views of the logged-in user on this computer.
func (a *App) viewsFile(ws *workspace) string {
	return a.path(fmt.Sprintf("views-%d-%d.json", ws.session.Tenant.ID, ws.session.Staff.ID))
}

func (a *App) views(ws *workspace) ([]SavedView, error) {
	var v []SavedView
	if _, err := readJSON(a.log, a.viewsFile(ws), &v); err != nil {
		return nil, err
	}
	if v == nil {
		v = []SavedView{}
	}
	return v, nil
}

// SavedViews lists the user's saved lead-list views on this computer.
func (a *App) SavedViews() ([]SavedView, error) {
	return withWorkspace(a, func(_ context.Context, ws *workspace) ([]SavedView, error) { return a.views(ws) })
}

// SaveView adds or replaces a saved view (by id; a new one gets an id).
func (a *App) SaveView(view SavedView) (SavedView, error) {
	return withWorkspace(a, func(_ context.Context, ws *workspace) (SavedView, error) {
		if view.Name == "" {
			return view, newError(a.snapshot().Language, http.StatusBadRequest, "required", "name", nil)
		}
		list, err := a.views(ws)
		if err != nil {
			return view, err
		}
		if view.ID == "" {
			view.ID = uuid.NewString()
		}
		if i := slices.IndexFunc(list, func(v SavedView) bool { return v.ID == view.ID }); i >= 0 {
			list[i] = view
		} else {
			list = append(list, view)
		}
		if err := writeJSON(a.viewsFile(ws), list, 0o600); err != nil {
			return view, fmt.Errorf("save views: %w", err)
		}
		return view, nil
	})
}

// DeleteView removes a saved view.
func (a *App) DeleteView(id string) error {
	_, err := withWorkspace(a, func(_ context.Context, ws *workspace) (struct{}, error) {
		list, err := a.views(ws)
		if err != nil {
			return struct{}{}, err
		}
		list = slices.DeleteFunc(list, func(v SavedView) bool { return v.ID == id })
		return struct{}{}, writeJSON(a.viewsFile(ws), list, 0o600)
	})
	return err
}
