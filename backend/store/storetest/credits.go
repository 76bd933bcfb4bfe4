package storetest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/studiodesk/studiodesk/backend/credit"
	"github.com/studiodesk/studiodesk/backend/store"
)

var creditTests = []struct {
	name string
	fn   func(t *testing.T, s store.Store)
}{
	{"CreditsLedgerAndBalance", testCreditLedger},
	{"CreditsConcurrentSpendsNeverOverdraw", testCreditConcurrentSpends},
	{"CreditsPaymentsCreditOnce", testCreditPayments},
	{"CreditsPriceTable", testCreditPrices},
	{"CreditsTenantIsolation", testCreditIsolation},
}

func topUp(ctx context.Context, tx store.Tx, amount int64, ref string) (credit.Entry, error) {
	return tx.AddCredits(ctx, credit.Entry{Kind: credit.KindTopUp, Amount: amount, Provider: "manual", ProviderRef: ref, CreatedAt: t0})
}

// ledgerSum checks that the ledger adds up to the balance and each entry's running balance.
func ledgerSum(t *testing.T, s store.Store, tenant int64) (sum, balance int64, entries []credit.Entry) {
	t.Helper()
	ctx := context.Background()
	must(t, s.View(ctx, tenant, func(tx store.Tx) error {
		var err error
		if balance, err = tx.CreditBalance(ctx); err != nil {
			return err
		}
		entries, err = tx.CreditLedger(ctx, 0, 500)
		return err
	}))
	for i := len(entries) - 1; i >= 0; i-- { // oldest first
		sum += entries[i].Amount
		if entries[i].Balance != sum {
			t.Errorf("entry %d: running balance %d, ledger sum %d", entries[i].ID, entries[i].Balance, sum)
		}
	}
	if sum != balance {
		t.Errorf("ledger sums to %d, balance is %d", sum, balance)
	}
	return sum, balance, entries
}

func testCreditLedger(t *testing.T, s store.Store) {
	f := newFixture(t, s, "甲", "13800000001")
	ctx := context.Background()
	update(t, s, f.tenant.ID, func(ctx context.Context, tx store.Tx) error {
		b, err := tx.CreditBalance(ctx)
		if err != nil || b != 0 {
			t.Fatalf("new studio balance %d %v", b, err)
		}
		e, err := topUp(ctx, tx, 100, "T1")
		must(t, err)
		if e.ID == 0 || e.Balance != 100 {
			t.Fatalf("top-up entry %+v", e)
		}
		sp, err := tx.SpendCredits(ctx, credit.Entry{Item: credit.ItemAlbumCreate, Quantity: 1, Amount: 30, RefType: "album", RefID: 7, ActorID: f.admin.ID, CreatedAt: t0})
		must(t, err)
		if sp.Kind != credit.KindSpend || sp.Amount != -30 || sp.Balance != 70 {
			t.Fatalf("spend entry %+v", sp)
		}
		_, err = tx.SpendCredits(ctx, credit.Entry{Item: credit.ItemVideoUpload, Amount: 71, CreatedAt: t0})
		var short *credit.ShortError
		if !errors.As(err, &short) || short.Need != 71 || short.Have != 70 {
			t.Fatalf("overdraw: %v", err)
		}
		_, err = tx.SpendCredits(ctx, credit.Entry{Item: credit.ItemStorageGBMonth, Amount: 70, IdemKey: "storage:2026-12", CreatedAt: t0})
		must(t, err)
		return nil
	})
	// A refused spend in its own transaction leaves nothing behind either.
	err := s.Update(ctx, f.tenant.ID, func(tx store.Tx) error {
		_, err := tx.SpendCredits(ctx, credit.Entry{Item: credit.ItemAlbumCreate, Amount: 1, CreatedAt: t0})
		return err
	})
	var short *credit.ShortError
	if !errors.As(err, &short) || short.Have != 0 {
		t.Fatalf("spend at zero: %v", err)
	}
	sum, _, entries := ledgerSum(t, s, f.tenant.ID)
	if sum != 0 || len(entries) != 3 || entries[0].Item != credit.ItemStorageGBMonth || entries[2].Kind != credit.KindTopUp {
		t.Fatalf("ledger %+v", entries)
	}
	if entries[1].RefType != "album" || entries[1].RefID != 7 || entries[1].ActorID != f.admin.ID {
		t.Fatalf("spend refs lost: %+v", entries[1])
	}
	// Paging: newest first, before an id.
	must(t, s.View(ctx, f.tenant.ID, func(tx store.Tx) error {
		page, err := tx.CreditLedger(ctx, entries[0].ID, 1)
		if err != nil || len(page) != 1 || page[0].ID != entries[1].ID {
			t.Fatalf("page %+v %v", page, err)
		}
		return nil
	}))
	// A keyed charge happens once.
	update(t, s, f.tenant.ID, func(ctx context.Context, tx store.Tx) error {
		_, err := topUp(ctx, tx, 5, "T2")
		return err
	})
	err = s.Update(ctx, f.tenant.ID, func(tx store.Tx) error {
		_, err := tx.SpendCredits(ctx, credit.Entry{Item: credit.ItemStorageGBMonth, Amount: 1, IdemKey: "storage:2026-12", CreatedAt: t0})
		return err
	})
	if !errors.Is(err, store.ErrConflict) {
		t.Fatalf("second keyed charge: %v", err)
	}
	if _, bal, _ := ledgerSum(t, s, f.tenant.ID); bal != 5 {
		t.Fatalf("balance after refused keyed charge %d", bal)
	}
}

