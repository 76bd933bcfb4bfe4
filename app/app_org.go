package app

import (
	"context"

	"github.com/studiodesk/studiodesk/backend/account"
	"github.com/studiodesk/studiodesk/backend/api"
	"github.com/studiodesk/studiodesk/backend/api/apiclient"
	"github.com/studiodesk/studiodesk/backend/store"
)

// ListBrands returns the studio's brands (offline: as last fetched).
func (a *App) ListBrands() ([]account.Brand, error) {
	return cached(a, "brands", func(ctx context.Context, c *apiclient.Client) ([]account.Brand, error) { return c.ListBrands(ctx) })
}

// SaveBrand creates the brand (ID 0) or updates it.
func (a *App) SaveBrand(b account.Brand) (account.Brand, error) {
	return call(a, func(ctx context.Context, c *apiclient.Client) (account.Brand, error) {
		if b.ID == 0 {
			return c.CreateBrand(ctx, b)
		}
		return c.UpdateBrand(ctx, b)
	})
}

// ListBranches returns the studio's branches (offline: as last fetched).
func (a *App) ListBranches() ([]account.Branch, error) {
	return cached(a, "branches", func(ctx context.Context, c *apiclient.Client) ([]account.Branch, error) { return c.ListBranches(ctx) })
}

// SaveBranch creates the branch (ID 0) or updates it.
func (a *App) SaveBranch(b account.Branch) (account.Branch, error) {
	return call(a, func(ctx context.Context, c *apiclient.Client) (account.Branch, error) {
		if b.ID == 0 {
			return c.CreateBranch(ctx, b)
		}
		return c.UpdateBranch(ctx, b)
	})
}

// ListDepartments returns the departments (groups) of all branches (offline: as last fetched).
func (a *App) ListDepartments() ([]account.Department, error) {
	return cached(a, "departments", func(ctx context.Context, c *apiclient.Client) ([]account.Department, error) {
		return c.ListDepartments(ctx)
	})
}

// SaveDepartment creates the department (ID 0) or updates it.
func (a *App) SaveDepartment(d account.Department) (account.Department, error) {
	return call(a, func(ctx context.Context, c *apiclient.Client) (account.Department, error) {
		if d.ID == 0 {
			return c.CreateDepartment(ctx, d)
		}
		return c.UpdateDepartment(ctx, d)
	})
}

// ListRoles returns the built-in and custom roles.
func (a *App) ListRoles() ([]account.Role, error) {
	return call(a, func(ctx context.Context, c *apiclient.Client) ([]account.Role, error) { return c.ListRoles(ctx) })
}

// SaveRole creates the custom role (ID 0) or updates it.
func (a *App) SaveRole(r account.Role) (account.Role, error) {
	return call(a, func(ctx context.Context, c *apiclient.Client) (account.Role, error) {
		if r.ID == 0 {
			return c.CreateRole(ctx, r)
		}
		return c.UpdateRole(ctx, r)
	})
}

// DeleteRole removes a custom role nobody holds.
func (a *App) DeleteRole(id int64) error {
	return exec(a, func(ctx context.Context, c *apiclient.Client) error { return c.DeleteRole(ctx, id) })
}

// ListChannelGroups returns the channel groups.
func (a *App) ListChannelGroups() ([]account.ChannelGroup, error) {
	return call(a, func(ctx context.Context, c *apiclient.Client) ([]account.ChannelGroup, error) {
		return c.ListChannelGroups(ctx)
	})
}

// SaveChannelGroup creates the channel group (ID 0) or updates it.
func (a *App) SaveChannelGroup(g account.ChannelGroup) (account.ChannelGroup, error) {
	return call(a, func(ctx context.Context, c *apiclient.Client) (account.ChannelGroup, error) {
		if g.ID == 0 {
			return c.CreateChannelGroup(ctx, g)
		}
		return c.UpdateChannelGroup(ctx, g)
	})
}

// ListChannels returns the lead channels (offline: as last fetched).
func (a *App) ListChannels() ([]account.Channel, error) {
	return cached(a, "channels", func(ctx context.Context, c *apiclient.Client) ([]account.Channel, error) { return c.ListChannels(ctx) })
}

// SaveChannel creates the channel (ID 0) or updates it.
func (a *App) SaveChannel(ch account.Channel) (account.Channel, error) {
	return call(a, func(ctx context.Context, c *apiclient.Client) (account.Channel, error) {
		if ch.ID == 0 {
			return c.CreateChannel(ctx, ch)
		}
		return c.UpdateChannel(ctx, ch)
	})
}

// ListDevices returns the computers seen at login, with the branches they are bound to.
func (a *App) ListDevices() ([]account.Device, error) {
	return call(a, func(ctx context.Context, c *apiclient.Client) ([]account.Device, error) { return c.ListDevices(ctx) })
}

// BindDevice sets the branches device id may be used in (empty unbinds it).
func (a *App) BindDevice(id string, branchIDs []int64) (account.Device, error) {
	return call(a, func(ctx context.Context, c *apiclient.Client) (account.Device, error) {
		return c.BindDevice(ctx, id, api.DeviceBinding{BranchIDs: branchIDs})
	})
}

// ListAudit returns audit entries matching filter, newest first.
func (a *App) ListAudit(filter apiclient.AuditQuery) ([]store.AuditEntry, error) {
	return call(a, func(ctx context.Context, c *apiclient.Client) ([]store.AuditEntry, error) {
		return c.ListAudit(ctx, filter)
	})
}
