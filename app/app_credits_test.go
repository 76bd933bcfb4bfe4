package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/studiodesk/studiodesk/app/apptest"
	"github.com/studiodesk/studiodesk/backend/api"
)

func TestCreditsThroughTheApp(t *testing.T) {
	t.Parallel()
	s := apptest.NewServer(t)
	a, _ := apptest.NewApp(t, s.URL, nil)
	login(t, a, s)
	if _, err := api.TopUp(context.Background(), s.Store, s.TenantID, 120, "", "opening", false, time.Now()); err != nil {
		t.Fatal(err)
	}
	v, err := a.Credits()
	if err != nil || v.Balance != 120 || v.Prices.FenPerCredit == 0 || len(v.Providers) != 1 || v.Providers[0] != "manual" {
		t.Fatalf("credits %+v %v", v, err)
	}
	p, err := a.BuyCredits(50, "manual")
	if err != nil || p.Status != "pending" || p.ProviderRef == "" {
		t.Fatalf("buy %+v %v", p, err)
	}
	_, err = a.BuyCredits(0, "manual")
	if e := appError(t, err); e.Code != "credits_invalid" || e.Field != "credits" || e.Message == "" {
		t.Fatalf("bad buy %+v", e)
	}
	if _, err := api.TopUp(context.Background(), s.Store, 0, 0, p.ProviderRef, "", false, time.Now()); err != nil {
		t.Fatal(err)
	}
	page, err := a.CreditLedger(0, 1)
	if err != nil || len(page.Entries) != 1 || page.Entries[0].Balance != 170 || page.Next == 0 {
		t.Fatalf("ledger %+v %v", page, err)
	}
	rest, err := a.CreditLedger(page.Next, 10)
	if err != nil || len(rest.Entries) != 1 || rest.Entries[0].Note != "opening" {
		t.Fatalf("second page %+v %v", rest, err)
	}
	list, err := a.CreditPurchases()
	if err != nil || len(list) != 1 || list[0].Status != "paid" {
		t.Fatalf("purchases %+v %v", list, err)
	}
}
