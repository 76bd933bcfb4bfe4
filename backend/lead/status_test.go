package lead

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/studiodesk/studiodesk/backend/account"
)

// spec is the transition tables of LEADS.md written out independently of Edges, so a change
// to the rules has to change both (and be noticed in review).
var spec = map[Axis][][2]string{
	AxisValidity: {
		{"pending", "valid"},
		{"pending", "invalid"},
	},
	AxisBooking: {
		{"unassigned", "to_call"}, {"unassigned", "visited"}, {"unassigned", "lost"},
		{"to_call", "calling"}, {"to_call", "booked"}, {"to_call", "postponed"}, {"to_call", "visited"}, {"to_call", "lost"},
		{"calling", "booked"}, {"calling", "postponed"}, {"calling", "visited"}, {"calling", "lost"},
		{"booked", "visited"}, {"booked", "no_show"}, {"booked", "calling"}, {"booked", "lost"},
		{"no_show", "calling"}, {"no_show", "booked"}, {"no_show", "postponed"}, {"no_show", "visited"}, {"no_show", "lost"},
		{"postponed", "calling"}, {"postponed", "booked"}, {"postponed", "visited"}, {"postponed", "lost"},
	},
	AxisStore: {
		{"awaiting", "negotiating"},
		{"negotiating", "deal"}, {"negotiating", "revisit"}, {"negotiating", "lost"},
		{"revisit", "negotiating"}, {"revisit", "deal"}, {"revisit", "lost"},
	},
}

func inSpec(axis Axis, from, to string) bool {
	return slices.Contains(spec[axis], [2]string{from, to})
}

func specTargets(axis Axis, from string) []string {
	var out []string
	for _, e := range spec[axis] {
		if e[0] == from {
			out = append(out, e[1])
		}
	}
	return out
}

// leadAt returns a lead in state from on axis that meets every lead-side condition of the
// edges out of it: valid, owned, its booking an hour ago at branch 5, the other axes where a
// lead in that state would be.
func leadAt(axis Axis, from string) Lead {
	l := Lead{ID: 42, BrandID: 1, ChannelID: 3, OwnerID: 7, Phone: "13800138000",
		Validity: ValidityValid, Booking: BookingBooked, Store: StoreAwaiting,
		BookedBranchID: 5, BookedAt: ptr(t0.Add(-time.Hour)), NoShows: 1, DealAmount: 0,
		UpdatedAt: t0.Add(-24 * time.Hour), Version: 9}
	switch axis {
	case AxisValidity:
		l.Validity = Validity(from)
	case AxisBooking:
		l.Booking = Booking(from)
	case AxisStore:
		l.Store = Store(from)
		if l.Store != StoreAwaiting {
			l.Booking = BookingVisited
		}
		if l.Store == StoreDeal {
			l.DealAmount = 500000
		}
	}
	return l
}

// fullInput satisfies every input need of every edge on axis.
func fullInput(axis Axis) TransitionInput {
	reason := "empty_number"
	if axis == AxisStore {
		reason = StoreLostPrice
	}
	return TransitionInput{Reason: reason, BranchID: 5, BookedAt: ptr(t0.Add(24 * time.Hour)),
		NextFollowUp: ptr(t0.Add(48 * time.Hour)), Amount: 880000, DealKind: DealDeposit, Package: "森系套餐",
		CheckIn: true}
}

func TestEdgesMatchSpec(t *testing.T) {
	for _, axis := range Axes() {
		t.Run(string(axis), func(t *testing.T) {
			var got [][2]string
			for _, e := range Edges(axis) {
				pair := [2]string{e.From, e.To}
				if slices.Contains(got, pair) {
					t.Errorf("edge %v listed twice", pair)
				}
				if !slices.Contains(States(axis), e.From) || !slices.Contains(States(axis), e.To) {
					t.Errorf("edge %v names an unknown state", pair)
				}
				got = append(got, pair)
			}
			want := spec[axis]
			if len(got) != len(want) {
				t.Fatalf("Edges(%s) has %d edges, spec %d: %v", axis, len(got), len(want), got)
			}
			for _, p := range want {
				if !slices.Contains(got, p) {
					t.Errorf("spec edge %v missing from Edges", p)
				}
			}
		})
	}
	if Edges("nope") != nil || States("nope") != nil {
		t.Error("unknown axis has edges or states")
	}
}

