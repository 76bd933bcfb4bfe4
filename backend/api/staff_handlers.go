package api

import (
	"errors"
	"net/http"
	"slices"

	"github.com/studiodesk/studiodesk/backend/account"
	"github.com/studiodesk/studiodesk/backend/auth"
	"github.com/studiodesk/studiodesk/backend/store"
)

// StaffInput is the body of POST/PUT /api/v1/staff; Password is read on create only and
// generated when empty.
type StaffInput struct {
	account.Staff
	Password string `json:"password,omitempty"`
}

// StaffSaved answers a staff save; Password is present once, when the server generated it.
type StaffSaved struct {
	Staff    account.Staff `json:"staff"`
	Password string        `json:"password,omitempty"`
}

// placement of a staff member for scope checks.
func staffPlacement(tx store.Tx, c *call, st account.Staff) (account.Placement, error) {
	p := account.Placement{OwnerID: st.ID, BranchID: st.BranchID, DepartmentID: st.DepartmentID}
	if st.BranchID != 0 {
		br, err := tx.GetBranch(c.ctx, st.BranchID)
		if err != nil {
			return p, refExists(err, "branch_id")
		}
		p.BrandID = br.BrandID
	}
	return p, nil
}

// inScope fails with out_of_scope unless the caller's data scope reaches st.
func (c *call) staffInScope(tx store.Tx, st account.Staff) error {
	p, err := staffPlacement(tx, c, st)
	if err != nil {
		return err
	}
	if !c.actor.InScope(p) {
		return apiErr(http.StatusForbidden, "out_of_scope", "", map[string]any{"scope": string(c.actor.Grant.Scope), "staff_id": st.ID})
	}
	return nil
}

// isDenial reports errors that are refusals of an authenticated caller (audited).
func isDenial(err error) (*Error, bool) {
	var ae *Error
	if errors.As(err, &ae) && ae.Status == http.StatusForbidden {
		return ae, true
	}
	return nil, false
}

func (s *Server) listStaff(c *call) (any, error) {
	if err := c.require(account.PermStaffManage); err != nil {
		return nil, err
	}
	out := []account.Staff{}
	err := c.view(func(tx store.Tx) error {
		all, err := tx.ListStaff(c.ctx)
		if err != nil {
			return err
		}
		for _, st := range all {
			if c.staffInScope(tx, st) == nil {
				out = append(out, st)
			}
		}
		return nil
	})
	return out, err
}

// StaffName is what every member may know of a colleague: the name timelines, owners and
// the assign dialog show, and where they work. No phone, no roles.
type StaffName struct {
	ID           int64  `json:"id"`
	Name         string `json:"name"`
	BranchID     int64  `json:"branch_id,omitempty"`
	DepartmentID int64  `json:"department_id,omitempty"`
	Disabled     bool   `json:"disabled,omitempty"`
}

// listStaffNames answers every member of the studio by name, for anyone signed in: a booker
// reads "owner: 王芳" on a lead, not "staff #12" (GET /api/v1/staff/names).
func (s *Server) listStaffNames(c *call) (any, error) {
	out := []StaffName{}
	err := c.view(func(tx store.Tx) error {
		all, err := tx.ListStaff(c.ctx)
		for _, st := range all {
			out = append(out, StaffName{ID: st.ID, Name: st.Name, BranchID: st.BranchID, DepartmentID: st.DepartmentID, Disabled: st.Disabled})
		}
		return err
	})
	return out, err
}

