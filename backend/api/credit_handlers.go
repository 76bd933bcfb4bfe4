package api

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/studiodesk/studiodesk/backend/account"
	"github.com/studiodesk/studiodesk/backend/credit"
	"github.com/studiodesk/studiodesk/backend/payment"
	"github.com/studiodesk/studiodesk/backend/store"
)

// CreditsView is what the studio's credits page shows.
type CreditsView struct {
	Balance   int64         `json:"balance"`
	Prices    credit.Prices `json:"prices"`
	Providers []string      `json:"providers"`
}

// LedgerPage is one page of the ledger, newest first; Next is the `before` of the next page.
type LedgerPage struct {
	Entries []credit.Entry `json:"entries"`
	Next    int64          `json:"next,omitempty"`
}

// provider returns the configured payment provider by name.
func (s *Server) provider(name string) (payment.Provider, bool) {
	for _, p := range s.cfg.Payments {
		if p.Name() == name {
			return p, true
		}
	}
	return nil, false
}

func (s *Server) providerNames() []string {
	out := make([]string, 0, len(s.cfg.Payments))
	for _, p := range s.cfg.Payments {
		out = append(out, p.Name())
	}
	return out
}

func (s *Server) getCredits(c *call) (any, error) {
	if err := c.require(account.PermCreditsView); err != nil {
		return nil, err
	}
	prices, err := s.cfg.Store.CreditPrices(c.ctx)
	if err != nil {
		return nil, err
	}
	out := CreditsView{Prices: prices, Providers: s.providerNames()}
	return out, c.view(func(tx store.Tx) (err error) { out.Balance, err = tx.CreditBalance(c.ctx); return })
}

func (s *Server) creditLedger(c *call) (any, error) {
	if err := c.require(account.PermCreditsView); err != nil {
		return nil, err
	}
	q := c.r.URL.Query()
	before, err := queryInt(q.Get("before"), "before", 0, 1<<62)
	if err != nil {
		return nil, err
	}
	limit, err := queryInt(q.Get("limit"), "limit", 1, 500)
	if err != nil {
		return nil, err
	}
	if limit == 0 {
		limit = 100
	}
	out := LedgerPage{}
	err = c.view(func(tx store.Tx) (err error) { out.Entries, err = tx.CreditLedger(c.ctx, before, int(limit)); return })
	if n := len(out.Entries); n == int(limit) {
		out.Next = out.Entries[n-1].ID
	}
	return out, err
}

// queryInt parses an optional integer query parameter within [lo, hi]; absent is 0.
func queryInt(v, field string, lo, hi int64) (int64, error) {
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < lo || n > hi {
		return 0, apiErr(http.StatusBadRequest, "invalid_value", field, map[string]any{"allowed": fmt.Sprintf("%d–%d", lo, hi)})
	}
	return n, nil
}

func (s *Server) listPurchases(c *call) (any, error) {
	if err := c.require(account.PermCreditsView); err != nil {
		return nil, err
	}
	var out []store.Purchase
	return out, c.view(func(tx store.Tx) (err error) { out, err = tx.ListPurchases(c.ctx, 50); return })
}

