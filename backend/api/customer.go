package api

import (
	"io/fs"
	"net/http"
	"strings"
)

// customerPages serves the built customer web app (mobile pages opened from shared links).
// Asset files are served as they are; every other path gets customer.html so the app's own
// router can take it.
func (s *Server) customerPages() http.Handler {
	if s.cfg.Customer == nil {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "StudioDesk server: customer pages are not built (run make build).", http.StatusServiceUnavailable)
		})
	}
	files := http.FileServerFS(s.cfg.Customer)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := strings.TrimPrefix(r.URL.Path, "/")
		if p != "" && p != "index.html" && !strings.HasSuffix(p, "/") {
			if st, err := fs.Stat(s.cfg.Customer, p); err == nil && !st.IsDir() {
				if strings.HasPrefix(p, "assets/") {
					w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
				}
				files.ServeHTTP(w, r)
				return
			}
		}
		body, err := fs.ReadFile(s.cfg.Customer, "customer.html")
		if err != nil {
			http.Error(w, "customer pages are not built", http.StatusServiceUnavailable)
			return
		}
		body = s.shareMeta(r, body)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-cache")
		_, _ = w.Write(body)
	})
}
