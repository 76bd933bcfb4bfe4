package app

import (
	"context"

	"github.com/studiodesk/studiodesk/backend/album"
	"github.com/studiodesk/studiodesk/backend/api"
	"github.com/studiodesk/studiodesk/backend/api/apiclient"
)

// ListOrders returns a page of the orders the user may see, newest first.
func (a *App) ListOrders(q apiclient.OrderQuery) (api.OrderPage, error) {
	return call(a, func(ctx context.Context, c *apiclient.Client) (api.OrderPage, error) { return c.ListOrders(ctx, q) })
}

// GetOrder returns an order with its albums.
func (a *App) GetOrder(id int64) (api.OrderDetail, error) {
	return call(a, func(ctx context.Context, c *apiclient.Client) (api.OrderDetail, error) { return c.GetOrder(ctx, id) })
}

// SaveOrder creates the order (ID 0) or edits it (not its phone: see CorrectOrderPhone).
func (a *App) SaveOrder(o album.Order) (album.Order, error) {
	return call(a, func(ctx context.Context, c *apiclient.Client) (album.Order, error) {
		if o.ID == 0 {
			return c.CreateOrder(ctx, o)
		}
		return c.UpdateOrder(ctx, o)
	})
}

// CorrectOrderPhone changes an order's customer phone, with the reason (audited).
func (a *App) CorrectOrderPhone(id int64, phone, reason string) (album.Order, error) {
	return call(a, func(ctx context.Context, c *apiclient.Client) (album.Order, error) {
		return c.CorrectOrderPhone(ctx, id, api.PhoneCorrection{Phone: phone, Reason: reason})
	})
}

// SaveAlbum creates an album in order orderID (ID 0; spends credits) or edits it.
func (a *App) SaveAlbum(orderID int64, al album.Album) (album.Album, error) {
	return call(a, func(ctx context.Context, c *apiclient.Client) (album.Album, error) {
		if al.ID == 0 {
			return c.CreateAlbum(ctx, orderID, al)
		}
		return c.UpdateAlbum(ctx, al)
	})
}
