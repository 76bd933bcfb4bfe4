package apiclient

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/studiodesk/studiodesk/backend/api"
	"github.com/studiodesk/studiodesk/backend/lead"
	"github.com/studiodesk/studiodesk/backend/store"
)

// LeadQuery selects a page of the lead list (GET /api/v1/leads); zero fields do not filter.
// Date ranges are [from, to). Text: 11 digits = exact phone, 4+ digits = phone prefix or
// suffix, anything else = name substring. Limit is 1–500 (server default 50 when 0); Cursor
// is the Next of the previous page.
type LeadQuery struct {
	BrandID      int64      `json:"brand_id,omitempty"`
	BranchID     int64      `json:"branch_id,omitempty"`
	ChannelID    int64      `json:"channel_id,omitempty"`
	OwnerID      int64      `json:"owner_id,omitempty"`
	Validity     string     `json:"validity,omitempty"`
	Booking      string     `json:"booking,omitempty"`
	Store        string     `json:"store,omitempty"`
	CreatedFrom  *time.Time `json:"created_from,omitempty"`
	CreatedTo    *time.Time `json:"created_to,omitempty"`
	UpdatedFrom  *time.Time `json:"updated_from,omitempty"`
	UpdatedTo    *time.Time `json:"updated_to,omitempty"`
	FollowUpFrom *time.Time `json:"follow_up_from,omitempty"`
	FollowUpTo   *time.Time `json:"follow_up_to,omitempty"`
	Text         string     `json:"q,omitempty"`
	InPool       *bool      `json:"in_pool,omitempty"`
	Deleted      bool       `json:"deleted,omitempty"`
	Limit        int        `json:"limit,omitempty"`
	Cursor       string     `json:"cursor,omitempty"`
}

// values encodes the query the way the server's parseLeadFilter reads it.
func (q LeadQuery) values() url.Values {
	v := url.Values{}
	ints := []struct {
		key string
		n   int64
	}{{"brand_id", q.BrandID}, {"branch_id", q.BranchID}, {"channel_id", q.ChannelID}, {"owner_id", q.OwnerID}}
	for _, p := range ints {
		if p.n != 0 {
			v.Set(p.key, strconv.FormatInt(p.n, 10))
		}
	}
	strs := []struct{ key, s string }{{"validity", q.Validity}, {"booking", q.Booking}, {"store", q.Store},
		{"q", q.Text}, {"cursor", q.Cursor}}
	for _, p := range strs {
		if p.s != "" {
			v.Set(p.key, p.s)
		}
	}
	times := []struct {
		key string
		t   *time.Time
	}{{"created_from", q.CreatedFrom}, {"created_to", q.CreatedTo}, {"updated_from", q.UpdatedFrom},
		{"updated_to", q.UpdatedTo}, {"follow_up_from", q.FollowUpFrom}, {"follow_up_to", q.FollowUpTo}}
	for _, p := range times {
		if p.t != nil {
			v.Set(p.key, p.t.Format(time.RFC3339Nano))
		}
	}
	if q.InPool != nil {
		v.Set("in_pool", strconv.FormatBool(*q.InPool))
	}
	if q.Deleted {
		v.Set("deleted", "true")
	}
	if q.Limit != 0 {
		v.Set("limit", strconv.Itoa(q.Limit))
	}
	return v
}

const leadsPath = "/api/v1/leads"

// ListLeads returns one page of the leads the caller may see, newest first (GET /api/v1/leads).
func (c *Client) ListLeads(ctx context.Context, q LeadQuery) (api.LeadPage, error) {
	var out api.LeadPage
	if err := c.do(ctx, http.MethodGet, leadsPath, q.values(), nil, &out); err != nil {
		return out, err
	}
	if out.Leads == nil {
		out.Leads = []lead.Lead{}
	}
	return out, nil
}

// GetLead returns a lead with the states each axis may move to now (GET /api/v1/leads/{id}).
func (c *Client) GetLead(ctx context.Context, id int64) (api.LeadDetail, error) {
	return send[api.LeadDetail](ctx, c, http.MethodGet, idPath(leadsPath, id), nil)
}

// CreateLead enters a lead (POST /api/v1/leads). A phone the brand already has is refused
// with 409 lead_duplicate (params carry the masked summary) under the reject policy, or
// answered with the existing lead and Repeat set under the repeat policy.
func (c *Client) CreateLead(ctx context.Context, l lead.Lead) (api.LeadCreated, error) {
	return send[api.LeadCreated](ctx, c, http.MethodPost, leadsPath, l)
}

