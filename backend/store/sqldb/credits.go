package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/studiodesk/studiodesk/backend/credit"
	"github.com/studiodesk/studiodesk/backend/store"
)

const keyCreditPrices = "credit_prices"

// CreditPrices implements store.Store.
func (db *DB) CreditPrices(ctx context.Context) (credit.Prices, error) {
	return creditPrices(ctx, db.poolConn(db.read))
}

// CreditPrices implements store.CreditTx: the operator's table read in the transaction, so a
// write that charges never needs a second connection (a pool of PostgreSQL connections all
// held by charging writers would otherwise deadlock).
func (t *tx) CreditPrices(ctx context.Context) (credit.Prices, error) {
	return creditPrices(ctx, t.conn)
}

func creditPrices(ctx context.Context, c conn) (credit.Prices, error) {
	var raw string
	err := c.row(ctx, `SELECT value FROM operator_settings WHERE key = ?`, []any{keyCreditPrices}, &raw)
	if errors.Is(err, store.ErrNotFound) {
		return credit.DefaultPrices(), nil
	}
	if err != nil {
		return credit.Prices{}, wrap("read credit prices", err)
	}
	p := credit.DefaultPrices()
	if err := json.Unmarshal([]byte(raw), &p); err != nil {
		return credit.Prices{}, fmt.Errorf("decode credit prices: %w", err)
	}
	return p, nil
}

