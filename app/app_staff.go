package app

import (
	"context"

	"github.com/studiodesk/studiodesk/backend/account"
	"github.com/studiodesk/studiodesk/backend/api"
	"github.com/studiodesk/studiodesk/backend/api/apiclient"
)

// ListStaff returns the staff within the user's data scope.
func (a *App) ListStaff() ([]account.Staff, error) {
	return call(a, func(ctx context.Context, c *apiclient.Client) ([]account.Staff, error) { return c.ListStaff(ctx) })
}

// SaveStaff creates the member (ID 0; an empty password is generated and returned once) or
// updates them (the password is not changed here: see ResetStaffPassword).
func (a *App) SaveStaff(s api.StaffInput) (api.StaffSaved, error) {
	return call(a, func(ctx context.Context, c *apiclient.Client) (api.StaffSaved, error) {
		if s.ID == 0 {
			return c.CreateStaff(ctx, s)
		}
		return c.UpdateStaff(ctx, s)
	})
}

// SetStaffDisabled disables a member (ending their sessions at once) or enables them again.
func (a *App) SetStaffDisabled(id int64, disabled bool) (account.Staff, error) {
	return call(a, func(ctx context.Context, c *apiclient.Client) (account.Staff, error) {
		if disabled {
			return c.DisableStaff(ctx, id)
		}
		return c.EnableStaff(ctx, id)
	})
}

// ResetStaffPassword gives a member a one-time password to hand over.
func (a *App) ResetStaffPassword(id int64) (api.PasswordReset, error) {
	return call(a, func(ctx context.Context, c *apiclient.Client) (api.PasswordReset, error) {
		return c.ResetStaffPassword(ctx, id)
	})
}

// StaffNames lists every member's name and placement, for showing owners and actors by name
// (any member may ask; offline: as last fetched).
func (a *App) StaffNames() ([]api.StaffName, error) {
	return cached(a, "staff_names", func(ctx context.Context, c *apiclient.Client) ([]api.StaffName, error) {
		return c.StaffNames(ctx)
	})
}

// cached asks the server and keeps its answer in the replica; when the server cannot be
// reached it answers the kept copy, so the lead screens still name branches, channels and
// colleagues offline.
func cached[T any](a *App, kind string, fn func(ctx context.Context, c *apiclient.Client) (T, error)) (T, error) {
	v, err := call(a, fn)
	if err == nil {
		if _, serr := withWorkspace(a, func(ctx context.Context, ws *workspace) (struct{}, error) {
			return struct{}{}, ws.rep.SetReference(ctx, kind, v)
		}); serr != nil {
			a.log.Warn("keep reference data", "kind", kind, "err", serr)
		}
		return v, nil
	}
	if !unreachable(err) {
		return v, err
	}
	var kept T
	found, rerr := withWorkspace(a, func(ctx context.Context, ws *workspace) (bool, error) { return ws.rep.Reference(ctx, kind, &kept) })
	if rerr != nil || !found {
		return v, err
	}
	return kept, nil
}
