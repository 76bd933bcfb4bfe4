package apiclient_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/studiodesk/studiodesk/backend/account"
	"github.com/studiodesk/studiodesk/backend/api"
	"github.com/studiodesk/studiodesk/backend/api/apiclient"
	"github.com/studiodesk/studiodesk/backend/auth"
	"github.com/studiodesk/studiodesk/backend/store/sqlite"
)

// server is a real API server on its own SQLite file and port, with one provisioned studio.
type server struct {
	url   string
	admin api.Provisioned
}

func newServer(t *testing.T) server {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "api.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	srv := httptest.NewServer(api.New(api.Config{Store: st, Password: auth.Fast}))
	t.Cleanup(srv.Close)
	p, err := api.CreateTenant(ctx, st, auth.Fast, api.NewTenant{Name: "甲影楼", AdminPhone: "13800000001", Seats: 20}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return server{url: srv.URL, admin: p}
}

func client(t *testing.T, base, token, lang string) *apiclient.Client {
	t.Helper()
	c, err := apiclient.New(apiclient.Config{BaseURL: base, Token: token, Language: lang})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// login returns a client holding the admin's token.
func (s server) login(t *testing.T) (*apiclient.Client, api.Session) {
	t.Helper()
	sess, err := client(t, s.url, "", "").Login(context.Background(), api.LoginRequest{
		Phone: s.admin.Admin.Phone, Password: s.admin.Password, DeviceID: "dev-1", DeviceName: "前台电脑"})
	if err != nil {
		t.Fatal(err)
	}
	if sess.Token == "" {
		t.Fatal("login answered without a token")
	}
	return client(t, s.url, sess.Token, ""), sess
}

func apiError(t *testing.T, err error) *apiclient.Error {
	t.Helper()
	var e *apiclient.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not an *apiclient.Error", err, err)
	}
	return e
}

// must(f())(t) is f's value, failing t on f's error.
func must[T any](v T, err error) func(t *testing.T) T {
	return func(t *testing.T) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func TestEveryEndpoint(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newServer(t)
	anon := client(t, s.url, "", "")
	if err := anon.Health(ctx); err != nil {
		t.Fatalf("health: %v", err)
	}
	if err := anon.Ready(ctx); err != nil {
		t.Fatalf("ready: %v", err)
	}
	c, sess := s.login(t)
	if sess.Staff.ID != s.admin.Admin.ID || sess.Tenant.Name != "甲影楼" || sess.Device.ID != "dev-1" {
		t.Fatalf("session %+v", sess)
	}

	me := must(c.Me(ctx))(t)
	if me.Token != "" || me.Staff.ID != s.admin.Admin.ID || me.DataScope != account.ScopeAll {
		t.Fatalf("me %+v", me)
	}
	cat := must(c.Permissions(ctx))(t)
	if len(cat.Permissions) != len(account.Catalog()) || len(cat.Scopes) != len(account.Scopes()) {
		t.Fatalf("catalog %+v", cat)
	}

	t.Run("empty lists are empty slices", func(t *testing.T) {
		for name, n := range map[string]func() (int, bool){
			"brands":   func() (int, bool) { v, err := c.ListBrands(ctx); return len(v), v != nil && err == nil },
			"branches": func() (int, bool) { v, err := c.ListBranches(ctx); return len(v), v != nil && err == nil },
			"channels": func() (int, bool) { v, err := c.ListChannels(ctx); return len(v), v != nil && err == nil },
		} {
			if got, ok := n(); got != 0 || !ok {
				t.Errorf("%s: %d items, non-nil without error %v", name, got, ok)
			}
		}
	})

	brand := must(c.CreateBrand(ctx, account.Brand{Name: "蜜糖婚纱", Type: account.BrandWedding}))(t)
	brand.Name = "蜜糖婚纱摄影"
	if b := must(c.UpdateBrand(ctx, brand))(t); b.Name != "蜜糖婚纱摄影" || b.ID != brand.ID {
		t.Fatalf("update brand %+v", b)
	}
	branch := must(c.CreateBranch(ctx, account.Branch{BrandID: brand.ID, Name: "一店"}))(t)
	branch.Address = "人民路 1 号"
	must(c.UpdateBranch(ctx, branch))(t)
	dept := must(c.CreateDepartment(ctx, account.Department{BranchID: branch.ID, Name: "客服组", Kind: account.DeptIntake}))(t)
	dept.Name = "客服一组"
	must(c.UpdateDepartment(ctx, dept))(t)

	role := must(c.CreateRole(ctx, account.Role{Name: "店长助理", Permissions: []account.Permission{account.PermReportView}, Scope: account.ScopeBranch}))(t)
	role.Name = "店助"
	must(c.UpdateRole(ctx, role))(t)
	roles := must(c.ListRoles(ctx))(t)
	if len(roles) != len(account.BuiltinRoles())+1 {
		t.Fatalf("%d roles", len(roles))
	}
	if err := c.DeleteRole(ctx, role.ID); err != nil {
		t.Fatalf("delete role: %v", err)
	}
	if e := apiError(t, c.DeleteRole(ctx, role.ID)); e.Status != http.StatusNotFound || e.Code != "not_found" {
		t.Fatalf("delete again: %+v", e)
	}

	group := must(c.CreateChannelGroup(ctx, account.ChannelGroup{Name: "线上投放"}))(t)
	group.Name = "线上"
	must(c.UpdateChannelGroup(ctx, group))(t)
	if gs := must(c.ListChannelGroups(ctx))(t); len(gs) != 1 || gs[0].Name != "线上" {
		t.Fatalf("groups %+v", gs)
	}
	ch := must(c.CreateChannel(ctx, account.Channel{Name: "抖音", GroupID: group.ID, BrandID: brand.ID, Active: true}))(t)
	ch.Active = false
	if got := must(c.UpdateChannel(ctx, ch))(t); got.Active {
		t.Fatalf("channel %+v", got)
	}

	var staffRole int64
	for _, r := range roles {
		if r.Key == "intake" {
			staffRole = r.ID
		}
	}
	saved := must(c.CreateStaff(ctx, api.StaffInput{Staff: account.Staff{Phone: "139 0000 0001", Name: "小王",
		BranchID: branch.ID, DepartmentID: dept.ID, RoleIDs: []int64{staffRole}}}))(t)
	if saved.Password == "" || saved.Staff.Phone != "13900000001" {
		t.Fatalf("created staff %+v", saved)
	}
	saved.Staff.Name = "王小明"
	if up := must(c.UpdateStaff(ctx, api.StaffInput{Staff: saved.Staff, Password: "ignored1"}))(t); up.Staff.Name != "王小明" || up.Password != "" {
		t.Fatalf("updated staff %+v", up)
	}
	if st := must(c.DisableStaff(ctx, saved.Staff.ID))(t); !st.Disabled {
		t.Fatal("not disabled")
	}
	if st := must(c.EnableStaff(ctx, saved.Staff.ID))(t); st.Disabled {
		t.Fatal("not enabled")
	}
	if pw := must(c.ResetStaffPassword(ctx, saved.Staff.ID))(t); pw.Password == "" {
		t.Fatal("no one-time password")
	}
	if list := must(c.ListStaff(ctx))(t); len(list) != 2 {
		t.Fatalf("%d staff", len(list))
	}

	devs := must(c.ListDevices(ctx))(t)
	if len(devs) != 1 || devs[0].ID != "dev-1" {
		t.Fatalf("devices %+v", devs)
	}
	if d := must(c.BindDevice(ctx, "dev-1", api.DeviceBinding{BranchIDs: []int64{branch.ID}}))(t); len(d.BranchIDs) != 1 {
		t.Fatalf("bound %+v", d)
	}
	if d := must(c.BindDevice(ctx, "dev-1", api.DeviceBinding{}))(t); len(d.BranchIDs) != 0 {
		t.Fatalf("unbound %+v", d)
	}
	if e := apiError(t, func() error { _, err := c.BindDevice(ctx, "no/such device", api.DeviceBinding{}); return err }()); e.Code != "not_found" {
		t.Fatalf("bind unknown device: %+v", e)
	}

	status := must(c.SetupStatus(ctx))(t)
	if status.Brands != 1 || status.Branches != 1 || status.Departments != 1 || status.Staff != 2 || status.Channels != 1 || status.Devices != 1 {
		t.Fatalf("setup status %+v", status)
	}

	t.Run("audit filters", func(t *testing.T) {
		all := must(c.ListAudit(ctx, apiclient.AuditQuery{}))(t)
		if len(all) < 10 {
			t.Fatalf("%d audit entries", len(all))
		}
		one := must(c.ListAudit(ctx, apiclient.AuditQuery{Entity: "brand", EntityID: "1", ActorID: s.admin.Admin.ID, Limit: 1}))(t)
		if len(one) != 1 || one[0].Action != "brand.update" || one[0].DeviceID != "dev-1" {
			t.Fatalf("filtered audit %+v", one)
		}
		e := apiError(t, func() error { _, err := c.ListAudit(ctx, apiclient.AuditQuery{Limit: 501}); return err }())
		if e.Status != 400 || e.Code != "invalid_value" || e.Field != "limit" {
			t.Fatalf("limit 501: %+v", e)
		}
	})

	if err := c.ChangePassword(ctx, api.PasswordChange{OldPassword: s.admin.Password, NewPassword: "NewPassw0rd"}); err != nil {
		t.Fatalf("change password: %v", err)
	}
	if _, err := client(t, s.url, "", "").Login(ctx, api.LoginRequest{Phone: s.admin.Admin.Phone, Password: "NewPassw0rd", DeviceID: "dev-1"}); err != nil {
		t.Fatalf("login with the new password: %v", err)
	}
	if err := c.Logout(ctx); err != nil {
		t.Fatalf("logout: %v", err)
	}
	e := apiError(t, func() error { _, err := c.Me(ctx); return err }())
	if e.Status != http.StatusUnauthorized || e.Code != "unauthenticated" {
		t.Fatalf("me after logout: %+v", e)
	}
}

func TestErrors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newServer(t)
	login := func(c *apiclient.Client, phone, password string) error {
		_, err := c.Login(ctx, api.LoginRequest{Phone: phone, Password: password, DeviceID: "dev-1"})
		return err
	}

	tests := []struct {
		name    string
		lang    string
		err     func(c *apiclient.Client) error
		status  int
		code    string
		field   string
		message string
		param   string
	}{
		{"wrong password, Chinese by default", "", func(c *apiclient.Client) error { return login(c, s.admin.Admin.Phone, "nope12345") },
			401, "invalid_credentials", "password", "手机号或密码错误", ""},
		{"wrong password in English", "en", func(c *apiclient.Client) error { return login(c, s.admin.Admin.Phone, "nope12345") },
			401, "invalid_credentials", "password", "Wrong phone number or password", ""},
		{"malformed phone", "", func(c *apiclient.Client) error { return login(c, "12345", "x") },
			400, "phone_invalid", "phone", "11 位", ""},
		{"no token", "", func(c *apiclient.Client) error { _, err := c.Me(ctx); return err },
			401, "unauthenticated", "", "请先登录", ""},
		{"forbidden names the permission", "", func(*apiclient.Client) error {
			return forbiddenCall(t, s)
		}, 403, "forbidden", "", "管理设置", "permission"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := apiError(t, tc.err(client(t, s.url, "", tc.lang)))
			if e.Status != tc.status || e.Code != tc.code || e.Field != tc.field || !strings.Contains(e.Message, tc.message) {
				t.Fatalf("got %+v", e)
			}
			if tc.param != "" && e.Params[tc.param] == nil {
				t.Fatalf("params %v lack %q", e.Params, tc.param)
			}
			if apiclient.CodeOf(e) != tc.code || !strings.Contains(e.Error(), tc.code) {
				t.Fatalf("CodeOf / Error(): %q", e.Error())
			}
		})
	}
}

