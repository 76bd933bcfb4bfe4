package bridge_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/studiodesk/studiodesk/app"
	"github.com/studiodesk/studiodesk/app/apptest"
	"github.com/studiodesk/studiodesk/app/bridge"
	"github.com/studiodesk/studiodesk/backend/api"
	"github.com/studiodesk/studiodesk/backend/api/apiclient"
	"github.com/studiodesk/studiodesk/backend/blob/fsblob"
)

var quiet = slog.New(slog.DiscardHandler)

// env is an App pointed at a real server, behind a bridge on its own port.
type env struct {
	t      *testing.T
	server *apptest.Server
	h      *bridge.Handler
	url    string
}

func newEnv(t *testing.T, ui fstestFS) *env {
	t.Helper()
	bucket, err := fsblob.New(t.TempDir()) // photo storage on: the album and logo methods reach their routes
	if err != nil {
		t.Fatal(err)
	}
	s := apptest.NewServer(t, func(c *api.Config) { c.Blobs, c.UploadDir = bucket, t.TempDir() })
	a, _ := apptest.NewApp(t, s.URL, nil)
	var cfg bridge.Config
	cfg.App, cfg.Logger = a, quiet
	if ui != nil {
		cfg.UI = ui
	}
	h, err := bridge.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &env{t: t, server: s, h: h, url: srv.URL}
}

type fstestFS = fstest.MapFS

type reply struct {
	Status int
	Raw    []byte
	Err    struct {
		Code    string         `json:"code"`
		Field   string         `json:"field"`
		Message string         `json:"message"`
		Params  map[string]any `json:"params"`
	}
}

