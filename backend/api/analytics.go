package api

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"sort"
	"strconv"
	"time"

	"github.com/studiodesk/studiodesk/backend/account"
	"github.com/studiodesk/studiodesk/backend/album"
	"github.com/studiodesk/studiodesk/backend/store"
)

// Link analytics (docs/albums.md, "Analytics"): views, unique visitors and downloads per link
// and per photo. A visitor is a random id in a first-party cookie, kept for a year and stored
// only hashed together with the link, so it cannot follow a guest from one link to another.
const (
	visitorCookie = "sd_vid"
	visitorTTL    = 365 * 24 * time.Hour
)

// visitorHash returns the hash of the request's visitor id for link linkID, giving the
// browser an id first when it has none.
func (c *call) visitorHash(linkID int64) []byte {
	vid := ""
	if ck, err := c.r.Cookie(visitorCookie); err == nil && len(ck.Value) == 22 {
		if _, err := base64.RawURLEncoding.DecodeString(ck.Value); err == nil {
			vid = ck.Value
		}
	}
	if vid == "" {
		b := make([]byte, 16)
		_, _ = rand.Read(b)
		vid = base64.RawURLEncoding.EncodeToString(b)
		http.SetCookie(c.w, &http.Cookie{Name: visitorCookie, Value: vid, Path: "/api/v1/public/", Expires: c.now.Add(visitorTTL),
			HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: c.r.TLS != nil})
	}
	h := sha256.Sum256([]byte(vid + ":" + strconv.FormatInt(linkID, 10)))
	return h[:]
}

// countView records one view of a link by the request's visitor, outside any studio
// transaction (like the other guest counters); a failed count is logged, never the guest's
// problem.
func (c *call) countView(l album.ShareLink) {
	vh := c.visitorHash(l.ID)
	st := c.s.cfg.Store
	if err := errors.Join(c.count(func(tx store.Tx) error { return tx.CountShareUse(c.ctx, l.ID, 1, 0) }),
		st.SeeVisitor(c.ctx, l.TenantID, l.ID, vh, c.now)); err != nil {
		c.s.log.WarnContext(c.ctx, "count view", "err", err)
	}
}

// LinkStats is one link's numbers.
type LinkStats struct {
	ID        int64     `json:"id"`
	Label     string    `json:"label"`
	State     string    `json:"state"`
	CreatedAt time.Time `json:"created_at"`
	Views     int64     `json:"views"`
	Visitors  int64     `json:"visitors"`
	Downloads int64     `json:"downloads"`
}

// PhotoStats is one photo's downloads over all links.
type PhotoStats struct {
	PhotoID   int64  `json:"photo_id"`
	Filename  string `json:"filename"`
	Downloads int64  `json:"downloads"`
}

// AlbumAnalytics is what the studio sees of an album's links.
type AlbumAnalytics struct {
	Views     int64        `json:"views"`
	Visitors  int64        `json:"visitors"`
	Downloads int64        `json:"downloads"`
	Links     []LinkStats  `json:"links"`
	Photos    []PhotoStats `json:"photos"`
}

func (s *Server) albumAnalytics(c *call) (any, error) {
	if err := c.requireAny(account.PermAlbumManage, account.PermOrderManage); err != nil {
		return nil, err
	}
	id, err := c.pathID("id")
	if err != nil {
		return nil, err
	}
	out := AlbumAnalytics{Links: []LinkStats{}, Photos: []PhotoStats{}}
	err = c.view(func(tx store.Tx) error {
		a, err := c.visibleAlbum(tx, id)
		if err != nil {
			return err
		}
		links, err := tx.ListShareLinks(c.ctx, id)
		if err != nil {
			return err
		}
		visitors, err := tx.LinkVisitors(c.ctx, id)
		if err != nil {
			return err
		}
		for _, l := range links {
			ls := LinkStats{ID: l.ID, Label: l.Label, State: l.State(c.now, a), CreatedAt: l.CreatedAt, Views: l.Views, Visitors: visitors[l.ID], Downloads: l.Downloads}
			out.Links = append(out.Links, ls)
			out.Views, out.Visitors, out.Downloads = out.Views+ls.Views, out.Visitors+ls.Visitors, out.Downloads+ls.Downloads
		}
		downloads, err := tx.PhotoDownloads(c.ctx, id)
		if err != nil || len(downloads) == 0 {
			return err
		}
		photos, err := tx.ListPhotos(c.ctx, id)
		for _, p := range photos {
			if n := downloads[p.ID]; n > 0 {
				out.Photos = append(out.Photos, PhotoStats{PhotoID: p.ID, Filename: p.Filename, Downloads: n})
			}
		}
		sort.SliceStable(out.Photos, func(i, j int) bool { return out.Photos[i].Downloads > out.Photos[j].Downloads })
		return err
	})
	return out, c.albumDenied(err, "album.view", "album", id)
}
