package distribution_test

import (
	"errors"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/studiodesk/studiodesk/backend/distribution"
)

func group(ids ...int64) []distribution.Candidate {
	out := make([]distribution.Candidate, len(ids))
	for i, id := range ids {
		out[i] = ready(id)
	}
	return out
}

func TestRoundRobinFairness(t *testing.T) {
	// Ids with gaps, in no particular order: the pointer must not depend on either.
	cands := group(42, 3, 99, 20, 8, 21, 11)
	count := map[int64]int{}
	var st distribution.RRState
	for i := range 10000 {
		c, next, ok := distribution.RoundRobin(st, cands)
		if !ok {
			t.Fatalf("pick %d: nobody chosen", i)
		}
		count[c.StaffID]++
		st = next
		if lo, hi := spread(count, cands); hi-lo > 1 {
			t.Fatalf("after %d picks spread is %d..%d, want max-min <= 1", i+1, lo, hi)
		}
	}
	// Turns go in ascending id order.
	var seq []int64
	st = distribution.RRState{}
	for range 8 {
		var c distribution.Candidate
		c, st, _ = distribution.RoundRobin(st, cands)
		seq = append(seq, c.StaffID)
	}
	if want := []int64{3, 8, 11, 20, 21, 42, 99, 3}; !slices.Equal(seq, want) {
		t.Errorf("sequence %v, want %v", seq, want)
	}
}

func spread(count map[int64]int, cands []distribution.Candidate) (lo, hi int) {
	lo = int(^uint(0) >> 1)
	for _, c := range cands {
		lo, hi = min(lo, count[c.StaffID]), max(hi, count[c.StaffID])
	}
	return lo, hi
}

func TestRoundRobinMembership(t *testing.T) {
	tests := []struct {
		name     string
		last     int64
		eligible []distribution.Candidate
		want     int64 // 0 = nobody
	}{
		{"first pick takes lowest id", 0, group(5, 2, 9), 2},
		{"next after last", 2, group(5, 2, 9), 5},
		{"wraps after highest", 9, group(5, 2, 9), 2},
		{"last member removed", 5, group(2, 9), 9},
		{"last member removed and was highest", 9, group(2, 5), 2},
		{"newcomer takes their turn in id order", 2, group(2, 3, 5, 9), 3},
		{"newcomer below everyone waits for the wrap", 5, group(1, 2, 5, 9), 9},
		{"single member picked again", 7, group(7), 7},
		{"nobody eligible", 5, nil, 0},
		{"non-staff ids ignored", 0, group(0, -3, 4), 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := distribution.RRState{Last: tt.last}
			c, next, ok := distribution.RoundRobin(st, tt.eligible)
			if ok != (tt.want != 0) || c.StaffID != tt.want {
				t.Fatalf("picked %d (ok=%v), want %d", c.StaffID, ok, tt.want)
			}
			if ok && next.Last != tt.want || !ok && next != st {
				t.Errorf("next state %+v", next)
			}
		})
	}
}

func TestWeightedShares(t *testing.T) {
	cands := group(3, 1, 2)
	cands[1].Weight = 2 // staff 1 : 2 : 3 = 2 : 1 : 1
	const n = 10000
	count := map[int64]int{}
	var st distribution.WeightedState
	var first []int64
	for range n {
		c, next, ok := distribution.Weighted(st, cands)
		if !ok {
			t.Fatal("nobody chosen")
		}
		count[c.StaffID]++
		if len(first) < 8 {
			first = append(first, c.StaffID)
		}
		st = next
	}
	for id, share := range map[int64]float64{1: 0.5, 2: 0.25, 3: 0.25} {
		if got := float64(count[id]) / n; got < share-0.01 || got > share+0.01 {
			t.Errorf("staff %d got %.4f of leads, want %.2f ± 0.01", id, got, share)
		}
	}
	// Smooth: interleaved, not bunched.
	if want := []int64{1, 2, 3, 1, 1, 2, 3, 1}; !slices.Equal(first, want) {
		t.Errorf("first picks %v, want %v", first, want)
	}
}

