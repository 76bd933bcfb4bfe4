package apiclient

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"github.com/studiodesk/studiodesk/backend/api"
	"github.com/studiodesk/studiodesk/backend/store"
)

// Credits returns the studio's balance, the price table and the payment providers
// (GET /api/v1/credits).
func (c *Client) Credits(ctx context.Context) (api.CreditsView, error) {
	return send[api.CreditsView](ctx, c, http.MethodGet, "/api/v1/credits", nil)
}

// CreditLedger returns a page of the ledger, newest first, with ids below before (0 = from
// the newest); limit 0 takes the server's default (GET /api/v1/credits/ledger).
func (c *Client) CreditLedger(ctx context.Context, before int64, limit int) (api.LedgerPage, error) {
	v := url.Values{}
	if before > 0 {
		v.Set("before", strconv.FormatInt(before, 10))
	}
	if limit > 0 {
		v.Set("limit", strconv.Itoa(limit))
	}
	var out api.LedgerPage
	err := c.do(ctx, http.MethodGet, "/api/v1/credits/ledger", v, nil, &out)
	return out, err
}

// CreditPurchases lists the studio's purchases, newest first (GET /api/v1/credits/purchases).
func (c *Client) CreditPurchases(ctx context.Context) ([]store.Purchase, error) {
	return list[store.Purchase](ctx, c, "/api/v1/credits/purchases", nil)
}

// BuyCredits starts a purchase through a payment provider (POST /api/v1/credits/purchases).
func (c *Client) BuyCredits(ctx context.Context, credits int64, provider string) (store.Purchase, error) {
	return send[store.Purchase](ctx, c, http.MethodPost, "/api/v1/credits/purchases",
		map[string]any{"credits": credits, "provider": provider})
}
