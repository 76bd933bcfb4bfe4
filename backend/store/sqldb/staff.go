package sqldb

import (
	"context"
	"database/sql"
	"time"

	"github.com/studiodesk/studiodesk/backend/account"
	"github.com/studiodesk/studiodesk/backend/store"
)

const staffCols = `id, phone, name, branch_id, department_id, disabled, created_at, updated_at, daily_cap, holding_cap, weight`

func scanStaff(r *sql.Rows) (account.Staff, error) {
	var s account.Staff
	var branch, dept sql.NullInt64
	var disabled int
	var created, updated int64
	err := r.Scan(&s.ID, &s.Phone, &s.Name, &branch, &dept, &disabled, &created, &updated, &s.DailyCap, &s.HoldingCap, &s.Weight)
	s.BranchID, s.DepartmentID, s.Disabled = branch.Int64, dept.Int64, disabled != 0
	s.CreatedAt, s.UpdatedAt = fromMS(created), fromMS(updated)
	s.RoleIDs, s.ChannelGroupIDs = []int64{}, []int64{}
	return s, err
}

// withRoles fills RoleIDs of the listed staff with one query.
func (t *tx) withRoles(ctx context.Context, list []account.Staff) ([]account.Staff, error) {
	if len(list) == 0 {
		return list, nil
	}
	idx := make(map[int64]int, len(list))
	for i, s := range list {
		idx[s.ID] = i
	}
	q := `SELECT staff_id, role_id FROM staff_roles WHERE tenant_id = ? ORDER BY role_id`
	args := []any{t.tenant}
	if len(list) == 1 {
		q = `SELECT staff_id, role_id FROM staff_roles WHERE tenant_id = ? AND staff_id = ? ORDER BY role_id`
		args = append(args, list[0].ID)
	}
	rows, err := t.query(ctx, q, args...)
	if err != nil {
		return nil, wrap("list staff roles", err)
	}
	defer rows.Close()
	for rows.Next() {
		var sid, rid int64
		if err := rows.Scan(&sid, &rid); err != nil {
			return nil, err
		}
		if i, ok := idx[sid]; ok {
			list[i].RoleIDs = append(list[i].RoleIDs, rid)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	grows, err := t.query(ctx, `SELECT staff_id, group_id FROM staff_channel_groups WHERE tenant_id = ? ORDER BY group_id`, t.tenant)
	if err != nil {
		return nil, wrap("list staff channel groups", err)
	}
	defer grows.Close()
	for grows.Next() {
		var sid, gid int64
		if err := grows.Scan(&sid, &gid); err != nil {
			return nil, err
		}
		if i, ok := idx[sid]; ok {
			list[i].ChannelGroupIDs = append(list[i].ChannelGroupIDs, gid)
		}
	}
	return list, grows.Err()
}

func (t *tx) ListStaff(ctx context.Context) ([]account.Staff, error) {
	rows, err := t.query(ctx, `SELECT `+staffCols+` FROM staff WHERE tenant_id = ? ORDER BY id`, t.tenant)
	if err != nil {
		return nil, wrap("list staff", err)
	}
	list, err := collect(rows, scanStaff)
	if err != nil {
		return nil, err
	}
	return t.withRoles(ctx, list)
}

func (t *tx) staffWhere(ctx context.Context, cond string, arg any) (account.Staff, error) {
	rows, err := t.query(ctx, `SELECT `+staffCols+` FROM staff WHERE tenant_id = ? AND `+cond, t.tenant, arg)
	if err != nil {
		return account.Staff{}, wrap("get staff", err)
	}
	list, err := collect(rows, scanStaff)
	if err != nil {
		return account.Staff{}, err
	}
	list, err = t.withRoles(ctx, list)
	return one(list, err)
}

func (t *tx) GetStaff(ctx context.Context, id int64) (account.Staff, error) {
	return t.staffWhere(ctx, `id = ?`, id)
}

func (t *tx) StaffByPhone(ctx context.Context, phone string) (account.Staff, error) {
	return t.staffWhere(ctx, `phone = ?`, phone)
}

func (t *tx) setChannelGroups(ctx context.Context, staffID int64, groups []int64) error {
	if _, err := t.exec(ctx, `DELETE FROM staff_channel_groups WHERE tenant_id = ? AND staff_id = ?`, t.tenant, staffID); err != nil {
		return wrap("clear staff channel groups", err)
	}
	for _, g := range groups {
		if _, err := t.exec(ctx, `INSERT INTO staff_channel_groups (tenant_id, staff_id, group_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`,
			t.tenant, staffID, g); err != nil {
			return wrap("add staff channel group", err)
		}
	}
	return nil
}

func (t *tx) setRoles(ctx context.Context, staffID int64, roles []int64) error {
	if _, err := t.exec(ctx, `DELETE FROM staff_roles WHERE tenant_id = ? AND staff_id = ?`, t.tenant, staffID); err != nil {
		return wrap("clear staff roles", err)
	}
	for _, r := range roles {
		if _, err := t.exec(ctx, `INSERT INTO staff_roles (tenant_id, staff_id, role_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`,
			t.tenant, staffID, r); err != nil {
			return wrap("add staff role", err)
		}
	}
	return nil
}

func (t *tx) InsertStaff(ctx context.Context, s account.Staff, passwordHash string) (account.Staff, error) {
	err := t.row(ctx, `INSERT INTO staff (tenant_id, phone, name, branch_id, department_id, password_hash, disabled, created_at, updated_at,
		daily_cap, holding_cap, weight) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		[]any{t.tenant, s.Phone, s.Name, nullID(s.BranchID), nullID(s.DepartmentID), passwordHash, boolInt(s.Disabled),
			ms(s.CreatedAt), ms(s.UpdatedAt), s.DailyCap, s.HoldingCap, max(s.Weight, 1)}, &s.ID)
	if err != nil {
		return s, wrap("insert staff", err)
	}
	if err := t.setRoles(ctx, s.ID, s.RoleIDs); err != nil {
		return s, err
	}
	if err := t.setChannelGroups(ctx, s.ID, s.ChannelGroupIDs); err != nil {
		return s, err
	}
	return t.GetStaff(ctx, s.ID)
}

func (t *tx) UpdateStaff(ctx context.Context, s account.Staff) (account.Staff, error) {
	err := mustAffect(t.exec(ctx, `UPDATE staff SET phone = ?, name = ?, branch_id = ?, department_id = ?, updated_at = ?,
		daily_cap = ?, holding_cap = ?, weight = ? WHERE tenant_id = ? AND id = ?`, s.Phone, s.Name, nullID(s.BranchID),
		nullID(s.DepartmentID), ms(s.UpdatedAt), s.DailyCap, s.HoldingCap, max(s.Weight, 1), t.tenant, s.ID))
	if err != nil {
		return s, wrap("update staff", err)
	}
	if err := t.setRoles(ctx, s.ID, s.RoleIDs); err != nil {
		return s, err
	}
	if err := t.setChannelGroups(ctx, s.ID, s.ChannelGroupIDs); err != nil {
		return s, err
	}
	return t.GetStaff(ctx, s.ID)
}

func (t *tx) SetStaffDisabled(ctx context.Context, id int64, disabled bool, now time.Time) (account.Staff, error) {
	err := mustAffect(t.exec(ctx, `UPDATE staff SET disabled = ?, updated_at = ? WHERE tenant_id = ? AND id = ?`,
		boolInt(disabled), ms(now), t.tenant, id))
	if err != nil {
		return account.Staff{}, wrap("set staff disabled", err)
	}
	return t.GetStaff(ctx, id)
}

func (t *tx) SetPasswordHash(ctx context.Context, staffID int64, hash string, now time.Time) error {
	return wrap("set password", mustAffect(t.exec(ctx, `UPDATE staff SET password_hash = ?, updated_at = ? WHERE tenant_id = ? AND id = ?`,
		hash, ms(now), t.tenant, staffID)))
}

func (t *tx) PasswordHash(ctx context.Context, staffID int64) (string, error) {
	var h string
	err := t.row(ctx, `SELECT password_hash FROM staff WHERE tenant_id = ? AND id = ?`, []any{t.tenant, staffID}, &h)
	return h, wrap("get password", err)
}

func (t *tx) CountActiveStaff(ctx context.Context) (int, error) {
	var n int
	err := t.row(ctx, `SELECT COUNT(*) FROM staff WHERE tenant_id = ? AND disabled = 0`, []any{t.tenant}, &n)
	return n, wrap("count staff", err)
}

func (t *tx) ActiveAdmins(ctx context.Context) ([]int64, error) {
	rows, err := t.query(ctx, `SELECT s.id FROM staff s
		JOIN staff_roles sr ON sr.tenant_id = s.tenant_id AND sr.staff_id = s.id
		JOIN roles r ON r.tenant_id = sr.tenant_id AND r.id = sr.role_id
		WHERE s.tenant_id = ? AND s.disabled = 0 AND r.builtin = 1 AND r.key = ? ORDER BY s.id`, t.tenant, account.RoleAdmin)
	if err != nil {
		return nil, wrap("list admins", err)
	}
	return collect(rows, func(r *sql.Rows) (int64, error) {
		var id int64
		return id, r.Scan(&id)
	})
}

// LoginCandidates implements store.Store.
func (db *DB) LoginCandidates(ctx context.Context, phone string) ([]store.LoginCandidate, error) {
	c := db.poolConn(db.read)
	rows, err := c.query(ctx, `SELECT s.tenant_id, t.name, s.id, s.password_hash, s.disabled
		FROM staff s JOIN tenants t ON t.id = s.tenant_id WHERE s.phone = ? ORDER BY s.tenant_id`, phone)
	if err != nil {
		return nil, wrap("find login", err)
	}
	return collect(rows, func(r *sql.Rows) (store.LoginCandidate, error) {
		var lc store.LoginCandidate
		var disabled int
		err := r.Scan(&lc.TenantID, &lc.TenantName, &lc.StaffID, &lc.PasswordHash, &disabled)
		lc.Disabled = disabled != 0
		return lc, err
	})
}
