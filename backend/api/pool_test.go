package api_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestPoolRecycleClaimAndReminders(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	s := e.newLeadStudio("甲影楼", 1)
	srv := e.srvAPI
	ctx := context.Background()
	mk := func(phone string) int64 {
		return idOf(leadOf(e.must(201, "POST", "/api/v1/leads", s.admin, map[string]any{"brand_id": s.brand, "branch_id": s.branch,
			"phone": phone, "source_type": "ad", "name": "客" + phone[7:]})))
	}
	a, b, locked := mk("13500000001"), mk("13500000002"), mk("13500000003")
	e.must(200, "POST", "/api/v1/leads/assign", s.admin, map[string]any{"lead_ids": []int64{a, b, locked}, "staff_id": s.bookers[0]})
	e.must(200, "POST", "/api/v1/leads/batch", s.admin, map[string]any{"lead_ids": []int64{locked}, "op": "lock"})
	// Work lead b: a follow-up call keeps it protected longer than a.
	e.clock.Add(40 * time.Hour)
	e.must(200, "POST", fmt.Sprintf("/api/v1/leads/%d/calls", b), s.bookerTok[0], map[string]any{"result": "thinking"})
	runJobs := func() {
		t.Helper()
		for {
			ran, err := srv.RunOneJob(ctx, "w1")
			if err != nil {
				t.Fatal(err)
			}
			if !ran {
				return
			}
		}
	}
	e.clock.Add(3 * time.Hour) // 43 h: a's protection ends within the 6 h warning window
	runJobs()
	inbox := e.must(200, "GET", "/api/v1/notifications", s.bookerTok[0], nil)
	if !strings.Contains(string(inbox.Raw), `"kind":"recycle_warning"`) {
		t.Fatalf("no recycle warning: %s", inbox.Raw)
	}
	// 49 hours after assignment a (no follow-up) recycles; b (worked at 40h) and locked stay.
	e.clock.Add(6 * time.Hour)
	runJobs()
	pool := e.must(200, "GET", "/api/v1/pool", s.bookerTok[1], nil)
	leads := pool.Body["leads"].([]any)
	if len(leads) != 1 || idOf(leads[0].(map[string]any)) != a || leads[0].(map[string]any)["phone"] != "135****0001" {
		t.Fatalf("pool: %s", pool.Raw)
	}
	inbox = e.must(200, "GET", "/api/v1/notifications?unread=1", s.bookerTok[0], nil)
	if !strings.Contains(string(inbox.Raw), `"kind":"recycled"`) {
		t.Fatalf("recycle not notified: %s", inbox.Raw)
	}
	// The previous owner waits out the cool-down; someone else claims it.
	r := e.req("POST", "/api/v1/pool/claim", s.bookerTok[0], map[string]any{"lead_id": a})
	if r.Status != 409 || r.code() != "claim_refused" || !strings.Contains(r.errField("message"), "冷却") {
		t.Fatalf("previous owner claim: %d %s", r.Status, r.Raw)
	}
	got := e.must(200, "POST", "/api/v1/pool/claim", s.bookerTok[1], map[string]any{"lead_id": a})
	if got.Body["owner_id"] != float64(s.bookers[1]) || got.Body["phone"] != "13500000001" || got.Body["in_pool"] != false {
		t.Fatalf("claimed: %s", got.Raw)
	}
	if r := e.req("POST", "/api/v1/pool/claim", s.bookerTok[2], map[string]any{"lead_id": a}); r.code() != "not_in_pool" {
		t.Fatalf("double claim: %s", r.Raw)
	}
	// The sweep job is one per studio; a second worker finds nothing to do meanwhile.
	if ran, _ := srv.RunOneJob(ctx, "w2"); ran {
		t.Fatal("the sweep ran again before its next time")
	}
	tl := e.must(200, "GET", fmt.Sprintf("/api/v1/leads/%d/timeline", a), s.admin, nil)
	if !strings.Contains(string(tl.Raw), `"pooled"`) || !strings.Contains(string(tl.Raw), `"claimed"`) {
		t.Fatalf("timeline: %s", tl.Raw)
	}
	// Mark read.
	ids := []int64{}
	for _, n := range e.must(200, "GET", "/api/v1/notifications", s.bookerTok[0], nil).List {
		ids = append(ids, idOf(n.(map[string]any)))
	}
	e.must(204, "POST", "/api/v1/notifications/read", s.bookerTok[0], map[string]any{"ids": ids})
	if n := len(e.must(200, "GET", "/api/v1/notifications?unread=1", s.bookerTok[0], nil).List); n != 0 {
		t.Fatalf("%d unread after marking", n)
	}
}