// post sends a raw body to /bridge/call.
func (e *env) post(body string, hdr ...string) reply {
	e.t.Helper()
	req, err := http.NewRequest("POST", e.url+"/bridge/call", strings.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	if h := req.Header.Get("Host"); h != "" {
		req.Host = h
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	r := reply{Status: res.StatusCode, Raw: raw}
	if res.StatusCode != 200 {
		var env struct {
			Error *json.RawMessage `json:"error"`
		}
		if err := json.Unmarshal(raw, &env); err != nil || env.Error == nil {
			e.t.Fatalf("status %d without an error envelope: %s", res.StatusCode, raw)
		}
		_ = json.Unmarshal(*env.Error, &r.Err)
	}
	return r
}

// callM calls a method with Go values as arguments.
func (e *env) callM(method string, args ...any) reply {
	e.t.Helper()
	if args == nil {
		args = []any{}
	}
	b, err := json.Marshal(map[string]any{"method": method, "args": args})
	if err != nil {
		e.t.Fatal(err)
	}
	return e.post(string(b))
}

func field(t *testing.T, raw []byte, path ...string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("%s: %v", raw, err)
	}
	for _, p := range path {
		m, ok := v.(map[string]any)
		if !ok {
			t.Fatalf("%s: no %q", raw, p)
		}
		v = m[p]
	}
	return v
}

func num(t *testing.T, raw []byte, path ...string) int64 {
	t.Helper()
	f, _ := field(t, raw, path...).(float64)
	return int64(f)
}

// TestEveryMethod walks the whole binding contract through the bridge, in an order that
// makes each call meaningful; a method of *app.App missing here fails the test.
func TestEveryMethod(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	s := e.server
	ids := map[string]int64{}
	var deviceID string
	steps := []struct {
		method string
		args   func() []any
		status int
		check  func(t *testing.T, raw []byte)
	}{
		{"Info", nil, 200, func(t *testing.T, raw []byte) {
			deviceID, _ = field(t, raw, "device_id").(string)
			if field(t, raw, "server_url") != s.URL || deviceID == "" || field(t, raw, "version") != "test" {
				t.Fatalf("info %s", raw)
			}
		}},
		{"UIReady", func() []any { return []any{"login"} }, 200, nil},
		{"SetLanguage", func() []any { return []any{"en"} }, 200, nil},
		{"CurrentSession", nil, 200, func(t *testing.T, raw []byte) {
			if string(bytes.TrimSpace(raw)) != "null" {
				t.Fatalf("logged out session %s", raw)
			}
		}},
		{"Login", func() []any {
			return []any{map[string]any{"server_url": s.URL, "phone": s.AdminPhone, "password": s.AdminPassword}}
		}, 200, func(t *testing.T, raw []byte) {
			if field(t, raw, "token") != nil || num(t, raw, "staff", "id") != s.AdminID {
				t.Fatalf("session %s", raw)
			}
		}},
		{"CurrentSession", nil, 200, func(t *testing.T, raw []byte) {
			if num(t, raw, "tenant", "id") != s.TenantID {
				t.Fatalf("session %s", raw)
			}
		}},
		{"Permissions", nil, 200, func(t *testing.T, raw []byte) {
			if l, _ := field(t, raw, "scopes").([]any); len(l) != 5 {
				t.Fatalf("catalog %s", raw)
			}
		}},
		{"SaveBrand", func() []any { return []any{map[string]any{"name": "蜜糖婚纱", "type": "wedding"}} }, 200,
			func(t *testing.T, raw []byte) { ids["brand"] = num(t, raw, "id") }},
		{"ListBrands", nil, 200, nil},
		{"SaveBranch", func() []any { return []any{map[string]any{"brand_id": ids["brand"], "name": "一店"}} }, 200,
			func(t *testing.T, raw []byte) { ids["branch"] = num(t, raw, "id") }},
		{"ListBranches", nil, 200, nil},
		{"SaveDepartment", func() []any {
			return []any{map[string]any{"branch_id": ids["branch"], "name": "客服组", "kind": "intake"}}
		}, 200, func(t *testing.T, raw []byte) { ids["dept"] = num(t, raw, "id") }},
		{"ListDepartments", nil, 200, nil},
		{"SaveRole", func() []any {
			return []any{map[string]any{"name": "店助", "permissions": []string{"report.view"}, "data_scope": "branch"}}
		}, 200, func(t *testing.T, raw []byte) { ids["role"] = num(t, raw, "id") }},
		{"ListRoles", nil, 200, nil},
		{"SaveStaff", func() []any {
			return []any{map[string]any{"phone": "13900000001", "name": "小王", "branch_id": ids["branch"], "role_ids": []int64{ids["role"]}}}
		}, 200, func(t *testing.T, raw []byte) {
			ids["staff"] = num(t, raw, "staff", "id")
			if pw, _ := field(t, raw, "password").(string); pw == "" {
				t.Fatalf("no generated password: %s", raw)
			}
		}},
		{"ListStaff", nil, 200, nil},
		{"StaffNames", nil, 200, func(t *testing.T, raw []byte) {
			if !strings.Contains(string(raw), `"name"`) || strings.Contains(string(raw), `"phone"`) {
				t.Fatalf("staff names: %s", raw)
			}
		}},
		{"SetStaffDisabled", func() []any { return []any{ids["staff"], true} }, 200, func(t *testing.T, raw []byte) {
			if field(t, raw, "disabled") != true {
				t.Fatalf("staff %s", raw)
			}
		}},
		{"ResetStaffPassword", func() []any { return []any{ids["staff"]} }, 200, nil},
		{"DeleteRole", func() []any { return []any{ids["role"]} }, 409, func(t *testing.T, raw []byte) {}},
		{"SaveChannelGroup", func() []any { return []any{map[string]any{"name": "线上"}} }, 200,
			func(t *testing.T, raw []byte) { ids["group"] = num(t, raw, "id") }},
		{"ListChannelGroups", nil, 200, nil},
		{"SaveChannel", func() []any { return []any{map[string]any{"name": "抖音", "group_id": ids["group"], "active": true}} }, 200, nil},
		{"ListChannels", nil, 200, nil},
		{"ListDevices", nil, 200, func(t *testing.T, raw []byte) {
			if !strings.Contains(string(raw), deviceID) {
				t.Fatalf("devices %s lack %s", raw, deviceID)
			}
		}},
		{"BindDevice", func() []any { return []any{deviceID, []int64{ids["branch"]}} }, 200, nil},
		{"SetupStatus", nil, 200, func(t *testing.T, raw []byte) {
			if num(t, raw, "bound_devices") != 1 || num(t, raw, "staff") != 2 {
				t.Fatalf("status %s", raw)
			}
		}},
		{"ListAudit", func() []any { return []any{apiclient.AuditQuery{Entity: "device", Limit: 10}} }, 200, func(t *testing.T, raw []byte) {
			var l []any
			_ = json.Unmarshal(raw, &l)
			if len(l) != 1 {
				t.Fatalf("audit %s", raw)
			}
		}},
		// The lead workspace: local writes apply at once (offline-capable), online ones ask the server.
		{"SyncNow", nil, 200, nil},
		{"SyncStatus", nil, 200, nil},
		{"CreateLead", func() []any {
			return []any{map[string]any{"brand_id": ids["brand"], "phone": "13500000001", "name": "王", "source_type": "ad"}}
		}, 200, func(t *testing.T, raw []byte) { ids["lead"] = num(t, raw, "id") }},
		{"ListLeads", func() []any { return []any{map[string]any{"q": "13500000001"}} }, 200, func(t *testing.T, raw []byte) {
			if !strings.Contains(string(raw), "13500000001") {
				t.Fatalf("list %s", raw)
			}
		}},
		{"CheckDuplicate", func() []any { return []any{ids["brand"], "13500000001"} }, 200, nil},
		{"CustomFields", func() []any { return []any{ids["brand"]} }, 200, nil},
		{"UpdateLead", func() []any { return []any{ids["lead"], map[string]any{"name": "王小姐"}} }, 200, nil},
		{"RecordCall", func() []any { return []any{map[string]any{"id": ids["lead"], "result": "no_answer"}} }, 200, nil},
		{"AddFollowUp", func() []any {
			return []any{map[string]any{"id": ids["lead"], "kind": "note", "text": "周末再联系"}}
		}, 200, nil},
		{"TransitionLead", func() []any { return []any{map[string]any{"id": ids["lead"], "axis": "validity", "to": "valid"}} }, 200, nil},
		{"CorrectLead", func() []any {
			return []any{map[string]any{"id": ids["lead"], "axis": "validity", "to": "invalid", "reason": "test"}}
		}, 200, nil},
		{"RefundLead", func() []any { return []any{map[string]any{"id": ids["lead"], "amount": 1, "reason": "x"}} }, 400,
			func(t *testing.T, raw []byte) {
				if !strings.Contains(string(raw), "refund_needs_deal") {
					t.Fatalf("refund %s", raw)
				}
			}},
		{"GetLead", func() []any { return []any{ids["lead"]} }, 200, func(t *testing.T, raw []byte) {
			if !strings.Contains(string(raw), "王小姐") {
				t.Fatalf("lead %s", raw)
			}
		}},
		{"LeadTimeline", func() []any { return []any{ids["lead"]} }, 200, nil},
		{"Outbox", nil, 200, nil},
		{"DiscardMutation", func() []any { return []any{"no-such-change"} }, 404, func(t *testing.T, raw []byte) {}},
		{"RetryMutation", func() []any { return []any{"no-such-change", map[string]any{}} }, 404, func(t *testing.T, raw []byte) {}},
		{"SaveView", func() []any {
			return []any{map[string]any{"name": "我的客资", "query": map[string]any{"validity": "valid"}}}
		}, 200,
			func(t *testing.T, raw []byte) { ids["view"] = 1 }},
		{"SavedViews", nil, 200, func(t *testing.T, raw []byte) {
			if !strings.Contains(string(raw), "我的客资") {
				t.Fatalf("views %s", raw)
			}
		}},
		{"DeleteView", func() []any { return []any{"none"} }, 200, nil},
		{"RevealPhone", func() []any { return []any{999999} }, 404, func(t *testing.T, raw []byte) {}},
		{"Assignees", func() []any { return []any{0, "manual"} }, 200, nil},
		{"AssignLeads", func() []any { return []any{map[string]any{"lead_ids": []int64{999999}, "staff_id": s.AdminID}} }, 200,
			func(t *testing.T, raw []byte) {
				if field(t, raw, "applied") != false {
					t.Fatalf("report %s", raw)
				}
			}},
		{"TransferLeads", func() []any {
			return []any{map[string]any{"lead_ids": []int64{999999}, "staff_id": s.AdminID, "reason": "调整"}}
		}, 200, nil},
		{"BatchLeads", func() []any { return []any{map[string]any{"lead_ids": []int64{999999}, "op": "lock"}} }, 200, nil},
		// Transfer requests: the admin owns nothing here, so a request is refused with the reason.
		{"RequestTransfer", func() []any { return []any{999999, "13500000001", "老客户"} }, 404, func(t *testing.T, raw []byte) {}},
		{"TransferRequests", func() []any { return []any{"pending", false} }, 200, func(t *testing.T, raw []byte) {
			if strings.TrimSpace(string(raw)) != "[]" {
				t.Fatalf("requests %s", raw)
			}
		}},
		{"DecideTransfer", func() []any { return []any{999999, false, ""} }, 400, func(t *testing.T, raw []byte) {
			if !strings.Contains(string(raw), "reason_required") {
				t.Fatalf("decide %s", raw)
			}
		}},
		{"CheckIn", func() []any { return []any{0, false} }, 200, nil},
		{"CheckIns", nil, 200, nil},
		{"Pool", func() []any { return []any{map[string]any{}} }, 200, nil},
		{"ClaimLead", func() []any { return []any{999999} }, 404, func(t *testing.T, raw []byte) {}},
		{"Notifications", func() []any { return []any{false} }, 200, nil},
		{"ReadNotifications", func() []any { return []any{[]int64{}} }, 200, nil},
		// Credits (pocket album).
		{"Credits", nil, 200, func(t *testing.T, raw []byte) {
			if num(t, raw, "balance") != 0 {
				t.Fatalf("credits %s", raw)
			}
		}},
		{"BuyCredits", func() []any { return []any{100, "manual"} }, 200, nil},
		{"CreditPurchases", nil, 200, nil},
		{"CreditLedger", func() []any { return []any{0, 50} }, 200, nil},
		// Orders and albums (pocket album).
		{"SaveOrder", func() []any {
			return []any{map[string]any{"customer_name": "王小姐", "phone": "13600000001", "branch_id": ids["branch"]}}
		}, 200, func(t *testing.T, raw []byte) { ids["order"] = num(t, raw, "id") }},
		{"ListOrders", func() []any { return []any{map[string]any{"q": "王"}} }, 200, func(t *testing.T, raw []byte) {
			if !strings.Contains(string(raw), "13600000001") {
				t.Fatalf("orders %s", raw)
			}
		}},
		{"CorrectOrderPhone", func() []any { return []any{ids["order"], "13600000002", "客户报错号码"} }, 200, nil},
		{"SaveAlbum", func() []any { return []any{ids["order"], map[string]any{"kind": "raw", "title": "底片"}} }, 402,
			func(t *testing.T, raw []byte) {
				if !strings.Contains(string(raw), "credits_insufficient") {
					t.Fatalf("album without credits %s", raw)
				}
			}},
		{"AlbumPhotos", func() []any { return []any{999999} }, 404, func(t *testing.T, raw []byte) {}},
		{"ShareLinks", func() []any { return []any{999999} }, 404, func(t *testing.T, raw []byte) {}},
		{"CreateShareLink", func() []any { return []any{999999, map[string]any{"code": "2580"}} }, 404, func(t *testing.T, raw []byte) {}},
		{"RevokeShareLink", func() []any { return []any{999999} }, 404, func(t *testing.T, raw []byte) {}},
		{"DeletePhoto", func() []any { return []any{999999, 1} }, 404, func(t *testing.T, raw []byte) {}},
		{"UploadPaths", func() []any { return []any{999999, []string{}} }, 404, func(t *testing.T, raw []byte) {}},
		{"RetryUploads", func() []any { return []any{999999, []int64{1}} }, 404, func(t *testing.T, raw []byte) {}},
		{"SetUploadSettings", func() []any { return []any{map[string]any{"paused": false, "limit_kbps": -5}} }, 400,
			func(t *testing.T, raw []byte) {
				if !strings.Contains(string(raw), "limit_kbps") {
					t.Fatalf("negative bandwidth cap %s", raw)
				}
			}},
		{"UploadSettings", nil, 200, func(t *testing.T, raw []byte) {
			if !strings.Contains(string(raw), `"limit_kbps":0`) {
				t.Fatalf("upload settings %s", raw)
			}
		}},
		// Watched folders.
		{"ListFolders", nil, 200, func(t *testing.T, raw []byte) {
			if !strings.Contains(string(raw), `"bindings":[]`) {
				t.Fatalf("folders %s", raw)
			}
		}},
		{"BindFolder", func() []any { return []any{map[string]any{"path": t.TempDir(), "order_id": 999999}} }, 404,
			func(t *testing.T, raw []byte) {
				if !strings.Contains(string(raw), `"order_not_found"`) || !strings.Contains(string(raw), `"field":"order_id"`) {
					t.Fatalf("bind %s", raw)
				}
			}},
		{"SetShootsRoot", func() []any { return []any{""} }, 200, nil},
		{"PauseFolder", func() []any { return []any{999999, true} }, 404, func(t *testing.T, raw []byte) {}},
		{"UnbindFolder", func() []any { return []any{999999} }, 404, func(t *testing.T, raw []byte) {}},
		{"FolderFailures", func() []any { return []any{999999} }, 404, func(t *testing.T, raw []byte) {}},
		{"PickFolder", func() []any { return []any{"选择文件夹"} }, 501, func(t *testing.T, raw []byte) {
			if !strings.Contains(string(raw), "folder_picker_unavailable") {
				t.Fatalf("pick %s", raw)
			}
		}},
		{"NotifySettings", nil, 200, func(t *testing.T, raw []byte) {
			if !strings.Contains(string(raw), `"on_upload":true`) {
				t.Fatalf("notify settings %s", raw)
			}
		}},
		{"SaveNotifySettings", func() []any {
			return []any{map[string]any{"webhook": map[string]any{"enabled": true, "url": "ftp://x"}}}
		}, 400,
			func(t *testing.T, raw []byte) {
				if !strings.Contains(string(raw), "webhook.url") {
					t.Fatalf("save notify settings %s", raw)
				}
			}},
		{"TestNotify", func() []any { return []any{map[string]any{"channel": "email", "to": "wang@example.com"}} }, 409,
			func(t *testing.T, raw []byte) {
				if !strings.Contains(string(raw), "notify_test_not_set_up") {
					t.Fatalf("test message %s", raw)
				}
			}},
		{"StudioLogo", nil, 200, func(t *testing.T, raw []byte) {
			if !strings.Contains(string(raw), `"data_url":""`) {
				t.Fatalf("logo %s", raw)
			}
		}},
		{"SetStudioLogo", func() []any { return []any{"bm90IGFuIGltYWdl"} }, 422, func(t *testing.T, raw []byte) {
			if !strings.Contains(string(raw), "logo_not_media") {
				t.Fatalf("set logo %s", raw)
			}
		}},
		{"DeleteStudioLogo", nil, 200, nil},
		{"NotifyAlbum", func() []any { return []any{999999} }, 404, func(t *testing.T, raw []byte) {}},
		{"AlbumAnalytics", func() []any { return []any{999999} }, 404, func(t *testing.T, raw []byte) {}},
		{"ExtendAlbum", func() []any { return []any{999999, 1} }, 404, func(t *testing.T, raw []byte) {}},
		{"AlbumNotifications", func() []any { return []any{999999} }, 404, func(t *testing.T, raw []byte) {}},
		{"MyPhotosPage", nil, 200, func(t *testing.T, raw []byte) {
			if !strings.Contains(string(raw), `"path":"/my/`) {
				t.Fatalf("my photos page %s", raw)
			}
		}},
		{"GetOrder", func() []any { return []any{ids["order"]} }, 200, func(t *testing.T, raw []byte) {
			if !strings.Contains(string(raw), "13600000002") {
				t.Fatalf("order %s", raw)
			}
		}},
		{"ChangePassword", func() []any { return []any{s.AdminPassword, "NewPassw0rd"} }, 200, nil},
		{"Logout", nil, 200, nil},
		{"ListBrands", nil, 401, func(t *testing.T, raw []byte) {}},
	}
	seen := map[string]bool{}
	for _, st := range steps {
		var args []any
		if st.args != nil {
			args = st.args()
		}
		r := e.callM(st.method, args...)
		if r.Status != st.status {
			t.Fatalf("%s: status %d, want %d: %s", st.method, r.Status, st.status, r.Raw)
		}
		if st.check != nil {
			st.check(t, r.Raw)
		}
		seen[st.method] = true
	}
	for _, m := range e.h.Methods() {
		if !seen[m] {
			t.Errorf("bound method %s is not exercised through the bridge; add it to this test", m)
		}
	}
	if !slices.Contains(e.h.Methods(), "Login") || len(e.h.Methods()) < 29 {
		t.Fatalf("methods %v", e.h.Methods())
	}
}

func TestErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	dead := apptest.DeadURL(t)
	tests := []struct {
		name   string
		body   string
		hdr    []string
		status int
		code   string
		msgHas string
	}{
		{"unknown method", `{"method":"DropDatabase","args":[]}`, nil, 404, "unknown_method", `"DropDatabase"`},
		{"unexported helper is not a method", `{"method":"toError","args":[]}`, nil, 404, "unknown_method", "toError"},
		{"too few args", `{"method":"ChangePassword","args":["only-one"]}`, nil, 400, "invalid_args", "ChangePassword takes 2 argument(s), got 1"},
		{"too many args", `{"method":"Info","args":[1]}`, nil, 400, "invalid_args", "takes 0"},
		{"args missing counts as none", `{"method":"SetLanguage"}`, nil, 400, "invalid_args", "takes 1"},
		{"wrong type", `{"method":"DeleteRole","args":["seven"]}`, nil, 400, "invalid_args", "argument 1 must be int64"},
		{"wrong field type", `{"method":"SaveBrand","args":[{"id":"x"}]}`, nil, 400, "invalid_args", "account.Brand"},
		{"not JSON", `{"method":`, nil, 400, "invalid_json", "method"},
		{"text/plain (a cross-site form post)", `{"method":"Logout","args":[]}`, []string{"Content-Type", "text/plain"}, 415, "unsupported_media_type", ""},
		{"foreign Host (DNS rebinding)", `{"method":"Info","args":[]}`, []string{"Host", "evil.example:80"}, 403, "forbidden_client", ""},
		{"foreign Origin", `{"method":"Info","args":[]}`, []string{"Origin", "http://evil.example"}, 403, "forbidden_client", ""},
		{"rebound Origin", `{"method":"Info","args":[]}`, []string{"Origin", "http://127.0.0.1.evil.example:5173"}, 403, "forbidden_client", ""},
		{"logged out", `{"method":"ListStaff","args":[]}`, nil, 401, "unauthenticated", "请先登录"},
		{"server unreachable", `{"method":"Login","args":[{"server_url":"` + dead + `","phone":"13800000001","password":"x"}]}`, nil,
			502, app.CodeServerUnreachable, dead},
		{"server validation", `{"method":"Login","args":[{"server_url":"` + e.server.URL + `","phone":"123","password":"x"}]}`, nil,
			400, "phone_invalid", "11 位"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := e.post(tc.body, tc.hdr...)
			if r.Status != tc.status || r.Err.Code != tc.code || !strings.Contains(r.Err.Message, tc.msgHas) {
				t.Fatalf("got %d %+v", r.Status, r.Err)
			}
			if r.Err.Params == nil {
				t.Fatalf("params missing: %s", r.Raw)
			}
		})
	}

	t.Run("same-origin browser call", func(t *testing.T) {
		for _, origin := range []string{e.url, "http://localhost:5173"} { // itself; the Vite dev proxy
			if r := e.post(`{"method":"Info","args":[]}`, "Origin", origin); r.Status != 200 {
				t.Fatalf("%s: got %d %s", origin, r.Status, r.Raw)
			}
		}
	})

	t.Run("other computers are refused", func(t *testing.T) {
		req := httptest.NewRequest("POST", "/bridge/call", strings.NewReader(`{"method":"Info","args":[]}`))
		req.Header.Set("Content-Type", "application/json")
		req.Host = "127.0.0.1:9"
		req.RemoteAddr = "192.168.1.20:50000"
		w := httptest.NewRecorder()
		e.h.ServeHTTP(w, req)
		if w.Code != 403 || !strings.Contains(w.Body.String(), "forbidden_client") {
			t.Fatalf("got %d %s", w.Code, w.Body)
		}
		req.RemoteAddr = "[::1]:50000"
		w = httptest.NewRecorder()
		e.h.ServeHTTP(w, req)
		if w.Code != 200 {
			t.Fatalf("::1 refused: %d %s", w.Code, w.Body)
		}
	})

	t.Run("GET is not a call", func(t *testing.T) {
		res, err := http.Get(e.url + "/bridge/call")
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusMethodNotAllowed {
			t.Fatalf("got %d", res.StatusCode)
		}
	})

	t.Run("methods list", func(t *testing.T) {
		res, err := http.Get(e.url + "/bridge/methods")
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var body struct{ Methods, Events []string }
		if err := json.NewDecoder(res.Body).Decode(&body); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(body.Methods, e.h.Methods()) || !slices.Equal(body.Events, app.EventNames()) {
			t.Fatalf("got %+v", body)
		}
	})
}

