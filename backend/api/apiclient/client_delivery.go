package apiclient

import (
	"context"
	"net/http"

	"github.com/studiodesk/studiodesk/backend/album"
	"github.com/studiodesk/studiodesk/backend/api"
	"github.com/studiodesk/studiodesk/backend/notify"
	"github.com/studiodesk/studiodesk/backend/store"
)

// NotifySettings reads the studio's notification setup, secrets masked (GET /api/v1/notify/settings).
func (c *Client) NotifySettings(ctx context.Context) (api.NotifySettingsView, error) {
	return send[api.NotifySettingsView](ctx, c, http.MethodGet, "/api/v1/notify/settings", nil)
}

// SaveNotifySettings replaces the setup; empty secrets keep the stored ones (PUT /api/v1/notify/settings).
func (c *Client) SaveNotifySettings(ctx context.Context, s notify.Settings) (api.NotifySettingsView, error) {
	return send[api.NotifySettingsView](ctx, c, http.MethodPut, "/api/v1/notify/settings", s)
}

// NotifyAlbum tells the album's customer it is ready to view (POST /api/v1/albums/{id}/notify).
func (c *Client) NotifyAlbum(ctx context.Context, albumID int64) ([]store.OutboxMessage, error) {
	out := []store.OutboxMessage{}
	err := c.do(ctx, http.MethodPost, idPath("/api/v1/albums", albumID, "notify"), nil, nil, &out)
	return out, err
}

// AlbumNotifications lists the messages sent about an album (GET /api/v1/albums/{id}/notifications).
func (c *Client) AlbumNotifications(ctx context.Context, albumID int64) ([]store.OutboxMessage, error) {
	return list[store.OutboxMessage](ctx, c, idPath("/api/v1/albums", albumID, "notifications"), nil)
}

// MyPhotosPage returns the studio's "my photos" page address (GET /api/v1/my-photos/page).
func (c *Client) MyPhotosPage(ctx context.Context) (api.MyPhotosPage, error) {
	return send[api.MyPhotosPage](ctx, c, http.MethodGet, "/api/v1/my-photos/page", nil)
}

// ExtendAlbum buys months more retention for an album (POST /api/v1/albums/{id}/extend).
func (c *Client) ExtendAlbum(ctx context.Context, albumID int64, months int) (album.Album, error) {
	return send[album.Album](ctx, c, http.MethodPost, idPath("/api/v1/albums", albumID, "extend"), api.ExtendAlbum{Months: months})
}

// AlbumAnalytics returns views, visitors and downloads of an album's links (GET /api/v1/albums/{id}/analytics).
func (c *Client) AlbumAnalytics(ctx context.Context, albumID int64) (api.AlbumAnalytics, error) {
	return send[api.AlbumAnalytics](ctx, c, http.MethodGet, idPath("/api/v1/albums", albumID, "analytics"), nil)
}
