package distribution_test

import (
	"testing"

	"github.com/studiodesk/studiodesk/backend/distribution"
)

func TestPreviousOwner(t *testing.T) {
	off := ready(2)
	off.Active = false
	busy := ready(3) // active but off duty, capped and out of scope: still the owner they know
	busy.CheckedIn, busy.DailyCap, busy.AssignedToday, busy.InScope = false, 1, 1, false
	cands := []distribution.Candidate{ready(1), off, busy}
	tests := []struct {
		name   string
		prev   int64
		wantOK bool
	}{
		{"active owner", 1, true},
		{"disabled owner", 2, false},
		{"active but off duty and capped", 3, true},
		{"left the brand", 9, false},
		{"no previous owner", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, ok := distribution.PreviousOwner(tt.prev, cands)
			if ok != tt.wantOK || (ok && c.StaffID != tt.prev) || (!ok && c.StaffID != 0) {
				t.Errorf("PreviousOwner(%d) = %d, %v; want ok=%v", tt.prev, c.StaffID, ok, tt.wantOK)
			}
		})
	}
}
