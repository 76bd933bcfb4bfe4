package api_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/studiodesk/studiodesk/backend/api"
)

// leadStudio extends a studio with a booking group of three checked-in bookers.
type leadStudio struct {
	*studio
	bookingDept int64
	bookers     []int64
	bookerTok   []string
}

func (e *env) newLeadStudio(name string, n int) *leadStudio {
	e.t.Helper()
	s := &leadStudio{studio: e.newStudio(name, n)}
	s.bookingDept = e.must(201, "POST", "/api/v1/departments", s.admin, map[string]any{"branch_id": s.branch, "name": "邀约组", "kind": "booking"}).num("id")
	for i := 0; i < 3; i++ {
		phone := fmt.Sprintf("1370000%04d", n*100+i)
		st := e.must(201, "POST", "/api/v1/staff", s.admin, map[string]any{"phone": phone, "name": fmt.Sprintf("邀约%d", i),
			"branch_id": s.branch, "department_id": s.bookingDept, "role_ids": []int64{s.roles["booking"]}, "password": "Passw0rd!"}).Body["staff"].(map[string]any)
		id := int64(st["id"].(float64))
		s.bookers = append(s.bookers, id)
		tok := e.login(phone, "Passw0rd!", s.device)
		s.bookerTok = append(s.bookerTok, tok)
		e.must(200, "POST", "/api/v1/checkins", tok, map[string]any{})
	}
	return s
}

func leadOf(r resp) map[string]any {
	if l, ok := r.Body["lead"].(map[string]any); ok {
		return l
	}
	return r.Body
}

func idOf(m map[string]any) int64 { return int64(m["id"].(float64)) }

