package app

import (
	"context"
	"encoding/base64"
	"errors"
	"net/http"

	"github.com/studiodesk/studiodesk/backend/album"
	"github.com/studiodesk/studiodesk/backend/api"
	"github.com/studiodesk/studiodesk/backend/api/apiclient"
	"github.com/studiodesk/studiodesk/backend/notify"
	"github.com/studiodesk/studiodesk/backend/store"
)

// NotifySettings reads the studio's customer-notification setup (secrets masked).
func (a *App) NotifySettings() (api.NotifySettingsView, error) {
	return call(a, func(ctx context.Context, c *apiclient.Client) (api.NotifySettingsView, error) {
		return c.NotifySettings(ctx)
	})
}

// SaveNotifySettings saves the setup; secrets left empty or masked keep the stored ones.
func (a *App) SaveNotifySettings(s notify.Settings) (api.NotifySettingsView, error) {
	return call(a, func(ctx context.Context, c *apiclient.Client) (api.NotifySettingsView, error) {
		return c.SaveNotifySettings(ctx, s)
	})
}

// NotifyAlbum tells an album's customer that it is ready to view.
func (a *App) NotifyAlbum(albumID int64) ([]store.OutboxMessage, error) {
	return call(a, func(ctx context.Context, c *apiclient.Client) ([]store.OutboxMessage, error) {
		return c.NotifyAlbum(ctx, albumID)
	})
}

// AlbumNotifications lists the messages sent about an album, newest first.
func (a *App) AlbumNotifications(albumID int64) ([]store.OutboxMessage, error) {
	return call(a, func(ctx context.Context, c *apiclient.Client) ([]store.OutboxMessage, error) {
		return c.AlbumNotifications(ctx, albumID)
	})
}

// MyPhotosPage returns the studio's "my photos" page address (for its WeChat menu).
func (a *App) MyPhotosPage() (api.MyPhotosPage, error) {
	return call(a, func(ctx context.Context, c *apiclient.Client) (api.MyPhotosPage, error) { return c.MyPhotosPage(ctx) })
}

// ExtendAlbum buys months more retention for an album with credits (a hidden album is shown
// again).
func (a *App) ExtendAlbum(albumID int64, months int) (album.Album, error) {
	return call(a, func(ctx context.Context, c *apiclient.Client) (album.Album, error) {
		return c.ExtendAlbum(ctx, albumID, months)
	})
}

// AlbumAnalytics returns views, unique visitors and downloads per link and per photo.
func (a *App) AlbumAnalytics(albumID int64) (api.AlbumAnalytics, error) {
	return call(a, func(ctx context.Context, c *apiclient.Client) (api.AlbumAnalytics, error) {
		return c.AlbumAnalytics(ctx, albumID)
	})
}

// TestNotify sends a test message over one channel through the saved settings.
func (a *App) TestNotify(in api.NotifyTest) (api.NotifyTestResult, error) {
	return call(a, func(ctx context.Context, c *apiclient.Client) (api.NotifyTestResult, error) {
		return c.TestNotify(ctx, in)
	})
}

// StudioLogo is the studio's watermark logo as a data: URL for an <img> ("" when none).
type StudioLogo struct {
	DataURL string `json:"data_url"`
}

// StudioLogo reads the studio's watermark logo.
func (a *App) StudioLogo() (StudioLogo, error) {
	return call(a, func(ctx context.Context, c *apiclient.Client) (StudioLogo, error) {
		b, ctype, err := c.StudioLogo(ctx)
		var ae *apiclient.Error
		if errors.As(err, &ae) && ae.Status == http.StatusNotFound {
			return StudioLogo{}, nil
		}
		if err != nil {
			return StudioLogo{}, err
		}
		return StudioLogo{DataURL: "data:" + ctype + ";base64," + base64.StdEncoding.EncodeToString(b)}, nil
	})
}

// SetStudioLogo stores a PNG or JPEG (base64, as the page's file input read it) as the
// studio's logo; albums with a watermark are re-rendered with it.
func (a *App) SetStudioLogo(imageBase64 string) (api.LogoInfo, error) {
	b, err := base64.StdEncoding.DecodeString(imageBase64)
	if err != nil {
		return api.LogoInfo{}, newError(a.snapshot().Language, http.StatusBadRequest, CodeInvalidValue, "logo", map[string]any{"allowed": "PNG, JPEG"})
	}
	return call(a, func(ctx context.Context, c *apiclient.Client) (api.LogoInfo, error) {
		return c.SetStudioLogo(ctx, b)
	})
}

// DeleteStudioLogo removes the logo (watermarked albums are re-rendered without it).
func (a *App) DeleteStudioLogo() error {
	_, err := call(a, func(ctx context.Context, c *apiclient.Client) (struct{}, error) {
		return struct{}{}, c.DeleteStudioLogo(ctx)
	})
	return err
}
