package store

import (
	"context"
	"time"

	"github.com/studiodesk/studiodesk/backend/credit"
)

// CreditStore is the operator-wide part of credits: the price table and finding a purchase
// from a payment provider's notification (which names no studio).
type CreditStore interface {
	// CreditPrices returns the operator's price table (credit.DefaultPrices until one is set).
	CreditPrices(ctx context.Context) (credit.Prices, error)
	// SetCreditPrices replaces the price table.
	SetCreditPrices(ctx context.Context, p credit.Prices) error
	// PurchaseByRef finds a purchase by its provider and provider reference, in any studio;
	// ErrNotFound when unknown.
	PurchaseByRef(ctx context.Context, provider, ref string) (Purchase, error)
}

// CreditTx is the credit part of a tenant transaction. The ledger is append-only: there is no
// method to change or remove an entry, and the SQL schema refuses it too.
type CreditTx interface {
	// CreditPrices is CreditStore.CreditPrices read inside the transaction.
	CreditPrices(ctx context.Context) (credit.Prices, error)
	// CreditBalance is the studio's balance (0 before its first entry).
	CreditBalance(ctx context.Context) (int64, error)
	// AddCredits appends a positive entry (top-up, refund, grant) and returns it with its
	// balance. ErrConflict when its (Provider, ProviderRef) or IdemKey was already used, so a
	// payment is credited once however often its notification arrives.
	AddCredits(ctx context.Context, e credit.Entry) (credit.Entry, error)
	// SpendCredits charges e.Amount (the positive cost) by appending a negative entry, only if
	// the balance covers it, in one atomic step, so concurrent spends never overdraw. Returns *credit.ShortError (nothing charged) when it does not, ErrConflict
	// when IdemKey was already charged.
	SpendCredits(ctx context.Context, e credit.Entry) (credit.Entry, error)
	// CreditLedger returns entries newest first, with id < before (0 = from the newest).
	CreditLedger(ctx context.Context, before int64, limit int) ([]credit.Entry, error)

	InsertPurchase(ctx context.Context, p Purchase) (Purchase, error)
	GetPurchase(ctx context.Context, id int64) (Purchase, error)
	ListPurchases(ctx context.Context, limit int) ([]Purchase, error)
	// MarkPurchasePaid moves a pending purchase to paid; ErrConflict when it is not pending.
	MarkPurchasePaid(ctx context.Context, id int64, at time.Time) (Purchase, error)
}

// Purchase is a studio buying credits through a payment provider.
type Purchase struct {
	ID           int64      `json:"id"`
	TenantID     int64      `json:"-"`
	Provider     string     `json:"provider"`
	ProviderRef  string     `json:"provider_ref"`
	Credits      int64      `json:"credits"`
	AmountFen    int64      `json:"amount_fen"`
	Status       string     `json:"status"` // pending, paid
	PayURL       string     `json:"pay_url,omitempty"`
	Instructions string     `json:"instructions,omitempty"`
	CreatedBy    int64      `json:"created_by"`
	CreatedAt    time.Time  `json:"created_at"`
	PaidAt       *time.Time `json:"paid_at,omitempty"`
}

// Purchase statuses.
const (
	PurchasePending = "pending"
	PurchasePaid    = "paid"
)
