package lead

import (
	"reflect"
	"testing"
	"time"

	"github.com/studiodesk/studiodesk/backend/account"
)

func TestSummarize(t *testing.T) {
	base := Lead{ID: 5, Phone: "13800138000", OwnerID: 7, LastFollowUp: ptr(t0),
		Validity: ValidityPending, Booking: BookingUnassigned, Store: StoreAwaiting}
	tests := []struct {
		name  string
		f     func(*Lead)
		axis  Axis
		stage string
	}{
		{"new lead", func(*Lead) {}, AxisValidity, "pending"},
		{"invalid wins", func(l *Lead) { l.Validity, l.Booking = ValidityInvalid, BookingCalling }, AxisValidity, "invalid"},
		{"booking moved", func(l *Lead) { l.Validity, l.Booking = ValidityValid, BookingBooked }, AxisBooking, "booked"},
		{"store moved", func(l *Lead) { l.Booking, l.Store = BookingVisited, StoreDeal }, AxisStore, "deal"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := base
			tt.f(&l)
			s := Summarize(l)
			if s.Phone != "138****8000" || s.OwnerID != 7 || s.LeadID != 5 || s.LastFollowUp != l.LastFollowUp ||
				s.StageAxis != tt.axis || s.Stage != tt.stage {
				t.Errorf("%+v", s)
			}
		})
	}
}

func TestDuplicateDecision(t *testing.T) {
	owned := Lead{ID: 5, Phone: "13800138000", OwnerID: 7, Validity: ValidityValid, Booking: BookingCalling, Store: StoreAwaiting}
	unowned := owned
	unowned.OwnerID = 0
	lost := owned
	lost.Booking = BookingLost
	tests := []struct {
		name     string
		policy   account.DuplicatePolicy
		existing Lead
		canSee   bool
		want     Decision
	}{
		{"reject, caller sees it", account.DupReject, owned, true, Decision{Action: ActionReject}},
		{"reject, caller cannot see it", account.DupReject, owned, false, Decision{Action: ActionReject, CanRequestTransfer: true}},
		{"repeat, caller cannot see it", account.DupRepeat, owned, false, Decision{Action: ActionRepeat, CanRequestTransfer: true}},
		{"repeat, caller sees it", account.DupRepeat, owned, true, Decision{Action: ActionRepeat}},
		{"unowned lead is claimed, not transferred", account.DupReject, unowned, false, Decision{Action: ActionReject}},
		{"lost lead may be re-opened", account.DupRepeat, lost, true, Decision{Action: ActionRepeat, CanReopen: true}},
		{"unknown policy rejects", "merge", owned, true, Decision{Action: ActionReject}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := DuplicateDecision(tt.policy, tt.existing, tt.canSee)
			tt.want.Summary = Summarize(tt.existing)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v\nwant %+v", got, tt.want)
			}
			if got.Summary.Phone == tt.existing.Phone {
				t.Error("summary shows the full phone")
			}
		})
	}
}

func TestRepeatInquiry(t *testing.T) {
	l := Lead{ID: 5, ChannelID: 3, OwnerID: 7, RepeatCount: 1, Booking: BookingCalling}
	got, ev := RepeatInquiry(l, 11, t0)
	if got.RepeatCount != 2 || got.ChannelID != 3 || !got.UpdatedAt.Equal(t0) || got.Booking != BookingCalling {
		t.Errorf("lead %+v", got)
	}
	d := data(t, ev)
	if ev.Type != EventRepeat || ev.ChannelID != 11 || ev.OwnerID != 7 || ev.LeadID != 5 ||
		d["channel_id"] != float64(11) || d["original_channel_id"] != float64(3) || d["repeat_count"] != float64(2) {
		t.Errorf("event %+v data %v", ev, d)
	}
	if l.RepeatCount != 1 {
		t.Error("input changed")
	}
}

func TestReopen(t *testing.T) {
	base := Lead{ID: 5, OwnerID: 7, Validity: ValidityValid, Booking: BookingCalling, Store: StoreAwaiting,
		NoShows: 2, UpdatedAt: t0.Add(-time.Hour)}
	tests := []struct {
		name        string
		f           func(*Lead)
		code        string
		wantBooking Booking
	}{
		{"invalid", func(l *Lead) { l.Validity, l.InvalidReason = ValidityInvalid, "test" }, "", BookingToCall},
		{"booking lost", func(l *Lead) {
			l.Booking, l.LostReason, l.BookedAt, l.BookedBranchID = BookingLost, "x", ptr(t0), 3
		}, "", BookingToCall},
		{"store lost", func(l *Lead) {
			l.Booking, l.Store, l.StoreLostReason = BookingVisited, StoreLost, StoreLostPrice
		}, "", BookingToCall},
		{"lost and unowned goes back to unassigned", func(l *Lead) { l.Booking, l.OwnerID = BookingLost, 0 }, "", BookingUnassigned},
		{"open lead", func(*Lead) {}, CodeReopenNotAllowed, ""},
		{"deal", func(l *Lead) { l.Booking, l.Store = BookingVisited, StoreDeal }, CodeReopenNotAllowed, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := base
			tt.f(&in)
			got, ev, err := Reopen(in, t0)
			if tt.code != "" {
				wantErr(t, err, "status", tt.code)
				if !reflect.DeepEqual(got, in) {
					t.Error("refused reopen changed the lead")
				}
				return
			}
			noErr(t, err)
			if got.Validity != ValidityPending || got.Booking != tt.wantBooking || got.Store != StoreAwaiting ||
				got.InvalidReason != "" || got.LostReason != "" || got.StoreLostReason != "" ||
				got.BookedAt != nil || got.BookedBranchID != 0 || got.NoShows != 2 || !got.UpdatedAt.Equal(t0) {
				t.Errorf("lead %+v", got)
			}
			d := data(t, ev)
			if ev.Type != EventReopened || d["validity_from"] != string(in.Validity) || d["booking_from"] != string(in.Booking) ||
				d["store_from"] != string(in.Store) {
				t.Errorf("event %+v data %v", ev, d)
			}
		})
	}
}
