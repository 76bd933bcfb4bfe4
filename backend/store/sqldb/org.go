package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/studiodesk/studiodesk/backend/account"
	"github.com/studiodesk/studiodesk/backend/store"
)

const brandCols = `b.id, b.name, b.type, b.duplicate_policy, b.timezone, b.created_at, b.updated_at, b.settings,
	EXISTS (SELECT 1 FROM leads l WHERE l.tenant_id = b.tenant_id AND l.brand_id = b.id)`

func scanBrand(r interface{ Scan(...any) error }) (account.Brand, error) {
	var b account.Brand
	var created, updated int64
	var settings string
	err := r.Scan(&b.ID, &b.Name, &b.Type, &b.DuplicatePolicy, &b.Timezone, &created, &updated, &settings, &b.HasLeads)
	b.CreatedAt, b.UpdatedAt = fromMS(created), fromMS(updated)
	if err == nil {
		err = json.Unmarshal([]byte(settings), &b.Settings)
	}
	return b, err
}

func (t *tx) ListBrands(ctx context.Context) ([]account.Brand, error) {
	rows, err := t.query(ctx, `SELECT `+brandCols+` FROM brands b WHERE b.tenant_id = ? ORDER BY b.id`, t.tenant)
	if err != nil {
		return nil, wrap("list brands", err)
	}
	return collect(rows, func(r *sql.Rows) (account.Brand, error) { return scanBrand(r) })
}

func (t *tx) GetBrand(ctx context.Context, id int64) (account.Brand, error) {
	rows, err := t.query(ctx, `SELECT `+brandCols+` FROM brands b WHERE b.tenant_id = ? AND b.id = ?`, t.tenant, id)
	if err != nil {
		return account.Brand{}, wrap("get brand", err)
	}
	return one(collect(rows, func(r *sql.Rows) (account.Brand, error) { return scanBrand(r) }))
}

func (t *tx) InsertBrand(ctx context.Context, b account.Brand) (account.Brand, error) {
	err := t.row(ctx, `INSERT INTO brands (tenant_id, name, type, duplicate_policy, timezone, created_at, updated_at, settings)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		[]any{t.tenant, b.Name, b.Type, b.DuplicatePolicy, b.Timezone, ms(b.CreatedAt), ms(b.UpdatedAt), settingsJSON(b.Settings)}, &b.ID)
	if err != nil {
		return b, wrap("insert brand", err)
	}
	return t.GetBrand(ctx, b.ID)
}

func (t *tx) UpdateBrand(ctx context.Context, b account.Brand) (account.Brand, error) {
	err := mustAffect(t.exec(ctx, `UPDATE brands SET name = ?, type = ?, duplicate_policy = ?, timezone = ?, updated_at = ?, settings = ?
		WHERE tenant_id = ? AND id = ?`, b.Name, b.Type, b.DuplicatePolicy, b.Timezone, ms(b.UpdatedAt), settingsJSON(b.Settings), t.tenant, b.ID))
	if err != nil {
		return b, wrap("update brand", err)
	}
	return t.GetBrand(ctx, b.ID)
}

func settingsJSON(s account.BrandSettings) string {
	b, _ := json.Marshal(s) // a struct of ints always marshals
	return string(b)
}

const branchCols = `id, brand_id, name, address, phone, created_at`

func scanBranch(r *sql.Rows) (account.Branch, error) {
	var b account.Branch
	var created int64
	err := r.Scan(&b.ID, &b.BrandID, &b.Name, &b.Address, &b.Phone, &created)
	b.CreatedAt = fromMS(created)
	return b, err
}

func (t *tx) ListBranches(ctx context.Context) ([]account.Branch, error) {
	rows, err := t.query(ctx, `SELECT `+branchCols+` FROM branches WHERE tenant_id = ? ORDER BY id`, t.tenant)
	if err != nil {
		return nil, wrap("list branches", err)
	}
	return collect(rows, scanBranch)
}

func (t *tx) GetBranch(ctx context.Context, id int64) (account.Branch, error) {
	rows, err := t.query(ctx, `SELECT `+branchCols+` FROM branches WHERE tenant_id = ? AND id = ?`, t.tenant, id)
	if err != nil {
		return account.Branch{}, wrap("get branch", err)
	}
	return one(collect(rows, scanBranch))
}

func (t *tx) InsertBranch(ctx context.Context, b account.Branch) (account.Branch, error) {
	err := t.row(ctx, `INSERT INTO branches (tenant_id, brand_id, name, address, phone, created_at)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
		[]any{t.tenant, b.BrandID, b.Name, b.Address, b.Phone, ms(b.CreatedAt)}, &b.ID)
	return b, wrap("insert branch", err)
}

