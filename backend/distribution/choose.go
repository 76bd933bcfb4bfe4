package distribution

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// Method says how a group picks among its eligible members.
type Method string

// Methods a group (or a routing rule) may use.
const (
	MethodRoundRobin  Method = "round_robin"  // take turns in ascending staff id order
	MethodWeighted    Method = "weighted"     // smooth weighted round-robin by Candidate.Weight
	MethodLeastLoaded Method = "least_loaded" // fewest OpenLeads, ties by round-robin order
	MethodManual      Method = "manual"       // a person assigns; Choose declines with ErrManual
)

// Valid reports whether m is one of the known methods, so settings can reject a typo before
// it is stored rather than when the first lead arrives.
func (m Method) Valid() bool {
	switch m {
	case MethodRoundRobin, MethodWeighted, MethodLeastLoaded, MethodManual:
		return true
	}
	return false
}

// Errors returned by Choose and ChooseBatch; check them with errors.Is.
var (
	// ErrManual means the group assigns by hand: the caller leaves the lead unowned (or in the
	// group's queue) for a person to assign.
	ErrManual = errors.New("distribution: group assigns manually")
	// ErrNoneEligible means nobody may take the lead now; the caller keeps it unassigned and
	// shows the exclusions from Eligible.
	ErrNoneEligible = errors.New("distribution: nobody is eligible")
	// ErrUnknownMethod means the method is not one of the Method constants.
	ErrUnknownMethod = errors.New("distribution: unknown method")
)

// RRState is a group's round-robin pointer. It names a person, not a position, so it stays
// meaningful when members join, leave or are disabled between picks.
type RRState struct {
	// Last is the staff id chosen last (0 = nobody yet).
	Last int64 `json:"last,omitempty"`
}

// WeightedState is a group's smooth weighted round-robin state.
type WeightedState struct {
	// Current is each member's current weight. Members missing from the map start at 0.
	Current map[int64]int `json:"current,omitempty"`
}

// State is everything a group persists between picks, as one JSON blob per group. The store
// locks the group's row, loads the blob, calls Choose/ChooseBatch and writes the returned
// State back in the same transaction, which is what makes concurrent and batch assignment safe.
// Least-loaded shares the round-robin pointer for its tie-break, so switching a group between
// round_robin and least_loaded continues with the next person rather than restarting.
type State struct {
	RR       RRState       `json:"rr"`
	Weighted WeightedState `json:"weighted"`
}

// Marshal encodes s for storage.
func (s State) Marshal() ([]byte, error) {
	b, err := json.Marshal(s)
	if err != nil {
		return nil, fmt.Errorf("encode distribution state: %w", err)
	}
	return b, nil
}

// UnmarshalState decodes a blob written by State.Marshal. An empty blob or JSON null is the
// zero State, so a new group needs no migration or seed row.
func UnmarshalState(b []byte) (State, error) {
	var s State
	b = bytes.TrimSpace(b)
	if len(b) == 0 || bytes.Equal(b, []byte("null")) {
		return s, nil
	}
	if err := json.Unmarshal(b, &s); err != nil {
		return State{}, fmt.Errorf("decode distribution state: %w", err)
	}
	return s, nil
}

// RoundRobin picks the eligible member with the smallest staff id greater than st.Last,
// wrapping to the smallest id. Ordering by id instead of list position means the pointer
// survives the removal of the very member it names, a new member takes their turn in id order,
// and the caller's slice order never matters. eligible must already be filtered (Eligible);
// candidates with StaffID <= 0 are ignored. When nobody is eligible it returns false and st
// unchanged, so an empty moment never resets anyone's turn.
func RoundRobin(st RRState, eligible []Candidate) (Candidate, RRState, bool) {
	i := rrIndex(st.Last, eligible, nil)
	if i < 0 {
		return Candidate{}, st, false
	}
	return eligible[i], RRState{Last: eligible[i].StaffID}, true
}