func testCreditConcurrentSpends(t *testing.T, s store.Store) {
	f := newFixture(t, s, "甲", "13800000001")
	ctx := context.Background()
	update(t, s, f.tenant.ID, func(ctx context.Context, tx store.Tx) error {
		_, err := topUp(ctx, tx, 100, "T1")
		return err
	})
	// 50 spends of 3 credits against 100: exactly 33 succeed.
	var wg sync.WaitGroup
	errs := make(chan error, 50)
	for i := 0; i < 50; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- s.Update(ctx, f.tenant.ID, func(tx store.Tx) error {
				_, err := tx.SpendCredits(ctx, credit.Entry{Item: credit.ItemAlbumCreate, Quantity: 1, Amount: 3, CreatedAt: time.Now()})
				return err
			})
		}()
	}
	wg.Wait()
	close(errs)
	ok, short := 0, 0
	for err := range errs {
		var se *credit.ShortError
		switch {
		case err == nil:
			ok++
		case errors.As(err, &se):
			short++
			if se.Need != 3 || se.Have < 0 || se.Have >= 3 {
				t.Errorf("short error %+v", se)
			}
		default:
			t.Errorf("unexpected: %v", err)
		}
	}
	if ok != 33 || short != 17 {
		t.Fatalf("ok=%d short=%d, want 33/17", ok, short)
	}
	if _, bal, entries := ledgerSum(t, s, f.tenant.ID); bal != 1 || len(entries) != 34 {
		t.Fatalf("balance %d entries %d", bal, len(entries))
	}
}

func testCreditPayments(t *testing.T, s store.Store) {
	f := newFixture(t, s, "甲", "13800000001")
	ctx := context.Background()
	var p store.Purchase
	update(t, s, f.tenant.ID, func(ctx context.Context, tx store.Tx) error {
		var err error
		p, err = tx.InsertPurchase(ctx, store.Purchase{Provider: "sandbox", ProviderRef: "SBX1", Credits: 500, AmountFen: 50000,
			Status: store.PurchasePending, PayURL: "http://x/pay", CreatedBy: f.admin.ID, CreatedAt: t0})
		return err
	})
	found, err := s.PurchaseByRef(ctx, "sandbox", "SBX1")
	must(t, err)
	if found.ID != p.ID || found.TenantID != f.tenant.ID || found.Credits != 500 || found.Status != store.PurchasePending {
		t.Fatalf("by ref %+v", found)
	}
	if _, err := s.PurchaseByRef(ctx, "manual", "SBX1"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("other provider: %v", err)
	}
	update(t, s, f.tenant.ID, func(ctx context.Context, tx store.Tx) error {
		paid, err := tx.MarkPurchasePaid(ctx, p.ID, t0.Add(time.Minute))
		must(t, err)
		if paid.Status != store.PurchasePaid || paid.PaidAt == nil {
			t.Fatalf("paid %+v", paid)
		}
		_, err = tx.AddCredits(ctx, credit.Entry{Kind: credit.KindTopUp, Amount: 500, Provider: "sandbox", ProviderRef: "SBX1", RefType: "purchase", RefID: p.ID, CreatedAt: t0})
		return err
	})
	err = s.Update(ctx, f.tenant.ID, func(tx store.Tx) error {
		_, err := tx.MarkPurchasePaid(ctx, p.ID, t0)
		return err
	})
	if !errors.Is(err, store.ErrConflict) {
		t.Fatalf("paying twice: %v", err)
	}
	err = s.Update(ctx, f.tenant.ID, func(tx store.Tx) error {
		_, err := tx.AddCredits(ctx, credit.Entry{Kind: credit.KindTopUp, Amount: 500, Provider: "sandbox", ProviderRef: "SBX1", CreatedAt: t0})
		return err
	})
	if !errors.Is(err, store.ErrConflict) {
		t.Fatalf("crediting a payment twice: %v", err)
	}
	if _, bal, _ := ledgerSum(t, s, f.tenant.ID); bal != 500 {
		t.Fatalf("balance %d", bal)
	}
	must(t, s.View(ctx, f.tenant.ID, func(tx store.Tx) error {
		list, err := tx.ListPurchases(ctx, 10)
		if err != nil || len(list) != 1 || list[0].Status != store.PurchasePaid {
			t.Fatalf("purchases %+v %v", list, err)
		}
		return nil
	}))
}

