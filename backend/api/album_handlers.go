package api

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/studiodesk/studiodesk/backend/account"
	"github.com/studiodesk/studiodesk/backend/album"
	"github.com/studiodesk/studiodesk/backend/credit"
	notice "github.com/studiodesk/studiodesk/backend/notify"
	"github.com/studiodesk/studiodesk/backend/store"
)

// OrderDetail is an order with its albums.
type OrderDetail struct {
	Order  album.Order   `json:"order"`
	Albums []album.Album `json:"albums"`
}

// OrderPage is one page of orders, newest first; Next is the `before` of the next page.
type OrderPage struct {
	Orders []album.Order `json:"orders"`
	Next   int64         `json:"next,omitempty"`
}

// PhoneCorrection changes a customer's phone on an order (with the reason, audited).
type PhoneCorrection struct {
	Phone  string `json:"phone"`
	Reason string `json:"reason"`
}

func (s *Server) albumRoutes(m *http.ServeMux) {
	m.Handle("GET /api/v1/orders", s.authed(s.listOrders))
	m.Handle("POST /api/v1/orders", s.authed(s.createOrder))
	m.Handle("GET /api/v1/orders/{id}", s.authed(s.getOrder))
	m.Handle("PUT /api/v1/orders/{id}", s.authed(s.updateOrder))
	m.Handle("POST /api/v1/orders/{id}/phone", s.authed(s.correctOrderPhone))
	m.Handle("POST /api/v1/orders/{id}/albums", s.authed(s.createAlbum))
	m.Handle("GET /api/v1/albums/{id}", s.authed(s.getAlbum))
	m.Handle("PUT /api/v1/albums/{id}", s.authed(s.updateAlbum))
	m.Handle("POST /api/v1/albums/{id}/extend", s.authed(s.extendAlbum))
	m.Handle("DELETE /api/v1/albums/{id}/photos/{photo}", s.authed(s.deletePhoto))
	m.Handle("GET /api/v1/albums/{id}/analytics", s.authed(s.albumAnalytics))
}

// requireAny fails with 403 unless the caller holds one of ps (the first is named).
func (c *call) requireAny(ps ...account.Permission) error {
	for _, p := range ps {
		if c.actor.Can(p) {
			return nil
		}
	}
	return c.require(ps[0])
}

// orderInScope fails with out_of_scope unless the caller's data scope reaches o.
func (c *call) orderInScope(o album.Order) error {
	if c.actor.InScope(o.Placement()) {
		return nil
	}
	return apiErr(http.StatusForbidden, "out_of_scope", "", map[string]any{"scope": string(c.actor.Grant.Scope), "order_id": o.ID})
}

// visibleOrder loads an order the caller may see.
func (c *call) visibleOrder(tx store.Tx, id int64) (album.Order, error) {
	o, err := tx.GetOrder(c.ctx, id)
	if err != nil {
		return o, err
	}
	return o, c.orderInScope(o)
}

// albumDenied audits a refused order/album action and returns the error.
func (c *call) albumDenied(err error, action, entity string, id int64) error {
	if ae, ok := isDenial(err); ok {
		return c.denied(ae, action, entity, id)
	}
	return err
}

func (s *Server) listOrders(c *call) (any, error) {
	if err := c.requireAny(account.PermOrderManage, account.PermAlbumManage); err != nil {
		return nil, err
	}
	before, limit, err := c.pageQuery(50)
	if err != nil {
		return nil, err
	}
	q := c.r.URL.Query()
	branch, err := queryInt(q.Get("branch_id"), "branch_id", 0, 1<<62)
	if err != nil {
		return nil, err
	}
	f := store.OrderFilter{Scope: c.leadScope(), BranchID: branch, Text: q.Get("q"), BeforeID: before, Limit: int(limit)}
	out := OrderPage{}
	err = c.view(func(tx store.Tx) (err error) { out.Orders, err = tx.ListOrders(c.ctx, f); return })
	if n := len(out.Orders); n == int(limit) {
		out.Next = out.Orders[n-1].ID
	}
	return out, err
}

// placeOrder fills the order's brand and department from its branch and owner, links the lead
// (taking the customer's name and phone from it when the form left them empty), and checks
// that the caller's scope reaches where the order lands.
func (c *call) placeOrder(tx store.Tx, o *album.Order) error {
	if o.LeadID != 0 {
		l, err := c.visibleLead(tx, o.LeadID)
		if err != nil {
			return refExists(err, "lead_id")
		}
		if strings.TrimSpace(o.CustomerName) == "" {
			o.CustomerName = l.Name
		}
		if strings.TrimSpace(o.Phone) == "" {
			o.Phone = l.Phone
		}
	}
	n, err := album.NormalizeOrder(*o)
	if err != nil {
		return err
	}
	*o = n
	br, err := tx.GetBranch(c.ctx, o.BranchID)
	if err != nil {
		return refExists(err, "branch_id")
	}
	o.BrandID = br.BrandID
	if o.OwnerID == 0 {
		o.OwnerID = c.staff.ID
	}
	owner, err := tx.GetStaff(c.ctx, o.OwnerID)
	if err != nil {
		return refExists(err, "owner_id")
	}
	if owner.Disabled {
		return apiErr(http.StatusBadRequest, "staff_disabled_target", "owner_id", map[string]any{"staff": owner.Name})
	}
	o.DepartmentID = owner.DepartmentID
	return c.orderInScope(*o)
}

