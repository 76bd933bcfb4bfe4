package api_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// kinds lists the notification kinds in a staff member's inbox.
func (e *env) inboxKinds(token string) []string {
	var out []string
	for _, n := range e.must(200, "GET", "/api/v1/notifications", token, nil).List {
		out = append(out, n.(map[string]any)["kind"].(string))
	}
	return out
}

// TestTransferRequests: a colleague who hits a duplicate they cannot see asks for the lead;
// the branch manager and the admin get it in their inbox and list; an approval transfers the
// lead (audited, with the request's reason), a rejection needs a reason; the requester hears
// the outcome. Bad input and wrong people are refused with the reason, nothing changed.
func TestTransferRequests(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	s := e.newLeadStudio("甲影楼", 1)
	intake, manager, booker := s.tokens["intake"], s.tokens["manager"], s.bookerTok[0]
	newOwned := func(phone string) int64 {
		id := idOf(leadOf(e.must(201, "POST", "/api/v1/leads", s.admin, map[string]any{"brand_id": s.brand, "branch_id": s.branch,
			"name": "王小姐", "phone": phone, "source_type": "ad"})))
		e.must(200, "POST", "/api/v1/leads/assign", s.admin, map[string]any{"lead_ids": []int64{id}, "staff_id": s.bookers[0]})
		return id
	}
	id := newOwned("13500004444")
	path := fmt.Sprintf("/api/v1/leads/%d/transfer-requests", id)

	// The intake clerk enters the phone, cannot see the lead, and is offered the request.
	r := e.req("POST", "/api/v1/leads", intake, map[string]any{"brand_id": s.brand, "phone": "13500004444", "source_type": "ad"})
	p, _ := r.Body["error"].(map[string]any)["params"].(map[string]any)
	if r.Status != 409 || p["can_request_transfer"] != true || p["summary"].(map[string]any)["lead_id"] != float64(id) {
		t.Fatalf("duplicate: %d %s", r.Status, r.Raw)
	}

	t.Run("bad input changes nothing", func(t *testing.T) {
		unowned := idOf(leadOf(e.must(201, "POST", "/api/v1/leads", s.admin, map[string]any{"brand_id": s.brand, "phone": "13500004445", "source_type": "ad"})))
		for _, tc := range []struct {
			token, path string
			body        map[string]any
			status      int
			code, field string
		}{
			{intake, path, map[string]any{"phone": "13500004444"}, 400, "reason_required", "reason"},
			{intake, path, map[string]any{"phone": "13500004444", "reason": " 我 "}, 400, "reason_required", "reason"},
			{intake, path, map[string]any{"phone": "13500004444", "reason": strings.Repeat("长", 501)}, 400, "too_long", "reason"},
			{intake, path, map[string]any{"reason": "客户是我介绍的"}, 400, "required", "phone"},
			{intake, path, map[string]any{"phone": "12345", "reason": "客户是我介绍的"}, 400, "phone_invalid", "phone"},
			// Another phone: the id is not probed.
			{intake, path, map[string]any{"phone": "13500009999", "reason": "客户是我介绍的"}, 404, "not_found", ""},
			{intake, "/api/v1/leads/999999/transfer-requests", map[string]any{"phone": "13500004444", "reason": "客户是我介绍的"}, 404, "not_found", ""},
			{booker, path, map[string]any{"phone": "13500004444", "reason": "是我的客户"}, 409, "transfer_request_own", ""},
			{intake, fmt.Sprintf("/api/v1/leads/%d/transfer-requests", unowned), map[string]any{"phone": "13500004445", "reason": "客户是我介绍的"}, 409, "transfer_request_unowned", ""},
			{s.tokens["channel"], path, map[string]any{"phone": "13500004444", "reason": "客户是我介绍的"}, 403, "forbidden", ""},
		} {
			r := e.req("POST", tc.path, tc.token, tc.body)
			if r.Status != tc.status || r.code() != tc.code || r.errField("field") != tc.field || r.errField("message") == "" {
				t.Errorf("%v: %d %s", tc.body, r.Status, r.Raw)
			}
		}
		if l := e.must(200, "GET", "/api/v1/transfer-requests", s.admin, nil); len(l.List) != 0 {
			t.Fatalf("refused requests stored: %s", l.Raw)
		}
	})

	// The request: deciders get it in their inbox, the requester sees it (masked) in theirs.
	req := e.must(201, "POST", path, intake, map[string]any{"phone": "135 0000 4444", "reason": "客户是我老客户介绍的"})
	reqID := req.num("id")
	if req.Body["status"] != "pending" || strings.Contains(string(req.Raw), "13500004444") || req.Body["lead_name"] != nil {
		t.Fatalf("request as the requester sees it: %s", req.Raw)
	}
	if r := e.req("POST", path, intake, map[string]any{"phone": "13500004444", "reason": "再申请一次"}); r.Status != 409 || r.code() != "transfer_request_pending" {
		t.Fatalf("second pending request: %d %s", r.Status, r.Raw)
	}
	for name, tok := range map[string]string{"manager": manager, "admin": s.admin} {
		if !slices.Contains(e.inboxKinds(tok), "transfer_request") {
			t.Errorf("%s has no transfer_request notification", name)
		}
	}
	for name, tok := range map[string]string{"booker (owner, no lead.transfer)": booker, "intake (requester)": intake, "store": s.tokens["store"]} {
		if slices.Contains(e.inboxKinds(tok), "transfer_request") {
			t.Errorf("%s got the request", name)
		}
	}
	list := e.must(200, "GET", "/api/v1/transfer-requests?status=pending", manager, nil)
	if len(list.List) != 1 {
		t.Fatalf("manager's list: %s", list.Raw)
	}
	if v := list.List[0].(map[string]any); v["can_decide"] != true || v["lead_name"] != "王小姐" || v["reason"] != "客户是我老客户介绍的" {
		t.Fatalf("manager's view: %v", v)
	}
	if r := e.req("GET", "/api/v1/transfer-requests", intake, nil); r.Status != 403 {
		t.Fatalf("intake lists everyone's requests: %d", r.Status)
	}
	if r := e.req("GET", "/api/v1/transfer-requests?status=maybe", manager, nil); r.Status != 400 || r.errField("field") != "status" {
		t.Fatalf("bad status filter: %d %s", r.Status, r.Raw)
	}
	mine := e.must(200, "GET", "/api/v1/transfer-requests?mine=1", intake, nil)
	if len(mine.List) != 1 || strings.Contains(string(mine.Raw), "13500004444") || strings.Contains(string(mine.Raw), "王小姐") {
		t.Fatalf("requester's list: %s", mine.Raw)
	}

	decide := fmt.Sprintf("/api/v1/transfer-requests/%d/decision", reqID)
	if r := e.req("POST", decide, intake, map[string]any{"approve": true}); r.Status != 403 || r.code() != "forbidden" {
		t.Fatalf("requester deciding: %d %s", r.Status, r.Raw)
	}
	if r := e.req("POST", decide, manager, map[string]any{"approve": false}); r.Status != 400 || r.code() != "reason_required" {
		t.Fatalf("reject without reason: %d %s", r.Status, r.Raw)
	}
	if r := e.req("POST", "/api/v1/transfer-requests/999999/decision", manager, map[string]any{"approve": true}); r.Status != 404 {
		t.Fatalf("unknown request: %d %s", r.Status, r.Raw)
	}

	// Approve: a normal transfer with the request's reason; the requester is told and owns it.
	ok := e.must(200, "POST", decide, manager, map[string]any{"approve": true})
	if ok.Body["status"] != "approved" || ok.Body["decided_by"] != float64(s.staff["manager"]) {
		t.Fatalf("approved: %s", ok.Raw)
	}
	l := leadOf(e.must(200, "GET", fmt.Sprintf("/api/v1/leads/%d", id), intake, nil))
	if l["owner_id"] != float64(s.staff["intake"]) {
		t.Fatalf("after approval the lead is not the requester's: %v", l)
	}
	var events []map[string]any
	_ = json.Unmarshal(e.must(200, "GET", fmt.Sprintf("/api/v1/leads/%d/timeline", id), s.admin, nil).Raw, &events)
	last := events[len(events)-1]
	if last["type"] != "transferred" || last["reason"] != "客户是我老客户介绍的" || last["actor_id"] != float64(s.staff["manager"]) {
		t.Fatalf("transfer event: %v", last)
	}
	if !slices.Contains(e.inboxKinds(intake), "transfer_request_decided") {
		t.Fatal("requester not told of the approval")
	}
	if r := e.req("POST", decide, s.admin, map[string]any{"approve": false, "reason": "改主意"}); r.Status != 409 || r.code() != "transfer_request_decided" ||
		!strings.Contains(r.errField("message"), "已同意") {
		t.Fatalf("deciding twice: %d %s", r.Status, r.Raw)
	}
	audit := e.must(200, "GET", "/api/v1/audit", s.admin, nil)
	for _, action := range []string{`"lead.transfer_request"`, `"lead.transfer_request.approved"`, `"lead.transfer"`} {
		if !strings.Contains(string(audit.Raw), action) {
			t.Errorf("audit lacks %s", action)
		}
	}

	// Reject: needs a reason, the lead stays, the requester reads why.
	id2 := newOwned("13500004446")
	req2 := e.must(201, "POST", fmt.Sprintf("/api/v1/leads/%d/transfer-requests", id2), intake, map[string]any{"phone": "13500004446", "reason": "我先接待的"})
	no := e.must(200, "POST", fmt.Sprintf("/api/v1/transfer-requests/%d/decision", req2.num("id")), s.admin,
		map[string]any{"approve": false, "reason": "邀约已在跟进"})
	if no.Body["status"] != "rejected" || no.Body["decision_reason"] != "邀约已在跟进" {
		t.Fatalf("rejected: %s", no.Raw)
	}
	if l := leadOf(e.must(200, "GET", fmt.Sprintf("/api/v1/leads/%d", id2), s.admin, nil)); l["owner_id"] != float64(s.bookers[0]) {
		t.Fatalf("a rejection moved the lead: %v", l)
	}
	inbox := e.must(200, "GET", "/api/v1/notifications", intake, nil)
	if !strings.Contains(string(inbox.Raw), `"status":"rejected"`) || !strings.Contains(string(inbox.Raw), "邀约已在跟进") {
		t.Fatalf("requester's inbox: %s", inbox.Raw)
	}
}

