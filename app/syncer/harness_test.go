package syncer_test

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/studiodesk/studiodesk/app/apptest"
	"github.com/studiodesk/studiodesk/app/replica"
	"github.com/studiodesk/studiodesk/app/syncer"
	"github.com/studiodesk/studiodesk/app/syncer/clocktest"
	"github.com/studiodesk/studiodesk/backend/account"
	"github.com/studiodesk/studiodesk/backend/api"
	"github.com/studiodesk/studiodesk/backend/api/apiclient"
	"github.com/studiodesk/studiodesk/backend/lead"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the scenarios' output")

const device = "dev-1"

// studio is a real server with a wedding brand, one branch, a booking and an intake
// department, and staff of several roles whose phones log in on the test device.
type studio struct {
	t      testing.TB
	srv    *apptest.Server
	admin  *apiclient.Client
	brand  int64
	branch int64
	dept   int64 // booking
	intake int64 // intake department
	staff  map[string]account.Staff
}

const staffPassword = "Passw0rd1"

func newStudio(t testing.TB) *studio {
	t.Helper()
	ctx := context.Background()
	srv := apptest.NewServer(t)
	s := &studio{t: t, srv: srv, staff: map[string]account.Staff{}}
	s.admin = login(t, srv.URL, srv.AdminPhone, srv.AdminPassword)
	s.brand = must(s.admin.CreateBrand(ctx, account.Brand{Name: "蜜糖婚纱", Type: account.BrandWedding}))(t).ID
	s.branch = must(s.admin.CreateBranch(ctx, account.Branch{BrandID: s.brand, Name: "一店"}))(t).ID
	s.dept = must(s.admin.CreateDepartment(ctx, account.Department{BranchID: s.branch, Name: "邀约组", Kind: account.DeptBooking}))(t).ID
	s.intake = must(s.admin.CreateDepartment(ctx, account.Department{BranchID: s.branch, Name: "客服组", Kind: account.DeptIntake}))(t).ID
	must(s.admin.BindDevice(ctx, device, api.DeviceBinding{BranchIDs: []int64{s.branch}}))(t)
	return s
}

// addStaff creates a member with a built-in role; name doubles as the test's handle.
func (s *studio) addStaff(name, phone, role string, dept int64) account.Staff {
	s.t.Helper()
	ctx := context.Background()
	var roleID int64
	for _, r := range must(s.admin.ListRoles(ctx))(s.t) {
		if r.Key == role {
			roleID = r.ID
		}
	}
	st := must(s.admin.CreateStaff(ctx, api.StaffInput{Staff: account.Staff{Phone: phone, Name: name,
		BranchID: s.branch, DepartmentID: dept, RoleIDs: []int64{roleID}}, Password: staffPassword}))(s.t).Staff
	s.staff[name] = st
	return st
}

// lead creates a lead through the admin and, when owner is set, assigns it.
func (s *studio) lead(name, phone string, owner string) lead.Lead {
	s.t.Helper()
	ctx := context.Background()
	l := must(s.admin.CreateLead(ctx, lead.Lead{BrandID: s.brand, BranchID: s.branch, Name: name, Phone: phone}))(s.t).Lead
	if owner != "" {
		rep := must(s.admin.Assign(ctx, api.AssignRequest{LeadIDs: []int64{l.ID}, StaffID: s.staff[owner].ID}))(s.t)
		if !rep.Applied {
			s.t.Fatalf("assign %d to %s: %+v", l.ID, owner, rep)
		}
		l = must(s.admin.GetLead(ctx, l.ID))(s.t).Lead
	}
	return l
}