func TestReferralApprovalBatchAndFields(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	s := e.newLeadStudio("甲影楼", 1)
	// Booking staff lack the referral permission: their referral waits for approval.
	r := e.must(201, "POST", "/api/v1/leads", s.tokens["booking"], map[string]any{"brand_id": s.brand, "phone": "13500000010",
		"source_type": "referral", "referrer_name": "老客户", "referrer_phone": "13900009999"})
	id := idOf(leadOf(r))
	if leadOf(r)["approval"] != "pending" {
		t.Fatalf("referral without permission: %s", r.Raw)
	}
	if r := e.req("POST", fmt.Sprintf("/api/v1/leads/%d/approval", id), s.tokens["booking"], map[string]any{"approve": true}); r.Status != 403 {
		t.Fatalf("self-approval: %d", r.Status)
	}
	ok := e.must(200, "POST", fmt.Sprintf("/api/v1/leads/%d/approval", id), s.tokens["manager"], map[string]any{"approve": true})
	if ok.Body["approval"] != "approved" {
		t.Fatalf("%s", ok.Raw)
	}
	// Intake has the referral permission: no approval needed.
	r = e.must(201, "POST", "/api/v1/leads", s.tokens["intake"], map[string]any{"brand_id": s.brand, "phone": "13500000011",
		"source_type": "referral", "referrer_staff_id": s.staff["store"]})
	if _, has := leadOf(r)["approval"]; has {
		t.Fatalf("referral with permission needs approval: %s", r.Raw)
	}

	// Batch: all or nothing with a per-lead report.
	ids := []int64{id, idOf(leadOf(r))}
	bad := e.req("POST", "/api/v1/leads/batch", s.admin, map[string]any{"lead_ids": append(ids, 99999), "op": "delete"})
	if bad.Status != 409 || bad.Body["applied"] != false || !strings.Contains(string(bad.Raw), `"code":"not_found"`) {
		t.Fatalf("batch with a missing lead: %d %s", bad.Status, bad.Raw)
	}
	if l := leadOf(e.must(200, "GET", fmt.Sprintf("/api/v1/leads/%d", id), s.admin, nil)); l["deleted"] == true {
		t.Fatal("failed batch deleted a lead")
	}
	e.must(200, "POST", "/api/v1/leads/batch", s.admin, map[string]any{"lead_ids": ids, "op": "transition", "args": map[string]any{"axis": "validity", "to": "valid"}})
	e.must(200, "POST", "/api/v1/leads/batch", s.admin, map[string]any{"lead_ids": ids, "op": "delete"})
	if n := len(e.must(200, "GET", "/api/v1/leads", s.admin, nil).Body["leads"].([]any)); n != 0 {
		t.Fatalf("%d leads listed after delete-to-recycle-bin", n)
	}
	if n := len(e.must(200, "GET", "/api/v1/leads?deleted=true", s.admin, nil).Body["leads"].([]any)); n != 2 {
		t.Fatalf("recycle bin has %d", n)
	}
	if r := e.req("POST", "/api/v1/leads/batch", s.tokens["booking"], map[string]any{"lead_ids": ids, "op": "restore"}); r.Status != 403 {
		t.Fatalf("batch without permission: %d", r.Status)
	}

	// Custom fields: defined per brand, required ones enforced, unknown keys refused.
	e.must(200, "PUT", fmt.Sprintf("/api/v1/brands/%d/fields", s.brand), s.admin, []map[string]any{
		{"key": "budget", "label": "预算", "type": "number"},
		{"key": "style", "label": "风格", "type": "single", "options": []string{"韩式", "森系"}, "required": true}})
	miss := e.req("POST", "/api/v1/leads", s.admin, map[string]any{"brand_id": s.brand, "phone": "13500000012", "source_type": "ad"})
	if miss.Status != 400 || miss.code() != "required" || miss.errField("field") != "custom.style" {
		t.Fatalf("missing required custom field: %d %s", miss.Status, miss.Raw)
	}
	unk := e.req("POST", "/api/v1/leads", s.admin, map[string]any{"brand_id": s.brand, "phone": "13500000012", "source_type": "ad",
		"custom": map[string]any{"style": "森系", "shoe_size": 40}})
	if unk.Status != 400 || unk.code() != "unknown_field" {
		t.Fatalf("unknown custom field: %d %s", unk.Status, unk.Raw)
	}
	e.must(201, "POST", "/api/v1/leads", s.admin, map[string]any{"brand_id": s.brand, "phone": "13500000012", "source_type": "ad",
		"custom": map[string]any{"style": "森系", "budget": 12000}})
	if r := e.req("PUT", fmt.Sprintf("/api/v1/brands/%d/fields", s.brand), s.tokens["manager"], []map[string]any{}); r.Status != 403 {
		t.Fatalf("manager editing fields: %d", r.Status)
	}
}

