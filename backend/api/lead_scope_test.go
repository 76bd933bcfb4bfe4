package api_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/studiodesk/studiodesk/backend/lead"
	"github.com/studiodesk/studiodesk/backend/store"
)

func countLeads(e *env, tok string) int {
	e.t.Helper()
	return len(e.must(200, "GET", "/api/v1/leads?limit=500", tok, nil).Body["leads"].([]any))
}

// TestLeadDataScopes: each data scope sees exactly its leads, in lists and single reads.
func TestLeadDataScopes(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	s := e.newLeadStudio("甲影楼", 1)
	brand2 := e.must(201, "POST", "/api/v1/brands", s.admin, map[string]any{"name": "甲儿童", "type": "children"}).num("id")
	branch3 := e.must(201, "POST", "/api/v1/branches", s.admin, map[string]any{"brand_id": brand2, "name": "儿童店"}).num("id")
	tokens := map[string]string{}
	for i, scope := range []string{"own", "group", "branch", "brand", "all"} {
		role := e.must(201, "POST", "/api/v1/roles", s.admin, map[string]any{"name": "范围" + scope, "permissions": []string{"lead.create"}, "data_scope": scope}).num("id")
		phone := fmt.Sprintf("1360000%04d", i)
		e.must(201, "POST", "/api/v1/staff", s.admin, map[string]any{"phone": phone, "name": scope, "branch_id": s.branch,
			"department_id": s.dept, "role_ids": []int64{role}, "password": "Passw0rd!"})
		tokens[scope] = e.login(phone, "Passw0rd!", s.device)
	}
	mk := func(tok string, body map[string]any) int64 {
		body["source_type"] = "ad"
		return idOf(leadOf(e.must(201, "POST", "/api/v1/leads", tok, body)))
	}
	l1 := mk(s.admin, map[string]any{"brand_id": s.brand, "branch_id": s.branch, "phone": "13500000101"})
	e.must(200, "POST", "/api/v1/leads/assign", s.admin, map[string]any{"lead_ids": []int64{l1}, "staff_id": s.bookers[0]})
	l2 := mk(s.admin, map[string]any{"brand_id": s.brand, "branch_id": s.branch2, "phone": "13500000102"})
	l3 := mk(tokens["own"], map[string]any{"brand_id": s.brand, "phone": "13500000103"})
	l4 := mk(s.admin, map[string]any{"brand_id": brand2, "branch_id": branch3, "phone": "13500000104"})
	l5 := mk(s.admin, map[string]any{"brand_id": s.brand, "branch_id": s.branch, "phone": "13500000105"})
	e.must(200, "POST", "/api/v1/leads/assign", s.admin, map[string]any{"lead_ids": []int64{l5}, "staff_id": s.staff["intake"]})
	want := map[string][]int64{
		"own":    {l3},
		"group":  {l5}, // leads owned by the group's members (l3 is unowned, entered by someone else)
		"branch": {l1, l3, l5},
		"brand":  {l1, l2, l3, l5},
		"all":    {l1, l2, l3, l4, l5},
	}
	all := []int64{l1, l2, l3, l4, l5}
	for scope, ids := range want {
		t.Run(scope, func(t *testing.T) {
			if n := countLeads(e, tokens[scope]); n != len(ids) {
				t.Errorf("list shows %d, want %d", n, len(ids))
			}
			for _, id := range all {
				r := e.req("GET", fmt.Sprintf("/api/v1/leads/%d", id), tokens[scope], nil)
				visible := false
				for _, w := range ids {
					visible = visible || w == id
				}
				if (r.Status == 200) != visible {
					t.Errorf("lead %d: status %d, visible %v", id, r.Status, visible)
				}
			}
		})
	}
}

