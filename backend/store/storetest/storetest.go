// Package storetest is the one conformance suite every store driver runs. It speaks only the
// store.Store interface, so what passes here behaves the same on SQLite and PostgreSQL.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/studiodesk/studiodesk/backend/account"
	"github.com/studiodesk/studiodesk/backend/lead"
	"github.com/studiodesk/studiodesk/backend/store"
)

// Run runs the suite; newStore returns an empty, migrated store owned by the test.
func Run(t *testing.T, newStore func(t *testing.T) store.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s store.Store)
	}{
		{"TenantCreatedWithSetupAtomically", testTenantAtomic},
		{"BrandsBranchesDepartments", testOrg},
		{"RolesAndStaff", testRolesStaff},
		{"StaffPhoneUniquePerTenant", testStaffPhoneUnique},
		{"ChannelsAndGroups", testChannels},
		{"DevicesAndSessions", testDevicesSessions},
		{"AuthzGenerationFollowsPrincipalData", testAuthzGen},
		{"RateLimitWindows", testRateLimit},
		{"AuditLogFilters", testAudit},
		{"BrandHasLeads", testHasLeads},
		{"TenantIsolation", testIsolation},
		{"RollbackLeavesNothing", testRollback},
		{"ConcurrentWriters", testConcurrentWriters},
		{"ConcurrentWritersFailAlone", testConcurrentWritersFailAlone},
		{"SavepointUndoesOnlyItsWrites", testSavepoint},
	}
	tests = append(tests, leadTests...)
	tests = append(tests, creditTests...)
	tests = append(tests, albumTests...)
	tests = append(tests, shareTests...)
	tests = append(tests, deliveryTests...)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.fn(t, newStore(t))
		})
	}
}

var t0 = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

// fixture is one studio with a brand, branch, department, the built-in roles and an admin.
type fixture struct {
	tenant account.Tenant
	brand  account.Brand
	branch account.Branch
	dept   account.Department
	roles  map[string]account.Role
	admin  account.Staff
}