func TestWeightedNginxSequence(t *testing.T) {
	// nginx's documented example: weights a=5 b=1 c=1 give a a b a c a a.
	cands := group(1, 2, 3)
	cands[0].Weight = 5
	var st distribution.WeightedState
	var seq []int64
	for range 7 {
		var c distribution.Candidate
		c, st, _ = distribution.Weighted(st, cands)
		seq = append(seq, c.StaffID)
	}
	if want := []int64{1, 1, 2, 1, 3, 1, 1}; !slices.Equal(seq, want) {
		t.Errorf("sequence %v, want %v", seq, want)
	}
}

func TestWeightedMembership(t *testing.T) {
	t.Run("departed dropped, newcomer at 0, input untouched", func(t *testing.T) {
		in := map[int64]int{1: 3, 2: -5, 9: 2}
		st := distribution.WeightedState{Current: in}
		c, next, ok := distribution.Weighted(st, group(1, 2, 4))
		if !ok || c.StaffID != 1 {
			t.Fatalf("picked %d, want 1", c.StaffID)
		}
		// 1:3, 2:-5, 4:0 (sum -2, no shift) + 1 each = 4, -4, 1; 1 wins and pays 3.
		if want := map[int64]int{1: 1, 2: -4, 4: 1}; !reflect.DeepEqual(next.Current, want) {
			t.Errorf("state %v, want %v", next.Current, want)
		}
		if !reflect.DeepEqual(in, map[int64]int{1: 3, 2: -5, 9: 2}) {
			t.Errorf("input state modified: %v", in)
		}
	})
	t.Run("drifted values rebased around 0", func(t *testing.T) {
		st := distribution.WeightedState{Current: map[int64]int{1: 100, 2: 100}}
		_, next, _ := distribution.Weighted(st, group(1, 2))
		if want := map[int64]int{1: -1, 2: 1}; !reflect.DeepEqual(next.Current, want) {
			t.Errorf("state %v, want %v", next.Current, want)
		}
	})
	t.Run("weight below 1 counts as 1", func(t *testing.T) {
		cands := group(1, 2)
		cands[0].Weight, cands[1].Weight = 0, -4
		count := map[int64]int{}
		var st distribution.WeightedState
		for range 100 {
			var c distribution.Candidate
			c, st, _ = distribution.Weighted(st, cands)
			count[c.StaffID]++
		}
		if count[1] != 50 || count[2] != 50 {
			t.Errorf("counts %v, want 50/50", count)
		}
	})
	t.Run("nobody eligible keeps state", func(t *testing.T) {
		st := distribution.WeightedState{Current: map[int64]int{1: 3}}
		_, next, ok := distribution.Weighted(st, nil)
		if ok || !reflect.DeepEqual(next, st) {
			t.Errorf("ok=%v next=%v", ok, next)
		}
	})
	t.Run("duplicate ids count once", func(t *testing.T) {
		var st distribution.WeightedState
		count := map[int64]int{}
		for range 100 {
			var c distribution.Candidate
			c, st, _ = distribution.Weighted(st, group(1, 1, 2))
			count[c.StaffID]++
		}
		if count[1] != 50 {
			t.Errorf("counts %v, want 50/50", count)
		}
	})
}

func TestLeastLoaded(t *testing.T) {
	load := func(id int64, open int) distribution.Candidate {
		c := ready(id)
		c.OpenLeads = open
		return c
	}
	tests := []struct {
		name string
		last int64
		cand []distribution.Candidate
		want int64
	}{
		{"fewest open leads", 0, []distribution.Candidate{load(1, 5), load(2, 1), load(3, 3)}, 2},
		{"tie takes next after last", 1, []distribution.Candidate{load(1, 2), load(2, 2), load(3, 2)}, 2},
		{"tie wraps", 3, []distribution.Candidate{load(1, 2), load(2, 9), load(3, 2)}, 1},
		{"tie with no pointer takes lowest id", 0, []distribution.Candidate{load(4, 0), load(2, 0)}, 2},
		{"nobody", 3, nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, next, ok := distribution.LeastLoaded(distribution.RRState{Last: tt.last}, tt.cand)
			if ok != (tt.want != 0) || c.StaffID != tt.want {
				t.Fatalf("picked %d, want %d", c.StaffID, tt.want)
			}
			if ok && next.Last != tt.want {
				t.Errorf("pointer %d, want %d", next.Last, tt.want)
			}
		})
	}
}

