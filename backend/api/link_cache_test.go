package api_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/studiodesk/studiodesk/backend/api"
)

// TestLinkCacheKeepsLinksGone: with the thumbnail look-up cache on (a long TTL here, so
// nothing below passes by the TTL running out), a revoked link is refused at once, an
// expired one as soon as its time is up, and another studio's link never reaches a photo
// the cache holds.
func TestLinkCacheKeepsLinksGone(t *testing.T) {
	t.Parallel()
	s := newSharedEnv(t, map[string]any{"expires_at": time.Date(2026, 12, 20, 0, 0, 0, 0, time.UTC)}, func(c *api.Config) { c.LinkCacheTTL = time.Hour })
	list := s.must(200, "GET", s.path+"/photos", "", nil)
	id := int64(list.List[0].(map[string]any)["id"].(float64))
	thumb := fmt.Sprintf("%s/photos/%d/thumb", s.path, id)
	for range 2 { // the second one is served from the cache
		if st, _, _ := s.get(thumb); st != 200 {
			t.Fatalf("thumb %d", st)
		}
	}

	t.Run("validators and ranges", func(t *testing.T) {
		st, h, whole := s.get(thumb)
		etag := h.Get("ETag")
		if st != 200 || etag == "" || h.Get("Content-Length") != fmt.Sprint(len(whole)) || h.Get("Last-Modified") == "" {
			t.Fatalf("thumb %d %v", st, h)
		}
		if st, _, _ := s.get(thumb, "If-None-Match", etag); st != 304 {
			t.Fatalf("revalidation: %d", st)
		}
		if st, _, part := s.get(thumb, "Range", "bytes=10-19"); st != 206 || string(part) != string(whole[10:20]) {
			t.Fatalf("range: %d %d bytes", st, len(part))
		}
	})

	t.Run("another studio's link", func(t *testing.T) {
		b := s.newStudio("乙影楼", 2)
		s.topUp(b, 50)
		bo := s.newOrder(b, b.admin).num("id")
		ba := s.must(201, "POST", fmt.Sprintf("/api/v1/orders/%d/albums", bo), b.admin, map[string]any{"kind": "retouched", "title": "乙"}).num("id")
		bl := s.must(201, "POST", fmt.Sprintf("/api/v1/albums/%d/links", ba), b.admin, map[string]any{})
		for range 2 {
			if st, _, _ := s.get(fmt.Sprintf("/api/v1/public/links/%s/photos/%d/thumb", bl.Body["token"], id)); st != 404 {
				t.Fatalf("B's link reached A's cached photo: %d", st)
			}
		}
	})

	t.Run("revoke", func(t *testing.T) {
		s.must(200, "POST", fmt.Sprintf("/api/v1/links/%d/revoke", s.linkID), s.s.admin, nil)
		if st, _, body := s.get(thumb); st != 410 || !strings.Contains(string(body), "link_revoked") {
			t.Fatalf("revoked link served from the cache: %d %.80q", st, body)
		}
	})
	t.Run("expiry", func(t *testing.T) {
		other := s.must(201, "POST", fmt.Sprintf("/api/v1/albums/%d/links", s.albumID), s.s.admin, map[string]any{"expires_at": time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC)})
		p := fmt.Sprintf("/api/v1/public/links/%s/photos/%d/preview", other.Body["token"], id)
		if st, _, _ := s.get(p); st != 200 {
			t.Fatalf("preview %d", st)
		}
		s.clock.Add(3 * 24 * time.Hour)
		if st, _, body := s.get(p); st != 410 || !strings.Contains(string(body), "link_expired") {
			t.Fatalf("expired link served from the cache: %d %.80q", st, body)
		}
	})

}
