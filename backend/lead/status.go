package lead

import (
	"encoding/json"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/studiodesk/studiodesk/backend/account"
)

// The three axes move independently, each through its own table below (Edges). A move that
// is not in the table is refused with CodeTransitionInvalid; a wrong state is fixed only by
// Correct, which appends a correction event — history is never rewritten.
//
// Validity (intake decides whether this is a real prospect):
//
//	pending -> valid
//	pending -> invalid      reason required (a key of the brand's list, see DefaultInvalidReasons)
//	valid <-> invalid       only by Correct
//
// Booking (邀约):
//
//	unassigned -> to_call   the lead has an owner (assignment moves it here)
//	to_call    -> calling   the first real conversation
//	to_call    -> booked    the first call books at once; branch + time required, lead not invalid
//	calling    -> booked    branch + time required, lead not invalid
//	no_show    -> booked    re-booked straight away
//	postponed  -> booked    the customer called back and booked
//	booked     -> no_show   only after the booked time has passed; NoShows+1
//	booked     -> calling   rescheduled or cancelled; the old appointment stays in the event
//	no_show    -> calling   chase the no-show again
//	postponed  -> calling   the follow-up date came
//	to_call, calling, no_show -> postponed   next follow-up required, in the future
//	unassigned, to_call, calling, booked, no_show, postponed -> visited
//	                        only by the store's check-in (walk-ins too); see checkIn
//	unassigned, to_call, calling, booked, no_show, postponed -> lost   reason required
//	visited, lost           terminal (Correct, or Reopen for lost)
//
// Store (门店):
//
//	awaiting    -> negotiating   the visit (check-in): booking moves to visited in the same call
//	revisit     -> negotiating   a second (third...) visit
//	negotiating -> revisit       not closed today, the customer will come back
//	negotiating -> deal          amount > 0 and kind deposit|full required; package optional
//	revisit     -> deal          closed after the visit (e.g. deposit paid by WeChat)
//	negotiating, revisit -> lost reason from StoreLostReasons
//	deal, lost                   terminal (Correct; a deal is reduced by Refund, never undone)
//
// Cross-axis rules: an invalid lead cannot be booked or checked in; the check-in moves two
// axes in one call and returns one event, on the store axis, whose data names the booking
// move (booking_from, booking_to) so a caller that keeps one event per axis can derive the
// booking one from it.

// Need names what an edge requires besides being in the table; the UI uses it to pick the
// dialog (ask for a reason, a branch and time, an amount...).
type Need string

// Needs of the edges.
const (
	NeedNothing     Need = ""
	NeedOwner       Need = "owner"        // the lead has an owner
	NeedReason      Need = "reason"       // TransitionInput.Reason, any non-empty code
	NeedStoreReason Need = "store_reason" // TransitionInput.Reason from StoreLostReasons
	NeedBooking     Need = "booking"      // BranchID + BookedAt; the lead is not invalid
	NeedPastBooking Need = "past_booking" // the booked time has passed
	NeedFollowUp    Need = "follow_up"    // NextFollowUp in the future
	NeedCheckIn     Need = "check_in"     // the store's check-in (CheckIn flag on the booking axis)
	NeedDeal        Need = "deal"         // Amount > 0, DealKind deposit|full
)

// Edge is one allowed move on an axis.
type Edge struct {
	From string `json:"from"`
	To   string `json:"to"`
	Need Need   `json:"need,omitempty"`
}

// Deal kinds, recorded in the deal event's data.
const (
	DealDeposit = "deposit" // 定金
	DealFull    = "full"    // 全款
)

// Store lost reasons (门店未成交原因); a fixed list so the reports can break them down.
const (
	StoreLostPrice               = "price"
	StoreLostCompetitor          = "competitor"
	StoreLostDate                = "date"
	StoreLostStyle               = "style"
	StoreLostDecisionMakerAbsent = "decision_maker_absent"
	StoreLostOther               = "other"
)

// MaxReasonLen bounds reasons of transitions, corrections and refunds.
const MaxReasonLen = 200

// MaxPackageLen bounds a deal's package name.
const MaxPackageLen = 64

// StoreLostReasons lists the reasons a visited customer may be lost for, in display order.
func StoreLostReasons() []string {
	return []string{StoreLostPrice, StoreLostCompetitor, StoreLostDate, StoreLostStyle,
		StoreLostDecisionMakerAbsent, StoreLostOther}
}

