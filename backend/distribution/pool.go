package distribution

import "time"

// PoolPolicy is a brand's claim pool (公海) configuration. Every duration is a plain count of
// hours or 24-hour days, not calendar days, so a timer means the same in every time zone. A
// value of 0 (or less) switches that rule off.
type PoolPolicy struct {
	// NoFollowUpHours recycles a lead when its owner has not followed up for this long
	// (counted from the assignment until the first follow-up, then from the latest one).
	NoFollowUpHours int `json:"no_follow_up_hours"`
	// NoBookingDays recycles a lead not booked this many days after assignment.
	NoBookingDays int `json:"no_booking_days"`
	// ProtectMaxDays is the hard maximum: however active the owner, an unbooked lead
	// recycles this many days after assignment, so nobody hoards leads by calling them daily.
	ProtectMaxDays int `json:"protect_max_days"`
	// ActivityExtendHours: a follow-up pushes the no-booking deadline to at least this long
	// after it, within ProtectMaxDays.
	ActivityExtendHours int `json:"activity_extend_hours"`
	// CooldownHours is how long the owner who released a lead (or lost it to the pool) must
	// wait before claiming it back, so recycling cannot be dodged by a release-and-reclaim.
	CooldownHours int `json:"cooldown_hours"`
	// HoldingCap bounds the open leads a member may hold when claiming from the pool.
	HoldingCap int `json:"holding_cap"`
}

// DefaultPoolPolicy is the policy of a brand that has not configured its pool: 48 hours to
// follow up, 7 days to book, 30 days at most, 24 hours of extension per follow-up, 72 hours
// of cool-down. HoldingCap is 0 (no cap) because a cap nobody chose would block claims
// with no obvious cause; the brand sets one when hoarding becomes a problem.
func DefaultPoolPolicy() PoolPolicy {
	return PoolPolicy{
		NoFollowUpHours:     48,
		NoBookingDays:       7,
		ProtectMaxDays:      30,
		ActivityExtendHours: 24,
		CooldownHours:       72,
		HoldingCap:          0,
	}
}

// Basis says which rule set a lead's recycle time, or why it has none; the lead page shows it
// next to the time ("recycles 18:00 — no follow-up").
type Basis string

// Bases of a recycle time.
const (
	BasisNoFollowUp    Basis = "no_follow_up"   // NoFollowUpHours after the last follow-up
	BasisNoBooking     Basis = "no_booking"     // NoBookingDays after assignment, or extended
	BasisMaxProtection Basis = "max_protection" // the ProtectMaxDays hard maximum
	BasisLocked        Basis = "locked"         // no recycle time: locked leads never recycle
	BasisBooked        Basis = "booked"         // no recycle time: booked or beyond
	BasisNoRule        Basis = "no_rule"        // no recycle time: every rule is switched off
)

// Explain computes when an owned lead goes back to the pool and which rule decides it.
//
// It returns nil with BasisLocked when locked, and nil with BasisBooked when booked is true:
// the caller passes booked for a lead whose booking status is booked or visited or whose
// store status is past awaiting — from then on the lead is in the store's hands and the pool
// would only take a customer away from the person serving them. A lead that goes back to
// "calling" after a no-show passes booked=false again and its timers resume.
//
// Otherwise the lead recycles at the earliest of:
//   - NoFollowUpHours after lastActivity, or after assignedAt when there is none yet;
//   - NoBookingDays after assignedAt, pushed to ActivityExtendHours after lastActivity if
//     that is later;
//   - ProtectMaxDays after assignedAt, the hard maximum no activity passes.
//
// lastActivity before assignedAt is ignored: it belongs to a previous owner, and a new owner
// starts with fresh timers.
func Explain(p PoolPolicy, assignedAt time.Time, lastActivity *time.Time, booked, locked bool) (*time.Time, Basis) {
	switch {
	case locked:
		return nil, BasisLocked
	case booked:
		return nil, BasisBooked
	}
	var (
		at    time.Time
		basis = BasisNoRule
	)
	consider := func(t time.Time, b Basis) {
		if basis == BasisNoRule || t.Before(at) {
			at, basis = t, b
		}
	}
	last, active := assignedAt, lastActivity != nil && !lastActivity.Before(assignedAt)
	if active {
		last = *lastActivity
	}
	if p.NoFollowUpHours > 0 {
		consider(last.Add(hours(p.NoFollowUpHours)), BasisNoFollowUp)
	}
	if p.NoBookingDays > 0 {
		t := assignedAt.Add(days(p.NoBookingDays))
		if ext := last.Add(hours(p.ActivityExtendHours)); active && p.ActivityExtendHours > 0 && ext.After(t) {
			t = ext
		}
		consider(t, BasisNoBooking)
	}
	if p.ProtectMaxDays > 0 {
		consider(assignedAt.Add(days(p.ProtectMaxDays)), BasisMaxProtection)
	}
	if basis == BasisNoRule {
		return nil, BasisNoRule
	}
	return &at, basis
}

