package syncer_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/studiodesk/studiodesk/app/replica"
	"github.com/studiodesk/studiodesk/app/syncer"
	"github.com/studiodesk/studiodesk/backend/api"
	"github.com/studiodesk/studiodesk/backend/api/apiclient"
	"github.com/studiodesk/studiodesk/backend/lead"
)

// waitStatus polls c's last emitted status until ok accepts it (real time, bounded).
func waitStatus(t *testing.T, c *client, what string, ok func(syncer.Status) bool) syncer.Status {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if st, found := c.rec.last(); found && ok(st) {
			return st
		}
		time.Sleep(2 * time.Millisecond)
	}
	st, _ := c.rec.last()
	t.Fatalf("%s: waited for %s; last status %+v", c.name, what, st)
	return st
}

func TestRunLoop(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s := newStudio(t)
	s.addStaff("小邀", "13900000011", "booking", s.dept)
	l := s.lead("张三", "13812345678", "小邀")
	a := s.client("小邀")
	done := make(chan error, 1)
	go func() { done <- a.sync.Run(ctx) }()

	waitStatus(t, a, "the first round", func(st syncer.Status) bool { return st.State == syncer.StateIdle && st.Leads == 1 })
	if !a.clock.WaitFor(5*time.Second, 5*time.Second) {
		t.Fatalf("no interval timer: %v", a.clock.Pending())
	}

	t.Run("every interval", func(t *testing.T) {
		notes := "interval"
		a.enqueue(replica.UpdateLead(l.ID, lead.Patch{Notes: &notes}))
		a.clock.Advance(5 * time.Second)
		waitStatus(t, a, "the edit pushed", func(st syncer.Status) bool { return st.State == syncer.StateIdle && st.Pending == 0 })
	})

	t.Run("offline backs off and keeps the outbox", func(t *testing.T) {
		if !a.clock.WaitFor(5*time.Second, 5*time.Second) {
			t.Fatalf("no interval timer: %v", a.clock.Pending())
		}
		a.offline() // triggers a round
		notes := "offline"
		a.enqueue(replica.UpdateLead(l.ID, lead.Patch{Notes: &notes}))
		for _, d := range []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 8 * time.Second} {
			if !a.clock.WaitFor(d, 5*time.Second) {
				t.Fatalf("no %v backoff timer: %v", d, a.clock.Pending())
			}
			st := waitStatus(t, a, "offline", func(st syncer.Status) bool { return st.State == syncer.StateOffline })
			if st.Online || st.LastError == "" {
				t.Fatalf("offline status %+v", st)
			}
			a.clock.Advance(d)
		}
		if st := a.sync.Status(); st.Pending != 1 {
			t.Fatalf("outbox lost: %+v", st)
		}
	})

	t.Run("reconnect syncs at once", func(t *testing.T) {
		a.online()
		waitStatus(t, a, "back online", func(st syncer.Status) bool {
			return st.State == syncer.StateIdle && st.Online && st.Pending == 0 && st.LastError == ""
		})
		got := must(a.api.GetLead(context.Background(), l.ID))(t)
		if got.Lead.Notes != "offline" {
			t.Fatalf("server notes %q", got.Lead.Notes)
		}
	})

	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("run ended with %v", err)
	}
}

func TestSessionExpiredIsAnError(t *testing.T) {
	t.Parallel()
	s := newStudio(t)
	s.addStaff("小邀", "13900000011", "booking", s.dept)
	a := s.client("小邀")
	if err := a.api.Logout(context.Background()); err != nil {
		t.Fatal(err)
	}
	err := a.sync.Sync(context.Background())
	if err == nil || syncer.Offline(err) {
		t.Fatalf("got %v", err)
	}
	if st := a.sync.Status(); st.State != syncer.StateError || st.ErrorCode != "unauthenticated" || !st.Online {
		t.Fatalf("status %+v", st)
	}
}

