package api_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/studiodesk/studiodesk/backend/lead"
	"github.com/studiodesk/studiodesk/backend/store"
)

func TestLoginScenarios(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	s := e.newStudio("甲影楼", 1)
	phone := s.phones["intake"]
	body := func(kv ...any) map[string]any {
		m := map[string]any{"phone": phone, "password": "Passw0rd!", "device_id": s.device}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	}
	tests := []struct {
		name   string
		body   any
		hdr    []string
		status int
		code   string
		field  string
		msgHas string
	}{
		{"ok with formatted phone", body("phone", "+86 "+phone[:3]+"-"+phone[3:7]+"-"+phone[7:]), nil, 200, "", "", ""},
		{"wrong password", body("password", "nope1234"), nil, 401, "invalid_credentials", "password", "手机号或密码错误"},
		{"wrong password english", body("password", "nope1234"), []string{"Accept-Language", "en-US,en;q=0.9"}, 401, "invalid_credentials", "password", "Wrong phone number or password"},
		{"malformed phone", body("phone", "12345"), nil, 400, "phone_invalid", "phone", "11 位中国大陆手机号"},
		{"letters in phone", body("phone", "138abc00000"), nil, 400, "phone_invalid", "phone", ""},
		{"missing password", body("password", ""), nil, 400, "required", "password", "请填写「密码」"},
		{"missing device", body("device_id", ""), nil, 400, "required", "device_id", ""},
		{"unknown phone", body("phone", "13312345678"), nil, 401, "invalid_credentials", "password", ""},
		{"not json", `{"phone":`, nil, 400, "invalid_json", "body", ""},
		{"trailing garbage", `{"phone":"1"} x`, nil, 400, "invalid_json", "body", ""},
		{"wrong type", `{"phone": 13800000000}`, nil, 400, "invalid_value", "phone", ""},
		{"too large", `{"phone":"` + strings.Repeat("1", 70<<10) + `"}`, nil, 413, "body_too_large", "body", "太大"},
		{"unbound device", body("device_id", "new-laptop-1234"), nil, 403, "device_not_bound", "", "NEWLAPTO"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := e.req("POST", "/api/v1/auth/login", "", tc.body, tc.hdr...)
			if r.Status != tc.status || r.code() != tc.code || r.errField("field") != tc.field {
				t.Fatalf("got %d %q field %q: %s", r.Status, r.code(), r.errField("field"), r.Raw)
			}
			if tc.msgHas != "" && !strings.Contains(r.errField("message"), tc.msgHas) {
				t.Fatalf("message %q lacks %q", r.errField("message"), tc.msgHas)
			}
		})
	}
	t.Run("device not bound names branch and how to bind", func(t *testing.T) {
		r := e.req("POST", "/api/v1/auth/login", "", body("device_id", "abcdef12-3456"))
		msg := r.errField("message")
		if !strings.Contains(msg, "一店") || !strings.Contains(msg, "设置 → 设备") || !strings.Contains(msg, "ABCDEF12") {
			t.Fatalf("message %q", msg)
		}
		// The device now shows in the admin's list, ready to bind.
		devs := e.must(200, "GET", "/api/v1/devices", s.admin, nil)
		if !strings.Contains(string(devs.Raw), "abcdef12-3456") {
			t.Fatalf("device not listed: %s", devs.Raw)
		}
		e.must(200, "PUT", "/api/v1/devices/abcdef12-3456/branches", s.admin, map[string]any{"branch_ids": []int64{s.branch}})
		e.must(200, "POST", "/api/v1/auth/login", "", body("device_id", "abcdef12-3456"))
	})
	t.Run("admin may log in from any device", func(t *testing.T) {
		e.must(200, "POST", "/api/v1/auth/login", "", map[string]any{"phone": s.phones["admin"], "password": s.adminPW, "device_id": "brand-new"})
	})
}

