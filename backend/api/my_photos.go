package api

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/studiodesk/studiodesk/backend/account"
	"github.com/studiodesk/studiodesk/backend/album"
	"github.com/studiodesk/studiodesk/backend/auth"
	"github.com/studiodesk/studiodesk/backend/store"
)

// The studio's "my photos" page (/my/<slug>, docs/albums.md): a stable address for the
// studio's WeChat menu. A customer types phone + order code and sees every album of their
// orders. A wrong code and an unknown phone get the same answer, attempts are limited like
// access codes (per studio and phone, per address), and only the caller's own albums appear.

// Lookup limits: per studio and phone (whoever tries), per client address.
const (
	lookupPerPhone = 10
	lookupPerIP    = 30
	// myPhotosLabel names the share link the page opens an album through (the studio sees it
	// in the album's links and may revoke it; the next lookup makes a new one).
	myPhotosLabel = "我的照片"
)

// MyPhotosPage is the studio's page address.
type MyPhotosPage struct {
	Path string `json:"path"`
	URL  string `json:"url,omitempty"`
}

// MyPhotosLookup is what a customer types.
type MyPhotosLookup struct {
	Phone string `json:"phone"`
	Code  string `json:"code"`
}

// MyAlbum is one album in the customer's list; Path opens it.
type MyAlbum struct {
	Title      string     `json:"title"`
	Kind       album.Kind `json:"kind"`
	PhotoCount int        `json:"photo_count"`
	ExpiresAt  time.Time  `json:"expires_at"`
	Path       string     `json:"path"`
}

// MyPhotos is the answer of a successful lookup.
type MyPhotos struct {
	Studio   string    `json:"studio"`
	Customer string    `json:"customer"`
	Albums   []MyAlbum `json:"albums"`
}

func myPhotosPath(slug string) string { return "/my/" + slug }

func (s *Server) myPhotosRoutes(m *http.ServeMux) {
	m.Handle("GET /api/v1/my-photos/page", s.authed(s.myPhotosPage))
	m.Handle("GET /api/v1/public/studios/{slug}", s.public(s.publicStudio))
	m.Handle("POST /api/v1/public/studios/{slug}/lookup", s.public(s.lookupMyPhotos))
}

// myPhotosSlug returns the studio's page slug, drawing it on first use (tx must write).
func (s *Server) myPhotosSlug(ctx context.Context, tx store.Tx) (string, error) {
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return tx.EnsureStudioSlug(ctx, base64.RawURLEncoding.EncodeToString(b))
}

func (s *Server) myPhotosPage(c *call) (any, error) {
	if err := c.requireAny(account.PermAlbumManage, account.PermOrderManage, account.PermSettingsManage); err != nil {
		return nil, err
	}
	var slug string
	err := c.write(func(tx store.Tx) (err error) { slug, err = s.myPhotosSlug(c.ctx, tx); return })
	out := MyPhotosPage{Path: myPhotosPath(slug)}
	if s.cfg.PublicURL != "" {
		out.URL = s.publicBase() + out.Path
	}
	return out, err
}

// studioOfSlug binds the call to the page's studio; unknown slugs are 404.
func (c *call) studioOfSlug() error {
	slug := c.r.PathValue("slug")
	if slug == "" || len(slug) > 64 {
		return apiErr(http.StatusNotFound, "page_not_found", "", nil)
	}
	id, err := c.s.cfg.Store.TenantBySlug(c.ctx, slug)
	if errors.Is(err, store.ErrNotFound) {
		return apiErr(http.StatusNotFound, "page_not_found", "", nil)
	}
	if err != nil {
		return err
	}
	return c.s.cfg.Store.View(c.ctx, id, func(tx store.Tx) (err error) { c.tenant, err = tx.Tenant(c.ctx); return })
}

func (s *Server) publicStudio(c *call) (any, error) {
	if err := c.studioOfSlug(); err != nil {
		return nil, err
	}
	return map[string]any{"studio": c.tenant.Name}, nil
}

// lookupMyPhotos checks phone + order code and lists the customer's albums.
func (s *Server) lookupMyPhotos(c *call) (any, error) {
	if err := c.studioOfSlug(); err != nil {
		return nil, err
	}
	var in MyPhotosLookup
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if strings.TrimSpace(in.Phone) == "" {
		return nil, apiErr(http.StatusBadRequest, "required", "phone", nil)
	}
	phone, err := account.NormalizePhone("phone", in.Phone)
	if err != nil {
		return nil, err
	}
	code := album.NormalizeCode(in.Code)
	if code == "" {
		return nil, apiErr(http.StatusBadRequest, "required", "order_code", nil)
	}
	keys := []attemptLimit{{fmt.Sprintf("myphotos:%d:%s", c.tenant.ID, phone), lookupPerPhone}, {"myphotos:ip:" + c.clientIP(), lookupPerIP}}
	if err := s.checkAttempts(c, keys); err != nil {
		return nil, err
	}
	out := MyPhotos{Studio: c.tenant.Name, Albums: []MyAlbum{}}
	found := false
	err = c.write(func(tx store.Tx) error {
		orders, err := tx.OrdersByPhone(c.ctx, phone)
		if err != nil {
			return err
		}
		for _, o := range orders {
			if subtle.ConstantTimeCompare([]byte(o.Code), []byte(code)) != 1 {
				continue
			}
			found = true
			out.Customer = o.CustomerName
			albums, err := tx.ListAlbums(c.ctx, o.ID)
			if err != nil {
				return err
			}
			for _, a := range albums {
				if !c.now.Before(a.RetainUntil) {
					continue // expired (retention): gone for guests
				}
				token, err := s.myPhotosLink(c, tx, a)
				if err != nil {
					return err
				}
				out.Albums = append(out.Albums, MyAlbum{Title: a.Title, Kind: a.Kind, PhotoCount: a.PhotoCount, ExpiresAt: a.RetainUntil, Path: sharePath(token)})
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if !found {
		left, err := s.failedAttempt(c, keys)
		if err != nil {
			return nil, err
		}
		// The same answer whether the phone has orders or the code is wrong: no enumeration.
		return nil, apiErr(http.StatusForbidden, "order_lookup_failed", "order_code", map[string]any{"attempts_left": left})
	}
	return out, nil
}

// myPhotosLink returns the token of the album's "my photos" link, making one when it has no
// active one: no code (phone + order code stood in for it), lasting as long as the album.
func (s *Server) myPhotosLink(c *call, tx store.Tx, a album.Album) (string, error) {
	links, err := tx.ListShareLinks(c.ctx, a.ID)
	if err != nil {
		return "", err
	}
	for _, l := range links {
		if l.Label == myPhotosLabel && l.CreatedBy == 0 && !l.HasCode && l.State(c.now, a) == album.LinkActive {
			return l.Token, nil
		}
	}
	l, _, err := album.NewShareLink(a, "", myPhotosLabel, nil, true, c.now)
	if err != nil {
		return "", err
	}
	token, hash, err := auth.NewToken()
	if err != nil {
		return "", err
	}
	l.Token, l.TokenHash = token, hash
	if l, err = tx.InsertShareLink(c.ctx, l); err != nil {
		return "", err
	}
	return token, c.audit(tx, "share.create", "share_link", l.ID, nil, forAudit(l))
}