// ReasonOption is one entry of a brand's configurable reason list.
type ReasonOption struct {
	Key string `json:"key"`
	// Label is the studio's wording (zh-CN by default; studios may rename it, the UI
	// translates known keys).
	Label string `json:"label"`
}

// DefaultInvalidReasons seeds a brand's list of invalid reasons (无效原因). Brands may edit
// the list, so Transition accepts any non-empty reason code; these keys are the ones the
// reports know out of the box.
func DefaultInvalidReasons() []ReasonOption {
	return []ReasonOption{
		{Key: "empty_number", Label: "空号"},
		{Key: "wrong_number", Label: "号码错误"},
		{Key: "duplicate", Label: "重复客资"},
		{Key: "competitor_spam", Label: "同行/骚扰"},
		{Key: "out_of_area", Label: "非服务区域"},
		{Key: "not_target", Label: "非目标客户"},
		{Key: "test", Label: "测试"},
	}
}

// Axes lists the three axes in the order the UI shows them.
func Axes() []Axis { return []Axis{AxisValidity, AxisBooking, AxisStore} }

// States lists the states of an axis (nil for an unknown axis).
func States(axis Axis) []string {
	switch axis {
	case AxisValidity:
		return []string{string(ValidityPending), string(ValidityValid), string(ValidityInvalid)}
	case AxisBooking:
		return []string{string(BookingUnassigned), string(BookingToCall), string(BookingCalling),
			string(BookingBooked), string(BookingVisited), string(BookingNoShow),
			string(BookingPostponed), string(BookingLost)}
	case AxisStore:
		return []string{string(StoreAwaiting), string(StoreNegotiating), string(StoreRevisit),
			string(StoreDeal), string(StoreLost)}
	}
	return nil
}

// Edges returns the transition table of an axis (a fresh slice: callers may keep it).
// It is the single source of the rules; Transition and NextStates read it.
func Edges(axis Axis) []Edge {
	const (
		pending, valid, invalid = string(ValidityPending), string(ValidityValid), string(ValidityInvalid)

		unassigned, toCall, calling = string(BookingUnassigned), string(BookingToCall), string(BookingCalling)
		booked, visited, noShow     = string(BookingBooked), string(BookingVisited), string(BookingNoShow)
		postponed, bLost            = string(BookingPostponed), string(BookingLost)

		awaiting, negotiating, revisit = string(StoreAwaiting), string(StoreNegotiating), string(StoreRevisit)
		deal, sLost                    = string(StoreDeal), string(StoreLost)
	)
	switch axis {
	case AxisValidity:
		return []Edge{
			{pending, valid, NeedNothing},
			{pending, invalid, NeedReason},
		}
	case AxisBooking:
		return []Edge{
			{unassigned, toCall, NeedOwner},
			{unassigned, visited, NeedCheckIn},
			{unassigned, bLost, NeedReason},

			{toCall, calling, NeedNothing},
			{toCall, booked, NeedBooking},
			{toCall, postponed, NeedFollowUp},
			{toCall, visited, NeedCheckIn},
			{toCall, bLost, NeedReason},

			{calling, booked, NeedBooking},
			{calling, postponed, NeedFollowUp},
			{calling, visited, NeedCheckIn},
			{calling, bLost, NeedReason},

			{booked, visited, NeedCheckIn},
			{booked, noShow, NeedPastBooking},
			{booked, calling, NeedNothing},
			{booked, bLost, NeedReason},

			{noShow, calling, NeedNothing},
			{noShow, booked, NeedBooking},
			{noShow, postponed, NeedFollowUp},
			{noShow, visited, NeedCheckIn},
			{noShow, bLost, NeedReason},

			{postponed, calling, NeedNothing},
			{postponed, booked, NeedBooking},
			{postponed, visited, NeedCheckIn},
			{postponed, bLost, NeedReason},
		}
	case AxisStore:
		return []Edge{
			{awaiting, negotiating, NeedCheckIn},

			{negotiating, deal, NeedDeal},
			{negotiating, revisit, NeedNothing},
			{negotiating, sLost, NeedStoreReason},

			{revisit, negotiating, NeedCheckIn},
			{revisit, deal, NeedDeal},
			{revisit, sLost, NeedStoreReason},
		}
	}
	return nil
}

