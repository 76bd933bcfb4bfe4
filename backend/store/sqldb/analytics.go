package sqldb

import (
	"context"
	"database/sql"
	"time"
)

// SeeVisitor implements store.AnalyticsStore.
func (db *DB) SeeVisitor(ctx context.Context, tenantID, linkID int64, visitorHash []byte, now time.Time) error {
	_, err := db.poolConn(db.write).exec(ctx, `INSERT INTO link_visitors (tenant_id, link_id, visitor_hash, views, first_seen, last_seen) VALUES (?, ?, ?, 1, ?, ?)
		ON CONFLICT (link_id, visitor_hash) DO UPDATE SET views = link_visitors.views + 1, last_seen = excluded.last_seen
		WHERE link_visitors.tenant_id = excluded.tenant_id`,
		tenantID, linkID, visitorHash, ms(now), ms(now))
	return wrap("see visitor", err)
}

// CountPhotoDownload implements store.AnalyticsStore.
func (db *DB) CountPhotoDownload(ctx context.Context, tenantID, linkID, photoID int64) error {
	_, err := db.poolConn(db.write).exec(ctx, `INSERT INTO photo_downloads (tenant_id, link_id, photo_id, downloads) VALUES (?, ?, ?, 1)
		ON CONFLICT (link_id, photo_id) DO UPDATE SET downloads = photo_downloads.downloads + 1
		WHERE photo_downloads.tenant_id = excluded.tenant_id`, tenantID, linkID, photoID)
	return wrap("count photo download", err)
}

func countsBy(ctx context.Context, t *tx, what, q string, args ...any) (map[int64]int64, error) {
	rows, err := t.query(ctx, q, args...)
	if err != nil {
		return nil, wrap(what, err)
	}
	type kv struct{ k, v int64 }
	list, err := collect(rows, func(r *sql.Rows) (kv, error) { var x kv; return x, r.Scan(&x.k, &x.v) })
	out := map[int64]int64{}
	for _, x := range list {
		out[x.k] = x.v
	}
	return out, wrap(what, err)
}

func (t *tx) LinkVisitors(ctx context.Context, albumID int64) (map[int64]int64, error) {
	return countsBy(ctx, t, "link visitors", `SELECT v.link_id, COUNT(*) FROM link_visitors v
		JOIN share_links l ON l.tenant_id = v.tenant_id AND l.id = v.link_id
		WHERE v.tenant_id = ? AND l.album_id = ? GROUP BY v.link_id`, t.tenant, albumID)
}

func (t *tx) PhotoDownloads(ctx context.Context, albumID int64) (map[int64]int64, error) {
	return countsBy(ctx, t, "photo downloads", `SELECT d.photo_id, SUM(d.downloads) FROM photo_downloads d
		JOIN photos p ON p.tenant_id = d.tenant_id AND p.id = d.photo_id
		WHERE d.tenant_id = ? AND p.album_id = ? GROUP BY d.photo_id`, t.tenant, albumID)
}
