package api

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/studiodesk/studiodesk/backend/account"
	"github.com/studiodesk/studiodesk/backend/store"
)

// entity describes one editable record type to the generic save flow: decode, check the
// permission, load the current version for updates, validate, write, audit — one transaction.
type entity[T any] struct {
	name string
	perm account.Permission
	id   func(*T) *int64
	// prepare validates and completes v; before is nil on create.
	prepare func(c *call, tx store.Tx, v *T, before *T) error
	get     func(ctx context.Context, tx store.Tx, id int64) (T, error)
	insert  func(ctx context.Context, tx store.Tx, v T) (T, error)
	update  func(ctx context.Context, tx store.Tx, v T) (T, error)
}

func save[T any](c *call, e entity[T]) (any, error) {
	if err := c.require(e.perm); err != nil {
		return nil, err
	}
	var v T
	if err := c.decode(&v); err != nil {
		return nil, err
	}
	id, err := c.pathID("id")
	if err != nil {
		return nil, err
	}
	*e.id(&v) = id
	err = c.write(func(tx store.Tx) error {
		if id == 0 {
			if err := e.prepare(c, tx, &v, nil); err != nil {
				return err
			}
			created, err := e.insert(c.ctx, tx, v)
			if err != nil {
				return err
			}
			v = created
			c.status = http.StatusCreated
			return c.audit(tx, e.name+".create", e.name, *e.id(&v), nil, v)
		}
		before, err := e.get(c.ctx, tx, id)
		if err != nil {
			return err
		}
		if err := e.prepare(c, tx, &v, &before); err != nil {
			return err
		}
		if v, err = e.update(c.ctx, tx, v); err != nil {
			return err
		}
		return c.audit(tx, e.name+".update", e.name, id, before, v)
	})
	if errors.Is(err, store.ErrConflict) {
		return nil, apiErr(http.StatusConflict, "name_taken", "name", nil)
	}
	return v, err
}

// refExists turns a missing referenced record into a field error (not a 404 of the request).
func refExists(err error, field string) error {
	if errors.Is(err, store.ErrNotFound) {
		return apiErr(http.StatusBadRequest, "invalid_value", field, nil)
	}
	return err
}

func trim(s *string) { *s = strings.TrimSpace(*s) }

func (s *Server) listBrands(c *call) (any, error) {
	var out []account.Brand
	return out, c.view(func(tx store.Tx) (err error) { out, err = tx.ListBrands(c.ctx); return })
}

func (s *Server) saveBrand(c *call) (any, error) {
	return save(c, entity[account.Brand]{
		name: "brand", perm: account.PermSettingsManage,
		id: func(b *account.Brand) *int64 { return &b.ID },
		prepare: func(c *call, tx store.Tx, b *account.Brand, before *account.Brand) error {
			trim(&b.Name)
			if b.Timezone == "" {
				b.Timezone = account.DefaultTimezone
			}
			if b.DuplicatePolicy == "" {
				b.DuplicatePolicy = account.DupReject
			}
			if err := account.ValidateBrand(*b); err != nil {
				return err
			}
			b.UpdatedAt = c.now
			if before == nil {
				b.CreatedAt = c.now
				return nil
			}
			b.CreatedAt = before.CreatedAt
			if b.Settings == (account.BrandSettings{}) {
				b.Settings = before.Settings // a form that does not edit settings keeps them
			}
			if b.Type != before.Type && before.HasLeads {
				return apiErr(http.StatusBadRequest, "brand_type_locked", "type", map[string]any{"brand": before.Name})
			}
			return nil
		},
		get: func(ctx context.Context, tx store.Tx, id int64) (account.Brand, error) { return tx.GetBrand(ctx, id) },
		insert: func(ctx context.Context, tx store.Tx, b account.Brand) (account.Brand, error) {
			return tx.InsertBrand(ctx, b)
		},
		update: func(ctx context.Context, tx store.Tx, b account.Brand) (account.Brand, error) {
			return tx.UpdateBrand(ctx, b)
		},
	})
}

func (s *Server) listBranches(c *call) (any, error) {
	var out []account.Branch
	return out, c.view(func(tx store.Tx) (err error) { out, err = tx.ListBranches(c.ctx); return })
}

