package store

import (
	"context"
	"time"
)

// AnalyticsStore counts what guests do, like ShareStore.CountShareUse: each count is a
// statement of its own outside the studio's write transactions (guests never queue behind
// the studio's writes). The (tenant_id, link_id) and (tenant_id, photo_id) references refuse
// a link or photo of another studio.
type AnalyticsStore interface {
	// SeeVisitor counts one view of a link of studio tenantID by a visitor (its hashed id).
	SeeVisitor(ctx context.Context, tenantID, linkID int64, visitorHash []byte, now time.Time) error
	// CountPhotoDownload counts one download of a photo through a link of studio tenantID.
	CountPhotoDownload(ctx context.Context, tenantID, linkID, photoID int64) error
}

// AnalyticsTx is the link-analytics part of a tenant transaction (the studio's reading).
type AnalyticsTx interface {
	// LinkVisitors returns the number of distinct visitors of each of an album's links.
	LinkVisitors(ctx context.Context, albumID int64) (map[int64]int64, error)
	// PhotoDownloads returns an album's downloads per photo, summed over its links.
	PhotoDownloads(ctx context.Context, albumID int64) (map[int64]int64, error)
}