// rrIndex returns the index of the candidate next after last in ascending id order (wrapping)
// among those keep accepts (nil keeps all), or -1.
func rrIndex(last int64, cands []Candidate, keep func(Candidate) bool) int {
	after, first := -1, -1
	for i, c := range cands {
		if c.StaffID <= 0 || (keep != nil && !keep(c)) {
			continue
		}
		if first < 0 || c.StaffID < cands[first].StaffID {
			first = i
		}
		if c.StaffID > last && (after < 0 || c.StaffID < cands[after].StaffID) {
			after = i
		}
	}
	if after >= 0 {
		return after
	}
	return first
}

// Weighted picks by smooth weighted round-robin (the nginx algorithm): every member's current
// weight grows by its Weight, the highest current wins (ties: lowest staff id) and pays back the
// total. Over any run the picks match the weights exactly and are interleaved (2:1:1 gives
// a b c a, not a a b c), and the same state and members always give the same pick.
//
// The returned state holds only the members passed in: state of members who left (or are not
// eligible right now) is dropped and they re-enter at 0. Before each pick the values are shifted
// so they sum to about 0, which makes 0 mean "an average turn" for a newcomer and keeps the
// stored numbers small however often membership changes. Weights below 1 count as 1. When
// nobody is eligible it returns false and st unchanged. st is never modified.
func Weighted(st WeightedState, eligible []Candidate) (Candidate, WeightedState, bool) {
	i, next := weightedIndex(st, eligible, nil)
	if i < 0 {
		return Candidate{}, st, false
	}
	return eligible[i], next, true
}

func weightedIndex(st WeightedState, cands []Candidate, keep func(Candidate) bool) (int, WeightedState) {
	cur := make(map[int64]int, len(cands))
	var order []int // indexes of the members taking part, first occurrence of each id
	sum := 0
	for i, c := range cands {
		if c.StaffID <= 0 || (keep != nil && !keep(c)) {
			continue
		}
		if _, dup := cur[c.StaffID]; dup {
			continue
		}
		v := st.Current[c.StaffID]
		cur[c.StaffID] = v
		sum += v
		order = append(order, i)
	}
	if len(order) == 0 {
		return -1, st
	}
	shift := sum / len(order)
	total, best := 0, -1
	for _, i := range order {
		c := cands[i]
		w := max(c.Weight, 1)
		total += w
		v := cur[c.StaffID] - shift + w
		cur[c.StaffID] = v
		if best < 0 || v > cur[cands[best].StaffID] ||
			(v == cur[cands[best].StaffID] && c.StaffID < cands[best].StaffID) {
			best = i
		}
	}
	cur[cands[best].StaffID] -= total
	return best, WeightedState{Current: cur}
}

// LeastLoaded picks the eligible member with the fewest OpenLeads; among equals it takes the
// next in round-robin order after st.Last (so equals take turns even when the counts the caller
// loaded are stale) and advances the pointer. When nobody is eligible it returns false and st
// unchanged.
func LeastLoaded(st RRState, eligible []Candidate) (Candidate, RRState, bool) {
	i := leastIndex(st.Last, eligible, nil)
	if i < 0 {
		return Candidate{}, st, false
	}
	return eligible[i], RRState{Last: eligible[i].StaffID}, true
}

func leastIndex(last int64, cands []Candidate, keep func(Candidate) bool) int {
	least, found := 0, false
	for _, c := range cands {
		if c.StaffID <= 0 || (keep != nil && !keep(c)) {
			continue
		}
		if !found || c.OpenLeads < least {
			least, found = c.OpenLeads, true
		}
	}
	if !found {
		return -1
	}
	return rrIndex(last, cands, func(c Candidate) bool {
		return (keep == nil || keep(c)) && c.OpenLeads == least
	})
}