func TestLoginRateLimitAndSessions(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	s := e.newStudio("甲影楼", 1)
	phone := s.phones["booking"]
	bad := map[string]any{"phone": phone, "password": "wrong123", "device_id": s.device}
	good := map[string]any{"phone": phone, "password": "Passw0rd!", "device_id": s.device}
	for i := 0; i < 5; i++ {
		e.must(401, "POST", "/api/v1/auth/login", "", bad)
	}
	r := e.req("POST", "/api/v1/auth/login", "", good)
	if r.Status != 429 || r.code() != "rate_limited" || !strings.Contains(r.errField("message"), "秒后再试") {
		t.Fatalf("sixth attempt: %d %s", r.Status, r.Raw)
	}
	e.clock.Add(16 * time.Minute)
	tok := e.login(phone, "Passw0rd!", s.device)

	t.Run("forged token", func(t *testing.T) {
		r := e.req("GET", "/api/v1/me", "forged-token-value", nil)
		if r.Status != 401 || r.code() != "unauthenticated" {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
		r = e.req("GET", "/api/v1/me", "", nil)
		if r.Status != 401 || r.code() != "unauthenticated" {
			t.Fatalf("no token: %d %s", r.Status, r.Raw)
		}
	})
	t.Run("me", func(t *testing.T) {
		r := e.must(200, "GET", "/api/v1/me", tok, nil)
		if r.Body["data_scope"] != "own" || r.Body["token"] != nil || !strings.Contains(string(r.Raw), `"lead.create"`) {
			t.Fatalf("me = %s", r.Raw)
		}
	})
	t.Run("expired session", func(t *testing.T) {
		e.clock.Add(31 * 24 * time.Hour)
		r := e.req("GET", "/api/v1/me", tok, nil)
		if r.Status != 401 || r.code() != "session_expired" || !strings.Contains(r.errField("message"), "重新登录") {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
	})
}

func TestPermissionMatrix(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	s := e.newStudio("甲影楼", 1)
	target := e.must(201, "POST", "/api/v1/staff", s.admin, map[string]any{"phone": "13699990000", "name": "目标",
		"branch_id": s.branch, "role_ids": []int64{s.roles["booking"]}}).Body["staff"].(map[string]any)["id"]
	actions := []struct {
		name, method, path string
		body               any
		perm               string
		ok                 int
	}{
		{"create brand", "POST", "/api/v1/brands", map[string]any{"name": "新品牌%s", "type": "children"}, "settings.manage", 201},
		{"create branch", "POST", "/api/v1/branches", map[string]any{"brand_id": s.brand, "name": "分店%s"}, "settings.manage", 201},
		{"create department", "POST", "/api/v1/departments", map[string]any{"branch_id": s.branch, "name": "组%s", "kind": "booking"}, "settings.manage", 201},
		{"create role", "POST", "/api/v1/roles", map[string]any{"name": "角色%s", "permissions": []string{"lead.create"}, "data_scope": "own"}, "settings.manage", 201},
		{"create channel", "POST", "/api/v1/channels", map[string]any{"name": "渠道%s", "active": true}, "settings.manage", 201},
		{"create channel group", "POST", "/api/v1/channel-groups", map[string]any{"name": "渠道组%s"}, "settings.manage", 201},
		{"list devices", "GET", "/api/v1/devices", nil, "settings.manage", 200},
		{"read audit", "GET", "/api/v1/audit", nil, "settings.manage", 200},
		{"setup status", "GET", "/api/v1/setup/status", nil, "settings.manage", 200},
		{"list staff", "GET", "/api/v1/staff", nil, "staff.manage", 200},
		{"create staff", "POST", "/api/v1/staff", map[string]any{"phone": "1370000%04d", "name": "新人", "branch_id": s.branch,
			"role_ids": []int64{s.roles["intake"]}}, "staff.manage", 201},
		{"reset password", "POST", fmt.Sprintf("/api/v1/staff/%v/reset-password", target), nil, "staff.manage", 200},
	}
	holds := map[string]map[string]bool{
		"settings.manage": {"admin": true},
		"staff.manage":    {"admin": true, "manager": true},
	}
	n := 0
	for _, a := range actions {
		for _, role := range roleKeys {
			t.Run(a.name+"/"+role, func(t *testing.T) {
				n++
				body := a.body
				if m, ok := body.(map[string]any); ok {
					c := map[string]any{}
					for k, v := range m {
						if str, ok := v.(string); ok && strings.Contains(str, "%") {
							v = fmt.Sprintf(str, n)
						}
						c[k] = v
					}
					body = c
				}
				r := e.req(a.method, a.path, s.tokens[role], body)
				if holds[a.perm][role] {
					if r.Status != a.ok {
						t.Fatalf("%s should be allowed: %d %s", role, r.Status, r.Raw)
					}
					return
				}
				if r.Status != 403 || r.code() != "forbidden" || r.Body["error"].(map[string]any)["params"].(map[string]any)["permission"] != a.perm {
					t.Fatalf("%s should be refused with %s: %d %s", role, a.perm, r.Status, r.Raw)
				}
			})
		}
	}
	t.Run("reads every role may do", func(t *testing.T) {
		for _, role := range roleKeys {
			for _, p := range []string{"/api/v1/brands", "/api/v1/branches", "/api/v1/departments", "/api/v1/roles",
				"/api/v1/channels", "/api/v1/channel-groups", "/api/v1/permissions", "/api/v1/me"} {
				e.must(200, "GET", p, s.tokens[role], nil)
			}
		}
	})
}

func TestSetupRules(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	s := e.newStudio("甲影楼", 1)
	admin := s.admin

	t.Run("brand type locked once it has leads", func(t *testing.T) {
		e.must(200, "PUT", fmt.Sprintf("/api/v1/brands/%d", s.brand), admin, map[string]any{"name": "甲影楼婚纱", "type": "children"})
		e.must(200, "PUT", fmt.Sprintf("/api/v1/brands/%d", s.brand), admin, map[string]any{"name": "甲影楼婚纱", "type": "wedding"})
		err := e.store.Update(context.Background(), s.tenantID, func(tx store.Tx) error {
			_, err := tx.CreateLead(context.Background(), lead.Lead{BrandID: s.brand, Phone: "13511112222", CreatedAt: e.clock.Now()})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		r := e.req("PUT", fmt.Sprintf("/api/v1/brands/%d", s.brand), admin, map[string]any{"name": "改名", "type": "children"})
		if r.Status != 400 || r.code() != "brand_type_locked" || r.errField("field") != "type" || !strings.Contains(r.errField("message"), "新建品牌") {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
		b := e.must(200, "GET", "/api/v1/brands", admin, nil).List[0].(map[string]any)
		if b["name"] != "甲影楼婚纱" || b["type"] != "wedding" || b["has_leads"] != true {
			t.Fatalf("brand changed after refusal: %v", b)
		}
		e.must(200, "PUT", fmt.Sprintf("/api/v1/brands/%d", s.brand), admin, map[string]any{"name": "甲影楼婚纱摄影", "type": "wedding"})
	})
	t.Run("bad brand input", func(t *testing.T) {
		for _, tc := range []struct {
			body        map[string]any
			code, field string
		}{
			{map[string]any{"type": "wedding"}, "required", "name"},
			{map[string]any{"name": "x", "type": "pets"}, "invalid_value", "type"},
			{map[string]any{"name": "x", "type": "wedding", "timezone": "Mars/Base"}, "invalid_value", "timezone"},
			{map[string]any{"name": strings.Repeat("长", 65), "type": "wedding"}, "too_long", "name"},
			{map[string]any{"name": "甲影楼婚纱摄影", "type": "wedding"}, "name_taken", "name"},
		} {
			r := e.req("POST", "/api/v1/brands", admin, tc.body)
			if r.code() != tc.code || r.errField("field") != tc.field || r.errField("message") == "" {
				t.Errorf("%v: %d %s", tc.body, r.Status, r.Raw)
			}
		}
	})
	t.Run("duplicate staff phone names the brand", func(t *testing.T) {
		r := e.req("POST", "/api/v1/staff", admin, map[string]any{"phone": s.phones["store"], "name": "重复",
			"branch_id": s.branch2, "role_ids": []int64{s.roles["booking"]}})
		msg := r.errField("message")
		if r.Status != 409 || r.code() != "staff_phone_taken" || r.errField("field") != "phone" ||
			!strings.Contains(msg, "甲影楼婚纱摄影") || !strings.Contains(msg, "store员工") {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
	})
	t.Run("malformed staff phone", func(t *testing.T) {
		r := e.req("POST", "/api/v1/staff", admin, map[string]any{"phone": "0101234567", "name": "x", "role_ids": []int64{s.roles["booking"]}})
		if r.Status != 400 || r.code() != "phone_invalid" || r.errField("field") != "phone" {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
	})
	t.Run("missing roles", func(t *testing.T) {
		r := e.req("POST", "/api/v1/staff", admin, map[string]any{"phone": "13600000001", "name": "x"})
		if r.Status != 400 || r.code() != "required" || r.errField("field") != "role_ids" {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
	})
	t.Run("department of another branch", func(t *testing.T) {
		r := e.req("POST", "/api/v1/staff", admin, map[string]any{"phone": "13600000002", "name": "x", "branch_id": s.branch2,
			"department_id": s.dept, "role_ids": []int64{s.roles["booking"]}})
		if r.Status != 400 || r.code() != "department_branch" {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
	})
	t.Run("last admin cannot be disabled or demoted", func(t *testing.T) {
		id := s.staff["admin"]
		r := e.req("POST", fmt.Sprintf("/api/v1/staff/%d/disable", id), admin, nil)
		if r.Status != 400 || r.code() != "last_admin" {
			t.Fatalf("disable: %d %s", r.Status, r.Raw)
		}
		r = e.req("PUT", fmt.Sprintf("/api/v1/staff/%d", id), admin, map[string]any{"phone": s.phones["admin"], "name": "管理员",
			"role_ids": []int64{s.roles["manager"]}})
		if r.Status != 400 || r.code() != "last_admin" {
			t.Fatalf("demote: %d %s", r.Status, r.Raw)
		}
		e.must(200, "GET", "/api/v1/me", admin, nil)
	})
	t.Run("disabling blocks login at once and keeps history", func(t *testing.T) {
		id := s.staff["referral"]
		tok := s.tokens["referral"]
		e.must(200, "GET", "/api/v1/me", tok, nil)
		st := e.must(200, "POST", fmt.Sprintf("/api/v1/staff/%d/disable", id), admin, nil)
		if st.Body["disabled"] != true {
			t.Fatalf("%s", st.Raw)
		}
		if r := e.req("GET", "/api/v1/me", tok, nil); r.Status != 401 {
			t.Fatalf("session survived disable: %d", r.Status)
		}
		r := e.req("POST", "/api/v1/auth/login", "", map[string]any{"phone": s.phones["referral"], "password": "Passw0rd!", "device_id": s.device})
		if r.Status != 403 || r.code() != "staff_disabled" {
			t.Fatalf("login of disabled: %d %s", r.Status, r.Raw)
		}
		audit := e.must(200, "GET", fmt.Sprintf("/api/v1/audit?entity=staff&entity_id=%d", id), admin, nil)
		if !strings.Contains(string(audit.Raw), `"staff.disable"`) || !strings.Contains(string(audit.Raw), `"staff.create"`) {
			t.Fatalf("history: %s", audit.Raw)
		}
		e.must(200, "POST", fmt.Sprintf("/api/v1/staff/%d/enable", id), admin, nil)
		e.login(s.phones["referral"], "Passw0rd!", s.device)
	})
	t.Run("reset password ends sessions and returns a one-time password", func(t *testing.T) {
		id, tok := s.staff["channel"], s.tokens["channel"]
		r := e.must(200, "POST", fmt.Sprintf("/api/v1/staff/%d/reset-password", id), admin, nil)
		pw, _ := r.Body["password"].(string)
		if len(pw) != 12 {
			t.Fatalf("%s", r.Raw)
		}
		if r := e.req("GET", "/api/v1/me", tok, nil); r.Status != 401 {
			t.Fatalf("old session alive: %d", r.Status)
		}
		tok = e.login(s.phones["channel"], pw, s.device)
		r = e.req("POST", "/api/v1/me/password", tok, map[string]any{"old_password": "wrong", "new_password": "NewPassw0rd"})
		if r.Status != 400 || r.code() != "password_wrong" || r.errField("field") != "old_password" {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
		r = e.req("POST", "/api/v1/me/password", tok, map[string]any{"old_password": pw, "new_password": "short"})
		if r.Status != 400 || r.code() != "password_weak" || r.errField("field") != "new_password" {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
		e.must(204, "POST", "/api/v1/me/password", tok, map[string]any{"old_password": pw, "new_password": "NewPassw0rd"})
		e.must(200, "GET", "/api/v1/me", tok, nil)
		e.login(s.phones["channel"], "NewPassw0rd", s.device)
		if strings.Contains(string(e.must(200, "GET", "/api/v1/audit", admin, nil).Raw), pw) {
			t.Fatal("a password reached the audit log")
		}
	})
	t.Run("builtin roles are read-only", func(t *testing.T) {
		r := e.req("PUT", fmt.Sprintf("/api/v1/roles/%d", s.roles["intake"]), admin, map[string]any{"name": "x", "data_scope": "all"})
		if r.Status != 400 || r.code() != "role_builtin" {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
		r = e.req("DELETE", fmt.Sprintf("/api/v1/roles/%d", s.roles["intake"]), admin, nil)
		if r.Status != 400 || r.code() != "role_builtin" {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
	})
	t.Run("custom role lifecycle", func(t *testing.T) {
		r := e.must(201, "POST", "/api/v1/roles", admin, map[string]any{"name": "前台", "permissions": []string{"lead.create", "lead.export"}, "data_scope": "branch"})
		id := r.num("id")
		bad := e.req("POST", "/api/v1/roles", admin, map[string]any{"name": "坏", "permissions": []string{"lead.fly"}, "data_scope": "own"})
		if bad.code() != "invalid_value" || bad.errField("field") != "permissions" {
			t.Fatalf("%s", bad.Raw)
		}
		e.must(201, "POST", "/api/v1/staff", admin, map[string]any{"phone": "13600000009", "name": "前台A", "branch_id": s.branch,
			"role_ids": []int64{id}})
		if r := e.req("DELETE", fmt.Sprintf("/api/v1/roles/%d", id), admin, nil); r.code() != "role_in_use" {
			t.Fatalf("%s", r.Raw)
		}
	})
	t.Run("non-json and wrong content type", func(t *testing.T) {
		r := e.req("POST", "/api/v1/brands", admin, "name=x")
		if r.Status != 400 || r.code() != "invalid_json" {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
		r = e.req("POST", "/api/v1/brands", admin, "{}", "Content-Type", "text/plain")
		if r.Status != 415 || r.code() != "unsupported_media_type" {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
	})
	t.Run("every write is audited with before and after", func(t *testing.T) {
		a := e.must(200, "GET", fmt.Sprintf("/api/v1/audit?entity=brand&entity_id=%d", s.brand), admin, nil)
		if len(a.List) < 4 {
			t.Fatalf("brand audit: %s", a.Raw)
		}
		last := a.List[0].(map[string]any)
		if last["action"] != "brand.update" || last["before"] == nil || last["after"] == nil || last["device_id"] != s.device || last["ip"] == "" {
			t.Fatalf("entry: %v", last)
		}
	})
}

func TestDataScope(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	s := e.newStudio("甲影楼", 1)
	other := e.must(201, "POST", "/api/v1/staff", s.admin, map[string]any{"phone": "13600000100", "name": "二店员工",
		"branch_id": s.branch2, "role_ids": []int64{s.roles["booking"]}}).Body["staff"].(map[string]any)
	otherID := int64(other["id"].(float64))
	mgr := s.tokens["manager"]

	list := e.must(200, "GET", "/api/v1/staff", mgr, nil)
	if strings.Contains(string(list.Raw), "二店员工") || !strings.Contains(string(list.Raw), "intake员工") {
		t.Fatalf("manager (branch scope) sees: %s", list.Raw)
	}
	r := e.req("PUT", fmt.Sprintf("/api/v1/staff/%d", otherID), mgr, map[string]any{"phone": "13600000100", "name": "改",
		"branch_id": s.branch2, "role_ids": []int64{s.roles["booking"]}})
	if r.Status != 403 || r.code() != "out_of_scope" || !strings.Contains(r.errField("message"), "本分店") {
		t.Fatalf("edit outside scope: %d %s", r.Status, r.Raw)
	}
	r = e.req("POST", fmt.Sprintf("/api/v1/staff/%d/disable", otherID), mgr, nil)
	if r.Status != 403 || r.code() != "out_of_scope" {
		t.Fatalf("disable outside scope: %d %s", r.Status, r.Raw)
	}
	r = e.req("POST", "/api/v1/staff", mgr, map[string]any{"phone": "13600000101", "name": "塞到二店",
		"branch_id": s.branch2, "role_ids": []int64{s.roles["booking"]}})
	if r.Status != 403 || r.code() != "out_of_scope" {
		t.Fatalf("create outside scope: %d %s", r.Status, r.Raw)
	}
	r = e.req("POST", "/api/v1/staff", mgr, map[string]any{"phone": "13600000102", "name": "升官",
		"branch_id": s.branch, "role_ids": []int64{s.roles["admin"]}})
	if r.Status != 403 || r.code() != "role_escalation" {
		t.Fatalf("escalation: %d %s", r.Status, r.Raw)
	}
	got := e.must(200, "GET", "/api/v1/staff", s.admin, nil)
	if !strings.Contains(string(got.Raw), `"name":"二店员工"`) || strings.Contains(string(got.Raw), "塞到二店") || strings.Contains(string(got.Raw), "升官") {
		t.Fatalf("refused changes were applied: %s", got.Raw)
	}
	audit := e.must(200, "GET", fmt.Sprintf("/api/v1/audit?actor_id=%d", s.staff["manager"]), s.admin, nil)
	if strings.Count(string(audit.Raw), `"staff.save.denied"`) < 2 || !strings.Contains(string(audit.Raw), `"staff.disable.denied"`) {
		t.Fatalf("denials not audited: %s", audit.Raw)
	}
	// Within scope works.
	e.must(201, "POST", "/api/v1/staff", mgr, map[string]any{"phone": "13600000103", "name": "一店新人",
		"branch_id": s.branch, "role_ids": []int64{s.roles["booking"]}})
}

func TestSeatsAndTenantChoice(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a := e.newStudio("甲影楼", 1)
	b := e.newStudio("乙影楼", 2)
	// The same person works at both studios with the same password.
	for _, s := range []*studio{a, b} {
		e.must(201, "POST", "/api/v1/staff", s.admin, map[string]any{"phone": "13655556666", "name": "兼职",
			"branch_id": s.branch, "role_ids": []int64{s.roles["booking"]}, "password": "Shared123"})
	}
	r := e.req("POST", "/api/v1/auth/login", "", map[string]any{"phone": "13655556666", "password": "Shared123", "device_id": a.device})
	if r.Status != 409 || r.code() != "tenant_required" || !strings.Contains(string(r.Raw), "乙影楼") {
		t.Fatalf("%d %s", r.Status, r.Raw)
	}
	r = e.must(200, "POST", "/api/v1/auth/login", "", map[string]any{"phone": "13655556666", "password": "Shared123",
		"device_id": b.device, "tenant_id": b.tenantID})
	if r.Body["tenant"].(map[string]any)["name"] != "乙影楼" {
		t.Fatalf("%s", r.Raw)
	}

	// Seats: the plan allows 50; fill up and see the clear refusal.
	n := len(e.must(200, "GET", "/api/v1/staff", a.admin, nil).List)
	for i := n; i < 50; i++ {
		e.must(201, "POST", "/api/v1/staff", a.admin, map[string]any{"phone": fmt.Sprintf("1350000%04d", i), "name": fmt.Sprint("员工", i),
			"branch_id": a.branch, "role_ids": []int64{a.roles["booking"]}})
	}
	r = e.req("POST", "/api/v1/staff", a.admin, map[string]any{"phone": "13511110000", "name": "超额", "branch_id": a.branch,
		"role_ids": []int64{a.roles["booking"]}})
	if r.Status != 409 || r.code() != "seats_exhausted" || !strings.Contains(r.errField("message"), "50") {
		t.Fatalf("%d %s", r.Status, r.Raw)
	}
}

// TestTenantIsolation: studio A's staff can never read or change studio B's records through
// any endpoint, even knowing B's ids.
func TestTenantIsolation(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a := e.newStudio("甲影楼", 1)
	b := e.newStudio("乙影楼", 2)
	bRole := e.must(201, "POST", "/api/v1/roles", b.admin, map[string]any{"name": "乙角色", "data_scope": "own"}).num("id")
	bGroup := e.must(201, "POST", "/api/v1/channel-groups", b.admin, map[string]any{"name": "乙组"}).num("id")
	bChannel := e.must(201, "POST", "/api/v1/channels", b.admin, map[string]any{"name": "乙渠道"}).num("id")
	writes := []struct {
		method, path string
		body         any
	}{
		{"PUT", fmt.Sprintf("/api/v1/brands/%d", b.brand), map[string]any{"name": "偷", "type": "wedding"}},
		{"PUT", fmt.Sprintf("/api/v1/branches/%d", b.branch), map[string]any{"name": "偷", "brand_id": a.brand}},
		{"PUT", fmt.Sprintf("/api/v1/departments/%d", b.dept), map[string]any{"name": "偷", "branch_id": a.branch, "kind": "other"}},
		{"PUT", fmt.Sprintf("/api/v1/roles/%d", bRole), map[string]any{"name": "偷", "data_scope": "own"}},
		{"DELETE", fmt.Sprintf("/api/v1/roles/%d", bRole), nil},
		{"PUT", fmt.Sprintf("/api/v1/channel-groups/%d", bGroup), map[string]any{"name": "偷"}},
		{"PUT", fmt.Sprintf("/api/v1/channels/%d", bChannel), map[string]any{"name": "偷"}},
		{"PUT", fmt.Sprintf("/api/v1/staff/%d", b.staff["intake"]), map[string]any{"phone": b.phones["intake"], "name": "偷", "role_ids": []int64{a.roles["intake"]}}},
		{"POST", fmt.Sprintf("/api/v1/staff/%d/disable", b.staff["intake"]), nil},
		{"POST", fmt.Sprintf("/api/v1/staff/%d/enable", b.staff["intake"]), nil},
		{"POST", fmt.Sprintf("/api/v1/staff/%d/reset-password", b.staff["intake"]), nil},
		{"PUT", "/api/v1/devices/" + b.device + "/branches", map[string]any{"branch_ids": []int64{a.branch}}},
	}
	for _, w := range writes {
		r := e.req(w.method, w.path, a.admin, w.body)
		if r.Status != 404 {
			t.Errorf("%s %s from A: %d %s", w.method, w.path, r.Status, r.Raw)
		}
	}
	// References to B's records inside A's own writes are refused as invalid.
	for _, w := range []struct {
		path  string
		body  any
		field string
	}{
		{"/api/v1/branches", map[string]any{"name": "x", "brand_id": b.brand}, "brand_id"},
		{"/api/v1/departments", map[string]any{"name": "x", "branch_id": b.branch, "kind": "other"}, "branch_id"},
		{"/api/v1/staff", map[string]any{"phone": "13611112222", "name": "x", "role_ids": []int64{b.roles["admin"]}}, "role_ids"},
		{"/api/v1/staff", map[string]any{"phone": "13611112223", "name": "x", "branch_id": b.branch, "role_ids": []int64{a.roles["intake"]}}, "branch_id"},
		{"/api/v1/channels", map[string]any{"name": "x", "group_id": bGroup}, "group_id"},
	} {
		r := e.req("POST", w.path, a.admin, w.body)
		if r.Status != 400 || r.errField("field") != w.field {
			t.Errorf("POST %s with B's id: %d %s", w.path, r.Status, r.Raw)
		}
	}
	for _, p := range []string{"/api/v1/brands", "/api/v1/branches", "/api/v1/departments", "/api/v1/roles", "/api/v1/staff",
		"/api/v1/channels", "/api/v1/channel-groups", "/api/v1/devices", "/api/v1/audit"} {
		r := e.must(200, "GET", p, a.admin, nil)
		for _, leak := range []string{"乙影楼", "乙角色", "乙组", "乙渠道", b.device, b.phones["intake"]} {
			if strings.Contains(string(r.Raw), leak) {
				t.Errorf("GET %s shows B's %q", p, leak)
			}
		}
	}
	// B is unchanged.
	br := e.must(200, "GET", "/api/v1/brands", b.admin, nil)
	if !strings.Contains(string(br.Raw), "乙影楼婚纱") || strings.Contains(string(br.Raw), "偷") {
		t.Fatalf("B changed: %s", br.Raw)
	}
	e.must(200, "GET", "/api/v1/me", b.tokens["intake"], nil)
}

func TestUnknownRoutesAndHealth(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.must(200, "GET", "/healthz", "", nil)
	e.must(200, "GET", "/readyz", "", nil)
	r := e.req("GET", "/api/v1/nothing", "", nil)
	if r.Status != http.StatusNotFound || r.code() != "not_found" {
		t.Fatalf("%d %s", r.Status, r.Raw)
	}
}

// TestStaffNames: every member, whatever the role, reads the studio's staff by name (no
// phones), and only their own studio's.
func TestStaffNames(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	s := e.newStudio("甲", 1)
	other := e.newStudio("乙", 2)
	for _, role := range roleKeys {
		r := e.must(200, "GET", "/api/v1/staff/names", s.tokens[role], nil)
		if len(r.List) != len(roleKeys) {
			t.Fatalf("%s: %d names, want %d: %s", role, len(r.List), len(roleKeys), r.Raw)
		}
		if strings.Contains(string(r.Raw), "phone") {
			t.Fatalf("%s: names carry phones: %s", role, r.Raw)
		}
	}
	ids := func(st *studio) map[float64]bool {
		out := map[float64]bool{}
		for _, n := range e.must(200, "GET", "/api/v1/staff/names", st.admin, nil).List {
			out[n.(map[string]any)["id"].(float64)] = true
		}
		return out
	}
	mine := ids(s)
	for id := range ids(other) {
		if mine[id] {
			t.Fatalf("staff %v listed in both studios", id)
		}
	}
	e.must(401, "GET", "/api/v1/staff/names", "", nil)
}

// TestPrincipalFollowsChanges: a session's principal (studio, member, permissions, scope) is
// reused between requests only while nothing it is built from changed: a role losing a
// permission, a member moved to another role or disabled act on the very next request of
// a session that has already been used.
func TestPrincipalFollowsChanges(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	s := e.newStudio("甲影楼", 1)
	role := e.must(201, "POST", "/api/v1/roles", s.admin, map[string]any{"name": "前台", "permissions": []string{"lead.create", "lead.export"}, "data_scope": "branch"}).num("id")
	r := e.must(201, "POST", "/api/v1/staff", s.admin, map[string]any{"phone": "13600000019", "name": "前台B", "branch_id": s.branch,
		"role_ids": []int64{role}, "password": "Passw0rd!"})
	staffID := int64(r.Body["staff"].(map[string]any)["id"].(float64))
	tok := e.login("13600000019", "Passw0rd!", s.device)
	create := func(phone string) int {
		return e.req("POST", "/api/v1/leads", tok, map[string]any{"brand_id": s.brand, "phone": phone, "source_type": "ad"}).Status
	}
	for i := range 3 { // used, so its principal is kept
		if st := create(fmt.Sprintf("1350000100%d", i)); st != 201 {
			t.Fatalf("create %d: %d", i, st)
		}
	}
	e.must(200, "PUT", fmt.Sprintf("/api/v1/roles/%d", role), s.admin, map[string]any{"name": "前台", "permissions": []string{"lead.export"}, "data_scope": "branch"})
	if st := create("13500001010"); st != 403 {
		t.Fatalf("the role lost lead.create, the next create answered %d", st)
	}
	e.must(200, "PUT", fmt.Sprintf("/api/v1/staff/%d", staffID), s.admin, map[string]any{"phone": "13600000019", "name": "前台B",
		"branch_id": s.branch, "role_ids": []int64{s.roles["intake"]}})
	if st := create("13500001011"); st != 201 {
		t.Fatalf("moved to a role with lead.create, the next create answered %d", st)
	}
	e.must(200, "POST", fmt.Sprintf("/api/v1/staff/%d/disable", staffID), s.admin, nil)
	if st := create("13500001012"); st != 401 {
		t.Fatalf("disabled, the next create answered %d", st)
	}
}
