package apiclient

import (
	"context"
	"net/http"

	"github.com/studiodesk/studiodesk/backend/account"
	"github.com/studiodesk/studiodesk/backend/api"
)

// ListStaff returns the staff within the caller's data scope (GET /api/v1/staff).
func (c *Client) ListStaff(ctx context.Context) ([]account.Staff, error) {
	return list[account.Staff](ctx, c, "/api/v1/staff", nil)
}

// StaffNames lists every member's name and placement (any signed-in member may ask).
func (c *Client) StaffNames(ctx context.Context) ([]api.StaffName, error) {
	return list[api.StaffName](ctx, c, "/api/v1/staff/names", nil)
}

// CreateStaff adds a member; an empty s.Password makes the server generate one, returned once
// in StaffSaved.Password (POST /api/v1/staff).
func (c *Client) CreateStaff(ctx context.Context, s api.StaffInput) (api.StaffSaved, error) {
	return send[api.StaffSaved](ctx, c, http.MethodPost, "/api/v1/staff", s)
}

// UpdateStaff changes member s.ID; the password is not changed here (PUT /api/v1/staff/{id}).
func (c *Client) UpdateStaff(ctx context.Context, s api.StaffInput) (api.StaffSaved, error) {
	s.Password = ""
	return send[api.StaffSaved](ctx, c, http.MethodPut, idPath("/api/v1/staff", s.ID), s)
}

// DisableStaff blocks a member and ends their sessions (POST /api/v1/staff/{id}/disable).
func (c *Client) DisableStaff(ctx context.Context, id int64) (account.Staff, error) {
	return send[account.Staff](ctx, c, http.MethodPost, idPath("/api/v1/staff", id, "disable"), nil)
}

// EnableStaff lets a disabled member log in again (POST /api/v1/staff/{id}/enable).
func (c *Client) EnableStaff(ctx context.Context, id int64) (account.Staff, error) {
	return send[account.Staff](ctx, c, http.MethodPost, idPath("/api/v1/staff", id, "enable"), nil)
}

// ResetStaffPassword gives a member a one-time password and ends their sessions
// (POST /api/v1/staff/{id}/reset-password).
func (c *Client) ResetStaffPassword(ctx context.Context, id int64) (api.PasswordReset, error) {
	return send[api.PasswordReset](ctx, c, http.MethodPost, idPath("/api/v1/staff", id, "reset-password"), nil)
}