// TestChannelGroupStaffSeeOnlyTheirChannels.
func TestChannelGroupStaffSeeOnlyTheirChannels(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	s := e.newLeadStudio("甲影楼", 1)
	g1 := e.must(201, "POST", "/api/v1/channel-groups", s.admin, map[string]any{"name": "线上"}).num("id")
	g2 := e.must(201, "POST", "/api/v1/channel-groups", s.admin, map[string]any{"name": "地推"}).num("id")
	c1 := e.must(201, "POST", "/api/v1/channels", s.admin, map[string]any{"name": "抖音", "group_id": g1, "active": true}).num("id")
	c2 := e.must(201, "POST", "/api/v1/channels", s.admin, map[string]any{"name": "商场", "group_id": g2, "active": true}).num("id")
	role := e.must(201, "POST", "/api/v1/roles", s.admin, map[string]any{"name": "渠道全看", "permissions": []string{"report.view"}, "data_scope": "all"}).num("id")
	e.must(201, "POST", "/api/v1/staff", s.admin, map[string]any{"phone": "13600001111", "name": "渠道专员", "branch_id": s.branch,
		"role_ids": []int64{role}, "channel_group_ids": []int64{g1}, "password": "Passw0rd!"})
	tok := e.login("13600001111", "Passw0rd!", s.device)
	a := idOf(leadOf(e.must(201, "POST", "/api/v1/leads", s.admin, map[string]any{"brand_id": s.brand, "phone": "13500000201", "channel_id": c1, "source_type": "ad"})))
	b := idOf(leadOf(e.must(201, "POST", "/api/v1/leads", s.admin, map[string]any{"brand_id": s.brand, "phone": "13500000202", "channel_id": c2, "source_type": "ad"})))
	if n := countLeads(e, tok); n != 1 {
		t.Fatalf("channel staff list %d leads, want 1", n)
	}
	e.must(200, "GET", fmt.Sprintf("/api/v1/leads/%d", a), tok, nil)
	if r := e.req("GET", fmt.Sprintf("/api/v1/leads/%d", b), tok, nil); r.Status != 403 {
		t.Fatalf("other channel's lead: %d", r.Status)
	}
	if p := e.must(200, "GET", "/api/v1/sync/pull", tok, nil); strings.Contains(string(p.Raw), "13500000202") || strings.Contains(string(p.Raw), "135****0202") {
		t.Fatalf("pull leaks another channel: %s", p.Raw)
	}
	if r := e.req("POST", "/api/v1/staff", s.admin, map[string]any{"phone": "13600001112", "name": "x", "role_ids": []int64{role},
		"channel_group_ids": []int64{99999}}); r.code() != "invalid_value" || r.errField("field") != "channel_group_ids" {
		t.Fatalf("unknown channel group: %s", r.Raw)
	}
}

func TestRulesAndReturningCustomer(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	s := e.newLeadStudio("甲影楼", 1)
	g := e.must(201, "POST", "/api/v1/channel-groups", s.admin, map[string]any{"name": "线上"}).num("id")
	douyin := e.must(201, "POST", "/api/v1/channels", s.admin, map[string]any{"name": "抖音", "group_id": g, "active": true}).num("id")
	walk := e.must(201, "POST", "/api/v1/channels", s.admin, map[string]any{"name": "进店", "active": true}).num("id")
	e.must(200, "PUT", "/api/v1/assign-rules", s.admin, []map[string]any{{"channel_group_id": g, "target_department_id": s.bookingDept, "method": "round_robin"}})
	if r := e.req("PUT", "/api/v1/assign-rules", s.admin, []map[string]any{{"channel_id": douyin}}); r.code() != "required" {
		t.Fatalf("rule without target: %s", r.Raw)
	}
	owners := map[float64]int{}
	for i := 0; i < 6; i++ {
		l := leadOf(e.must(201, "POST", "/api/v1/leads", s.tokens["intake"], map[string]any{"brand_id": s.brand, "phone": fmt.Sprintf("1350000%04d", 300+i),
			"channel_id": douyin, "source_type": "ad"}))
		owners[l["owner_id"].(float64)]++
	}
	if len(owners) != 3 || owners[float64(s.bookers[0])] != 2 {
		t.Fatalf("rule distribution %v", owners)
	}
	unmatched := leadOf(e.must(201, "POST", "/api/v1/leads", s.tokens["intake"], map[string]any{"brand_id": s.brand, "phone": "13500000399", "channel_id": walk, "source_type": "walk_in"}))
	if unmatched["owner_id"] != nil {
		t.Fatalf("a lead no rule matches was assigned: %v", unmatched)
	}
	// Returning customer: pooled lead comes back to its previous owner on a repeat inquiry.
	e.must(200, "PUT", fmt.Sprintf("/api/v1/brands/%d", s.brand), s.admin, map[string]any{"name": "甲影楼婚纱", "type": "wedding", "duplicate_policy": "repeat"})
	id := idOf(unmatched)
	e.must(200, "POST", "/api/v1/leads/assign", s.admin, map[string]any{"lead_ids": []int64{id}, "staff_id": s.bookers[2]})
	e.must(200, "POST", "/api/v1/leads/batch", s.admin, map[string]any{"lead_ids": []int64{id}, "op": "pool"})
	again := e.must(200, "POST", "/api/v1/leads", s.tokens["intake"], map[string]any{"brand_id": s.brand, "phone": "13500000399", "source_type": "returning"})
	if again.Body["repeat"] != true {
		t.Fatalf("%s", again.Raw)
	}
	back := leadOf(e.must(200, "GET", fmt.Sprintf("/api/v1/leads/%d", id), s.admin, nil))
	if back["owner_id"] != float64(s.bookers[2]) || back["in_pool"] != false {
		t.Fatalf("returning customer not back with the previous owner: %v", back)
	}
}