func TestLeadCreateAndDuplicates(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	s := e.newLeadStudio("甲影楼", 1)
	intake := s.tokens["intake"]
	r := e.must(201, "POST", "/api/v1/leads", intake, map[string]any{"brand_id": s.brand, "branch_id": s.branch, "name": "王小姐",
		"phone": "+86 135-0000-1111", "source_type": "ad", "wedding": map[string]any{"partner_name": "李先生", "wedding_date": "2027-05-20"}})
	l := leadOf(r)
	if l["phone"] != "13500001111" || l["validity"] != "pending" || l["booking"] != "unassigned" || l["version"] != 1.0 {
		t.Fatalf("created: %s", r.Raw)
	}
	id := idOf(l)

	t.Run("reject policy shows a masked summary", func(t *testing.T) {
		r := e.req("POST", "/api/v1/leads", s.tokens["booking"], map[string]any{"brand_id": s.brand, "name": "又来", "phone": "13500001111", "source_type": "ad"})
		if r.Status != 409 || r.code() != "lead_duplicate" || strings.Contains(string(r.Raw), "13500001111") || !strings.Contains(string(r.Raw), "135****1111") {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
		p := r.Body["error"].(map[string]any)["params"].(map[string]any)
		if p["lead_id"] != nil {
			t.Fatalf("a caller who cannot see the lead got its id: %s", r.Raw)
		}
	})
	t.Run("repeat policy records a repeat inquiry", func(t *testing.T) {
		e.must(200, "PUT", fmt.Sprintf("/api/v1/brands/%d", s.brand), s.admin, map[string]any{"name": "甲影楼婚纱", "type": "wedding", "duplicate_policy": "repeat"})
		r := e.must(200, "POST", "/api/v1/leads", intake, map[string]any{"brand_id": s.brand, "name": "又来", "phone": "13500001111", "source_type": "ad"})
		if r.Body["repeat"] != true || leadOf(r)["repeat_count"] != 1.0 {
			t.Fatalf("%s", r.Raw)
		}
		tl := e.must(200, "GET", fmt.Sprintf("/api/v1/leads/%d/timeline", id), intake, nil)
		if !strings.Contains(string(tl.Raw), `"repeat_inquiry"`) {
			t.Fatalf("timeline: %s", tl.Raw)
		}
	})
	t.Run("bad input changes nothing", func(t *testing.T) {
		for _, tc := range []struct {
			body        map[string]any
			code, field string
		}{
			{map[string]any{"brand_id": s.brand, "phone": "12345", "source_type": "ad"}, "phone_invalid", "phone"},
			{map[string]any{"brand_id": s.brand, "phone": "13500002222", "source_type": "ad", "children": map[string]any{"child_name": "豆豆"}}, "fields_wrong_brand_type", "children"},
			{map[string]any{"brand_id": s.brand, "phone": "13500002222", "source_type": "tv"}, "invalid_value", "source_type"},
			{map[string]any{"phone": "13500002222", "source_type": "ad"}, "required", "brand_id"},
			{map[string]any{"brand_id": 99999, "phone": "13500002222", "source_type": "ad"}, "invalid_value", "brand_id"},
		} {
			r := e.req("POST", "/api/v1/leads", intake, tc.body)
			if r.code() != tc.code || !strings.HasPrefix(r.errField("field"), tc.field) || r.errField("message") == "" {
				t.Errorf("%v: %d %s", tc.body, r.Status, r.Raw)
			}
		}
		list := e.must(200, "GET", "/api/v1/leads?q=13500002222", s.admin, nil)
		if len(list.Body["leads"].([]any)) != 0 {
			t.Fatalf("a refused lead was stored: %s", list.Raw)
		}
	})
	// Concurrent creates of one phone: the REST create plans beside the writer, so most of
	// these find the phone free, lose the race at the unique index and must then be answered
	// exactly as if they had come after the winner (duplicate decision under the writer).
	concurrent := func(t *testing.T, phone string) (created []resp, others []resp) {
		var wg sync.WaitGroup
		results := make(chan resp, 16)
		for i := 0; i < 16; i++ {
			wg.Go(func() {
				results <- e.req("POST", "/api/v1/leads", intake, map[string]any{"brand_id": s.brand, "phone": phone, "source_type": "ad"})
			})
		}
		wg.Wait()
		close(results)
		for r := range results {
			if r.Status == 201 {
				created = append(created, r)
			} else {
				others = append(others, r)
			}
		}
		if len(created) != 1 || len(others) != 15 {
			t.Fatalf("created %d, others %d", len(created), len(others))
		}
		return created, others
	}
	t.Run("concurrent creates of one phone make one lead", func(t *testing.T) {
		e.must(200, "PUT", fmt.Sprintf("/api/v1/brands/%d", s.brand), s.admin, map[string]any{"name": "甲影楼婚纱", "type": "wedding", "duplicate_policy": "reject"})
		_, others := concurrent(t, "13600009999")
		for _, r := range others {
			if r.Status != 409 || !strings.Contains(string(r.Raw), `"code":"lead_duplicate"`) || !strings.Contains(string(r.Raw), `"summary"`) {
				t.Fatalf("a losing create was not answered with the duplicate decision: %d %s", r.Status, r.Raw)
			}
		}
	})
	t.Run("a create that loses the race after its plan gets the duplicate decision", func(t *testing.T) {
		e.must(200, "PUT", fmt.Sprintf("/api/v1/brands/%d", s.brand), s.admin, map[string]any{"name": "甲影楼婚纱", "type": "wedding", "duplicate_policy": "repeat"})
		var raced atomic.Bool
		var winner resp
		api.SetAfterCreatePlan(e.srvAPI, func() {
			if raced.CompareAndSwap(false, true) { // the phone was free when planned; now another create takes it
				winner = e.req("POST", "/api/v1/leads", s.admin, map[string]any{"brand_id": s.brand, "phone": "13600007777", "source_type": "ad"})
			}
		})
		defer api.SetAfterCreatePlan(e.srvAPI, nil)
		r := e.req("POST", "/api/v1/leads", intake, map[string]any{"brand_id": s.brand, "phone": "13600007777", "source_type": "ad"})
		if winner.Status != 201 || r.Status != 200 || r.Body["repeat"] != true {
			t.Fatalf("winner %d %s; loser %d %s", winner.Status, winner.Raw, r.Status, r.Raw)
		}
		if got := idOf(leadOf(r)); got != idOf(leadOf(winner)) {
			t.Fatalf("the repeat inquiry went to lead %d, not the winner's %d", got, idOf(leadOf(winner)))
		}
	})
	t.Run("concurrent creates under the repeat policy record repeat inquiries", func(t *testing.T) {
		e.must(200, "PUT", fmt.Sprintf("/api/v1/brands/%d", s.brand), s.admin, map[string]any{"name": "甲影楼婚纱", "type": "wedding", "duplicate_policy": "repeat"})
		created, others := concurrent(t, "13600008888")
		for _, r := range others {
			if r.Status != 200 || r.Body["repeat"] != true {
				t.Fatalf("a losing create was not recorded as a repeat inquiry: %d %s", r.Status, r.Raw)
			}
		}
		l := e.must(200, "GET", fmt.Sprintf("/api/v1/leads/%d", idOf(leadOf(created[0]))), s.admin, nil)
		if leadOf(l)["repeat_count"] != 15.0 {
			t.Fatalf("repeat count after 15 losing creates: %s", l.Raw)
		}
	})
}

func TestLeadWorkflow(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	s := e.newLeadStudio("甲影楼", 1)
	l := leadOf(e.must(201, "POST", "/api/v1/leads", s.tokens["intake"], map[string]any{"brand_id": s.brand, "branch_id": s.branch,
		"name": "张女士", "phone": "13500003333", "source_type": "ad"}))
	id := idOf(l)
	path := func(p string) string { return fmt.Sprintf("/api/v1/leads/%d%s", id, p) }

	// Assign through the booking group's round-robin.
	rep := e.must(200, "POST", "/api/v1/leads/assign", s.admin, map[string]any{"lead_ids": []int64{id}, "department_id": s.bookingDept})
	owner := int64(rep.Body["results"].([]any)[0].(map[string]any)["staff_id"].(float64))
	var tok string
	for i, b := range s.bookers {
		if b == owner {
			tok = s.bookerTok[i]
		}
	}
	if tok == "" {
		t.Fatalf("assigned to %d, not a booker: %s", owner, rep.Raw)
	}
	got := e.must(200, "GET", path(""), tok, nil)
	if leadOf(got)["booking"] != "to_call" || leadOf(got)["phone"] != "13500003333" {
		t.Fatalf("owner's view: %s", got.Raw)
	}
	// Other bookers do not see it.
	for i, b := range s.bookers {
		if b != owner {
			if r := e.req("GET", path(""), s.bookerTok[i], nil); r.Status != 403 || r.code() != "out_of_scope" {
				t.Fatalf("another booker: %d %s", r.Status, r.Raw)
			}
		}
	}
	// A manager (branch scope) sees it masked.
	mg := e.must(200, "GET", path(""), s.tokens["manager"], nil)
	if leadOf(mg)["phone"] != "135****3333" {
		t.Fatalf("manager view not masked: %s", mg.Raw)
	}

	e.must(200, "POST", path("/calls"), tok, map[string]any{"result": "no_answer"})
	if leadOf(e.must(200, "GET", path(""), tok, nil))["booking"] != "to_call" {
		t.Fatal("a call result moved the status")
	}
	steps := []struct {
		axis, to string
		extra    map[string]any
		status   int
		code     string
	}{
		{"booking", "visited", nil, 400, "check_in_required"},
		{"validity", "invalid", nil, 400, "reason_required"},
		{"validity", "valid", nil, 200, ""},
		{"booking", "calling", nil, 200, ""},
		{"booking", "booked", nil, 400, "booking_needs_branch_time"},
		{"booking", "booked", map[string]any{"branch_id": s.branch, "booked_at": e.clock.Now().Add(48 * time.Hour).Format(time.RFC3339)}, 200, ""},
		{"booking", "no_show", nil, 400, "no_show_too_early"},
		{"store", "negotiating", map[string]any{"check_in": true}, 200, ""},
		{"store", "deal", nil, 400, "amount_required"},
		{"store", "deal", map[string]any{"amount": 1299900, "deal_kind": "deposit", "package": "婚纱套系A"}, 200, ""},
		{"store", "lost", map[string]any{"reason": "price"}, 400, "transition_invalid"},
	}
	for _, st := range steps {
		body := map[string]any{"axis": st.axis, "to": st.to}
		for k, v := range st.extra {
			body[k] = v
		}
		before := e.must(200, "GET", path(""), s.admin, nil).Body
		r := e.req("POST", path("/transition"), tok, body)
		if r.Status != st.status || r.code() != st.code {
			t.Fatalf("%s -> %s: %d %s", st.axis, st.to, r.Status, r.Raw)
		}
		if st.status != 200 {
			after := e.must(200, "GET", path(""), s.admin, nil).Body
			if fmt.Sprint(before) != fmt.Sprint(after) {
				t.Fatalf("refused %s -> %s changed the lead", st.axis, st.to)
			}
		}
	}
	final := leadOf(e.must(200, "GET", path(""), tok, nil))
	if final["booking"] != "visited" || final["store"] != "deal" || final["deal_amount"] != 1299900.0 {
		t.Fatalf("final: %v", final)
	}
	// Corrections need the permission and a reason, and are audited as events.
	if r := e.req("POST", path("/correct"), tok, map[string]any{"axis": "validity", "to": "invalid", "reason": "test"}); r.Status != 403 || r.code() != "forbidden" {
		t.Fatalf("correction without permission: %d %s", r.Status, r.Raw)
	}
	if r := e.req("POST", path("/correct"), s.admin, map[string]any{"axis": "store", "to": "negotiating"}); r.code() != "reason_required" {
		t.Fatalf("correction without reason: %s", r.Raw)
	}
	e.must(200, "POST", path("/refund"), s.admin, map[string]any{"amount": 299900, "reason": "套餐降级"})
	tl := e.must(200, "GET", path("/timeline"), s.admin, nil)
	var events []map[string]any
	_ = json.Unmarshal(tl.Raw, &events)
	types := []string{}
	for _, ev := range events {
		types = append(types, ev["type"].(string))
	}
	want := "created assigned call status status status status status status refund"
	if strings.Join(types, " ") != want {
		t.Fatalf("timeline %v, want %s", types, want)
	}
	if events[1]["owner_id"] != float64(owner) || events[1]["actor_id"] != float64(s.staff["admin"]) {
		t.Fatalf("assignment event lacks snapshots: %v", events[1])
	}
	// The booker's own actions over the period.
	acts := e.must(200, "GET", fmt.Sprintf("/api/v1/staff/%d/actions?from=%s", owner, e.clock.Now().Add(-time.Hour).Format(time.RFC3339)), s.admin, nil)
	if n := strings.Count(string(acts.Raw), `"lead_id"`); n != 7 {
		t.Fatalf("booker actions = %d: %s", n, acts.Raw)
	}
}

func TestAssignAndTransferRules(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	s := e.newLeadStudio("甲影楼", 1)
	var ids []int64
	for i := 0; i < 9; i++ {
		ids = append(ids, idOf(leadOf(e.must(201, "POST", "/api/v1/leads", s.tokens["intake"], map[string]any{"brand_id": s.brand,
			"phone": fmt.Sprintf("1350000%04d", i), "source_type": "ad"}))))
	}
	// Booker 2 checks out; a bulk assignment spreads over the other two only.
	e.must(200, "POST", "/api/v1/checkins", s.bookerTok[2], map[string]any{"out": true})
	dlg := e.must(200, "GET", fmt.Sprintf("/api/v1/assignees?department_id=%d&method=round_robin", s.bookingDept), s.admin, nil)
	if !strings.Contains(string(dlg.Raw), `"reason":"not_checked_in"`) || len(dlg.Body["offered"].([]any)) != 2 {
		t.Fatalf("assign dialog: %s", dlg.Raw)
	}
	rep := e.must(200, "POST", "/api/v1/leads/assign", s.admin, map[string]any{"lead_ids": ids[:6], "department_id": s.bookingDept})
	count := map[float64]int{}
	for _, r := range rep.Body["results"].([]any) {
		count[r.(map[string]any)["staff_id"].(float64)]++
	}
	if count[float64(s.bookers[0])] != 3 || count[float64(s.bookers[1])] != 3 || count[float64(s.bookers[2])] != 0 {
		t.Fatalf("spread %v", count)
	}
	// All or nothing: one already-owned lead fails the whole batch, with a per-lead report.
	r := e.req("POST", "/api/v1/leads/assign", s.admin, map[string]any{"lead_ids": []int64{ids[6], ids[0]}, "staff_id": s.bookers[0]})
	if r.Status != 409 || r.Body["applied"] != false || !strings.Contains(string(r.Raw), `"code":"lead_owned"`) {
		t.Fatalf("batch with an owned lead: %d %s", r.Status, r.Raw)
	}
	if l := leadOf(e.must(200, "GET", fmt.Sprintf("/api/v1/leads/%d", ids[6]), s.admin, nil)); l["owner_id"] != nil {
		t.Fatalf("partial batch applied: %v", l)
	}
	// Assigning to a disabled member is refused with the reason.
	e.must(200, "POST", fmt.Sprintf("/api/v1/staff/%d/disable", s.bookers[2]), s.admin, nil)
	r = e.req("POST", "/api/v1/leads/assign", s.admin, map[string]any{"lead_ids": []int64{ids[6]}, "staff_id": s.bookers[2]})
	if r.Status != 400 || r.code() != "assignee_unavailable" || !strings.Contains(r.errField("message"), "已停用") {
		t.Fatalf("assign to disabled: %d %s", r.Status, r.Raw)
	}
	// Transfer needs a reason and moves the owner; credit for earlier events stays.
	r = e.req("POST", "/api/v1/leads/transfer", s.admin, map[string]any{"lead_ids": []int64{ids[0]}, "staff_id": s.bookers[1]})
	if r.Status != 400 || r.code() != "reason_required" {
		t.Fatalf("transfer without reason: %d %s", r.Status, r.Raw)
	}
	e.must(200, "POST", "/api/v1/leads/transfer", s.admin, map[string]any{"lead_ids": []int64{ids[0]}, "staff_id": s.bookers[1], "reason": "离职交接"})
	tl := e.must(200, "GET", fmt.Sprintf("/api/v1/leads/%d/timeline", ids[0]), s.admin, nil)
	var events []map[string]any
	_ = json.Unmarshal(tl.Raw, &events)
	if events[1]["type"] != "assigned" || events[2]["type"] != "transferred" || events[2]["reason"] != "离职交接" ||
		events[1]["owner_id"] == events[2]["owner_id"] {
		t.Fatalf("transfer history: %s", tl.Raw)
	}
	// Without the permission.
	if r := e.req("POST", "/api/v1/leads/assign", s.tokens["intake"], map[string]any{"lead_ids": []int64{ids[7]}, "staff_id": s.bookers[0]}); r.Status != 403 {
		t.Fatalf("intake assigning: %d", r.Status)
	}
	// A manager checks a member in on their behalf (audited with on_behalf_of).
	e.must(200, "POST", "/api/v1/checkins", s.tokens["manager"], map[string]any{"staff_id": s.bookers[0]})
	if r := e.req("POST", "/api/v1/checkins", s.tokens["intake"], map[string]any{"staff_id": s.bookers[0]}); r.Status != 403 {
		t.Fatalf("intake checking in someone else: %d", r.Status)
	}
	audit := e.must(200, "GET", fmt.Sprintf("/api/v1/audit?actor_id=%d", s.staff["manager"]), s.admin, nil)
	if !strings.Contains(string(audit.Raw), fmt.Sprintf(`"on_behalf_of":%d`, s.bookers[0])) {
		t.Fatalf("on-behalf check-in not audited: %s", audit.Raw)
	}
}

// TestConcurrentRoundRobin: parallel assigners never double-assign and keep the spread even.
func TestConcurrentRoundRobin(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	s := e.newLeadStudio("甲影楼", 1)
	const workers, each = 8, 30
	var ids []int64
	for i := 0; i < workers*each; i++ {
		ids = append(ids, idOf(leadOf(e.must(201, "POST", "/api/v1/leads", s.admin, map[string]any{"brand_id": s.brand,
			"phone": fmt.Sprintf("1350001%04d", i), "source_type": "ad"}))))
	}
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < each; i++ {
				r := e.req("POST", "/api/v1/leads/assign", s.admin, map[string]any{"lead_ids": []int64{ids[w*each+i]}, "department_id": s.bookingDept})
				if r.Status != 200 {
					t.Errorf("assign: %d %s", r.Status, r.Raw)
				}
			}
		}(w)
	}
	wg.Wait()
	count := map[float64]int{}
	page := e.must(200, "GET", fmt.Sprintf("/api/v1/leads?limit=500&brand_id=%d", s.brand), s.admin, nil)
	for _, l := range page.Body["leads"].([]any) {
		count[l.(map[string]any)["owner_id"].(float64)]++
	}
	min, max := 1<<30, 0
	for _, b := range s.bookers {
		n := count[float64(b)]
		min, max = minInt(min, n), maxInt(max, n)
	}
	if max-min > 1 || min+max == 0 {
		t.Fatalf("round-robin spread %v", count)
	}
}