func newFixture(t *testing.T, s store.Store, name, adminPhone string) fixture {
	t.Helper()
	ctx := context.Background()
	f := fixture{roles: map[string]account.Role{}}
	var err error
	f.tenant, err = s.CreateTenant(ctx, account.Tenant{Name: name, SeatLimit: 10, CreatedAt: t0}, func(tx store.Tx) error {
		for _, r := range account.BuiltinRoles() {
			r, err := tx.InsertRole(ctx, r)
			if err != nil {
				return err
			}
			f.roles[r.Key] = r
		}
		if f.brand, err = tx.InsertBrand(ctx, account.Brand{Name: name + "婚纱", Type: account.BrandWedding,
			DuplicatePolicy: account.DupReject, Timezone: account.DefaultTimezone, CreatedAt: t0, UpdatedAt: t0}); err != nil {
			return err
		}
		if f.branch, err = tx.InsertBranch(ctx, account.Branch{BrandID: f.brand.ID, Name: "总店", CreatedAt: t0}); err != nil {
			return err
		}
		if f.dept, err = tx.InsertDepartment(ctx, account.Department{BranchID: f.branch.ID, Name: "客服部", Kind: account.DeptIntake}); err != nil {
			return err
		}
		f.admin, err = tx.InsertStaff(ctx, account.Staff{Phone: adminPhone, Name: "管理员", RoleIDs: []int64{f.roles["admin"].ID},
			CreatedAt: t0, UpdatedAt: t0}, "hash-admin")
		return err
	})
	if err != nil {
		t.Fatalf("create tenant %s: %v", name, err)
	}
	return f
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func update(t *testing.T, s store.Store, tenant int64, fn func(ctx context.Context, tx store.Tx) error) {
	t.Helper()
	ctx := context.Background()
	must(t, s.Update(ctx, tenant, func(tx store.Tx) error { return fn(ctx, tx) }))
}

func testTenantAtomic(t *testing.T, s store.Store) {
	ctx := context.Background()
	boom := errors.New("boom")
	_, err := s.CreateTenant(ctx, account.Tenant{Name: "半途", CreatedAt: t0}, func(tx store.Tx) error {
		if _, err := tx.InsertRole(ctx, account.BuiltinRoles()[0]); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("want boom, got %v", err)
	}
	list, err := s.ListTenants(ctx)
	must(t, err)
	if len(list) != 0 {
		t.Fatalf("failed tenant creation left %d tenants", len(list))
	}
	f := newFixture(t, s, "甲", "13800000001")
	list, err = s.ListTenants(ctx)
	must(t, err)
	if len(list) != 1 || list[0].ID != f.tenant.ID || list[0].Name != "甲" || list[0].SeatLimit != 10 || !list[0].CreatedAt.Equal(t0) {
		t.Fatalf("tenants = %+v", list)
	}
}

func testOrg(t *testing.T, s store.Store) {
	f := newFixture(t, s, "甲", "13800000001")
	update(t, s, f.tenant.ID, func(ctx context.Context, tx store.Tx) error {
		b := f.brand
		b.Name, b.Type, b.DuplicatePolicy, b.UpdatedAt = "新名", account.BrandChildren, account.DupRepeat, t0.Add(time.Hour)
		got, err := tx.UpdateBrand(ctx, b)
		must(t, err)
		if got.Name != "新名" || got.Type != account.BrandChildren || got.DuplicatePolicy != account.DupRepeat || !got.UpdatedAt.Equal(b.UpdatedAt) {
			t.Errorf("updated brand = %+v", got)
		}
		// A call expected to fail runs in a savepoint: after a failed statement only a
		// savepoint lets the transaction go on (store.Tx; PostgreSQL aborts it otherwise).
		if err := tx.Savepoint(ctx, func() error {
			_, err := tx.InsertBrand(ctx, account.Brand{Name: "新名", Type: account.BrandWedding, DuplicatePolicy: account.DupReject,
				Timezone: account.DefaultTimezone, CreatedAt: t0, UpdatedAt: t0})
			return err
		}); !errors.Is(err, store.ErrConflict) {
			t.Errorf("duplicate brand name: want ErrConflict, got %v", err)
		}
		br := f.branch
		br.Address, br.Phone = "北京市朝阳区", "010-12345678"
		gotBr, err := tx.UpdateBranch(ctx, br)
		must(t, err)
		if gotBr.Address != "北京市朝阳区" || gotBr.Phone != "010-12345678" || gotBr.BrandID != f.brand.ID {
			t.Errorf("updated branch = %+v", gotBr)
		}
		if err := tx.Savepoint(ctx, func() error {
			_, err := tx.InsertBranch(ctx, account.Branch{BrandID: 999999, Name: "幽灵", CreatedAt: t0})
			return err
		}); err == nil {
			t.Error("branch of a missing brand was accepted")
		}
		d := f.dept
		d.Kind = account.DeptBooking
		_, err = tx.UpdateDepartment(ctx, d)
		must(t, err)
		got2, err := tx.GetDepartment(ctx, d.ID)
		must(t, err)
		if got2.Kind != account.DeptBooking {
			t.Errorf("department kind = %s", got2.Kind)
		}
		list, err := tx.ListBranches(ctx)
		must(t, err)
		if len(list) != 1 {
			t.Errorf("branches = %d", len(list))
		}
		if _, err := tx.GetBrand(ctx, 424242); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("missing brand: want ErrNotFound, got %v", err)
		}
		if _, err := tx.UpdateBranch(ctx, account.Branch{ID: 424242, BrandID: f.brand.ID, Name: "x"}); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("update missing branch: want ErrNotFound, got %v", err)
		}
		return nil
	})
}

func testRolesStaff(t *testing.T, s store.Store) {
	f := newFixture(t, s, "甲", "13800000001")
	update(t, s, f.tenant.ID, func(ctx context.Context, tx store.Tx) error {
		custom, err := tx.InsertRole(ctx, account.Role{Name: "前台", Permissions: []account.Permission{account.PermLeadCreate}, Scope: account.ScopeBranch})
		must(t, err)
		custom.Permissions = append(custom.Permissions, account.PermLeadExport)
		custom, err = tx.UpdateRole(ctx, custom)
		must(t, err)
		if len(custom.Permissions) != 2 || custom.Scope != account.ScopeBranch || custom.Builtin {
			t.Errorf("role = %+v", custom)
		}
		st, err := tx.InsertStaff(ctx, account.Staff{Phone: "13900000002", Name: "小王", BranchID: f.branch.ID, DepartmentID: f.dept.ID,
			RoleIDs: []int64{custom.ID, f.roles["intake"].ID}, CreatedAt: t0, UpdatedAt: t0}, "h1")
		must(t, err)
		if len(st.RoleIDs) != 2 || st.BranchID != f.branch.ID || st.DepartmentID != f.dept.ID {
			t.Errorf("staff = %+v", st)
		}
		if err := tx.DeleteRole(ctx, custom.ID); !errors.Is(err, store.ErrConflict) {
			t.Errorf("deleting a held role: want ErrConflict, got %v", err)
		}
		st.RoleIDs = []int64{f.roles["intake"].ID}
		st.Name, st.DepartmentID = "王小", 0
		st, err = tx.UpdateStaff(ctx, st)
		must(t, err)
		if st.Name != "王小" || st.DepartmentID != 0 || len(st.RoleIDs) != 1 {
			t.Errorf("updated staff = %+v", st)
		}
		must(t, tx.DeleteRole(ctx, custom.ID))
		byPhone, err := tx.StaffByPhone(ctx, "13900000002")
		must(t, err)
		if byPhone.ID != st.ID {
			t.Errorf("by phone = %d, want %d", byPhone.ID, st.ID)
		}
		must(t, tx.SetPasswordHash(ctx, st.ID, "h2", t0))
		if h, err := tx.PasswordHash(ctx, st.ID); err != nil || h != "h2" {
			t.Errorf("password hash = %q, %v", h, err)
		}
		n, err := tx.CountActiveStaff(ctx)
		must(t, err)
		if n != 2 {
			t.Errorf("active staff = %d, want 2", n)
		}
		if _, err := tx.SetStaffDisabled(ctx, st.ID, true, t0); err != nil {
			t.Fatal(err)
		}
		n, _ = tx.CountActiveStaff(ctx)
		if n != 1 {
			t.Errorf("active staff after disable = %d, want 1", n)
		}
		admins, err := tx.ActiveAdmins(ctx)
		must(t, err)
		if len(admins) != 1 || admins[0] != f.admin.ID {
			t.Errorf("admins = %v", admins)
		}
		return nil
	})
	cands, err := s.LoginCandidates(context.Background(), "13900000002")
	must(t, err)
	if len(cands) != 1 || !cands[0].Disabled || cands[0].PasswordHash != "h2" || cands[0].TenantName != "甲" {
		t.Errorf("login candidates = %+v", cands)
	}
}

