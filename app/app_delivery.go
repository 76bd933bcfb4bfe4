package app

import (
	"context"

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