func (s *Server) saveBranch(c *call) (any, error) {
	return save(c, entity[account.Branch]{
		name: "branch", perm: account.PermSettingsManage,
		id: func(b *account.Branch) *int64 { return &b.ID },
		prepare: func(c *call, tx store.Tx, b *account.Branch, before *account.Branch) error {
			trim(&b.Name)
			trim(&b.Address)
			trim(&b.Phone)
			if err := account.ValidateBranch(*b); err != nil {
				return err
			}
			if _, err := tx.GetBrand(c.ctx, b.BrandID); err != nil {
				return refExists(err, "brand_id")
			}
			b.CreatedAt = c.now
			if before != nil {
				b.CreatedAt = before.CreatedAt
			}
			return nil
		},
		get: func(ctx context.Context, tx store.Tx, id int64) (account.Branch, error) { return tx.GetBranch(ctx, id) },
		insert: func(ctx context.Context, tx store.Tx, b account.Branch) (account.Branch, error) {
			return tx.InsertBranch(ctx, b)
		},
		update: func(ctx context.Context, tx store.Tx, b account.Branch) (account.Branch, error) {
			return tx.UpdateBranch(ctx, b)
		},
	})
}

func (s *Server) listDepartments(c *call) (any, error) {
	var out []account.Department
	return out, c.view(func(tx store.Tx) (err error) { out, err = tx.ListDepartments(c.ctx); return })
}

func (s *Server) saveDepartment(c *call) (any, error) {
	return save(c, entity[account.Department]{
		name: "department", perm: account.PermSettingsManage,
		id: func(d *account.Department) *int64 { return &d.ID },
		prepare: func(c *call, tx store.Tx, d *account.Department, _ *account.Department) error {
			trim(&d.Name)
			if d.Kind == "" {
				d.Kind = account.DeptOther
			}
			if err := account.ValidateDepartment(*d); err != nil {
				return err
			}
			_, err := tx.GetBranch(c.ctx, d.BranchID)
			return refExists(err, "branch_id")
		},
		get: func(ctx context.Context, tx store.Tx, id int64) (account.Department, error) {
			return tx.GetDepartment(ctx, id)
		},
		insert: func(ctx context.Context, tx store.Tx, d account.Department) (account.Department, error) {
			return tx.InsertDepartment(ctx, d)
		},
		update: func(ctx context.Context, tx store.Tx, d account.Department) (account.Department, error) {
			return tx.UpdateDepartment(ctx, d)
		},
	})
}

func (s *Server) listRoles(c *call) (any, error) {
	var out []account.Role
	return out, c.view(func(tx store.Tx) (err error) { out, err = tx.ListRoles(c.ctx); return })
}

var errRoleBuiltin = apiErr(http.StatusBadRequest, "role_builtin", "", nil)

func (s *Server) saveRole(c *call) (any, error) {
	return save(c, entity[account.Role]{
		name: "role", perm: account.PermSettingsManage,
		id: func(r *account.Role) *int64 { return &r.ID },
		prepare: func(c *call, tx store.Tx, r *account.Role, before *account.Role) error {
			if before != nil && before.Builtin {
				return errRoleBuiltin
			}
			trim(&r.Name)
			r.Key, r.Builtin = "", false
			if err := account.ValidateRole(*r); err != nil {
				return err
			}
			if !c.actor.Grant.Covers(*r) {
				return apiErr(http.StatusForbidden, "role_escalation", "permissions", nil)
			}
			return nil
		},
		get: func(ctx context.Context, tx store.Tx, id int64) (account.Role, error) { return tx.GetRole(ctx, id) },
		insert: func(ctx context.Context, tx store.Tx, r account.Role) (account.Role, error) {
			return tx.InsertRole(ctx, r)
		},
		update: func(ctx context.Context, tx store.Tx, r account.Role) (account.Role, error) {
			return tx.UpdateRole(ctx, r)
		},
	})
}

func (s *Server) deleteRole(c *call) (any, error) {
	if err := c.require(account.PermSettingsManage); err != nil {
		return nil, err
	}
	id, err := c.pathID("id")
	if err != nil {
		return nil, err
	}
	err = c.write(func(tx store.Tx) error {
		r, err := tx.GetRole(c.ctx, id)
		if err != nil {
			return err
		}
		if r.Builtin {
			return errRoleBuiltin
		}
		if err := tx.DeleteRole(c.ctx, id); errors.Is(err, store.ErrConflict) {
			return apiErr(http.StatusConflict, "role_in_use", "", nil)
		} else if err != nil {
			return err
		}
		return c.audit(tx, "role.delete", "role", id, r, nil)
	})
	return nil, err
}

func (s *Server) listChannelGroups(c *call) (any, error) {
	var out []account.ChannelGroup
	return out, c.view(func(tx store.Tx) (err error) { out, err = tx.ListChannelGroups(c.ctx); return })
}