func (s *Server) saveStaff(c *call) (any, error) {
	if err := c.require(account.PermStaffManage); err != nil {
		return nil, err
	}
	var in StaffInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	id, err := c.pathID("id")
	if err != nil {
		return nil, err
	}
	st := in.Staff
	st.ID = id
	if st.Weight == 0 {
		st.Weight = 1
	}
	trim(&st.Name)
	if st.Phone, err = account.NormalizePhone("phone", st.Phone); err != nil {
		return nil, err
	}
	if err := account.ValidateStaff(st); err != nil {
		return nil, err
	}
	var generated string
	if id == 0 {
		if in.Password == "" {
			if generated, err = auth.GeneratePassword(); err != nil {
				return nil, err
			}
			in.Password = generated
		} else if err := account.ValidatePassword("password", in.Password); err != nil {
			return nil, err
		}
	}
	var hash string
	if id == 0 {
		if hash, err = auth.HashPassword(s.cfg.Password, in.Password); err != nil {
			return nil, err
		}
	}
	err = c.write(func(tx store.Tx) error {
		var before account.Staff
		if id != 0 {
			var err error
			if before, err = tx.GetStaff(c.ctx, id); err != nil {
				return err
			}
			if err := c.staffInScope(tx, before); err != nil {
				return err
			}
			st.Disabled, st.CreatedAt = before.Disabled, before.CreatedAt
		} else {
			st.CreatedAt = c.now
		}
		st.UpdatedAt = c.now
		if err := c.checkStaffRefs(tx, st, before); err != nil {
			return err
		}
		if err := c.staffInScope(tx, st); err != nil {
			return err
		}
		if err := c.phoneFree(tx, st); err != nil {
			return err
		}
		if id != 0 {
			if err := c.keepAnAdmin(tx, before, !st.Disabled && holdsAdmin(tx, c, st)); err != nil {
				return err
			}
			var err error
			if st, err = tx.UpdateStaff(c.ctx, st); err != nil {
				return err
			}
			return c.audit(tx, "staff.update", "staff", id, before, st)
		}
		if err := c.seatFree(tx); err != nil {
			return err
		}
		created, err := tx.InsertStaff(c.ctx, st, hash)
		if err != nil {
			return err
		}
		st = created
		c.status = http.StatusCreated
		return c.audit(tx, "staff.create", "staff", st.ID, nil, st)
	})
	if ae, ok := isDenial(err); ok {
		return nil, c.denied(ae, "staff.save", "staff", id)
	}
	if errors.Is(err, store.ErrConflict) {
		return nil, apiErr(http.StatusConflict, "conflict", "phone", nil)
	}
	if err != nil {
		return nil, err
	}
	return StaffSaved{Staff: st, Password: generated}, nil
}

// checkStaffRefs validates branch, department and roles, and that the caller only hands out
// roles their own grant covers (roles the member already held stay untouched).
func (c *call) checkStaffRefs(tx store.Tx, st, before account.Staff) error {
	if st.BranchID != 0 {
		if _, err := tx.GetBranch(c.ctx, st.BranchID); err != nil {
			return refExists(err, "branch_id")
		}
	}
	if st.DepartmentID != 0 {
		d, err := tx.GetDepartment(c.ctx, st.DepartmentID)
		if err != nil {
			return refExists(err, "department_id")
		}
		if d.BranchID != st.BranchID {
			return apiErr(http.StatusBadRequest, "department_branch", "department_id", nil)
		}
	}
	for _, gid := range st.ChannelGroupIDs {
		if _, err := tx.GetChannelGroup(c.ctx, gid); err != nil {
			return refExists(err, "channel_group_ids")
		}
	}
	for _, rid := range st.RoleIDs {
		r, err := tx.GetRole(c.ctx, rid)
		if err != nil {
			return refExists(err, "role_ids")
		}
		if !slices.Contains(before.RoleIDs, rid) && !c.actor.Grant.Covers(r) {
			return apiErr(http.StatusForbidden, "role_escalation", "role_ids", map[string]any{"detail": r.Name})
		}
	}
	return nil
}

// phoneFree explains which brand already holds a phone: one phone is one person per studio.
func (c *call) phoneFree(tx store.Tx, st account.Staff) error {
	other, err := tx.StaffByPhone(c.ctx, st.Phone)
	if errors.Is(err, store.ErrNotFound) || (err == nil && other.ID == st.ID) {
		return nil
	}
	if err != nil {
		return err
	}
	brand := c.tenant.Name
	if other.BranchID != 0 {
		if br, err := tx.GetBranch(c.ctx, other.BranchID); err == nil {
			if b, err := tx.GetBrand(c.ctx, br.BrandID); err == nil {
				brand = b.Name
			}
		}
	}
	return apiErr(http.StatusConflict, "staff_phone_taken", "phone", map[string]any{
		"phone": st.Phone, "brand": brand, "staff": other.Name, "staff_id": other.ID})
}