func login(t testing.TB, url, phone, password string) *apiclient.Client {
	t.Helper()
	anon, err := apiclient.New(apiclient.Config{BaseURL: url})
	if err != nil {
		t.Fatal(err)
	}
	sess, err := anon.Login(context.Background(), api.LoginRequest{Phone: phone, Password: password, DeviceID: device, DeviceName: "前台电脑"})
	if err != nil {
		t.Fatalf("login %s: %v", phone, err)
	}
	c, err := apiclient.New(apiclient.Config{BaseURL: url, Token: sess.Token})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// client is one desktop: a logged-in user with a replica file and a syncer.
type client struct {
	t     testing.TB
	name  string
	sess  api.Session
	api   *apiclient.Client // pointed at the server
	dead  *apiclient.Client // the same token, pointed at a port nothing listens on
	dir   string
	rep   *replica.Replica
	sync  *syncer.Syncer
	rec   *recorder
	clock *clocktest.Clock
	cfg   syncer.Config
}

// client builds a desktop for the named member; tune adjusts the syncer's configuration
// (benchmarks use the real batch sizes instead of the tests' tiny ones).
func (s *studio) client(name string, tune ...func(*syncer.Config)) *client {
	s.t.Helper()
	ctx := context.Background()
	st := s.staff[name]
	c := &client{t: s.t, name: name, dir: s.t.TempDir(), rec: &recorder{}, clock: clocktest.New(time.Date(2026, 12, 4, 2, 0, 0, 0, time.UTC))}
	c.api = login(s.t, s.srv.URL, st.Phone, staffPassword)
	c.sess = must(c.api.Me(ctx))(s.t)
	dead, err := apiclient.New(apiclient.Config{BaseURL: apptest.DeadURL(s.t)})
	if err != nil {
		s.t.Fatal(err)
	}
	c.dead = dead
	c.cfg = syncer.Config{Clock: c.clock, Emitter: c.rec, PushBatch: 3, PullLimit: 2, SnapshotLimit: 2,
		Interval: 5 * time.Second, MinBackoff: time.Second, MaxBackoff: 8 * time.Second,
		Logger: slog.New(slog.DiscardHandler)}
	for _, f := range tune {
		f(&c.cfg)
	}
	c.open()
	return c
}

// open (re)opens the replica and builds a syncer on it, as the app does at start.
func (c *client) open() {
	c.t.Helper()
	rep, err := replica.Open(context.Background(), replica.Config{Dir: c.dir, Server: "test", Session: c.sess})
	if err != nil {
		c.t.Fatal(err)
	}
	c.rep = rep
	c.t.Cleanup(func() { rep.Close() })
	c.sync = syncer.New(rep, c.api, c.cfg)
}

// crash closes the replica without anything else (the process died).
func (c *client) crash() {
	c.t.Helper()
	if err := c.rep.Close(); err != nil {
		c.t.Fatal(err)
	}
}

func (c *client) offline() { c.sync.SetClient(c.dead) }
func (c *client) online()  { c.sync.SetClient(c.api) }

// syncNow runs one round; offline errors are expected and not fatal.
func (c *client) syncNow() error {
	c.t.Helper()
	err := c.sync.Sync(context.Background())
	if err != nil && !syncer.Offline(err) {
		c.t.Fatalf("%s: sync: %v", c.name, err)
	}
	return err
}

func (c *client) enqueue(m replica.Mutation) replica.Enqueued {
	c.t.Helper()
	e, err := c.rep.Enqueue(context.Background(), m)
	if err != nil {
		c.t.Fatalf("%s: enqueue %s: %v", c.name, m.Name, err)
	}
	return e
}

// all returns every lead of the replica, newest first.
func (c *client) all() []replica.Item {
	c.t.Helper()
	var out []replica.Item
	f := replica.Filter{Limit: 500}
	for {
		p, err := c.rep.List(context.Background(), f)
		if err != nil {
			c.t.Fatal(err)
		}
		out = append(out, p.Leads...)
		if p.Next == "" {
			return out
		}
		f.Cursor = p.Next
	}
}

// recorder is a syncer.Emitter remembering what was emitted.
type recorder struct {
	mu     sync.Mutex
	events []event
}

type event struct {
	name string
	data any
}

func (r *recorder) Emit(name string, data ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var d any
	if len(data) > 0 {
		d = data[0]
	}
	r.events = append(r.events, event{name, d})
}

// take returns what was emitted since the last take.
func (r *recorder) take() []event {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.events
	r.events = nil
	return out
}

// last returns the last status emitted, without consuming anything.
func (r *recorder) last() (syncer.Status, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := len(r.events) - 1; i >= 0; i-- {
		if st, ok := r.events[i].data.(syncer.Status); ok {
			return st, true
		}
	}
	return syncer.Status{}, false
}

// golden accumulates a scenario's stable text: steps, statuses, outboxes and replica rows.
type golden struct {
	b strings.Builder
}

func (g *golden) step(format string, args ...any) {
	fmt.Fprintf(&g.b, "\n## "+format+"\n", args...)
}

func (g *golden) line(format string, args ...any) {
	fmt.Fprintf(&g.b, format+"\n", args...)
}

// events writes what c's syncer emitted since the last call, one line per event.
func (g *golden) events(c *client) {
	for _, e := range c.rec.take() {
		switch d := e.data.(type) {
		case syncer.Status:
			last := "none"
			if d.LastSync != nil {
				last = "set"
			}
			g.line("%s %s state=%s online=%v pending=%d rejected=%d leads=%d last_sync=%s code=%s",
				c.name, e.name, d.State, d.Online, d.Pending, d.Rejected, d.Leads, last, d.ErrorCode)
		default:
			g.line("%s %s %+v", c.name, e.name, d)
		}
	}
}

// outbox writes c's outbox entries in order.
func (g *golden) outbox(c *client) {
	es, err := c.rep.Outbox(context.Background())
	if err != nil {
		c.t.Fatal(err)
	}
	if len(es) == 0 {
		g.line("%s outbox: empty", c.name)
	}
	for _, e := range es {
		s := fmt.Sprintf("%s outbox: %s lead=%d base=%d %s", c.name, e.Name, e.LeadID, e.BaseVersion, e.State)
		if e.Error != nil {
			s += fmt.Sprintf(" code=%s field=%s message=%q", e.Error.Code, e.Error.Field, e.Error.Message)
		}
		g.line("%s", s)
	}
}

// rows writes c's replica leads, newest first.
func (g *golden) rows(c *client) {
	items := c.all()
	if len(items) == 0 {
		g.line("%s rows: none", c.name)
	}
	for _, it := range items {
		g.line("%s row: id=%d v%d %s %s notes=%q %s/%s/%s owner=%s pending=%d", c.name, it.ID, it.Version, it.Name, it.Phone,
			it.Notes, it.Validity, it.Booking, it.Store, ownerName(c, it.OwnerID), it.Pending)
	}
}

// ownerName keeps staff ids (which depend on set-up order) out of the golden files.
func ownerName(c *client, id int64) string {
	if id == 0 {
		return "-"
	}
	if id == c.sess.Staff.ID {
		return "me"
	}
	return "other"
}

// check compares the scenario's text with testdata/<name>.golden (or rewrites it with -update).
func (g *golden) check(t *testing.T, name string) {
	t.Helper()
	got := strings.TrimLeft(g.b.String(), "\n")
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the scenario's output (go test -update rewrites it):\n%s", path, diff(string(want), got))
	}
}

// diff shows the first differing lines.
func diff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	for i := range max(len(w), len(g)) {
		var a, c string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			c = g[i]
		}
		if a != c {
			fmt.Fprintf(&b, "line %d:\n- %s\n+ %s\n", i+1, a, c)
		}
	}
	return b.String()
}

// must(f())(t) is f's value, failing t on f's error.
func must[T any](v T, err error) func(t testing.TB) T {
	return func(t testing.TB) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}
