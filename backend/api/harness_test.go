package api_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/studiodesk/studiodesk/backend/api"
	"github.com/studiodesk/studiodesk/backend/auth"
	"github.com/studiodesk/studiodesk/backend/blob"
	"github.com/studiodesk/studiodesk/backend/blob/fsblob"
	"github.com/studiodesk/studiodesk/backend/blob/s3blob/s3test"
	"github.com/studiodesk/studiodesk/backend/store"
	"github.com/studiodesk/studiodesk/backend/store/postgres"
	"github.com/studiodesk/studiodesk/backend/store/postgres/pgtest"
	"github.com/studiodesk/studiodesk/backend/store/sqlite"
)

// clock is a settable fake clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// env is one server on its own database and port.
type env struct {
	t      testing.TB
	srv    *httptest.Server
	store  store.Store
	clock  *clock
	srvAPI *api.Server
}

// storeEnv selects the store every API test runs on: "sqlite" (the default: a file in
// the test's temp dir) or "postgres" (a fresh database per test on STUDIODESK_TEST_PG);
// scripts/test.sh runs this package once with each.
const storeEnv = "STUDIODESK_TEST_STORE"

// openStore opens an empty store of the selected kind, closed when t ends.
func openStore(t testing.TB) store.Store {
	t.Helper()
	var st store.Store
	var err error
	switch kind := os.Getenv(storeEnv); kind {
	case "", "sqlite":
		st, err = sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "api.db"))
	case "postgres":
		st, err = postgres.Open(context.Background(), pgtest.DSN(t))
	default:
		t.Fatalf("%s=%q: want sqlite or postgres", storeEnv, kind)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// blobsEnv selects the photo storage of the API tests that store photos: "disk" (the
// default: a folder in the test's temp dir) or "s3" (a fresh bucket per test on the S3
// server of STUDIODESK_TEST_S3); scripts/test.sh runs the package on SQLite + disk and on
// PostgreSQL + S3.
const blobsEnv = "STUDIODESK_TEST_BLOBS"