func minInt(a, b int) int {
	if a < b {
		return a
	}
	return b
}

func maxInt(a, b int) int {
	if a > b {
		return a
	}
	return b
}

func TestSyncPullAndPush(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	s := e.newLeadStudio("甲影楼", 1)
	other := e.newLeadStudio("乙影楼", 2)
	booker := s.bookerTok[0]
	snap := e.must(200, "GET", "/api/v1/sync/snapshot", booker, nil)
	cursor := snap.Body["cursor"].(string)

	push := func(tok string, muts ...map[string]any) []map[string]any {
		t.Helper()
		r := e.must(200, "POST", "/api/v1/sync/push", tok, map[string]any{"mutations": muts})
		var out []map[string]any
		for _, x := range r.Body["results"].([]any) {
			out = append(out, x.(map[string]any))
		}
		return out
	}
	res := push(booker,
		map[string]any{"mutation_id": "m-1", "name": "lead.create", "args": map[string]any{"brand_id": s.brand, "phone": "13500005555", "source_type": "walk_in", "name": "离线客人"}},
		map[string]any{"mutation_id": "m-2", "name": "lead.create", "args": map[string]any{"brand_id": s.brand, "phone": "bad", "source_type": "walk_in"}},
		map[string]any{"mutation_id": "m-3", "name": "lead.create", "args": map[string]any{"brand_id": s.brand, "phone": "13500006666", "source_type": "walk_in"}},
	)
	if res[0]["status"] != "applied" || res[1]["status"] != "rejected" || res[2]["status"] != "applied" {
		t.Fatalf("push results: %v", res)
	}
	if res[1]["error"].(map[string]any)["code"] != "phone_invalid" || res[1]["error"].(map[string]any)["message"] == "" {
		t.Fatalf("rejection reason: %v", res[1])
	}
	// Replays answer the same; a reused id with other content is refused and the original kept.
	again := push(booker, map[string]any{"mutation_id": "m-1", "name": "lead.create", "args": map[string]any{"brand_id": s.brand, "phone": "13500005555", "source_type": "walk_in", "name": "离线客人"}})
	if again[0]["status"] != "applied" || fmt.Sprint(again[0]["result"]) != fmt.Sprint(res[0]["result"]) {
		t.Fatalf("replay: %v", again)
	}
	reused := push(booker, map[string]any{"mutation_id": "m-1", "name": "lead.create", "args": map[string]any{"brand_id": s.brand, "phone": "13500007777", "source_type": "walk_in"}})
	if reused[0]["status"] != "rejected" || reused[0]["error"].(map[string]any)["code"] != "mutation_replayed" {
		t.Fatalf("reused id: %v", reused)
	}
	if n := len(e.must(200, "GET", "/api/v1/leads?q=13500007777", s.admin, nil).Body["leads"].([]any)); n != 0 {
		t.Fatal("a replayed id created a lead")
	}

	pull := func(tok, cur string) resp {
		t.Helper()
		return e.must(200, "GET", "/api/v1/sync/pull?cursor="+cur, tok, nil)
	}
	p := pull(booker, cursor)
	if len(p.Body["changes"].([]any)) != 2 || !strings.Contains(string(p.Raw), "离线客人") {
		t.Fatalf("pull: %s", p.Raw)
	}
	cursor = p.Body["cursor"].(string)
	// Another booker sees none of it.
	if n := len(pull(s.bookerTok[1], "").Body["changes"].([]any)); n != 0 {
		t.Fatalf("another booker pulled %d changes", n)
	}
	// A lead assigned to the booker arrives; transferring it away removes it from the
	// booker's replica (they created neither it nor own it any more).
	leadID := idOf(leadOf(e.must(201, "POST", "/api/v1/leads", s.admin, map[string]any{"brand_id": s.brand, "phone": "13500004444", "source_type": "ad"})))
	e.must(200, "POST", "/api/v1/leads/assign", s.admin, map[string]any{"lead_ids": []int64{leadID}, "staff_id": s.bookers[0]})
	p = pull(booker, cursor)
	if !strings.Contains(string(p.Raw), "13500004444") {
		t.Fatalf("assigned lead not pulled: %s", p.Raw)
	}
	cursor = p.Body["cursor"].(string)
	e.must(200, "POST", "/api/v1/leads/transfer", s.admin, map[string]any{"lead_ids": []int64{leadID}, "staff_id": s.bookers[1], "reason": "调整"})
	p = pull(booker, cursor)
	if !strings.Contains(string(p.Raw), `"op":"remove"`) || !strings.Contains(string(p.Raw), fmt.Sprintf(`"id":%d`, leadID)) {
		t.Fatalf("transferred-away lead not removed: %s", p.Raw)
	}
	if p2 := pull(s.bookerTok[1], ""); !strings.Contains(string(p2.Raw), `"op":"upsert"`) {
		t.Fatalf("new owner did not get it: %s", p2.Raw)
	}
	// Cursors from the future or another studio are refused.
	for _, bad := range []string{fmt.Sprintf("%d-999999", 1), fmt.Sprintf("%d-1", 2), "x", "1-"} {
		r := e.req("GET", "/api/v1/sync/pull?cursor="+bad, booker, nil)
		if r.Status != 400 || r.code() != "cursor_invalid" {
			t.Fatalf("cursor %q: %d %s", bad, r.Status, r.Raw)
		}
	}
	_ = other
}

