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
	"github.com/studiodesk/studiodesk/backend/store/sqlite"
)

func runCLI(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), args, &out, &errb)
	return out.String(), errb.String(), err
}

func TestTenantCreateListAndResetPassword(t *testing.T) {
	data := t.TempDir()
	out, _, err := runCLI(t, "tenant", "create", "--data", data, "--name", "甲影楼", "--admin-phone", "+86 139-1234-5678", "--seats", "20")
	if err != nil {
		t.Fatal(err)
	}
	pw := regexp.MustCompile(`admin password: (\S+)`).FindStringSubmatch(out)
	if pw == nil || !strings.Contains(out, "13912345678") {
		t.Fatalf("output: %s", out)
	}
	st, err := sqlite.Open(context.Background(), filepath.Join(data, "studiodesk.db"))
	if err != nil {
		t.Fatal(err)
	}
	cands, err := st.LoginCandidates(context.Background(), "13912345678")
	st.Close()
	if err != nil || len(cands) != 1 || auth.CheckPassword(cands[0].PasswordHash, pw[1]) != nil {
		t.Fatalf("the printed password does not log in: %v %v", cands, err)
	}

	out, _, err = runCLI(t, "tenant", "list", "--data", data)
	if err != nil || !strings.Contains(out, "甲影楼") || !strings.Contains(out, "20") {
		t.Fatalf("list: %v %s", err, out)
	}

	out, _, err = runCLI(t, "reset-password", "--data", data, "--phone", "13912345678")
	np := regexp.MustCompile(`new password: (\S+)`).FindStringSubmatch(out)
	if err != nil || np == nil || np[1] == pw[1] {
		t.Fatalf("reset: %v %s", err, out)
	}
	st, _ = sqlite.Open(context.Background(), filepath.Join(data, "studiodesk.db"))
	defer st.Close()
	cands, _ = st.LoginCandidates(context.Background(), "13912345678")
	if auth.CheckPassword(cands[0].PasswordHash, np[1]) != nil {
		t.Fatal("new password does not log in")
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
		{"postgres not yet", []string{"migrate", "--data", data, "--db", "postgres://x"}, "PostgreSQL", true},
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
	for _, args := range [][]string{{"serve"}, {"migrate"}, {"tenant", "create"}, {"tenant", "list"}, {"reset-password"}, {"backup"}} {
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

// TestServeExposesMetrics: with --metrics-addr, requests to the API show up in the
// Prometheus metrics served on that separate address, by route pattern.
func TestServeExposesMetrics(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var out, errb syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--data", t.TempDir(), "--addr", "127.0.0.1:0", "--metrics-addr", "127.0.0.1:0"}, &out, &errb)
	}()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v (%s)", err, errb.String())
		}
	}()
	find := func(re string) string {
		for range 500 {
			if m := regexp.MustCompile(re).FindStringSubmatch(out.String()); m != nil {
				return m[1]
			}
			time.Sleep(10 * time.Millisecond)
		}
		t.Fatalf("no %s in %q (%s)", re, out.String(), errb.String())
		return ""
	}
	api := find(`listening on (http://\S+)`)
	mets := find(`metrics on (http://\S+)`)
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