func (t *tx) UpdateBranch(ctx context.Context, b account.Branch) (account.Branch, error) {
	err := mustAffect(t.exec(ctx, `UPDATE branches SET brand_id = ?, name = ?, address = ?, phone = ?
		WHERE tenant_id = ? AND id = ?`, b.BrandID, b.Name, b.Address, b.Phone, t.tenant, b.ID))
	if err != nil {
		return b, wrap("update branch", err)
	}
	return t.GetBranch(ctx, b.ID)
}

func scanDepartment(r *sql.Rows) (account.Department, error) {
	var d account.Department
	return d, r.Scan(&d.ID, &d.BranchID, &d.Name, &d.Kind)
}

func (t *tx) ListDepartments(ctx context.Context) ([]account.Department, error) {
	rows, err := t.query(ctx, `SELECT id, branch_id, name, kind FROM departments WHERE tenant_id = ? ORDER BY id`, t.tenant)
	if err != nil {
		return nil, wrap("list departments", err)
	}
	return collect(rows, scanDepartment)
}

func (t *tx) GetDepartment(ctx context.Context, id int64) (account.Department, error) {
	rows, err := t.query(ctx, `SELECT id, branch_id, name, kind FROM departments WHERE tenant_id = ? AND id = ?`, t.tenant, id)
	if err != nil {
		return account.Department{}, wrap("get department", err)
	}
	return one(collect(rows, scanDepartment))
}

func (t *tx) InsertDepartment(ctx context.Context, d account.Department) (account.Department, error) {
	err := t.row(ctx, `INSERT INTO departments (tenant_id, branch_id, name, kind) VALUES (?, ?, ?, ?) RETURNING id`,
		[]any{t.tenant, d.BranchID, d.Name, d.Kind}, &d.ID)
	return d, wrap("insert department", err)
}

func (t *tx) UpdateDepartment(ctx context.Context, d account.Department) (account.Department, error) {
	err := mustAffect(t.exec(ctx, `UPDATE departments SET branch_id = ?, name = ?, kind = ? WHERE tenant_id = ? AND id = ?`,
		d.BranchID, d.Name, d.Kind, t.tenant, d.ID))
	return d, wrap("update department", err)
}

func scanRole(r *sql.Rows) (account.Role, error) {
	var v account.Role
	var perms string
	var builtin int
	if err := r.Scan(&v.ID, &v.Key, &v.Name, &builtin, &perms, &v.Scope); err != nil {
		return v, err
	}
	v.Builtin = builtin != 0
	if err := json.Unmarshal([]byte(perms), &v.Permissions); err != nil {
		return v, fmt.Errorf("decode permissions of role %d: %w", v.ID, err)
	}
	return v, nil
}

const roleCols = `id, key, name, builtin, permissions, data_scope`

func (t *tx) ListRoles(ctx context.Context) ([]account.Role, error) {
	rows, err := t.query(ctx, `SELECT `+roleCols+` FROM roles WHERE tenant_id = ? ORDER BY id`, t.tenant)
	if err != nil {
		return nil, wrap("list roles", err)
	}
	return collect(rows, scanRole)
}

func (t *tx) GetRole(ctx context.Context, id int64) (account.Role, error) {
	rows, err := t.query(ctx, `SELECT `+roleCols+` FROM roles WHERE tenant_id = ? AND id = ?`, t.tenant, id)
	if err != nil {
		return account.Role{}, wrap("get role", err)
	}
	return one(collect(rows, scanRole))
}

func permsJSON(p []account.Permission) string {
	if p == nil {
		p = []account.Permission{}
	}
	b, _ := json.Marshal(p) // a slice of strings always marshals
	return string(b)
}

