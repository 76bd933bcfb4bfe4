package distribution

// Candidate is one staff member as the assignment code sees them at one moment. The store
// fills it from the staff, check-in and lead tables; the choosers never look anything up.
type Candidate struct {
	StaffID int64  `json:"staff_id"`
	Name    string `json:"name"`
	// Active is false for disabled (离职/停用) staff; they are never offered a lead.
	Active bool `json:"active"`
	// CheckedIn says the member checked in today (in the brand's time zone).
	CheckedIn bool `json:"checked_in"`
	// InScope says the assigner's data scope covers this member.
	InScope bool `json:"in_scope"`
	// AssignedToday counts leads given to the member today; DailyCap bounds it (0 = no cap).
	AssignedToday int `json:"assigned_today"`
	DailyCap      int `json:"daily_cap"`
	// Holding counts open leads the member holds now; HoldingCap bounds it (0 = no cap).
	Holding    int `json:"holding"`
	HoldingCap int `json:"holding_cap"`
	// Weight is the member's share in weighted distribution; values below 1 count as 1 so a
	// misconfigured member is still served rather than silently starved.
	Weight int `json:"weight"`
	// OpenLeads counts open leads in the stage being distributed, for least-loaded.
	OpenLeads int `json:"open_leads"`
}

// Reason is a stable code saying why a member is not offered a lead or may not claim one.
// The codes are part of the API: the UI translates them, audits store them.
type Reason string

// Reasons a member is excluded (see Eligible for the order they are checked in) or a claim
// is refused (see CanClaim).
const (
	ReasonDisabled     Reason = "disabled"       // the account is not active
	ReasonNotCheckedIn Reason = "not_checked_in" // off duty today
	ReasonDailyCap     Reason = "daily_cap"      // AssignedToday reached DailyCap
	ReasonHoldingCap   Reason = "holding_cap"    // Holding reached HoldingCap
	ReasonOutOfScope   Reason = "out_of_scope"   // outside the assigner's data scope
	ReasonCooldown     Reason = "cooldown"       // previous owner re-claiming too soon
	ReasonNoClaimer    Reason = "no_claimer"     // claimer id is not a staff id
)

// Exclusion is one line of the "who is not offered and why" list of the assign dialog.
type Exclusion struct {
	StaffID int64  `json:"staff_id"`
	Name    string `json:"name"`
	Reason  Reason `json:"reason"`
}

// Eligible splits cands into those who may be offered a lead now and those who may not,
// keeping the input order in both lists so the dialog lists people the way the caller sorted
// them. needCheckIn is false for groups that do not use check-in.
//
// Each excluded member gets exactly one reason: the first that fails in the order disabled,
// not_checked_in, daily_cap, holding_cap, out_of_scope. Facts about the member come first,
// from the most lasting (the account) to the most momentary (the counts), and the one fact
// about the assigner (their scope) comes last, so the dialog answers the question a manager
// asks first ("does this person work today at all?"). One reason per member keeps the list
// readable and the codes comparable across audits.
func Eligible(cands []Candidate, needCheckIn bool) (ok []Candidate, excluded []Exclusion) {
	for _, c := range cands {
		if r := exclusion(c, needCheckIn); r != "" {
			excluded = append(excluded, Exclusion{StaffID: c.StaffID, Name: c.Name, Reason: r})
			continue
		}
		ok = append(ok, c)
	}
	return ok, excluded
}

// exclusion returns why c may not be offered a lead, or "" when it may.
func exclusion(c Candidate, needCheckIn bool) Reason {
	switch {
	case !c.Active:
		return ReasonDisabled
	case needCheckIn && !c.CheckedIn:
		return ReasonNotCheckedIn
	case overDailyCap(c):
		return ReasonDailyCap
	case overHoldingCap(c):
		return ReasonHoldingCap
	case !c.InScope:
		return ReasonOutOfScope
	}
	return ""
}

func overDailyCap(c Candidate) bool   { return c.DailyCap > 0 && c.AssignedToday >= c.DailyCap }
func overHoldingCap(c Candidate) bool { return c.HoldingCap > 0 && c.Holding >= c.HoldingCap }

// underCaps reports whether c may take one more lead without passing a cap.
func underCaps(c Candidate) bool { return !overDailyCap(c) && !overHoldingCap(c) }