func TestUI(t *testing.T) {
	t.Parallel()
	ui := fstest.MapFS{
		"index.html":      {Data: []byte("<!doctype html><title>StudioDesk</title>")},
		"assets/app.js":   {Data: []byte("console.log(1)")},
		"customer.html":   {Data: []byte("customer")},
		"assets/dir/x.js": {Data: []byte("x")},
	}
	e := newEnv(t, ui)
	get := func(path string) (int, string, http.Header) {
		res, err := http.Get(e.url + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b), res.Header
	}
	for _, p := range []string{"/", "/index.html", "/settings/staff", "/assets"} {
		if code, body, _ := get(p); code != 200 || !strings.Contains(body, "<title>StudioDesk") {
			t.Errorf("%s: %d %q", p, code, body)
		}
	}
	if code, body, hdr := get("/assets/app.js"); code != 200 || body != "console.log(1)" || !strings.Contains(hdr.Get("Cache-Control"), "immutable") {
		t.Errorf("asset: %d %q %v", code, body, hdr)
	}

	t.Run("not built", func(t *testing.T) {
		e := newEnv(t, nil)
		res, err := http.Get(e.url + "/")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 503 || !strings.Contains(string(b), "npm run build") {
			t.Fatalf("got %d %s", res.StatusCode, b)
		}
	})
}