// TransitionInput carries what some edges need (see Need). Fields an edge does not use are
// ignored, except Reason, which every status event records when given.
//
// Who acts is not part of it: Transition fills the event's lead id, owner and channel
// snapshots and time; the caller fills ActorID and OnBehalfOf (and the store the ID).
type TransitionInput struct {
	// Reason: required for invalid (a key of the brand's list) and lost (booking: free code;
	// store: one of StoreLostReasons); optional elsewhere (e.g. why a booking was cancelled).
	Reason string `json:"reason,omitempty"`
	// BranchID and BookedAt: the store and time of a booking. BranchID also names the store of
	// a check-in (defaults to the booked branch).
	BranchID int64      `json:"branch_id,omitempty"`
	BookedAt *time.Time `json:"booked_at,omitempty"`
	// NextFollowUp: required when postponing; optional when the store marks a revisit.
	NextFollowUp *time.Time `json:"next_follow_up,omitempty"`
	// Amount (fen), DealKind (DealDeposit|DealFull) and Package describe a deal.
	Amount   int64  `json:"amount,omitempty"`
	DealKind string `json:"deal_kind,omitempty"`
	Package  string `json:"package,omitempty"`
	// CheckIn must be set to move the booking axis to visited: only the store's check-in does
	// that (the booking menu never offers it).
	CheckIn bool `json:"check_in,omitempty"`
}

// State returns the lead's current state on an axis and false for an unknown axis.
func State(l Lead, axis Axis) (string, bool) {
	switch axis {
	case AxisValidity:
		return string(l.Validity), true
	case AxisBooking:
		return string(l.Booking), true
	case AxisStore:
		return string(l.Store), true
	}
	return "", false
}

func setState(l *Lead, axis Axis, to string) {
	switch axis {
	case AxisValidity:
		l.Validity = Validity(to)
	case AxisBooking:
		l.Booking = Booking(to)
	case AxisStore:
		l.Store = Store(to)
	}
}

// Transition moves l to state to on one axis, checking the axis table and the edge's needs.
// It returns the updated lead (UpdatedAt = now; Version is the store's to bump) and the
// status event to append. The check-in — store awaiting|revisit -> negotiating, or booking
// -> visited with in.CheckIn — moves both axes and returns one store-axis event whose data
// says how the booking moved (check_in, booking_from, booking_to, branch_id).
// Errors are *Error (or for bad values *Error with an account.Code*); l is returned unchanged.
func Transition(l Lead, axis Axis, to string, in TransitionInput, now time.Time) (Lead, Event, error) {
	from, ok := State(l, axis)
	if !ok {
		return l, Event{}, errorf("axis", account.CodeInvalidValue, map[string]any{"allowed": joinAxes()})
	}
	if !slices.Contains(States(axis), to) {
		return l, Event{}, errorf("to", account.CodeInvalidValue, map[string]any{"allowed": strings.Join(States(axis), ", ")})
	}
	edge, ok := findEdge(axis, from, to)
	if !ok {
		return l, Event{}, transitionError(axis, from, to)
	}
	reason := strings.TrimSpace(in.Reason)
	if utf8.RuneCountInString(reason) > MaxReasonLen {
		return l, Event{}, errorf("reason", account.CodeTooLong, map[string]any{"max": MaxReasonLen})
	}
	if edge.Need == NeedCheckIn {
		if axis == AxisBooking && !in.CheckIn {
			return l, Event{}, errorf(string(AxisBooking), CodeCheckInRequired, nil)
		}
		return checkIn(l, in, reason, now)
	}
	if err := checkNeed(l, edge, in, reason, now); err != nil {
		return l, Event{}, err
	}

	ev := newEvent(l, EventStatus, now)
	ev.Axis, ev.From, ev.To, ev.Reason = axis, from, to, reason
	data := map[string]any{}
	setState(&l, axis, to)
	switch axis {
	case AxisValidity:
		if to == string(ValidityInvalid) {
			l.InvalidReason = reason
			l.NextFollowUp = nil // nobody should be reminded to call an invalid lead
		}
	case AxisBooking:
		applyBooking(&l, from, to, in, reason, data, now)
	case AxisStore:
		switch Store(to) {
		case StoreDeal:
			l.DealAmount = in.Amount
			data["amount"], data["kind"] = in.Amount, in.DealKind
			if p := strings.TrimSpace(in.Package); p != "" {
				data["package"] = p
			}
		case StoreRevisit:
			if in.NextFollowUp != nil {
				l.NextFollowUp = timePtr(*in.NextFollowUp)
				data["next_follow_up"] = *in.NextFollowUp
			}
		case StoreLost:
			l.StoreLostReason = reason
			l.NextFollowUp = nil
		}
	}
	ev.Data = eventData(data)
	l.UpdatedAt = now
	return l, ev, nil
}

