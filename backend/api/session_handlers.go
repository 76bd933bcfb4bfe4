package api

import (
	"errors"
	"math"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/studiodesk/studiodesk/backend/account"
	"github.com/studiodesk/studiodesk/backend/auth"
	"github.com/studiodesk/studiodesk/backend/store"
)

// LoginRequest is the body of POST /api/v1/auth/login.
type LoginRequest struct {
	Phone      string `json:"phone"`
	Password   string `json:"password"`
	TenantID   int64  `json:"tenant_id,omitempty"`
	DeviceID   string `json:"device_id"`
	DeviceName string `json:"device_name"`
	BranchID   int64  `json:"branch_id,omitempty"`
}

// Session is what a login returns and GET /me repeats (without the token).
type Session struct {
	Token       string               `json:"token,omitempty"`
	ExpiresAt   time.Time            `json:"expires_at"`
	Tenant      TenantRef            `json:"tenant"`
	Staff       account.Staff        `json:"staff"`
	Permissions []account.Permission `json:"permissions"`
	DataScope   account.Scope        `json:"data_scope"`
	BranchID    int64                `json:"branch_id,omitempty"`
	Device      DeviceRef            `json:"device"`
	// DepartmentKind is the member's department's kind (intake, booking, store, ...): the
	// desktop uses it to apply create-and-own offline exactly as the server does.
	DepartmentKind account.DepartmentKind `json:"department_kind,omitempty"`
}

// TenantRef names a studio.
type TenantRef struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// DeviceRef names the device of a session.
type DeviceRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Code string `json:"code"`
}

func (s *Server) rateLimited(resetAt, now time.Time) *Error {
	secs := int(math.Ceil(resetAt.Sub(now).Seconds()))
	return apiErr(http.StatusTooManyRequests, "rate_limited", "", map[string]any{"retry_after_seconds": max(secs, 1)})
}

// dummyHash keeps the time of a login for an unknown phone close to a real check, so response
// times do not reveal which phones have accounts.
const dummyHash = "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$0000000000000000000000000000000000000000000"

