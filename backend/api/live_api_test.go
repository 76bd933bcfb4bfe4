package api_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/studiodesk/studiodesk/backend/media/mediatest"
)

// TestLiveAlbumEvents: a guest's page subscribed to a shared album's events gets a photo
// uploaded after it subscribed, as soon as its renditions are ready; a revoked link ends
// the stream at the next heartbeat, and cannot subscribe again.
func TestLiveAlbumEvents(t *testing.T) {
	s := newSharedEnv(t, map[string]any{})
	a := s.must(200, "GET", fmt.Sprintf("/api/v1/albums/%d", s.albumID), s.s.admin, nil).Body
	a["live"] = true
	s.must(200, "PUT", fmt.Sprintf("/api/v1/albums/%d", s.albumID), s.s.admin, a)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", s.srv.URL+s.path+"/events", nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/event-stream") {
		t.Fatalf("events: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	lines := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(res.Body)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	next := func(prefix string) string {
		t.Helper()
		for {
			select {
			case l, ok := <-lines:
				if !ok {
					t.Fatalf("stream ended before %q", prefix)
				}
				if strings.HasPrefix(l, prefix) {
					return strings.TrimPrefix(l, prefix)
				}
			case <-ctx.Done():
				t.Fatalf("no %q in time", prefix)
			}
		}
	}
	next(": connected")
	if _, err := s.upload(s.s.admin, "IMG_0100.JPG", mediatest.JPEG(mediatest.Upright(640, 480), 1)); err != nil {
		t.Fatal(err)
	}
	s.runJobs() // the renditions: the photo becomes ready
	if ev := next("event: "); ev != "photo" {
		t.Fatalf("event %q", ev)
	}
	var p struct {
		ID       int64  `json:"id"`
		Filename string `json:"filename"`
		Width    int    `json:"width"`
	}
	if err := json.Unmarshal([]byte(next("data: ")), &p); err != nil || p.Filename != "IMG_0100.JPG" || p.ID == 0 || p.Width != 640 {
		t.Fatalf("photo event %+v %v", p, err)
	}
	// Deleted by the studio: watchers are told to drop it.
	s.must(200, "DELETE", fmt.Sprintf("/api/v1/albums/%d/photos/%d", s.albumID, p.ID), s.s.admin, nil)
	if ev := next("event: "); ev != "photo" {
		t.Fatalf("event %q", ev)
	}
	var gone struct {
		ID      int64 `json:"id"`
		Removed bool  `json:"removed"`
	}
	if err := json.Unmarshal([]byte(next("data: ")), &gone); err != nil || gone.ID != p.ID || !gone.Removed {
		t.Fatalf("removal event %+v %v", gone, err)
	}
	// Revoked: the next subscription is refused.
	s.must(200, "POST", fmt.Sprintf("/api/v1/links/%d/revoke", s.linkID), s.s.admin, map[string]any{})
	r := s.req("GET", s.path+"/events", "", nil)
	if r.Status != http.StatusGone && r.Status != http.StatusNotFound {
		t.Fatalf("events of a revoked link: %d %s", r.Status, r.Raw)
	}
}

// TestAlbumLiveFlag: an album is not live until the studio says so; only a live album's
// link has an event stream (404 album_not_live otherwise); live is set and unset through the
// album update (absent keeps it), needs album.manage, is audited, and a live album's guests
// get the newest photos first.
func TestAlbumLiveFlag(t *testing.T) {
	t.Parallel()
	s := newSharedEnv(t, map[string]any{})
	albumPath := fmt.Sprintf("/api/v1/albums/%d", s.albumID)
	if r := s.req("GET", s.path+"/events", "", nil); r.Status != http.StatusNotFound || r.code() != "album_not_live" ||
		!strings.Contains(r.errField("message"), "直播") {
		t.Fatalf("events of a non-live album: %d %s", r.Status, r.Raw)
	}
	if info := s.must(200, "GET", s.path, "", nil); info.Body["live"] != false {
		t.Fatalf("a new album is live: %s", info.Raw)
	}
	before := s.must(200, "GET", s.path+"/photos", "", nil).List

	// Not allowed: intake staff have no album.manage; the flag stays off.
	if r := s.req("PUT", albumPath, s.s.tokens["intake"], map[string]any{"title": "底片", "live": true}); r.Status != 403 {
		t.Fatalf("live set without album.manage: %d %s", r.Status, r.Raw)
	}
	// A bad value names the field.
	if r := s.req("PUT", albumPath, s.s.admin, map[string]any{"title": "底片", "live": "yes"}); r.Status != 400 || r.errField("field") != "live" {
		t.Fatalf("live as a string: %d %s", r.Status, r.Raw)
	}
	a := s.must(200, "GET", albumPath, s.s.admin, nil).Body
	a["live"] = true
	if r := s.must(200, "PUT", albumPath, s.s.admin, a); r.Body["live"] != true {
		t.Fatalf("set live: %s", r.Raw)
	}
	delete(a, "live") // absent: unchanged
	a["title"] = "底片 · 现场"
	if r := s.must(200, "PUT", albumPath, s.s.admin, a); r.Body["live"] != true || r.Body["title"] != "底片 · 现场" {
		t.Fatalf("edit without live: %s", r.Raw)
	}
	if info := s.must(200, "GET", s.path, "", nil); info.Body["live"] != true {
		t.Fatalf("guest view of a live album: %s", info.Raw)
	}
	after := s.must(200, "GET", s.path+"/photos", "", nil).List
	if len(after) != len(before) || len(after) < 2 || after[0].(map[string]any)["id"] != before[len(before)-1].(map[string]any)["id"] {
		t.Fatalf("live album photos not newest first: %v then %v", before, after)
	}
	// An album can be created live.
	orderID := int64(a["order_id"].(float64))
	if r := s.must(201, "POST", fmt.Sprintf("/api/v1/orders/%d/albums", orderID), s.s.admin,
		map[string]any{"kind": "raw", "title": "现场", "live": true}); r.Body["live"] != true {
		t.Fatalf("create live: %s", r.Raw)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", s.srv.URL+s.path+"/events", nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("events of a live album: %d", res.StatusCode)
	}
	a["live"] = false
	if r := s.must(200, "PUT", albumPath, s.s.admin, a); r.Body["live"] != false {
		t.Fatalf("unset live: %s", r.Raw)
	}
	if r := s.req("GET", s.path+"/events", "", nil); r.Status != http.StatusNotFound || r.code() != "album_not_live" {
		t.Fatalf("events after live was turned off: %d %s", r.Status, r.Raw)
	}
}