// applyBooking sets the booking fields that go with entering to. BookedBranchID/BookedAt
// describe the current or last kept appointment: set on booked, kept on visited and no-show,
// cleared when the lead goes back to calling, postponed or lost (the event keeps them).
func applyBooking(l *Lead, from, to string, in TransitionInput, reason string, data map[string]any, now time.Time) {
	clearAppointment := func() {
		if l.BookedAt != nil || l.BookedBranchID != 0 {
			data["previous_branch_id"] = l.BookedBranchID
			if l.BookedAt != nil {
				data["previous_booked_at"] = *l.BookedAt
			}
		}
		l.BookedBranchID, l.BookedAt = 0, nil
	}
	switch Booking(to) {
	case BookingBooked:
		l.BookedBranchID, l.BookedAt = in.BranchID, timePtr(*in.BookedAt)
		data["branch_id"], data["booked_at"] = in.BranchID, *in.BookedAt
	case BookingNoShow:
		l.NoShows++
		data["no_shows"], data["booked_at"] = l.NoShows, *l.BookedAt
	case BookingCalling:
		clearAppointment()
	case BookingPostponed:
		clearAppointment()
		l.NextFollowUp = timePtr(*in.NextFollowUp)
		data["next_follow_up"] = *in.NextFollowUp
	case BookingLost:
		clearAppointment()
		l.LostReason = reason
		l.NextFollowUp = nil
	}
}

// checkNeed enforces what an edge requires beyond being in the table.
func checkNeed(l Lead, e Edge, in TransitionInput, reason string, now time.Time) error {
	switch e.Need {
	case NeedOwner:
		if !assigned(l) {
			return errorf("owner_id", CodeOwnerRequired, nil)
		}
	case NeedReason:
		if reason == "" {
			return errorf("reason", CodeReasonRequired, nil)
		}
	case NeedStoreReason:
		if reason == "" {
			return errorf("reason", CodeReasonRequired, map[string]any{"allowed": strings.Join(StoreLostReasons(), ", ")})
		}
		if !slices.Contains(StoreLostReasons(), reason) {
			return errorf("reason", account.CodeInvalidValue, map[string]any{"allowed": strings.Join(StoreLostReasons(), ", ")})
		}
	case NeedBooking:
		if l.Validity == ValidityInvalid {
			return errorf(string(AxisValidity), CodeLeadInvalid, nil)
		}
		if in.BranchID == 0 {
			return errorf("branch_id", CodeBookingNeedsBranchTime, nil)
		}
		if in.BookedAt == nil || in.BookedAt.IsZero() {
			return errorf("booked_at", CodeBookingNeedsBranchTime, nil)
		}
	case NeedPastBooking:
		if l.BookedAt == nil {
			return errorf("booked_at", CodeNoShowTooEarly, nil)
		}
		if !now.After(*l.BookedAt) {
			return errorf("booked_at", CodeNoShowTooEarly, map[string]any{"booked_at": l.BookedAt.Format(time.RFC3339)})
		}
	case NeedFollowUp:
		return checkFollowUp(in.NextFollowUp, true, now)
	case NeedDeal:
		if in.Amount <= 0 {
			return errorf("amount", CodeAmountRequired, nil)
		}
		if in.DealKind != DealDeposit && in.DealKind != DealFull {
			return errorf("deal_kind", account.CodeInvalidValue, map[string]any{"allowed": DealDeposit + ", " + DealFull})
		}
		if utf8.RuneCountInString(strings.TrimSpace(in.Package)) > MaxPackageLen {
			return errorf("package", account.CodeTooLong, map[string]any{"max": MaxPackageLen})
		}
	}
	// A follow-up date given where it is optional (revisit) must still lie ahead.
	if e.Need != NeedFollowUp && e.To == string(StoreRevisit) {
		return checkFollowUp(in.NextFollowUp, false, now)
	}
	return nil
}

func checkFollowUp(t *time.Time, required bool, now time.Time) error {
	switch {
	case t == nil || t.IsZero():
		if required {
			return errorf("next_follow_up", CodeFollowUpRequired, nil)
		}
	case !t.After(now):
		return errorf("next_follow_up", CodeFollowUpPast, nil)
	}
	return nil
}

