package apiclient

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"github.com/studiodesk/studiodesk/backend/album"
	"github.com/studiodesk/studiodesk/backend/api"
)

// OrderQuery selects a page of orders; zero fields do not filter.
type OrderQuery struct {
	Q        string `json:"q,omitempty"`
	BranchID int64  `json:"branch_id,omitempty"`
	Before   int64  `json:"before,omitempty"`
	Limit    int    `json:"limit,omitempty"`
}

// ListOrders returns a page of the orders the caller may see (GET /api/v1/orders).
func (c *Client) ListOrders(ctx context.Context, q OrderQuery) (api.OrderPage, error) {
	v := url.Values{}
	if q.Q != "" {
		v.Set("q", q.Q)
	}
	if q.BranchID != 0 {
		v.Set("branch_id", strconv.FormatInt(q.BranchID, 10))
	}
	if q.Before != 0 {
		v.Set("before", strconv.FormatInt(q.Before, 10))
	}
	if q.Limit != 0 {
		v.Set("limit", strconv.Itoa(q.Limit))
	}
	var out api.OrderPage
	err := c.do(ctx, http.MethodGet, "/api/v1/orders", v, nil, &out)
	return out, err
}

// GetOrder returns an order with its albums (GET /api/v1/orders/{id}).
func (c *Client) GetOrder(ctx context.Context, id int64) (api.OrderDetail, error) {
	return send[api.OrderDetail](ctx, c, http.MethodGet, idPath("/api/v1/orders", id), nil)
}

// CreateOrder adds an order; the server draws its code (POST /api/v1/orders).
func (c *Client) CreateOrder(ctx context.Context, o album.Order) (album.Order, error) {
	return send[album.Order](ctx, c, http.MethodPost, "/api/v1/orders", o)
}

// UpdateOrder edits order o.ID; the phone changes only through CorrectOrderPhone
// (PUT /api/v1/orders/{id}).
func (c *Client) UpdateOrder(ctx context.Context, o album.Order) (album.Order, error) {
	return send[album.Order](ctx, c, http.MethodPut, idPath("/api/v1/orders", o.ID), o)
}

// CorrectOrderPhone changes an order's customer phone with a reason
// (POST /api/v1/orders/{id}/phone).
func (c *Client) CorrectOrderPhone(ctx context.Context, id int64, fix api.PhoneCorrection) (album.Order, error) {
	return send[album.Order](ctx, c, http.MethodPost, idPath("/api/v1/orders", id, "phone"), fix)
}

// CreateAlbum adds an album to an order, spending credits (POST /api/v1/orders/{id}/albums).
func (c *Client) CreateAlbum(ctx context.Context, orderID int64, a album.Album) (album.Album, error) {
	return send[album.Album](ctx, c, http.MethodPost, idPath("/api/v1/orders", orderID, "albums"), a)
}

// UpdateAlbum edits album a.ID (PUT /api/v1/albums/{id}).
func (c *Client) UpdateAlbum(ctx context.Context, a album.Album) (album.Album, error) {
	return send[album.Album](ctx, c, http.MethodPut, idPath("/api/v1/albums", a.ID), a)
}

// AlbumPhotos lists an album's files in upload order (GET /api/v1/albums/{id}/photos).
func (c *Client) AlbumPhotos(ctx context.Context, albumID int64) ([]album.Photo, error) {
	return list[album.Photo](ctx, c, idPath("/api/v1/albums", albumID, "photos"), nil)
}

// ShareLinks lists an album's share links (GET /api/v1/albums/{id}/links).
func (c *Client) ShareLinks(ctx context.Context, albumID int64) ([]api.ShareLinkView, error) {
	return list[api.ShareLinkView](ctx, c, idPath("/api/v1/albums", albumID, "links"), nil)
}

// CreateShareLink shares an album (POST /api/v1/albums/{id}/links).
func (c *Client) CreateShareLink(ctx context.Context, albumID int64, req api.NewShare) (api.ShareLinkView, error) {
	return send[api.ShareLinkView](ctx, c, http.MethodPost, idPath("/api/v1/albums", albumID, "links"), req)
}

// DeletePhoto removes a photo from its album (DELETE /api/v1/albums/{id}/photos/{photo}).
func (c *Client) DeletePhoto(ctx context.Context, albumID, photoID int64) error {
	return c.do(ctx, http.MethodDelete, idPath("/api/v1/albums", albumID, "photos")+"/"+strconv.FormatInt(photoID, 10), nil, nil, nil)
}

// RevokeShareLink closes a link (POST /api/v1/links/{id}/revoke).
func (c *Client) RevokeShareLink(ctx context.Context, id int64) (api.ShareLinkView, error) {
	return send[api.ShareLinkView](ctx, c, http.MethodPost, idPath("/api/v1/links", id, "revoke"), nil)
}
