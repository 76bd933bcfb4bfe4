package apiclient_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/studiodesk/studiodesk/backend/api/apiclient"
)

// tusScript is a scripted tus server: it records the requests and answers each with the
// next scripted answer.
type tusScript struct {
	mu      sync.Mutex
	seen    []string // "METHOD path offset bytes"
	ids     []string // upload_id of each creating request
	answers []func(w http.ResponseWriter, body []byte)
}

func (s *tusScript) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seen = append(s.seen, r.Method+" "+r.URL.Path+" "+r.Header.Get("Upload-Offset")+" "+string(body))
	if r.Method == http.MethodPost {
		for _, kv := range strings.Split(r.Header.Get("Upload-Metadata"), ",") {
			if k, v, _ := strings.Cut(kv, " "); k == "upload_id" {
				b, _ := base64.StdEncoding.DecodeString(v)
				s.ids = append(s.ids, string(b))
			}
		}
	}
	if len(s.answers) == 0 {
		http.Error(w, "unscripted", http.StatusTeapot)
		return
	}
	next := s.answers[0]
	s.answers = s.answers[1:]
	next(w, body)
}

func created(loc, offset string, photo string) func(http.ResponseWriter, []byte) {
	return func(w http.ResponseWriter, _ []byte) {
		w.Header().Set("Location", loc)
		w.Header().Set("Upload-Offset", offset)
		if photo != "" {
			w.Header().Set("X-Photo-Id", photo)
			w.Header().Set("X-Photo-Status", "processing")
		}
		w.WriteHeader(http.StatusCreated)
	}
}

// patched answers a PATCH that completed the upload as photo.
func patched(offset, photo string) func(http.ResponseWriter, []byte) {
	return func(w http.ResponseWriter, _ []byte) {
		w.Header().Set("Upload-Offset", offset)
		w.Header().Set("X-Photo-Id", photo)
		w.WriteHeader(http.StatusNoContent)
	}
}

// TestUploadFileCreateWithData: a photo smaller than a chunk is one request, at the URL the
// client reported before sending; a server that picks its own id is followed (and the new
// URL reported); without CreateWithData the upload is created first, then PATCHed.
func TestUploadFileCreateWithData(t *testing.T) {
	t.Parallel()
	data := []byte("0123456789")
	req := apiclient.UploadRequest{AlbumID: 3, Filename: "a.jpg", Size: int64(len(data)), CreateWithData: true}
	run := func(t *testing.T, s *tusScript, req apiclient.UploadRequest) (apiclient.UploadResult, []string, string) {
		srv := httptest.NewServer(s)
		t.Cleanup(srv.Close)
		c, err := apiclient.New(apiclient.Config{BaseURL: srv.URL, Token: "t"})
		if err != nil {
			t.Fatal(err)
		}
		var urls []string
		res, err := c.UploadFile(context.Background(), req, bytes.NewReader(data), "", 1, func(u string) { urls = append(urls, u) }, nil)
		if err != nil {
			t.Fatal(err)
		}
		return res, urls, srv.URL
	}

	t.Run("one request", func(t *testing.T) {
		s := &tusScript{}
		s.answers = append(s.answers, func(w http.ResponseWriter, b []byte) {
			created("/api/v1/uploads/"+s.ids[0], "10", "7")(w, b)
		})
		res, urls, base := run(t, s, req)
		if res.PhotoID != 7 || len(s.seen) != 1 || s.seen[0] != "POST /api/v1/uploads/  0123456789" {
			t.Fatalf("%+v after %q", res, s.seen)
		}
		if len(s.ids[0]) != 32 || len(urls) != 1 || urls[0] != base+"/api/v1/uploads/"+s.ids[0] {
			t.Fatalf("id %q, started %v", s.ids[0], urls)
		}
	})

	t.Run("server picks the id", func(t *testing.T) {
		s := &tusScript{answers: []func(http.ResponseWriter, []byte){
			created("/api/v1/uploads/theirs+multipart", "4", ""),
			patched("10", "8"),
		}}
		res, urls, base := run(t, s, req)
		if res.PhotoID != 8 || len(s.seen) != 2 || s.seen[1] != "PATCH /api/v1/uploads/theirs+multipart 4 456789" {
			t.Fatalf("%+v after %q", res, s.seen)
		}
		if len(urls) != 2 || urls[1] != base+"/api/v1/uploads/theirs+multipart" {
			t.Fatalf("started %v", urls)
		}
	})

	t.Run("create then patch", func(t *testing.T) {
		s := &tusScript{}
		s.answers = append(s.answers, func(w http.ResponseWriter, b []byte) {
			created("/api/v1/uploads/"+s.ids[0], "0", "")(w, b)
		}, patched("10", "9"))
		plain := req
		plain.CreateWithData = false
		res, _, _ := run(t, s, plain)
		if res.PhotoID != 9 || len(s.seen) != 2 || s.seen[0] != "POST /api/v1/uploads/  " || s.seen[1] != "PATCH /api/v1/uploads/"+s.ids[0]+" 0 0123456789" {
			t.Fatalf("%+v after %q", res, s.seen)
		}
	})
}