// TestTransferRequestScope: a manager of another branch neither hears of nor decides a
// request on a lead outside their scope.
func TestTransferRequestScope(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	s := e.newLeadStudio("甲影楼", 1)
	// A manager of the second branch.
	e.must(200, "PUT", "/api/v1/devices/"+s.device+"/branches", s.admin, map[string]any{"branch_ids": []int64{s.branch, s.branch2}})
	st := e.must(201, "POST", "/api/v1/staff", s.admin, map[string]any{"phone": "13600001111", "name": "二店店长",
		"branch_id": s.branch2, "role_ids": []int64{s.roles["manager"]}, "password": "Passw0rd!"})
	other := e.login("13600001111", "Passw0rd!", s.device)
	_ = st
	id := idOf(leadOf(e.must(201, "POST", "/api/v1/leads", s.admin, map[string]any{"brand_id": s.brand, "branch_id": s.branch,
		"phone": "13500005555", "source_type": "ad"})))
	e.must(200, "POST", "/api/v1/leads/assign", s.admin, map[string]any{"lead_ids": []int64{id}, "staff_id": s.bookers[0]})
	req := e.must(201, "POST", fmt.Sprintf("/api/v1/leads/%d/transfer-requests", id), s.tokens["intake"], map[string]any{"phone": "13500005555", "reason": "我的客户"})
	if slices.Contains(e.inboxKinds(other), "transfer_request") {
		t.Fatal("the other branch's manager got the request")
	}
	if l := e.must(200, "GET", "/api/v1/transfer-requests", other, nil); len(l.List) != 0 {
		t.Fatalf("the other branch's manager lists it: %s", l.Raw)
	}
	r := e.req("POST", fmt.Sprintf("/api/v1/transfer-requests/%d/decision", req.num("id")), other, map[string]any{"approve": true})
	if r.Status != 403 || r.code() != "out_of_scope" {
		t.Fatalf("out-of-scope decision: %d %s", r.Status, r.Raw)
	}
	if l := leadOf(e.must(200, "GET", fmt.Sprintf("/api/v1/leads/%d", id), s.admin, nil)); l["owner_id"] != float64(s.bookers[0]) {
		t.Fatalf("lead moved: %v", l)
	}
}
