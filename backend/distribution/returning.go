package distribution

// PreviousOwner returns the member who owned a returning customer's earlier lead, when they
// are still active (LEADS.md, distribution rule 7): the customer goes back to the person they
// know. Only Active is checked — not check-in, caps or scope — because the relationship is
// the point: a day off or a full queue delays the follow-up, it does not make a stranger the
// better choice. cands should be the brand's staff (not only one group's eligible members),
// since the previous owner may have moved group. It returns false when prevOwnerID is 0, not
// among cands, or disabled; the caller then routes the lead like a new one.
func PreviousOwner(prevOwnerID int64, cands []Candidate) (Candidate, bool) {
	if prevOwnerID <= 0 {
		return Candidate{}, false
	}
	for _, c := range cands {
		if c.StaffID == prevOwnerID {
			if !c.Active {
				return Candidate{}, false
			}
			return c, true
		}
	}
	return Candidate{}, false
}