// PatchLead edits the plain fields a patch names, last writer wins (PATCH /api/v1/leads/{id}).
func (c *Client) PatchLead(ctx context.Context, id int64, p lead.Patch) (lead.Lead, error) {
	return send[lead.Lead](ctx, c, http.MethodPatch, idPath(leadsPath, id), p)
}

// Transition moves one status axis of lead a.ID, validated against the server's current
// state (POST /api/v1/leads/{id}/transition).
func (c *Client) Transition(ctx context.Context, a api.TransitionArgs) (lead.Lead, error) {
	return send[lead.Lead](ctx, c, http.MethodPost, idPath(leadsPath, a.ID, "transition"), a)
}

// Correct fixes a wrong status; a reason is required and lead.correct_status is needed
// (POST /api/v1/leads/{id}/correct).
func (c *Client) Correct(ctx context.Context, a api.TransitionArgs) (lead.Lead, error) {
	return send[lead.Lead](ctx, c, http.MethodPost, idPath(leadsPath, a.ID, "correct"), a)
}

// RecordCall logs a call attempt's result (POST /api/v1/leads/{id}/calls).
func (c *Client) RecordCall(ctx context.Context, a api.CallArgs) (lead.Lead, error) {
	return send[lead.Lead](ctx, c, http.MethodPost, idPath(leadsPath, a.ID, "calls"), a)
}

// Refund reduces a deal by an amount in fen (POST /api/v1/leads/{id}/refund).
func (c *Client) Refund(ctx context.Context, a api.RefundArgs) (lead.Lead, error) {
	return send[lead.Lead](ctx, c, http.MethodPost, idPath(leadsPath, a.ID, "refund"), a)
}

// AddFollowUp records a note, message or appointment on lead a.ID; an appointment sets the
// next follow-up (POST /api/v1/leads/{id}/follow-ups).
func (c *Client) AddFollowUp(ctx context.Context, a api.FollowUpArgs) (lead.Lead, error) {
	return send[lead.Lead](ctx, c, http.MethodPost, idPath(leadsPath, a.ID, "follow-ups"), a)
}

// CheckDuplicate tells what entering phone in a brand would do, while it is typed
// (GET /api/v1/leads/duplicate).
func (c *Client) CheckDuplicate(ctx context.Context, brandID int64, phone string) (api.DuplicateCheck, error) {
	v := url.Values{}
	v.Set("brand_id", strconv.FormatInt(brandID, 10))
	v.Set("phone", phone)
	var out api.DuplicateCheck
	return out, c.do(ctx, http.MethodGet, leadsPath+"/duplicate", v, nil, &out)
}

// Timeline returns a lead's events, oldest first (GET /api/v1/leads/{id}/timeline).
func (c *Client) Timeline(ctx context.Context, id int64) ([]lead.Event, error) {
	return list[lead.Event](ctx, c, idPath(leadsPath, id, "timeline"), nil)
}

// Reveal returns a lead's full phones; the reveal is logged on its timeline and limited per
// hour (POST /api/v1/leads/{id}/reveal).
func (c *Client) Reveal(ctx context.Context, id int64) (api.Reveal, error) {
	return send[api.Reveal](ctx, c, http.MethodPost, idPath(leadsPath, id, "reveal"), nil)
}

// Approve decides a referral waiting for approval (POST /api/v1/leads/{id}/approval).
func (c *Client) Approve(ctx context.Context, id int64, req api.ApprovalRequest) (lead.Lead, error) {
	return send[lead.Lead](ctx, c, http.MethodPost, idPath(leadsPath, id, "approval"), req)
}

// Assign gives leads to a staff member or a department's method, all or nothing
// (POST /api/v1/leads/assign). When any lead fails nothing is written and the report comes
// back with Applied false and each lead's code and localized message, without an error.
func (c *Client) Assign(ctx context.Context, req api.AssignRequest) (api.BatchReport, error) {
	return c.batch(ctx, leadsPath+"/assign", req)
}

// Transfer moves leads to another staff member with a reason, all or nothing, reported like
// Assign (POST /api/v1/leads/transfer).
func (c *Client) Transfer(ctx context.Context, req api.AssignRequest) (api.BatchReport, error) {
	return c.batch(ctx, leadsPath+"/transfer", req)
}

// Batch runs one operation over many leads, all or nothing, reported like Assign
// (POST /api/v1/leads/batch).
func (c *Client) Batch(ctx context.Context, req api.BatchRequest) (api.BatchReport, error) {
	return c.batch(ctx, leadsPath+"/batch", req)
}

