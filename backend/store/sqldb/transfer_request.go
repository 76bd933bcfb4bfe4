package sqldb

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/studiodesk/studiodesk/backend/store"
)

const transferCols = `id, lead_id, requester_id, owner_id, reason, status, decided_by, decision_reason, created_at, decided_at`

func transferRow(r *sql.Rows) (store.TransferRequest, error) {
	var t store.TransferRequest
	var created int64
	var decided sql.NullInt64
	err := r.Scan(&t.ID, &t.LeadID, &t.RequesterID, &t.OwnerID, &t.Reason, &t.Status, &t.DecidedBy, &t.DecisionReason, &created, &decided)
	t.CreatedAt = fromMS(created)
	if decided.Valid {
		at := fromMS(decided.Int64)
		t.DecidedAt = &at
	}
	return t, err
}

func (t *tx) InsertTransferRequest(ctx context.Context, r store.TransferRequest) (store.TransferRequest, error) {
	r.Status = store.TransferPending
	err := t.row(ctx, `INSERT INTO transfer_requests (tenant_id, lead_id, requester_id, owner_id, reason, status, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		[]any{t.tenant, r.LeadID, r.RequesterID, r.OwnerID, r.Reason, r.Status, ms(r.CreatedAt)}, &r.ID)
	return r, wrap("insert transfer request", err)
}

func (t *tx) GetTransferRequest(ctx context.Context, id int64) (store.TransferRequest, error) {
	return queryOne(ctx, t, fmt.Sprintf("get transfer request %d", id), transferRow,
		`SELECT `+transferCols+` FROM transfer_requests WHERE tenant_id = ? AND id = ?`, t.tenant, id)
}

func (t *tx) ListTransferRequests(ctx context.Context, status string, requesterID int64, limit int) ([]store.TransferRequest, error) {
	if limit <= 0 || limit > 500 {
		limit = 200
	}
	q, args := `SELECT `+transferCols+` FROM transfer_requests WHERE tenant_id = ?`, []any{t.tenant}
	if status != "" {
		q, args = q+` AND status = ?`, append(args, status)
	}
	if requesterID != 0 {
		q, args = q+` AND requester_id = ?`, append(args, requesterID)
	}
	rows, err := t.query(ctx, q+` ORDER BY id DESC LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, wrap("list transfer requests", err)
	}
	return collect(rows, transferRow)
}

func (t *tx) DecideTransferRequest(ctx context.Context, r store.TransferRequest) error {
	if r.DecidedAt == nil {
		return fmt.Errorf("decide transfer request %d: no decision time", r.ID)
	}
	res, err := t.exec(ctx, `UPDATE transfer_requests SET status = ?, decided_by = ?, decision_reason = ?, decided_at = ?
		WHERE tenant_id = ? AND id = ? AND status = ?`, r.Status, r.DecidedBy, r.DecisionReason, ms(*r.DecidedAt), t.tenant, r.ID, store.TransferPending)
	if err != nil {
		return wrap("decide transfer request", err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return fmt.Errorf("decide transfer request %d: not pending: %w", r.ID, store.ErrConflict)
	}
	return nil
}
