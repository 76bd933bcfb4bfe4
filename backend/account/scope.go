package account

// Actor is who is acting: the staff member, where they sit, and what their roles grant.
type Actor struct {
	StaffID      int64
	BranchID     int64
	BrandID      int64
	DepartmentID int64
	Grant        Grant
	// ChannelIDs, when not nil, are the only channels whose records the actor may see
	// (channel-group staff); nil means no channel limit.
	ChannelIDs []int64
}

// Placement says where a record sits for data-scope checks: its owning staff member and that
// member's department, branch and brand. Leads, staff and orders all reduce to one.
type Placement struct {
	OwnerID      int64
	DepartmentID int64
	BranchID     int64
	BrandID      int64
}

// InScope reports whether the actor's data scope reaches a record placed at p.
func (a Actor) InScope(p Placement) bool {
	switch a.Grant.Scope {
	case ScopeAll:
		return true
	case ScopeBrand:
		return a.BrandID != 0 && p.BrandID == a.BrandID
	case ScopeBranch:
		return a.BranchID != 0 && p.BranchID == a.BranchID
	case ScopeGroup:
		return a.DepartmentID != 0 && p.DepartmentID == a.DepartmentID
	case ScopeOwn:
		return p.OwnerID == a.StaffID
	}
	return false
}

// Can reports whether the actor holds permission p.
func (a Actor) Can(p Permission) bool { return a.Grant.Has(p) }