// startPurchase opens a checkout with a payment provider; credits arrive when it is paid.
func (s *Server) startPurchase(c *call) (any, error) {
	if err := c.require(account.PermSettingsManage); err != nil {
		return nil, c.denied(err.(*Error), "credits.purchase", "purchase", 0)
	}
	var in struct {
		Credits  int64  `json:"credits"`
		Provider string `json:"provider"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if err := credit.ValidateTopUp(in.Credits); err != nil {
		return nil, err
	}
	prov, ok := s.provider(in.Provider)
	if !ok {
		return nil, apiErr(http.StatusBadRequest, "invalid_value", "provider", map[string]any{"allowed": fmt.Sprint(s.providerNames())})
	}
	prices, err := s.cfg.Store.CreditPrices(c.ctx)
	if err != nil {
		return nil, err
	}
	p := store.Purchase{Provider: prov.Name(), Credits: in.Credits, AmountFen: in.Credits * prices.FenPerCredit,
		Status: store.PurchasePending, CreatedBy: c.staff.ID, CreatedAt: c.now}
	co, err := prov.Start(c.ctx, payment.Purchase{TenantID: c.tenant.ID, Credits: p.Credits, AmountFen: p.AmountFen})
	if err != nil {
		return nil, fmt.Errorf("start %s checkout: %w", prov.Name(), err)
	}
	p.ProviderRef, p.PayURL, p.Instructions = co.Ref, co.PayURL, co.Instructions
	err = c.write(func(tx store.Tx) error {
		var err error
		if p, err = tx.InsertPurchase(c.ctx, p); err != nil {
			return err
		}
		return c.audit(tx, "credits.purchase", "purchase", p.ID, nil, p)
	})
	c.status = http.StatusCreated
	return p, err
}

// paymentNotify is a payment provider's webhook: it verifies the signed notification and
// credits the purchase once, however often the provider repeats it.
func (s *Server) paymentNotify(c *call) (any, error) {
	prov, ok := s.provider(c.r.PathValue("provider"))
	if !ok {
		return nil, apiErr(http.StatusNotFound, "not_found", "", nil)
	}
	body, err := io.ReadAll(http.MaxBytesReader(c.w, c.r.Body, 64<<10))
	if err != nil {
		return nil, apiErr(http.StatusRequestEntityTooLarge, "body_too_large", "body", map[string]any{"max": "64 KiB"})
	}
	st, err := prov.Verify(c.ctx, body, c.r.Header.Get("X-Signature"))
	if errors.Is(err, payment.ErrBadSignature) || errors.Is(err, payment.ErrNoWebhook) {
		s.log.WarnContext(c.ctx, "payment notification refused", "provider", prov.Name(), "ip", c.clientIP())
		return nil, apiErr(http.StatusUnauthorized, "payment_signature", "", nil)
	}
	if err != nil {
		return nil, apiErr(http.StatusBadRequest, "invalid_json", "body", map[string]any{"detail": err.Error()})
	}
	p, err := s.cfg.Store.PurchaseByRef(c.ctx, prov.Name(), st.Ref)
	if err != nil {
		return nil, err
	}
	if st.AmountFen != p.AmountFen {
		s.log.ErrorContext(c.ctx, "payment amount mismatch", "provider", prov.Name(), "purchase", p.ID, "paid_fen", st.AmountFen, "due_fen", p.AmountFen)
		return nil, apiErr(http.StatusConflict, "payment_amount_mismatch", "", map[string]any{"paid": st.AmountFen, "due": p.AmountFen})
	}
	_, err = SettlePurchase(c.ctx, s.cfg.Store, p, 0, "", c.now)
	return map[string]string{"status": "ok"}, err
}

// SettlePurchase marks a pending purchase paid and credits it, in one transaction audited as
// done by actorID (0 = the payment provider or the operator). Settling a paid purchase again
// changes nothing and reports the existing state (providers repeat notifications).
func SettlePurchase(ctx context.Context, st store.Store, p store.Purchase, actorID int64, note string, now time.Time) (credit.Entry, error) {
	var e credit.Entry
	err := st.Update(ctx, p.TenantID, func(tx store.Tx) error {
		paid, err := tx.MarkPurchasePaid(ctx, p.ID, now)
		if errors.Is(err, store.ErrConflict) {
			return nil // already credited
		}
		if err != nil {
			return err
		}
		e, err = tx.AddCredits(ctx, credit.Entry{Kind: credit.KindTopUp, Amount: paid.Credits, RefType: "purchase", RefID: paid.ID,
			Provider: paid.Provider, ProviderRef: paid.ProviderRef, ActorID: actorID, Note: note, CreatedAt: now})
		if err != nil {
			return err
		}
		return tx.AppendAudit(ctx, store.AuditEntry{ActorID: actorID, ActorName: "operator", Action: "credits.topup", Entity: "purchase",
			EntityID: fmt.Sprint(paid.ID), After: rawJSON(e), CreatedAt: now})
	})
	return e, err
}

// TopUp is the operator's manual top-up (server CLI): with ref it settles that pending manual
// purchase (the studio quoted it on its bank transfer); without, it credits the studio
// directly (kind grant when grant is set: trial or goodwill credits, no payment).
func TopUp(ctx context.Context, st store.Store, tenantID, credits int64, ref, note string, grant bool, now time.Time) (credit.Entry, error) {
	if ref != "" {
		p, err := st.PurchaseByRef(ctx, payment.Manual{}.Name(), ref)
		if err != nil {
			return credit.Entry{}, fmt.Errorf("manual purchase %q: %w", ref, err)
		}
		if tenantID != 0 && p.TenantID != tenantID {
			return credit.Entry{}, fmt.Errorf("manual purchase %q belongs to studio %d, not %d: %w", ref, p.TenantID, tenantID, store.ErrNotFound)
		}
		if p.Status != store.PurchasePending {
			return credit.Entry{}, fmt.Errorf("manual purchase %q was already paid: %w", ref, store.ErrConflict)
		}
		return SettlePurchase(ctx, st, p, 0, note, now)
	}
	if err := credit.ValidateTopUp(credits); err != nil {
		return credit.Entry{}, err
	}
	e := credit.Entry{Kind: credit.KindTopUp, Amount: credits, Provider: payment.Manual{}.Name(), Note: note, CreatedAt: now}
	if grant {
		e.Kind, e.Provider = credit.KindGrant, ""
	} else {
		r, err := payment.Manual{}.Start(ctx, payment.Purchase{TenantID: tenantID, Credits: credits})
		if err != nil {
			return e, err
		}
		e.ProviderRef = r.Ref
	}
	err := st.Update(ctx, tenantID, func(tx store.Tx) error {
		if _, err := tx.Tenant(ctx); err != nil {
			return fmt.Errorf("studio %d: %w", tenantID, err)
		}
		var err error
		if e, err = tx.AddCredits(ctx, e); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, store.AuditEntry{ActorName: "operator", Action: "credits." + string(e.Kind), Entity: "credits",
			EntityID: fmt.Sprint(e.ID), After: rawJSON(e), CreatedAt: now})
	})
	return e, err
}

// charge spends credits for quantity units of item inside the caller's write transaction;
// free items cost nothing and leave no entry. A short balance is a 402 naming need and have.
func (c *call) charge(tx store.Tx, item credit.Item, quantity int64, refType string, refID int64) (credit.Entry, error) {
	prices, err := tx.CreditPrices(c.ctx) // in the transaction: no second connection
	if err != nil {
		return credit.Entry{}, err
	}
	cost := prices.Cost(item, quantity)
	if cost == 0 {
		return credit.Entry{}, nil
	}
	e, err := tx.SpendCredits(c.ctx, credit.Entry{Item: item, Quantity: quantity, Amount: cost, RefType: refType, RefID: refID,
		ActorID: c.staff.ID, CreatedAt: c.now})
	var short *credit.ShortError
	if errors.As(err, &short) {
		return e, &Error{Status: http.StatusPaymentRequired, Code: short.Code(), Params: short.Params(), cause: err}
	}
	return e, err
}

func (s *Server) creditRoutes(m *http.ServeMux) {
	m.Handle("GET /api/v1/credits", s.authed(s.getCredits))
	m.Handle("GET /api/v1/credits/ledger", s.authed(s.creditLedger))
	m.Handle("GET /api/v1/credits/purchases", s.authed(s.listPurchases))
	m.Handle("POST /api/v1/credits/purchases", s.authed(s.startPurchase))
	m.Handle("POST /api/v1/payments/{provider}/notify", s.public(s.paymentNotify))
}
