package lead

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/studiodesk/studiodesk/backend/account"
)

// Call results (通话结果). A result never moves the booking status: "booked" records what the
// customer said; the booking itself is Transition(AxisBooking, booked) with a branch and time.
const (
	CallNoAnswer    = "no_answer"    // 未接通
	CallPoweredOff  = "powered_off"  // 关机/停机
	CallRefused     = "refused"      // 拒绝
	CallThinking    = "thinking"     // 考虑中
	CallAddedWeChat = "added_wechat" // 已加微信
	CallBooked      = "booked"       // 已约
)

// MaxNoteLen bounds the note of a call attempt.
const MaxNoteLen = 1000

// CallResults lists the call results in display order.
func CallResults() []string {
	return []string{CallNoAnswer, CallPoweredOff, CallRefused, CallThinking, CallAddedWeChat, CallBooked}
}

// RecordCall records one call attempt: an EventCall with data {result, note} and
// LastFollowUp = now (the pool's protection timers read it). Statuses do not change. An
// unknown result or an over-long note is an *Error and l comes back unchanged.
func RecordCall(l Lead, result string, note string, now time.Time) (Lead, Event, error) {
	if !slices.Contains(CallResults(), result) {
		return l, Event{}, errorf("result", account.CodeInvalidValue, map[string]any{"allowed": strings.Join(CallResults(), ", ")})
	}
	note = strings.TrimSpace(note)
	if utf8.RuneCountInString(note) > MaxNoteLen {
		return l, Event{}, errorf("note", account.CodeTooLong, map[string]any{"max": MaxNoteLen})
	}
	ev := newEvent(l, EventCall, now)
	data := map[string]any{"result": result}
	if note != "" {
		data["note"] = note
	}
	ev.Data = eventData(data)
	l.LastFollowUp = timePtr(now)
	l.UpdatedAt = now
	return l, ev, nil
}
