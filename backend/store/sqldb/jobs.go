package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/studiodesk/studiodesk/backend/lead"
	"github.com/studiodesk/studiodesk/backend/store"
)

// EnqueueJob implements store.Store.
func (db *DB) EnqueueJob(ctx context.Context, j store.Job) error {
	c := db.poolConn(db.write)
	payload := string(j.Payload)
	if payload == "" {
		payload = "{}"
	}
	_, err := c.exec(ctx, `INSERT INTO jobs (kind, tenant_id, key, payload, run_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (kind, tenant_id, key) DO NOTHING`, j.Kind, j.TenantID, j.Key, payload, ms(j.RunAt))
	return wrap("enqueue job", err)
}

// LeaseJob implements store.Store. The UPDATE re-checks the lease condition on the row it
// changes, so two workers racing for one job cannot both win (PostgreSQL re-evaluates the
// WHERE after waiting for the row lock; SQLite has one writer). On PostgreSQL the sub-select
// locks the row it picks and skips rows other workers hold (FOR UPDATE SKIP LOCKED): workers
// on several replicas each take a different due job at once instead of queueing on one row
// and finding it gone.
func (db *DB) LeaseJob(ctx context.Context, worker string, now time.Time, lease time.Duration) (store.Job, error) {
	c := db.poolConn(db.write)
	var j store.Job
	var payload string
	var runAt int64
	err := c.row(ctx, `UPDATE jobs SET lease_until = ?, leased_by = ?, attempts = attempts + 1
		WHERE id = (SELECT id FROM jobs WHERE done_at IS NULL AND run_at <= ? AND (lease_until IS NULL OR lease_until < ?)
			ORDER BY run_at, id LIMIT 1`+db.dialect.SkipLocked+`)
		AND done_at IS NULL AND (lease_until IS NULL OR lease_until < ?)
		RETURNING id, kind, tenant_id, key, payload, run_at, attempts`,
		[]any{ms(now.Add(lease)), worker, ms(now), ms(now), ms(now)}, &j.ID, &j.Kind, &j.TenantID, &j.Key, &payload, &runAt, &j.Attempts)
	if err != nil {
		return j, wrap("lease job", err)
	}
	j.Payload, j.RunAt = json.RawMessage(payload), fromMS(runAt)
	return j, nil
}

// FinishJob implements store.Store.
func (db *DB) FinishJob(ctx context.Context, id int64, worker string, next *time.Time, errMsg string, now time.Time) error {
	c := db.poolConn(db.write)
	var err error
	if next != nil {
		_, err = c.exec(ctx, `UPDATE jobs SET run_at = ?, lease_until = NULL, leased_by = '', last_error = ?
			WHERE id = ? AND leased_by = ?`, ms(*next), errMsg, id, worker)
	} else {
		_, err = c.exec(ctx, `UPDATE jobs SET done_at = ?, lease_until = NULL, last_error = ? WHERE id = ? AND leased_by = ?`,
			ms(now), errMsg, id, worker)
	}
	return wrap("finish job", err)
}

func (t *tx) SweepLeads(ctx context.Context, q store.SweepQuery) ([]lead.Lead, error) {
	var cond string
	var args []any
	open := `deleted = 0 AND validity <> 'invalid' AND booking NOT IN ('lost', 'visited') AND store_status NOT IN ('deal', 'lost')`
	switch {
	case q.RecycleDue != nil:
		cond, args = `owner_id IS NOT NULL AND in_pool = 0 AND protected_until IS NOT NULL AND protected_until <= ?`, []any{ms(*q.RecycleDue)}
	case q.ProtectionEndsBefore != nil:
		cond, args = `owner_id IS NOT NULL AND in_pool = 0 AND protected_until IS NOT NULL AND protected_until <= ?`, []any{ms(*q.ProtectionEndsBefore)}
	case q.BookedFrom != nil && q.BookedTo != nil:
		cond, args = `booking = 'booked' AND booked_at >= ? AND booked_at < ?`, []any{ms(*q.BookedFrom), ms(*q.BookedTo)}
	case q.FollowUpBefore != nil:
		cond, args = `next_follow_up IS NOT NULL AND next_follow_up <= ? AND `+open, []any{ms(*q.FollowUpBefore)}
	case q.UntouchedSince != nil:
		cond, args = `owner_id IS NOT NULL AND last_activity IS NOT NULL AND last_activity <= ? AND `+open, []any{ms(*q.UntouchedSince)}
	case q.PendingSince != nil:
		cond, args = `validity = 'pending' AND deleted = 0 AND created_at <= ?`, []any{ms(*q.PendingSince)}
	default:
		return nil, fmt.Errorf("sweep query names no condition")
	}
	if q.BrandID != 0 {
		cond += " AND brand_id = ?"
		args = append(args, q.BrandID)
	}
	if q.Limit <= 0 || q.Limit > 5000 {
		q.Limit = 1000
	}
	rows, err := t.query(ctx, `SELECT id, version, doc FROM leads WHERE tenant_id = ? AND `+strings.TrimSpace(cond)+` ORDER BY id LIMIT ?`,
		append(append([]any{t.tenant}, args...), q.Limit)...)
	if err != nil {
		return nil, wrap("sweep leads", err)
	}
	return collect(rows, func(r *sql.Rows) (lead.Lead, error) { return scanLead(r) })
}

func (t *tx) Notify(ctx context.Context, n store.Notification) (bool, error) {
	data := string(n.Data)
	if data == "" {
		data = "{}"
	}
	res, err := t.exec(ctx, `INSERT INTO notifications (tenant_id, staff_id, kind, lead_id, data, dedupe_key, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (tenant_id, dedupe_key) DO NOTHING`,
		t.tenant, n.StaffID, n.Kind, n.LeadID, data, n.DedupeKey, ms(n.CreatedAt))
	if err != nil {
		return false, wrap("notify", err)
	}
	k, err := res.RowsAffected()
	return k > 0, err
}

func (t *tx) Notifications(ctx context.Context, staffID int64, unreadOnly bool, limit int) ([]store.Notification, error) {
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	q := `SELECT id, staff_id, kind, lead_id, data, created_at, read_at FROM notifications WHERE tenant_id = ? AND staff_id = ?`
	if unreadOnly {
		q += ` AND read_at IS NULL`
	}
	rows, err := t.query(ctx, q+` ORDER BY id DESC LIMIT ?`, t.tenant, staffID, limit)
	if err != nil {
		return nil, wrap("list notifications", err)
	}
	return collect(rows, func(r *sql.Rows) (store.Notification, error) {
		var n store.Notification
		var data string
		var created int64
		var read sql.NullInt64
		err := r.Scan(&n.ID, &n.StaffID, &n.Kind, &n.LeadID, &data, &created, &read)
		n.Data, n.CreatedAt = json.RawMessage(data), fromMS(created)
		if read.Valid {
			at := fromMS(read.Int64)
			n.ReadAt = &at
		}
		return n, err
	})
}

func (t *tx) MarkNotificationsRead(ctx context.Context, staffID int64, ids []int64, now time.Time) error {
	for _, id := range ids {
		if _, err := t.exec(ctx, `UPDATE notifications SET read_at = ? WHERE tenant_id = ? AND staff_id = ? AND id = ? AND read_at IS NULL`,
			ms(now), t.tenant, staffID, id); err != nil {
			return wrap("mark read", err)
		}
	}
	return nil
}
