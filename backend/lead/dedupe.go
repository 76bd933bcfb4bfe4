package lead

import (
	"time"

	"github.com/studiodesk/studiodesk/backend/account"
)

// Summary is what someone entering an existing phone is shown about the lead that has it:
// enough to know whom to ask, never the full phone.
type Summary struct {
	LeadID  int64  `json:"lead_id"`
	Phone   string `json:"phone"` // masked
	OwnerID int64  `json:"owner_id,omitempty"`
	// StageAxis and Stage say where the lead is: the validity axis while it is pending or
	// invalid and nothing else moved, else the furthest axis that moved (store, then booking).
	StageAxis    Axis       `json:"stage_axis"`
	Stage        string     `json:"stage"`
	LastFollowUp *time.Time `json:"last_follow_up,omitempty"`
}

// Summarize returns the duplicate summary of l.
func Summarize(l Lead) Summary {
	s := Summary{LeadID: l.ID, Phone: account.MaskPhone(l.Phone), OwnerID: l.OwnerID, LastFollowUp: l.LastFollowUp}
	switch {
	case l.Validity == ValidityInvalid:
		s.StageAxis, s.Stage = AxisValidity, string(l.Validity)
	case l.Store != StoreAwaiting && l.Store != "":
		s.StageAxis, s.Stage = AxisStore, string(l.Store)
	case l.Booking != BookingUnassigned && l.Booking != "":
		s.StageAxis, s.Stage = AxisBooking, string(l.Booking)
	default:
		s.StageAxis, s.Stage = AxisValidity, string(l.Validity)
	}
	return s
}

// Duplicate actions: what entering an existing phone does.
const (
	ActionReject = "reject" // show the existing lead (masked) and create nothing
	ActionRepeat = "repeat" // record a repeat inquiry on the existing lead (RepeatInquiry)
)

// Decision is the answer to entering a phone that already has a lead in the brand. In no
// case is a second lead created.
type Decision struct {
	Action  string  `json:"action"`
	Summary Summary `json:"summary"`
	// CanRequestTransfer: the caller cannot see the lead and someone owns it, so the UI offers
	// "request transfer" (an unowned lead is claimed or assigned instead).
	CanRequestTransfer bool `json:"can_request_transfer"`
	// CanReopen: the lead is invalid or lost on some axis, so it may be taken up again as a
	// new inquiry (Reopen); the caller's permission decides whether to offer it.
	CanReopen bool `json:"can_reopen"`
}

// DuplicateDecision decides what entering existing's phone again does under the brand's
// policy. An unknown policy rejects: refusing is always safe, a second lead never is.
// Import takes the same path per row.
func DuplicateDecision(policy account.DuplicatePolicy, existing Lead, callerCanSee bool) Decision {
	d := Decision{Action: ActionReject, Summary: Summarize(existing),
		CanRequestTransfer: !callerCanSee && existing.OwnerID != 0,
		CanReopen:          reopenable(existing)}
	if policy == account.DupRepeat {
		d.Action = ActionRepeat
	}
	return d
}

// RepeatInquiry records that the customer of existing inquired again through channelID
// (重复咨询): RepeatCount+1 and an EventRepeat whose channel snapshot is the new channel, so
// the channel that brought the inquiry gets the credit; the lead keeps its own channel.
// Data: {channel_id, original_channel_id, repeat_count}.
func RepeatInquiry(existing Lead, channelID int64, now time.Time) (Lead, Event) {
	ev := newEvent(existing, EventRepeat, now)
	ev.ChannelID = channelID
	existing.RepeatCount++
	ev.Data = eventData(map[string]any{"channel_id": channelID, "original_channel_id": existing.ChannelID,
		"repeat_count": existing.RepeatCount})
	existing.UpdatedAt = now
	return existing, ev
}

func reopenable(l Lead) bool {
	return l.Validity == ValidityInvalid || l.Booking == BookingLost || l.Store == StoreLost
}

// Reopen takes up an invalid or lost (either axis) lead again as a new inquiry: validity back
// to pending, booking to_call when someone holds it (else unassigned), store awaiting, the
// reasons and the old appointment cleared. A deal is never re-opened. History stays: the
// EventReopened records where each axis was (data validity_from, booking_from, store_from).
// A repeat inquiry that re-opens a lead is RepeatInquiry followed by Reopen (two events).
// Re-opening a lead that sat in the pool too long is the pool rules' call, not this one.
func Reopen(l Lead, now time.Time) (Lead, Event, error) {
	if !reopenable(l) {
		return l, Event{}, errorf("status", CodeReopenNotAllowed, map[string]any{
			"validity": string(l.Validity), "booking": string(l.Booking), "store": string(l.Store)})
	}
	ev := newEvent(l, EventReopened, now)
	ev.Data = eventData(map[string]any{"validity_from": string(l.Validity), "booking_from": string(l.Booking),
		"store_from": string(l.Store)})
	l.Validity, l.InvalidReason = ValidityPending, ""
	l.Booking, l.LostReason = BookingUnassigned, ""
	if assigned(l) {
		l.Booking = BookingToCall
	}
	l.BookedBranchID, l.BookedAt = 0, nil
	l.Store, l.StoreLostReason = StoreAwaiting, ""
	l.UpdatedAt = now
	return l, ev, nil
}
