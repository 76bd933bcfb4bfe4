package store

import (
	"context"
	"time"

	"github.com/studiodesk/studiodesk/backend/album"
)

// ShareStore finds share links and grants from what a guest holds (no studio is known yet).
type ShareStore interface {
	// ShareLinkByToken finds a link by the SHA-256 of its token, in any studio (TenantID set);
	// ErrNotFound when unknown.
	ShareLinkByToken(ctx context.Context, tokenHash []byte) (album.ShareLink, error)
	// ShareGrant returns the link a grant opens and until when; ErrNotFound when unknown.
	ShareGrant(ctx context.Context, grantHash []byte) (linkID int64, expires time.Time, err error)
}

// ShareTx is the share-link part of a tenant transaction.
type ShareTx interface {
	InsertShareLink(ctx context.Context, l album.ShareLink) (album.ShareLink, error)
	GetShareLink(ctx context.Context, id int64) (album.ShareLink, error)
	ListShareLinks(ctx context.Context, albumID int64) ([]album.ShareLink, error)
	// RevokeShareLink ends a link at now (revoking again keeps the first time) and its grants.
	RevokeShareLink(ctx context.Context, id int64, now time.Time) (album.ShareLink, error)
	// CountShareUse adds views and downloads to a link's counters.
	CountShareUse(ctx context.Context, id int64, views, downloads int64) error
	InsertShareGrant(ctx context.Context, grantHash []byte, linkID int64, expires time.Time) error
}