// checkIn records a visit: store awaiting|revisit -> negotiating and, unless it is already
// there, booking -> visited, in one step. Walk-ins check in from any open booking state; a
// lost booking must be re-opened first and an invalid lead corrected first.
func checkIn(l Lead, in TransitionInput, reason string, now time.Time) (Lead, Event, error) {
	if l.Validity == ValidityInvalid {
		return l, Event{}, errorf(string(AxisValidity), CodeLeadInvalid, nil)
	}
	storeFrom := string(l.Store)
	if _, ok := findEdge(AxisStore, storeFrom, string(StoreNegotiating)); !ok {
		return l, Event{}, transitionError(AxisStore, storeFrom, string(StoreNegotiating))
	}
	bookingFrom := string(l.Booking)
	moveBooking := l.Booking != BookingVisited
	if _, ok := findEdge(AxisBooking, bookingFrom, string(BookingVisited)); moveBooking && !ok {
		return l, Event{}, transitionError(AxisBooking, bookingFrom, string(BookingVisited))
	}

	ev := newEvent(l, EventStatus, now)
	ev.Axis, ev.From, ev.To, ev.Reason = AxisStore, storeFrom, string(StoreNegotiating), reason
	data := map[string]any{"check_in": true}
	if moveBooking {
		data["booking_from"], data["booking_to"] = bookingFrom, string(BookingVisited)
	}
	branch := in.BranchID
	if branch == 0 {
		branch = l.BookedBranchID
	}
	if branch != 0 {
		data["branch_id"] = branch
	}
	ev.Data = eventData(data)
	l.Booking, l.Store = BookingVisited, StoreNegotiating
	l.UpdatedAt = now
	return l, ev, nil
}

// NextStates lists the states l may move to on axis now, in table order, for the UI's menu.
// Edges whose condition is known from the lead alone are filtered (an owner for to_call, a
// passed booking time for no_show, a non-invalid lead for booked and the check-in); edges
// needing input (reason, amount, branch and time) are listed and Transition checks the input.
// Booking -> visited is never listed: it is the store's check-in (store -> negotiating).
// Returns an empty, non-nil slice when nothing is possible.
func NextStates(l Lead, axis Axis, now time.Time) []string {
	out := []string{}
	from, ok := State(l, axis)
	if !ok {
		return out
	}
	for _, e := range Edges(axis) {
		if e.From == from && available(l, axis, e, now) {
			out = append(out, e.To)
		}
	}
	return out
}

func available(l Lead, axis Axis, e Edge, now time.Time) bool {
	switch e.Need {
	case NeedOwner:
		return assigned(l)
	case NeedBooking:
		return l.Validity != ValidityInvalid
	case NeedPastBooking:
		return l.BookedAt != nil && now.After(*l.BookedAt)
	case NeedCheckIn:
		if axis == AxisBooking || l.Validity == ValidityInvalid {
			return false
		}
		if l.Booking == BookingVisited {
			return true
		}
		_, ok := findEdge(AxisBooking, string(l.Booking), string(BookingVisited))
		return ok
	}
	return true
}

// Correct sets any known state on one axis regardless of the table: the privileged fix of a
// wrong status (permission lead.correct_status, checked by the caller). The reason is
// required and recorded in a correction event; nothing earlier is rewritten. Only the reason
// fields follow the state (entering invalid/lost takes the correction's reason — for the
// store axis "other" unless it is one of StoreLostReasons; leaving them clears it), and
// leaving a deal zeroes DealAmount, recording the amount in the event (deal_amount_before) so
// revenue reports can reverse it. Booking time, NoShows and amounts are not invented.
func Correct(l Lead, axis Axis, to string, reason string, now time.Time) (Lead, Event, error) {
	from, ok := State(l, axis)
	if !ok {
		return l, Event{}, errorf("axis", account.CodeInvalidValue, map[string]any{"allowed": joinAxes()})
	}
	if !slices.Contains(States(axis), to) {
		return l, Event{}, errorf("to", account.CodeInvalidValue, map[string]any{"allowed": strings.Join(States(axis), ", ")})
	}
	reason = strings.TrimSpace(reason)
	switch {
	case reason == "":
		return l, Event{}, errorf("reason", CodeReasonRequired, nil)
	case utf8.RuneCountInString(reason) > MaxReasonLen:
		return l, Event{}, errorf("reason", account.CodeTooLong, map[string]any{"max": MaxReasonLen})
	case from == to:
		return l, Event{}, errorf(string(axis), CodeNoChange, map[string]any{"axis": string(axis), "to": to})
	}

	ev := newEvent(l, EventCorrection, now)
	ev.Axis, ev.From, ev.To, ev.Reason = axis, from, to, reason
	data := map[string]any{}
	setState(&l, axis, to)
	switch axis {
	case AxisValidity:
		l.InvalidReason = ""
		if to == string(ValidityInvalid) {
			l.InvalidReason = reason
		}
	case AxisBooking:
		l.LostReason = ""
		if to == string(BookingLost) {
			l.LostReason = reason
		}
	case AxisStore:
		l.StoreLostReason = ""
		if to == string(StoreLost) {
			l.StoreLostReason = StoreLostOther
			if slices.Contains(StoreLostReasons(), reason) {
				l.StoreLostReason = reason
			}
		}
		if from == string(StoreDeal) {
			data["deal_amount_before"] = l.DealAmount
			l.DealAmount = 0
		}
	}
	ev.Data = eventData(data)
	l.UpdatedAt = now
	return l, ev, nil
}