// TestChangeFeedUnionEqualsFinalState: while writers change leads at random, a reader pulls
// the feed; the union of what it pulled equals the final state of every lead.
func TestChangeFeedUnionEqualsFinalState(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	s := e.newLeadStudio("甲影楼", 1)
	var ids []int64
	for i := 0; i < 20; i++ {
		ids = append(ids, idOf(leadOf(e.must(201, "POST", "/api/v1/leads", s.admin, map[string]any{"brand_id": s.brand,
			"phone": fmt.Sprintf("1350000%04d", 500+i), "source_type": "ad"}))))
	}
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), 7))
			for i := 0; i < 40; i++ {
				id := ids[rng.IntN(len(ids))]
				switch rng.IntN(3) {
				case 0:
					e.req("PATCH", fmt.Sprintf("/api/v1/leads/%d", id), s.admin, map[string]any{"name": fmt.Sprintf("w%d-%d", w, i)})
				case 1:
					e.req("POST", fmt.Sprintf("/api/v1/leads/%d/calls", id), s.admin, map[string]any{"result": "no_answer"})
				default:
					e.req("POST", fmt.Sprintf("/api/v1/leads/%d/transition", id), s.admin, map[string]any{"axis": "validity", "to": "valid"})
				}
			}
		}(w)
	}
	pulled := map[float64]map[string]any{}
	cursor := ""
	pullAll := func() bool {
		p := e.must(200, "GET", "/api/v1/sync/pull?limit=7&cursor="+cursor, s.admin, nil)
		for _, ch := range p.Body["changes"].([]any) {
			m := ch.(map[string]any)
			if m["op"] == "upsert" {
				l := m["lead"].(map[string]any)
				pulled[l["id"].(float64)] = l
			}
		}
		cursor = p.Body["cursor"].(string)
		return p.Body["more"].(bool)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-stop:
				return
			default:
				pullAll()
			}
		}
	}()
	wg.Wait()
	close(stop)
	<-done
	for pullAll() {
	}
	final := e.must(200, "GET", "/api/v1/leads?limit=500", s.admin, nil).Body["leads"].([]any)
	if len(final) != len(pulled) {
		t.Fatalf("pulled %d leads, server has %d", len(pulled), len(final))
	}
	for _, f := range final {
		l := f.(map[string]any)
		p := pulled[l["id"].(float64)]
		if p == nil || p["version"] != l["version"] || p["name"] != l["name"] || p["validity"] != l["validity"] {
			t.Fatalf("lead %v: pulled %v, final %v", l["id"], p, l)
		}
	}
}

// TestRoundRobinUnderLoad: 8 assigners × 500 round-robin assignments — no lead assigned
// twice, every lead once, spread within one, pointer consistent.
func TestRoundRobinUnderLoad(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	s := e.newLeadStudio("甲影楼", 1)
	const workers, each = 8, 500
	ctx := context.Background()
	ids := make([]int64, 0, workers*each)
	err := e.store.Update(ctx, s.tenantID, func(tx store.Tx) error {
		for i := 0; i < workers*each; i++ {
			l, ev := lead.New(lead.Lead{BrandID: s.brand, BranchID: s.branch, Phone: fmt.Sprintf("134%08d", i), Source: lead.SourceAd,
				CreatedBy: s.staff["admin"]}, true, e.clock.Now())
			l, err := tx.CreateLead(ctx, l)
			if err != nil {
				return err
			}
			ev.LeadID, ev.ActorID = l.ID, s.staff["admin"]
			if _, err := tx.AppendLeadEvent(ctx, ev); err != nil {
				return err
			}
			ids = append(ids, l.ID)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < each; i++ {
				r := e.req("POST", "/api/v1/leads/assign", s.admin, map[string]any{"lead_ids": []int64{ids[w*each+i]}, "department_id": s.bookingDept})
				if r.Status != 200 {
					t.Errorf("assign: %d %s", r.Status, r.Raw)
					return
				}
			}
		}(w)
	}
	wg.Wait()
	t.Logf("%d assignments in %v", workers*each, time.Since(start))
	count := map[int64]int{}
	err = e.store.View(ctx, s.tenantID, func(tx store.Tx) error {
		for _, id := range ids {
			l, err := tx.GetLead(ctx, id)
			if err != nil {
				return err
			}
			evs, err := tx.LeadEvents(ctx, id)
			if err != nil {
				return err
			}
			assigned := 0
			for _, ev := range evs {
				if ev.Type == lead.EventAssigned {
					assigned++
				}
			}
			if assigned != 1 || l.OwnerID == 0 {
				t.Errorf("lead %d: owner %d, %d assignment events", id, l.OwnerID, assigned)
			}
			count[l.OwnerID]++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	lo, hi := workers*each, 0
	for _, b := range s.bookers {
		lo, hi = minInt(lo, count[b]), maxInt(hi, count[b])
	}
	if hi-lo > 1 || len(count) != len(s.bookers) {
		t.Fatalf("spread %v", count)
	}
}
