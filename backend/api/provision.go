package api

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/studiodesk/studiodesk/backend/account"
	"github.com/studiodesk/studiodesk/backend/auth"
	"github.com/studiodesk/studiodesk/backend/store"
)

// NewTenant is what an operator provides to open a studio.
type NewTenant struct {
	Name       string
	AdminPhone string
	AdminName  string
	Seats      int
}

// Provisioned is a created studio and its first admin's one-time password.
type Provisioned struct {
	Tenant   account.Tenant
	Admin    account.Staff
	Password string
}

// CreateTenant opens a studio with the built-in roles and a first admin, in one transaction,
// audited as done by the operator (actor 0). Used by the server CLI and the demo.
func CreateTenant(ctx context.Context, st store.Store, p auth.Params, in NewTenant, now time.Time) (Provisioned, error) {
	var out Provisioned
	name := strings.TrimSpace(in.Name)
	var errs account.FieldErrors
	if name == "" {
		errs = append(errs, &account.FieldError{FieldName: "name", ErrCode: account.CodeRequired})
	}
	phone, err := account.NormalizePhone("admin-phone", in.AdminPhone)
	if err != nil {
		return out, err
	}
	if err := errs.Err(); err != nil {
		return out, err
	}
	if in.AdminName = strings.TrimSpace(in.AdminName); in.AdminName == "" {
		in.AdminName = "管理员"
	}
	pw, err := auth.GeneratePassword()
	if err != nil {
		return out, err
	}
	hash, err := auth.HashPassword(p, pw)
	if err != nil {
		return out, err
	}
	out.Password = pw
	out.Tenant, err = st.CreateTenant(ctx, account.Tenant{Name: name, SeatLimit: in.Seats, CreatedAt: now}, func(tx store.Tx) error {
		var adminRole account.Role
		for _, r := range account.BuiltinRoles() {
			r, err := tx.InsertRole(ctx, r)
			if err != nil {
				return err
			}
			if r.Key == account.RoleAdmin {
				adminRole = r
			}
		}
		admin, err := tx.InsertStaff(ctx, account.Staff{Phone: phone, Name: in.AdminName, RoleIDs: []int64{adminRole.ID},
			CreatedAt: now, UpdatedAt: now}, hash)
		if err != nil {
			return err
		}
		out.Admin = admin
		return tx.AppendAudit(ctx, store.AuditEntry{ActorName: "operator", Action: "tenant.create", Entity: "staff",
			EntityID: fmt.Sprint(admin.ID), After: rawJSON(admin), CreatedAt: now})
	})
	if err != nil {
		return out, fmt.Errorf("create studio %q: %w", name, err)
	}
	if err := st.EnqueueJob(ctx, store.Job{Kind: JobRetention, TenantID: out.Tenant.ID, RunAt: now}); err != nil {
		return out, err
	}
	if err := st.EnqueueJob(ctx, store.Job{Kind: JobSweep, TenantID: out.Tenant.ID, RunAt: now}); err != nil {
		return out, fmt.Errorf("schedule jobs of studio %q: %w", name, err)
	}
	return out, nil
}

// ErrAmbiguousPhone: the phone has accounts in several studios and no tenant was named.
var ErrAmbiguousPhone = errors.New("phone has accounts in several studios: pass the studio id")

// ResetPassword gives a staff member (found by phone, optionally in one studio) a new
// one-time password and ends their sessions; for the operator CLI when an admin is locked out.
func ResetPassword(ctx context.Context, st store.Store, p auth.Params, tenantID int64, rawPhone string, now time.Time) (store.LoginCandidate, string, error) {
	phone, err := account.NormalizePhone("phone", rawPhone)
	if err != nil {
		return store.LoginCandidate{}, "", err
	}
	cands, err := st.LoginCandidates(ctx, phone)
	if err != nil {
		return store.LoginCandidate{}, "", err
	}
	var match []store.LoginCandidate
	for _, c := range cands {
		if tenantID == 0 || c.TenantID == tenantID {
			match = append(match, c)
		}
	}
	switch {
	case len(match) == 0:
		return store.LoginCandidate{}, "", fmt.Errorf("no staff with phone %s: %w", account.MaskPhone(phone), store.ErrNotFound)
	case len(match) > 1:
		return store.LoginCandidate{}, "", ErrAmbiguousPhone
	}
	m := match[0]
	pw, err := auth.GeneratePassword()
	if err != nil {
		return m, "", err
	}
	hash, err := auth.HashPassword(p, pw)
	if err != nil {
		return m, "", err
	}
	err = st.Update(ctx, m.TenantID, func(tx store.Tx) error {
		if err := tx.SetPasswordHash(ctx, m.StaffID, hash, now); err != nil {
			return err
		}
		if err := tx.DeleteStaffSessions(ctx, m.StaffID); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, store.AuditEntry{ActorName: "operator", Action: "staff.reset_password", Entity: "staff",
			EntityID: fmt.Sprint(m.StaffID), CreatedAt: now})
	})
	return m, pw, err
}