// TestTransitionAllowed walks every edge of every table with a lead and input that meet its
// conditions.
func TestTransitionAllowed(t *testing.T) {
	for _, axis := range Axes() {
		for _, e := range spec[axis] {
			from, to := e[0], e[1]
			t.Run(fmt.Sprintf("%s/%s->%s", axis, from, to), func(t *testing.T) {
				l := leadAt(axis, from)
				before := l
				got, ev, err := Transition(l, axis, to, fullInput(axis), t0)
				noErr(t, err)
				if st, _ := State(got, axis); st != to {
					t.Fatalf("%s = %q, want %q", axis, st, to)
				}
				if got.Version != before.Version || !got.UpdatedAt.Equal(t0) {
					t.Errorf("Version %d UpdatedAt %v: Version must be left to the store, UpdatedAt = now", got.Version, got.UpdatedAt)
				}
				if ev.Type != EventStatus || ev.LeadID != 42 || ev.OwnerID != 7 || ev.ChannelID != 3 || !ev.At.Equal(t0) {
					t.Errorf("event %+v: want a status event with the lead's snapshots at now", ev)
				}
				wantAxis, wantFrom, wantTo := axis, from, to
				if axis == AxisBooking && to == string(BookingVisited) {
					// The check-in is recorded once, on the store axis.
					wantAxis, wantFrom, wantTo = AxisStore, string(StoreAwaiting), string(StoreNegotiating)
				}
				if ev.Axis != wantAxis || ev.From != wantFrom || ev.To != wantTo {
					t.Errorf("event %s %s->%s, want %s %s->%s", ev.Axis, ev.From, ev.To, wantAxis, wantFrom, wantTo)
				}
				if !reflect.DeepEqual(l, before) {
					t.Error("Transition changed its input lead")
				}
			})
		}
	}
}

// TestTransitionForbidden tries every pair of states not in a table, with an input that would
// satisfy any edge, and expects the table to refuse it.
func TestTransitionForbidden(t *testing.T) {
	for _, axis := range Axes() {
		for _, from := range States(axis) {
			for _, to := range States(axis) {
				if inSpec(axis, from, to) {
					continue
				}
				t.Run(fmt.Sprintf("%s/%s->%s", axis, from, to), func(t *testing.T) {
					l := leadAt(axis, from)
					got, ev, err := Transition(l, axis, to, fullInput(axis), t0)
					fe := wantErr(t, err, string(axis), CodeTransitionInvalid)
					p := fe.Params()
					if p["from"] != from || p["to"] != to || p["axis"] != string(axis) {
						t.Errorf("params %v", p)
					}
					allowed := specTargets(axis, from)
					if len(allowed) == 0 {
						if _, ok := p["allowed"]; ok {
							t.Errorf("allowed %v from a terminal state", p["allowed"])
						}
					} else if p["allowed"] != strings.Join(allowed, ", ") {
						t.Errorf("allowed %v, want %v", p["allowed"], allowed)
					}
					if !reflect.DeepEqual(got, l) || ev.Type != "" {
						t.Error("a refused transition must return the lead unchanged and no event")
					}
				})
			}
		}
	}
}

