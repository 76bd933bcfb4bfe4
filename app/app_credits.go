package app

import (
	"context"

	"github.com/studiodesk/studiodesk/backend/api"
	"github.com/studiodesk/studiodesk/backend/api/apiclient"
	"github.com/studiodesk/studiodesk/backend/store"
)

// Credits returns the studio's credit balance, prices and payment methods.
func (a *App) Credits() (api.CreditsView, error) {
	return call(a, func(ctx context.Context, c *apiclient.Client) (api.CreditsView, error) { return c.Credits(ctx) })
}

// CreditLedger returns a page of the credit ledger, newest first (before 0 = newest page).
func (a *App) CreditLedger(before int64, limit int) (api.LedgerPage, error) {
	return call(a, func(ctx context.Context, c *apiclient.Client) (api.LedgerPage, error) {
		return c.CreditLedger(ctx, before, limit)
	})
}

// CreditPurchases lists the studio's credit purchases.
func (a *App) CreditPurchases() ([]store.Purchase, error) {
	return call(a, func(ctx context.Context, c *apiclient.Client) ([]store.Purchase, error) {
		return c.CreditPurchases(ctx)
	})
}

// BuyCredits starts buying credits through a payment provider ("manual", ...).
func (a *App) BuyCredits(credits int64, provider string) (store.Purchase, error) {
	return call(a, func(ctx context.Context, c *apiclient.Client) (store.Purchase, error) {
		return c.BuyCredits(ctx, credits, provider)
	})
}
