package lead

import (
	"slices"

	"github.com/studiodesk/studiodesk/backend/account"
)

// Scope is where a lead sits for data-scope checks: who takes part in it (current owner,
// stage owners, creator), the owner's department, the lead's branch, brand and channel.
// The change feed stores it with every change so a pull can tell who may see it.
type Scope struct {
	People       []int64 `json:"people,omitempty"`
	DepartmentID int64   `json:"dept,omitempty"`
	BranchID     int64   `json:"branch,omitempty"`
	BrandID      int64   `json:"brand,omitempty"`
	ChannelID    int64   `json:"channel,omitempty"`
}

// ScopeOf returns the scope of l.
func ScopeOf(l Lead) Scope {
	s := Scope{DepartmentID: l.OwnerDepartmentID, BranchID: l.BranchID, BrandID: l.BrandID, ChannelID: l.ChannelID}
	for _, id := range []int64{l.OwnerID, l.IntakeOwnerID, l.BookingOwnerID, l.StoreOwnerID, l.CreatedBy} {
		if id != 0 && !slices.Contains(s.People, id) {
			s.People = append(s.People, id)
		}
	}
	return s
}

// Visible reports whether an actor's data scope reaches a lead with scope s. Everyone sees
// the leads they take part in (the one they own now, stages they own, the ones they entered);
// wider scopes add their group, branch or brand. The same rule is written as SQL in the
// store's lead list; the API tests hold the two together.
func Visible(a account.Actor, s Scope) bool {
	if a.ChannelIDs != nil && !slices.Contains(a.ChannelIDs, s.ChannelID) {
		return false // channel-group staff see their channels' leads only
	}
	if slices.Contains(s.People, a.StaffID) {
		return true
	}
	switch a.Grant.Scope {
	case account.ScopeAll:
		return true
	case account.ScopeBrand:
		return a.BrandID != 0 && s.BrandID == a.BrandID
	case account.ScopeBranch:
		return a.BranchID != 0 && s.BranchID == a.BranchID
	case account.ScopeGroup:
		return a.DepartmentID != 0 && s.DepartmentID == a.DepartmentID
	}
	return false
}
