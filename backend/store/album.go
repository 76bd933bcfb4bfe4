package store

import (
	"context"
	"time"

	"github.com/studiodesk/studiodesk/backend/album"
)

// AlbumTx is the order and album part of a tenant transaction.
type AlbumTx interface {
	// InsertOrder stores a new order; ErrConflict when its code is already used in the studio
	// (callers draw another code).
	InsertOrder(ctx context.Context, o album.Order) (album.Order, error)
	GetOrder(ctx context.Context, id int64) (album.Order, error)
	// UpdateOrder rewrites an order's editable fields (everything but code, creation).
	UpdateOrder(ctx context.Context, o album.Order) (album.Order, error)
	// ListOrders returns one page of orders, newest first.
	ListOrders(ctx context.Context, f OrderFilter) ([]album.Order, error)
	// OrderByCode finds an order by its code; ErrNotFound when none.
	OrderByCode(ctx context.Context, code string) (album.Order, error)

	InsertAlbum(ctx context.Context, a album.Album) (album.Album, error)
	GetAlbum(ctx context.Context, id int64) (album.Album, error)
	// UpdateAlbum rewrites an album's title, cover, order, settings, status and retention.
	UpdateAlbum(ctx context.Context, a album.Album) (album.Album, error)
	// ListAlbums returns an order's albums by sort order.
	ListAlbums(ctx context.Context, orderID int64) ([]album.Album, error)

	// InsertPhoto adds a file to an album and counts it in the album's photo_count and bytes;
	// ErrConflict when the album already holds a file with this hash.
	InsertPhoto(ctx context.Context, p album.Photo) (album.Photo, error)
	GetPhoto(ctx context.Context, id int64) (album.Photo, error)
	// PhotoHashes returns, of the given hashes, those the album holds, with their photo ids.
	PhotoHashes(ctx context.Context, albumID int64, hashes []string) (map[string]int64, error)
	// ListPhotos returns an album's files in shoot order: by file name (cameras number their
	// files), then upload order. Uploads run in parallel, so upload order alone is not it.
	ListPhotos(ctx context.Context, albumID int64) ([]album.Photo, error)
	// SetPhotoResult records what rendering found: status, upright size, the preview's size
	// and CRC, or the failure reason.
	SetPhotoResult(ctx context.Context, id int64, r album.RenderResult, now time.Time) (album.Photo, error)
	// CompletePhotoOriginal records that the original of a photo whose renditions came first
	// is stored (its real size, type and CRCs; the album's bytes follow the real size). A
	// photo not waiting for its original is returned unchanged.
	CompletePhotoOriginal(ctx context.Context, id int64, o album.OriginalSums, now time.Time) (album.Photo, error)
	// DeletePhoto removes a file from its album: the album's photo_count and bytes drop, a
	// cover that was this photo is cleared, its per-link download counts go (the links' own
	// totals stay). It returns the removed photo (its hash and mark name the stored objects);
	// ErrNotFound when the studio has no such photo.
	DeletePhoto(ctx context.Context, id int64) (album.Photo, error)
	// PendingOriginals returns the album's photos still waiting for their original, by hash.
	PendingOriginals(ctx context.Context, albumID int64) (map[string]int64, error)
	// ScheduleJob enqueues a durable job of this studio in this transaction, so the job exists
	// exactly when the change that needs it commits; (kind, key) names it once.
	ScheduleJob(ctx context.Context, kind, key string, payload []byte, runAt time.Time) error
}

// OrderFilter selects a page of orders, newest first (id descending).
type OrderFilter struct {
	// Scope limits the page to what the caller may see (orders are placed like leads: owner,
	// department, branch, brand).
	Scope LeadScope
	// BranchID limits to one branch; 0 = all.
	BranchID int64
	// Text: 4+ digits match the phone's prefix or suffix; else a substring of the customer's
	// name or the order code.
	Text     string
	BeforeID int64
	Limit    int
}