// TestConvergence: several desktops of different roles and scopes make random changes with
// random disconnects while the manager moves leads around on the server; once everyone is
// back and has synced, every replica equals the server's view for its user.
func TestConvergence(t *testing.T) {
	t.Parallel()
	seed := uint64(time.Now().UnixNano())
	if v := os.Getenv("CONVERGENCE_SEED"); v != "" {
		seed, _ = strconv.ParseUint(v, 10, 64)
	}
	t.Logf("seed %d (CONVERGENCE_SEED=%d reproduces it)", seed, seed)
	rng := rand.New(rand.NewPCG(seed, 42))
	ctx := context.Background()
	s := newStudio(t)
	s.addStaff("邀约甲", "13900000011", "booking", s.dept)
	s.addStaff("邀约乙", "13900000012", "booking", s.dept)
	s.addStaff("店长", "13900000013", "manager", 0)
	s.addStaff("客服", "13900000014", "intake", s.intake)
	bookers := []string{"邀约甲", "邀约乙"}
	for i := range 8 {
		s.lead(fmt.Sprintf("客户%d", i), fmt.Sprintf("1381000%04d", i), bookers[i%2])
	}
	clients := []*client{s.client("邀约甲"), s.client("邀约乙"), s.client("店长"), s.client("客服")}
	for _, c := range clients {
		c.syncNow()
	}
	offline := make([]bool, len(clients))
	phone := func() string { return fmt.Sprintf("1381000%04d", rng.IntN(14)) } // some collide
	now := time.Now()

	steps := 120
	if testing.Short() {
		steps = 40
	}
	for step := range steps {
		i := rng.IntN(len(clients))
		c := clients[i]
		switch p := rng.IntN(100); {
		case p < 10:
			offline[i] = !offline[i]
			if offline[i] {
				c.offline()
			} else {
				c.online()
			}
		case p < 25:
			_ = c.syncNow()
		case p < 32:
			// The manager moves a lead on the server.
			page := must(s.admin.ListLeads(ctx, apiclient.LeadQuery{Limit: 500}))(t)
			l := page.Leads[rng.IntN(len(page.Leads))]
			to := s.staff[bookers[rng.IntN(2)]].ID
			req := api.AssignRequest{LeadIDs: []int64{l.ID}, StaffID: to, Reason: "随机调整"}
			if l.OwnerID == 0 {
				must(s.admin.Assign(ctx, req))(t)
			} else if l.OwnerID != to {
				must(s.admin.Transfer(ctx, req))(t)
			}
		default:
			randomChange(t, rng, s, c, phone, now)
		}
		_ = step
	}

	for i, c := range clients {
		if offline[i] {
			c.online()
		}
	}
	for range 3 {
		for _, c := range clients {
			if err := c.syncNow(); err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
		}
	}
	for _, c := range clients {
		pending, err := c.rep.Pending(ctx)
		if err != nil || len(pending) != 0 {
			t.Fatalf("%s: still pending %+v %v", c.name, pending, err)
		}
		want := map[int64]string{}
		q := apiclient.LeadQuery{Limit: 500}
		for {
			page := must(c.api.ListLeads(ctx, q))(t)
			for _, l := range page.Leads {
				want[l.ID] = view(l)
			}
			if page.Next == "" {
				break
			}
			q.Cursor = page.Next
		}
		got := map[int64]string{}
		for _, it := range c.all() {
			got[it.ID] = view(it.Lead)
		}
		if fmt.Sprint(sorted(got)) != fmt.Sprint(sorted(want)) {
			t.Errorf("%s: replica differs from the server's view\nreplica: %v\nserver:  %v", c.name, sorted(got), sorted(want))
		}
		ob, _ := c.rep.Outbox(ctx)
		t.Logf("%s: %d leads, %d rejected changes", c.name, len(got), len(ob))
	}
}

func view(l lead.Lead) string {
	return fmt.Sprintf("%d v%d %s %s %s/%s/%s owner=%d notes=%q", l.ID, l.Version, l.Name, l.Phone, l.Validity, l.Booking, l.Store, l.OwnerID, l.Notes)
}

func sorted(m map[int64]string) []string {
	out := make([]string, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	slices.Sort(out)
	return out
}

// randomChange makes one random local change on a random lead of c's replica; refusals by
// the local rules are part of the game.
func randomChange(t *testing.T, rng *rand.Rand, s *studio, c *client, phone func() string, now time.Time) {
	t.Helper()
	ctx := context.Background()
	items := c.all()
	if len(items) == 0 || rng.IntN(6) == 0 {
		_, err := c.rep.Enqueue(ctx, replica.CreateLead(lead.Lead{BrandID: s.brand, Name: "新" + strconv.Itoa(rng.IntN(100)), Phone: phone()}))
		var dup *replica.DuplicateError
		if err != nil && !errors.As(err, &dup) {
			t.Fatalf("%s: create: %v", c.name, err)
		}
		return
	}
	l := items[rng.IntN(len(items))]
	var m replica.Mutation
	switch rng.IntN(4) {
	case 0:
		name := "改" + strconv.Itoa(rng.IntN(100))
		m = replica.UpdateLead(l.ID, lead.Patch{Name: &name})
	case 1:
		notes := "备注" + strconv.Itoa(rng.IntN(100))
		m = replica.UpdateLead(l.ID, lead.Patch{Notes: &notes})
	case 2:
		m = replica.RecordCall(api.CallArgs{ID: l.ID, Result: lead.CallResults()[rng.IntN(len(lead.CallResults()))]})
	default:
		axis := lead.Axes()[rng.IntN(3)]
		next := lead.NextStates(l.Lead, axis, now)
		if len(next) == 0 {
			return
		}
		to := next[rng.IntN(len(next))]
		later := now.Add(time.Duration(24+rng.IntN(48)) * time.Hour)
		in := lead.TransitionInput{Reason: "other", BranchID: s.branch, BookedAt: &later, NextFollowUp: &later,
			Amount: 100000, DealKind: lead.DealDeposit, CheckIn: axis == lead.AxisStore}
		if axis == lead.AxisValidity {
			in.Reason = "empty_number"
		}
		m = replica.TransitionLead(api.TransitionArgs{ID: l.ID, Axis: axis, To: to, TransitionInput: in})
	}
	if _, err := c.rep.Enqueue(ctx, m); err != nil {
		var le *lead.Error
		if !errors.As(err, &le) {
			t.Fatalf("%s: %s on lead %d: %v", c.name, m.Name, l.ID, err)
		}
	}
}

// TestFirstSyncOfManyLeads: a first sync with the real page sizes brings every lead, more
// than a page of them; the server's default snapshot page is a full page with a next cursor
// (it once asked the store for more than it answers and ended the snapshot after 50 leads).
func TestFirstSyncOfManyLeads(t *testing.T) {
	t.Parallel()
	s := newStudio(t)
	s.addStaff("manager", "13700000002", "manager", 0)
	seedByPush(t, s, 620)
	c := s.client("manager", realSizes)
	ctx := context.Background()
	page, err := c.api.Snapshot(ctx, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Leads) != 500 || page.Next == "" || page.Total != 620 {
		t.Fatalf("default snapshot page: %d leads, next %q, total %d", len(page.Leads), page.Next, page.Total)
	}
	if err := c.sync.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if st, err := c.rep.Stats(ctx); err != nil || st.Leads != 620 {
		t.Fatalf("the replica holds %d leads after the first sync, want 620 (%v)", st.Leads, err)
	}
}
