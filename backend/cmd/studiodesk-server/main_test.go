package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/studiodesk/studiodesk/backend/auth"
	"github.com/studiodesk/studiodesk/backend/store/postgres/pgtest"
	"github.com/studiodesk/studiodesk/backend/store/sqlite"
)

func runCLI(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), args, &out, &errb)
	return out.String(), errb.String(), err
}

// TestTenantCreateListAndResetPassword runs the operator commands on each database --db
// selects: the default SQLite file under --data, and a PostgreSQL URL.
func TestTenantCreateListAndResetPassword(t *testing.T) {
	for _, kind := range []string{"sqlite", "postgres"} {
		t.Run(kind, func(t *testing.T) {
			sf := storeFlags{data: t.TempDir()}
			if kind == "postgres" {
				sf.db = pgtest.DSN(t)
			}
			where := []string{"--data", sf.data, "--db", sf.db}
			login := func(pw string) error {
				t.Helper()
				st, err := sf.open(context.Background())
				if err != nil {
					t.Fatal(err)
				}
				defer st.Close()
				cands, err := st.LoginCandidates(context.Background(), "13912345678")
				if err != nil || len(cands) != 1 {
					t.Fatalf("login candidates: %v %v", cands, err)
				}
				return auth.CheckPassword(cands[0].PasswordHash, pw)
			}
			out, _, err := runCLI(t, append([]string{"tenant", "create", "--name", "甲影楼", "--admin-phone", "+86 139-1234-5678", "--seats", "20"}, where...)...)
			if err != nil {
				t.Fatal(err)
			}
			pw := regexp.MustCompile(`admin password: (\S+)`).FindStringSubmatch(out)
			if pw == nil || !strings.Contains(out, "13912345678") {
				t.Fatalf("output: %s", out)
			}
			if login(pw[1]) != nil {
				t.Fatal("the printed password does not log in")
			}

			out, _, err = runCLI(t, append([]string{"tenant", "list"}, where...)...)
			if err != nil || !strings.Contains(out, "甲影楼") || !strings.Contains(out, "20") {
				t.Fatalf("list: %v %s", err, out)
			}

			out, _, err = runCLI(t, append([]string{"reset-password", "--phone", "13912345678"}, where...)...)
			np := regexp.MustCompile(`new password: (\S+)`).FindStringSubmatch(out)
			if err != nil || np == nil || np[1] == pw[1] {
				t.Fatalf("reset: %v %s", err, out)
			}
			if login(np[1]) != nil {
				t.Fatal("new password does not log in")
			}
			if out, _, err = runCLI(t, append([]string{"migrate"}, where...)...); err != nil || !strings.Contains(out, "up to date") {
				t.Fatalf("migrate: %v %s", err, out)
			}
		})
	}
}

// TestPostgresErrorsHideThePassword: a database that cannot be reached is named in the
// error without the password of its URL.
func TestPostgresErrorsHideThePassword(t *testing.T) {
	for _, db := range []string{"postgres://studio:s3cret-pw@127.0.0.1:1/studiodesk?connect_timeout=5", "postgres://studio:s3cret-pw@127.0.0.1:%zz/x"} {
		_, _, err := runCLI(t, "migrate", "--data", t.TempDir(), "--db", db)
		if err == nil || strings.Contains(err.Error(), "s3cret") || !strings.Contains(err.Error(), "postgres") {
			t.Errorf("migrate --db %s: %v", db, err)
		}
	}
}

func TestBadInvocations(t *testing.T) {
	data := t.TempDir()
	tests := []struct {
		name   string
		args   []string
		errHas string
		usage  bool
	}{
		{"no command", nil, "no command", true},
		{"unknown command", []string{"fly"}, "unknown command", true},
		{"tenant without name", []string{"tenant", "create", "--data", data, "--admin-phone", "13912345678"}, "--name and --admin-phone are required", true},
		{"bad phone", []string{"tenant", "create", "--data", data, "--name", "x", "--admin-phone", "12345"}, "not a valid mainland China mobile", true},
		{"unknown flag", []string{"serve", "--nope"}, "flag provided but not defined", true},
		{"reset unknown phone", []string{"reset-password", "--data", data, "--phone", "13700000000"}, "tenant list", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := runCLI(t, tc.args...)
			var ue usageError
			if err == nil || !strings.Contains(err.Error(), tc.errHas) || errors.As(err, &ue) != tc.usage {
				t.Fatalf("err = %v", err)
			}
		})
	}
}

