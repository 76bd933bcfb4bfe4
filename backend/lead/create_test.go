package lead

import "testing"

func TestNew(t *testing.T) {
	tests := []struct {
		name            string
		in              Lead
		referralAllowed bool
		booking         Booking
		approval        Approval
	}{
		{"ad lead, nobody holds it", Lead{Phone: "13800138000", Source: SourceAd, ChannelID: 3}, false, BookingUnassigned, ApprovalNone},
		{"entered by its booker", Lead{Phone: "13800138000", Source: SourceAd, OwnerID: 7, BookingOwnerID: 7}, false, BookingToCall, ApprovalNone},
		{"entered by store staff", Lead{Phone: "13800138000", Source: SourceWalkIn, OwnerID: 7, StoreOwnerID: 7}, false, BookingUnassigned, ApprovalNone},
		{"referral with the permission", Lead{Phone: "13800138000", Source: SourceReferral, ReferrerStaffID: 9}, true, BookingUnassigned, ApprovalNone},
		{"referral without the permission", Lead{Phone: "13800138000", Source: SourceReferral, ReferrerStaffID: 9}, false, BookingUnassigned, ApprovalPending},
		{"statuses from the input are ignored", Lead{Phone: "13800138000", Validity: ValidityValid, Booking: BookingBooked,
			Store: StoreDeal, DealAmount: 5, NoShows: 3, RepeatCount: 2, BookedAt: ptr(t0), LostReason: "x"}, true, BookingUnassigned, ApprovalNone},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, ev := New(tt.in, tt.referralAllowed, t0)
			if l.Validity != ValidityPending || l.Booking != tt.booking || l.Store != StoreAwaiting || l.Approval != tt.approval {
				t.Errorf("states %s/%s/%s approval %q", l.Validity, l.Booking, l.Store, l.Approval)
			}
			if l.DealAmount != 0 || l.NoShows != 0 || l.RepeatCount != 0 || l.BookedAt != nil || l.LostReason != "" {
				t.Errorf("counters or reasons carried over: %+v", l)
			}
			if !l.CreatedAt.Equal(t0) || !l.UpdatedAt.Equal(t0) || l.Phone != tt.in.Phone {
				t.Errorf("times %v %v", l.CreatedAt, l.UpdatedAt)
			}
			d := data(t, ev)
			if ev.Type != EventCreated || ev.ChannelID != tt.in.ChannelID || ev.OwnerID != tt.in.OwnerID || !ev.At.Equal(t0) {
				t.Errorf("event %+v", ev)
			}
			if tt.in.Source != "" && d["source_type"] != string(tt.in.Source) {
				t.Errorf("data %v", d)
			}
			if (tt.approval == ApprovalPending) != (d["approval"] == "pending") {
				t.Errorf("data %v", d)
			}
		})
	}
}