func testStaffPhoneUnique(t *testing.T, s store.Store) {
	a := newFixture(t, s, "甲", "13800000001")
	b := newFixture(t, s, "乙", "13800000001") // the same person may work for two studios
	ctx := context.Background()
	err := s.Update(ctx, a.tenant.ID, func(tx store.Tx) error {
		_, err := tx.InsertStaff(ctx, account.Staff{Phone: "13800000001", Name: "重复", RoleIDs: []int64{a.roles["intake"].ID},
			CreatedAt: t0, UpdatedAt: t0}, "h")
		return err
	})
	if !errors.Is(err, store.ErrConflict) {
		t.Fatalf("duplicate phone in one studio: want ErrConflict, got %v", err)
	}
	cands, err := s.LoginCandidates(ctx, "13800000001")
	must(t, err)
	if len(cands) != 2 || cands[0].TenantID != a.tenant.ID || cands[1].TenantID != b.tenant.ID {
		t.Fatalf("candidates = %+v", cands)
	}
}

func testChannels(t *testing.T, s store.Store) {
	f := newFixture(t, s, "甲", "13800000001")
	update(t, s, f.tenant.ID, func(ctx context.Context, tx store.Tx) error {
		g, err := tx.InsertChannelGroup(ctx, account.ChannelGroup{Name: "线上"})
		must(t, err)
		c, err := tx.InsertChannel(ctx, account.Channel{BrandID: f.brand.ID, GroupID: g.ID, Name: "抖音", Active: true})
		must(t, err)
		c.Active, c.GroupID = false, 0
		_, err = tx.UpdateChannel(ctx, c)
		must(t, err)
		got, err := tx.GetChannel(ctx, c.ID)
		must(t, err)
		if got.Active || got.GroupID != 0 || got.BrandID != f.brand.ID || got.Name != "抖音" {
			t.Errorf("channel = %+v", got)
		}
		if err := tx.Savepoint(ctx, func() error {
			_, err := tx.InsertChannel(ctx, account.Channel{BrandID: f.brand.ID, Name: "抖音"})
			return err
		}); !errors.Is(err, store.ErrConflict) {
			t.Errorf("duplicate channel: want ErrConflict, got %v", err)
		}
		if _, err := tx.InsertChannel(ctx, account.Channel{Name: "抖音", Active: true}); err != nil {
			t.Errorf("same name without brand: %v", err)
		}
		g.Name = "线上投放"
		_, err = tx.UpdateChannelGroup(ctx, g)
		must(t, err)
		gs, err := tx.ListChannelGroups(ctx)
		must(t, err)
		if len(gs) != 1 || gs[0].Name != "线上投放" {
			t.Errorf("groups = %+v", gs)
		}
		return nil
	})
}