func TestTransitionRules(t *testing.T) {
	past, future := ptr(t0.Add(-time.Minute)), ptr(t0.Add(time.Minute))
	with := func(axis Axis, from string, f func(*Lead)) Lead {
		l := leadAt(axis, from)
		if f != nil {
			f(&l)
		}
		return l
	}
	in := func(axis Axis, f func(*TransitionInput)) TransitionInput {
		i := fullInput(axis)
		f(&i)
		return i
	}
	tests := []struct {
		name      string
		lead      Lead
		axis      Axis
		to        string
		in        TransitionInput
		field     string
		code      string // "" = allowed
		wantParam map[string]any
	}{
		{name: "unknown axis", lead: leadAt(AxisBooking, "calling"), axis: "mood", to: "happy", field: "axis", code: account.CodeInvalidValue},
		{name: "unknown state", lead: leadAt(AxisBooking, "calling"), axis: AxisBooking, to: "maybe", field: "to", code: account.CodeInvalidValue},

		{name: "invalid needs a reason", lead: leadAt(AxisValidity, "pending"), axis: AxisValidity, to: "invalid",
			in: in(AxisValidity, func(i *TransitionInput) { i.Reason = "" }), field: "reason", code: CodeReasonRequired},
		{name: "blank reason is no reason", lead: leadAt(AxisValidity, "pending"), axis: AxisValidity, to: "invalid",
			in: in(AxisValidity, func(i *TransitionInput) { i.Reason = "  \t" }), field: "reason", code: CodeReasonRequired},
		{name: "any non-empty invalid reason code is accepted (brand lists are configurable)", lead: leadAt(AxisValidity, "pending"),
			axis: AxisValidity, to: "invalid", in: in(AxisValidity, func(i *TransitionInput) { i.Reason = "our_own_reason" })},
		{name: "reason too long", lead: leadAt(AxisValidity, "pending"), axis: AxisValidity, to: "invalid",
			in: in(AxisValidity, func(i *TransitionInput) { i.Reason = strings.Repeat("长", MaxReasonLen+1) }), field: "reason", code: account.CodeTooLong},
		{name: "valid needs no reason", lead: leadAt(AxisValidity, "pending"), axis: AxisValidity, to: "valid", in: TransitionInput{}},

		{name: "to_call needs an owner", lead: with(AxisBooking, "unassigned", func(l *Lead) { l.OwnerID = 0 }),
			axis: AxisBooking, to: "to_call", field: "owner_id", code: CodeOwnerRequired},
		{name: "a booking owner is an owner", lead: with(AxisBooking, "unassigned", func(l *Lead) { l.OwnerID, l.BookingOwnerID = 0, 8 }),
			axis: AxisBooking, to: "to_call"},
		{name: "booking lost needs a reason", lead: leadAt(AxisBooking, "calling"), axis: AxisBooking, to: "lost",
			in: in(AxisBooking, func(i *TransitionInput) { i.Reason = "" }), field: "reason", code: CodeReasonRequired},
		{name: "booked needs a branch", lead: leadAt(AxisBooking, "calling"), axis: AxisBooking, to: "booked",
			in: in(AxisBooking, func(i *TransitionInput) { i.BranchID = 0 }), field: "branch_id", code: CodeBookingNeedsBranchTime},
		{name: "booked needs a time", lead: leadAt(AxisBooking, "calling"), axis: AxisBooking, to: "booked",
			in: in(AxisBooking, func(i *TransitionInput) { i.BookedAt = nil }), field: "booked_at", code: CodeBookingNeedsBranchTime},
		{name: "booked needs a real time", lead: leadAt(AxisBooking, "calling"), axis: AxisBooking, to: "booked",
			in: in(AxisBooking, func(i *TransitionInput) { i.BookedAt = &time.Time{} }), field: "booked_at", code: CodeBookingNeedsBranchTime},
		{name: "an invalid lead cannot be booked", lead: with(AxisBooking, "calling", func(l *Lead) { l.Validity = ValidityInvalid }),
			axis: AxisBooking, to: "booked", field: "validity", code: CodeLeadInvalid},
		{name: "a pending lead can be booked", lead: with(AxisBooking, "calling", func(l *Lead) { l.Validity = ValidityPending }),
			axis: AxisBooking, to: "booked", in: fullInput(AxisBooking)},
		{name: "an invalid lead can still be given up", lead: with(AxisBooking, "calling", func(l *Lead) { l.Validity = ValidityInvalid }),
			axis: AxisBooking, to: "lost", in: fullInput(AxisBooking)},

		{name: "no-show before the booked time", lead: with(AxisBooking, "booked", func(l *Lead) { l.BookedAt = future }),
			axis: AxisBooking, to: "no_show", field: "booked_at", code: CodeNoShowTooEarly,
			wantParam: map[string]any{"booked_at": future.Format(time.RFC3339)}},
		{name: "no-show exactly at the booked time", lead: with(AxisBooking, "booked", func(l *Lead) { l.BookedAt = ptr(t0) }),
			axis: AxisBooking, to: "no_show", field: "booked_at", code: CodeNoShowTooEarly},
		{name: "no-show without a booked time", lead: with(AxisBooking, "booked", func(l *Lead) { l.BookedAt = nil }),
			axis: AxisBooking, to: "no_show", field: "booked_at", code: CodeNoShowTooEarly},
		{name: "no-show once the time passed", lead: with(AxisBooking, "booked", func(l *Lead) { l.BookedAt = past }),
			axis: AxisBooking, to: "no_show"},

		{name: "postponed needs a follow-up", lead: leadAt(AxisBooking, "calling"), axis: AxisBooking, to: "postponed",
			in: in(AxisBooking, func(i *TransitionInput) { i.NextFollowUp = nil }), field: "next_follow_up", code: CodeFollowUpRequired},
		{name: "postponed to the past", lead: leadAt(AxisBooking, "calling"), axis: AxisBooking, to: "postponed",
			in: in(AxisBooking, func(i *TransitionInput) { i.NextFollowUp = past }), field: "next_follow_up", code: CodeFollowUpPast},
		{name: "postponed to now", lead: leadAt(AxisBooking, "no_show"), axis: AxisBooking, to: "postponed",
			in: in(AxisBooking, func(i *TransitionInput) { i.NextFollowUp = ptr(t0) }), field: "next_follow_up", code: CodeFollowUpPast},

		{name: "visited from the booking menu", lead: leadAt(AxisBooking, "booked"), axis: AxisBooking, to: "visited",
			in: in(AxisBooking, func(i *TransitionInput) { i.CheckIn = false }), field: "booking", code: CodeCheckInRequired},
		{name: "check-in of an invalid lead", lead: with(AxisStore, "awaiting", func(l *Lead) { l.Validity = ValidityInvalid }),
			axis: AxisStore, to: "negotiating", field: "validity", code: CodeLeadInvalid},
		{name: "check-in of a lost booking", lead: with(AxisStore, "awaiting", func(l *Lead) { l.Booking = BookingLost }),
			axis: AxisStore, to: "negotiating", field: "booking", code: CodeTransitionInvalid,
			wantParam: map[string]any{"from": "lost", "to": "visited", "axis": "booking"}},
		{name: "walk-in check-in without a booking", lead: with(AxisStore, "awaiting", func(l *Lead) { l.Booking = BookingUnassigned }),
			axis: AxisStore, to: "negotiating"},
		{name: "booking-side check-in when the store already closed", lead: with(AxisBooking, "booked", func(l *Lead) { l.Store = StoreDeal }),
			axis: AxisBooking, to: "visited", in: fullInput(AxisBooking), field: "store", code: CodeTransitionInvalid,
			wantParam: map[string]any{"from": "deal", "to": "negotiating", "axis": "store"}},

		{name: "deal needs an amount", lead: leadAt(AxisStore, "negotiating"), axis: AxisStore, to: "deal",
			in: in(AxisStore, func(i *TransitionInput) { i.Amount = 0 }), field: "amount", code: CodeAmountRequired},
		{name: "deal amount below zero", lead: leadAt(AxisStore, "revisit"), axis: AxisStore, to: "deal",
			in: in(AxisStore, func(i *TransitionInput) { i.Amount = -1 }), field: "amount", code: CodeAmountRequired},
		{name: "deal needs its kind", lead: leadAt(AxisStore, "negotiating"), axis: AxisStore, to: "deal",
			in: in(AxisStore, func(i *TransitionInput) { i.DealKind = "" }), field: "deal_kind", code: account.CodeInvalidValue},
		{name: "deal kind full", lead: leadAt(AxisStore, "negotiating"), axis: AxisStore, to: "deal",
			in: in(AxisStore, func(i *TransitionInput) { i.DealKind = DealFull; i.Package = "" })},
		{name: "deal package too long", lead: leadAt(AxisStore, "negotiating"), axis: AxisStore, to: "deal",
			in: in(AxisStore, func(i *TransitionInput) { i.Package = strings.Repeat("套", MaxPackageLen+1) }), field: "package", code: account.CodeTooLong},

		{name: "store lost needs a reason", lead: leadAt(AxisStore, "negotiating"), axis: AxisStore, to: "lost",
			in: in(AxisStore, func(i *TransitionInput) { i.Reason = "" }), field: "reason", code: CodeReasonRequired},
		{name: "store lost reason outside the list", lead: leadAt(AxisStore, "revisit"), axis: AxisStore, to: "lost",
			in: in(AxisStore, func(i *TransitionInput) { i.Reason = "too expensive" }), field: "reason", code: account.CodeInvalidValue},
		{name: "revisit without a follow-up date", lead: leadAt(AxisStore, "negotiating"), axis: AxisStore, to: "revisit",
			in: TransitionInput{}},
		{name: "revisit with a past follow-up date", lead: leadAt(AxisStore, "negotiating"), axis: AxisStore, to: "revisit",
			in: TransitionInput{NextFollowUp: past}, field: "next_follow_up", code: CodeFollowUpPast},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ev, err := Transition(tt.lead, tt.axis, tt.to, tt.in, t0)
			if tt.code == "" {
				noErr(t, err)
				if ev.Type != EventStatus {
					t.Errorf("event type %q", ev.Type)
				}
				return
			}
			fe := wantErr(t, err, tt.field, tt.code)
			for k, v := range tt.wantParam {
				if fe.Params()[k] != v {
					t.Errorf("param %s = %v, want %v (all: %v)", k, fe.Params()[k], v, fe.Params())
				}
			}
			if !reflect.DeepEqual(got, tt.lead) {
				t.Error("a refused transition must return the lead unchanged")
			}
		})
	}
}

