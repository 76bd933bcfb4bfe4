package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/studiodesk/studiodesk/backend/album"
	"github.com/studiodesk/studiodesk/backend/store"
)

func (t *tx) NotifySettings(ctx context.Context) (json.RawMessage, error) {
	var cfg string
	err := t.row(ctx, `SELECT config FROM notify_settings WHERE tenant_id = ?`, []any{t.tenant}, &cfg)
	return json.RawMessage(cfg), wrap("notify settings", err)
}

func (t *tx) SetNotifySettings(ctx context.Context, config json.RawMessage, now time.Time) error {
	_, err := t.exec(ctx, `INSERT INTO notify_settings (tenant_id, config, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (tenant_id) DO UPDATE SET config = excluded.config, updated_at = excluded.updated_at`, t.tenant, string(config), ms(now))
	return wrap("set notify settings", err)
}

const outboxCols = `id, album_id, kind, channel, recipient, subject, body, data, status, attempts, last_error, dedupe_key, created_at, sent_at`

func outboxRow(r *sql.Rows) (store.OutboxMessage, error) {
	var m store.OutboxMessage
	var data string
	var created int64
	var sent sql.NullInt64
	err := r.Scan(&m.ID, &m.AlbumID, &m.Kind, &m.Channel, &m.Recipient, &m.Subject, &m.Body, &data, &m.Status, &m.Attempts, &m.LastError,
		&m.DedupeKey, &created, &sent)
	m.Data, m.CreatedAt = json.RawMessage(data), fromMS(created)
	if sent.Valid {
		at := fromMS(sent.Int64)
		m.SentAt = &at
	}
	return m, err
}

func (t *tx) InsertOutbox(ctx context.Context, m store.OutboxMessage) (store.OutboxMessage, bool, error) {
	data := string(m.Data)
	if data == "" {
		data = "{}"
	}
	if m.Status == "" {
		m.Status = store.OutboxPending
	}
	rows, err := t.query(ctx, `INSERT INTO notify_outbox (tenant_id, album_id, kind, channel, recipient, subject, body, data, status,
		dedupe_key, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (tenant_id, dedupe_key) DO NOTHING RETURNING id`,
		t.tenant, m.AlbumID, m.Kind, m.Channel, m.Recipient, m.Subject, m.Body, data, m.Status, m.DedupeKey, ms(m.CreatedAt))
	if err != nil {
		return m, false, wrap("insert outbox", err)
	}
	ids, err := collect(rows, func(r *sql.Rows) (int64, error) { var id int64; return id, r.Scan(&id) })
	if err != nil {
		return m, false, wrap("insert outbox", err)
	}
	if len(ids) == 1 {
		m.ID = ids[0]
		return m, true, nil
	}
	stored, err := queryOne(ctx, t, "outbox by key", outboxRow,
		`SELECT `+outboxCols+` FROM notify_outbox WHERE tenant_id = ? AND dedupe_key = ?`, t.tenant, m.DedupeKey)
	return stored, false, err
}

func (t *tx) GetOutbox(ctx context.Context, id int64) (store.OutboxMessage, error) {
	return queryOne(ctx, t, fmt.Sprintf("get outbox %d", id), outboxRow,
		`SELECT `+outboxCols+` FROM notify_outbox WHERE tenant_id = ? AND id = ?`, t.tenant, id)
}

func (t *tx) SetOutboxResult(ctx context.Context, id int64, status string, attempts int, lastError string, sentAt *time.Time) error {
	var sent any
	if sentAt != nil {
		sent = ms(*sentAt)
	}
	res, err := t.exec(ctx, `UPDATE notify_outbox SET status = ?, attempts = ?, last_error = ?, sent_at = ? WHERE tenant_id = ? AND id = ?`,
		status, attempts, lastError, sent, t.tenant, id)
	return wrap(fmt.Sprintf("outbox result %d", id), mustAffect(res, err))
}

func (t *tx) ListOutbox(ctx context.Context, albumID int64, limit int) ([]store.OutboxMessage, error) {
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	q, args := `SELECT `+outboxCols+` FROM notify_outbox WHERE tenant_id = ?`, []any{t.tenant}
	if albumID != 0 {
		q, args = q+` AND album_id = ?`, append(args, albumID)
	}
	rows, err := t.query(ctx, q+` ORDER BY id DESC LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, wrap("list outbox", err)
	}
	return collect(rows, outboxRow)
}

func (t *tx) EnsureStudioSlug(ctx context.Context, candidate string) (string, error) {
	if _, err := t.exec(ctx, `INSERT INTO studio_pages (tenant_id, slug) VALUES (?, ?) ON CONFLICT (tenant_id) DO NOTHING`, t.tenant, candidate); err != nil {
		return "", wrap("studio slug", err)
	}
	var slug string
	err := t.row(ctx, `SELECT slug FROM studio_pages WHERE tenant_id = ?`, []any{t.tenant}, &slug)
	return slug, wrap("studio slug", err)
}

func (t *tx) OrdersByPhone(ctx context.Context, phone string) ([]album.Order, error) {
	rows, err := t.query(ctx, `SELECT `+orderCols+` FROM orders WHERE tenant_id = ? AND phone = ? ORDER BY id DESC LIMIT 100`, t.tenant, phone)
	if err != nil {
		return nil, wrap("orders by phone", err)
	}
	return collect(rows, orderRow)
}

// TenantBySlug implements store.Store.
func (db *DB) TenantBySlug(ctx context.Context, slug string) (int64, error) {
	c := db.poolConn(db.read)
	var id int64
	err := c.row(ctx, `SELECT tenant_id FROM studio_pages WHERE slug = ?`, []any{slug}, &id)
	return id, wrap("studio by slug", err)
}
