// Package bridge serves the App's methods over HTTP for browser mode: the studio UI running
// in a plain browser (end-to-end tests, a machine without a display) calls
//
//	POST /bridge/call  {"method": "Login", "args": [{"phone": "…"}]}
//
// exactly as it calls the bound method in the Wails window. Methods are found by reflection
// over the exported methods of *app.App — the same set Wails binds — and arguments are decoded
// into the parameter types the way Wails does, so the bridge cannot drift from the bindings.
// It also serves the built studio UI at /. Only this computer is answered.
package bridge

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strings"

	"github.com/studiodesk/studiodesk/app"
)

// Config configures the bridge.
type Config struct {
	App *app.App
	// UI is the built studio UI (the contents of frontend/dist, with index.html at its root);
	// nil serves a notice that the UI is not built.
	UI fs.FS
	// Logger; default slog.Default().
	Logger *slog.Logger
}

// Handler is the bridge's http.Handler.
type Handler struct {
	methods map[string]method
	ui      fs.FS
	log     *slog.Logger
	mux     *http.ServeMux
}

// method is one bound method of *app.App.
type method struct {
	fn     reflect.Value
	in     []reflect.Type
	result bool // returns (T, error); otherwise only error
}

// maxBody bounds a call's JSON body.
const maxBody = 8 << 20

var errorType = reflect.TypeFor[error]()

var _ http.Handler = (*Handler)(nil)

// New reflects over cfg.App's methods. It fails if a method has a shape Wails could not bind
// usefully (variadic, or not returning error / (T, error)) — a test keeps that from shipping.
func New(cfg Config) (*Handler, error) {
	if cfg.App == nil {
		return nil, errors.New("bridge: no App")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	h := &Handler{methods: map[string]method{}, ui: cfg.UI, log: cfg.Logger.With("component", "bridge"), mux: http.NewServeMux()}
	v := reflect.ValueOf(cfg.App)
	t := v.Type()
	for i := range t.NumMethod() {
		m := t.Method(i)
		fn := v.Method(i)
		ft := fn.Type()
		if ft.IsVariadic() {
			return nil, fmt.Errorf("bridge: method %s is variadic", m.Name)
		}
		n := ft.NumOut()
		if n < 1 || n > 2 || ft.Out(n-1) != errorType {
			return nil, fmt.Errorf("bridge: method %s must return error or (T, error)", m.Name)
		}
		bm := method{fn: fn, result: n == 2}
		for j := range ft.NumIn() {
			bm.in = append(bm.in, ft.In(j))
		}
		h.methods[m.Name] = bm
	}
	h.mux.HandleFunc("POST /bridge/call", h.call)
	h.mux.HandleFunc("GET /bridge/methods", h.list)
	h.mux.HandleFunc("/bridge/", func(w http.ResponseWriter, r *http.Request) {
		e := &app.Error{Status: http.StatusNotFound, Code: "not_found", Message: "bridge endpoints: POST /bridge/call, GET /bridge/methods"}
		if r.URL.Path == "/bridge/call" {
			w.Header().Set("Allow", "POST")
			e.Status, e.Code = http.StatusMethodNotAllowed, "method_not_allowed"
		}
		writeError(w, e)
	})
	h.mux.HandleFunc("/", h.serveUI)
	return h, nil
}

// Methods returns the names of the methods served, sorted.
func (h *Handler) Methods() []string {
	names := make([]string, 0, len(h.methods))
	for n := range h.methods {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// ServeHTTP answers loopback clients only, and refuses requests a web page of another origin
// could make through the user's browser (DNS rebinding, cross-site POSTs): the Host must be a
// loopback name and a present Origin a loopback origin.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !loopbackAddr(r.RemoteAddr) || !loopbackHost(r.Host) || !sameOrigin(r) {
		h.log.Warn("refused request", "remote", r.RemoteAddr, "host", r.Host, "origin", r.Header.Get("Origin"))
		writeError(w, &app.Error{Status: http.StatusForbidden, Code: "forbidden_client",
			Message: "the StudioDesk bridge answers only this computer, at a loopback address"})
		return
	}
	h.mux.ServeHTTP(w, r)
}

// callRequest is the body of POST /bridge/call.
type callRequest struct {
	Method string            `json:"method"`
	Args   []json.RawMessage `json:"args"`
}

func (h *Handler) call(w http.ResponseWriter, r *http.Request) {
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		writeError(w, &app.Error{Status: http.StatusUnsupportedMediaType, Code: "unsupported_media_type",
			Message: "send the call as Content-Type: application/json"})
		return
	}
	var req callRequest
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	if err := dec.Decode(&req); err != nil {
		writeError(w, &app.Error{Status: http.StatusBadRequest, Code: "invalid_json",
			Message: `the body must be {"method": "Name", "args": [...]}: ` + err.Error()})
		return
	}
	m, ok := h.methods[req.Method]
	if !ok {
		writeError(w, &app.Error{Status: http.StatusNotFound, Code: "unknown_method", Field: "method",
			Message: fmt.Sprintf("no App method %q; GET /bridge/methods lists them", req.Method),
			Params:  map[string]any{"method": req.Method}})
		return
	}
	args, aerr := m.decode(req.Method, req.Args)
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	out, err := h.invoke(req.Method, m, args)
	if err != nil {
		var e *app.Error
		if !errors.As(err, &e) {
			h.log.Error("call failed", "method", req.Method, "err", err)
			e = &app.Error{Status: http.StatusInternalServerError, Code: "internal", Message: err.Error()}
		}
		writeError(w, e)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// decode unmarshals each argument into its parameter type, as Wails does.
func (m method) decode(name string, raw []json.RawMessage) ([]reflect.Value, *app.Error) {
	if len(raw) != len(m.in) {
		return nil, &app.Error{Status: http.StatusBadRequest, Code: "invalid_args", Field: "args",
			Message: fmt.Sprintf("%s takes %d argument(s), got %d", name, len(m.in), len(raw)),
			Params:  map[string]any{"method": name, "expected": len(m.in), "got": len(raw)}}
	}
	args := make([]reflect.Value, len(raw))
	for i, r := range raw {
		p := reflect.New(m.in[i])
		if err := json.Unmarshal(r, p.Interface()); err != nil {
			return nil, &app.Error{Status: http.StatusBadRequest, Code: "invalid_args", Field: "args",
				Message: fmt.Sprintf("%s argument %d must be %s: %v", name, i+1, m.in[i], err),
				Params:  map[string]any{"method": name, "index": i, "type": m.in[i].String()}}
		}
		args[i] = p.Elem()
	}
	return args, nil
}

// invoke calls the method; a panic becomes an error instead of taking the process down.
func (h *Handler) invoke(name string, m method, args []reflect.Value) (out any, err error) {
	defer func() {
		if p := recover(); p != nil {
			h.log.Error("method panicked", "method", name, "panic", p)
			err = fmt.Errorf("%s panicked: %v", name, p)
		}
	}()
	res := m.fn.Call(args)
	if e := res[len(res)-1]; !e.IsNil() {
		return nil, e.Interface().(error)
	}
	if m.result {
		return res[0].Interface(), nil
	}
	return nil, nil
}

func (h *Handler) list(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"methods": h.Methods(), "events": app.EventNames()})
}