func (c *call) seatFree(tx store.Tx) error {
	t, err := tx.Tenant(c.ctx)
	if err != nil {
		return err
	}
	if t.SeatLimit <= 0 {
		return nil
	}
	n, err := tx.CountActiveStaff(c.ctx)
	if err != nil {
		return err
	}
	if n >= t.SeatLimit {
		return apiErr(http.StatusConflict, "seats_exhausted", "", map[string]any{"limit": t.SeatLimit})
	}
	return nil
}

func holdsAdmin(tx store.Tx, c *call, st account.Staff) bool {
	for _, rid := range st.RoleIDs {
		if r, err := tx.GetRole(c.ctx, rid); err == nil && r.Builtin && r.Key == account.RoleAdmin {
			return true
		}
	}
	return false
}

// keepAnAdmin refuses a change that would leave the studio without an active admin.
func (c *call) keepAnAdmin(tx store.Tx, before account.Staff, adminAfter bool) error {
	if adminAfter || before.Disabled {
		return nil
	}
	admins, err := tx.ActiveAdmins(c.ctx)
	if err != nil {
		return err
	}
	if len(admins) == 1 && admins[0] == before.ID {
		return apiErr(http.StatusBadRequest, "last_admin", "role_ids", nil)
	}
	return nil
}

// staffAction loads a member in scope and applies fn, audited.
func (s *Server) staffAction(c *call, action string, fn func(tx store.Tx, st account.Staff) (account.Staff, error)) (account.Staff, error) {
	var out account.Staff
	if err := c.require(account.PermStaffManage); err != nil {
		return out, err
	}
	id, err := c.pathID("id")
	if err != nil {
		return out, err
	}
	err = c.write(func(tx store.Tx) error {
		before, err := tx.GetStaff(c.ctx, id)
		if err != nil {
			return err
		}
		if err := c.staffInScope(tx, before); err != nil {
			return err
		}
		if out, err = fn(tx, before); err != nil {
			return err
		}
		return c.audit(tx, "staff."+action, "staff", id, before, out)
	})
	if ae, ok := isDenial(err); ok {
		return out, c.denied(ae, "staff."+action, "staff", id)
	}
	return out, err
}

func (s *Server) disableStaff(c *call) (any, error) {
	return s.staffAction(c, "disable", func(tx store.Tx, st account.Staff) (account.Staff, error) {
		if err := c.keepAnAdmin(tx, st, false); err != nil {
			return st, apiErr(http.StatusBadRequest, "last_admin", "", nil)
		}
		// Ending the sessions blocks the member at once, on every device.
		if err := tx.DeleteStaffSessions(c.ctx, st.ID); err != nil {
			return st, err
		}
		return tx.SetStaffDisabled(c.ctx, st.ID, true, c.now)
	})
}

func (s *Server) enableStaff(c *call) (any, error) {
	return s.staffAction(c, "enable", func(tx store.Tx, st account.Staff) (account.Staff, error) {
		if !st.Disabled {
			return st, nil
		}
		if err := c.seatFree(tx); err != nil {
			return st, err
		}
		return tx.SetStaffDisabled(c.ctx, st.ID, false, c.now)
	})
}

// PasswordReset answers a reset with the one-time password to hand over.
type PasswordReset struct {
	Password string `json:"password"`
}

func (s *Server) resetStaffPassword(c *call) (any, error) {
	pw, err := auth.GeneratePassword()
	if err != nil {
		return nil, err
	}
	hash, err := auth.HashPassword(s.cfg.Password, pw)
	if err != nil {
		return nil, err
	}
	_, err = s.staffAction(c, "reset_password", func(tx store.Tx, st account.Staff) (account.Staff, error) {
		if err := tx.SetPasswordHash(c.ctx, st.ID, hash, c.now); err != nil {
			return st, err
		}
		return st, tx.DeleteStaffSessions(c.ctx, st.ID)
	})
	if err != nil {
		return nil, err
	}
	return PasswordReset{Password: pw}, nil
}
