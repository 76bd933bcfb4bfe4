package lead

import (
	"encoding/json"
	"time"
)

// ToPool releases a lead into the claim pool (公海): nobody owns it, the previous owner is
// remembered for the cool-down, and a pooled event says why (reason: "no_follow_up",
// "no_booking", "max_protection", "manual", ...). Locked leads never go to the pool.
func ToPool(l Lead, reason string, now time.Time) (Lead, Event, error) {
	if l.Locked {
		return l, Event{}, errorf("locked", CodeLeadLocked, nil)
	}
	if l.InPool {
		return l, Event{}, errorf("in_pool", CodeNoChange, nil)
	}
	ev := Event{Type: EventPooled, Reason: reason, OwnerID: l.OwnerID, At: now,
		Data: mustJSON(map[string]any{"from": l.OwnerID})}
	at := now
	l.PrevOwnerID, l.ReleasedAt = l.OwnerID, &at
	l.OwnerID, l.OwnerDepartmentID, l.InPool, l.ProtectedUntil = 0, 0, true, nil
	l.UpdatedAt = now
	return l, ev, nil
}

// Approve decides a referral submitted for approval: approved leads go on like any other,
// rejected ones are marked invalid with the reason so they leave the working lists.
func Approve(l Lead, approve bool, reason string, now time.Time) (Lead, Event, error) {
	if l.Approval != ApprovalPending {
		return l, Event{}, errorf("approval", CodeNoChange, map[string]any{"approval": string(l.Approval)})
	}
	ev := Event{Type: EventApproval, From: string(l.Approval), Reason: reason, At: now}
	if approve {
		l.Approval = ApprovalApproved
	} else {
		if reason == "" {
			return l, Event{}, errorf("reason", CodeReasonRequired, nil)
		}
		l.Approval = ApprovalRejected
		l.Validity, l.InvalidReason = ValidityInvalid, "referral_rejected"
	}
	ev.To = string(l.Approval)
	l.UpdatedAt = now
	return l, ev, nil
}

// SetLocked locks a lead (it never recycles to the pool) or unlocks it.
func SetLocked(l Lead, locked bool, now time.Time) (Lead, Event, error) {
	if l.Locked == locked {
		return l, Event{}, errorf("locked", CodeNoChange, nil)
	}
	l.Locked = locked
	if locked {
		l.ProtectedUntil = nil
	}
	l.UpdatedAt = now
	return l, Event{Type: EventLocked, To: map[bool]string{true: "locked", false: "unlocked"}[locked], At: now}, nil
}

// SetDeleted moves a lead to the recycle bin or restores it; history stays either way.
func SetDeleted(l Lead, deleted bool, now time.Time) (Lead, Event, error) {
	if l.Deleted == deleted {
		return l, Event{}, errorf("deleted", CodeNoChange, nil)
	}
	l.Deleted = deleted
	l.UpdatedAt = now
	typ := EventDeleted
	if !deleted {
		typ = EventRestored
	}
	return l, Event{Type: typ, At: now}, nil
}

// SetChannel re-attributes a lead to another channel (batch edit); the event keeps the old one.
func SetChannel(l Lead, channelID int64, now time.Time) (Lead, Event, error) {
	if l.ChannelID == channelID {
		return l, Event{}, errorf("channel_id", CodeNoChange, nil)
	}
	ev := Event{Type: EventEdited, At: now, Data: mustJSON(map[string]any{"fields": []string{"channel_id"}, "from": l.ChannelID, "to": channelID})}
	l.ChannelID, l.UpdatedAt = channelID, now
	return l, ev, nil
}

func mustJSON(v any) json.RawMessage {
	b, _ := json.Marshal(v) // maps of plain values always marshal
	return b
}
