package api_test

import (
	"bytes"
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/studiodesk/studiodesk/backend/api"
	"github.com/studiodesk/studiodesk/backend/payment"
)

var testSandbox = &payment.Sandbox{Secret: []byte("sandbox-test-secret")}

func newCreditEnv(t *testing.T) *env {
	return newEnvWith(t, func(c *api.Config) { c.Payments = []payment.Provider{payment.Manual{}, testSandbox} })
}

// notify posts a provider notification like the provider's servers would.
func (e *env) notify(provider string, body []byte, sig string) resp {
	e.t.Helper()
	r, _ := http.NewRequest("POST", e.srv.URL+"/api/v1/payments/"+provider+"/notify", bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("X-Signature", sig)
	res, err := http.DefaultClient.Do(r)
	if err != nil {
		e.t.Fatal(err)
	}
	res.Body.Close()
	return resp{Status: res.StatusCode}
}

func (e *env) balance(token string) int64 {
	e.t.Helper()
	return e.must(200, "GET", "/api/v1/credits", token, nil).num("balance")
}

func TestCreditsPurchaseTopUpAndLedger(t *testing.T) {
	t.Parallel()
	e := newCreditEnv(t)
	a := e.newStudio("甲影楼", 1)
	b := e.newStudio("乙影楼", 2)

	v := e.must(200, "GET", "/api/v1/credits", a.admin, nil)
	if v.num("balance") != 0 || !strings.Contains(string(v.Raw), `"album.create"`) || !strings.Contains(string(v.Raw), `"sandbox"`) {
		t.Fatalf("credits view %s", v.Raw)
	}
	if r := e.req("GET", "/api/v1/credits", a.tokens["intake"], nil); r.Status != 403 || r.code() != "forbidden" {
		t.Fatalf("intake reads credits: %d %s", r.Status, r.Raw)
	}
	if r := e.req("POST", "/api/v1/credits/purchases", a.tokens["manager"], map[string]any{"credits": 10, "provider": "sandbox"}); r.Status != 403 {
		t.Fatalf("manager buys: %d", r.Status)
	}

	t.Run("bad input", func(t *testing.T) {
		for _, tc := range []struct {
			body  map[string]any
			code  string
			field string
		}{
			{map[string]any{"credits": 0, "provider": "sandbox"}, "credits_invalid", "credits"},
			{map[string]any{"credits": 100000000, "provider": "sandbox"}, "credits_invalid", "credits"},
			{map[string]any{"credits": 10, "provider": "alipay"}, "invalid_value", "provider"},
		} {
			r := e.req("POST", "/api/v1/credits/purchases", a.admin, tc.body, "Accept-Language", "en")
			if r.Status != 400 || r.code() != tc.code || r.errField("field") != tc.field || r.errField("message") == "" {
				t.Errorf("%v: %d %s", tc.body, r.Status, r.Raw)
			}
		}
	})

	p := e.must(201, "POST", "/api/v1/credits/purchases", a.admin, map[string]any{"credits": 500, "provider": "sandbox"})
	ref, _ := p.Body["provider_ref"].(string)
	if p.Body["status"] != "pending" || p.num("amount_fen") != 50000 || !strings.Contains(p.Body["pay_url"].(string), ref) {
		t.Fatalf("purchase %s", p.Raw)
	}
	if e.balance(a.admin) != 0 {
		t.Fatal("credited before payment")
	}
	body, sig := testSandbox.Notify(ref, 50000)
	if r := e.notify("sandbox", body, strings.Repeat("0", 64)); r.Status != 401 {
		t.Fatalf("forged notification: %d", r.Status)
	}
	if r := e.notify("manual", body, sig); r.Status != 401 {
		t.Fatalf("manual has no webhook: %d", r.Status)
	}
	cheap, cheapSig := testSandbox.Notify(ref, 1)
	if r := e.notify("sandbox", cheap, cheapSig); r.Status != 409 {
		t.Fatalf("underpaid notification: %d", r.Status)
	}
	for i := 0; i < 3; i++ { // providers repeat notifications
		if r := e.notify("sandbox", body, sig); r.Status != 200 {
			t.Fatalf("notification %d: %d", i, r.Status)
		}
	}
	if got := e.balance(a.admin); got != 500 {
		t.Fatalf("balance after payment %d", got)
	}
	if e.balance(b.admin) != 0 {
		t.Fatal("studio B got A's credits")
	}

	// The operator's manual top-up: a studio quotes the reference of a manual purchase.
	mp := e.must(201, "POST", "/api/v1/credits/purchases", a.admin, map[string]any{"credits": 50, "provider": "manual"})
	mref := mp.Body["provider_ref"].(string)
	if _, err := api.TopUp(context.Background(), e.store, b.tenantID, 0, mref, "", false, e.clock.Now()); err == nil {
		t.Fatal("settled A's manual purchase as studio B")
	}
	if _, err := api.TopUp(context.Background(), e.store, a.tenantID, 0, mref, "bank transfer 0412", false, e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := api.TopUp(context.Background(), e.store, a.tenantID, 0, mref, "", false, e.clock.Now()); err == nil {
		t.Fatal("manual purchase settled twice")
	}
	if _, err := api.TopUp(context.Background(), e.store, a.tenantID, 25, "", "trial", true, e.clock.Now()); err != nil {
		t.Fatal(err)
	}

	l := e.must(200, "GET", "/api/v1/credits/ledger", a.admin, nil)
	entries := l.Body["entries"].([]any)
	if len(entries) != 3 {
		t.Fatalf("ledger %s", l.Raw)
	}
	newest := entries[0].(map[string]any)
	if newest["kind"] != "grant" || newest["balance"].(float64) != 575 || newest["note"] != "trial" {
		t.Fatalf("newest entry %v", newest)
	}
	page := e.must(200, "GET", "/api/v1/credits/ledger?limit=2", a.admin, nil)
	if len(page.Body["entries"].([]any)) != 2 || page.num("next") == 0 {
		t.Fatalf("page %s", page.Raw)
	}
	rest := e.must(200, "GET", "/api/v1/credits/ledger?limit=2&before="+strconv.FormatInt(page.num("next"), 10), a.admin, nil)
	if len(rest.Body["entries"].([]any)) != 1 {
		t.Fatalf("second page %s", rest.Raw)
	}
	if r := e.req("GET", "/api/v1/credits/ledger?limit=9999", a.admin, nil); r.Status != 400 || r.errField("field") != "limit" {
		t.Fatalf("bad limit %d %s", r.Status, r.Raw)
	}
	if len(e.must(200, "GET", "/api/v1/credits/ledger", b.admin, nil).Body["entries"].([]any)) != 0 {
		t.Fatal("B reads A's ledger")
	}
	purchases := e.must(200, "GET", "/api/v1/credits/purchases", a.admin, nil)
	if len(purchases.List) != 2 || !strings.Contains(string(purchases.Raw), `"paid"`) {
		t.Fatalf("purchases %s", purchases.Raw)
	}
	audit := e.must(200, "GET", "/api/v1/audit?entity=purchase", a.admin, nil)
	if !strings.Contains(string(audit.Raw), "credits.purchase") || !strings.Contains(string(audit.Raw), "credits.topup") {
		t.Fatalf("audit %s", audit.Raw)
	}
}