func TestLeadTenantIsolationAndReveal(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a := e.newLeadStudio("甲影楼", 1)
	b := e.newLeadStudio("乙影楼", 2)
	bl := idOf(leadOf(e.must(201, "POST", "/api/v1/leads", b.admin, map[string]any{"brand_id": b.brand, "phone": "13500008888", "source_type": "ad"})))
	for _, rq := range []struct {
		method, path string
		body         any
	}{
		{"GET", fmt.Sprintf("/api/v1/leads/%d", bl), nil},
		{"PATCH", fmt.Sprintf("/api/v1/leads/%d", bl), map[string]any{"name": "偷"}},
		{"POST", fmt.Sprintf("/api/v1/leads/%d/transition", bl), map[string]any{"axis": "validity", "to": "valid"}},
		{"POST", fmt.Sprintf("/api/v1/leads/%d/calls", bl), map[string]any{"result": "no_answer"}},
		{"GET", fmt.Sprintf("/api/v1/leads/%d/timeline", bl), nil},
		{"POST", fmt.Sprintf("/api/v1/leads/%d/reveal", bl), nil},
	} {
		if r := e.req(rq.method, rq.path, a.admin, rq.body); r.Status != 404 {
			t.Errorf("%s %s from A: %d %s", rq.method, rq.path, r.Status, r.Raw)
		}
	}
	// Every other lead endpoint, with B's ids.
	e.must(200, "POST", "/api/v1/leads/assign", b.admin, map[string]any{"lead_ids": []int64{bl}, "staff_id": b.bookers[0]})
	bReq := e.must(201, "POST", fmt.Sprintf("/api/v1/leads/%d/transfer-requests", bl), b.tokens["intake"],
		map[string]any{"phone": "13500008888", "reason": "我的客户"}).num("id")
	for _, rq := range []struct {
		method, path string
		body         any
		status       int
	}{
		{"POST", fmt.Sprintf("/api/v1/leads/%d/approval", bl), map[string]any{"approve": true}, 404},
		{"POST", fmt.Sprintf("/api/v1/leads/%d/correct", bl), map[string]any{"axis": "validity", "to": "valid", "reason": "x"}, 404},
		{"POST", fmt.Sprintf("/api/v1/leads/%d/refund", bl), map[string]any{"amount": 1, "reason": "x"}, 404},
		{"POST", "/api/v1/pool/claim", map[string]any{"lead_id": bl}, 404},
		{"GET", fmt.Sprintf("/api/v1/brands/%d/fields", b.brand), nil, 404},
		{"PUT", fmt.Sprintf("/api/v1/brands/%d/fields", b.brand), []any{}, 404},
		{"GET", fmt.Sprintf("/api/v1/assignees?department_id=%d", b.bookingDept), nil, 400},
		{"POST", "/api/v1/checkins", map[string]any{"staff_id": b.bookers[0]}, 400},
		{"GET", fmt.Sprintf("/api/v1/staff/%d/actions", b.bookers[0]), nil, 404},
		{"PUT", "/api/v1/assign-rules", []map[string]any{{"target_department_id": b.bookingDept}}, 400},
		{"POST", fmt.Sprintf("/api/v1/leads/%d/transfer-requests", bl), map[string]any{"phone": "13500008888", "reason": "偷走"}, 404},
		{"POST", fmt.Sprintf("/api/v1/transfer-requests/%d/decision", bReq), map[string]any{"approve": true}, 404},
	} {
		if r := e.req(rq.method, rq.path, a.admin, rq.body); r.Status != rq.status {
			t.Errorf("%s %s from A: %d %s", rq.method, rq.path, r.Status, r.Raw)
		}
	}
	for _, rq := range []struct {
		path string
		body any
	}{
		{"/api/v1/leads/batch", map[string]any{"lead_ids": []int64{bl}, "op": "delete"}},
		{"/api/v1/leads/transfer", map[string]any{"lead_ids": []int64{bl}, "staff_id": a.bookers[0], "reason": "偷走"}},
	} {
		if r := e.req("POST", rq.path, a.admin, rq.body); r.Status != 409 || !strings.Contains(string(r.Raw), `"code":"not_found"`) {
			t.Errorf("POST %s with B's lead: %d %s", rq.path, r.Status, r.Raw)
		}
	}
	if l := leadOf(e.must(200, "GET", fmt.Sprintf("/api/v1/leads/%d", bl), b.admin, nil)); l["deleted"] == true || l["owner_id"] != float64(b.bookers[0]) {
		t.Fatalf("B's lead changed: %v", l)
	}
	r := e.req("POST", "/api/v1/leads/assign", a.admin, map[string]any{"lead_ids": []int64{bl}, "staff_id": a.bookers[0]})
	if r.Status != 409 || !strings.Contains(string(r.Raw), `"code":"not_found"`) {
		t.Errorf("A assigning B's lead: %d %s", r.Status, r.Raw)
	}
	// The per-user reveal limit.
	rl := idOf(leadOf(e.must(201, "POST", "/api/v1/leads", a.admin, map[string]any{"brand_id": a.brand, "phone": "13500007070", "source_type": "ad"})))
	status := 0
	for i := 0; i < 61; i++ {
		status = e.req("POST", fmt.Sprintf("/api/v1/leads/%d/reveal", rl), a.admin, nil).Status
	}
	if status != 429 {
		t.Fatalf("reveal 61 times in an hour: last status %d", status)
	}
	if l := e.must(200, "GET", "/api/v1/transfer-requests", a.admin, nil); len(l.List) != 0 {
		t.Errorf("A lists B's transfer requests: %s", l.Raw)
	}
	if l := e.must(200, "GET", "/api/v1/transfer-requests?status=pending", b.admin, nil); len(l.List) != 1 {
		t.Errorf("B's request changed: %s", l.Raw)
	}
	if strings.Contains(string(e.must(200, "GET", "/api/v1/leads", a.admin, nil).Raw), "13500008888") {
		t.Error("A lists B's lead")
	}
	if strings.Contains(string(e.must(200, "GET", "/api/v1/sync/pull", a.admin, nil).Raw), fmt.Sprint(bl)+`,"lead"`) {
		t.Error("A pulls B's lead")
	}
	// Reveal: the manager sees the phone masked, reveals it, and the reveal is on the timeline.
	al := idOf(leadOf(e.must(201, "POST", "/api/v1/leads", a.tokens["intake"], map[string]any{"brand_id": a.brand, "branch_id": a.branch, "phone": "13500009999", "source_type": "ad"})))
	if l := leadOf(e.must(200, "GET", fmt.Sprintf("/api/v1/leads/%d", al), a.tokens["manager"], nil)); l["phone"] != "135****9999" {
		t.Fatalf("not masked: %v", l)
	}
	rv := e.must(200, "POST", fmt.Sprintf("/api/v1/leads/%d/reveal", al), a.tokens["manager"], nil)
	if rv.Body["phone"] != "13500009999" {
		t.Fatalf("reveal: %s", rv.Raw)
	}
	if r := e.req("POST", fmt.Sprintf("/api/v1/leads/%d/reveal", al), a.tokens["booking"], nil); r.Status != 403 || r.code() != "forbidden" {
		t.Fatalf("reveal without permission: %d %s", r.Status, r.Raw)
	}
	tl := e.must(200, "GET", fmt.Sprintf("/api/v1/leads/%d/timeline", al), a.admin, nil)
	if !strings.Contains(string(tl.Raw), `"phone_revealed"`) || !strings.Contains(string(tl.Raw), fmt.Sprintf(`"actor_id":%d`, a.staff["manager"])) {
		t.Fatalf("reveal not logged: %s", tl.Raw)
	}
}