func (t *tx) InsertRole(ctx context.Context, r account.Role) (account.Role, error) {
	err := t.row(ctx, `INSERT INTO roles (tenant_id, key, name, builtin, permissions, data_scope)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
		[]any{t.tenant, r.Key, r.Name, boolInt(r.Builtin), permsJSON(r.Permissions), r.Scope}, &r.ID)
	return r, wrap("insert role", err)
}

func (t *tx) UpdateRole(ctx context.Context, r account.Role) (account.Role, error) {
	err := mustAffect(t.exec(ctx, `UPDATE roles SET name = ?, permissions = ?, data_scope = ? WHERE tenant_id = ? AND id = ?`,
		r.Name, permsJSON(r.Permissions), r.Scope, t.tenant, r.ID))
	if err != nil {
		return r, wrap("update role", err)
	}
	return t.GetRole(ctx, r.ID)
}

func (t *tx) DeleteRole(ctx context.Context, id int64) error {
	var holders int
	if err := t.row(ctx, `SELECT COUNT(*) FROM staff_roles WHERE tenant_id = ? AND role_id = ?`, []any{t.tenant, id}, &holders); err != nil {
		return wrap("count role holders", err)
	}
	if holders > 0 {
		return fmt.Errorf("delete role %d held by %d staff: %w", id, holders, store.ErrConflict)
	}
	return wrap("delete role", mustAffect(t.exec(ctx, `DELETE FROM roles WHERE tenant_id = ? AND id = ?`, t.tenant, id)))
}

func scanChannelGroup(r *sql.Rows) (account.ChannelGroup, error) {
	var g account.ChannelGroup
	return g, r.Scan(&g.ID, &g.Name)
}

func (t *tx) ListChannelGroups(ctx context.Context) ([]account.ChannelGroup, error) {
	rows, err := t.query(ctx, `SELECT id, name FROM channel_groups WHERE tenant_id = ? ORDER BY id`, t.tenant)
	if err != nil {
		return nil, wrap("list channel groups", err)
	}
	return collect(rows, scanChannelGroup)
}

func (t *tx) GetChannelGroup(ctx context.Context, id int64) (account.ChannelGroup, error) {
	rows, err := t.query(ctx, `SELECT id, name FROM channel_groups WHERE tenant_id = ? AND id = ?`, t.tenant, id)
	if err != nil {
		return account.ChannelGroup{}, wrap("get channel group", err)
	}
	return one(collect(rows, scanChannelGroup))
}

func (t *tx) InsertChannelGroup(ctx context.Context, g account.ChannelGroup) (account.ChannelGroup, error) {
	err := t.row(ctx, `INSERT INTO channel_groups (tenant_id, name) VALUES (?, ?) RETURNING id`, []any{t.tenant, g.Name}, &g.ID)
	return g, wrap("insert channel group", err)
}

func (t *tx) UpdateChannelGroup(ctx context.Context, g account.ChannelGroup) (account.ChannelGroup, error) {
	err := mustAffect(t.exec(ctx, `UPDATE channel_groups SET name = ? WHERE tenant_id = ? AND id = ?`, g.Name, t.tenant, g.ID))
	return g, wrap("update channel group", err)
}

func scanChannel(r *sql.Rows) (account.Channel, error) {
	var c account.Channel
	var brand, group sql.NullInt64
	var active int
	err := r.Scan(&c.ID, &brand, &group, &c.Name, &active)
	c.BrandID, c.GroupID, c.Active = brand.Int64, group.Int64, active != 0
	return c, err
}

func (t *tx) ListChannels(ctx context.Context) ([]account.Channel, error) {
	rows, err := t.query(ctx, `SELECT id, brand_id, group_id, name, active FROM channels WHERE tenant_id = ? ORDER BY id`, t.tenant)
	if err != nil {
		return nil, wrap("list channels", err)
	}
	return collect(rows, scanChannel)
}

func (t *tx) GetChannel(ctx context.Context, id int64) (account.Channel, error) {
	rows, err := t.query(ctx, `SELECT id, brand_id, group_id, name, active FROM channels WHERE tenant_id = ? AND id = ?`, t.tenant, id)
	if err != nil {
		return account.Channel{}, wrap("get channel", err)
	}
	return one(collect(rows, scanChannel))
}

func (t *tx) InsertChannel(ctx context.Context, c account.Channel) (account.Channel, error) {
	err := t.row(ctx, `INSERT INTO channels (tenant_id, brand_id, group_id, name, active) VALUES (?, ?, ?, ?, ?) RETURNING id`,
		[]any{t.tenant, nullID(c.BrandID), nullID(c.GroupID), c.Name, boolInt(c.Active)}, &c.ID)
	return c, wrap("insert channel", err)
}

func (t *tx) UpdateChannel(ctx context.Context, c account.Channel) (account.Channel, error) {
	err := mustAffect(t.exec(ctx, `UPDATE channels SET brand_id = ?, group_id = ?, name = ?, active = ? WHERE tenant_id = ? AND id = ?`,
		nullID(c.BrandID), nullID(c.GroupID), c.Name, boolInt(c.Active), t.tenant, c.ID))
	return c, wrap("update channel", err)
}

func (t *tx) CountLeads(ctx context.Context, brandID int64) (int, error) {
	var n int
	err := t.row(ctx, `SELECT COUNT(*) FROM leads WHERE tenant_id = ? AND brand_id = ?`, []any{t.tenant, brandID}, &n)
	return n, wrap("count leads", err)
}

// one returns the single element of a lookup, or ErrNotFound.
func one[T any](v []T, err error) (T, error) {
	var zero T
	if err != nil {
		return zero, err
	}
	if len(v) == 0 {
		return zero, store.ErrNotFound
	}
	return v[0], nil
}
