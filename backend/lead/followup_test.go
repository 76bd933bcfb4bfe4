package lead

import (
	"testing"
	"time"
)

func TestFollowUp(t *testing.T) {
	now := time.Date(2026, 12, 4, 8, 0, 0, 0, time.UTC)
	later, earlier := now.Add(2*time.Hour), now.Add(-time.Hour)
	base := Lead{ID: 1, Booking: BookingCalling, Validity: ValidityValid}
	tests := []struct {
		name, kind, text string
		at               *time.Time
		code             string
	}{
		{"note", FollowUpNote, "客户说周末再联系", nil, ""},
		{"message", FollowUpMessage, "已发微信报价", nil, ""},
		{"appointment", FollowUpAppointment, "", &later, ""},
		{"empty note", FollowUpNote, "  ", nil, "required"},
		{"appointment without time", FollowUpAppointment, "x", nil, CodeFollowUpRequired},
		{"appointment in the past", FollowUpAppointment, "x", &earlier, CodeFollowUpPast},
		{"unknown kind", "fax", "x", nil, "invalid_value"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l, ev, err := FollowUp(base, tc.kind, tc.text, tc.at, now)
			if tc.code != "" {
				e, ok := err.(*Error)
				if !ok || e.Code() != tc.code {
					t.Fatalf("err = %v, want %s", err, tc.code)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if ev.Type != EventFollowUp || l.LastFollowUp == nil || !l.LastFollowUp.Equal(now) || l.Booking != BookingCalling {
				t.Fatalf("lead %+v event %+v", l, ev)
			}
			if tc.at != nil && (l.NextFollowUp == nil || !l.NextFollowUp.Equal(*tc.at)) {
				t.Fatalf("next follow-up %v", l.NextFollowUp)
			}
		})
	}
}