// Choose picks one member of eligible by method m and returns the group's next state. It is
// pure, so the assign dialog can call it to show who is next without persisting anything; the
// store persists the returned State only when it actually assigns. Errors: ErrManual for
// MethodManual, ErrNoneEligible when nobody can be chosen (st is returned unchanged), and
// ErrUnknownMethod (wrapped) for anything else.
func Choose(m Method, st State, eligible []Candidate) (Candidate, State, error) {
	var (
		c  Candidate
		ok bool
	)
	switch m {
	case MethodRoundRobin:
		c, st.RR, ok = RoundRobin(st.RR, eligible)
	case MethodWeighted:
		c, st.Weighted, ok = Weighted(st.Weighted, eligible)
	case MethodLeastLoaded:
		c, st.RR, ok = LeastLoaded(st.RR, eligible)
	case MethodManual:
		return Candidate{}, st, ErrManual
	default:
		return Candidate{}, st, fmt.Errorf("choose with method %q: %w", m, ErrUnknownMethod)
	}
	if !ok {
		return Candidate{}, st, ErrNoneEligible
	}
	return c, st, nil
}

// RoundRobinBatch assigns n leads one at a time by round-robin, as if RoundRobin were called
// n times with the counters updated after each lead. That is what keeps a bulk insert of 100
// leads spread over the group instead of dumped on one person. With capsApply, a member whose
// AssignedToday or Holding reaches their cap mid-batch drops out for the rest of it.
//
// It returns the staff id for each lead in order (0 for leads nobody could take once everyone
// is capped: the caller leaves those unassigned), the next state, and a copy of eligible, in
// input order, with AssignedToday, Holding and OpenLeads advanced by what the batch gave each
// member. eligible must already be filtered (Eligible); only the caps change during a batch.
func RoundRobinBatch(st RRState, eligible []Candidate, n int, capsApply bool) ([]int64, RRState, []Candidate) {
	ids, counts := batch(eligible, n, capsApply, func(cands []Candidate, keep func(Candidate) bool) int {
		i := rrIndex(st.Last, cands, keep)
		if i >= 0 {
			st.Last = cands[i].StaffID
		}
		return i
	})
	return ids, st, counts
}

// ChooseBatch is RoundRobinBatch for any method, so the store's bulk paths (import, batch
// assign to a group) need one call whatever the group uses. Errors are those of Choose, except
// that running out of eligible members mid-batch is not an error (those leads get id 0);
// ErrNoneEligible is returned only when nobody could take even the first lead.
func ChooseBatch(m Method, st State, eligible []Candidate, n int, capsApply bool) ([]int64, State, []Candidate, error) {
	var pick func([]Candidate, func(Candidate) bool) int
	switch m {
	case MethodRoundRobin:
		pick = func(cands []Candidate, keep func(Candidate) bool) int {
			i := rrIndex(st.RR.Last, cands, keep)
			if i >= 0 {
				st.RR.Last = cands[i].StaffID
			}
			return i
		}
	case MethodLeastLoaded:
		pick = func(cands []Candidate, keep func(Candidate) bool) int {
			i := leastIndex(st.RR.Last, cands, keep)
			if i >= 0 {
				st.RR.Last = cands[i].StaffID
			}
			return i
		}
	case MethodWeighted:
		pick = func(cands []Candidate, keep func(Candidate) bool) int {
			i, next := weightedIndex(st.Weighted, cands, keep)
			if i >= 0 {
				st.Weighted = next
			}
			return i
		}
	case MethodManual:
		return nil, st, nil, ErrManual
	default:
		return nil, st, nil, fmt.Errorf("choose batch with method %q: %w", m, ErrUnknownMethod)
	}
	ids, counts := batch(eligible, n, capsApply, pick)
	if len(ids) > 0 && ids[0] == 0 {
		return ids, st, counts, ErrNoneEligible
	}
	return ids, st, counts, nil
}

// batch runs pick n times over a private copy of eligible whose counters grow with each pick.
func batch(eligible []Candidate, n int, capsApply bool, pick func([]Candidate, func(Candidate) bool) int) ([]int64, []Candidate) {
	counts := append([]Candidate(nil), eligible...)
	ids := make([]int64, max(n, 0))
	var keep func(Candidate) bool
	if capsApply {
		keep = underCaps
	}
	for k := range ids {
		i := pick(counts, keep)
		if i < 0 {
			break // counters only grow, so nobody becomes eligible again in this batch
		}
		ids[k] = counts[i].StaffID
		counts[i].AssignedToday++
		counts[i].Holding++
		counts[i].OpenLeads++
	}
	return ids, counts
}