func testDevicesSessions(t *testing.T, s store.Store) {
	f := newFixture(t, s, "甲", "13800000001")
	ctx := context.Background()
	hash := []byte("0123456789abcdef0123456789abcdef")
	update(t, s, f.tenant.ID, func(ctx context.Context, tx store.Tx) error {
		d, err := tx.SeeDevice(ctx, "abcd-ef01-2345", "前台电脑", t0)
		must(t, err)
		if d.Code != "ABCDEF01" || len(d.BranchIDs) != 0 || !d.FirstSeen.Equal(t0) {
			t.Errorf("device = %+v", d)
		}
		d, err = tx.SeeDevice(ctx, "abcd-ef01-2345", "前台电脑2", t0.Add(time.Hour))
		must(t, err)
		if d.Name != "前台电脑2" || !d.FirstSeen.Equal(t0) || !d.LastSeen.Equal(t0.Add(time.Hour)) {
			t.Errorf("seen again = %+v", d)
		}
		d, err = tx.SetDeviceBranches(ctx, d.ID, []int64{f.branch.ID})
		must(t, err)
		if len(d.BranchIDs) != 1 || d.BranchIDs[0] != f.branch.ID {
			t.Errorf("bound = %+v", d)
		}
		if _, err := tx.SetDeviceBranches(ctx, "nope", nil); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("bind unknown device: %v", err)
		}
		return tx.InsertSession(ctx, store.Session{TokenHash: hash, StaffID: f.admin.ID, DeviceID: d.ID, BranchID: f.branch.ID,
			CreatedAt: t0, LastSeen: t0, ExpiresAt: t0.Add(time.Hour)})
	})
	got, err := s.SessionByHash(ctx, hash)
	must(t, err)
	if got.TenantID != f.tenant.ID || got.StaffID != f.admin.ID || got.BranchID != f.branch.ID || !got.ExpiresAt.Equal(t0.Add(time.Hour)) {
		t.Errorf("session = %+v", got)
	}
	must(t, s.TouchSession(ctx, hash, t0.Add(time.Minute), t0.Add(2*time.Hour)))
	got, _ = s.SessionByHash(ctx, hash)
	if !got.ExpiresAt.Equal(t0.Add(2 * time.Hour)) {
		t.Errorf("touched expiry = %v", got.ExpiresAt)
	}
	update(t, s, f.tenant.ID, func(ctx context.Context, tx store.Tx) error { return tx.DeleteStaffSessions(ctx, f.admin.ID) })
	if _, err := s.SessionByHash(ctx, hash); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("session after staff logout-all: %v", err)
	}
	must(t, s.DeleteSession(ctx, hash)) // idempotent
}

// testAuthzGen: the session lookup returns the studio's authorization generation, which
// the database changes whenever something a principal is built from changes (staff, their
// roles, roles, channels), and only for that studio; session touches leave it alone.
func testAuthzGen(t *testing.T, s store.Store) {
	f := newFixture(t, s, "甲", "13800000001")
	other := newFixture(t, s, "乙", "13800000002")
	ctx := context.Background()
	hash, otherHash := []byte("authz-gen-session-0123456789abcd"), []byte("authz-gen-session-other-89abcdef")
	for _, x := range []struct {
		f    fixture
		hash []byte
	}{{f, hash}, {other, otherHash}} {
		update(t, s, x.f.tenant.ID, func(ctx context.Context, tx store.Tx) error {
			return tx.InsertSession(ctx, store.Session{TokenHash: x.hash, StaffID: x.f.admin.ID, CreatedAt: t0, LastSeen: t0, ExpiresAt: t0.Add(time.Hour)})
		})
	}
	gen := func(h []byte) int64 {
		t.Helper()
		got, err := s.SessionByHash(ctx, h)
		must(t, err)
		return got.AuthzGen
	}
	last, otherGen := gen(hash), gen(otherHash)
	changed := func(what string, fn func(ctx context.Context, tx store.Tx) error) {
		t.Helper()
		update(t, s, f.tenant.ID, fn)
		if g := gen(hash); g == last {
			t.Errorf("%s: the generation stayed %d", what, g)
		} else {
			last = g
		}
	}
	must(t, s.TouchSession(ctx, hash, t0.Add(time.Minute), t0.Add(2*time.Hour)))
	if g := gen(hash); g != last {
		t.Errorf("a session touch changed the generation %d -> %d", last, g)
	}
	changed("staff renamed", func(ctx context.Context, tx store.Tx) error {
		st := f.admin
		st.Name = "新名字"
		_, err := tx.UpdateStaff(ctx, st)
		return err
	})
	changed("staff disabled", func(ctx context.Context, tx store.Tx) error {
		_, err := tx.SetStaffDisabled(ctx, f.admin.ID, true, t0)
		return err
	})
	changed("role permissions", func(ctx context.Context, tx store.Tx) error {
		var r account.Role
		for _, x := range f.roles {
			if !x.Builtin {
				r = x
			}
		}
		if r.ID == 0 {
			var err error
			if r, err = tx.InsertRole(ctx, account.Role{Name: "临时", Permissions: []account.Permission{account.PermLeadCreate}, Scope: account.ScopeOwn}); err != nil {
				return err
			}
		}
		r.Permissions = nil
		_, err := tx.UpdateRole(ctx, r)
		return err
	})
	changed("channel added", func(ctx context.Context, tx store.Tx) error {
		_, err := tx.InsertChannel(ctx, account.Channel{BrandID: f.brand.ID, Name: "小红书", Active: true})
		return err
	})
	if g := gen(otherHash); g != otherGen {
		t.Errorf("another studio's generation moved %d -> %d", otherGen, g)
	}
}