// eligibleNow checks a candidate against the rules directly rather than through Eligible, so
// the property tests below do not just test Eligible against itself.
func eligibleNow(c distribution.Candidate) bool {
	return c.Active && c.CheckedIn && c.InScope &&
		(c.DailyCap == 0 || c.AssignedToday < c.DailyCap) &&
		(c.HoldingCap == 0 || c.Holding < c.HoldingCap)
}

// Eligibility flips randomly between picks; every pick must be eligible at that moment, a
// pick must happen whenever someone is eligible, and round-robin must skip nobody.
func TestNeverChoosesIneligible(t *testing.T) {
	for seed, m := range []distribution.Method{distribution.MethodRoundRobin, distribution.MethodWeighted, distribution.MethodLeastLoaded} {
		t.Run(string(m), func(t *testing.T) {
			t.Parallel()
			rng := rand.New(rand.NewPCG(uint64(seed), 2024))
			cands := make([]distribution.Candidate, 15)
			for i := range cands {
				cands[i] = ready(int64(i*3 + 1))
				cands[i].Weight = 1 + rng.IntN(3)
				cands[i].DailyCap = rng.IntN(40) // 0 = none
				cands[i].HoldingCap = rng.IntN(60)
			}
			rng.Shuffle(len(cands), func(i, j int) { cands[i], cands[j] = cands[j], cands[i] })
			var st distribution.State
			picks := 0
			for step := range 20000 {
				for range 2 {
					c := &cands[rng.IntN(len(cands))]
					switch rng.IntN(6) {
					case 0:
						c.Active = !c.Active
					case 1:
						c.CheckedIn = !c.CheckedIn
					case 2:
						c.InScope = !c.InScope
					case 3:
						c.AssignedToday = 0 // a new day
					case 4:
						c.Holding = max(c.Holding-5, 0) // leads closed
					case 5:
						c.OpenLeads = rng.IntN(20)
					}
				}
				ok, _ := distribution.Eligible(cands, true)
				chosen, next, err := distribution.Choose(m, st, ok)
				if len(ok) == 0 {
					if !errors.Is(err, distribution.ErrNoneEligible) || !reflect.DeepEqual(next, st) {
						t.Fatalf("step %d: nobody eligible: err=%v, state changed=%v", step, err, !reflect.DeepEqual(next, st))
					}
					continue
				}
				if err != nil {
					t.Fatalf("step %d: %d eligible but %v", step, len(ok), err)
				}
				i := slices.IndexFunc(cands, func(c distribution.Candidate) bool { return c.StaffID == chosen.StaffID })
				if i < 0 || !eligibleNow(cands[i]) {
					t.Fatalf("step %d: chose %+v, not eligible now", step, chosen)
				}
				switch m {
				case distribution.MethodRoundRobin:
					assertNoneSkipped(t, st.RR.Last, chosen.StaffID, ok)
				case distribution.MethodWeighted:
					// State holds exactly the members that took part, and stays centred.
					sum := 0
					for _, v := range next.Weighted.Current {
						sum += v
					}
					if len(next.Weighted.Current) != len(ok) || sum <= -len(ok) || sum >= len(ok) {
						t.Fatalf("step %d: weighted state %v for %d members", step, next.Weighted.Current, len(ok))
					}
				case distribution.MethodLeastLoaded:
					for _, c := range ok {
						if c.OpenLeads < chosen.OpenLeads {
							t.Fatalf("step %d: chose load %d, %d has %d", step, chosen.OpenLeads, c.StaffID, c.OpenLeads)
						}
					}
				}
				cands[i].AssignedToday++
				cands[i].Holding++
				cands[i].OpenLeads++
				st = next
				picks++
			}
			if picks < 5000 {
				t.Fatalf("only %d picks; the random walk is too restrictive to prove much", picks)
			}
		})
	}
}

// assertNoneSkipped checks that no eligible id lies strictly between last and chosen, going
// round in ascending id order.
func assertNoneSkipped(t *testing.T, last, chosen int64, ok []distribution.Candidate) {
	t.Helper()
	for _, c := range ok {
		id := c.StaffID
		between := last < chosen && id > last && id < chosen ||
			last >= chosen && (id > last || id < chosen)
		if between {
			t.Fatalf("after %d chose %d, skipping eligible %d", last, chosen, id)
		}
	}
}