// batch posts a batch request. A failed batch answers 409 with the report itself rather
// than the error envelope (docs/api.md); that report is the answer, not an error.
func (c *Client) batch(ctx context.Context, path string, in any) (api.BatchReport, error) {
	out := api.BatchReport{Results: []api.LeadResult{}}
	b, err := json.Marshal(in)
	if err != nil {
		return out, fmt.Errorf("POST %s: encode request: %w", path, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+path, bytes.NewReader(b))
	if err != nil {
		return out, fmt.Errorf("POST %s: %w", path, err)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Accept-Language", c.lang)
	req.Header.Set("User-Agent", c.ua)
	req.Header.Set("Content-Type", "application/json")
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	res, err := c.hc.Do(req)
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return out, fmt.Errorf("POST %s: %w", path, err)
		}
		return out, fmt.Errorf("%w: POST %s: %w", ErrUnreachable, path, err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(res.Body, maxResponse))
	if err != nil {
		return out, fmt.Errorf("%w: POST %s: read response: %w", ErrUnreachable, path, err)
	}
	ok := res.StatusCode >= 200 && res.StatusCode <= 299
	if !ok && res.StatusCode != http.StatusConflict {
		return out, decodeError(res, raw)
	}
	var report api.BatchReport
	if err := json.Unmarshal(raw, &report); err != nil || report.Results == nil {
		if !ok {
			return out, decodeError(res, raw) // a 409 with the error envelope
		}
		return out, unexpected(res, fmt.Sprintf("decode POST %s: %v", path, err))
	}
	return report, nil
}

// AssigneeQuery selects whom Assignees lists: a department (0 = everyone in scope) and the
// method that would choose among them ("" = manual).
type AssigneeQuery struct {
	DepartmentID int64  `json:"department_id,omitempty"`
	Method       string `json:"method,omitempty"`
}

// Assignees lists who may receive leads, who is not offered and why, and whom the method
// would pick next (GET /api/v1/assignees).
func (c *Client) Assignees(ctx context.Context, q AssigneeQuery) (api.Assignees, error) {
	v := url.Values{}
	if q.DepartmentID != 0 {
		v.Set("department_id", strconv.FormatInt(q.DepartmentID, 10))
	}
	if q.Method != "" {
		v.Set("method", q.Method)
	}
	var out api.Assignees
	return out, c.do(ctx, http.MethodGet, "/api/v1/assignees", v, nil, &out)
}

// CheckIn marks the caller (or, with checkin.others, req.StaffID) on or, with req.Out, off
// duty today and returns today's check-ins (POST /api/v1/checkins).
func (c *Client) CheckIn(ctx context.Context, req api.CheckInRequest) ([]store.CheckIn, error) {
	out := []store.CheckIn{}
	if err := c.do(ctx, http.MethodPost, "/api/v1/checkins", nil, req, &out); err != nil {
		return nil, err
	}
	if out == nil {
		out = []store.CheckIn{}
	}
	return out, nil
}

// CheckIns lists the check-ins of a day (YYYY-MM-DD in the studio's zone; "" = today)
// (GET /api/v1/checkins).
func (c *Client) CheckIns(ctx context.Context, day string) ([]store.CheckIn, error) {
	v := url.Values{}
	if day != "" {
		v.Set("day", day)
	}
	return list[store.CheckIn](ctx, c, "/api/v1/checkins", v)
}

// Pool lists the claim pool of the caller's brand, phones masked (GET /api/v1/pool); the
// query's list filters apply.
func (c *Client) Pool(ctx context.Context, q LeadQuery) (api.LeadPage, error) {
	var out api.LeadPage
	if err := c.do(ctx, http.MethodGet, "/api/v1/pool", q.values(), nil, &out); err != nil {
		return out, err
	}
	if out.Leads == nil {
		out.Leads = []lead.Lead{}
	}
	return out, nil
}

// Claim takes a lead from the pool; 409 claim_refused names the cap or cool-down
// (POST /api/v1/pool/claim).
func (c *Client) Claim(ctx context.Context, leadID int64) (lead.Lead, error) {
	return send[lead.Lead](ctx, c, http.MethodPost, "/api/v1/pool/claim", api.ClaimRequest{LeadID: leadID})
}

// CustomFields returns a brand's custom lead field definitions (GET /api/v1/brands/{id}/fields).
func (c *Client) CustomFields(ctx context.Context, brandID int64) ([]lead.CustomField, error) {
	return list[lead.CustomField](ctx, c, idPath("/api/v1/brands", brandID, "fields"), nil)
}

// SetCustomFields replaces a brand's custom field definitions (PUT /api/v1/brands/{id}/fields).
func (c *Client) SetCustomFields(ctx context.Context, brandID int64, defs []lead.CustomField) ([]lead.CustomField, error) {
	if defs == nil {
		defs = []lead.CustomField{}
	}
	return send[[]lead.CustomField](ctx, c, http.MethodPut, idPath("/api/v1/brands", brandID, "fields"), defs)
}

// Notifications returns the caller's reminder inbox, newest first; unreadOnly drops the read
// ones (GET /api/v1/notifications).
func (c *Client) Notifications(ctx context.Context, unreadOnly bool) ([]store.Notification, error) {
	v := url.Values{}
	if unreadOnly {
		v.Set("unread", "1")
	}
	return list[store.Notification](ctx, c, "/api/v1/notifications", v)
}

// ReadNotifications marks the caller's notifications read (POST /api/v1/notifications/read).
func (c *Client) ReadNotifications(ctx context.Context, ids []int64) error {
	if ids == nil {
		ids = []int64{}
	}
	return c.do(ctx, http.MethodPost, "/api/v1/notifications/read", nil, api.ReadNotifications{IDs: ids}, nil)
}

// Snapshot returns one page of the leads the caller may see, for a first sync; cursor is the
// Next of the previous page ("" for the first). Pull from the first page's Cursor afterwards
// (GET /api/v1/sync/snapshot). Limit 1–5000, 0 = server default.
func (c *Client) Snapshot(ctx context.Context, cursor string, limit int) (api.Snapshot, error) {
	v := url.Values{}
	if cursor != "" {
		v.Set("cursor", cursor)
	}
	if limit != 0 {
		v.Set("limit", strconv.Itoa(limit))
	}
	var out api.Snapshot
	if err := c.do(ctx, http.MethodGet, "/api/v1/sync/snapshot", v, nil, &out); err != nil {
		return out, err
	}
	if out.Leads == nil {
		out.Leads = []lead.Lead{}
	}
	return out, nil
}

// Pull returns the changes after cursor, filtered by the caller's data scope
// (GET /api/v1/sync/pull). Limit 1–10000, 0 = server default. A cursor the server refuses
// is a 400 cursor_invalid *Error: start over with a snapshot.
func (c *Client) Pull(ctx context.Context, cursor string, limit int) (api.Pull, error) {
	v := url.Values{}
	if cursor != "" {
		v.Set("cursor", cursor)
	}
	if limit != 0 {
		v.Set("limit", strconv.Itoa(limit))
	}
	var out api.Pull
	if err := c.do(ctx, http.MethodGet, "/api/v1/sync/pull", v, nil, &out); err != nil {
		return out, err
	}
	if out.Changes == nil {
		out.Changes = []api.PulledChange{}
	}
	return out, nil
}

// Push sends outbox mutations (at most 1000); the answer has one result per mutation, in
// order, applied or rejected with the localized reason (POST /api/v1/sync/push). An error
// means nothing is known about the batch: keep the outbox and push the same ids again.
func (c *Client) Push(ctx context.Context, mutations []api.Mutation) (api.PushResponse, error) {
	if mutations == nil {
		mutations = []api.Mutation{}
	}
	var out api.PushResponse
	if err := c.do(ctx, http.MethodPost, "/api/v1/sync/push", nil, api.PushRequest{Mutations: mutations}, &out); err != nil {
		return out, err
	}
	if out.Results == nil {
		out.Results = []api.MutationResult{}
	}
	return out, nil
}

// RequestTransfer asks for a lead someone else owns, proving the phone the caller typed
// (POST /api/v1/leads/{id}/transfer-requests).
func (c *Client) RequestTransfer(ctx context.Context, leadID int64, req api.TransferRequestBody) (api.TransferRequestView, error) {
	return send[api.TransferRequestView](ctx, c, http.MethodPost, idPath(leadsPath, leadID, "transfer-requests"), req)
}

// TransferRequests lists transfer requests (GET /api/v1/transfer-requests): the caller's own
// with mine, else those on leads the caller may see (lead.transfer); status "" = any.
func (c *Client) TransferRequests(ctx context.Context, status string, mine bool) ([]api.TransferRequestView, error) {
	v := url.Values{}
	if status != "" {
		v.Set("status", status)
	}
	if mine {
		v.Set("mine", "1")
	}
	return list[api.TransferRequestView](ctx, c, "/api/v1/transfer-requests", v)
}

// DecideTransfer approves (a transfer to the requester) or rejects (reason required) a
// request (POST /api/v1/transfer-requests/{id}/decision).
func (c *Client) DecideTransfer(ctx context.Context, id int64, d api.TransferDecision) (api.TransferRequestView, error) {
	return send[api.TransferRequestView](ctx, c, http.MethodPost, idPath("/api/v1/transfer-requests", id, "decision"), d)
}
