package apiclient

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"github.com/studiodesk/studiodesk/backend/account"
	"github.com/studiodesk/studiodesk/backend/api"
	"github.com/studiodesk/studiodesk/backend/store"
)

// ListBrands returns the studio's brands (GET /api/v1/brands).
func (c *Client) ListBrands(ctx context.Context) ([]account.Brand, error) {
	return list[account.Brand](ctx, c, "/api/v1/brands", nil)
}

// CreateBrand adds a brand; b.ID is ignored (POST /api/v1/brands).
func (c *Client) CreateBrand(ctx context.Context, b account.Brand) (account.Brand, error) {
	return send[account.Brand](ctx, c, http.MethodPost, "/api/v1/brands", b)
}

// UpdateBrand changes brand b.ID (PUT /api/v1/brands/{id}).
func (c *Client) UpdateBrand(ctx context.Context, b account.Brand) (account.Brand, error) {
	return send[account.Brand](ctx, c, http.MethodPut, idPath("/api/v1/brands", b.ID), b)
}

// ListBranches returns the studio's branches (GET /api/v1/branches).
func (c *Client) ListBranches(ctx context.Context) ([]account.Branch, error) {
	return list[account.Branch](ctx, c, "/api/v1/branches", nil)
}

// CreateBranch adds a branch (POST /api/v1/branches).
func (c *Client) CreateBranch(ctx context.Context, b account.Branch) (account.Branch, error) {
	return send[account.Branch](ctx, c, http.MethodPost, "/api/v1/branches", b)
}

// UpdateBranch changes branch b.ID (PUT /api/v1/branches/{id}).
func (c *Client) UpdateBranch(ctx context.Context, b account.Branch) (account.Branch, error) {
	return send[account.Branch](ctx, c, http.MethodPut, idPath("/api/v1/branches", b.ID), b)
}

// ListDepartments returns the studio's departments (GET /api/v1/departments).
func (c *Client) ListDepartments(ctx context.Context) ([]account.Department, error) {
	return list[account.Department](ctx, c, "/api/v1/departments", nil)
}

// CreateDepartment adds a department (POST /api/v1/departments).
func (c *Client) CreateDepartment(ctx context.Context, d account.Department) (account.Department, error) {
	return send[account.Department](ctx, c, http.MethodPost, "/api/v1/departments", d)
}

// UpdateDepartment changes department d.ID (PUT /api/v1/departments/{id}).
func (c *Client) UpdateDepartment(ctx context.Context, d account.Department) (account.Department, error) {
	return send[account.Department](ctx, c, http.MethodPut, idPath("/api/v1/departments", d.ID), d)
}

// ListRoles returns built-in and custom roles (GET /api/v1/roles).
func (c *Client) ListRoles(ctx context.Context) ([]account.Role, error) {
	return list[account.Role](ctx, c, "/api/v1/roles", nil)
}

// CreateRole adds a custom role (POST /api/v1/roles).
func (c *Client) CreateRole(ctx context.Context, r account.Role) (account.Role, error) {
	return send[account.Role](ctx, c, http.MethodPost, "/api/v1/roles", r)
}

// UpdateRole changes custom role r.ID (PUT /api/v1/roles/{id}).
func (c *Client) UpdateRole(ctx context.Context, r account.Role) (account.Role, error) {
	return send[account.Role](ctx, c, http.MethodPut, idPath("/api/v1/roles", r.ID), r)
}

// DeleteRole removes a custom role nobody holds (DELETE /api/v1/roles/{id}).
func (c *Client) DeleteRole(ctx context.Context, id int64) error {
	return c.do(ctx, http.MethodDelete, idPath("/api/v1/roles", id), nil, nil, nil)
}

// ListChannelGroups returns the channel groups (GET /api/v1/channel-groups).
func (c *Client) ListChannelGroups(ctx context.Context) ([]account.ChannelGroup, error) {
	return list[account.ChannelGroup](ctx, c, "/api/v1/channel-groups", nil)
}

// CreateChannelGroup adds a channel group (POST /api/v1/channel-groups).
func (c *Client) CreateChannelGroup(ctx context.Context, g account.ChannelGroup) (account.ChannelGroup, error) {
	return send[account.ChannelGroup](ctx, c, http.MethodPost, "/api/v1/channel-groups", g)
}

// UpdateChannelGroup changes channel group g.ID (PUT /api/v1/channel-groups/{id}).
func (c *Client) UpdateChannelGroup(ctx context.Context, g account.ChannelGroup) (account.ChannelGroup, error) {
	return send[account.ChannelGroup](ctx, c, http.MethodPut, idPath("/api/v1/channel-groups", g.ID), g)
}

// ListChannels returns the lead channels (GET /api/v1/channels).
func (c *Client) ListChannels(ctx context.Context) ([]account.Channel, error) {
	return list[account.Channel](ctx, c, "/api/v1/channels", nil)
}

// CreateChannel adds a channel (POST /api/v1/channels).
func (c *Client) CreateChannel(ctx context.Context, ch account.Channel) (account.Channel, error) {
	return send[account.Channel](ctx, c, http.MethodPost, "/api/v1/channels", ch)
}

// UpdateChannel changes channel ch.ID (PUT /api/v1/channels/{id}).
func (c *Client) UpdateChannel(ctx context.Context, ch account.Channel) (account.Channel, error) {
	return send[account.Channel](ctx, c, http.MethodPut, idPath("/api/v1/channels", ch.ID), ch)
}

// ListDevices returns the installations seen at login (GET /api/v1/devices).
func (c *Client) ListDevices(ctx context.Context) ([]account.Device, error) {
	return list[account.Device](ctx, c, "/api/v1/devices", nil)
}

// BindDevice sets the branches a device may be used in (PUT /api/v1/devices/{id}/branches).
func (c *Client) BindDevice(ctx context.Context, id string, b api.DeviceBinding) (account.Device, error) {
	if b.BranchIDs == nil {
		b.BranchIDs = []int64{} // unbinding sends [], not null
	}
	return send[account.Device](ctx, c, http.MethodPut, idPath("/api/v1/devices", id, "branches"), b)
}

// AuditQuery selects audit entries; zero fields do not filter. Limit is 1–500 (server
// default when 0).
type AuditQuery struct {
	Entity   string `json:"entity,omitempty"`
	EntityID string `json:"entity_id,omitempty"`
	ActorID  int64  `json:"actor_id,omitempty"`
	Limit    int    `json:"limit,omitempty"`
}

// ListAudit returns audit entries, newest first (GET /api/v1/audit).
func (c *Client) ListAudit(ctx context.Context, q AuditQuery) ([]store.AuditEntry, error) {
	v := url.Values{}
	if q.Entity != "" {
		v.Set("entity", q.Entity)
	}
	if q.EntityID != "" {
		v.Set("entity_id", q.EntityID)
	}
	if q.ActorID != 0 {
		v.Set("actor_id", strconv.FormatInt(q.ActorID, 10))
	}
	if q.Limit != 0 {
		v.Set("limit", strconv.Itoa(q.Limit))
	}
	return list[store.AuditEntry](ctx, c, "/api/v1/audit", v)
}
