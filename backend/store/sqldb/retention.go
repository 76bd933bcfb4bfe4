package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/studiodesk/studiodesk/backend/album"
	"github.com/studiodesk/studiodesk/backend/store"
)

func timePtr(v sql.NullInt64) *time.Time {
	if !v.Valid {
		return nil
	}
	t := fromMS(v.Int64)
	return &t
}

func (t *tx) RetentionDue(ctx context.Context, before time.Time, limit int) ([]album.Album, error) {
	if limit <= 0 || limit > 5000 {
		limit = 1000
	}
	rows, err := t.query(ctx, `SELECT `+albumCols+` FROM albums WHERE tenant_id = ? AND purged_at IS NULL AND retain_until < ?
		ORDER BY retain_until, id LIMIT ?`, t.tenant, ms(before), limit)
	if err != nil {
		return nil, wrap("retention due", err)
	}
	return collect(rows, albumRow)
}

func (t *tx) SetAlbumLifecycle(ctx context.Context, id int64, hiddenAt, purgedAt *time.Time) error {
	res, err := t.exec(ctx, `UPDATE albums SET hidden_at = ?, purged_at = ? WHERE tenant_id = ? AND id = ?`,
		nullTime(hiddenAt), nullTime(purgedAt), t.tenant, id)
	return wrap(fmt.Sprintf("album %d lifecycle", id), mustAffect(res, err))
}

func (t *tx) HashInUse(ctx context.Context, hash string, except int64) (bool, error) {
	var n int
	err := t.row(ctx, `SELECT COUNT(*) FROM photos p JOIN albums a ON a.tenant_id = p.tenant_id AND a.id = p.album_id
		WHERE p.tenant_id = ? AND p.hash = ? AND p.album_id <> ? AND a.purged_at IS NULL`, []any{t.tenant, hash, except}, &n)
	return n > 0, wrap("hash in use", err)
}

func (t *tx) StorageBytes(ctx context.Context) (int64, error) {
	var n int64
	err := t.row(ctx, `SELECT COALESCE(SUM(bytes), 0) FROM albums WHERE tenant_id = ? AND purged_at IS NULL`, []any{t.tenant}, &n)
	return n, wrap("storage bytes", err)
}

func storageRow(r *sql.Rows) (store.StorageCharge, error) {
	var c store.StorageCharge
	var updated int64
	err := r.Scan(&c.Month, &c.GB, &c.Credits, &c.Status, &updated)
	c.UpdatedAt = fromMS(updated)
	return c, err
}

func (t *tx) StorageCharge(ctx context.Context, month string) (store.StorageCharge, error) {
	return queryOne(ctx, t, "storage charge", storageRow,
		`SELECT month, gb, credits, status, updated_at FROM storage_charges WHERE tenant_id = ? AND month = ?`, t.tenant, month)
}

func (t *tx) SetStorageCharge(ctx context.Context, c store.StorageCharge) error {
	_, err := t.exec(ctx, `INSERT INTO storage_charges (tenant_id, month, gb, credits, status, updated_at) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (tenant_id, month) DO UPDATE SET gb = excluded.gb, credits = excluded.credits, status = excluded.status,
		updated_at = excluded.updated_at`, t.tenant, c.Month, c.GB, c.Credits, c.Status, ms(c.UpdatedAt))
	return wrap("set storage charge", err)
}

func (t *tx) UnpaidStorage(ctx context.Context) ([]store.StorageCharge, error) {
	rows, err := t.query(ctx, `SELECT month, gb, credits, status, updated_at FROM storage_charges WHERE tenant_id = ? AND status = 'unpaid'
		ORDER BY month`, t.tenant)
	if err != nil {
		return nil, wrap("unpaid storage", err)
	}
	return collect(rows, storageRow)
}

func (t *tx) FollowRetention(ctx context.Context, albumID int64, from, to time.Time) error {
	_, err := t.exec(ctx, `UPDATE share_links SET expires_at = ? WHERE tenant_id = ? AND album_id = ? AND expires_at = ? AND revoked_at IS NULL`,
		ms(to), t.tenant, albumID, ms(from))
	return wrap("follow retention", err)
}