func TestNew(t *testing.T) {
	t.Parallel()
	if _, err := bridge.New(bridge.Config{}); err == nil {
		t.Fatal("no App accepted")
	}
	a, err := app.New(context.Background(), app.Config{Dir: t.TempDir(), Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	h, err := bridge.New(bridge.Config{App: a, Logger: quiet})
	if err != nil {
		t.Fatalf("every App method must be bridgeable: %v", err)
	}
	if len(h.Methods()) == 0 {
		t.Fatal("no methods")
	}
}

// TestContractMirror keeps the UI's copy of the contract in step: the method names the
// typed bridge wraps (frontend/src/studio/bridge/methods.json) and the event names it listens
// to (events.json) must be exactly what the App binds and emits.
func TestContractMirror(t *testing.T) {
	t.Parallel()
	a, err := app.New(context.Background(), app.Config{Dir: t.TempDir(), Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	h, err := bridge.New(bridge.Config{App: a, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	for file, want := range map[string][]string{"methods.json": h.Methods(), "events.json": app.EventNames()} {
		b, err := os.ReadFile(filepath.Join("..", "..", "frontend", "src", "studio", "bridge", file))
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		slices.Sort(got)
		want = slices.Sorted(slices.Values(want))
		if !slices.Equal(got, want) {
			t.Errorf("frontend %s lists %v; the Go side has %v", file, got, want)
		}
	}
}