func TestRoundRobinBatch(t *testing.T) {
	capped := func(id int64, daily int) distribution.Candidate {
		c := ready(id)
		c.DailyCap = daily
		return c
	}
	tests := []struct {
		name      string
		cands     []distribution.Candidate
		n         int
		capsApply bool
		want      map[int64]int // leads per staff id; 0 = unassigned
	}{
		{"caps 10/50/100 respected and the rest spread", []distribution.Candidate{capped(1, 10), capped(2, 50), capped(3, 100)}, 100, true,
			map[int64]int{1: 10, 2: 45, 3: 45}},
		{"more leads than room leaves the rest unassigned", []distribution.Candidate{capped(1, 10), capped(2, 50), capped(3, 100)}, 200, true,
			map[int64]int{1: 10, 2: 50, 3: 100, 0: 40}},
		{"caps ignored when not applied", []distribution.Candidate{capped(1, 10), capped(2, 50), capped(3, 100)}, 100, false,
			map[int64]int{1: 34, 2: 33, 3: 33}},
		{"no caps spread evenly", group(1, 2, 3), 100, true, map[int64]int{1: 34, 2: 33, 3: 33}},
		{"holding cap counts too", func() []distribution.Candidate {
			c := group(1, 2)
			c[0].HoldingCap, c[0].Holding = 5, 3
			return c
		}(), 10, true, map[int64]int{1: 2, 2: 8}},
		{"nobody", nil, 3, true, map[int64]int{0: 3}},
		{"zero leads", group(1), 0, true, map[int64]int{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ids, st, counts := distribution.RoundRobinBatch(distribution.RRState{}, tt.cands, tt.n, tt.capsApply)
			if len(ids) != tt.n {
				t.Fatalf("%d ids for %d leads", len(ids), tt.n)
			}
			got := map[int64]int{}
			for k, id := range ids {
				got[id]++
				if id == 0 && k+1 < len(ids) && ids[k+1] != 0 {
					t.Fatalf("lead %d unassigned but a later one assigned: %v", k, ids)
				}
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("per staff %v, want %v", got, tt.want)
			}
			var lastID int64
			for _, id := range ids {
				if id != 0 {
					lastID = id
				}
			}
			if st.Last != lastID {
				t.Errorf("state %d, want the last assigned %d", st.Last, lastID)
			}
			for i, c := range counts {
				add := got[c.StaffID]
				if c.AssignedToday != tt.cands[i].AssignedToday+add || c.Holding != tt.cands[i].Holding+add ||
					c.OpenLeads != tt.cands[i].OpenLeads+add {
					t.Errorf("counters of %d: %+v after %d leads", c.StaffID, c, add)
				}
				if tt.capsApply && (c.DailyCap > 0 && c.AssignedToday > c.DailyCap) {
					t.Errorf("staff %d over daily cap: %d > %d", c.StaffID, c.AssignedToday, c.DailyCap)
				}
			}
			if len(tt.cands) > 0 && tt.cands[0].AssignedToday != 0 {
				t.Error("input counters modified")
			}
		})
	}
}

// A batch must give the same leads as single picks with counters advanced in between, and
// continue the pointer of earlier single picks.
func TestBatchEqualsSinglePicks(t *testing.T) {
	base := group(4, 1, 7, 2)
	base[0].DailyCap, base[0].Weight = 3, 3
	base[2].HoldingCap, base[2].OpenLeads = 2, 5
	for _, m := range []distribution.Method{distribution.MethodRoundRobin, distribution.MethodWeighted, distribution.MethodLeastLoaded} {
		t.Run(string(m), func(t *testing.T) {
			start := distribution.State{RR: distribution.RRState{Last: 2}}
			ids, bst, _, err := distribution.ChooseBatch(m, start, base, 30, true)
			if err != nil {
				t.Fatal(err)
			}
			cands := slices.Clone(base)
			st := start
			for k := range 30 {
				ok, _ := distribution.Eligible(cands, true)
				c, next, err := distribution.Choose(m, st, ok)
				var want int64
				if err == nil {
					want, st = c.StaffID, next
					i := slices.IndexFunc(cands, func(x distribution.Candidate) bool { return x.StaffID == c.StaffID })
					cands[i].AssignedToday++
					cands[i].Holding++
					cands[i].OpenLeads++
				}
				if ids[k] != want {
					t.Fatalf("lead %d: batch %d, single %d (batch %v)", k, ids[k], want, ids)
				}
			}
			if !reflect.DeepEqual(bst, st) {
				t.Errorf("batch state %+v, single-pick state %+v", bst, st)
			}
		})
	}
}

