package lead

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/studiodesk/studiodesk/backend/account"
)

func TestRecordCall(t *testing.T) {
	base := leadAt(AxisBooking, "calling")
	base.LastFollowUp = ptr(t0.Add(-48 * time.Hour))
	tests := []struct {
		name   string
		result string
		note   string
		field  string
		code   string
	}{
		{name: "no answer", result: CallNoAnswer},
		{name: "powered off", result: CallPoweredOff},
		{name: "refused", result: CallRefused, note: "已在别家拍"},
		{name: "thinking", result: CallThinking},
		{name: "added wechat", result: CallAddedWeChat},
		{name: "booked as a result does not book", result: CallBooked, note: "周六下午"},
		{name: "unknown result", result: "hung_up", field: "result", code: account.CodeInvalidValue},
		{name: "empty result", result: "", field: "result", code: account.CodeInvalidValue},
		{name: "note too long", result: CallThinking, note: strings.Repeat("话", MaxNoteLen+1), field: "note", code: account.CodeTooLong},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, ev, err := RecordCall(base, tt.result, tt.note, t0)
			if tt.code != "" {
				wantErr(t, err, tt.field, tt.code)
				if !reflect.DeepEqual(l, base) {
					t.Error("refused call changed the lead")
				}
				return
			}
			noErr(t, err)
			if l.Booking != base.Booking || l.Validity != base.Validity || l.Store != base.Store {
				t.Errorf("a call result moved a status: %s/%s/%s", l.Validity, l.Booking, l.Store)
			}
			if l.LastFollowUp == nil || !l.LastFollowUp.Equal(t0) || !l.UpdatedAt.Equal(t0) {
				t.Errorf("LastFollowUp %v UpdatedAt %v", l.LastFollowUp, l.UpdatedAt)
			}
			d := data(t, ev)
			if ev.Type != EventCall || ev.Axis != "" || d["result"] != tt.result || ev.OwnerID != 7 || ev.LeadID != 42 {
				t.Errorf("event %+v data %v", ev, d)
			}
			if (tt.note != "") != (d["note"] != nil) {
				t.Errorf("note %v", d["note"])
			}
		})
	}
}
