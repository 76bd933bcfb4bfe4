// Package account holds the pure rules of studio accounts: the permission catalog, built-in
// roles, data scopes, phone normalization and staff validation. It does no I/O; the store and
// the HTTP API call it, and the desktop uses the same rules offline.
package account

import "slices"

// Permission is a key of the permission catalog. Keys are stable: they are stored in roles and
// mirrored in the UI's i18n.
type Permission string

// The permission catalog (LEADS.md "Permissions", plus album work).
const (
	PermLeadCreate         Permission = "lead.create"
	PermLeadCreateReferral Permission = "lead.create_referral"
	PermLeadAssign         Permission = "lead.assign"
	PermLeadTransfer       Permission = "lead.transfer"
	PermLeadCorrectStatus  Permission = "lead.correct_status"
	PermLeadBatchEdit      Permission = "lead.batch_edit"
	PermLeadImport         Permission = "lead.import"
	PermLeadExport         Permission = "lead.export"
	PermLeadRevealPhone    Permission = "lead.reveal_phone"
	PermReferralApprove    Permission = "referral.approve"
	PermPoolClaim          Permission = "pool.claim"
	PermCheckinOthers      Permission = "checkin.others"
	PermStaffManage        Permission = "staff.manage"
	PermSettingsManage     Permission = "settings.manage"
	PermChannelSpend       Permission = "channel.spend"
	PermReportView         Permission = "report.view"
	PermOrderManage        Permission = "order.manage"
	PermAlbumManage        Permission = "album.manage"
	PermCreditsView        Permission = "credits.view"
)

// PermissionInfo describes a catalog entry for the UI (labels are localized there).
type PermissionInfo struct {
	Key   Permission `json:"key"`
	Group string     `json:"group"`
}

// Catalog lists every permission in display order.
func Catalog() []PermissionInfo {
	return []PermissionInfo{
		{PermLeadCreate, "lead"}, {PermLeadCreateReferral, "lead"}, {PermLeadAssign, "lead"},
		{PermLeadTransfer, "lead"}, {PermLeadCorrectStatus, "lead"}, {PermLeadBatchEdit, "lead"},
		{PermLeadImport, "lead"}, {PermLeadExport, "lead"}, {PermLeadRevealPhone, "lead"},
		{PermReferralApprove, "lead"}, {PermPoolClaim, "lead"}, {PermCheckinOthers, "lead"},
		{PermChannelSpend, "report"}, {PermReportView, "report"},
		{PermOrderManage, "album"}, {PermAlbumManage, "album"}, {PermCreditsView, "album"},
		{PermStaffManage, "admin"}, {PermSettingsManage, "admin"},
	}
}

// ValidPermission reports whether p is in the catalog.
func ValidPermission(p Permission) bool {
	return slices.ContainsFunc(Catalog(), func(i PermissionInfo) bool { return i.Key == p })
}

// Scope is a role's data scope: which records of the studio its holder may see and change.
type Scope string

// Data scopes from narrowest to widest.
const (
	ScopeOwn    Scope = "own"
	ScopeGroup  Scope = "group"
	ScopeBranch Scope = "branch"
	ScopeBrand  Scope = "brand"
	ScopeAll    Scope = "all"
)

// Scopes lists the data scopes from narrowest to widest.
func Scopes() []Scope { return []Scope{ScopeOwn, ScopeGroup, ScopeBranch, ScopeBrand, ScopeAll} }

// rank orders scopes; an unknown scope ranks below own so it never widens access.
func (s Scope) rank() int { return slices.Index(Scopes(), s) }

// Valid reports whether s is a known scope.
func (s Scope) Valid() bool { return s.rank() >= 0 }

// Wider returns the more permissive of two scopes.
func Wider(a, b Scope) Scope {
	if b.rank() > a.rank() {
		return b
	}
	return a
}

// Grant is what a staff member may do: the union of their roles' permissions and the widest
// of their scopes (several roles merge to the most permissive).
type Grant struct {
	Permissions []Permission
	Scope       Scope
}

// Merge combines roles into one grant.
func Merge(roles []Role) Grant {
	g := Grant{Scope: ScopeOwn}
	seen := map[Permission]bool{}
	for _, r := range roles {
		g.Scope = Wider(g.Scope, r.Scope)
		for _, p := range r.Permissions {
			if !seen[p] {
				seen[p] = true
				g.Permissions = append(g.Permissions, p)
			}
		}
	}
	slices.Sort(g.Permissions)
	return g
}

// Has reports whether the grant includes p.
func (g Grant) Has(p Permission) bool { return slices.Contains(g.Permissions, p) }

// Covers reports whether g holds every permission of r and at least r's scope: a role
// manager may only hand out what they hold themselves (no escalation).
func (g Grant) Covers(r Role) bool {
	for _, p := range r.Permissions {
		if !g.Has(p) {
			return false
		}
	}
	return g.Scope.rank() >= r.Scope.rank()
}