func TestChoose(t *testing.T) {
	cands := group(1, 2)
	t.Run("manual declines", func(t *testing.T) {
		if _, _, err := distribution.Choose(distribution.MethodManual, distribution.State{}, cands); !errors.Is(err, distribution.ErrManual) {
			t.Errorf("err = %v", err)
		}
		if _, _, _, err := distribution.ChooseBatch(distribution.MethodManual, distribution.State{}, cands, 3, true); !errors.Is(err, distribution.ErrManual) {
			t.Errorf("batch err = %v", err)
		}
	})
	t.Run("unknown method", func(t *testing.T) {
		if _, _, err := distribution.Choose("random", distribution.State{}, cands); !errors.Is(err, distribution.ErrUnknownMethod) {
			t.Errorf("err = %v", err)
		}
		if _, _, _, err := distribution.ChooseBatch("", distribution.State{}, cands, 3, true); !errors.Is(err, distribution.ErrUnknownMethod) {
			t.Errorf("batch err = %v", err)
		}
		if distribution.Method("random").Valid() || !distribution.MethodWeighted.Valid() {
			t.Error("Valid is wrong")
		}
	})
	t.Run("batch with nobody", func(t *testing.T) {
		ids, _, _, err := distribution.ChooseBatch(distribution.MethodWeighted, distribution.State{}, nil, 2, true)
		if !errors.Is(err, distribution.ErrNoneEligible) || !slices.Equal(ids, []int64{0, 0}) {
			t.Errorf("ids %v err %v", ids, err)
		}
	})
}

// Persisting the state between picks must not change the sequence.
func TestStateRoundTrip(t *testing.T) {
	cands := group(5, 9, 12)
	cands[1].Weight = 3
	for _, m := range []distribution.Method{distribution.MethodRoundRobin, distribution.MethodWeighted, distribution.MethodLeastLoaded} {
		t.Run(string(m), func(t *testing.T) {
			var mem, stored distribution.State
			blob, err := stored.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			for k := range 50 {
				a, next, err := distribution.Choose(m, mem, cands)
				if err != nil {
					t.Fatal(err)
				}
				mem = next
				loaded, err := distribution.UnmarshalState(blob)
				if err != nil {
					t.Fatal(err)
				}
				b, next, _ := distribution.Choose(m, loaded, cands)
				if blob, err = next.Marshal(); err != nil {
					t.Fatal(err)
				}
				if a.StaffID != b.StaffID {
					t.Fatalf("pick %d: in memory %d, through storage %d", k, a.StaffID, b.StaffID)
				}
			}
		})
	}
	for _, empty := range []string{"", "  ", "null"} {
		if st, err := distribution.UnmarshalState([]byte(empty)); err != nil || !reflect.DeepEqual(st, distribution.State{}) {
			t.Errorf("UnmarshalState(%q) = %+v, %v", empty, st, err)
		}
	}
	if _, err := distribution.UnmarshalState([]byte("{")); err == nil {
		t.Error("broken blob accepted")
	}
}

func bench50() []distribution.Candidate {
	cands := make([]distribution.Candidate, 50)
	for i := range cands {
		cands[i] = ready(int64(1000 - i*7))
		cands[i].Weight = 1 + i%4
	}
	return cands
}

func BenchmarkRoundRobin(b *testing.B) {
	cands := bench50()
	var st distribution.RRState
	for b.Loop() {
		_, st, _ = distribution.RoundRobin(st, cands)
	}
}

func BenchmarkWeighted(b *testing.B) {
	cands := bench50()
	var st distribution.WeightedState
	for b.Loop() {
		_, st, _ = distribution.Weighted(st, cands)
	}
}
