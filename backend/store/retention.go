package store

import (
	"context"
	"time"

	"github.com/studiodesk/studiodesk/backend/album"
)

// RetentionTx is the album-lifecycle part of a tenant transaction (the retention job).
type RetentionTx interface {
	// RetentionDue returns the studio's albums not purged yet whose retention ends before t.
	RetentionDue(ctx context.Context, before time.Time, limit int) ([]album.Album, error)
	// SetAlbumLifecycle records when an album was hidden and purged (nil clears hidden).
	SetAlbumLifecycle(ctx context.Context, id int64, hiddenAt, purgedAt *time.Time) error
	// HashInUse reports whether a photo with this hash is in an album other than except that
	// is not purged (originals are shared by hash: only the last user deletes the file).
	HashInUse(ctx context.Context, hash string, except int64) (bool, error)
	// StorageBytes sums the bytes of the studio's albums that are not purged.
	StorageBytes(ctx context.Context) (int64, error)
	// StorageCharge returns a month's charge; ErrNotFound before the job ran that month.
	StorageCharge(ctx context.Context, month string) (StorageCharge, error)
	SetStorageCharge(ctx context.Context, c StorageCharge) error
	// FollowRetention moves the expiry of an album's live links that end with its retention
	// (from: the old end) to its new end (links the studio gave an earlier expiry keep it).
	FollowRetention(ctx context.Context, albumID int64, from, to time.Time) error
	// UnpaidStorage returns months whose charge the credits did not cover, oldest first.
	UnpaidStorage(ctx context.Context) ([]StorageCharge, error)
}

// StorageCharge is one month's storage charge of a studio.
type StorageCharge struct {
	Month     string    `json:"month"` // YYYY-MM, studio time
	GB        int64     `json:"gb"`
	Credits   int64     `json:"credits"`
	Status    string    `json:"status"` // paid, unpaid
	UpdatedAt time.Time `json:"updated_at"`
}