func TestFollowUpsDuplicateCheckAndQueuedCheckIn(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	s := e.newLeadStudio("甲影楼", 1)
	id := idOf(leadOf(e.must(201, "POST", "/api/v1/leads", s.admin, map[string]any{"brand_id": s.brand, "branch_id": s.branch, "phone": "13500000701", "source_type": "ad"})))
	e.must(200, "POST", "/api/v1/leads/assign", s.admin, map[string]any{"lead_ids": []int64{id}, "staff_id": s.bookers[0]})
	at := e.clock.Now().Add(26 * time.Hour).Format(time.RFC3339)
	l := e.must(200, "POST", fmt.Sprintf("/api/v1/leads/%d/follow-ups", id), s.bookerTok[0], map[string]any{"kind": "appointment", "text": "明早回电", "at": at})
	if l.Body["next_follow_up"] != at || l.Body["last_follow_up"] == nil {
		t.Fatalf("appointment: %s", l.Raw)
	}
	if r := e.req("POST", fmt.Sprintf("/api/v1/leads/%d/follow-ups", id), s.bookerTok[0], map[string]any{"kind": "note"}); r.code() != "required" || r.errField("field") != "text" {
		t.Fatalf("empty note: %s", r.Raw)
	}
	res := e.must(200, "POST", "/api/v1/sync/push", s.bookerTok[1], map[string]any{"mutations": []map[string]any{
		{"mutation_id": "c-1", "name": "checkin", "args": map[string]any{"out": true}},
		{"mutation_id": "c-2", "name": "lead.follow_up", "args": map[string]any{"id": id, "kind": "note", "text": "偷看"}},
	}})
	out := res.Body["results"].([]any)
	if out[0].(map[string]any)["status"] != "applied" || out[1].(map[string]any)["status"] != "rejected" {
		t.Fatalf("queued check-out / follow-up on someone else's lead: %s", res.Raw)
	}
	dlg := e.must(200, "GET", fmt.Sprintf("/api/v1/assignees?department_id=%d", s.bookingDept), s.admin, nil)
	_ = dlg
	dup := e.must(200, "GET", fmt.Sprintf("/api/v1/leads/duplicate?brand_id=%d&phone=135-0000-0701", s.brand), s.tokens["intake"], nil)
	if dup.Body["duplicate"] != true || dup.Body["phone"] != "13500000701" || strings.Contains(string(dup.Raw), `"phone":"13500000701","owner`) {
		t.Fatalf("duplicate check: %s", dup.Raw)
	}
	if d := e.must(200, "GET", fmt.Sprintf("/api/v1/leads/duplicate?brand_id=%d&phone=13500000799", s.brand), s.tokens["intake"], nil); d.Body["duplicate"] != false {
		t.Fatalf("free phone: %s", d.Raw)
	}
	if r := e.req("GET", fmt.Sprintf("/api/v1/leads/duplicate?brand_id=%d&phone=123", s.brand), s.tokens["intake"], nil); r.code() != "phone_invalid" {
		t.Fatalf("bad phone: %s", r.Raw)
	}
}