func (s *Server) login(c *call) (any, error) {
	var req LoginRequest
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	phone, err := account.NormalizePhone("phone", req.Phone)
	if err != nil {
		return nil, err
	}
	if req.Password == "" {
		return nil, apiErr(http.StatusBadRequest, "required", "password", nil)
	}
	req.DeviceID = strings.TrimSpace(req.DeviceID)
	if req.DeviceID == "" || len(req.DeviceID) > 64 {
		return nil, apiErr(http.StatusBadRequest, "required", "device_id", nil)
	}
	if req.DeviceName = strings.TrimSpace(req.DeviceName); req.DeviceName == "" {
		req.DeviceName = account.DeviceCode(req.DeviceID)
	}
	if utf8.RuneCountInString(req.DeviceName) > account.MaxNameLen {
		req.DeviceName = string([]rune(req.DeviceName)[:account.MaxNameLen])
	}

	st := s.cfg.Store
	phoneKey, ipKey := "login:phone:"+phone, "login:ip:"+c.clientIP()
	for _, lim := range []struct {
		key string
		max int
	}{{phoneKey, s.cfg.LoginPerPhone}, {ipKey, s.cfg.LoginPerIP}} {
		n, reset, err := st.PeekRateLimit(c.ctx, lim.key, s.cfg.LoginWindow, c.now)
		if err != nil {
			return nil, err
		}
		if n >= lim.max {
			return nil, s.rateLimited(reset, c.now)
		}
	}
	fail := func(e *Error) error {
		for _, k := range []string{phoneKey, ipKey} {
			if _, _, err := st.HitRateLimit(c.ctx, k, s.cfg.LoginWindow, c.now); err != nil {
				return err
			}
		}
		return e
	}

	cands, err := st.LoginCandidates(c.ctx, phone)
	if err != nil {
		return nil, err
	}
	var matched []store.LoginCandidate
	for _, cand := range cands {
		if req.TenantID != 0 && cand.TenantID != req.TenantID {
			continue
		}
		err := auth.CheckPassword(cand.PasswordHash, req.Password)
		switch {
		case err == nil:
			matched = append(matched, cand)
		case !errors.Is(err, auth.ErrMismatch):
			return nil, err
		}
	}
	if len(cands) == 0 {
		_ = auth.CheckPassword(dummyHash, req.Password)
	}
	switch {
	case len(matched) == 0:
		return nil, fail(apiErr(http.StatusUnauthorized, "invalid_credentials", "password", nil))
	case len(matched) > 1:
		tenants := make([]TenantRef, len(matched))
		for i, m := range matched {
			tenants[i] = TenantRef{ID: m.TenantID, Name: m.TenantName}
		}
		return nil, apiErr(http.StatusConflict, "tenant_required", "tenant_id", map[string]any{"tenants": tenants})
	case matched[0].Disabled:
		return nil, apiErr(http.StatusForbidden, "staff_disabled", "phone", nil)
	}
	m := matched[0]
	c.tenant = account.Tenant{ID: m.TenantID, Name: m.TenantName}

	// First record the device (committed even when the login is refused below, so the admin
	// finds it in the device list to bind), then decide.
	var device account.Device
	var branch account.Branch
	var kind account.DepartmentKind
	err = st.Update(c.ctx, m.TenantID, func(tx store.Tx) error {
		var err error
		if c.staff, err = tx.GetStaff(c.ctx, m.StaffID); err != nil {
			return err
		}
		if c.actor, err = actorOf(c.ctx, tx, c.staff); err != nil {
			return err
		}
		if device, err = tx.SeeDevice(c.ctx, req.DeviceID, req.DeviceName, c.now); err != nil {
			return err
		}
		if kind, err = c.departmentKind(tx); err != nil {
			return err
		}
		branchID := c.staff.BranchID
		if req.BranchID != 0 {
			branchID = req.BranchID
		}
		if branchID != 0 {
			if branch, err = tx.GetBranch(c.ctx, branchID); errors.Is(err, store.ErrNotFound) {
				return apiErr(http.StatusBadRequest, "invalid_value", "branch_id", nil)
			} else if err != nil {
				return err
			}
			// Another branch than one's own only with a brand-wide (same brand) or studio-wide scope.
			g := c.actor.Grant.Scope
			if branch.ID != c.staff.BranchID && g != account.ScopeAll &&
				(g != account.ScopeBrand || branch.BrandID != c.actor.BrandID) {
				return apiErr(http.StatusForbidden, "out_of_scope", "branch_id", map[string]any{"scope": string(c.actor.Grant.Scope)})
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	c.session.DeviceID = device.ID
	if !c.actor.Can(account.PermSettingsManage) {
		if branch.ID == 0 {
			return nil, apiErr(http.StatusForbidden, "device_no_branch", "branch_id", nil)
		}
		bound := false
		for _, b := range device.BranchIDs {
			bound = bound || b == branch.ID
		}
		if !bound {
			return nil, apiErr(http.StatusForbidden, "device_not_bound", "", map[string]any{
				"device_name": device.Name, "device_code": device.Code, "branch": branch.Name, "branch_id": branch.ID})
		}
	}

	token, hash, err := auth.NewToken()
	if err != nil {
		return nil, err
	}
	sess := store.Session{TokenHash: hash, StaffID: c.staff.ID, DeviceID: device.ID, BranchID: branch.ID,
		CreatedAt: c.now, LastSeen: c.now, ExpiresAt: c.now.Add(s.cfg.SessionIdle)}
	err = c.write(func(tx store.Tx) error {
		if err := tx.InsertSession(c.ctx, sess); err != nil {
			return err
		}
		return c.audit(tx, "auth.login", "staff", c.staff.ID, nil, map[string]any{"device": device.Name, "branch_id": branch.ID})
	})
	if err != nil {
		return nil, err
	}
	if err := st.ClearRateLimit(c.ctx, phoneKey); err != nil {
		s.log.WarnContext(c.ctx, "clear login limit", "err", err)
	}
	c.session = sess
	out := c.sessionView(device, kind)
	out.Token = token
	return out, nil
}

func (c *call) sessionView(device account.Device, kind account.DepartmentKind) Session {
	perms := c.actor.Grant.Permissions
	if perms == nil {
		perms = []account.Permission{}
	}
	return Session{
		ExpiresAt: c.session.ExpiresAt, Tenant: TenantRef{ID: c.tenant.ID, Name: c.tenant.Name}, Staff: c.staff,
		Permissions: perms, DataScope: c.actor.Grant.Scope, BranchID: c.session.BranchID,
		Device: DeviceRef{ID: device.ID, Name: device.Name, Code: device.Code}, DepartmentKind: kind,
	}
}

func (s *Server) logout(c *call) (any, error) {
	err := s.cfg.Store.DeleteSession(c.ctx, c.session.TokenHash)
	if err != nil {
		return nil, err
	}
	return nil, c.write(func(tx store.Tx) error {
		return c.audit(tx, "auth.logout", "staff", c.staff.ID, nil, nil)
	})
}

func (s *Server) me(c *call) (any, error) {
	var device account.Device
	var kind account.DepartmentKind
	err := c.view(func(tx store.Tx) error {
		var err error
		if kind, err = c.departmentKind(tx); err != nil {
			return err
		}
		device, err = tx.GetDevice(c.ctx, c.session.DeviceID)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return c.sessionView(device, kind), nil
}

// PasswordChange is the body of POST /api/v1/me/password.
type PasswordChange struct {
	OldPassword string `json:"old_password"`
	NewPassword string `json:"new_password"`
}

func (s *Server) changePassword(c *call) (any, error) {
	var req PasswordChange
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if err := account.ValidatePassword("new_password", req.NewPassword); err != nil {
		return nil, err
	}
	hash, err := auth.HashPassword(s.cfg.Password, req.NewPassword)
	if err != nil {
		return nil, err
	}
	return nil, c.write(func(tx store.Tx) error {
		old, err := tx.PasswordHash(c.ctx, c.staff.ID)
		if err != nil {
			return err
		}
		if err := auth.CheckPassword(old, req.OldPassword); errors.Is(err, auth.ErrMismatch) {
			return apiErr(http.StatusBadRequest, "password_wrong", "old_password", nil)
		} else if err != nil {
			return err
		}
		if err := tx.SetPasswordHash(c.ctx, c.staff.ID, hash, c.now); err != nil {
			return err
		}
		// Other sessions end; this one stays so the user is not thrown out.
		if err := tx.DeleteStaffSessions(c.ctx, c.staff.ID); err != nil {
			return err
		}
		if err := tx.InsertSession(c.ctx, c.session); err != nil {
			return err
		}
		return c.audit(tx, "staff.password_change", "staff", c.staff.ID, nil, nil)
	})
}

// PermissionCatalog lists permissions and scopes for role editing.
type PermissionCatalog struct {
	Permissions []account.PermissionInfo `json:"permissions"`
	Scopes      []account.Scope          `json:"scopes"`
}

func (s *Server) permissions(c *call) (any, error) {
	return PermissionCatalog{Permissions: account.Catalog(), Scopes: account.Scopes()}, nil
}

// SetupStatus counts what the first-run checklist needs.
type SetupStatus struct {
	Brands       int `json:"brands"`
	Branches     int `json:"branches"`
	Departments  int `json:"departments"`
	Staff        int `json:"staff"`
	Roles        int `json:"roles"`
	CustomRoles  int `json:"custom_roles"`
	Channels     int `json:"channels"`
	Devices      int `json:"devices"`
	BoundDevices int `json:"bound_devices"`
}

func (s *Server) setupStatus(c *call) (any, error) {
	if err := c.require(account.PermSettingsManage); err != nil {
		return nil, err
	}
	var st SetupStatus
	err := c.view(func(tx store.Tx) error {
		brands, err := tx.ListBrands(c.ctx)
		if err != nil {
			return err
		}
		branches, err := tx.ListBranches(c.ctx)
		if err != nil {
			return err
		}
		depts, err := tx.ListDepartments(c.ctx)
		if err != nil {
			return err
		}
		staff, err := tx.ListStaff(c.ctx)
		if err != nil {
			return err
		}
		roles, err := tx.ListRoles(c.ctx)
		if err != nil {
			return err
		}
		channels, err := tx.ListChannels(c.ctx)
		if err != nil {
			return err
		}
		devices, err := tx.ListDevices(c.ctx)
		if err != nil {
			return err
		}
		st = SetupStatus{Brands: len(brands), Branches: len(branches), Departments: len(depts), Staff: len(staff),
			Roles: len(roles), Channels: len(channels), Devices: len(devices)}
		for _, r := range roles {
			if !r.Builtin {
				st.CustomRoles++
			}
		}
		for _, d := range devices {
			if len(d.BranchIDs) > 0 {
				st.BoundDevices++
			}
		}
		return nil
	})
	return st, err
}
