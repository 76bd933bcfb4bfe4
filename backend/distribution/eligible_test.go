package distribution_test

import (
	"reflect"
	"testing"

	"github.com/studiodesk/studiodesk/backend/distribution"
)

// ready is a member who passes every check; tests break one thing at a time.
func ready(id int64) distribution.Candidate {
	return distribution.Candidate{StaffID: id, Name: "s", Active: true, CheckedIn: true, InScope: true, Weight: 1}
}

func TestEligible(t *testing.T) {
	with := func(id int64, f func(*distribution.Candidate)) distribution.Candidate {
		c := ready(id)
		f(&c)
		return c
	}
	tests := []struct {
		name        string
		c           distribution.Candidate
		needCheckIn bool
		want        distribution.Reason // "" = eligible
	}{
		{"ready", ready(1), true, ""},
		{"disabled", with(1, func(c *distribution.Candidate) { c.Active = false }), true, distribution.ReasonDisabled},
		{"not checked in", with(1, func(c *distribution.Candidate) { c.CheckedIn = false }), true, distribution.ReasonNotCheckedIn},
		{"check-in not needed", with(1, func(c *distribution.Candidate) { c.CheckedIn = false }), false, ""},
		{"daily cap reached", with(1, func(c *distribution.Candidate) { c.DailyCap, c.AssignedToday = 5, 5 }), true, distribution.ReasonDailyCap},
		{"daily cap not reached", with(1, func(c *distribution.Candidate) { c.DailyCap, c.AssignedToday = 5, 4 }), true, ""},
		{"daily cap 0 is none", with(1, func(c *distribution.Candidate) { c.AssignedToday = 1000 }), true, ""},
		{"holding cap reached", with(1, func(c *distribution.Candidate) { c.HoldingCap, c.Holding = 3, 7 }), true, distribution.ReasonHoldingCap},
		{"holding cap 0 is none", with(1, func(c *distribution.Candidate) { c.Holding = 1000 }), true, ""},
		{"out of scope", with(1, func(c *distribution.Candidate) { c.InScope = false }), true, distribution.ReasonOutOfScope},
		// The first failing reason wins, in the documented order.
		{"disabled before everything", distribution.Candidate{StaffID: 1, DailyCap: 1, AssignedToday: 1}, true, distribution.ReasonDisabled},
		{"check-in before caps", with(1, func(c *distribution.Candidate) {
			c.CheckedIn, c.DailyCap, c.AssignedToday, c.InScope = false, 1, 1, false
		}), true, distribution.ReasonNotCheckedIn},
		{"daily before holding", with(1, func(c *distribution.Candidate) {
			c.DailyCap, c.AssignedToday, c.HoldingCap, c.Holding = 1, 1, 1, 1
		}), true, distribution.ReasonDailyCap},
		{"holding before scope", with(1, func(c *distribution.Candidate) { c.HoldingCap, c.Holding, c.InScope = 1, 1, false }), true, distribution.ReasonHoldingCap},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, ex := distribution.Eligible([]distribution.Candidate{tt.c}, tt.needCheckIn)
			if tt.want == "" {
				if len(ok) != 1 || len(ex) != 0 {
					t.Fatalf("want eligible, got ok=%v excluded=%v", ok, ex)
				}
				return
			}
			want := []distribution.Exclusion{{StaffID: tt.c.StaffID, Name: tt.c.Name, Reason: tt.want}}
			if len(ok) != 0 || !reflect.DeepEqual(ex, want) {
				t.Fatalf("got ok=%v excluded=%v, want excluded=%v", ok, ex, want)
			}
		})
	}
}

func TestEligibleKeepsInputOrder(t *testing.T) {
	off := ready(2)
	off.Active = false
	out := ready(4)
	out.InScope = false
	ok, ex := distribution.Eligible([]distribution.Candidate{ready(5), off, ready(1), out, ready(3)}, true)
	var ids []int64
	for _, c := range ok {
		ids = append(ids, c.StaffID)
	}
	if !reflect.DeepEqual(ids, []int64{5, 1, 3}) {
		t.Errorf("ok ids = %v, want [5 1 3]", ids)
	}
	if len(ex) != 2 || ex[0].StaffID != 2 || ex[1].StaffID != 4 {
		t.Errorf("excluded = %v, want 2 then 4", ex)
	}
}
