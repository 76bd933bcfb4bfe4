package sqlite_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/studiodesk/studiodesk/backend/credit"
	"github.com/studiodesk/studiodesk/backend/store"
	"github.com/studiodesk/studiodesk/backend/store/sqlite"
)

// The schema itself keeps the ledger append-only and the balance non-negative, whatever code
// runs against the file.
func TestCreditLedgerIsAppendOnlyInTheSchema(t *testing.T) {
	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "c.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ten, err := s.CreateTenant(ctx, storetestTenant(), func(tx store.Tx) error {
		_, err := tx.AddCredits(ctx, credit.Entry{Kind: credit.KindGrant, Amount: 10, CreatedAt: time.Now()})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`UPDATE credit_ledger SET amount = 1000`,
		`DELETE FROM credit_ledger`,
		`UPDATE credit_balances SET balance = -1`,
	} {
		_, err := s.WritePool().ExecContext(ctx, q)
		if err == nil || !(strings.Contains(err.Error(), "append-only") || strings.Contains(err.Error(), "CHECK")) {
			t.Errorf("%s: %v", q, err)
		}
	}
	_ = s.View(ctx, ten.ID, func(tx store.Tx) error {
		if b, _ := tx.CreditBalance(ctx); b != 10 {
			t.Errorf("balance %d", b)
		}
		return nil
	})
}
