package distribution_test

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/studiodesk/studiodesk/backend/distribution"
)

var t0 = time.Date(2025, 3, 1, 9, 0, 0, 0, time.FixedZone("CST", 8*3600))

func h(n float64) time.Time      { return t0.Add(time.Duration(n * float64(time.Hour))) }
func d(n float64) time.Time      { return h(n * 24) }
func ptr(t time.Time) *time.Time { return &t }

func TestExplain(t *testing.T) {
	def := distribution.DefaultPoolPolicy()
	noFollowUpRule := def
	noFollowUpRule.NoFollowUpHours = 0
	tests := []struct {
		name      string
		p         distribution.PoolPolicy
		activity  *time.Time
		booked    bool
		locked    bool
		want      *time.Time
		wantBasis distribution.Basis
	}{
		{"fresh assignment: follow up within 48h", def, nil, false, false, ptr(h(48)), distribution.BasisNoFollowUp},
		{"follow-up restarts the 48h", def, ptr(h(40)), false, false, ptr(h(88)), distribution.BasisNoFollowUp},
		{"late in the week the booking deadline comes first", def, ptr(d(6)), false, false, ptr(d(7)), distribution.BasisNoBooking},
		{"activity extends the booking deadline", noFollowUpRule, ptr(d(6.5)), false, false, ptr(d(7.5)), distribution.BasisNoBooking},
		{"extension capped at ProtectMaxDays", noFollowUpRule, ptr(d(29.5)), false, false, ptr(d(30)), distribution.BasisMaxProtection},
		{"activity right before the maximum", def, ptr(d(29.9)), false, false, ptr(d(30)), distribution.BasisMaxProtection},
		{"previous owner's activity ignored", def, ptr(h(-1)), false, false, ptr(h(48)), distribution.BasisNoFollowUp},
		{"locked never recycles", def, ptr(h(1)), false, true, nil, distribution.BasisLocked},
		{"locked wins over booked", def, nil, true, true, nil, distribution.BasisLocked},
		{"booked never recycles", def, nil, true, false, nil, distribution.BasisBooked},
		{"every rule off", distribution.PoolPolicy{CooldownHours: 5}, nil, false, false, nil, distribution.BasisNoRule},
		{"only the maximum", distribution.PoolPolicy{ProtectMaxDays: 3}, ptr(d(2)), false, false, ptr(d(3)), distribution.BasisMaxProtection},
		{"no extension configured", distribution.PoolPolicy{NoBookingDays: 7}, ptr(d(6.9)), false, false, ptr(d(7)), distribution.BasisNoBooking},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, basis := distribution.Explain(tt.p, t0, tt.activity, tt.booked, tt.locked)
			if (got == nil) != (tt.want == nil) || got != nil && !got.Equal(*tt.want) || basis != tt.wantBasis {
				t.Errorf("got %v %s, want %v %s", got, basis, tt.want, tt.wantBasis)
			}
			if p := distribution.Protection(tt.p, t0, tt.activity, tt.booked, tt.locked); (p == nil) != (got == nil) || p != nil && !p.Equal(*got) {
				t.Errorf("Protection %v disagrees with Explain %v", p, got)
			}
		})
	}
}

// However often and whenever the owner is active, an unbooked lead recycles no later than
// ProtectMaxDays after assignment and no earlier than the policy's own shortest timer allows.
func TestProtectionNeverPassesMaximum(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	p := distribution.DefaultPoolPolicy()
	limit := d(float64(p.ProtectMaxDays))
	tm := distribution.OwnerChanged(p, t0, false, false)
	at := t0
	for range 2000 {
		at = at.Add(time.Duration(rng.IntN(40*60)) * time.Minute)
		tm = tm.Touched(p, at, false, false)
		if tm.RecycleAt == nil || tm.RecycleAt.After(limit) {
			t.Fatalf("activity at %v: recycle at %v, beyond %v", at, tm.RecycleAt, limit)
		}
		if at.Before(limit) && !tm.RecycleAt.After(at) {
			t.Fatalf("activity at %v: recycle at %v, not after the activity", at, tm.RecycleAt)
		}
	}
}

