package sqldb

import (
	"context"
	"database/sql"
	"time"

	"github.com/studiodesk/studiodesk/backend/account"
	"github.com/studiodesk/studiodesk/backend/store"
)

func (t *tx) SeeDevice(ctx context.Context, id, name string, now time.Time) (account.Device, error) {
	_, err := t.exec(ctx, `INSERT INTO devices (tenant_id, id, name, first_seen, last_seen) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (tenant_id, id) DO UPDATE SET name = excluded.name, last_seen = excluded.last_seen`,
		t.tenant, id, name, ms(now), ms(now))
	if err != nil {
		return account.Device{}, wrap("record device", err)
	}
	return t.GetDevice(ctx, id)
}

func (t *tx) devices(ctx context.Context, cond string, args ...any) ([]account.Device, error) {
	rows, err := t.query(ctx, `SELECT id, name, first_seen, last_seen FROM devices WHERE tenant_id = ? `+cond+` ORDER BY last_seen DESC, id`,
		append([]any{t.tenant}, args...)...)
	if err != nil {
		return nil, wrap("list devices", err)
	}
	list, err := collect(rows, func(r *sql.Rows) (account.Device, error) {
		var d account.Device
		var first, last int64
		err := r.Scan(&d.ID, &d.Name, &first, &last)
		d.FirstSeen, d.LastSeen, d.Code, d.BranchIDs = fromMS(first), fromMS(last), account.DeviceCode(d.ID), []int64{}
		return d, err
	})
	if err != nil || len(list) == 0 {
		return list, err
	}
	idx := map[string]int{}
	for i, d := range list {
		idx[d.ID] = i
	}
	brows, err := t.query(ctx, `SELECT device_id, branch_id FROM device_branches WHERE tenant_id = ? ORDER BY branch_id`, t.tenant)
	if err != nil {
		return nil, wrap("list device branches", err)
	}
	defer brows.Close()
	for brows.Next() {
		var did string
		var bid int64
		if err := brows.Scan(&did, &bid); err != nil {
			return nil, err
		}
		if i, ok := idx[did]; ok {
			list[i].BranchIDs = append(list[i].BranchIDs, bid)
		}
	}
	return list, brows.Err()
}

func (t *tx) ListDevices(ctx context.Context) ([]account.Device, error) { return t.devices(ctx, "") }

func (t *tx) GetDevice(ctx context.Context, id string) (account.Device, error) {
	return one(t.devices(ctx, "AND id = ?", id))
}

func (t *tx) SetDeviceBranches(ctx context.Context, id string, branchIDs []int64) (account.Device, error) {
	if _, err := t.GetDevice(ctx, id); err != nil {
		return account.Device{}, err
	}
	if _, err := t.exec(ctx, `DELETE FROM device_branches WHERE tenant_id = ? AND device_id = ?`, t.tenant, id); err != nil {
		return account.Device{}, wrap("clear device branches", err)
	}
	for _, b := range branchIDs {
		if _, err := t.exec(ctx, `INSERT INTO device_branches (tenant_id, device_id, branch_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`,
			t.tenant, id, b); err != nil {
			return account.Device{}, wrap("bind device", err)
		}
	}
	return t.GetDevice(ctx, id)
}

