package app

import (
	"context"

	"github.com/studiodesk/studiodesk/backend/album"
	"github.com/studiodesk/studiodesk/backend/api"
	"github.com/studiodesk/studiodesk/backend/api/apiclient"
)

// AlbumPhotos lists an album's files with their processing status.
func (a *App) AlbumPhotos(albumID int64) ([]album.Photo, error) {
	return call(a, func(ctx context.Context, c *apiclient.Client) ([]album.Photo, error) {
		return c.AlbumPhotos(ctx, albumID)
	})
}

// ShareLinks lists an album's share links, newest first.
func (a *App) ShareLinks(albumID int64) ([]api.ShareLinkView, error) {
	return call(a, func(ctx context.Context, c *apiclient.Client) ([]api.ShareLinkView, error) {
		return c.ShareLinks(ctx, albumID)
	})
}

// CreateShareLink shares an album: optional access code, expiry and download right.
func (a *App) CreateShareLink(albumID int64, req api.NewShare) (api.ShareLinkView, error) {
	return call(a, func(ctx context.Context, c *apiclient.Client) (api.ShareLinkView, error) {
		return c.CreateShareLink(ctx, albumID, req)
	})
}

// DeletePhoto removes a photo from an album: guests stop seeing it, and its file is deleted
// unless another album of the studio holds it.
func (a *App) DeletePhoto(albumID, photoID int64) error {
	_, err := call(a, func(ctx context.Context, c *apiclient.Client) (struct{}, error) {
		return struct{}{}, c.DeletePhoto(ctx, albumID, photoID)
	})
	return err
}

// RevokeShareLink closes a share link at once, everywhere.
func (a *App) RevokeShareLink(id int64) (api.ShareLinkView, error) {
	return call(a, func(ctx context.Context, c *apiclient.Client) (api.ShareLinkView, error) {
		return c.RevokeShareLink(ctx, id)
	})
}
