package app_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/studiodesk/studiodesk/app"
	"github.com/studiodesk/studiodesk/app/apptest"
	"github.com/studiodesk/studiodesk/backend/account"
	"github.com/studiodesk/studiodesk/backend/api"
	"github.com/studiodesk/studiodesk/backend/api/apiclient"
)

var quiet = slog.New(slog.DiscardHandler)

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

type settingsFile struct {
	ServerURL string `json:"server_url"`
	Language  string `json:"language"`
	Token     string `json:"token"`
}

func appError(t *testing.T, err error) *app.Error {
	t.Helper()
	var e *app.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not an *app.Error", err, err)
	}
	return e
}

func login(t *testing.T, a *app.App, s *apptest.Server) api.Session {
	t.Helper()
	sess, err := a.Login(app.LoginRequest{ServerURL: s.URL, Phone: s.AdminPhone, Password: s.AdminPassword})
	if err != nil {
		t.Fatal(err)
	}
	return sess
}

func TestLocalState(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ctx := context.Background()
	a, err := app.New(ctx, app.Config{Logger: quiet, Dir: dir, DeviceName: "前台电脑"})
	if err != nil {
		t.Fatal(err)
	}
	info, _ := a.Info()
	if len(info.DeviceID) != 36 || info.DeviceName != "前台电脑" || info.DeviceCode != account.DeviceCode(info.DeviceID) ||
		info.ServerURL != app.DefaultServerURL || info.Language != app.LangZH || info.Version != "dev" {
		t.Fatalf("info %+v", info)
	}
	var dev struct{ ID, Name string }
	readJSON(t, filepath.Join(dir, "device.json"), &dev)
	if dev.ID != info.DeviceID {
		t.Fatalf("device.json %+v", dev)
	}
	if runtime.GOOS != "windows" {
		st, err := os.Stat(filepath.Join(dir, "settings.json"))
		if err != nil || st.Mode().Perm() != 0o600 {
			t.Fatalf("settings.json mode %v, %v", st.Mode(), err)
		}
	}

	t.Run("the device id survives a restart", func(t *testing.T) {
		b, err := app.New(ctx, app.Config{Logger: quiet, Dir: dir, DeviceName: "another name"})
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := b.Info(); got.DeviceID != info.DeviceID || got.DeviceName != "前台电脑" {
			t.Fatalf("after restart %+v", got)
		}
	})

	t.Run("stored server wins unless pinned", func(t *testing.T) {
		b, _ := app.New(ctx, app.Config{Logger: quiet, Dir: dir, ServerURL: "http://10.0.0.2:8640"})
		if got, _ := b.Info(); got.ServerURL != app.DefaultServerURL {
			t.Fatalf("unpinned: %s", got.ServerURL)
		}
		b, _ = app.New(ctx, app.Config{Logger: quiet, Dir: dir, ServerURL: "10.0.0.2:8640/", PinServer: true})
		if got, _ := b.Info(); got.ServerURL != "http://10.0.0.2:8640" {
			t.Fatalf("pinned: %s", got.ServerURL)
		}
	})

	t.Run("a damaged settings file is moved aside", func(t *testing.T) {
		d := t.TempDir()
		if err := os.WriteFile(filepath.Join(d, "settings.json"), []byte("{not json"), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := app.New(ctx, app.Config{Logger: quiet, Dir: d}); err != nil {
			t.Fatal(err)
		}
		if b, err := os.ReadFile(filepath.Join(d, "settings.json.bad")); err != nil || string(b) != "{not json" {
			t.Fatalf("backup: %q %v", b, err)
		}
	})

	t.Run("bad server address", func(t *testing.T) {
		if _, err := app.New(ctx, app.Config{Logger: quiet, Dir: t.TempDir(), ServerURL: "ftp://x"}); !errors.Is(err, apiclient.ErrBaseURL) {
			t.Fatalf("got %v", err)
		}
	})

	t.Run("language", func(t *testing.T) {
		rec := &apptest.Recorder{}
		b, d := apptest.NewApp(t, app.DefaultServerURL, rec)
		if err := b.SetLanguage("en"); err != nil {
			t.Fatal(err)
		}
		var s settingsFile
		readJSON(t, filepath.Join(d, "settings.json"), &s)
		if s.Language != "en" {
			t.Fatalf("settings %+v", s)
		}
		if ev := rec.Events(); len(ev) != 1 || ev[0].Name != app.EventLanguageChanged || ev[0].Data[0] != "en" {
			t.Fatalf("events %+v", ev)
		}
		e := appError(t, b.SetLanguage("fr"))
		if e.Code != app.CodeInvalidValue || e.Field != "lang" || e.Status != 400 || !strings.Contains(e.Message, "zh-CN, en") {
			t.Fatalf("bad language: %+v", e)
		}
		if err := b.SetLanguage("zh-CN"); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("UIReady records the screen", func(t *testing.T) {
		b, d := apptest.NewApp(t, app.DefaultServerURL, nil)
		if err := b.UIReady("login"); err != nil {
			t.Fatal(err)
		}
		var st struct{ Screen string }
		readJSON(t, filepath.Join(d, "ui-state.json"), &st)
		if st.Screen != "login" {
			t.Fatalf("ui-state %+v", st)
		}
		if e := appError(t, b.UIReady(" ")); e.Code != app.CodeInvalidValue || e.Field != "screen" {
			t.Fatalf("empty screen: %+v", e)
		}
	})
}

func TestSession(t *testing.T) {
	t.Parallel()
	s := apptest.NewServer(t)
	rec := &apptest.Recorder{}
	a, dir := apptest.NewApp(t, app.DefaultServerURL, rec)

	if sess, err := a.CurrentSession(); sess != nil || err != nil {
		t.Fatalf("logged out: %v %v", sess, err)
	}
	if e := appError(t, func() error { _, err := a.ListBrands(); return err }()); e.Code != "unauthenticated" || e.Status != 401 || e.Message != "请先登录。" {
		t.Fatalf("logged out call: %+v", e)
	}

	// Typed the way people type it: no scheme, trailing slash.
	sess, err := a.Login(app.LoginRequest{ServerURL: strings.TrimPrefix(s.URL, "http://") + "/", Phone: s.AdminPhone, Password: s.AdminPassword})
	if err != nil {
		t.Fatal(err)
	}
	if sess.Token != "" || sess.Staff.ID != s.AdminID || sess.Tenant.ID != s.TenantID {
		t.Fatalf("session %+v", sess)
	}
	info, _ := a.Info()
	if sess.Device.ID != info.DeviceID || sess.Device.Name != "前台电脑" || info.ServerURL != s.URL {
		t.Fatalf("device %+v info %+v", sess.Device, info)
	}
	ev := sessionEvents(rec)
	if len(ev) != 1 || ev[0].Data[0].(*api.Session).Staff.ID != s.AdminID {
		t.Fatalf("events %+v", ev)
	}
	var stored settingsFile
	readJSON(t, filepath.Join(dir, "settings.json"), &stored)
	if stored.Token == "" || stored.ServerURL != s.URL {
		t.Fatalf("settings %+v", stored)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		b, _ := os.ReadFile(filepath.Join(dir, e.Name()))
		if strings.Contains(string(b), s.AdminPassword) {
			t.Fatalf("%s holds the password", e.Name())
		}
	}

	t.Run("a restart stays logged in", func(t *testing.T) {
		b, err := app.New(context.Background(), app.Config{Logger: quiet, Dir: dir})
		if err != nil {
			t.Fatal(err)
		}
		cur, err := b.CurrentSession()
		if err != nil || cur == nil || cur.Staff.ID != s.AdminID || cur.Token != "" {
			t.Fatalf("current %+v %v", cur, err)
		}
	})

	t.Run("calls go to the server as the user", func(t *testing.T) {
		brand, err := a.SaveBrand(account.Brand{Name: "蜜糖婚纱", Type: account.BrandWedding})
		if err != nil || brand.ID == 0 {
			t.Fatalf("create %+v %v", brand, err)
		}
		brand.Name = "蜜糖"
		if up, err := a.SaveBrand(brand); err != nil || up.Name != "蜜糖" || up.ID != brand.ID {
			t.Fatalf("update %+v %v", up, err)
		}
		e := appError(t, func() error { _, err := a.SaveBrand(account.Brand{Type: account.BrandWedding}); return err }())
		if e.Status != 400 || e.Code != "required" || e.Field != "name" || !strings.Contains(e.Message, "名称") {
			t.Fatalf("validation %+v", e)
		}
		if list, err := a.ListChannels(); err != nil || list == nil || len(list) != 0 {
			t.Fatalf("empty list %#v %v", list, err)
		}
		audit, err := a.ListAudit(apiclient.AuditQuery{Entity: "brand", Limit: 5})
		if err != nil || len(audit) != 2 || audit[0].DeviceID != info.DeviceID {
			t.Fatalf("audit %+v %v", audit, err)
		}
	})

	t.Run("a session ended by the server is forgotten", func(t *testing.T) {
		rec := &apptest.Recorder{} // its own: the workspace's sync events arrive too
		b, bdir := apptest.NewApp(t, s.URL, rec)
		login(t, b, s)
		rec.Events()
		var st settingsFile
		readJSON(t, filepath.Join(bdir, "settings.json"), &st)
		c, _ := apiclient.New(apiclient.Config{BaseURL: s.URL, Token: st.Token})
		if err := c.Logout(context.Background()); err != nil {
			t.Fatal(err)
		}
		e := appError(t, func() error { _, err := b.ListRoles(); return err }())
		if e.Code != "unauthenticated" || e.Status != 401 {
			t.Fatalf("after server logout: %+v", e)
		}
		// The workspace's sync loop may meet the dead token first: then the token is cleared
		// on its goroutine and the event follows a moment later. Either way, exactly one.
		var ev []apptest.Event
		for deadline := time.Now().Add(5 * time.Second); len(ev) == 0 && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			for _, e := range rec.Events() {
				if e.Name == app.EventSessionChanged {
					ev = append(ev, e)
				}
			}
		}
		time.Sleep(100 * time.Millisecond)
		for _, e := range rec.Events() {
			if e.Name == app.EventSessionChanged {
				ev = append(ev, e)
			}
		}
		if len(ev) != 1 || ev[0].Data[0] != nil {
			t.Fatalf("events %+v", ev)
		}
		st = settingsFile{}
		readJSON(t, filepath.Join(bdir, "settings.json"), &st)
		if st.Token != "" {
			t.Fatal("dead token kept")
		}
		if cur, err := b.CurrentSession(); cur != nil || err != nil {
			t.Fatalf("current %+v %v", cur, err)
		}
	})

	t.Run("CurrentSession forgets a dead token", func(t *testing.T) {
		b, bdir := apptest.NewApp(t, s.URL, nil)
		login(t, b, s)
		var st settingsFile
		readJSON(t, filepath.Join(bdir, "settings.json"), &st)
		c, _ := apiclient.New(apiclient.Config{BaseURL: s.URL, Token: st.Token})
		_ = c.Logout(context.Background())
		if cur, err := b.CurrentSession(); cur != nil || err != nil {
			t.Fatalf("current %+v %v", cur, err)
		}
	})

	t.Run("logout", func(t *testing.T) {
		rec.Events()
		if err := a.Logout(); err != nil {
			t.Fatal(err)
		}
		var ev []apptest.Event
		for _, e := range rec.Events() {
			if e.Name == app.EventSessionChanged {
				ev = append(ev, e)
			}
		}
		if len(ev) != 1 || ev[0].Data[0] != nil {
			t.Fatalf("events %+v", ev)
		}
		if cur, err := a.CurrentSession(); cur != nil || err != nil {
			t.Fatalf("after logout %v %v", cur, err)
		}
		if err := a.Logout(); err != nil {
			t.Fatalf("second logout: %v", err)
		}
	})

	t.Run("logout with the server gone still logs out", func(t *testing.T) {
		b, bdir := apptest.NewApp(t, s.URL, nil)
		login(t, b, s)
		if _, err := app.New(context.Background(), app.Config{Logger: quiet, Dir: bdir, ServerURL: apptest.DeadURL(t), PinServer: true}); err != nil {
			t.Fatal(err)
		}
		c, err := app.New(context.Background(), app.Config{Logger: quiet, Dir: bdir})
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Logout(); err != nil {
			t.Fatal(err)
		}
		var st settingsFile
		readJSON(t, filepath.Join(bdir, "settings.json"), &st)
		if st.Token != "" {
			t.Fatal("token kept")
		}
	})
}

func TestErrors(t *testing.T) {
	t.Parallel()
	s := apptest.NewServer(t)
	dead := apptest.DeadURL(t)
	html := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		_, _ = w.Write([]byte("<html>router admin page</html>"))
	}))
	t.Cleanup(html.Close)

	tests := []struct {
		name    string
		lang    string
		req     app.LoginRequest
		status  int
		code    string
		field   string
		message []string
	}{
		{"wrong password", "", app.LoginRequest{ServerURL: s.URL, Phone: s.AdminPhone, Password: "wrong1234"},
			401, "invalid_credentials", "password", []string{"手机号或密码错误"}},
		{"wrong password in English", "en", app.LoginRequest{ServerURL: s.URL, Phone: s.AdminPhone, Password: "wrong1234"},
			401, "invalid_credentials", "password", []string{"Wrong phone number or password"}},
		{"server down", "", app.LoginRequest{ServerURL: dead, Phone: s.AdminPhone, Password: "x"},
			502, app.CodeServerUnreachable, "server_url", []string{dead, "服务器地址", "网络"}},
		{"server down in English", "en", app.LoginRequest{ServerURL: dead, Phone: s.AdminPhone, Password: "x"},
			502, app.CodeServerUnreachable, "server_url", []string{dead, "server address", "online"}},
		{"not an address", "", app.LoginRequest{ServerURL: "ftp://studio", Phone: s.AdminPhone, Password: "x"},
			400, app.CodeServerURLInvalid, "server_url", []string{"ftp://studio", "http://192.168.1.10:8640"}},
		{"not a StudioDesk server", "", app.LoginRequest{ServerURL: html.URL, Phone: s.AdminPhone, Password: "x"},
			502, app.CodeUnexpectedResponse, "server_url", []string{html.URL, "HTTP 200"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			a, _ := apptest.NewApp(t, s.URL, nil)
			if tc.lang != "" {
				if err := a.SetLanguage(tc.lang); err != nil {
					t.Fatal(err)
				}
			}
			_, err := a.Login(tc.req)
			e := appError(t, err)
			if e.Status != tc.status || e.Code != tc.code || e.Field != tc.field {
				t.Fatalf("got %+v", e)
			}
			for _, m := range tc.message {
				if !strings.Contains(e.Message, m) {
					t.Errorf("message %q lacks %q", e.Message, m)
				}
			}
			// Error() is the JSON object the UI parses: exactly these four keys.
			var obj map[string]any
			if err := json.Unmarshal([]byte(err.Error()), &obj); err != nil {
				t.Fatalf("Error() is not JSON: %q", err.Error())
			}
			if len(obj) != 4 || obj["code"] != tc.code || obj["field"] != tc.field || obj["message"] != e.Message || obj["params"] == nil {
				t.Fatalf("Error() = %s", err.Error())
			}
			if info, _ := a.Info(); info.ServerURL != s.URL {
				t.Fatalf("a failed login changed the server to %s", info.ServerURL)
			}
		})
	}

	t.Run("server gone after login", func(t *testing.T) {
		t.Parallel()
		a, dir := apptest.NewApp(t, s.URL, nil)
		login(t, a, s)
		// Same config folder, pointed elsewhere: the stored token is kept, the server is not there.
		b, err := app.New(context.Background(), app.Config{Logger: quiet, Dir: dir, ServerURL: dead, PinServer: true})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { app.Stop(b) })
		// Offline start: the last confirmed session carries on (the replica works without
		// the server); what needs the server says it cannot be reached.
		sess, err := b.CurrentSession()
		if err != nil || sess == nil || sess.Staff.ID != s.AdminID {
			t.Fatalf("offline session %+v, %v", sess, err)
		}
		_, err = b.ListRoles()
		if e := appError(t, err); e.Code != app.CodeServerUnreachable || e.Field != "" || e.Params["server_url"] != dead {
			t.Fatalf("got %+v", e)
		}
	})
}