func TestDue(t *testing.T) {
	p := distribution.DefaultPoolPolicy()
	tests := []struct {
		name   string
		now    time.Time
		booked bool
		locked bool
		want   bool
	}{
		{"before the deadline", h(47.9), false, false, false},
		{"at the deadline", h(48), false, false, true},
		{"after the deadline", d(40), false, false, true},
		{"locked never due", d(400), false, true, false},
		{"booked never due", d(400), true, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := distribution.Due(p, t0, nil, tt.booked, tt.locked, tt.now); got != tt.want {
				t.Errorf("Due = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestOwnerChangedRestartsTimers(t *testing.T) {
	p := distribution.DefaultPoolPolicy()
	old := distribution.OwnerChanged(p, t0, false, false).Touched(p, d(5), false, false)
	if !old.RecycleAt.Equal(d(7)) {
		t.Fatalf("old owner's timers %v", old.RecycleAt)
	}
	// A transfer on day 6 must not inherit a recycle time one day away.
	moved := distribution.OwnerChanged(p, d(6), false, false)
	if moved.LastActivity != nil || !moved.AssignedAt.Equal(d(6)) || !moved.RecycleAt.Equal(d(8)) ||
		moved.Basis != distribution.BasisNoFollowUp {
		t.Errorf("after transfer %+v", moved)
	}
	// The old owner's follow-up arriving late (offline sync) does not count for the new one.
	if late := moved.Touched(p, d(5.5), false, false); late.LastActivity != nil || !late.RecycleAt.Equal(d(8)) {
		t.Errorf("late follow-up of the previous owner changed timers: %+v", late)
	}
	// Follow-ups only move the clock forward.
	tm := moved.Touched(p, d(7), false, false).Touched(p, d(6.5), false, false)
	if !tm.LastActivity.Equal(d(7)) {
		t.Errorf("last activity %v, want day 7", tm.LastActivity)
	}
	// Lock and booking stop the timers; Recompute resumes them.
	if l := tm.Recompute(p, false, true); l.RecycleAt != nil || l.Basis != distribution.BasisLocked {
		t.Errorf("locked %+v", l)
	}
	if b := tm.Recompute(p, true, false); b.RecycleAt != nil || b.Basis != distribution.BasisBooked {
		t.Errorf("booked %+v", b)
	}
	if r := tm.Recompute(p, false, false); r.RecycleAt == nil {
		t.Errorf("unlocked and unbooked but no recycle time: %+v", r)
	}
}

func TestCanClaim(t *testing.T) {
	p := distribution.DefaultPoolPolicy()
	p.HoldingCap = 10
	released := h(0)
	tests := []struct {
		name     string
		p        distribution.PoolPolicy
		claimer  int64
		holding  int
		prev     int64
		released *time.Time
		now      time.Time
		want     distribution.Reason // "" = allowed
	}{
		{"anyone under the cap", p, 5, 9, 7, &released, h(1), ""},
		{"at the holding cap", p, 5, 10, 7, &released, h(1), distribution.ReasonHoldingCap},
		{"cap 0 is none", distribution.DefaultPoolPolicy(), 5, 5000, 7, &released, h(1), ""},
		{"previous owner in cool-down", p, 7, 0, 7, &released, h(71.9), distribution.ReasonCooldown},
		{"previous owner after cool-down", p, 7, 0, 7, &released, h(72), ""},
		{"someone else during cool-down", p, 8, 0, 7, &released, h(1), ""},
		{"never owned", p, 7, 0, 0, nil, h(1), ""},
		{"cap reported before cool-down", p, 7, 10, 7, &released, h(1), distribution.ReasonHoldingCap},
		{"no cool-down configured", distribution.PoolPolicy{}, 7, 0, 7, &released, h(0), ""},
		{"no claimer", p, 0, 0, 0, nil, h(1), distribution.ReasonNoClaimer},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, reason := distribution.CanClaim(tt.p, tt.claimer, tt.holding, tt.prev, tt.released, tt.now)
			if ok != (tt.want == "") || reason != tt.want {
				t.Errorf("CanClaim = %v %q, want %q", ok, reason, tt.want)
			}
		})
	}
}

func TestDefaultPoolPolicy(t *testing.T) {
	want := distribution.PoolPolicy{NoFollowUpHours: 48, NoBookingDays: 7, ProtectMaxDays: 30, ActivityExtendHours: 24, CooldownHours: 72}
	if got := distribution.DefaultPoolPolicy(); got != want {
		t.Errorf("defaults %+v, want %+v", got, want)
	}
}