func (s *Server) createOrder(c *call) (any, error) {
	if err := c.require(account.PermOrderManage); err != nil {
		return nil, c.denied(err.(*Error), "order.create", "order", 0)
	}
	var o album.Order
	if err := c.decode(&o); err != nil {
		return nil, err
	}
	o.ID, o.CreatedBy, o.CreatedAt, o.UpdatedAt = 0, c.staff.ID, c.now, c.now
	err := c.write(func(tx store.Tx) error {
		if err := c.placeOrder(tx, &o); err != nil {
			return err
		}
		// A fresh code; the check keeps a (one in ~10^11) collision from failing the insert.
		for {
			code, err := album.NewCode()
			if err != nil {
				return err
			}
			if _, err := tx.OrderByCode(c.ctx, code); errors.Is(err, store.ErrNotFound) {
				o.Code = code
				break
			} else if err != nil {
				return err
			}
		}
		var err error
		if o, err = tx.InsertOrder(c.ctx, o); err != nil {
			return err
		}
		return c.audit(tx, "order.create", "order", o.ID, nil, o)
	})
	if err != nil {
		return nil, c.albumDenied(err, "order.create", "order", 0)
	}
	c.status = http.StatusCreated
	return o, nil
}

func (s *Server) getOrder(c *call) (any, error) {
	if err := c.requireAny(account.PermOrderManage, account.PermAlbumManage); err != nil {
		return nil, err
	}
	id, err := c.pathID("id")
	if err != nil {
		return nil, err
	}
	var out OrderDetail
	err = c.view(func(tx store.Tx) error {
		var err error
		if out.Order, err = c.visibleOrder(tx, id); err != nil {
			return err
		}
		out.Albums, err = tx.ListAlbums(c.ctx, id)
		return err
	})
	return out, c.albumDenied(err, "order.view", "order", id)
}

func (s *Server) updateOrder(c *call) (any, error) {
	id, err := c.pathID("id")
	if err != nil {
		return nil, err
	}
	if err := c.require(account.PermOrderManage); err != nil {
		return nil, c.denied(err.(*Error), "order.update", "order", id)
	}
	var in album.Order
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	var out album.Order
	err = c.write(func(tx store.Tx) error {
		before, err := c.visibleOrder(tx, id)
		if err != nil {
			return err
		}
		if in.Phone != "" {
			if p, err := account.NormalizePhone("phone", in.Phone); err != nil || p != before.Phone {
				return apiErr(http.StatusBadRequest, "order_phone_locked", "phone", nil)
			}
		}
		o := before
		o.CustomerName, o.Email, o.Package, o.ShootDate, o.Note, o.BranchID, o.OwnerID, o.LeadID =
			in.CustomerName, in.Email, in.Package, in.ShootDate, in.Note, in.BranchID, in.OwnerID, in.LeadID
		if o.BranchID == 0 {
			o.BranchID = before.BranchID
		}
		if o.OwnerID == 0 {
			o.OwnerID = before.OwnerID
		}
		o.UpdatedAt = c.now
		if err := c.placeOrder(tx, &o); err != nil {
			return err
		}
		if out, err = tx.UpdateOrder(c.ctx, o); err != nil {
			return err
		}
		return c.audit(tx, "order.update", "order", id, before, out)
	})
	return out, c.albumDenied(err, "order.update", "order", id)
}

// correctOrderPhone fixes a customer's phone. Customers find their albums by phone + order
// code, so the new phone finds them at once and the old one no longer does; share links keep
// working (they name the album, not the phone).
func (s *Server) correctOrderPhone(c *call) (any, error) {
	id, err := c.pathID("id")
	if err != nil {
		return nil, err
	}
	if err := c.require(account.PermOrderManage); err != nil {
		return nil, c.denied(err.(*Error), "order.correct_phone", "order", id)
	}
	var in PhoneCorrection
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	phone, err := account.NormalizePhone("phone", in.Phone)
	if err != nil {
		return nil, err
	}
	if in.Reason = strings.TrimSpace(in.Reason); in.Reason == "" {
		return nil, apiErr(http.StatusBadRequest, "reason_required", "reason", nil)
	}
	var out album.Order
	err = c.write(func(tx store.Tx) error {
		before, err := c.visibleOrder(tx, id)
		if err != nil {
			return err
		}
		if before.Phone == phone {
			return apiErr(http.StatusBadRequest, "order_phone_same", "phone", nil)
		}
		o := before
		o.Phone, o.UpdatedAt = phone, c.now
		if out, err = tx.UpdateOrder(c.ctx, o); err != nil {
			return err
		}
		return c.audit(tx, "order.correct_phone", "order", id,
			map[string]any{"phone": before.Phone}, map[string]any{"phone": out.Phone, "reason": in.Reason})
	})
	return out, c.albumDenied(err, "order.correct_phone", "order", id)
}

