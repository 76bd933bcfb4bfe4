package api_test

import (
	"archive/zip"
	"bytes"
	"fmt"
	"image/jpeg"
	"image/png"
	"io"
	"net/http"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/studiodesk/studiodesk/backend/api"
	"github.com/studiodesk/studiodesk/backend/media/mediatest"
)

// get fetches a public URL with optional headers and returns status, headers and body.
func (e *env) get(path string, hdr ...string) (int, http.Header, []byte) {
	e.t.Helper()
	r, _ := http.NewRequest("GET", e.srv.URL+path, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := http.DefaultClient.Do(r)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, b
}

// sharedAlbum is an upload env with three ready photos (one carrying GPS) and a share link.
type sharedEnv struct {
	*uploadEnv
	token, path string
	linkID      int64
	photos      map[string][]byte
}

func newSharedEnv(t *testing.T, link map[string]any, configure ...func(*api.Config)) *sharedEnv {
	u := newUploadEnv(t, configure...)
	files := map[string][]byte{
		"IMG_0001.JPG": mediatest.JPEG(mediatest.Upright(900, 600), 0),
		"IMG_0002.JPG": mediatest.WithGPS(),
		"全家福.png":      pngOf(t),
	}
	for _, name := range []string{"IMG_0001.JPG", "IMG_0002.JPG", "全家福.png"} {
		if _, err := u.upload(u.s.admin, name, files[name]); err != nil {
			t.Fatal(err)
		}
	}
	u.runJobs()
	r := u.must(201, "POST", fmt.Sprintf("/api/v1/albums/%d/links", u.albumID), u.s.admin, link)
	token, _ := r.Body["token"].(string)
	if len(token) < 43 || r.Body["path"] != "/s/"+token || r.Body["state"] != "active" {
		t.Fatalf("link %s", r.Raw)
	}
	return &sharedEnv{uploadEnv: u, token: token, path: "/api/v1/public/links/" + token, linkID: r.num("id"), photos: files}
}

func pngOf(t *testing.T) []byte {
	var buf bytes.Buffer
	if err := encodePNG(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func (s *sharedEnv) unlock(code string) resp {
	return s.req("POST", s.path+"/unlock", "", map[string]any{"code": code})
}

func TestShareLinkWithCodeViewAndDownload(t *testing.T) {
	t.Parallel()
	s := newSharedEnv(t, map[string]any{"code": "2580", "label": "给客户"})
	info := s.must(200, "GET", s.path, "", nil)
	if info.Body["needs_code"] != true || info.Body["title"] != "底片" || info.Body["studio"] != "甲影楼" || info.Body["download"] != "compressed" {
		t.Fatalf("info %s", info.Raw)
	}
	if r := s.req("GET", s.path+"/photos", "", nil); r.Status != 401 || r.code() != "access_code_required" {
		t.Fatalf("photos without code: %d %s", r.Status, r.Raw)
	}
	wrong := s.unlock("1111")
	if wrong.Status != 403 || wrong.code() != "access_code_wrong" || !strings.Contains(wrong.errField("message"), "9") {
		t.Fatalf("wrong code: %d %s", wrong.Status, wrong.Raw)
	}
	ok := s.unlock("2580")
	grant, _ := ok.Body["grant"].(string)
	if ok.Status != 200 || grant == "" {
		t.Fatalf("unlock %d %s", ok.Status, ok.Raw)
	}
	g := []string{"X-Share-Grant", grant}
	list := s.req("GET", s.path+"/photos", "", nil, g...)
	if list.Status != 200 || len(list.List) != 3 || strings.Contains(string(list.Raw), "hash") {
		t.Fatalf("photos %d %s", list.Status, list.Raw)
	}
	ids := map[string]int64{}
	for _, p := range list.List {
		m := p.(map[string]any)
		ids[m["filename"].(string)] = int64(m["id"].(float64))
	}

	st, h, body := s.get(fmt.Sprintf("%s/photos/%d/thumb", s.path, ids["IMG_0001.JPG"]), g...)
	if st != 200 || h.Get("Content-Type") != "image/jpeg" {
		t.Fatalf("thumb %d %s", st, body)
	}
	if img, err := jpeg.DecodeConfig(bytes.NewReader(body)); err != nil || img.Width != 400 {
		t.Fatalf("thumb %+v %v", img, err)
	}
	// Raw proofs download compressed: the preview, named .jpg, for the PNG too.
	st, h, body = s.get(fmt.Sprintf("%s/photos/%d/download", s.path, ids["全家福.png"]), g...)
	if st != 200 || !strings.Contains(h.Get("Content-Disposition"), "attachment") || !strings.Contains(h.Get("Content-Disposition"), ".jpg") {
		t.Fatalf("download %d %v", st, h)
	}
	if _, err := jpeg.DecodeConfig(bytes.NewReader(body)); err != nil {
		t.Fatalf("compressed download is not a JPEG: %v", err)
	}

	// Originals without EXIF: same length, no metadata, and a range is the same bytes.
	albumPath := fmt.Sprintf("/api/v1/albums/%d", s.albumID)
	s.must(200, "PUT", albumPath, s.s.admin, map[string]any{"title": "底片", "settings": map[string]any{"download": "original"}})
	gpsURL := fmt.Sprintf("%s/photos/%d/download", s.path, ids["IMG_0002.JPG"])
	st, h, orig := s.get(gpsURL, g...)
	if st != 200 || len(orig) != len(s.photos["IMG_0002.JPG"]) || bytes.Contains(orig, []byte("Exif\x00\x00")) || bytes.Contains(orig, []byte("GPSLatitude")) {
		t.Fatalf("original download %d len %d/%d", st, len(orig), len(s.photos["IMG_0002.JPG"]))
	}
	if !strings.Contains(h.Get("Content-Disposition"), "IMG_0002.JPG") {
		t.Fatalf("name %q", h.Get("Content-Disposition"))
	}
	st, _, part := s.get(gpsURL, append(g, "Range", "bytes=10-200")...)
	if st != 206 || !bytes.Equal(part, orig[10:201]) {
		t.Fatalf("range %d", st)
	}
	// Ranges starting before, inside and after the blanked metadata (served from memory up
	// to the last blanked byte, from the stored file after it) are the same bytes.
	for from := 0; from < len(orig); from += 1 + len(orig)/9 {
		st, _, part := s.get(gpsURL, append(g, "Range", fmt.Sprintf("bytes=%d-", from))...)
		if st != 206 || !bytes.Equal(part, orig[from:]) {
			t.Fatalf("range from %d: %d", from, st)
		}
	}

	t.Run("zip: exact length, valid, resumable", func(t *testing.T) {
		st, h, z := s.get(s.path+"/zip", g...)
		if st != 200 || h.Get("Content-Length") != fmt.Sprint(len(z)) || h.Get("Accept-Ranges") != "bytes" {
			t.Fatalf("zip %d %v", st, h)
		}
		zr, err := zip.NewReader(bytes.NewReader(z), int64(len(z)))
		if err != nil || len(zr.File) != 3 {
			t.Fatalf("zip %v", err)
		}
		for _, f := range zr.File {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(rc) // checks the CRC announced in the headers
			rc.Close()
			if err != nil {
				t.Fatalf("%s: %v", f.Name, err)
			}
			if f.Name == "IMG_0002.JPG" && !bytes.Equal(got, orig) {
				t.Fatal("zip entry differs from the single download")
			}
		}
		mid := len(z) / 2
		st, _, tail := s.get(s.path+"/zip", append(g, "Range", fmt.Sprintf("bytes=%d-", mid), "If-Range", h.Get("ETag"))...)
		if st != 206 || !bytes.Equal(tail, z[mid:]) {
			t.Fatalf("resumed zip %d, %d bytes", st, len(tail))
		}
	})

	links := s.must(200, "GET", fmt.Sprintf("/api/v1/albums/%d/links", s.albumID), s.s.admin, nil)
	l := links.List[0].(map[string]any)
	if l["views"].(float64) < 1 || l["downloads"].(float64) < 3 || l["token"] != s.token || l["path"] != "/s/"+s.token || l["has_code"] != true {
		t.Fatalf("link analytics %v", l)
	}

	if audit := s.must(200, "GET", "/api/v1/audit?entity=share_link", s.s.admin, nil); !strings.Contains(string(audit.Raw), "share.create") || strings.Contains(string(audit.Raw), s.token) {
		t.Fatalf("audit %s", audit.Raw)
	}
	t.Run("revoked: 410 everywhere", func(t *testing.T) {
		s.must(200, "POST", fmt.Sprintf("/api/v1/links/%d/revoke", s.linkID), s.s.admin, nil)
		for _, p := range []string{s.path, s.path + "/photos", fmt.Sprintf("%s/photos/%d/thumb", s.path, ids["IMG_0001.JPG"]), gpsURL, s.path + "/zip"} {
			if st, _, b := s.get(p, g...); st != 410 || !strings.Contains(string(b), "link_revoked") {
				t.Errorf("%s: %d %s", p, st, b)
			}
		}
	})
}

func TestShareLinkBruteForceExpiryAndIsolation(t *testing.T) {
	t.Parallel()
	s := newSharedEnv(t, map[string]any{"code": "7391", "allow_download": false, "expires_at": time.Date(2026, 12, 10, 0, 0, 0, 0, time.UTC)})
	for i := 0; i < 10; i++ {
		if r := s.unlock(fmt.Sprintf("%04d", i)); r.Status != 403 {
			t.Fatalf("attempt %d: %d", i, r.Status)
		}
	}
	if r := s.unlock("7391"); r.Status != 429 || r.code() != "rate_limited" {
		t.Fatalf("the right code after 10 wrong ones: %d %s", r.Status, r.Raw)
	}
	s.clock.Add(16 * time.Minute)
	ok := s.unlock("7391")
	g := []string{"X-Share-Grant", ok.Body["grant"].(string)}
	if ok.Status != 200 {
		t.Fatalf("after the window: %d", ok.Status)
	}
	photos := s.req("GET", s.path+"/photos", "", nil, g...)
	id := int64(photos.List[0].(map[string]any)["id"].(float64))
	if st, _, b := s.get(fmt.Sprintf("%s/photos/%d/download", s.path, id), g...); st != 403 || !strings.Contains(string(b), "download_not_allowed") {
		t.Fatalf("download on a view-only link: %d", st)
	}
	if st, _, _ := s.get(s.path+"/zip", g...); st != 403 {
		t.Fatalf("zip on a view-only link: %d", st)
	}
	// A grant of one link opens no other; a photo of another album is not reachable.
	other := s.must(201, "POST", fmt.Sprintf("/api/v1/albums/%d/links", s.albumID), s.s.admin, map[string]any{"code": "5555"})
	if st, _, _ := s.get("/api/v1/public/links/"+other.Body["token"].(string)+"/photos", g...); st != 401 {
		t.Fatalf("grant reused on another link: %d", st)
	}
	b := s.newStudio("乙影楼", 2)
	s.topUp(b, 50)
	bo := s.newOrder(b, b.admin).num("id")
	ba := s.must(201, "POST", fmt.Sprintf("/api/v1/orders/%d/albums", bo), b.admin, map[string]any{"kind": "retouched", "title": "乙精修"}).num("id")
	bl := s.must(201, "POST", fmt.Sprintf("/api/v1/albums/%d/links", ba), b.admin, map[string]any{})
	bpath := "/api/v1/public/links/" + bl.Body["token"].(string)
	for _, v := range []string{"thumb", "preview", "download"} {
		if st, _, _ := s.get(fmt.Sprintf("%s/photos/%d/%s", bpath, id, v)); st != 404 {
			t.Errorf("B's link reached A's photo %s: %d", v, st)
		}
	}
	if r := s.req("POST", fmt.Sprintf("/api/v1/links/%d/revoke", s.linkID), b.admin, nil); r.Status != 404 {
		t.Fatalf("B revokes A's link: %d", r.Status)
	}
	if r := s.req("POST", fmt.Sprintf("/api/v1/albums/%d/links", s.albumID), b.admin, map[string]any{}); r.Status != 404 {
		t.Fatalf("B shares A's album: %d", r.Status)
	}
	if r := s.req("POST", fmt.Sprintf("/api/v1/albums/%d/links", s.albumID), s.s.tokens["intake"], map[string]any{}); r.Status != 403 {
		t.Fatalf("intake shares: %d", r.Status)
	}
	if st, _, _ := s.get("/api/v1/public/links/not-a-real-token"); st != 404 {
		t.Fatalf("unknown token: %d", st)
	}
	// Past its expiry the link is gone everywhere.
	s.clock.Add(7 * 24 * time.Hour)
	for _, p := range []string{s.path, s.path + "/photos", fmt.Sprintf("%s/photos/%d/thumb", s.path, id)} {
		if st, _, body := s.get(p, g...); st != 410 || !strings.Contains(string(body), "link_expired") {
			t.Errorf("%s after expiry: %d %s", p, st, body)
		}
	}
	for _, bad := range []map[string]any{{"code": "12"}, {"expires_at": "2020-01-01T00:00:00Z"}, {"label": strings.Repeat("x", 41)}} {
		if r := s.req("POST", fmt.Sprintf("/api/v1/albums/%d/links", s.albumID), s.s.admin, bad); r.Status != 400 || r.errField("field") == "" {
			t.Errorf("%v: %d %s", bad, r.Status, r.Raw)
		}
	}
}

func encodePNG(w io.Writer) error { return png.Encode(w, mediatest.Upright(300, 200)) }

// Forwarded links preview as the album: the share page carries Open Graph tags and the
// album's manifest; a link that is gone gets the plain page.
func TestSharePageCarriesPreviewTags(t *testing.T) {
	t.Parallel()
	page := []byte("<html><head><title>口袋影集</title></head><body></body></html>")
	s := newSharedEnv(t, map[string]any{}, func(c *api.Config) {
		c.Customer = fstest.MapFS{"customer.html": {Data: page}}
	})
	st, _, body := s.get("/s/" + s.token)
	for _, want := range []string{`og:title" content="底片 · 甲影楼"`, `og:image`, `/photos/`, `rel="manifest"`} {
		if st != 200 || !strings.Contains(string(body), want) {
			t.Fatalf("share page lacks %s: %d %s", want, st, body)
		}
	}
	m := s.must(200, "GET", s.path+"/manifest.webmanifest", "", nil)
	if m.Body["start_url"] != "/s/"+s.token || m.Body["display"] != "standalone" {
		t.Fatalf("manifest %s", m.Raw)
	}
	s.must(200, "POST", fmt.Sprintf("/api/v1/links/%d/revoke", s.linkID), s.s.admin, nil)
	if _, _, body := s.get("/s/" + s.token); strings.Contains(string(body), "og:") {
		t.Fatalf("revoked link still previews: %s", body)
	}
	if _, _, body := s.get("/s/<script>"); !bytes.Equal(body, page) {
		t.Fatalf("bad token: %s", body)
	}
}