// TestBrandLeadSettings: a brand's own thresholds drive its pool and reminders, and bad
// settings are refused by field.
func TestBrandLeadSettings(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	s := e.newLeadStudio("甲影楼", 1)
	bad := e.req("PUT", fmt.Sprintf("/api/v1/brands/%d", s.brand), s.admin, map[string]any{"name": "甲影楼婚纱", "type": "wedding",
		"settings": map[string]any{"no_follow_up_hours": -1}})
	if bad.Status != 400 || bad.errField("field") != "settings.no_follow_up_hours" {
		t.Fatalf("%d %s", bad.Status, bad.Raw)
	}
	e.must(200, "PUT", fmt.Sprintf("/api/v1/brands/%d", s.brand), s.admin, map[string]any{"name": "甲影楼婚纱", "type": "wedding",
		"settings": map[string]any{"no_follow_up_hours": 4, "untouched_hours": 2}})
	// An edit that does not name settings (the brand form) keeps them.
	e.must(200, "PUT", fmt.Sprintf("/api/v1/brands/%d", s.brand), s.admin, map[string]any{"name": "甲影楼婚纱", "type": "wedding"})
	id := idOf(leadOf(e.must(201, "POST", "/api/v1/leads", s.admin, map[string]any{"brand_id": s.brand, "phone": "13500000601", "source_type": "ad"})))
	a := e.must(200, "POST", "/api/v1/leads/assign", s.admin, map[string]any{"lead_ids": []int64{id}, "staff_id": s.bookers[0]})
	_ = a
	l := leadOf(e.must(200, "GET", fmt.Sprintf("/api/v1/leads/%d", id), s.admin, nil))
	want := e.clock.Now().Add(4 * time.Hour).UTC().Format(time.RFC3339)
	if l["protected_until"] != want {
		t.Fatalf("protected_until %v, want %s (brand's 4 h)", l["protected_until"], want)
	}
	e.clock.Add(3 * time.Hour)
	for {
		ran, err := e.srvAPI.RunOneJob(context.Background(), "w")
		if err != nil {
			t.Fatal(err)
		}
		if !ran {
			break
		}
	}
	inbox := e.must(200, "GET", "/api/v1/notifications", s.bookerTok[0], nil)
	if !strings.Contains(string(inbox.Raw), `"kind":"untouched"`) {
		t.Fatalf("brand's 2 h untouched reminder missing: %s", inbox.Raw)
	}
}