// createAlbum adds an album to an order and charges album.create in the same transaction:
// without enough credits nothing is stored (402 credits_insufficient, need and have).
func (s *Server) createAlbum(c *call) (any, error) {
	orderID, err := c.pathID("id")
	if err != nil {
		return nil, err
	}
	if err := c.require(account.PermAlbumManage); err != nil {
		return nil, c.denied(err.(*Error), "album.create", "order", orderID)
	}
	var in album.Album
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	a, err := album.NormalizeAlbum(album.Album{Kind: in.Kind, Title: in.Title, SortOrder: in.SortOrder, Settings: in.Settings, Live: in.Live})
	if err != nil {
		return nil, err
	}
	a.OrderID, a.CreatedBy, a.CreatedAt, a.UpdatedAt = orderID, c.staff.ID, c.now, c.now
	a.RetainUntil = album.RetainUntil(c.now, a.Settings.RetentionDays)
	err = c.write(func(tx store.Tx) error {
		if _, err := c.visibleOrder(tx, orderID); err != nil {
			return err
		}
		if err := c.checkStorageUnpaid(tx); err != nil {
			return err
		}
		var err error
		if a, err = tx.InsertAlbum(c.ctx, a); err != nil {
			return err
		}
		if _, err := c.charge(tx, credit.ItemAlbumCreate, 1, "album", a.ID); err != nil {
			return err
		}
		return c.audit(tx, "album.create", "album", a.ID, nil, a)
	})
	if err != nil {
		return nil, c.albumDenied(err, "album.create", "order", orderID)
	}
	c.status = http.StatusCreated
	return a, nil
}

// visibleAlbum loads an album whose order the caller may see.
func (c *call) visibleAlbum(tx store.Tx, id int64) (album.Album, error) {
	a, err := tx.GetAlbum(c.ctx, id)
	if err != nil {
		return a, err
	}
	_, err = c.visibleOrder(tx, a.OrderID)
	return a, err
}

func (s *Server) getAlbum(c *call) (any, error) {
	if err := c.requireAny(account.PermAlbumManage, account.PermOrderManage); err != nil {
		return nil, err
	}
	id, err := c.pathID("id")
	if err != nil {
		return nil, err
	}
	var out album.Album
	err = c.view(func(tx store.Tx) (err error) { out, err = c.visibleAlbum(tx, id); return })
	return out, c.albumDenied(err, "album.view", "album", id)
}

func (s *Server) updateAlbum(c *call) (any, error) {
	id, err := c.pathID("id")
	if err != nil {
		return nil, err
	}
	if err := c.require(account.PermAlbumManage); err != nil {
		return nil, c.denied(err.(*Error), "album.update", "album", id)
	}
	// live is optional in the body: absent keeps the album's flag (older clients), so a
	// benchmark or script may send {"live": true} with the album's other fields.
	var in struct {
		album.Album
		Live *bool `json:"live"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	var out album.Album
	err = c.write(func(tx store.Tx) error {
		before, err := c.visibleAlbum(tx, id)
		if err != nil {
			return err
		}
		in.Album.Live = before.Live
		if in.Live != nil {
			in.Album.Live = *in.Live
		}
		a, err := album.Edit(before, in.Album)
		if err != nil {
			return err
		}
		if a.CoverPhotoID != 0 && a.CoverPhotoID != before.CoverPhotoID {
			p, err := tx.GetPhoto(c.ctx, a.CoverPhotoID)
			if errors.Is(err, store.ErrNotFound) || err == nil && (p.AlbumID != a.ID || p.Kind != "image" || p.Status != album.PhotoReady) {
				return apiErr(http.StatusUnprocessableEntity, "cover_photo_invalid", "cover_photo_id", nil)
			}
			if err != nil {
				return err
			}
		}
		if out, err = s.saveRetention(c, tx, before, a, 0); err != nil {
			return err
		}
		if before.Status != album.StatusFinished && out.Status == album.StatusFinished {
			st, err := notifySettings(c.ctx, tx)
			if err != nil {
				return err
			}
			if st.OnFinish {
				key := fmt.Sprintf("finished:%d:%d", out.ID, c.now.UnixMilli())
				if _, err := s.queueNotice(c.ctx, tx, out, notice.KindAlbumFinished, key, nil, c.now); err != nil {
					return err
				}
			}
		}
		if out.Settings.Watermark != before.Settings.Watermark { // photos already rendered follow
			if err := scheduleRemark(c.ctx, tx, id, c.now); err != nil {
				return err
			}
		}
		return c.audit(tx, "album.update", "album", id, before, out)
	})
	if err == nil {
		s.links.forget() // thumbs and previews see the new settings at once
	}
	return out, c.albumDenied(err, "album.update", "album", id)
}