// openBlobs returns an empty bucket of the selected kind.
func openBlobs(t testing.TB) blob.Bucket {
	t.Helper()
	switch kind := os.Getenv(blobsEnv); kind {
	case "", "disk":
		b, err := fsblob.New(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		return b
	case "s3":
		var name [8]byte
		_, _ = rand.Read(name[:])
		return s3test.Bucket(t, "api-"+hex.EncodeToString(name[:]), false)
	default:
		t.Fatalf("%s=%q: want disk or s3", blobsEnv, kind)
		return nil
	}
}

func newEnv(t testing.TB) *env { return newEnvWith(t, nil) }

// newEnvWith lets a test adjust the server's configuration (payment providers, limits).
func newEnvWith(t testing.TB, configure func(*api.Config)) *env {
	t.Helper()
	st := openStore(t)
	clk := &clock{t: time.Date(2026, 12, 4, 2, 0, 0, 0, time.UTC)}
	cfg := api.Config{Store: st, Now: clk.Now, Password: auth.Fast, MaxBody: 64 << 10}
	if configure != nil {
		configure(&cfg)
	}
	h := api.New(cfg)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &env{t: t, srv: srv, store: st, clock: clk, srvAPI: h}
}

// resp is a decoded response.
type resp struct {
	Status int
	Body   map[string]any
	List   []any
	Raw    []byte
}

func (r resp) code() string {
	e, _ := r.Body["error"].(map[string]any)
	s, _ := e["code"].(string)
	return s
}

func (r resp) errField(k string) string {
	e, _ := r.Body["error"].(map[string]any)
	s, _ := e[k].(string)
	return s
}

func (r resp) num(k string) int64 {
	v, _ := r.Body[k].(float64)
	return int64(v)
}

// req sends a request; body may be a string (sent raw) or a value (sent as JSON).
func (e *env) req(method, path, token string, body any, hdr ...string) resp {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		buf, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(buf)
	}
	r, err := http.NewRequest(method, e.srv.URL+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if body != nil {
		r.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		r.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := http.DefaultClient.Do(r)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	out := resp{Status: res.StatusCode, Raw: raw}
	if len(raw) > 0 && raw[0] == '[' {
		_ = json.Unmarshal(raw, &out.List)
	} else {
		_ = json.Unmarshal(raw, &out.Body)
	}
	return out
}

// must sends a request and fails the test unless the status matches.
func (e *env) must(status int, method, path, token string, body any) resp {
	e.t.Helper()
	r := e.req(method, path, token, body)
	if r.Status != status {
		e.t.Fatalf("%s %s: status %d, want %d: %s", method, path, r.Status, status, r.Raw)
	}
	return r
}

func (e *env) login(phone, password, device string) string {
	e.t.Helper()
	r := e.must(http.StatusOK, "POST", "/api/v1/auth/login", "", map[string]any{
		"phone": phone, "password": password, "device_id": device, "device_name": "前台电脑"})
	tok, _ := r.Body["token"].(string)
	if tok == "" {
		e.t.Fatalf("login %s: no token: %s", phone, r.Raw)
	}
	return tok
}

// studio is a provisioned tenant with an org chart and one logged-in member per built-in role.
type studio struct {
	tenantID int64
	admin    string // token
	brand    int64
	branch   int64
	branch2  int64
	dept     int64
	roles    map[string]int64
	staff    map[string]int64  // role key -> staff id
	tokens   map[string]string // role key -> token
	phones   map[string]string
	device   string
	adminPW  string
}

var roleKeys = []string{"admin", "manager", "intake", "booking", "store", "referral", "channel"}

// newStudio provisions a studio through the real API; n distinguishes phones across studios.
func (e *env) newStudio(name string, n int) *studio {
	e.t.Helper()
	p, err := api.CreateTenant(context.Background(), e.store, auth.Fast, api.NewTenant{
		Name: name, AdminPhone: fmt.Sprintf("1380000%04d", n*100), Seats: 50}, e.clock.Now())
	if err != nil {
		e.t.Fatal(err)
	}
	s := &studio{tenantID: p.Tenant.ID, roles: map[string]int64{}, staff: map[string]int64{}, tokens: map[string]string{},
		phones: map[string]string{}, device: fmt.Sprintf("device-%d", n), adminPW: p.Password}
	s.admin = e.login(p.Admin.Phone, p.Password, s.device)
	s.tokens["admin"], s.staff["admin"], s.phones["admin"] = s.admin, p.Admin.ID, p.Admin.Phone
	s.brand = e.must(201, "POST", "/api/v1/brands", s.admin, map[string]any{"name": name + "婚纱", "type": "wedding"}).num("id")
	s.branch = e.must(201, "POST", "/api/v1/branches", s.admin, map[string]any{"brand_id": s.brand, "name": "一店"}).num("id")
	s.branch2 = e.must(201, "POST", "/api/v1/branches", s.admin, map[string]any{"brand_id": s.brand, "name": "二店"}).num("id")
	s.dept = e.must(201, "POST", "/api/v1/departments", s.admin, map[string]any{"branch_id": s.branch, "name": "客服组", "kind": "intake"}).num("id")
	roles := e.must(200, "GET", "/api/v1/roles", s.admin, nil)
	for _, r := range roles.List {
		m := r.(map[string]any)
		if k, _ := m["key"].(string); k != "" {
			s.roles[k] = int64(m["id"].(float64))
		}
	}
	e.must(200, "PUT", "/api/v1/devices/"+s.device+"/branches", s.admin, map[string]any{"branch_ids": []int64{s.branch}})
	for i, k := range roleKeys[1:] {
		phone := fmt.Sprintf("1390000%04d", n*100+i)
		r := e.must(201, "POST", "/api/v1/staff", s.admin, map[string]any{"phone": phone, "name": k + "员工",
			"branch_id": s.branch, "department_id": s.dept, "role_ids": []int64{s.roles[k]}, "password": "Passw0rd!"})
		st := r.Body["staff"].(map[string]any)
		s.staff[k], s.phones[k] = int64(st["id"].(float64)), phone
		s.tokens[k] = e.login(phone, "Passw0rd!", s.device)
	}
	return s
}