// SetCreditPrices implements store.Store.
func (db *DB) SetCreditPrices(ctx context.Context, p credit.Prices) error {
	raw, err := json.Marshal(p)
	if err != nil {
		return err
	}
	c := db.poolConn(db.write)
	_, err = c.exec(ctx, `INSERT INTO operator_settings (key, value, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
		keyCreditPrices, string(raw), ms(time.Now()))
	return wrap("set credit prices", err)
}

const purchaseCols = `id, tenant_id, provider, provider_ref, credits, amount_fen, status, pay_url, instructions, created_by, created_at, paid_at`

func purchaseRow(r *sql.Rows) (store.Purchase, error) {
	var p store.Purchase
	var created int64
	var paid sql.NullInt64
	err := r.Scan(&p.ID, &p.TenantID, &p.Provider, &p.ProviderRef, &p.Credits, &p.AmountFen, &p.Status,
		&p.PayURL, &p.Instructions, &p.CreatedBy, &created, &paid)
	p.CreatedAt = fromMS(created)
	if paid.Valid {
		at := fromMS(paid.Int64)
		p.PaidAt = &at
	}
	return p, err
}

// PurchaseByRef implements store.Store.
func (db *DB) PurchaseByRef(ctx context.Context, provider, ref string) (store.Purchase, error) {
	c := db.poolConn(db.read)
	rows, err := c.query(ctx, `SELECT `+purchaseCols+` FROM credit_purchases WHERE provider = ? AND provider_ref = ?`, provider, ref)
	if err != nil {
		return store.Purchase{}, wrap("find purchase", err)
	}
	p, err := one(collect(rows, purchaseRow))
	return p, wrap("find purchase", err)
}

func (t *tx) CreditBalance(ctx context.Context) (int64, error) {
	var b int64
	err := t.row(ctx, `SELECT balance FROM credit_balances WHERE tenant_id = ?`, []any{t.tenant}, &b)
	if errors.Is(err, store.ErrNotFound) {
		return 0, nil
	}
	return b, wrap("credit balance", err)
}

func (t *tx) AddCredits(ctx context.Context, e credit.Entry) (credit.Entry, error) {
	if e.Amount <= 0 || e.Kind == credit.KindSpend {
		return e, fmt.Errorf("add credits: amount %d of kind %q must be a positive addition", e.Amount, e.Kind)
	}
	if err := t.row(ctx, `INSERT INTO credit_balances (tenant_id, balance, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (tenant_id) DO UPDATE SET balance = credit_balances.balance + excluded.balance, updated_at = excluded.updated_at
		RETURNING balance`, []any{t.tenant, e.Amount, ms(e.CreatedAt)}, &e.Balance); err != nil {
		return e, wrap("add credits", err)
	}
	return t.appendEntry(ctx, e)
}

func (t *tx) SpendCredits(ctx context.Context, e credit.Entry) (credit.Entry, error) {
	cost := e.Amount
	if cost <= 0 {
		return e, fmt.Errorf("spend credits: cost %d must be positive", cost)
	}
	// One conditional UPDATE: the balance is checked and lowered in the same statement, so two
	// concurrent spends can never both pass the check (SQLite: one writer; PostgreSQL: the row
	// lock makes the second re-evaluate the WHERE against the first's result).
	err := t.row(ctx, `UPDATE credit_balances SET balance = balance - ?, updated_at = ?
		WHERE tenant_id = ? AND balance >= ? RETURNING balance`,
		[]any{cost, ms(e.CreatedAt), t.tenant, cost}, &e.Balance)
	if errors.Is(err, store.ErrNotFound) {
		have, berr := t.CreditBalance(ctx)
		if berr != nil {
			return e, berr
		}
		return e, &credit.ShortError{Item: e.Item, Need: cost, Have: have}
	}
	if err != nil {
		return e, wrap("spend credits", err)
	}
	e.Kind, e.Amount = credit.KindSpend, -cost
	return t.appendEntry(ctx, e)
}

func (t *tx) appendEntry(ctx context.Context, e credit.Entry) (credit.Entry, error) {
	err := t.row(ctx, `INSERT INTO credit_ledger (tenant_id, kind, item, quantity, amount, balance, ref_type, ref_id,
		provider, provider_ref, idem_key, actor_id, note, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		[]any{t.tenant, string(e.Kind), string(e.Item), e.Quantity, e.Amount, e.Balance, e.RefType, e.RefID,
			e.Provider, e.ProviderRef, e.IdemKey, e.ActorID, e.Note, ms(e.CreatedAt)}, &e.ID)
	return e, wrap("append credit entry", err)
}

func (t *tx) CreditLedger(ctx context.Context, before int64, limit int) ([]credit.Entry, error) {
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	q := `SELECT id, kind, item, quantity, amount, balance, ref_type, ref_id, provider, provider_ref, actor_id, note, created_at
		FROM credit_ledger WHERE tenant_id = ?`
	args := []any{t.tenant}
	if before > 0 {
		q += ` AND id < ?`
		args = append(args, before)
	}
	rows, err := t.query(ctx, q+` ORDER BY id DESC LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, wrap("credit ledger", err)
	}
	return collect(rows, func(r *sql.Rows) (credit.Entry, error) {
		var e credit.Entry
		var kind, item string
		var created int64
		err := r.Scan(&e.ID, &kind, &item, &e.Quantity, &e.Amount, &e.Balance, &e.RefType, &e.RefID,
			&e.Provider, &e.ProviderRef, &e.ActorID, &e.Note, &created)
		e.Kind, e.Item, e.CreatedAt = credit.Kind(kind), credit.Item(item), fromMS(created)
		return e, err
	})
}

func (t *tx) InsertPurchase(ctx context.Context, p store.Purchase) (store.Purchase, error) {
	p.TenantID = t.tenant
	err := t.row(ctx, `INSERT INTO credit_purchases (tenant_id, provider, provider_ref, credits, amount_fen, status,
		pay_url, instructions, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		[]any{t.tenant, p.Provider, p.ProviderRef, p.Credits, p.AmountFen, p.Status, p.PayURL, p.Instructions,
			p.CreatedBy, ms(p.CreatedAt)}, &p.ID)
	return p, wrap("insert purchase", err)
}

func (t *tx) GetPurchase(ctx context.Context, id int64) (store.Purchase, error) {
	return queryOne(ctx, t, fmt.Sprintf("get purchase %d", id), purchaseRow,
		`SELECT `+purchaseCols+` FROM credit_purchases WHERE tenant_id = ? AND id = ?`, t.tenant, id)
}

func (t *tx) ListPurchases(ctx context.Context, limit int) ([]store.Purchase, error) {
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	rows, err := t.query(ctx, `SELECT `+purchaseCols+` FROM credit_purchases WHERE tenant_id = ? ORDER BY id DESC LIMIT ?`, t.tenant, limit)
	if err != nil {
		return nil, wrap("list purchases", err)
	}
	return collect(rows, purchaseRow)
}

func (t *tx) MarkPurchasePaid(ctx context.Context, id int64, at time.Time) (store.Purchase, error) {
	res, err := t.exec(ctx, `UPDATE credit_purchases SET status = 'paid', paid_at = ? WHERE tenant_id = ? AND id = ? AND status = 'pending'`,
		ms(at), t.tenant, id)
	if err := mustAffect(res, err); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			if _, gerr := t.GetPurchase(ctx, id); gerr != nil {
				return store.Purchase{}, gerr
			}
			return store.Purchase{}, fmt.Errorf("purchase %d is not pending: %w", id, store.ErrConflict)
		}
		return store.Purchase{}, wrap("mark purchase paid", err)
	}
	return t.GetPurchase(ctx, id)
}