// forbiddenCall logs in a member without settings.manage and lists devices.
func forbiddenCall(t *testing.T, s server) error {
	ctx := context.Background()
	admin, _ := s.login(t)
	brand := must(admin.CreateBrand(ctx, account.Brand{Name: "品牌", Type: account.BrandChildren}))(t)
	branch := must(admin.CreateBranch(ctx, account.Branch{BrandID: brand.ID, Name: "店"}))(t)
	var intake int64
	for _, r := range must(admin.ListRoles(ctx))(t) {
		if r.Key == "intake" {
			intake = r.ID
		}
	}
	must(admin.CreateStaff(ctx, api.StaffInput{Staff: account.Staff{Phone: "13700000009", Name: "客服",
		BranchID: branch.ID, RoleIDs: []int64{intake}}, Password: "Passw0rd1"}))(t)
	must(admin.BindDevice(ctx, "dev-1", api.DeviceBinding{BranchIDs: []int64{branch.ID}}))(t)
	sess := must(client(t, s.url, "", "").Login(ctx, api.LoginRequest{Phone: "13700000009", Password: "Passw0rd1", DeviceID: "dev-1"}))(t)
	_, err := client(t, s.url, sess.Token, "").ListDevices(ctx)
	return err
}

func TestTransportFailures(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("nothing listens", func(t *testing.T) {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		l.Close()
		_, err = client(t, "http://"+addr, "secret-token", "").Me(ctx)
		if !errors.Is(err, apiclient.ErrUnreachable) {
			t.Fatalf("got %v, want ErrUnreachable", err)
		}
		if strings.Contains(err.Error(), "secret-token") {
			t.Fatalf("error leaks the token: %v", err)
		}
	})

	t.Run("not a StudioDesk server", func(t *testing.T) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusBadGateway)
			_, _ = w.Write([]byte("<html>Bad Gateway</html>"))
		}))
		t.Cleanup(srv.Close)
		_, err := client(t, srv.URL, "", "").Me(ctx)
		if e := apiError(t, err); e.Code != apiclient.CodeUnexpectedResponse || e.Status != 502 {
			t.Fatalf("got %+v", e)
		}
	})

	t.Run("success that is not JSON", func(t *testing.T) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, _ = w.Write([]byte("<html>welcome to nginx</html>"))
		}))
		t.Cleanup(srv.Close)
		_, err := client(t, srv.URL, "", "").ListBrands(ctx)
		if e := apiError(t, err); e.Code != apiclient.CodeUnexpectedResponse || e.Status != 200 {
			t.Fatalf("got %+v", e)
		}
	})

	t.Run("canceled is not unreachable", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		_, err := client(t, "http://127.0.0.1:1", "", "").Me(cctx)
		if !errors.Is(err, context.Canceled) || errors.Is(err, apiclient.ErrUnreachable) {
			t.Fatalf("got %v", err)
		}
	})
}

func TestBaseURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string
	}{
		{"http://127.0.0.1:8640", "http://127.0.0.1:8640"},
		{" 192.168.1.10:8640/ ", "http://192.168.1.10:8640"},
		{"https://studio.example.com/desk/", "https://studio.example.com/desk"},
		{"", ""},
		{"ftp://host", ""},
		{"http://", ""},
		{"http://host/?a=1", ""},
		{"http://user:pw@host", ""},
		{"http://host:port:x", ""},
	}
	for _, tc := range tests {
		got, err := apiclient.ParseBaseURL(tc.in)
		switch {
		case tc.want == "" && !errors.Is(err, apiclient.ErrBaseURL):
			t.Errorf("%q: got %q, %v; want ErrBaseURL", tc.in, got, err)
		case tc.want != "" && (err != nil || got != tc.want):
			t.Errorf("%q: got %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}

	t.Run("path prefix is kept", func(t *testing.T) {
		s := newServer(t)
		// A reverse proxy serving the API under /desk.
		proxy := httptest.NewServer(http.StripPrefix("/desk", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			r2, _ := http.NewRequestWithContext(r.Context(), r.Method, s.url+r.URL.RequestURI(), r.Body)
			r2.Header = r.Header
			res, err := http.DefaultClient.Do(r2)
			if err != nil {
				http.Error(w, err.Error(), 502)
				return
			}
			defer res.Body.Close()
			w.WriteHeader(res.StatusCode)
			buf := make([]byte, 1<<16)
			n, _ := res.Body.Read(buf)
			_, _ = w.Write(buf[:n])
		})))
		t.Cleanup(proxy.Close)
		if err := client(t, proxy.URL+"/desk/", "", "").Health(context.Background()); err != nil {
			t.Fatal(err)
		}
	})
}
