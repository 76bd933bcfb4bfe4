package lead

import "time"

// New starts a lead from a record already checked by Normalize: validity pending, booking
// unassigned — or to_call when it arrives with a booking owner (a booker entering their own
// lead, see AssignTo, has nobody to wait for) — store awaiting, counters and reasons zero, CreatedAt and
// UpdatedAt now. A referral entered by someone without the referral permission
// (referralAllowed false) waits for approval (ApprovalPending); otherwise no approval.
// ID and Version are the store's. The EventCreated carries {source_type, approval} when set.
func New(in Lead, referralAllowed bool, now time.Time) (Lead, Event) {
	l := in
	l.Validity, l.InvalidReason = ValidityPending, ""
	l.Booking, l.LostReason = BookingUnassigned, ""
	if l.BookingOwnerID != 0 {
		l.Booking = BookingToCall
	}
	l.BookedBranchID, l.BookedAt, l.NoShows = 0, nil, 0
	l.Store, l.StoreLostReason, l.DealAmount = StoreAwaiting, "", 0
	l.RepeatCount = 0
	l.Approval = ApprovalNone
	if l.Source == SourceReferral && !referralAllowed {
		l.Approval = ApprovalPending
	}
	l.CreatedAt, l.UpdatedAt = now, now
	ev := newEvent(l, EventCreated, now)
	data := map[string]any{}
	if l.Source != "" {
		data["source_type"] = string(l.Source)
	}
	if l.Approval != ApprovalNone {
		data["approval"] = string(l.Approval)
	}
	ev.Data = eventData(data)
	return l, ev
}