func (s *Server) saveChannelGroup(c *call) (any, error) {
	return save(c, entity[account.ChannelGroup]{
		name: "channel_group", perm: account.PermSettingsManage,
		id: func(g *account.ChannelGroup) *int64 { return &g.ID },
		prepare: func(c *call, tx store.Tx, g *account.ChannelGroup, _ *account.ChannelGroup) error {
			trim(&g.Name)
			return account.ValidateChannelGroup(*g)
		},
		get: func(ctx context.Context, tx store.Tx, id int64) (account.ChannelGroup, error) {
			return tx.GetChannelGroup(ctx, id)
		},
		insert: func(ctx context.Context, tx store.Tx, g account.ChannelGroup) (account.ChannelGroup, error) {
			return tx.InsertChannelGroup(ctx, g)
		},
		update: func(ctx context.Context, tx store.Tx, g account.ChannelGroup) (account.ChannelGroup, error) {
			return tx.UpdateChannelGroup(ctx, g)
		},
	})
}

func (s *Server) listChannels(c *call) (any, error) {
	var out []account.Channel
	return out, c.view(func(tx store.Tx) (err error) { out, err = tx.ListChannels(c.ctx); return })
}

func (s *Server) saveChannel(c *call) (any, error) {
	return save(c, entity[account.Channel]{
		name: "channel", perm: account.PermSettingsManage,
		id: func(ch *account.Channel) *int64 { return &ch.ID },
		prepare: func(c *call, tx store.Tx, ch *account.Channel, _ *account.Channel) error {
			trim(&ch.Name)
			if err := account.ValidateChannel(*ch); err != nil {
				return err
			}
			if ch.BrandID != 0 {
				if _, err := tx.GetBrand(c.ctx, ch.BrandID); err != nil {
					return refExists(err, "brand_id")
				}
			}
			if ch.GroupID != 0 {
				if _, err := tx.GetChannelGroup(c.ctx, ch.GroupID); err != nil {
					return refExists(err, "group_id")
				}
			}
			return nil
		},
		get: func(ctx context.Context, tx store.Tx, id int64) (account.Channel, error) {
			return tx.GetChannel(ctx, id)
		},
		insert: func(ctx context.Context, tx store.Tx, ch account.Channel) (account.Channel, error) {
			return tx.InsertChannel(ctx, ch)
		},
		update: func(ctx context.Context, tx store.Tx, ch account.Channel) (account.Channel, error) {
			return tx.UpdateChannel(ctx, ch)
		},
	})
}

func (s *Server) listDevices(c *call) (any, error) {
	if err := c.require(account.PermSettingsManage); err != nil {
		return nil, err
	}
	var out []account.Device
	return out, c.view(func(tx store.Tx) (err error) { out, err = tx.ListDevices(c.ctx); return })
}

// DeviceBinding is the body of PUT /api/v1/devices/{id}/branches.
type DeviceBinding struct {
	BranchIDs []int64 `json:"branch_ids"`
}

func (s *Server) bindDevice(c *call) (any, error) {
	if err := c.require(account.PermSettingsManage); err != nil {
		return nil, err
	}
	var req DeviceBinding
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	id := c.r.PathValue("id")
	var out account.Device
	err := c.write(func(tx store.Tx) error {
		before, err := tx.GetDevice(c.ctx, id)
		if err != nil {
			return err
		}
		for _, b := range req.BranchIDs {
			if _, err := tx.GetBranch(c.ctx, b); err != nil {
				return refExists(err, "branch_ids")
			}
		}
		if out, err = tx.SetDeviceBranches(c.ctx, id, req.BranchIDs); err != nil {
			return err
		}
		return c.audit(tx, "device.bind", "device", id, before, out)
	})
	return out, err
}

func (s *Server) listAudit(c *call) (any, error) {
	if err := c.require(account.PermSettingsManage); err != nil {
		return nil, err
	}
	q := c.r.URL.Query()
	f := store.AuditFilter{Entity: q.Get("entity"), EntityID: q.Get("entity_id")}
	if v := q.Get("actor_id"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return nil, apiErr(http.StatusBadRequest, "invalid_value", "actor_id", nil)
		}
		f.ActorID = n
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 500 {
			return nil, apiErr(http.StatusBadRequest, "invalid_value", "limit", map[string]any{"allowed": "1–500"})
		}
		f.Limit = n
	}
	var out []store.AuditEntry
	return out, c.view(func(tx store.Tx) (err error) { out, err = tx.ListAudit(c.ctx, f); return })
}