// Protection is Explain without the basis: the time the lead recycles, or nil when it never
// does in its current state (locked, booked or beyond, or every rule switched off).
func Protection(p PoolPolicy, assignedAt time.Time, lastActivity *time.Time, booked, locked bool) *time.Time {
	t, _ := Explain(p, assignedAt, lastActivity, booked, locked)
	return t
}

// Due reports whether the lead should go back to the pool at now. The recycle job calls it to
// re-check each candidate row inside its transaction, since a follow-up may have landed after
// the row was selected.
func Due(p PoolPolicy, assignedAt time.Time, lastActivity *time.Time, booked, locked bool, now time.Time) bool {
	t := Protection(p, assignedAt, lastActivity, booked, locked)
	return t != nil && !now.Before(*t)
}

// Timers is the pool protection a lead carries; the store persists it with the lead.
type Timers struct {
	// AssignedAt is when the current owner got the lead, by any path.
	AssignedAt time.Time `json:"assigned_at"`
	// LastActivity is the current owner's latest follow-up (nil = none yet).
	LastActivity *time.Time `json:"last_activity,omitempty"`
	// RecycleAt is when the lead goes back to the pool; nil = not while Basis holds.
	RecycleAt *time.Time `json:"recycle_at,omitempty"`
	// Basis is the rule behind RecycleAt, or why it is nil; shown next to the time.
	Basis Basis `json:"basis"`
}

// OwnerChanged returns the timers of a lead that got a new owner at `at`. It is the one
// function every owner change calls — assign, transfer, import, claim, returning customer,
// re-open — so no path can carry the previous owner's clock over (a known bug of other CRMs:
// recycle timers not reset on transfer). The previous owner's activity is dropped.
func OwnerChanged(p PoolPolicy, at time.Time, booked, locked bool) Timers {
	return Timers{AssignedAt: at}.Recompute(p, booked, locked)
}

// Touched records a follow-up by the current owner at `at` and recomputes. A follow-up older
// than the one already recorded (a late sync from an offline desktop) does not move the clock
// back, and one from before AssignedAt belongs to the previous owner and is ignored.
func (t Timers) Touched(p PoolPolicy, at time.Time, booked, locked bool) Timers {
	if !at.Before(t.AssignedAt) && (t.LastActivity == nil || at.After(*t.LastActivity)) {
		t.LastActivity = &at
	}
	return t.Recompute(p, booked, locked)
}

// Recompute refreshes RecycleAt and Basis after anything else that moves them: a lock or
// unlock, a booking or a no-show, or a policy change.
func (t Timers) Recompute(p PoolPolicy, booked, locked bool) Timers {
	t.RecycleAt, t.Basis = Explain(p, t.AssignedAt, t.LastActivity, booked, locked)
	return t
}

// CanClaim decides whether claimer may claim a lead from the pool at now. holding is the
// open leads claimer holds now; prevOwner is who held the lead before it went to the pool and
// releasedAt when it did (nil = never owned). Refusals, checked in this order: no_claimer
// (claimer is not a staff id), holding_cap (holding reached p.HoldingCap), cooldown (claimer
// is prevOwner and fewer than CooldownHours have passed since releasedAt). The cap comes
// before the cool-down because it is the one the claimer can act on now, by closing leads.
func CanClaim(p PoolPolicy, claimer int64, holding int, prevOwner int64, releasedAt *time.Time, now time.Time) (ok bool, reason Reason) {
	switch {
	case claimer <= 0:
		return false, ReasonNoClaimer
	case p.HoldingCap > 0 && holding >= p.HoldingCap:
		return false, ReasonHoldingCap
	case p.CooldownHours > 0 && claimer == prevOwner && releasedAt != nil &&
		now.Before(releasedAt.Add(hours(p.CooldownHours))):
		return false, ReasonCooldown
	}
	return true, ""
}

func hours(n int) time.Duration { return time.Duration(n) * time.Hour }
func days(n int) time.Duration  { return time.Duration(n) * 24 * time.Hour }
