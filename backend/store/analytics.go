package store

import (
	"context"
	"time"
)

// AnalyticsTx is the link-analytics part of a tenant transaction.
type AnalyticsTx interface {
	// SeeVisitor counts one view of a link by a visitor (its hashed id).
	SeeVisitor(ctx context.Context, linkID int64, visitorHash []byte, now time.Time) error
	// CountPhotoDownload counts one download of a photo through a link.
	CountPhotoDownload(ctx context.Context, linkID, photoID int64) error
	// LinkVisitors returns the number of distinct visitors of each of an album's links.
	LinkVisitors(ctx context.Context, albumID int64) (map[int64]int64, error)
	// PhotoDownloads returns an album's downloads per photo, summed over its links.
	PhotoDownloads(ctx context.Context, albumID int64) (map[int64]int64, error)
}