func TestTransitionEffects(t *testing.T) {
	tests := []struct {
		name  string
		lead  Lead
		axis  Axis
		to    string
		in    TransitionInput
		check func(t *testing.T, l Lead, ev Event)
	}{
		{name: "invalid records its reason and drops the follow-up",
			lead: func() Lead { l := leadAt(AxisValidity, "pending"); l.NextFollowUp = ptr(t0.Add(time.Hour)); return l }(),
			axis: AxisValidity, to: "invalid", in: TransitionInput{Reason: " wrong_number "},
			check: func(t *testing.T, l Lead, ev Event) {
				if l.InvalidReason != "wrong_number" || ev.Reason != "wrong_number" || l.NextFollowUp != nil {
					t.Errorf("reason %q/%q follow-up %v", l.InvalidReason, ev.Reason, l.NextFollowUp)
				}
			}},
		{name: "booked sets the appointment",
			lead: leadAt(AxisBooking, "calling"), axis: AxisBooking, to: "booked",
			in: TransitionInput{BranchID: 9, BookedAt: ptr(t0.Add(26 * time.Hour))},
			check: func(t *testing.T, l Lead, ev Event) {
				if l.BookedBranchID != 9 || !l.BookedAt.Equal(t0.Add(26*time.Hour)) {
					t.Errorf("appointment %d %v", l.BookedBranchID, l.BookedAt)
				}
				d := data(t, ev)
				if d["branch_id"] != float64(9) || d["booked_at"] == nil {
					t.Errorf("data %v", d)
				}
			}},
		{name: "no-show counts and keeps the missed appointment",
			lead: leadAt(AxisBooking, "booked"), axis: AxisBooking, to: "no_show",
			check: func(t *testing.T, l Lead, ev Event) {
				if l.NoShows != 2 || l.BookedAt == nil || l.BookedBranchID != 5 {
					t.Errorf("no-shows %d appointment %v %d", l.NoShows, l.BookedAt, l.BookedBranchID)
				}
				if data(t, ev)["no_shows"] != float64(2) {
					t.Errorf("data %s", ev.Data)
				}
			}},
		{name: "rescheduling keeps the old appointment in the event",
			lead: leadAt(AxisBooking, "booked"), axis: AxisBooking, to: "calling", in: TransitionInput{Reason: "customer asked to move it"},
			check: func(t *testing.T, l Lead, ev Event) {
				if l.BookedAt != nil || l.BookedBranchID != 0 {
					t.Errorf("appointment still set: %v %d", l.BookedAt, l.BookedBranchID)
				}
				d := data(t, ev)
				if d["previous_branch_id"] != float64(5) || d["previous_booked_at"] == nil || ev.Reason != "customer asked to move it" {
					t.Errorf("data %v reason %q", d, ev.Reason)
				}
			}},
		{name: "postponed sets the follow-up",
			lead: leadAt(AxisBooking, "to_call"), axis: AxisBooking, to: "postponed",
			in: TransitionInput{NextFollowUp: ptr(t0.Add(72 * time.Hour))},
			check: func(t *testing.T, l Lead, ev Event) {
				if l.NextFollowUp == nil || !l.NextFollowUp.Equal(t0.Add(72*time.Hour)) || data(t, ev)["next_follow_up"] == nil {
					t.Errorf("follow-up %v data %s", l.NextFollowUp, ev.Data)
				}
			}},
		{name: "booking lost records its reason",
			lead: func() Lead { l := leadAt(AxisBooking, "no_show"); l.NextFollowUp = ptr(t0); return l }(),
			axis: AxisBooking, to: "lost", in: TransitionInput{Reason: "booked_elsewhere"},
			check: func(t *testing.T, l Lead, ev Event) {
				if l.LostReason != "booked_elsewhere" || l.NextFollowUp != nil || l.BookedAt != nil {
					t.Errorf("lost %q follow-up %v appointment %v", l.LostReason, l.NextFollowUp, l.BookedAt)
				}
			}},
		{name: "check-in moves booking and store in one call",
			lead: leadAt(AxisStore, "awaiting"), axis: AxisStore, to: "negotiating",
			check: func(t *testing.T, l Lead, ev Event) {
				if l.Booking != BookingVisited || l.Store != StoreNegotiating {
					t.Errorf("booking %s store %s", l.Booking, l.Store)
				}
				d := data(t, ev)
				if d["check_in"] != true || d["booking_from"] != "booked" || d["booking_to"] != "visited" || d["branch_id"] != float64(5) {
					t.Errorf("data %v", d)
				}
			}},
		{name: "check-in from the booking side is the same check-in",
			lead: leadAt(AxisBooking, "booked"), axis: AxisBooking, to: "visited", in: TransitionInput{CheckIn: true, BranchID: 6},
			check: func(t *testing.T, l Lead, ev Event) {
				if l.Booking != BookingVisited || l.Store != StoreNegotiating || ev.Axis != AxisStore {
					t.Errorf("booking %s store %s event axis %s", l.Booking, l.Store, ev.Axis)
				}
				if data(t, ev)["branch_id"] != float64(6) {
					t.Errorf("data %s: the check-in branch wins over the booked one", ev.Data)
				}
			}},
		{name: "a second visit leaves the booking visited",
			lead: leadAt(AxisStore, "revisit"), axis: AxisStore, to: "negotiating",
			check: func(t *testing.T, l Lead, ev Event) {
				d := data(t, ev)
				if l.Booking != BookingVisited || ev.From != "revisit" || d["booking_from"] != nil || d["check_in"] != true {
					t.Errorf("booking %s from %s data %v", l.Booking, ev.From, d)
				}
			}},
		{name: "revisit may schedule the follow-up",
			lead: leadAt(AxisStore, "negotiating"), axis: AxisStore, to: "revisit", in: TransitionInput{NextFollowUp: ptr(t0.Add(time.Hour))},
			check: func(t *testing.T, l Lead, ev Event) {
				if l.NextFollowUp == nil || !l.NextFollowUp.Equal(t0.Add(time.Hour)) {
					t.Errorf("follow-up %v", l.NextFollowUp)
				}
			}},
		{name: "deal records amount, kind and package",
			lead: leadAt(AxisStore, "negotiating"), axis: AxisStore, to: "deal",
			in: TransitionInput{Amount: 1288000, DealKind: DealFull, Package: " 韩式婚纱照 "},
			check: func(t *testing.T, l Lead, ev Event) {
				d := data(t, ev)
				if l.DealAmount != 1288000 || d["amount"] != float64(1288000) || d["kind"] != "full" || d["package"] != "韩式婚纱照" {
					t.Errorf("amount %d data %v", l.DealAmount, d)
				}
			}},
		{name: "store lost records its reason",
			lead: leadAt(AxisStore, "revisit"), axis: AxisStore, to: "lost", in: TransitionInput{Reason: StoreLostDecisionMakerAbsent},
			check: func(t *testing.T, l Lead, ev Event) {
				if l.StoreLostReason != StoreLostDecisionMakerAbsent || ev.Reason != StoreLostDecisionMakerAbsent {
					t.Errorf("reason %q", l.StoreLostReason)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, ev, err := Transition(tt.lead, tt.axis, tt.to, tt.in, t0)
			noErr(t, err)
			tt.check(t, l, ev)
		})
	}
}

// TestTransitionCopiesTimes: the lead must not share a time with the caller's input, or a
// later change to the input would silently move the appointment.
func TestTransitionCopiesTimes(t *testing.T) {
	at := t0.Add(24 * time.Hour)
	in := TransitionInput{BranchID: 1, BookedAt: &at}
	l, _, err := Transition(leadAt(AxisBooking, "calling"), AxisBooking, "booked", in, t0)
	noErr(t, err)
	at = at.Add(time.Hour)
	if !l.BookedAt.Equal(t0.Add(24 * time.Hour)) {
		t.Errorf("BookedAt followed the input: %v", l.BookedAt)
	}
}

func TestNextStates(t *testing.T) {
	with := func(axis Axis, from string, f func(*Lead)) Lead {
		l := leadAt(axis, from)
		if f != nil {
			f(&l)
		}
		return l
	}
	tests := []struct {
		name string
		lead Lead
		axis Axis
		want []string
	}{
		{"pending", leadAt(AxisValidity, "pending"), AxisValidity, []string{"valid", "invalid"}},
		{"valid is final on the validity menu", leadAt(AxisValidity, "valid"), AxisValidity, []string{}},
		{"unowned lead cannot go to call", with(AxisBooking, "unassigned", func(l *Lead) { l.OwnerID = 0 }), AxisBooking, []string{"lost"}},
		{"owned unassigned lead", leadAt(AxisBooking, "unassigned"), AxisBooking, []string{"to_call", "lost"}},
		{"to call", leadAt(AxisBooking, "to_call"), AxisBooking, []string{"calling", "booked", "postponed", "lost"}},
		{"invalid lead is not offered booked", with(AxisBooking, "calling", func(l *Lead) { l.Validity = ValidityInvalid }), AxisBooking,
			[]string{"postponed", "lost"}},
		{"booked, time not passed", with(AxisBooking, "booked", func(l *Lead) { l.BookedAt = ptr(t0.Add(time.Hour)) }), AxisBooking,
			[]string{"calling", "lost"}},
		{"booked, time passed", leadAt(AxisBooking, "booked"), AxisBooking, []string{"no_show", "calling", "lost"}},
		{"no-show", leadAt(AxisBooking, "no_show"), AxisBooking, []string{"calling", "booked", "postponed", "lost"}},
		{"visited is terminal", leadAt(AxisBooking, "visited"), AxisBooking, []string{}},
		{"lost is terminal", leadAt(AxisBooking, "lost"), AxisBooking, []string{}},
		{"awaiting a booked customer", leadAt(AxisStore, "awaiting"), AxisStore, []string{"negotiating"}},
		{"awaiting a walk-in", with(AxisStore, "awaiting", func(l *Lead) { l.Booking = BookingUnassigned }), AxisStore, []string{"negotiating"}},
		{"awaiting a lost booking", with(AxisStore, "awaiting", func(l *Lead) { l.Booking = BookingLost }), AxisStore, []string{}},
		{"awaiting an invalid lead", with(AxisStore, "awaiting", func(l *Lead) { l.Validity = ValidityInvalid }), AxisStore, []string{}},
		{"negotiating", leadAt(AxisStore, "negotiating"), AxisStore, []string{"deal", "revisit", "lost"}},
		{"revisit", leadAt(AxisStore, "revisit"), AxisStore, []string{"negotiating", "deal", "lost"}},
		{"deal is terminal", leadAt(AxisStore, "deal"), AxisStore, []string{}},
		{"unknown axis", leadAt(AxisStore, "deal"), "mood", []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := NextStates(tt.lead, tt.axis, t0)
			if got == nil || !slices.Equal(got, tt.want) {
				t.Errorf("NextStates = %#v, want %#v", got, tt.want)
			}
		})
	}
}