func TestEveryCommandHasHelp(t *testing.T) {
	for _, args := range [][]string{{"serve"}, {"migrate"}, {"tenant", "create"}, {"tenant", "list"}, {"reset-password"}, {"backup"}, {"migrate-storage"}} {
		_, stderr, err := runCLI(t, append(args, "--help")...)
		if !errors.Is(err, flag.ErrHelp) || exitCode(err) != 0 || !strings.Contains(stderr, "Usage: studiodesk-server") {
			t.Errorf("%v --help: %v %q", args, err, stderr)
		}
	}
	out, _, err := runCLI(t, "--help")
	if err != nil || !strings.Contains(out, "reset-password") {
		t.Errorf("top help: %v %s", err, out)
	}
}

func TestDemoSeedIsIdempotent(t *testing.T) {
	data := t.TempDir()
	st, err := sqlite.Open(context.Background(), filepath.Join(data, "studiodesk.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var out bytes.Buffer
	if err := ensureDemo(context.Background(), st, data, "http://127.0.0.1:1", &out); err != nil {
		t.Fatal(err)
	}
	if err := ensureDemo(context.Background(), st, data, "http://127.0.0.1:2", &out); err != nil {
		t.Fatal(err)
	}
	list, _ := st.ListTenants(context.Background())
	b, _ := os.ReadFile(filepath.Join(data, "demo-login.json"))
	if len(list) != 1 || !strings.Contains(string(b), "127.0.0.1:2") || !strings.Contains(string(b), demoPhone) {
		t.Fatalf("tenants %d, login file %s", len(list), b)
	}
}

// syncBuffer is a bytes.Buffer safe for a server goroutine writing while the test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// served is a `serve` running in the test's process.
type served struct {
	out, errb syncBuffer
	stop      func()
}

// startServe runs `studiodesk-server serve args...` on free loopback ports until stop.
func startServe(t *testing.T, args ...string) (string, func()) {
	s := startServed(t, args...)
	return s.find(t, `listening on (http://\S+)`), s.stop
}

func startServed(t *testing.T, args ...string) *served {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s := &served{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...), &s.out, &s.errb)
	}()
	var once sync.Once
	s.stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("serve: %v (%s)", err, s.errb.String())
			}
		})
	}
	t.Cleanup(s.stop)
	return s
}

// find waits for a line of the server's output matching re and returns its first group.
func (s *served) find(t *testing.T, re string) string {
	t.Helper()
	for range 1000 {
		if m := regexp.MustCompile(re).FindStringSubmatch(s.out.String()); m != nil {
			return m[1]
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("no %s in %q (%s)", re, s.out.String(), s.errb.String())
	return ""
}

// TestServeExposesMetrics: with --metrics-addr, requests to the API show up in the
// Prometheus metrics served on that separate address, by route pattern.
func TestServeExposesMetrics(t *testing.T) {
	s := startServed(t, "--data", t.TempDir(), "--metrics-addr", "127.0.0.1:0")
	api := s.find(t, `listening on (http://\S+)`)
	mets := s.find(t, `metrics on (http://\S+)`)
	for range 2 {
		res, err := http.Get(api + "/readyz")
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
	}
	res, err := http.Get(mets)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	for _, want := range []string{`studiodesk_http_requests_total{code="200",method="GET",route="GET /readyz"} 2`, "studiodesk_db_write_queue 0"} {
		if !strings.Contains(string(body), want) {
			t.Errorf("metrics lack %s:\n%s", want, body)
		}
	}
}

// TestBackupCommand: backup copies a studio's database to a new file that opens and holds
// the studio; it refuses to overwrite, and explains a missing --out.
func TestBackupCommand(t *testing.T) {
	data := t.TempDir()
	if _, _, err := runCLI(t, "tenant", "create", "--data", data, "--name", "备份影楼", "--admin-phone", "13800009999"); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "b.db")
	stdout, _, err := runCLI(t, "backup", "--data", data, "--out", out)
	if err != nil || !strings.Contains(stdout, "backup written to") {
		t.Fatalf("backup: %v %s", err, stdout)
	}
	if _, _, err := runCLI(t, "backup", "--data", data, "--out", out); err == nil || !strings.Contains(err.Error(), "exists") {
		t.Fatalf("second backup to the same file: %v", err)
	}
	if _, _, err := runCLI(t, "backup", "--data", data); exitCode(err) != 2 || !strings.Contains(err.Error(), "--out") {
		t.Fatalf("missing --out: %v", err)
	}
	stdout, _, err = runCLI(t, "tenant", "list", "--db", out)
	if err != nil || !strings.Contains(stdout, "备份影楼") {
		t.Fatalf("the backup does not hold the studio: %v %s", err, stdout)
	}
}
