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
	// Revoked: the next subscription is refused.
	s.must(200, "POST", fmt.Sprintf("/api/v1/links/%d/revoke", s.linkID), s.s.admin, map[string]any{})
	r := s.req("GET", s.path+"/events", "", nil)
	if r.Status != http.StatusGone && r.Status != http.StatusNotFound {
		t.Fatalf("events of a revoked link: %d %s", r.Status, r.Raw)
	}
}