// TestNextStatesAreTakeable: whatever the menu offers, Transition accepts with proper input.
func TestNextStatesAreTakeable(t *testing.T) {
	variants := map[string]func(*Lead){
		"plain":       func(*Lead) {},
		"unowned":     func(l *Lead) { l.OwnerID = 0 },
		"invalid":     func(l *Lead) { l.Validity = ValidityInvalid },
		"future date": func(l *Lead) { l.BookedAt = ptr(t0.Add(time.Hour)) },
		"walk-in":     func(l *Lead) { l.Booking = BookingUnassigned },
	}
	for _, axis := range Axes() {
		for _, from := range States(axis) {
			for name, f := range variants {
				l := leadAt(axis, from)
				f(&l)
				if axis == AxisBooking && name == "walk-in" {
					continue
				}
				for _, to := range NextStates(l, axis, t0) {
					t.Run(fmt.Sprintf("%s/%s/%s->%s", axis, name, from, to), func(t *testing.T) {
						_, _, err := Transition(l, axis, to, fullInput(axis), t0)
						noErr(t, err)
					})
				}
			}
		}
	}
}

func TestCorrect(t *testing.T) {
	// Any state to any other state, on every axis, with a reason.
	for _, axis := range Axes() {
		for _, from := range States(axis) {
			for _, to := range States(axis) {
				if from == to {
					continue
				}
				t.Run(fmt.Sprintf("%s/%s->%s", axis, from, to), func(t *testing.T) {
					l, ev, err := Correct(leadAt(axis, from), axis, to, "entered on the wrong lead", t0)
					noErr(t, err)
					if st, _ := State(l, axis); st != to {
						t.Fatalf("state %s", st)
					}
					if ev.Type != EventCorrection || ev.Axis != axis || ev.From != from || ev.To != to ||
						ev.Reason != "entered on the wrong lead" || !l.UpdatedAt.Equal(t0) {
						t.Errorf("event %+v", ev)
					}
				})
			}
		}
	}

	tests := []struct {
		name   string
		lead   Lead
		axis   Axis
		to     string
		reason string
		field  string
		code   string
		check  func(t *testing.T, l Lead, ev Event)
	}{
		{name: "reason required", lead: leadAt(AxisValidity, "valid"), axis: AxisValidity, to: "invalid", reason: " ",
			field: "reason", code: CodeReasonRequired},
		{name: "reason too long", lead: leadAt(AxisValidity, "valid"), axis: AxisValidity, to: "invalid",
			reason: strings.Repeat("x", MaxReasonLen+1), field: "reason", code: account.CodeTooLong},
		{name: "unknown axis", lead: leadAt(AxisValidity, "valid"), axis: "x", to: "invalid", reason: "r", field: "axis", code: account.CodeInvalidValue},
		{name: "unknown state", lead: leadAt(AxisValidity, "valid"), axis: AxisValidity, to: "great", reason: "r", field: "to", code: account.CodeInvalidValue},
		{name: "no change", lead: leadAt(AxisStore, "deal"), axis: AxisStore, to: "deal", reason: "r", field: "store", code: CodeNoChange},
		{name: "valid to invalid takes the reason", lead: leadAt(AxisValidity, "valid"), axis: AxisValidity, to: "invalid", reason: "duplicate",
			check: func(t *testing.T, l Lead, ev Event) {
				if l.InvalidReason != "duplicate" {
					t.Errorf("invalid reason %q", l.InvalidReason)
				}
			}},
		{name: "invalid to valid clears the reason",
			lead: func() Lead { l := leadAt(AxisValidity, "invalid"); l.InvalidReason = "test"; return l }(),
			axis: AxisValidity, to: "valid", reason: "real customer after all",
			check: func(t *testing.T, l Lead, ev Event) {
				if l.InvalidReason != "" {
					t.Errorf("invalid reason %q", l.InvalidReason)
				}
			}},
		{name: "lost booking back to calling clears the reason",
			lead: func() Lead { l := leadAt(AxisBooking, "lost"); l.LostReason = "x"; return l }(),
			axis: AxisBooking, to: "calling", reason: "misclick",
			check: func(t *testing.T, l Lead, ev Event) {
				if l.LostReason != "" {
					t.Errorf("lost reason %q", l.LostReason)
				}
			}},
		{name: "undoing a deal zeroes the amount and records it",
			lead: leadAt(AxisStore, "deal"), axis: AxisStore, to: "negotiating", reason: "deal entered on the wrong lead",
			check: func(t *testing.T, l Lead, ev Event) {
				if l.DealAmount != 0 || data(t, ev)["deal_amount_before"] != float64(500000) {
					t.Errorf("amount %d data %s", l.DealAmount, ev.Data)
				}
			}},
		{name: "store lost with a listed reason", lead: leadAt(AxisStore, "deal"), axis: AxisStore, to: "lost", reason: StoreLostCompetitor,
			check: func(t *testing.T, l Lead, ev Event) {
				if l.StoreLostReason != StoreLostCompetitor {
					t.Errorf("reason %q", l.StoreLostReason)
				}
			}},
		{name: "store lost with free text counts as other", lead: leadAt(AxisStore, "negotiating"), axis: AxisStore, to: "lost", reason: "went abroad",
			check: func(t *testing.T, l Lead, ev Event) {
				if l.StoreLostReason != StoreLostOther || ev.Reason != "went abroad" {
					t.Errorf("reason %q / %q", l.StoreLostReason, ev.Reason)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, ev, err := Correct(tt.lead, tt.axis, tt.to, tt.reason, t0)
			if tt.code != "" {
				wantErr(t, err, tt.field, tt.code)
				if !reflect.DeepEqual(l, tt.lead) {
					t.Error("refused correction changed the lead")
				}
				return
			}
			noErr(t, err)
			tt.check(t, l, ev)
		})
	}
}

func TestRefund(t *testing.T) {
	deal := leadAt(AxisStore, "deal") // DealAmount 500000
	tests := []struct {
		name   string
		lead   Lead
		amount int64
		reason string
		field  string
		code   string
		after  int64
	}{
		{name: "partial refund", lead: deal, amount: 200000, reason: "package downgraded", after: 300000},
		{name: "full refund", lead: deal, amount: 500000, reason: "wedding cancelled", after: 0},
		{name: "more than is left", lead: deal, amount: 500001, reason: "x", field: "amount", code: CodeRefundExceedsDeal},
		{name: "zero", lead: deal, amount: 0, reason: "x", field: "amount", code: CodeAmountRequired},
		{name: "negative", lead: deal, amount: -5, reason: "x", field: "amount", code: CodeAmountRequired},
		{name: "no reason", lead: deal, amount: 1, reason: "", field: "reason", code: CodeReasonRequired},
		{name: "not a deal", lead: leadAt(AxisStore, "negotiating"), amount: 1, reason: "x", field: "store", code: CodeRefundNeedsDeal},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, ev, err := Refund(tt.lead, tt.amount, tt.reason, t0)
			if tt.code != "" {
				fe := wantErr(t, err, tt.field, tt.code)
				if tt.code == CodeRefundExceedsDeal && fe.Params()["max"] != int64(500000) {
					t.Errorf("max %v", fe.Params()["max"])
				}
				return
			}
			noErr(t, err)
			d := data(t, ev)
			if l.DealAmount != tt.after || l.Store != StoreDeal || ev.Type != EventRefund || ev.Axis != AxisStore ||
				d["amount"] != float64(tt.amount) || d["deal_amount_after"] != float64(tt.after) || ev.Reason != tt.reason {
				t.Errorf("lead amount %d store %s event %+v data %v", l.DealAmount, l.Store, ev, d)
			}
		})
	}
	t.Run("refunds add up and stop at zero", func(t *testing.T) {
		l, _, err := Refund(deal, 300000, "a", t0)
		noErr(t, err)
		l, _, err = Refund(l, 200000, "b", t0)
		noErr(t, err)
		_, _, err = Refund(l, 1, "c", t0)
		wantErr(t, err, "amount", CodeRefundExceedsDeal)
	})
}

func TestDefaultInvalidReasons(t *testing.T) {
	var keys []string
	for _, r := range DefaultInvalidReasons() {
		if r.Label == "" {
			t.Errorf("%s has no label", r.Key)
		}
		keys = append(keys, r.Key)
	}
	want := []string{"empty_number", "wrong_number", "duplicate", "competitor_spam", "out_of_area", "not_target", "test"}
	if !slices.Equal(keys, want) {
		t.Errorf("keys %v, want %v", keys, want)
	}
}

func TestErrorMessage(t *testing.T) {
	_, _, err := Transition(leadAt(AxisBooking, "lost"), AxisBooking, "booked", TransitionInput{}, t0)
	if got := err.Error(); got != "booking: transition_invalid (lost -> booked)" {
		t.Errorf("Error() = %q", got)
	}
}