// Refund appends a reversal to a deal: DealAmount (net of refunds) drops by amount (fen),
// never below zero, and the store state stays deal — the deal event stays in the history and
// revenue = deals − refunds. A reason is required.
func Refund(l Lead, amount int64, reason string, now time.Time) (Lead, Event, error) {
	reason = strings.TrimSpace(reason)
	switch {
	case l.Store != StoreDeal:
		return l, Event{}, errorf(string(AxisStore), CodeRefundNeedsDeal, map[string]any{"store": string(l.Store)})
	case amount <= 0:
		return l, Event{}, errorf("amount", CodeAmountRequired, nil)
	case amount > l.DealAmount:
		return l, Event{}, errorf("amount", CodeRefundExceedsDeal, map[string]any{"max": l.DealAmount})
	case reason == "":
		return l, Event{}, errorf("reason", CodeReasonRequired, nil)
	case utf8.RuneCountInString(reason) > MaxReasonLen:
		return l, Event{}, errorf("reason", account.CodeTooLong, map[string]any{"max": MaxReasonLen})
	}
	ev := newEvent(l, EventRefund, now)
	ev.Axis, ev.Reason = AxisStore, reason
	ev.Data = eventData(map[string]any{"amount": amount, "deal_amount_before": l.DealAmount,
		"deal_amount_after": l.DealAmount - amount})
	l.DealAmount -= amount
	l.UpdatedAt = now
	return l, ev, nil
}

func findEdge(axis Axis, from, to string) (Edge, bool) {
	for _, e := range Edges(axis) {
		if e.From == from && e.To == to {
			return e, true
		}
	}
	return Edge{}, false
}

// transitionError names the move and what the table allows from where the lead is.
func transitionError(axis Axis, from, to string) *Error {
	p := map[string]any{"axis": string(axis), "from": from, "to": to}
	var allowed []string
	for _, e := range Edges(axis) {
		if e.From == from {
			allowed = append(allowed, e.To)
		}
	}
	if len(allowed) > 0 {
		p["allowed"] = strings.Join(allowed, ", ")
	}
	return errorf(string(axis), CodeTransitionInvalid, p)
}

func joinAxes() string {
	return string(AxisValidity) + ", " + string(AxisBooking) + ", " + string(AxisStore)
}

// assigned reports whether someone holds the lead for booking work.
func assigned(l Lead) bool { return l.OwnerID != 0 || l.BookingOwnerID != 0 }

// newEvent starts an event with the snapshots taken from the lead as it was before the
// change, so credit stays with whoever held it then (transfers don't move credit). ID,
// ActorID and OnBehalfOf are the caller's: the rules do not know who acts.
func newEvent(l Lead, typ EventType, now time.Time) Event {
	return Event{LeadID: l.ID, Type: typ, OwnerID: l.OwnerID, ChannelID: l.ChannelID, At: now}
}

// eventData encodes an event's details; nil when there are none. Only plain values (numbers,
// strings, bools, times, string slices) go in, which json.Marshal cannot fail on.
func eventData(m map[string]any) json.RawMessage {
	if len(m) == 0 {
		return nil
	}
	b, err := json.Marshal(m)
	if err != nil {
		return nil
	}
	return b
}

// timePtr returns a pointer to a copy, so the lead never shares a time with the caller's input.
func timePtr(t time.Time) *time.Time { return &t }
