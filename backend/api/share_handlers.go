package api

import (
	"net/http"
	"time"

	"github.com/studiodesk/studiodesk/backend/account"
	"github.com/studiodesk/studiodesk/backend/album"
	"github.com/studiodesk/studiodesk/backend/auth"
	"github.com/studiodesk/studiodesk/backend/store"
)

// NewShare is what the studio asks for when sharing an album.
type NewShare struct {
	Code          string     `json:"code"`
	Label         string     `json:"label"`
	ExpiresAt     *time.Time `json:"expires_at"`
	AllowDownload *bool      `json:"allow_download"` // default true
}

// ShareLinkView is a link as the studio sees it: its state and its path on the server.
type ShareLinkView struct {
	album.ShareLink
	State string `json:"state"`
	Path  string `json:"path"`
}

func linkView(l album.ShareLink, a album.Album, now time.Time) ShareLinkView {
	return ShareLinkView{ShareLink: l, State: l.State(now, a), Path: sharePath(l.Token)}
}

// forAudit is the link without its token: the audit log records what changed, not keys.
func forAudit(l album.ShareLink) album.ShareLink {
	l.Token = ""
	return l
}

// sharePath is where a link opens on the server (the customer pages).
func sharePath(token string) string { return "/s/" + token }

func (s *Server) shareRoutes(m *http.ServeMux) {
	m.Handle("POST /api/v1/albums/{id}/links", s.authed(s.createShareLink))
	m.Handle("GET /api/v1/albums/{id}/links", s.authed(s.listShareLinks))
	m.Handle("POST /api/v1/links/{id}/revoke", s.authed(s.revokeShareLink))
	s.publicRoutes(m)
}

func (s *Server) createShareLink(c *call) (any, error) {
	albumID, err := c.pathID("id")
	if err != nil {
		return nil, err
	}
	if err := c.require(account.PermAlbumManage); err != nil {
		return nil, c.denied(err.(*Error), "share.create", "album", albumID)
	}
	var in NewShare
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	allow := in.AllowDownload == nil || *in.AllowDownload
	var out ShareLinkView
	err = c.write(func(tx store.Tx) error {
		a, err := c.visibleAlbum(tx, albumID)
		if err != nil {
			return err
		}
		l, code, err := album.NewShareLink(a, in.Code, in.Label, in.ExpiresAt, allow, c.now)
		if err != nil {
			return err
		}
		if code != "" {
			if l.CodeHash, err = auth.HashPassword(s.cfg.Password, code); err != nil {
				return err
			}
		}
		token, hash, err := auth.NewToken()
		if err != nil {
			return err
		}
		l.Token, l.TokenHash, l.CreatedBy = token, hash, c.staff.ID
		if l, err = tx.InsertShareLink(c.ctx, l); err != nil {
			return err
		}
		out = linkView(l, a, c.now)
		return c.audit(tx, "share.create", "share_link", l.ID, nil, forAudit(l))
	})
	if err != nil {
		return nil, c.albumDenied(err, "share.create", "album", albumID)
	}
	c.status = http.StatusCreated
	return out, nil
}

func (s *Server) listShareLinks(c *call) (any, error) {
	if err := c.requireAny(account.PermAlbumManage, account.PermOrderManage); err != nil {
		return nil, err
	}
	albumID, err := c.pathID("id")
	if err != nil {
		return nil, err
	}
	out := []ShareLinkView{}
	err = c.view(func(tx store.Tx) error {
		a, err := c.visibleAlbum(tx, albumID)
		if err != nil {
			return err
		}
		links, err := tx.ListShareLinks(c.ctx, albumID)
		for _, l := range links {
			out = append(out, linkView(l, a, c.now))
		}
		return err
	})
	return out, c.albumDenied(err, "album.view", "album", albumID)
}

func (s *Server) revokeShareLink(c *call) (any, error) {
	id, err := c.pathID("id")
	if err != nil {
		return nil, err
	}
	if err := c.require(account.PermAlbumManage); err != nil {
		return nil, c.denied(err.(*Error), "share.revoke", "share_link", id)
	}
	var out ShareLinkView
	err = c.write(func(tx store.Tx) error {
		l, err := tx.GetShareLink(c.ctx, id)
		if err != nil {
			return err
		}
		a, err := c.visibleAlbum(tx, l.AlbumID)
		if err != nil {
			return err
		}
		r, err := tx.RevokeShareLink(c.ctx, id, c.now)
		if err != nil {
			return err
		}
		out = linkView(r, a, c.now)
		return c.audit(tx, "share.revoke", "share_link", id, forAudit(l), forAudit(r))
	})
	if err == nil {
		s.links.forget()
	}
	return out, c.albumDenied(err, "share.revoke", "share_link", id)
}