func testRateLimit(t *testing.T, s store.Store) {
	ctx := context.Background()
	w := 15 * time.Minute
	for i := 1; i <= 3; i++ {
		n, reset, err := s.HitRateLimit(ctx, "login:phone:1", w, t0.Add(time.Minute))
		must(t, err)
		if n != i || !reset.Equal(t0.Add(w)) {
			t.Fatalf("hit %d: count %d reset %v", i, n, reset)
		}
	}
	if n, _, _ := s.PeekRateLimit(ctx, "login:phone:1", w, t0.Add(2*time.Minute)); n != 3 {
		t.Errorf("peek = %d, want 3", n)
	}
	if n, _, _ := s.PeekRateLimit(ctx, "login:phone:1", w, t0.Add(w)); n != 0 {
		t.Errorf("peek in next window = %d, want 0", n)
	}
	if n, _, _ := s.HitRateLimit(ctx, "login:phone:1", w, t0.Add(w+time.Second)); n != 1 {
		t.Errorf("new window count = %d, want 1", n)
	}
	must(t, s.ClearRateLimit(ctx, "login:phone:1"))
	if n, _, _ := s.PeekRateLimit(ctx, "login:phone:1", w, t0.Add(w+time.Second)); n != 0 {
		t.Errorf("after clear = %d", n)
	}
	// Concurrent hits are all counted (the limit holds under load and across replicas).
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, _, err := s.HitRateLimit(ctx, "ip:1", w, t0); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if n, _, _ := s.PeekRateLimit(ctx, "ip:1", w, t0); n != 20 {
		t.Errorf("concurrent hits counted %d, want 20", n)
	}
}

func testAudit(t *testing.T, s store.Store) {
	f := newFixture(t, s, "甲", "13800000001")
	update(t, s, f.tenant.ID, func(ctx context.Context, tx store.Tx) error {
		for i := 0; i < 5; i++ {
			must(t, tx.AppendAudit(ctx, store.AuditEntry{ActorID: f.admin.ID, ActorName: "管理员", Action: "brand.update",
				Entity: "brand", EntityID: fmt.Sprint(i % 2), Before: []byte(`{"n":1}`), After: []byte(`{"n":2}`),
				DeviceID: "dev", IP: "127.0.0.1", CreatedAt: t0.Add(time.Duration(i) * time.Second)}))
		}
		must(t, tx.AppendAudit(ctx, store.AuditEntry{ActorID: 77, OnBehalfOf: f.admin.ID, Action: "checkin", Entity: "staff", EntityID: "1", CreatedAt: t0}))
		return nil
	})
	ctx := context.Background()
	must(t, s.View(ctx, f.tenant.ID, func(tx store.Tx) error {
		all, err := tx.ListAudit(ctx, store.AuditFilter{})
		must(t, err)
		if len(all) != 6 || all[0].Action != "checkin" || all[0].OnBehalfOf != f.admin.ID || all[0].Before != nil {
			t.Errorf("newest first, got %+v", all[0])
		}
		one, err := tx.ListAudit(ctx, store.AuditFilter{Entity: "brand", EntityID: "1"})
		must(t, err)
		if len(one) != 2 || string(one[0].After) != `{"n":2}` || one[0].IP != "127.0.0.1" {
			t.Errorf("brand 1 entries = %+v", one)
		}
		byActor, _ := tx.ListAudit(ctx, store.AuditFilter{ActorID: 77})
		lim, _ := tx.ListAudit(ctx, store.AuditFilter{Limit: 2})
		if len(byActor) != 1 || len(lim) != 2 {
			t.Errorf("by actor %d, limited %d", len(byActor), len(lim))
		}
		return nil
	}))
}

func testHasLeads(t *testing.T, s store.Store) {
	f := newFixture(t, s, "甲", "13800000001")
	update(t, s, f.tenant.ID, func(ctx context.Context, tx store.Tx) error {
		b, _ := tx.GetBrand(ctx, f.brand.ID)
		if b.HasLeads {
			t.Error("new brand has leads")
		}
		_, err := tx.CreateLead(ctx, lead.Lead{BrandID: f.brand.ID, Phone: "13700000000", Name: "新人", CreatedAt: t0})
		must(t, err)
		if err := tx.Savepoint(ctx, func() error {
			_, err := tx.CreateLead(ctx, lead.Lead{BrandID: f.brand.ID, Phone: "13700000000", CreatedAt: t0})
			return err
		}); !errors.Is(err, store.ErrConflict) {
			t.Errorf("duplicate lead phone in a brand: want ErrConflict, got %v", err)
		}
		b, _ = tx.GetBrand(ctx, f.brand.ID)
		n, _ := tx.CountLeads(ctx, f.brand.ID)
		if !b.HasLeads || n != 1 {
			t.Errorf("has leads %v, count %d", b.HasLeads, n)
		}
		return nil
	})
}

