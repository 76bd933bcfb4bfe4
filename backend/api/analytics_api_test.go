package api_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"testing"
)

// guest is one browser: its own cookie jar.
type guest struct {
	t   *testing.T
	c   *http.Client
	url string
}

func (s *sharedEnv) guest() *guest {
	jar, _ := cookiejar.New(nil)
	return &guest{t: s.t.(*testing.T), c: &http.Client{Jar: jar}, url: s.srv.URL}
}

func (g *guest) get(path string, hdr ...string) (int, *http.Response) {
	g.t.Helper()
	r, _ := http.NewRequest("GET", g.url+path, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := g.c.Do(r)
	if err != nil {
		g.t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode, res
}

func TestLinkAnalytics(t *testing.T) {
	t.Parallel()
	s := newSharedEnv(t, map[string]any{"label": "给客户"})
	var ids []int64
	for _, p := range s.must(200, "GET", s.path+"/photos", "", nil).List {
		ids = append(ids, int64(p.(map[string]any)["id"].(float64)))
	}
	mum, friend := s.guest(), s.guest()
	_, first := mum.get(s.path)
	var vid *http.Cookie
	for _, ck := range first.Cookies() {
		if ck.Name == "sd_vid" {
			vid = ck
		}
	}
	if vid == nil || !vid.HttpOnly || vid.Path != "/api/v1/public/" || len(vid.Value) != 22 {
		t.Fatalf("visitor cookie %+v", vid)
	}
	mum.get(s.path)
	friend.get(s.path)
	for _, id := range []int64{ids[0], ids[0], ids[1]} {
		if st, _ := mum.get(fmt.Sprintf("%s/photos/%d/download", s.path, id)); st != 200 {
			t.Fatalf("download %d", st)
		}
	}
	if st, _ := mum.get(fmt.Sprintf("%s/photos/%d/download", s.path, ids[1]), "Range", "bytes=10-"); st != 206 {
		t.Fatalf("range %d", st) // a resumed download is not a new one
	}
	if st, _ := friend.get(s.path + "/zip"); st != 200 {
		t.Fatalf("zip %d", st)
	}
	mum.get(fmt.Sprintf("%s/photos/%d/thumb", s.path, ids[2])) // viewing is not downloading

	// A second link: the same browser is a new visitor there (ids are hashed per link).
	r := s.must(201, "POST", fmt.Sprintf("/api/v1/albums/%d/links", s.albumID), s.s.admin, map[string]any{"label": "朋友圈"})
	mum.get("/api/v1/public/links/" + r.Body["token"].(string))

	a := s.must(200, "GET", fmt.Sprintf("/api/v1/albums/%d/analytics", s.albumID), s.s.admin, nil)
	if a.num("views") != 4 || a.num("visitors") != 3 || a.num("downloads") != 4 {
		t.Fatalf("totals %s", a.Raw)
	}
	links := a.Body["links"].([]any)
	byLabel := map[string]map[string]any{}
	for _, l := range links {
		m := l.(map[string]any)
		byLabel[m["label"].(string)] = m
	}
	if l := byLabel["给客户"]; l["views"].(float64) != 3 || l["visitors"].(float64) != 2 || l["downloads"].(float64) != 4 {
		t.Fatalf("first link %v", l)
	}
	if l := byLabel["朋友圈"]; l["views"].(float64) != 1 || l["visitors"].(float64) != 1 || l["downloads"].(float64) != 0 {
		t.Fatalf("second link %v", l)
	}
	photos := a.Body["photos"].([]any)
	if len(photos) != 2 || photos[0].(map[string]any)["photo_id"].(float64) != float64(ids[0]) || photos[0].(map[string]any)["downloads"].(float64) != 2 ||
		photos[1].(map[string]any)["downloads"].(float64) != 1 || photos[0].(map[string]any)["filename"] == "" {
		t.Fatalf("photos %s", a.Raw)
	}

	if r := s.req("GET", fmt.Sprintf("/api/v1/albums/%d/analytics", s.albumID), s.s.tokens["intake"], nil); r.Status != 403 {
		t.Fatalf("intake: %d", r.Status)
	}
	other := s.newStudio("乙影楼", 2)
	if r := s.req("GET", fmt.Sprintf("/api/v1/albums/%d/analytics", s.albumID), other.admin, nil); r.Status != 404 {
		t.Fatalf("other studio: %d %s", r.Status, r.Raw)
	}
}
