package api_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/studiodesk/studiodesk/backend/api"
)

func (e *env) topUp(s *studio, credits int64) {
	e.t.Helper()
	if _, err := api.TopUp(context.Background(), e.store, s.tenantID, credits, "", "", true, e.clock.Now()); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) newOrder(s *studio, token string, kv ...any) resp {
	e.t.Helper()
	body := map[string]any{"customer_name": "王小姐", "phone": "13600000001", "branch_id": s.branch, "package": "婚纱照 A 套餐", "shoot_date": "2026-12-24"}
	for i := 0; i+1 < len(kv); i += 2 {
		body[kv[i].(string)] = kv[i+1]
	}
	return e.req("POST", "/api/v1/orders", token, body)
}

func TestOrdersAndAlbums(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a := e.newStudio("甲影楼", 1)
	b := e.newStudio("乙影楼", 2)

	r := e.newOrder(a, a.admin)
	if r.Status != 201 || len(r.Body["code"].(string)) != 8 || r.num("owner_id") != a.staff["admin"] || r.num("brand_id") != a.brand {
		t.Fatalf("create order %d %s", r.Status, r.Raw)
	}
	orderID := r.num("id")
	path := fmt.Sprintf("/api/v1/orders/%d", orderID)

	t.Run("bad input names the field", func(t *testing.T) {
		for _, tc := range []struct {
			kv    []any
			code  string
			field string
		}{
			{[]any{"customer_name", " "}, "required", "customer_name"},
			{[]any{"phone", "12345"}, "phone_invalid", "phone"},
			{[]any{"shoot_date", "2026-13-01"}, "date_invalid", "shoot_date"},
			{[]any{"branch_id", 0}, "required", "branch_id"},
			{[]any{"branch_id", b.branch}, "invalid_value", "branch_id"},
			{[]any{"lead_id", 999999}, "invalid_value", "lead_id"},
			{[]any{"package", strings.Repeat("套", 101)}, "too_long", "package"},
		} {
			r := e.newOrder(a, a.admin, tc.kv...)
			if r.Status != 400 || r.code() != tc.code || r.errField("field") != tc.field || strings.Contains(r.errField("message"), "{") {
				t.Errorf("%v: %d %s", tc.kv, r.Status, r.Raw)
			}
		}
		if l := e.must(200, "GET", "/api/v1/orders", a.admin, nil); len(l.Body["orders"].([]any)) != 1 {
			t.Fatalf("refused orders were stored: %s", l.Raw)
		}
	})

	t.Run("permissions and scope", func(t *testing.T) {
		if r := e.newOrder(a, a.tokens["intake"]); r.Status != 403 || r.code() != "forbidden" {
			t.Fatalf("intake creates order: %d %s", r.Status, r.Raw)
		}
		if r := e.req("GET", "/api/v1/orders", a.tokens["booking"], nil); r.Status != 403 {
			t.Fatalf("booking lists orders: %d", r.Status)
		}
		// The store role has own scope: their own orders, not the admin's.
		own := e.newOrder(a, a.tokens["store"], "customer_name", "李先生", "phone", "13600000002")
		if own.Status != 201 || own.num("owner_id") != a.staff["store"] {
			t.Fatalf("store creates order: %s", own.Raw)
		}
		if r := e.req("GET", path, a.tokens["store"], nil); r.Status != 403 || r.code() != "out_of_scope" {
			t.Fatalf("store reads admin's order: %d %s", r.Status, r.Raw)
		}
		l := e.must(200, "GET", "/api/v1/orders", a.tokens["store"], nil)
		if got := l.Body["orders"].([]any); len(got) != 1 || got[0].(map[string]any)["customer_name"] != "李先生" {
			t.Fatalf("store's list %s", l.Raw)
		}
		if r := e.newOrder(a, a.tokens["store"], "owner_id", a.staff["admin"]); r.Status != 403 || r.code() != "out_of_scope" {
			t.Fatalf("store places an order outside their scope: %d %s", r.Status, r.Raw)
		}
		audit := e.must(200, "GET", "/api/v1/audit?entity=order", a.admin, nil)
		if !strings.Contains(string(audit.Raw), "order.create.denied") || !strings.Contains(string(audit.Raw), "order.view.denied") {
			t.Fatalf("refusals not audited: %s", audit.Raw)
		}
		// Search by phone suffix and by code.
		code := e.must(200, "GET", path, a.admin, nil).Body["order"].(map[string]any)["code"].(string)
		for _, q := range []string{"00001", strings.ToLower(code), "王"} {
			l := e.must(200, "GET", "/api/v1/orders?q="+q, a.admin, nil)
			if got := l.Body["orders"].([]any); len(got) != 1 || got[0].(map[string]any)["id"].(float64) != float64(orderID) {
				t.Errorf("q=%s: %s", q, l.Raw)
			}
		}
	})

	t.Run("order from a lead takes its name and phone", func(t *testing.T) {
		l := e.must(201, "POST", "/api/v1/leads", a.admin, map[string]any{"brand_id": a.brand, "phone": "13700000077", "name": "赵女士", "source_type": "walk_in"})
		leadID := l.num("id")
		if leadID == 0 {
			leadID = int64(l.Body["lead"].(map[string]any)["id"].(float64))
		}
		r := e.newOrder(a, a.admin, "customer_name", "", "phone", "", "lead_id", leadID)
		if r.Status != 201 || r.Body["customer_name"] != "赵女士" || r.Body["phone"] != "13700000077" || r.num("lead_id") != leadID {
			t.Fatalf("%d %s", r.Status, r.Raw)
		}
	})

	t.Run("phone correction re-links and is audited", func(t *testing.T) {
		if r := e.req("PUT", path, a.admin, map[string]any{"customer_name": "王小姐", "phone": "13600000009"}); r.Status != 400 || r.code() != "order_phone_locked" {
			t.Fatalf("phone changed by a plain edit: %d %s", r.Status, r.Raw)
		}
		if r := e.req("POST", path+"/phone", a.admin, map[string]any{"phone": "13600000009"}); r.Status != 400 || r.code() != "reason_required" {
			t.Fatalf("no reason: %d %s", r.Status, r.Raw)
		}
		if r := e.req("POST", path+"/phone", a.tokens["intake"], map[string]any{"phone": "13600000009", "reason": "x"}); r.Status != 403 {
			t.Fatalf("intake corrects phone: %d", r.Status)
		}
		r := e.must(200, "POST", path+"/phone", a.admin, map[string]any{"phone": "136-0000-0009", "reason": "客户报错号码"})
		if r.Body["phone"] != "13600000009" {
			t.Fatalf("%s", r.Raw)
		}
		if r := e.req("POST", path+"/phone", a.admin, map[string]any{"phone": "13600000009", "reason": "again"}); r.code() != "order_phone_same" {
			t.Fatalf("same phone: %s", r.Raw)
		}
		audit := e.must(200, "GET", fmt.Sprintf("/api/v1/audit?entity=order&entity_id=%d", orderID), a.admin, nil)
		if !strings.Contains(string(audit.Raw), "order.correct_phone") || !strings.Contains(string(audit.Raw), "客户报错号码") || !strings.Contains(string(audit.Raw), "13600000001") {
			t.Fatalf("audit %s", audit.Raw)
		}
		if l := e.must(200, "GET", "/api/v1/orders?q=00001", a.admin, nil); strings.Contains(string(l.Raw), fmt.Sprintf(`"id":%d,`, orderID)) {
			t.Fatalf("old phone still finds the order: %s", l.Raw)
		}
		// A plain edit keeps the phone and code.
		u := e.must(200, "PUT", path, a.admin, map[string]any{"customer_name": "王女士", "package": "B 套餐", "shoot_date": "2027-01-02"})
		if u.Body["phone"] != "13600000009" || u.Body["customer_name"] != "王女士" || u.Body["package"] != "B 套餐" {
			t.Fatalf("edit %s", u.Raw)
		}
	})

	t.Run("an album costs credits; without them nothing is stored", func(t *testing.T) {
		body := map[string]any{"kind": "raw", "title": "底片", "sort_order": 1}
		r := e.req("POST", path+"/albums", a.admin, body)
		if r.Status != 402 || r.code() != "credits_insufficient" || !strings.Contains(r.errField("message"), "需要 10 点，当前余额 0 点") {
			t.Fatalf("no credits: %d %s", r.Status, r.Raw)
		}
		r = e.req("POST", path+"/albums", a.admin, body, "Accept-Language", "en")
		if !strings.Contains(r.errField("message"), "need 10, have 0") || !strings.Contains(r.errField("message"), "Top up") {
			t.Fatalf("english: %s", r.Raw)
		}
		if d := e.must(200, "GET", path, a.admin, nil); len(d.Body["albums"].([]any)) != 0 {
			t.Fatalf("album stored without credits: %s", d.Raw)
		}
		e.topUp(a, 25)
		raw := e.must(201, "POST", path+"/albums", a.admin, body)
		s := raw.Body["settings"].(map[string]any)
		if s["download"] != "compressed" || s["watermark"].(map[string]any)["enabled"] != true || raw.Body["status"] != "open" {
			t.Fatalf("raw album %s", raw.Raw)
		}
		if e.balance(a.admin) != 15 {
			t.Fatalf("balance %d", e.balance(a.admin))
		}
		l := e.must(200, "GET", "/api/v1/credits/ledger?limit=1", a.admin, nil)
		spend := l.Body["entries"].([]any)[0].(map[string]any)
		if spend["item"] != "album.create" || spend["ref_type"] != "album" || spend["ref_id"].(float64) != float64(raw.num("id")) || spend["amount"].(float64) != -10 {
			t.Fatalf("spend entry %v", spend)
		}
		ret := e.must(201, "POST", path+"/albums", a.admin, map[string]any{"kind": "retouched", "title": "精修", "sort_order": 0,
			"settings": map[string]any{"download": "original", "keep_exif": true, "keep_gps": true, "retention_days": 30}})
		if rs := ret.Body["settings"].(map[string]any); rs["keep_gps"] != true || rs["retention_days"].(float64) != 30 {
			t.Fatalf("retouched %s", ret.Raw)
		}
		for _, tc := range []struct {
			body  map[string]any
			code  string
			field string
		}{
			{map[string]any{"kind": "slideshow", "title": "x"}, "invalid_value", "kind"},
			{map[string]any{"kind": "raw", "title": ""}, "required", "title"},
			{map[string]any{"kind": "raw", "title": "x", "settings": map[string]any{"retention_days": 3}}, "retention_invalid", "settings.retention_days"},
			{map[string]any{"kind": "raw", "title": "x", "settings": map[string]any{"download": "everything"}}, "invalid_value", "settings.download"},
		} {
			if r := e.req("POST", path+"/albums", a.admin, tc.body); r.Status != 400 || r.code() != tc.code || r.errField("field") != tc.field {
				t.Errorf("%v: %d %s", tc.body, r.Status, r.Raw)
			}
		}
		if e.balance(a.admin) != 5 {
			t.Fatalf("refused albums were charged: %d", e.balance(a.admin))
		}
		d := e.must(200, "GET", path, a.admin, nil)
		albums := d.Body["albums"].([]any)
		if len(albums) != 2 || albums[0].(map[string]any)["title"] != "精修" {
			t.Fatalf("albums by sort order: %s", d.Raw)
		}
		ap := fmt.Sprintf("/api/v1/albums/%d", ret.num("id"))
		if r := e.req("PUT", ap, a.admin, map[string]any{"kind": "video", "title": "x"}); r.code() != "album_kind_locked" {
			t.Fatalf("kind changed: %s", r.Raw)
		}
		u := e.must(200, "PUT", ap, a.admin, map[string]any{"title": "精修 · 终版", "status": "finished", "sort_order": 5,
			"settings": map[string]any{"download": "compressed", "retention_days": 60, "watermark": map[string]any{"enabled": true, "position": "tiled", "opacity": 40}}})
		if u.Body["status"] != "finished" || u.Body["title"] != "精修 · 终版" || u.Body["kind"] != "retouched" ||
			u.Body["retain_until"] == ret.Body["retain_until"] {
			t.Fatalf("update %s", u.Raw)
		}
		if r := e.req("PUT", ap, a.tokens["intake"], map[string]any{"title": "x"}); r.Status != 403 {
			t.Fatalf("intake edits album: %d", r.Status)
		}
		if r := e.req("GET", ap, a.tokens["store"], nil); r.Status != 403 || r.code() != "out_of_scope" {
			t.Fatalf("store reads admin's album: %d", r.Status)
		}
	})

	t.Run("another studio sees nothing and pays nothing", func(t *testing.T) {
		e.topUp(b, 100)
		d := e.must(200, "GET", path, a.admin, nil)
		albumID := int64(d.Body["albums"].([]any)[0].(map[string]any)["id"].(float64))
		for _, rq := range []struct{ method, path string }{
			{"GET", path}, {"PUT", path}, {"POST", path + "/phone"}, {"POST", path + "/albums"},
			{"GET", fmt.Sprintf("/api/v1/albums/%d", albumID)}, {"PUT", fmt.Sprintf("/api/v1/albums/%d", albumID)},
		} {
			r := e.req(rq.method, rq.path, b.admin, map[string]any{"kind": "raw", "title": "偷", "customer_name": "偷", "phone": "13600000005", "reason": "x"})
			if r.Status != 404 {
				t.Errorf("B %s %s: %d %s", rq.method, rq.path, r.Status, r.Raw)
			}
		}
		if e.balance(b.admin) != 100 {
			t.Fatal("B was charged for A's order")
		}
		if l := e.must(200, "GET", "/api/v1/orders", b.admin, nil); len(l.Body["orders"].([]any)) != 0 {
			t.Fatalf("B lists A's orders: %s", l.Raw)
		}
	})
}

