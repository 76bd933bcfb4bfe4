package apiclient

import (
	"bytes"
	"context"
	"encoding/json"
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

// TestNotify sends a test message over one channel through the saved settings (POST /api/v1/notify/test).
func (c *Client) TestNotify(ctx context.Context, in api.NotifyTest) (api.NotifyTestResult, error) {
	return send[api.NotifyTestResult](ctx, c, http.MethodPost, "/api/v1/notify/test", in)
}

// StudioLogo is the studio's watermark logo: the image and its type (GET /api/v1/studio/logo;
// an *Error with code not_found when there is none).
func (c *Client) StudioLogo(ctx context.Context) ([]byte, string, error) {
	res, raw, err := c.exchange(ctx, http.MethodGet, "/api/v1/studio/logo", nil, nil, "")
	if err != nil {
		return nil, "", err
	}
	return raw, res.Header.Get("Content-Type"), nil
}

// SetStudioLogo stores a PNG or JPEG as the studio's logo; watermarked albums are re-rendered
// (PUT /api/v1/studio/logo).
func (c *Client) SetStudioLogo(ctx context.Context, image []byte) (api.LogoInfo, error) {
	var out api.LogoInfo
	_, raw, err := c.exchange(ctx, http.MethodPut, "/api/v1/studio/logo", nil, bytes.NewReader(image), "application/octet-stream")
	if err == nil {
		err = json.Unmarshal(raw, &out)
	}
	return out, err
}

// DeleteStudioLogo removes the logo (DELETE /api/v1/studio/logo).
func (c *Client) DeleteStudioLogo(ctx context.Context) error {
	return c.do(ctx, http.MethodDelete, "/api/v1/studio/logo", nil, nil, nil)
}