// testIsolation proves studio A can never read or change studio B's rows, through any method.
func testIsolation(t *testing.T, s store.Store) {
	a := newFixture(t, s, "甲", "13800000001")
	b := newFixture(t, s, "乙", "13800000002")
	ctx := context.Background()
	var bChannel account.Channel
	var bGroup account.ChannelGroup
	update(t, s, b.tenant.ID, func(ctx context.Context, tx store.Tx) error {
		var err error
		bGroup, err = tx.InsertChannelGroup(ctx, account.ChannelGroup{Name: "乙组"})
		must(t, err)
		bChannel, err = tx.InsertChannel(ctx, account.Channel{Name: "乙渠道", Active: true})
		must(t, err)
		_, err = tx.SeeDevice(ctx, "dev-b", "乙电脑", t0)
		must(t, err)
		return tx.AppendAudit(ctx, store.AuditEntry{ActorID: b.admin.ID, Action: "x", Entity: "brand", EntityID: "1", CreatedAt: t0})
	})
	notFound := func(what string, err error) {
		t.Helper()
		if !errors.Is(err, store.ErrNotFound) {
			t.Errorf("A reached B's %s: err = %v", what, err)
		}
	}
	err := s.Update(ctx, a.tenant.ID, func(tx store.Tx) error {
		_, err := tx.GetBrand(ctx, b.brand.ID)
		notFound("brand", err)
		_, err = tx.UpdateBrand(ctx, account.Brand{ID: b.brand.ID, Name: "偷", Type: account.BrandWedding, DuplicatePolicy: account.DupReject, Timezone: account.DefaultTimezone})
		notFound("brand update", err)
		_, err = tx.GetBranch(ctx, b.branch.ID)
		notFound("branch", err)
		_, err = tx.UpdateBranch(ctx, account.Branch{ID: b.branch.ID, BrandID: a.brand.ID, Name: "偷"})
		notFound("branch update", err)
		_, err = tx.GetDepartment(ctx, b.dept.ID)
		notFound("department", err)
		_, err = tx.UpdateDepartment(ctx, account.Department{ID: b.dept.ID, BranchID: a.branch.ID, Name: "偷", Kind: account.DeptOther})
		notFound("department update", err)
		_, err = tx.GetRole(ctx, b.roles["admin"].ID)
		notFound("role", err)
		_, err = tx.UpdateRole(ctx, account.Role{ID: b.roles["intake"].ID, Name: "偷", Scope: account.ScopeAll})
		notFound("role update", err)
		notFound("role delete", tx.DeleteRole(ctx, b.roles["channel"].ID))
		_, err = tx.GetStaff(ctx, b.admin.ID)
		notFound("staff", err)
		_, err = tx.StaffByPhone(ctx, "13800000002")
		notFound("staff by phone", err)
		_, err = tx.UpdateStaff(ctx, account.Staff{ID: b.admin.ID, Phone: "13800000002", Name: "偷", RoleIDs: []int64{a.roles["admin"].ID}})
		notFound("staff update", err)
		_, err = tx.SetStaffDisabled(ctx, b.admin.ID, true, t0)
		notFound("staff disable", err)
		notFound("password set", tx.SetPasswordHash(ctx, b.admin.ID, "x", t0))
		_, err = tx.PasswordHash(ctx, b.admin.ID)
		notFound("password", err)
		_, err = tx.GetChannel(ctx, bChannel.ID)
		notFound("channel", err)
		_, err = tx.UpdateChannel(ctx, account.Channel{ID: bChannel.ID, Name: "偷"})
		notFound("channel update", err)
		_, err = tx.GetChannelGroup(ctx, bGroup.ID)
		notFound("channel group", err)
		_, err = tx.UpdateChannelGroup(ctx, account.ChannelGroup{ID: bGroup.ID, Name: "偷"})
		notFound("channel group update", err)
		_, err = tx.GetDevice(ctx, "dev-b")
		notFound("device", err)
		_, err = tx.SetDeviceBranches(ctx, "dev-b", []int64{a.branch.ID})
		notFound("device bind", err)
		for _, list := range []func() (int, error){
			func() (int, error) { v, err := tx.ListBrands(ctx); return len(v), err },
			func() (int, error) { v, err := tx.ListBranches(ctx); return len(v), err },
			func() (int, error) { v, err := tx.ListDepartments(ctx); return len(v), err },
			func() (int, error) { v, err := tx.ListStaff(ctx); return len(v), err },
			func() (int, error) { v, err := tx.ListChannels(ctx); return len(v), err },
			func() (int, error) { v, err := tx.ListChannelGroups(ctx); return len(v), err },
			func() (int, error) { v, err := tx.ListDevices(ctx); return len(v), err },
			func() (int, error) { v, err := tx.ListAudit(ctx, store.AuditFilter{}); return len(v), err },
			func() (int, error) { return tx.CountLeads(ctx, b.brand.ID) },
		} {
			n, err := list()
			must(t, err)
			if n > 1 {
				t.Errorf("A's listing shows %d rows, B's leaked", n)
			}
		}
		roles, _ := tx.ListRoles(ctx)
		if len(roles) != len(account.BuiltinRoles()) {
			t.Errorf("A sees %d roles", len(roles))
		}
		return nil
	})
	must(t, err)
	// References into another studio are refused by the database itself; each attempt runs in
	// its own transaction, as the API does, so a failure leaves nothing behind.
	for name, fn := range map[string]func(ctx context.Context, tx store.Tx) error{
		"branch under B's brand": func(ctx context.Context, tx store.Tx) error {
			_, err := tx.InsertBranch(ctx, account.Branch{BrandID: b.brand.ID, Name: "跨店", CreatedAt: t0})
			return err
		},
		"staff in B's branch": func(ctx context.Context, tx store.Tx) error {
			_, err := tx.InsertStaff(ctx, account.Staff{Phone: "13911111111", Name: "跨", BranchID: b.branch.ID,
				RoleIDs: []int64{a.roles["intake"].ID}, CreatedAt: t0, UpdatedAt: t0}, "h")
			return err
		},
		"staff with B's admin role": func(ctx context.Context, tx store.Tx) error {
			_, err := tx.InsertStaff(ctx, account.Staff{Phone: "13922222222", Name: "跨", RoleIDs: []int64{b.roles["admin"].ID},
				CreatedAt: t0, UpdatedAt: t0}, "h")
			return err
		},
		"lead in B's brand": func(ctx context.Context, tx store.Tx) error {
			_, err := tx.CreateLead(ctx, lead.Lead{BrandID: b.brand.ID, Phone: "13733333333", CreatedAt: t0})
			return err
		},
		"device bound to B's branch": func(ctx context.Context, tx store.Tx) error {
			if _, err := tx.SeeDevice(ctx, "dev-a", "甲电脑", t0); err != nil {
				return err
			}
			_, err := tx.SetDeviceBranches(ctx, "dev-a", []int64{b.branch.ID})
			return err
		},
	} {
		if err := s.Update(ctx, a.tenant.ID, func(tx store.Tx) error { return fn(ctx, tx) }); err == nil {
			t.Errorf("A created %s", name)
		}
	}
	// B is untouched.
	must(t, s.View(ctx, b.tenant.ID, func(tx store.Tx) error {
		st, err := tx.GetStaff(ctx, b.admin.ID)
		must(t, err)
		br, _ := tx.GetBrand(ctx, b.brand.ID)
		if st.Name != "管理员" || st.Disabled || br.Name != "乙婚纱" {
			t.Errorf("B changed: %+v %+v", st, br)
		}
		return nil
	}))
}