// TestPullSendsWhatReadsShow: a pull sends each lead's stored JSON as it is; it must equal
// what reading the lead answers the same caller — in full for the people who work it,
// masked for a manager who only sees it — through creates, edits and reassignment.
func TestPullSendsWhatReadsShow(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	s := e.newLeadStudio("甲影楼", 1)
	id := idOf(leadOf(e.must(201, "POST", "/api/v1/leads", s.tokens["intake"], map[string]any{"brand_id": s.brand, "branch_id": s.branch,
		"name": "王小姐", "phone": "13500002222", "source_type": "ad", "referrer_phone": "13600003333",
		"wedding": map[string]any{"partner_name": "李先生", "partner_phone": "13700004444", "wedding_date": "2027-05-20"}})))
	e.must(200, "POST", "/api/v1/leads/assign", s.admin, map[string]any{"lead_ids": []int64{id}, "staff_id": s.bookers[0]})
	check := func(tok string, wantMasked bool) {
		t.Helper()
		var pulled map[string]any
		for _, c := range e.must(200, "GET", "/api/v1/sync/pull?limit=10000", tok, nil).Body["changes"].([]any) {
			c := c.(map[string]any)
			if int64(c["id"].(float64)) == id && c["op"] == "upsert" {
				pulled = c["lead"].(map[string]any)
			}
		}
		read := leadOf(e.must(200, "GET", fmt.Sprintf("/api/v1/leads/%d", id), tok, nil))
		if pulled == nil || fmt.Sprint(pulled) != fmt.Sprint(read) {
			t.Fatalf("pulled %v\nread   %v", pulled, read)
		}
		if masked := strings.Contains(pulled["phone"].(string), "****"); masked != wantMasked {
			t.Fatalf("phone %v, want masked=%v", pulled["phone"], wantMasked)
		}
		if wantMasked && (pulled["wedding"].(map[string]any)["partner_phone"] != "137****4444" || pulled["referrer_phone"] != "136****3333") {
			t.Fatalf("not every phone masked: %v", pulled)
		}
	}
	check(s.bookerTok[0], false) // the owner works it
	check(s.tokens["manager"], true)
	e.must(200, "PATCH", fmt.Sprintf("/api/v1/leads/%d", id), s.bookerTok[0], map[string]any{"name": "王女士"})
	check(s.bookerTok[0], false)
	check(s.admin, true)
}

