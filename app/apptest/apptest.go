// Package apptest holds what desktop tests share: a real StudioDesk server (the real API on
// its own SQLite file and port, with one provisioned studio), an App pointed at it in a
// temporary config folder, and a recorder of the App's events. Only tests import it.
package apptest

import (
	"context"
	"log/slog"
	"net"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/studiodesk/studiodesk/app"
	"github.com/studiodesk/studiodesk/backend/account"
	"github.com/studiodesk/studiodesk/backend/album"
	"github.com/studiodesk/studiodesk/backend/api"
	"github.com/studiodesk/studiodesk/backend/api/apiclient"
	"github.com/studiodesk/studiodesk/backend/auth"
	"github.com/studiodesk/studiodesk/backend/blob/fsblob"
	"github.com/studiodesk/studiodesk/backend/store"
	"github.com/studiodesk/studiodesk/backend/store/sqlite"
)

// Server is a running server with one studio whose first admin may log in.
type Server struct {
	URL           string
	Store         store.Store
	TenantID      int64
	AdminID       int64
	AdminPhone    string
	AdminPassword string
	// API is the server's handler (tests run its background jobs with API.RunOneJob).
	API *api.Server
}

// NewServer starts a server for t; it stops when t ends. configure adjusts the server's
// configuration (blob storage and uploads for album tests).
func NewServer(t testing.TB, configure ...func(*api.Config)) *Server {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "server.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	cfg := api.Config{Store: st, Password: auth.Fast}
	for _, f := range configure {
		f(&cfg)
	}
	handler := api.New(cfg)
	srv := httptest.NewServer(handler)
	t.Cleanup(srv.Close)
	p, err := api.CreateTenant(ctx, st, auth.Fast, api.NewTenant{Name: "蜜糖影楼", AdminPhone: "13800000001",
		AdminName: "老板", Seats: 20}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return &Server{URL: srv.URL, Store: st, TenantID: p.Tenant.ID, AdminID: p.Admin.ID,
		AdminPhone: p.Admin.Phone, AdminPassword: p.Password, API: handler}
}

// DeadURL returns the address of a port nothing listens on.
func DeadURL(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	return "http://" + addr
}

// NewApp builds an App for t in its own config folder, pointed at server (any address).
func NewApp(t testing.TB, server string, emitter app.Emitter) (*app.App, string) {
	t.Helper()
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	a, err := app.New(ctx, app.Config{Dir: dir, ServerURL: server, Emitter: emitter, DeviceName: "前台电脑",
		Version: "test", Timeout: 10 * time.Second, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { app.Stop(a) }) // runs before cancel: cleanups run last-in first-out
	return a, dir
}

// Event is one recorded Emit.
type Event struct {
	Name string
	Data []any
}

// Recorder is an app.Emitter that remembers what was emitted.
type Recorder struct {
	mu     sync.Mutex
	events []Event
}

var _ app.Emitter = (*Recorder)(nil)

// Emit records the event.
func (r *Recorder) Emit(name string, data ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, Event{Name: name, Data: data})
}

// Events returns what was emitted so far and forgets it.
func (r *Recorder) Events() []Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := slices.Clone(r.events)
	r.events = nil
	return out
}

// UploadServer is the real API with uploads on (SQLite file, photos on disk), one studio
// with credits, its admin's session, and an album to upload into.
type UploadServer struct {
	URL, Token string
	AlbumID    int64
	Client     *apiclient.Client // logged in as the admin
}

// NewUploadServer starts one for t; it stops when t ends.
func NewUploadServer(t testing.TB) UploadServer {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	st, err := sqlite.Open(ctx, filepath.Join(dir, "server.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	blobs, err := fsblob.New(filepath.Join(dir, "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { blobs.Close() })
	srv := httptest.NewServer(api.New(api.Config{Store: st, Password: auth.Fast, Blobs: blobs, UploadDir: filepath.Join(dir, "uploads")}))
	t.Cleanup(srv.Close)
	p, err := api.CreateTenant(ctx, st, auth.Fast, api.NewTenant{Name: "上传影楼", AdminPhone: "13800000002", AdminName: "摄影师", Seats: 5}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := api.TopUp(ctx, st, p.Tenant.ID, 1000, "", "", true, time.Now()); err != nil {
		t.Fatal(err)
	}
	c, err := apiclient.New(apiclient.Config{BaseURL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	sess, err := c.Login(ctx, api.LoginRequest{Phone: p.Admin.Phone, Password: p.Password, DeviceID: "ingest-test", DeviceName: "测试"})
	if err != nil {
		t.Fatal(err)
	}
	c, _ = apiclient.New(apiclient.Config{BaseURL: srv.URL, Token: sess.Token})
	brand, err := c.CreateBrand(ctx, account.Brand{Name: "婚纱", Type: account.BrandWedding})
	if err != nil {
		t.Fatal(err)
	}
	branch, err := c.CreateBranch(ctx, account.Branch{BrandID: brand.ID, Name: "一店"})
	if err != nil {
		t.Fatal(err)
	}
	o, err := c.CreateOrder(ctx, album.Order{BrandID: brand.ID, BranchID: branch.ID, CustomerName: "王小姐", Phone: "13600000009", Package: "A"})
	if err != nil {
		t.Fatal(err)
	}
	a, err := c.CreateAlbum(ctx, o.ID, album.Album{Kind: album.KindRaw, Title: "底片"})
	if err != nil {
		t.Fatal(err)
	}
	return UploadServer{URL: srv.URL, Token: sess.Token, AlbumID: a.ID, Client: c}
}
