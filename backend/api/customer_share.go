package api

import (
	"bytes"
	"fmt"
	"html"
	"net/http"
	"strings"

	"github.com/studiodesk/studiodesk/backend/album"
	"github.com/studiodesk/studiodesk/backend/auth"
	"github.com/studiodesk/studiodesk/backend/store"
)

// shareMeta adds what link previews and "add to home screen" need to a share page
// (/s/<token>): Open Graph title, description and cover, and the album's web app manifest.
// Forwarded links then preview as the album, not as a blank page. A code-protected album
// shows its title but no cover.
func (s *Server) shareMeta(r *http.Request, page []byte) []byte {
	token, ok := strings.CutPrefix(r.URL.Path, "/s/")
	token = strings.TrimSuffix(token, "/")
	if !ok || token == "" || len(token) > 100 || strings.Contains(token, "/") {
		return page
	}
	l, err := s.cfg.Store.ShareLinkByToken(r.Context(), auth.HashToken(token))
	if err != nil {
		return page
	}
	var a album.Album
	var studio string
	var cover int64
	now := s.cfg.Now()
	err = s.cfg.Store.View(r.Context(), l.TenantID, func(tx store.Tx) error {
		t, err := tx.Tenant(r.Context())
		if err != nil {
			return err
		}
		studio = t.Name
		if a, err = tx.GetAlbum(r.Context(), l.AlbumID); err != nil || l.HasCode {
			return err
		}
		photos, err := tx.ListPhotos(r.Context(), a.ID)
		for _, p := range photos {
			if p.Kind == "image" && p.Status == album.PhotoReady && (a.CoverPhotoID == 0 || p.ID == a.CoverPhotoID) {
				cover = p.ID
				break
			}
		}
		return err
	})
	if err != nil || l.State(now, a) != album.LinkActive {
		return page
	}
	base := "/api/v1/public/links/" + token
	var m strings.Builder
	meta := func(prop, content string) {
		fmt.Fprintf(&m, `<meta property="%s" content="%s" />`, prop, html.EscapeString(content))
	}
	meta("og:type", "website")
	meta("og:title", a.Title+" · "+studio)
	meta("og:description", fmt.Sprintf("%s · %d", studio, a.PhotoCount))
	if cover != 0 {
		scheme := "http"
		if r.TLS != nil || (s.cfg.TrustProxy && r.Header.Get("X-Forwarded-Proto") == "https") {
			scheme = "https"
		}
		meta("og:image", fmt.Sprintf("%s://%s%s/photos/%d/preview", scheme, r.Host, base, cover))
	}
	fmt.Fprintf(&m, `<link rel="manifest" href="%s/manifest.webmanifest" />`, base)
	return bytes.Replace(page, []byte("</head>"), []byte(m.String()+"</head>"), 1)
}

// shareManifest lets a customer add the album to the home screen: it opens the link itself.
func (s *Server) shareManifest(c *call) (any, error) {
	sa, err := c.resolveLink()
	if err != nil {
		return nil, err
	}
	return map[string]any{
		"name": sa.album.Title + " · " + c.tenant.Name, "short_name": sa.album.Title,
		"start_url": sharePath(c.r.PathValue("token")), "display": "standalone",
		"background_color": "#faf7f2", "theme_color": "#c8a063",
		"icons": []map[string]string{{"src": "/favicon.svg", "sizes": "any", "type": "image/svg+xml"}},
	}, nil
}