// TestPushManyMutationsInOrder: a push longer than one transaction's chunk answers every
// mutation in order; rejected ones leave nothing and are remembered; a denial is audited.
func TestPushManyMutationsInOrder(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	s := e.newLeadStudio("甲影楼", 1)
	var muts []map[string]any
	for i := range 250 {
		phone := fmt.Sprintf("135%08d", i)
		if i%50 == 7 {
			phone = "bad"
		}
		muts = append(muts, map[string]any{"mutation_id": fmt.Sprintf("c-%d", i), "name": "lead.create",
			"args": map[string]any{"brand_id": s.brand, "phone": phone, "source_type": "walk_in", "name": fmt.Sprintf("客%d", i)}})
	}
	// The booker may not correct statuses: a denied mutation in the middle of the batch.
	denied := map[string]any{"mutation_id": "d-1", "name": "lead.correct",
		"args": map[string]any{"id": 1, "axis": "validity", "to": "invalid", "reason": "测试"}}
	muts = append(muts[:120], append([]map[string]any{denied}, muts[120:]...)...)
	r := e.must(200, "POST", "/api/v1/sync/push", s.bookerTok[0], map[string]any{"mutations": muts})
	results := r.Body["results"].([]any)
	if len(results) != len(muts) {
		t.Fatalf("%d results for %d mutations", len(results), len(muts))
	}
	applied := 0
	for i, x := range results {
		res := x.(map[string]any)
		if res["mutation_id"] != muts[i]["mutation_id"] {
			t.Fatalf("result %d is for %v, want %v", i, res["mutation_id"], muts[i]["mutation_id"])
		}
		args := muts[i]["args"].(map[string]any)
		wantApplied := args["phone"] != "bad" && muts[i]["name"] == "lead.create"
		if (res["status"] == "applied") != wantApplied {
			t.Fatalf("mutation %v: %v", muts[i]["mutation_id"], res)
		}
		if wantApplied {
			applied++
		}
	}
	list := e.must(200, "GET", "/api/v1/leads?limit=500", s.admin, nil).Body["leads"].([]any)
	if len(list) != applied || applied != 245 {
		t.Fatalf("%d leads stored, %d applied", len(list), applied)
	}
	again := e.must(200, "POST", "/api/v1/sync/push", s.bookerTok[0], map[string]any{"mutations": muts[:10]})
	if fmt.Sprint(again.Body["results"]) != fmt.Sprint(results[:10]) {
		t.Fatalf("replay answered differently:\n%v\n%v", again.Body["results"], results[:10])
	}
	audit := e.must(200, "GET", "/api/v1/audit?entity=lead&limit=500", s.admin, nil)
	if !strings.Contains(string(audit.Raw), "lead.correct.denied") {
		t.Fatalf("denial not audited: %s", audit.Raw)
	}
}
