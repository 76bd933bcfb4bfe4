package distribution_test

import (
	"testing"

	"github.com/studiodesk/studiodesk/backend/distribution"
)

func TestMatch(t *testing.T) {
	const (
		douyin      = 11 // channel
		douyinGroup = 1  // its channel group
		branchA     = 100
	)
	lead := distribution.LeadFacts{ChannelID: douyin, ChannelGroupID: douyinGroup, BranchID: branchA, Segment: "high_end"}
	tests := []struct {
		name   string
		rules  []distribution.Rule
		f      distribution.LeadFacts
		wantID int64 // 0 = no match
	}{
		{"no rules", nil, lead, 0},
		{"catch-all", []distribution.Rule{{ID: 1}}, lead, 1},
		{"non-matching condition", []distribution.Rule{{ID: 1, BranchID: 999}}, lead, 0},
		{"all conditions must hold", []distribution.Rule{{ID: 1, BranchID: branchA, Segment: "budget"}}, lead, 0},
		{"more specific beats catch-all", []distribution.Rule{{ID: 1, Priority: 100}, {ID: 2, BranchID: branchA}}, lead, 2},
		{"channel beats its group", []distribution.Rule{
			{ID: 1, ChannelGroupID: douyinGroup, Priority: 50},
			{ID: 2, ChannelID: douyin},
		}, lead, 2},
		{"channel+branch beats group+branch", []distribution.Rule{
			{ID: 1, ChannelGroupID: douyinGroup, BranchID: branchA},
			{ID: 2, ChannelID: douyin, BranchID: branchA},
		}, lead, 2},
		{"naming the group with its channel adds nothing", []distribution.Rule{
			{ID: 1, ChannelID: douyin, ChannelGroupID: douyinGroup},
			{ID: 2, ChannelID: douyin, Priority: 1},
		}, lead, 2},
		{"equal specificity: higher priority", []distribution.Rule{
			{ID: 1, BranchID: branchA, Priority: 1},
			{ID: 2, Segment: "high_end", Priority: 5},
		}, lead, 2},
		{"equal specificity and priority: lowest id", []distribution.Rule{
			{ID: 7, BranchID: branchA},
			{ID: 3, Segment: "high_end"},
		}, lead, 3},
		{"unknown channel only matches any-channel rules", []distribution.Rule{
			{ID: 1, ChannelID: douyin},
			{ID: 2, BranchID: branchA},
		}, distribution.LeadFacts{BranchID: branchA}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, ok := distribution.Match(tt.rules, tt.f)
			if ok != (tt.wantID != 0) || r.ID != tt.wantID {
				t.Errorf("Match = %d, %v; want %d", r.ID, ok, tt.wantID)
			}
		})
	}
}

// Match must agree with the first matching rule of Ordered, whatever the input order.
func TestOrderedAgreesWithMatch(t *testing.T) {
	rules := []distribution.Rule{
		{ID: 5},
		{ID: 4, Segment: "x", Priority: 2},
		{ID: 3, BranchID: 1},
		{ID: 2, ChannelID: 9},
		{ID: 1, ChannelGroupID: 8, BranchID: 1, Segment: "x"},
		{ID: 6, ChannelID: 9, BranchID: 1, Segment: "x"},
	}
	ordered := distribution.Ordered(rules)
	want := []int64{6, 1, 2, 4, 3, 5}
	for i, r := range ordered {
		if r.ID != want[i] {
			t.Fatalf("Ordered ids[%d] = %d, want order %v", i, r.ID, want)
		}
	}
	if rules[0].ID != 5 {
		t.Fatal("Ordered modified its input")
	}
	for _, f := range []distribution.LeadFacts{
		{}, {BranchID: 1}, {Segment: "x"}, {ChannelID: 9, BranchID: 1},
		{ChannelID: 9, ChannelGroupID: 8, BranchID: 1, Segment: "x"}, {ChannelGroupID: 8, BranchID: 1, Segment: "x"},
	} {
		got, _ := distribution.Match(rules, f)
		for _, r := range ordered {
			if r.Matches(f) {
				if r.ID != got.ID {
					t.Errorf("facts %+v: Match = %d, first in Ordered = %d", f, got.ID, r.ID)
				}
				break
			}
		}
	}
}