func testRollback(t *testing.T, s store.Store) {
	f := newFixture(t, s, "甲", "13800000001")
	ctx := context.Background()
	boom := errors.New("boom")
	err := s.Update(ctx, f.tenant.ID, func(tx store.Tx) error {
		if _, err := tx.InsertBrand(ctx, account.Brand{Name: "半截", Type: account.BrandWedding, DuplicatePolicy: account.DupReject,
			Timezone: account.DefaultTimezone, CreatedAt: t0, UpdatedAt: t0}); err != nil {
			return err
		}
		if err := tx.AppendAudit(ctx, store.AuditEntry{ActorID: 1, Action: "brand.create", Entity: "brand", EntityID: "x", CreatedAt: t0}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("want boom, got %v", err)
	}
	must(t, s.View(ctx, f.tenant.ID, func(tx store.Tx) error {
		brands, _ := tx.ListBrands(ctx)
		audit, _ := tx.ListAudit(ctx, store.AuditFilter{})
		if len(brands) != 1 || len(audit) != 0 {
			t.Errorf("rollback left brands=%d audit=%d", len(brands), len(audit))
		}
		return nil
	}))
}

func testConcurrentWriters(t *testing.T, s store.Store) {
	f := newFixture(t, s, "甲", "13800000001")
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for i := 0; i < 40; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			errs <- s.Update(ctx, f.tenant.ID, func(tx store.Tx) error {
				_, err := tx.InsertChannel(ctx, account.Channel{Name: fmt.Sprintf("渠道%d", i%20), Active: true})
				return err
			})
		}(i)
	}
	wg.Wait()
	close(errs)
	ok, conflicts := 0, 0
	for err := range errs {
		switch {
		case err == nil:
			ok++
		case errors.Is(err, store.ErrConflict):
			conflicts++
		default:
			t.Errorf("unexpected error: %v", err)
		}
	}
	if ok != 20 || conflicts != 20 {
		t.Errorf("ok=%d conflicts=%d, want 20/20", ok, conflicts)
	}
}

