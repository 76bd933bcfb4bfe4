package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/studiodesk/studiodesk/backend/album"
)

const shareCols = `id, tenant_id, album_id, token_hash, token, code_hash, label, expires_at, revoked_at, allow_download, views, downloads,
	created_by, created_at`

func shareRow(r *sql.Rows) (album.ShareLink, error) {
	var l album.ShareLink
	var expires, created int64
	var revoked sql.NullInt64
	var allow int
	err := r.Scan(&l.ID, &l.TenantID, &l.AlbumID, &l.TokenHash, &l.Token, &l.CodeHash, &l.Label, &expires, &revoked, &allow, &l.Views,
		&l.Downloads, &l.CreatedBy, &created)
	l.ExpiresAt, l.CreatedAt, l.AllowDownload, l.HasCode = fromMS(expires), fromMS(created), allow != 0, l.CodeHash != ""
	if revoked.Valid {
		at := fromMS(revoked.Int64)
		l.RevokedAt = &at
	}
	return l, err
}

// ShareLinkByToken implements store.Store.
func (db *DB) ShareLinkByToken(ctx context.Context, tokenHash []byte) (album.ShareLink, error) {
	c := db.poolConn(db.read)
	rows, err := c.query(ctx, `SELECT `+shareCols+` FROM share_links WHERE token_hash = ?`, tokenHash)
	if err != nil {
		return album.ShareLink{}, wrap("share link by token", err)
	}
	l, err := one(collect(rows, shareRow))
	return l, wrap("share link by token", err)
}

// ShareGrant implements store.Store.
func (db *DB) ShareGrant(ctx context.Context, grantHash []byte) (int64, time.Time, error) {
	c := db.poolConn(db.read)
	var id, expires int64
	err := c.row(ctx, `SELECT link_id, expires_at FROM share_grants WHERE grant_hash = ?`, []any{grantHash}, &id, &expires)
	return id, fromMS(expires), wrap("share grant", err)
}

func (t *tx) InsertShareLink(ctx context.Context, l album.ShareLink) (album.ShareLink, error) {
	l.TenantID = t.tenant
	err := t.row(ctx, `INSERT INTO share_links (tenant_id, album_id, token_hash, token, code_hash, label, expires_at, allow_download,
		created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		[]any{t.tenant, l.AlbumID, l.TokenHash, l.Token, l.CodeHash, l.Label, ms(l.ExpiresAt), boolInt(l.AllowDownload), l.CreatedBy,
			ms(l.CreatedAt)}, &l.ID)
	l.HasCode = l.CodeHash != ""
	return l, wrap("insert share link", err)
}

func (t *tx) GetShareLink(ctx context.Context, id int64) (album.ShareLink, error) {
	return queryOne(ctx, t, fmt.Sprintf("get share link %d", id), shareRow,
		`SELECT `+shareCols+` FROM share_links WHERE tenant_id = ? AND id = ?`, t.tenant, id)
}

func (t *tx) ListShareLinks(ctx context.Context, albumID int64) ([]album.ShareLink, error) {
	rows, err := t.query(ctx, `SELECT `+shareCols+` FROM share_links WHERE tenant_id = ? AND album_id = ? ORDER BY id DESC`, t.tenant, albumID)
	if err != nil {
		return nil, wrap("list share links", err)
	}
	return collect(rows, shareRow)
}

func (t *tx) RevokeShareLink(ctx context.Context, id int64, now time.Time) (album.ShareLink, error) {
	res, err := t.exec(ctx, `UPDATE share_links SET revoked_at = COALESCE(revoked_at, ?) WHERE tenant_id = ? AND id = ?`, ms(now), t.tenant, id)
	if err := mustAffect(res, err); err != nil {
		return album.ShareLink{}, wrap(fmt.Sprintf("revoke share link %d", id), err)
	}
	if _, err := t.exec(ctx, `DELETE FROM share_grants WHERE tenant_id = ? AND link_id = ?`, t.tenant, id); err != nil {
		return album.ShareLink{}, wrap("drop grants", err)
	}
	return t.GetShareLink(ctx, id)
}

func (t *tx) CountShareUse(ctx context.Context, id int64, views, downloads int64) error {
	_, err := t.exec(ctx, `UPDATE share_links SET views = views + ?, downloads = downloads + ? WHERE tenant_id = ? AND id = ?`,
		views, downloads, t.tenant, id)
	return wrap("count share use", err)
}

func (t *tx) InsertShareGrant(ctx context.Context, grantHash []byte, linkID int64, expires time.Time) error {
	_, err := t.exec(ctx, `INSERT INTO share_grants (grant_hash, tenant_id, link_id, expires_at) VALUES (?, ?, ?, ?)`,
		grantHash, t.tenant, linkID, ms(expires))
	return wrap("insert share grant", err)
}
