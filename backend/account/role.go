package account

import (
	"strings"
	"unicode/utf8"
)

// Role is a named set of permissions with a data scope. Built-in roles carry a Key and are
// read-only; custom roles have an empty Key.
type Role struct {
	ID          int64        `json:"id"`
	Key         string       `json:"key"`
	Name        string       `json:"name"`
	Builtin     bool         `json:"builtin"`
	Permissions []Permission `json:"permissions"`
	Scope       Scope        `json:"data_scope"`
}

// RoleAdmin is the key of the built-in administrator role; a studio always keeps at least one
// active staff member holding it.
const RoleAdmin = "admin"

// BuiltinRoles returns the roles every studio starts with. Names are the zh-CN defaults; the
// UI localizes built-ins by Key.
func BuiltinRoles() []Role {
	all := make([]Permission, 0, len(Catalog()))
	for _, p := range Catalog() {
		all = append(all, p.Key)
	}
	return []Role{
		{Key: RoleAdmin, Name: "管理员", Builtin: true, Scope: ScopeAll, Permissions: all},
		{Key: "manager", Name: "店长", Builtin: true, Scope: ScopeBranch, Permissions: []Permission{
			PermLeadCreate, PermLeadCreateReferral, PermLeadAssign, PermLeadTransfer,
			PermLeadCorrectStatus, PermLeadBatchEdit, PermLeadImport, PermLeadExport,
			PermLeadRevealPhone, PermReferralApprove, PermPoolClaim, PermCheckinOthers,
			PermStaffManage, PermChannelSpend, PermReportView, PermOrderManage, PermAlbumManage,
		}},
		{Key: "intake", Name: "客服", Builtin: true, Scope: ScopeOwn, Permissions: []Permission{
			PermLeadCreate, PermLeadCreateReferral, PermLeadImport,
		}},
		{Key: "booking", Name: "邀约", Builtin: true, Scope: ScopeOwn, Permissions: []Permission{
			PermLeadCreate, PermPoolClaim,
		}},
		{Key: "store", Name: "门店", Builtin: true, Scope: ScopeOwn, Permissions: []Permission{
			PermLeadCreate, PermOrderManage, PermAlbumManage,
		}},
		{Key: "referral", Name: "转介绍", Builtin: true, Scope: ScopeOwn, Permissions: []Permission{
			PermLeadCreateReferral,
		}},
		{Key: "channel", Name: "渠道", Builtin: true, Scope: ScopeOwn, Permissions: []Permission{
			PermChannelSpend, PermReportView,
		}},
	}
}

// MaxNameLen bounds every display name (brands, branches, staff, roles, channels).
const MaxNameLen = 64

// ValidateRole checks a custom role before it is stored.
func ValidateRole(r Role) error {
	var errs FieldErrors
	errs.name("name", r.Name)
	if !r.Scope.Valid() {
		errs.add("data_scope", CodeInvalidValue, map[string]any{"allowed": "own, group, branch, brand, all"})
	}
	for _, p := range r.Permissions {
		if !ValidPermission(p) {
			errs.add("permissions", CodeInvalidValue, map[string]any{"value": string(p)})
			break
		}
	}
	return errs.Err()
}

// name validates a required display name.
func (e *FieldErrors) name(field, v string) {
	v = strings.TrimSpace(v)
	switch {
	case v == "":
		e.add(field, CodeRequired, nil)
	case utf8.RuneCountInString(v) > MaxNameLen:
		e.add(field, CodeTooLong, map[string]any{"max": MaxNameLen})
	}
}