func testCreditPrices(t *testing.T, s store.Store) {
	ctx := context.Background()
	p, err := s.CreditPrices(ctx)
	must(t, err)
	if p.Price(credit.ItemAlbumCreate) != credit.DefaultPrices().Price(credit.ItemAlbumCreate) {
		t.Fatalf("default prices %+v", p)
	}
	p.Items[credit.ItemAlbumCreate] = 25
	p.FenPerCredit = 80
	must(t, s.SetCreditPrices(ctx, p))
	got, err := s.CreditPrices(ctx)
	must(t, err)
	if got.Price(credit.ItemAlbumCreate) != 25 || got.FenPerCredit != 80 || got.Price(credit.ItemVideoUpload) != p.Price(credit.ItemVideoUpload) {
		t.Fatalf("stored prices %+v", got)
	}
	// Inside a studio's write transaction the same table is read on that transaction.
	f := newFixture(t, s, "甲", "13800000001")
	must(t, s.Update(ctx, f.tenant.ID, func(tx store.Tx) error {
		in, err := tx.CreditPrices(ctx)
		if err == nil && (in.Price(credit.ItemAlbumCreate) != 25 || in.FenPerCredit != 80) {
			t.Errorf("prices in a transaction %+v", in)
		}
		return err
	}))
}

func testCreditIsolation(t *testing.T, s store.Store) {
	a := newFixture(t, s, "甲", "13800000001")
	b := newFixture(t, s, "乙", "13800000002")
	ctx := context.Background()
	var bp store.Purchase
	update(t, s, b.tenant.ID, func(ctx context.Context, tx store.Tx) error {
		if _, err := topUp(ctx, tx, 40, "B1"); err != nil {
			return err
		}
		var err error
		bp, err = tx.InsertPurchase(ctx, store.Purchase{Provider: "manual", ProviderRef: "MB", Credits: 5, Status: store.PurchasePending, CreatedAt: t0})
		return err
	})
	must(t, s.Update(ctx, a.tenant.ID, func(tx store.Tx) error {
		if bal, err := tx.CreditBalance(ctx); err != nil || bal != 0 {
			t.Errorf("A sees B's balance: %d %v", bal, err)
		}
		if l, err := tx.CreditLedger(ctx, 0, 100); err != nil || len(l) != 0 {
			t.Errorf("A sees B's ledger: %v %v", l, err)
		}
		var short *credit.ShortError
		if _, err := tx.SpendCredits(ctx, credit.Entry{Item: credit.ItemAlbumCreate, Amount: 1, CreatedAt: t0}); !errors.As(err, &short) {
			t.Errorf("A spent B's credits: %v", err)
		}
		if _, err := tx.GetPurchase(ctx, bp.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("A reached B's purchase: %v", err)
		}
		if _, err := tx.MarkPurchasePaid(ctx, bp.ID, t0); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("A paid B's purchase: %v", err)
		}
		if l, err := tx.ListPurchases(ctx, 10); err != nil || len(l) != 0 {
			t.Errorf("A lists B's purchases: %v %v", l, err)
		}
		return nil
	}))
	if _, bal, _ := ledgerSum(t, s, b.tenant.ID); bal != 40 {
		t.Fatalf("B's balance %d", bal)
	}
}
