package distribution

import "slices"

// Rule routes matching new leads to a department (group), which then distributes them by
// Method. Zero IDs and an empty Segment mean "any".
type Rule struct {
	ID       int64 `json:"id"`
	Priority int   `json:"priority"` // higher wins among equally specific rules
	// Conditions; a rule matches a lead when every non-zero condition equals the lead's fact.
	ChannelID      int64  `json:"channel_id,omitempty"`
	ChannelGroupID int64  `json:"channel_group_id,omitempty"`
	BranchID       int64  `json:"branch_id,omitempty"`
	Segment        string `json:"segment,omitempty"` // exact code, e.g. "wedding_high_end"
	// TargetDepartmentID is the group that receives the lead.
	TargetDepartmentID int64 `json:"target_department_id"`
	// Method overrides the target group's own method; "" means use the group's.
	Method Method `json:"method,omitempty"`
}

// LeadFacts are the facts of a new lead that rules look at.
type LeadFacts struct {
	ChannelID      int64  `json:"channel_id,omitempty"`
	ChannelGroupID int64  `json:"channel_group_id,omitempty"`
	BranchID       int64  `json:"branch_id,omitempty"`
	Segment        string `json:"segment,omitempty"`
}

// Matches reports whether every condition r sets holds for f.
func (r Rule) Matches(f LeadFacts) bool {
	return (r.ChannelID == 0 || r.ChannelID == f.ChannelID) &&
		(r.ChannelGroupID == 0 || r.ChannelGroupID == f.ChannelGroupID) &&
		(r.BranchID == 0 || r.BranchID == f.BranchID) &&
		(r.Segment == "" || r.Segment == f.Segment)
}

// Specificity measures how narrow r is, from 0 (catch-all) to 4: a single channel counts 2
// (it narrows within a channel group, so naming the group as well adds nothing), a channel
// group 1, a branch 1 and a segment 1. Counting a channel above its group is what lets a
// "this one Douyin account goes to team X" rule beat a "Douyin group goes to team Y" rule
// without anyone touching priorities.
func (r Rule) Specificity() int {
	s := 0
	switch {
	case r.ChannelID != 0:
		s += 2
	case r.ChannelGroupID != 0:
		s++
	}
	if r.BranchID != 0 {
		s++
	}
	if r.Segment != "" {
		s++
	}
	return s
}

// Match returns the rule that routes a lead with facts f, and false when none matches (the
// caller then uses the brand's default group or leaves the lead for manual assignment).
//
// Among matching rules it takes the most specific (Specificity), then the highest Priority,
// then the lowest ID. Specificity comes first because an exception ("this branch's Douyin
// leads") is written to override the general case and should not silently lose to it because
// of a number someone set years ago; Priority settles rules equally narrow but different
// (a branch rule against a segment rule); the lowest ID — the older rule — makes the result
// total, so the same rules and facts always give the same answer.
func Match(rules []Rule, f LeadFacts) (Rule, bool) {
	best, found := Rule{}, false
	for _, r := range rules {
		if r.Matches(f) && (!found || ruleBefore(r, best)) {
			best, found = r, true
		}
	}
	return best, found
}

// Ordered returns a copy of rules in the order Match considers them, so the settings page can
// show the evaluation order it will actually use.
func Ordered(rules []Rule) []Rule {
	out := slices.Clone(rules)
	slices.SortStableFunc(out, func(a, b Rule) int {
		switch {
		case ruleBefore(a, b):
			return -1
		case ruleBefore(b, a):
			return 1
		}
		return 0
	})
	return out
}

func ruleBefore(a, b Rule) bool {
	if sa, sb := a.Specificity(), b.Specificity(); sa != sb {
		return sa > sb
	}
	if a.Priority != b.Priority {
		return a.Priority > b.Priority
	}
	return a.ID < b.ID
}