// TestConcurrentAlbumCreationNeverOverdraws: 50 albums created at once against credits for
// 30 — exactly 30 are created and charged, 20 are refused with nothing stored.
func TestConcurrentAlbumCreationNeverOverdraws(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	s := e.newStudio("甲影楼", 1)
	orderID := e.newOrder(s, s.admin).num("id")
	e.topUp(s, 300)
	var wg sync.WaitGroup
	statuses := make(chan int, 50)
	for i := 0; i < 50; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			statuses <- e.req("POST", fmt.Sprintf("/api/v1/orders/%d/albums", orderID), s.admin, map[string]any{"kind": "raw", "title": fmt.Sprintf("底片 %d", i)}).Status
		}(i)
	}
	wg.Wait()
	close(statuses)
	count := map[int]int{}
	for st := range statuses {
		count[st]++
	}
	if count[http.StatusCreated] != 30 || count[http.StatusPaymentRequired] != 20 {
		t.Fatalf("statuses %v", count)
	}
	d := e.must(200, "GET", fmt.Sprintf("/api/v1/orders/%d", orderID), s.admin, nil)
	if len(d.Body["albums"].([]any)) != 30 || e.balance(s.admin) != 0 {
		t.Fatalf("albums %d, balance %d", len(d.Body["albums"].([]any)), e.balance(s.admin))
	}
	l := e.must(200, "GET", "/api/v1/credits/ledger?limit=500", s.admin, nil)
	var sum float64
	for _, en := range l.Body["entries"].([]any) {
		sum += en.(map[string]any)["amount"].(float64)
	}
	if sum != 0 || len(l.Body["entries"].([]any)) != 31 {
		t.Fatalf("ledger sums to %v over %d entries", sum, len(l.Body["entries"].([]any)))
	}
}