// serveUI serves the built studio UI: files as they are, any other path index.html so the
// UI's router can take it.
func (h *Handler) serveUI(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	index, err := fsReadFile(h.ui, "index.html")
	if err != nil {
		http.Error(w, "StudioDesk: the studio UI is not built. Run `npm ci && npm run build` in frontend/ (or `make build`), then rebuild StudioDesk.",
			http.StatusServiceUnavailable)
		return
	}
	p := strings.TrimPrefix(r.URL.Path, "/")
	if p != "" && p != "index.html" && fs.ValidPath(p) {
		if st, err := fs.Stat(h.ui, p); err == nil && !st.IsDir() {
			if strings.HasPrefix(p, "assets/") {
				w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
			}
			http.ServeFileFS(w, r, h.ui, p)
			return
		}
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	_, _ = w.Write(index)
}

func fsReadFile(fsys fs.FS, name string) ([]byte, error) {
	if fsys == nil {
		return nil, fs.ErrNotExist
	}
	return fs.ReadFile(fsys, name)
}

func writeError(w http.ResponseWriter, e *app.Error) {
	status := e.Status
	if status < 400 || status > 599 {
		status = http.StatusInternalServerError
	}
	body := *e
	if body.Params == nil {
		body.Params = map[string]any{}
	}
	writeJSON(w, status, map[string]any{"error": body})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		b = []byte(`{"error":{"code":"internal","field":"","message":"result is not JSON: ` +
			strings.ReplaceAll(err.Error(), `"`, `'`) + `","params":{}}}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(b)
	_, _ = io.WriteString(w, "\n")
}

func loopbackAddr(remote string) bool {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		host = remote
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func loopbackHost(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.Trim(host, "[]")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// sameOrigin accepts a missing Origin or a loopback one (the bridge itself, or the Vite dev
// server proxying /bridge); a page from anywhere else — including a DNS-rebound name — is refused.
func sameOrigin(r *http.Request) bool {
	o := r.Header.Get("Origin")
	if o == "" {
		return true
	}
	u, err := url.Parse(o)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && loopbackHost(u.Host)
}
