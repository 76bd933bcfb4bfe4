package lead

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Follow-up kinds: a note after a conversation, a message sent (WeChat, SMS), or an
// appointment to call back at a set time.
const (
	FollowUpNote        = "note"
	FollowUpMessage     = "message"
	FollowUpAppointment = "appointment"
)

// MaxFollowUpLen bounds a follow-up's text.
const MaxFollowUpLen = 2000

// FollowUp records a follow-up on the timeline. It counts as activity (LastFollowUp, which
// extends pool protection); an appointment sets the next follow-up time, which must lie in
// the future. Statuses do not move.
func FollowUp(l Lead, kind, text string, at *time.Time, now time.Time) (Lead, Event, error) {
	text = strings.TrimSpace(text)
	switch kind {
	case FollowUpNote, FollowUpMessage:
		if text == "" {
			return l, Event{}, errorf("text", "required", nil)
		}
	case FollowUpAppointment:
		if at == nil {
			return l, Event{}, errorf("next_follow_up", CodeFollowUpRequired, nil)
		}
		if !at.After(now) {
			return l, Event{}, errorf("next_follow_up", CodeFollowUpPast, nil)
		}
	default:
		return l, Event{}, errorf("kind", "invalid_value", map[string]any{"allowed": "note, message, appointment"})
	}
	if utf8.RuneCountInString(text) > MaxFollowUpLen {
		return l, Event{}, errorf("text", "too_long", map[string]any{"max": MaxFollowUpLen})
	}
	ev := newEvent(l, EventFollowUp, now)
	ev.Reason = kind
	data := map[string]any{"kind": kind, "text": text}
	if at != nil {
		t := at.UTC()
		data["at"] = t
		l.NextFollowUp = &t
	}
	ev.Data = eventData(data)
	n := now
	l.LastFollowUp, l.UpdatedAt = &n, now
	return l, ev, nil
}