func (t *tx) InsertSession(ctx context.Context, s store.Session) error {
	_, err := t.exec(ctx, `INSERT INTO sessions (token_hash, tenant_id, staff_id, device_id, branch_id, created_at, last_seen, expires_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, s.TokenHash, t.tenant, s.StaffID, s.DeviceID, s.BranchID,
		ms(s.CreatedAt), ms(s.LastSeen), ms(s.ExpiresAt))
	return wrap("insert session", err)
}

func (t *tx) DeleteStaffSessions(ctx context.Context, staffID int64) error {
	_, err := t.exec(ctx, `DELETE FROM sessions WHERE tenant_id = ? AND staff_id = ?`, t.tenant, staffID)
	return wrap("end staff sessions", err)
}

// SessionByHash implements store.Store.
func (db *DB) SessionByHash(ctx context.Context, tokenHash []byte) (store.Session, error) {
	c := db.poolConn(db.read)
	s := store.Session{TokenHash: tokenHash}
	var created, seen, expires int64
	err := c.row(ctx, `SELECT s.tenant_id, s.staff_id, s.device_id, s.branch_id, s.created_at, s.last_seen, s.expires_at, t.authz_gen
		FROM sessions s JOIN tenants t ON t.id = s.tenant_id WHERE s.token_hash = ?`, []any{tokenHash},
		&s.TenantID, &s.StaffID, &s.DeviceID, &s.BranchID, &created, &seen, &expires, &s.AuthzGen)
	s.CreatedAt, s.LastSeen, s.ExpiresAt = fromMS(created), fromMS(seen), fromMS(expires)
	return s, wrap("get session", err)
}

// TouchSession implements store.Store.
func (db *DB) TouchSession(ctx context.Context, tokenHash []byte, lastSeen, expiresAt time.Time) error {
	c := db.poolConn(db.write)
	_, err := c.exec(ctx, `UPDATE sessions SET last_seen = ?, expires_at = ? WHERE token_hash = ?`, ms(lastSeen), ms(expiresAt), tokenHash)
	return wrap("touch session", err)
}

// DeleteSession implements store.Store.
func (db *DB) DeleteSession(ctx context.Context, tokenHash []byte) error {
	c := db.poolConn(db.write)
	_, err := c.exec(ctx, `DELETE FROM sessions WHERE token_hash = ?`, tokenHash)
	return wrap("delete session", err)
}

// HitRateLimit implements store.Store: one upsert, atomic on both engines, that starts a new
// window when the stored one has ended.
func (db *DB) HitRateLimit(ctx context.Context, key string, window time.Duration, now time.Time) (int, time.Time, error) {
	c := db.poolConn(db.write)
	start := now.Truncate(window)
	var count int
	var ws int64
	err := c.row(ctx, `INSERT INTO rate_limits (key, window_start, count) VALUES (?, ?, 1)
		ON CONFLICT (key) DO UPDATE SET
			count = CASE WHEN rate_limits.window_start = excluded.window_start THEN rate_limits.count + 1 ELSE 1 END,
			window_start = excluded.window_start
		RETURNING count, window_start`, []any{key, ms(start)}, &count, &ws)
	if err != nil {
		return 0, time.Time{}, wrap("rate limit", err)
	}
	return count, fromMS(ws).Add(window), nil
}

// PeekRateLimit implements store.Store.
func (db *DB) PeekRateLimit(ctx context.Context, key string, window time.Duration, now time.Time) (int, time.Time, error) {
	c := db.poolConn(db.read)
	start := now.Truncate(window)
	var count int
	var ws int64
	err := c.row(ctx, `SELECT count, window_start FROM rate_limits WHERE key = ?`, []any{key}, &count, &ws)
	switch {
	case err == store.ErrNotFound:
		return 0, start.Add(window), nil
	case err != nil:
		return 0, time.Time{}, wrap("rate limit", err)
	case ws != ms(start):
		return 0, start.Add(window), nil
	}
	return count, fromMS(ws).Add(window), nil
}

// ClearRateLimit implements store.Store.
func (db *DB) ClearRateLimit(ctx context.Context, key string) error {
	c := db.poolConn(db.write)
	_, err := c.exec(ctx, `DELETE FROM rate_limits WHERE key = ?`, key)
	return wrap("clear rate limit", err)
}

func (t *tx) AppendAudit(ctx context.Context, e store.AuditEntry) error {
	_, err := t.exec(ctx, `INSERT INTO audit_log (tenant_id, actor_id, actor_name, on_behalf_of, action, entity, entity_id,
		before_json, after_json, device_id, ip, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		t.tenant, e.ActorID, e.ActorName, e.OnBehalfOf, e.Action, e.Entity, e.EntityID,
		nullJSON(e.Before), nullJSON(e.After), e.DeviceID, e.IP, ms(e.CreatedAt))
	return wrap("append audit", err)
}

func nullJSON(b []byte) any {
	if len(b) == 0 {
		return nil
	}
	return string(b)
}

func (t *tx) ListAudit(ctx context.Context, f store.AuditFilter) ([]store.AuditEntry, error) {
	q := `SELECT id, actor_id, actor_name, on_behalf_of, action, entity, entity_id, before_json, after_json, device_id, ip, created_at
		FROM audit_log WHERE tenant_id = ?`
	args := []any{t.tenant}
	if f.Entity != "" {
		q += ` AND entity = ?`
		args = append(args, f.Entity)
	}
	if f.EntityID != "" {
		q += ` AND entity_id = ?`
		args = append(args, f.EntityID)
	}
	if f.ActorID != 0 {
		q += ` AND actor_id = ?`
		args = append(args, f.ActorID)
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	q += ` ORDER BY id DESC LIMIT ?`
	args = append(args, f.Limit)
	rows, err := t.query(ctx, q, args...)
	if err != nil {
		return nil, wrap("list audit", err)
	}
	return collect(rows, func(r *sql.Rows) (store.AuditEntry, error) {
		var e store.AuditEntry
		var before, after sql.NullString
		var created int64
		err := r.Scan(&e.ID, &e.ActorID, &e.ActorName, &e.OnBehalfOf, &e.Action, &e.Entity, &e.EntityID,
			&before, &after, &e.DeviceID, &e.IP, &created)
		if before.Valid {
			e.Before = []byte(before.String)
		}
		if after.Valid {
			e.After = []byte(after.String)
		}
		e.CreatedAt = fromMS(created)
		return e, err
	})
}
