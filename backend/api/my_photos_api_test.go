package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/studiodesk/studiodesk/backend/api"
)

func (e *env) lookup(slug, phone, code string, hdr ...string) resp {
	e.t.Helper()
	return e.req("POST", "/api/v1/public/studios/"+slug+"/lookup", "", map[string]any{"phone": phone, "code": code}, hdr...)
}

func TestMyPhotosPage(t *testing.T) {
	t.Parallel()
	e := newEnvWith(t, func(c *api.Config) { c.PublicURL, c.TrustProxy = "https://photos.example.com/", true })
	a := e.newStudio("甲影楼", 1)
	b := e.newStudio("乙影楼", 2)
	e.topUp(a, 100)
	e.topUp(b, 100)
	order := func(s *studio, phone string) (int64, string) {
		r := e.newOrder(s, s.admin, "phone", phone)
		if r.Status != 201 {
			t.Fatalf("order %s", r.Raw)
		}
		return r.num("id"), r.Body["code"].(string)
	}
	newAlbum := func(s *studio, orderID int64, kind, title string) {
		e.must(201, "POST", fmt.Sprintf("/api/v1/orders/%d/albums", orderID), s.admin, map[string]any{"kind": kind, "title": title})
	}
	o1, code1 := order(a, "13600000001")
	newAlbum(a, o1, "raw", "底片")
	newAlbum(a, o1, "retouched", "精修")
	o2, code2 := order(a, "13600000002")
	newAlbum(a, o2, "retouched", "别人的精修")
	ob, codeB := order(b, "13600000001") // the same customer at another studio
	newAlbum(b, ob, "retouched", "乙的精修")

	page := e.must(200, "GET", "/api/v1/my-photos/page", a.admin, nil)
	path, _ := page.Body["path"].(string)
	slug := strings.TrimPrefix(path, "/my/")
	if len(slug) < 16 || page.Body["url"] != "https://photos.example.com"+path {
		t.Fatalf("page %s", page.Raw)
	}
	if again := e.must(200, "GET", "/api/v1/my-photos/page", a.tokens["store"], nil); again.Body["path"] != path {
		t.Fatalf("the address changed: %s", again.Raw)
	}
	if r := e.req("GET", "/api/v1/my-photos/page", a.tokens["intake"], nil); r.Status != 403 {
		t.Fatalf("intake reads the page address: %d", r.Status)
	}
	slugB := strings.TrimPrefix(e.must(200, "GET", "/api/v1/my-photos/page", b.admin, nil).Body["path"].(string), "/my/")
	if info := e.must(200, "GET", "/api/v1/public/studios/"+slug, "", nil); info.Body["studio"] != "甲影楼" {
		t.Fatalf("studio %s", info.Raw)
	}
	if r := e.req("GET", "/api/v1/public/studios/nosuchpage", "", nil); r.Status != 404 || r.code() != "page_not_found" {
		t.Fatalf("unknown page %d %s", r.Status, r.Raw)
	}

	// The customer sees the albums of their own order, and only those.
	ok := e.lookup(slug, "136 0000 0001", strings.ToLower(code1))
	if ok.Status != 200 || ok.Body["studio"] != "甲影楼" || ok.Body["customer"] != "王小姐" {
		t.Fatalf("lookup %d %s", ok.Status, ok.Raw)
	}
	albums := ok.Body["albums"].([]any)
	if len(albums) != 2 || strings.Contains(string(ok.Raw), "别人的精修") || strings.Contains(string(ok.Raw), "乙的精修") {
		t.Fatalf("albums %s", ok.Raw)
	}
	first := albums[0].(map[string]any)
	linkPath := first["path"].(string)
	info := e.must(200, "GET", "/api/v1/public/links/"+strings.TrimPrefix(linkPath, "/s/"), "", nil)
	if info.Body["needs_code"] != false || info.Body["title"] != first["title"] {
		t.Fatalf("the album opens: %s", info.Raw)
	}
	if again := e.lookup(slug, "13600000001", code1); again.Body["albums"].([]any)[0].(map[string]any)["path"] != linkPath {
		t.Fatal("a second lookup made another link")
	}
	links := e.must(200, "GET", fmt.Sprintf("/api/v1/albums/%d/links", albumIDOf(t, e, a, o1, first["title"].(string))), a.admin, nil)
	if len(links.List) != 1 || links.List[0].(map[string]any)["label"] != "我的照片" {
		t.Fatalf("the studio sees the page's link: %s", links.Raw)
	}

	t.Run("unknown phone and wrong code get the same answer", func(t *testing.T) {
		wrong := e.lookup(slug, "13600000001", code2) // another customer's code
		unknown := e.lookup(slug, "13900000009", code1)
		if wrong.Status != 403 || unknown.Status != 403 || wrong.code() != "order_lookup_failed" || unknown.code() != wrong.code() ||
			wrong.errField("message") != unknown.errField("message") || wrong.errField("field") != "order_code" {
			t.Fatalf("wrong %d %s / unknown %d %s", wrong.Status, wrong.Raw, unknown.Status, unknown.Raw)
		}
		if r := e.lookup(slugB, "13600000001", code1); r.Status != 403 {
			t.Fatalf("studio A's code opens studio B's page: %d %s", r.Status, r.Raw)
		}
		if r := e.lookup(slugB, "13600000001", codeB); r.Status != 200 || strings.Contains(string(r.Raw), "底片") {
			t.Fatalf("studio B's own lookup: %d %s", r.Status, r.Raw)
		}
	})

	t.Run("bad input names the field", func(t *testing.T) {
		if r := e.lookup(slug, "", code1); r.Status != 400 || r.errField("field") != "phone" {
			t.Fatalf("no phone %d %s", r.Status, r.Raw)
		}
		if r := e.lookup(slug, "12345", code1, "Accept-Language", "en"); r.Status != 400 || r.errField("field") != "phone" || r.errField("message") == "" {
			t.Fatalf("bad phone %d %s", r.Status, r.Raw)
		}
		if r := e.lookup(slug, "13600000001", " "); r.Status != 400 || r.errField("field") != "order_code" {
			t.Fatalf("no code %d %s", r.Status, r.Raw)
		}
	})

	t.Run("guessing is limited per phone, even the right code then waits", func(t *testing.T) {
		var last resp
		for i := range 12 {
			last = e.lookup(slug, "13600000002", fmt.Sprintf("WRONG%03d", i), "X-Forwarded-For", fmt.Sprintf("10.0.0.%d", i))
		}
		if last.Status != http.StatusTooManyRequests || last.code() != "rate_limited" {
			t.Fatalf("after 12 guesses: %d %s", last.Status, last.Raw)
		}
		if r := e.lookup(slug, "13600000002", code2); r.Status != http.StatusTooManyRequests {
			t.Fatalf("the right code during the lock: %d", r.Status)
		}
		e.clock.Add(16 * time.Minute)
		if r := e.lookup(slug, "13600000002", code2); r.Status != 200 {
			t.Fatalf("after the window: %d %s", r.Status, r.Raw)
		}
	})

	t.Run("expired albums are not listed", func(t *testing.T) {
		e.clock.Add(100 * 24 * time.Hour) // past the raw album's 90 days, within the retouched one's 365
		r := e.lookup(slug, "13600000001", code1)
		if r.Status != 200 || len(r.Body["albums"].([]any)) != 1 || strings.Contains(string(r.Raw), "底片") {
			t.Fatalf("after 100 days %s", r.Raw)
		}
	})
}

func albumIDOf(t *testing.T, e *env, s *studio, orderID int64, title string) int64 {
	t.Helper()
	for _, a := range e.must(200, "GET", fmt.Sprintf("/api/v1/orders/%d", orderID), s.admin, nil).Body["albums"].([]any) {
		if m := a.(map[string]any); m["title"] == title {
			return int64(m["id"].(float64))
		}
	}
	t.Fatalf("no album %q", title)
	return 0
}