// testConcurrentWritersFailAlone: concurrent transactions that write and then fail leave
// nothing, and never take a concurrent successful one down with them (drivers may share a
// commit between concurrent transactions).
func testConcurrentWritersFailAlone(t *testing.T, s store.Store) {
	f := newFixture(t, s, "甲", "13800000001")
	ctx := context.Background()
	boom := errors.New("boom")
	var wg sync.WaitGroup
	errs := make([]error, 60)
	for i := range errs {
		wg.Go(func() {
			errs[i] = s.Update(ctx, f.tenant.ID, func(tx store.Tx) error {
				if _, err := tx.InsertChannel(ctx, account.Channel{Name: fmt.Sprintf("渠道%d", i), Active: true}); err != nil {
					return err
				}
				if err := tx.AppendAudit(ctx, store.AuditEntry{ActorID: f.admin.ID, Action: "channel.create", Entity: "channel",
					EntityID: fmt.Sprint(i), CreatedAt: t0}); err != nil {
					return err
				}
				if i%3 == 0 {
					return boom
				}
				return nil
			})
		})
	}
	wg.Wait()
	for i, err := range errs {
		if want := i%3 == 0; errors.Is(err, boom) != want || (!want && err != nil) {
			t.Errorf("writer %d: %v", i, err)
		}
	}
	must(t, s.View(ctx, f.tenant.ID, func(tx store.Tx) error {
		chans, err := tx.ListChannels(ctx)
		if err != nil {
			return err
		}
		audit, err := tx.ListAudit(ctx, store.AuditFilter{Entity: "channel", Limit: 1000})
		if err != nil {
			return err
		}
		if len(chans) != 40 || len(audit) != 40 {
			t.Errorf("channels=%d audit=%d, want 40/40", len(chans), len(audit))
		}
		for _, c := range chans {
			var i int
			fmt.Sscanf(c.Name, "渠道%d", &i)
			if i%3 == 0 {
				t.Errorf("failed writer's channel %q was kept", c.Name)
			}
		}
		return nil
	}))
}

// testSavepoint: a failing Savepoint undoes its own writes only; the transaction goes on
// and commits what came before and after it; savepoints nest.
func testSavepoint(t *testing.T, s store.Store) {
	f := newFixture(t, s, "甲", "13800000001")
	ctx := context.Background()
	boom := errors.New("boom")
	ch := func(tx store.Tx, name string) error {
		_, err := tx.InsertChannel(ctx, account.Channel{Name: name, Active: true})
		return err
	}
	must(t, s.Update(ctx, f.tenant.ID, func(tx store.Tx) error {
		if err := ch(tx, "前"); err != nil {
			return err
		}
		if err := tx.Savepoint(ctx, func() error {
			if err := ch(tx, "撤销"); err != nil {
				return err
			}
			return boom
		}); !errors.Is(err, boom) {
			t.Errorf("failing savepoint returned %v", err)
		}
		if err := tx.Savepoint(ctx, func() error {
			if err := ch(tx, "外层"); err != nil {
				return err
			}
			if err := tx.Savepoint(ctx, func() error { return ch(tx, "外层") }); !errors.Is(err, store.ErrConflict) {
				t.Errorf("nested duplicate: %v", err)
			}
			return nil
		}); err != nil {
			t.Errorf("outer savepoint: %v", err)
		}
		return ch(tx, "后")
	}))
	must(t, s.View(ctx, f.tenant.ID, func(tx store.Tx) error {
		chans, err := tx.ListChannels(ctx)
		if err != nil {
			return err
		}
		var names []string
		for _, c := range chans {
			names = append(names, c.Name)
		}
		want := []string{"前", "后", "外层"}
		slices.Sort(names)
		slices.Sort(want)
		if !slices.Equal(names, want) {
			t.Errorf("channels %v, want %v", names, want)
		}
		return nil
	}))
}

func branchNamed(f fixture, name string) account.Branch {
	return account.Branch{BrandID: f.brand.ID, Name: name, CreatedAt: t0}
}

func staffNamed(f fixture, phone string, branchID int64) account.Staff {
	return account.Staff{Phone: phone, Name: "员工" + phone[7:], BranchID: branchID, RoleIDs: []int64{f.roles["booking"].ID},
		CreatedAt: t0, UpdatedAt: t0}
}