func TestConcurrentCalls(t *testing.T) {
	t.Parallel()
	s := apptest.NewServer(t)
	a, _ := apptest.NewApp(t, s.URL, &apptest.Recorder{})
	login(t, a, s)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if _, err := a.ListRoles(); err != nil {
				var e *app.Error
				if !errors.As(err, &e) || e.Code != "unauthenticated" {
					t.Errorf("list roles: %v", err)
				}
			}
		})
	}
	wg.Go(func() { _ = a.Logout() })
	wg.Wait()
}

// sessionEvents drains rec and keeps the session events (the workspace's sync events
// arrive in between).
func sessionEvents(rec *apptest.Recorder) []apptest.Event {
	var out []apptest.Event
	for _, e := range rec.Events() {
		if e.Name == app.EventSessionChanged {
			out = append(out, e)
		}
	}
	return out
}

// TestReferenceDataOffline: names of staff, branches, departments and channels fetched once
// are answered from the replica when the server is gone, so lead screens still show names.
func TestReferenceDataOffline(t *testing.T) {
	t.Parallel()
	s := apptest.NewServer(t)
	// The desktop talks to the server through a proxy the test can take away: same address,
	// nothing answering.
	target, _ := url.Parse(s.URL)
	proxy := httptest.NewServer(httputil.NewSingleHostReverseProxy(target))
	s.URL = proxy.URL
	a, dir := apptest.NewApp(t, s.URL, nil)
	login(t, a, s)
	names, err := a.StaffNames()
	if err != nil || len(names) != 1 || names[0].ID != s.AdminID || names[0].Name == "" {
		t.Fatalf("staff names %+v, %v", names, err)
	}
	if _, err := a.ListBranches(); err != nil {
		t.Fatal(err)
	}
	app.Stop(a)
	proxy.Close()

	b, err := app.New(context.Background(), app.Config{Logger: slog.New(slog.DiscardHandler), Dir: dir, ServerURL: s.URL})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { app.Stop(b) })
	if sess, err := b.CurrentSession(); err != nil || sess == nil { // as the UI starts: offline, the last session
		t.Fatalf("offline start: %+v, %v", sess, err)
	}
	offline, err := b.StaffNames()
	if err != nil || fmt.Sprint(offline) != fmt.Sprint(names) {
		t.Fatalf("offline staff names %+v, %v; want %+v", offline, err, names)
	}
	if br, err := b.ListBranches(); err != nil || len(br) != 0 {
		t.Fatalf("offline branches %+v, %v", br, err)
	}
	// Never fetched: the server's absence is the answer.
	if _, err := b.ListChannels(); appError(t, err).Code != app.CodeServerUnreachable {
		t.Fatalf("channels never fetched: %v", err)
	}
}
