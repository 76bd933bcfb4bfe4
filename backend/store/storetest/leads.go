package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/studiodesk/studiodesk/backend/lead"
	"github.com/studiodesk/studiodesk/backend/store"
)

// leadTests are the lead, change-feed and distribution cases of the suite.
var leadTests = []struct {
	name string
	fn   func(t *testing.T, s store.Store)
}{
	{"LeadCRUDAndCompareAndSet", testLeadCRUD},
	{"LeadListFiltersScopesAndPaging", testLeadList},
	{"LeadEventsAndCounts", testLeadEvents},
	{"ChangeFeedSequence", testChangeFeed},
	{"ChangeFeedConcurrentReadersNeverMiss", testChangeFeedConcurrent},
	{"MutationsCheckInsDistStateFields", testLeadMisc},
	{"LeadTenantIsolation", testLeadIsolation},
	{"LeadNameSearch", testLeadNameSearch},
}

func newLead(f fixture, phone string, at time.Time) lead.Lead {
	return lead.Lead{BrandID: f.brand.ID, BranchID: f.branch.ID, Phone: phone, Name: "客户" + phone[7:], Source: lead.SourceAd,
		Validity: lead.ValidityPending, Booking: lead.BookingUnassigned, Store: lead.StoreAwaiting,
		CreatedBy: f.admin.ID, CreatedAt: at, UpdatedAt: at}
}

func testLeadCRUD(t *testing.T, s store.Store) {
	f := newFixture(t, s, "甲", "13800000001")
	update(t, s, f.tenant.ID, func(ctx context.Context, tx store.Tx) error {
		l := newLead(f, "13700000001", t0)
		l.Wedding = &lead.WeddingFields{PartnerName: "新郎", WeddingDate: "2027-05-01"}
		l.Custom = map[string]any{"budget": 8000.0}
		got, err := tx.CreateLead(ctx, l)
		must(t, err)
		if got.ID == 0 || got.Version != 1 {
			t.Fatalf("created = %+v", got)
		}
		back, err := tx.GetLead(ctx, got.ID)
		must(t, err)
		if back.ID != got.ID || back.Wedding == nil || back.Wedding.PartnerName != "新郎" || back.Custom["budget"] != 8000.0 ||
			back.Phone != "13700000001" || !back.CreatedAt.Equal(t0) {
			t.Fatalf("read back = %+v", back)
		}
		byPhone, err := tx.LeadByPhone(ctx, f.brand.ID, "13700000001")
		must(t, err)
		if byPhone.ID != got.ID {
			t.Fatalf("by phone = %d", byPhone.ID)
		}
		if _, err := tx.LeadByPhone(ctx, f.brand.ID, "13700009999"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("missing phone: %v", err)
		}
		back.Name, back.Validity = "改名", lead.ValidityValid
		v2, err := tx.UpdateLead(ctx, back)
		must(t, err)
		if v2.Version != 2 {
			t.Fatalf("version after update = %d", v2.Version)
		}
		if _, err := tx.UpdateLead(ctx, back); !errors.Is(err, store.ErrStale) { // still at version 1
			t.Fatalf("stale update: %v", err)
		}
		again, _ := tx.GetLead(ctx, got.ID)
		if again.Name != "改名" || again.Version != 2 || again.Validity != lead.ValidityValid {
			t.Fatalf("after stale attempt = %+v", again)
		}
		if _, err := tx.UpdateLead(ctx, lead.Lead{ID: 999999, BrandID: f.brand.ID, Phone: "13700000002", Version: 1}); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("update missing: %v", err)
		}
		if err := tx.Savepoint(ctx, func() error { _, err := tx.CreateLead(ctx, newLead(f, "13700000001", t0)); return err }); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("duplicate phone in brand: %v", err)
		}
		return nil
	})
}

func testLeadList(t *testing.T, s store.Store) {
	f := newFixture(t, s, "甲", "13800000001")
	ctx := context.Background()
	var other account2
	update(t, s, f.tenant.ID, func(ctx context.Context, tx store.Tx) error {
		var err error
		other, err = newStaffAndBranch(ctx, tx, f)
		must(t, err)
		for i := 0; i < 30; i++ {
			l := newLead(f, fmt.Sprintf("137%08d", i), t0.Add(time.Duration(i/2)*time.Minute)) // pairs share created_at
			if i%3 == 0 {
				l.OwnerID, l.OwnerDepartmentID = other.staffID, f.dept.ID
			}
			if i%5 == 0 {
				l.BranchID = other.branchID
			}
			if i%2 == 0 {
				l.Validity = lead.ValidityValid
			}
			if i == 7 {
				l.Name = "100%_真"
			}
			if i == 8 {
				l.CreatedBy = other.staffID
			}
			_, err := tx.CreateLead(ctx, l)
			must(t, err)
		}
		return nil
	})
	list := func(fl store.LeadFilter) []lead.Lead {
		t.Helper()
		var out []lead.Lead
		must(t, s.View(ctx, f.tenant.ID, func(tx store.Tx) (err error) { out, err = tx.ListLeads(ctx, fl); return }))
		return out
	}
	all := store.LeadScope{All: true}
	// Keyset paging walks every lead once, newest first, through ties on created_at.
	seen := map[int64]bool{}
	var prev *lead.Lead
	fl := store.LeadFilter{Scope: all, Limit: 7}
	for pages := 0; pages < 10; pages++ {
		page := list(fl)
		for i := range page {
			l := page[i]
			if seen[l.ID] {
				t.Fatalf("lead %d twice", l.ID)
			}
			if prev != nil && (l.CreatedAt.After(prev.CreatedAt) || (l.CreatedAt.Equal(prev.CreatedAt) && l.ID > prev.ID)) {
				t.Fatalf("order broken at %d", l.ID)
			}
			seen[l.ID], prev = true, &page[i]
		}
		if len(page) < fl.Limit {
			break
		}
		last := page[len(page)-1]
		fl.AfterCreated, fl.AfterID = &last.CreatedAt, last.ID
	}
	if len(seen) != 30 {
		t.Fatalf("paging saw %d of 30", len(seen))
	}
	from, to := t0.Add(2*time.Minute), t0.Add(4*time.Minute)
	tests := []struct {
		name string
		f    store.LeadFilter
		want int
	}{
		{"valid", store.LeadFilter{Scope: all, Validity: "valid"}, 15},
		{"owner", store.LeadFilter{Scope: all, OwnerID: other.staffID}, 10},
		{"branch", store.LeadFilter{Scope: all, BranchID: other.branchID}, 6},
		{"created range", store.LeadFilter{Scope: all, CreatedFrom: &from, CreatedTo: &to}, 4},
		{"exact phone", store.LeadFilter{Scope: all, Text: "13700000012"}, 1},
		{"phone suffix", store.LeadFilter{Scope: all, Text: "0012"}, 1},
		{"phone prefix", store.LeadFilter{Scope: all, Text: "1370000001"}, 10},
		{"name substring", store.LeadFilter{Scope: all, Text: "客户"}, 29},
		{"four digits are the phone's last digits", store.LeadFilter{Scope: all, Text: "0000"}, 1},
		{"four digits are not a phone start", store.LeadFilter{Scope: all, Text: "1370"}, 0},
		{"seven digits are a phone start or end", store.LeadFilter{Scope: all, Text: "1370000"}, 30},
		{"name with like wildcards", store.LeadFilter{Scope: all, Text: "%_真"}, 1},
		{"scope own", store.LeadFilter{Scope: store.LeadScope{StaffID: other.staffID}}, 11},
		{"scope group", store.LeadFilter{Scope: store.LeadScope{StaffID: 424242, DepartmentID: f.dept.ID}}, 10},
		{"scope branch", store.LeadFilter{Scope: store.LeadScope{StaffID: 424242, BranchID: other.branchID}}, 6},
		{"scope brand", store.LeadFilter{Scope: store.LeadScope{StaffID: 424242, BrandID: f.brand.ID}}, 30},
		{"scope brand of nothing", store.LeadFilter{Scope: store.LeadScope{StaffID: 424242, BrandID: 999}}, 0},
		{"deleted", store.LeadFilter{Scope: all, Deleted: true}, 0},
	}
	for _, tc := range tests {
		tc.f.Limit = 100
		if got := list(tc.f); len(got) != tc.want {
			t.Errorf("%s: %d leads, want %d", tc.name, len(got), tc.want)
		}
	}
}

// account2 is a second staff member in a second branch of the fixture.
type account2 struct{ staffID, branchID int64 }

func newStaffAndBranch(ctx context.Context, tx store.Tx, f fixture) (account2, error) {
	br, err := tx.InsertBranch(ctx, branchNamed(f, "二店"))
	if err != nil {
		return account2{}, err
	}
	st, err := tx.InsertStaff(ctx, staffNamed(f, "13900000111", br.ID), "h")
	return account2{staffID: st.ID, branchID: br.ID}, err
}

func testLeadEvents(t *testing.T, s store.Store) {
	f := newFixture(t, s, "甲", "13800000001")
	update(t, s, f.tenant.ID, func(ctx context.Context, tx store.Tx) error {
		l, err := tx.CreateLead(ctx, newLead(f, "13700000001", t0))
		must(t, err)
		l.OwnerID = f.admin.ID
		l, err = tx.UpdateLead(ctx, l)
		must(t, err)
		for i, typ := range []lead.EventType{lead.EventCreated, lead.EventAssigned, lead.EventStatus, lead.EventCall} {
			e := lead.Event{LeadID: l.ID, Type: typ, ActorID: f.admin.ID, OwnerID: f.admin.ID, At: t0.Add(time.Duration(i) * time.Hour)}
			if typ == lead.EventStatus {
				e.Axis, e.From, e.To, e.Reason, e.Data = lead.AxisValidity, "pending", "valid", "ok", json.RawMessage(`{"x":1}`)
			}
			_, err := tx.AppendLeadEvent(ctx, e)
			must(t, err)
		}
		tl, err := tx.LeadEvents(ctx, l.ID)
		must(t, err)
		if len(tl) != 4 || tl[2].Axis != lead.AxisValidity || tl[2].To != "valid" || string(tl[2].Data) != `{"x":1}` || tl[0].Type != lead.EventCreated {
			t.Fatalf("timeline = %+v", tl)
		}
		acts, err := tx.ActorEvents(ctx, f.admin.ID, t0.Add(time.Hour), t0.Add(3*time.Hour), 0)
		must(t, err)
		if len(acts) != 2 || acts[0].Type != lead.EventAssigned {
			t.Fatalf("actor events = %+v", acts)
		}
		assigned, err := tx.AssignedSince(ctx, t0, []int64{f.admin.ID})
		must(t, err)
		holding, err := tx.Holding(ctx, []int64{f.admin.ID, 424242})
		must(t, err)
		if assigned[f.admin.ID] != 1 || holding[f.admin.ID] != 1 {
			t.Fatalf("assigned %v holding %v", assigned, holding)
		}
		return nil
	})
}

func testChangeFeed(t *testing.T, s store.Store) {
	a := newFixture(t, s, "甲", "13800000001")
	b := newFixture(t, s, "乙", "13800000002")
	for i := 0; i < 5; i++ {
		update(t, s, a.tenant.ID, func(ctx context.Context, tx store.Tx) error {
			seq, err := tx.AppendChange(ctx, store.Change{Entity: "lead", EntityID: int64(i), Now: lead.Scope{BrandID: 1, People: []int64{7}},
				Prev: &lead.Scope{BranchID: 3}, At: t0})
			if seq != int64(i+1) {
				t.Errorf("seq %d, want %d", seq, i+1)
			}
			return err
		})
	}
	update(t, s, b.tenant.ID, func(ctx context.Context, tx store.Tx) error {
		seq, err := tx.AppendChange(ctx, store.Change{Entity: "lead", EntityID: 1, At: t0})
		if seq != 1 {
			t.Errorf("B's first seq = %d", seq)
		}
		return err
	})
	ctx := context.Background()
	must(t, s.View(ctx, a.tenant.ID, func(tx store.Tx) error {
		ch, err := tx.Changes(ctx, 2, 2)
		must(t, err)
		if len(ch) != 2 || ch[0].Seq != 3 || ch[1].Seq != 4 || ch[0].Now.People[0] != 7 || ch[0].Prev == nil || ch[0].Prev.BranchID != 3 {
			t.Fatalf("changes = %+v", ch)
		}
		last, err := tx.LastSeq(ctx)
		if err != nil || last != 5 {
			t.Fatalf("last = %d %v", last, err)
		}
		return nil
	}))
	// A rolled-back writer leaves no change behind, and the next one reuses nothing visible.
	_ = s.Update(ctx, a.tenant.ID, func(tx store.Tx) error {
		_, _ = tx.AppendChange(ctx, store.Change{Entity: "lead", EntityID: 99, At: t0})
		return errors.New("rollback")
	})
	must(t, s.View(ctx, a.tenant.ID, func(tx store.Tx) error {
		ch, _ := tx.Changes(ctx, 5, 10)
		if len(ch) != 0 {
			t.Fatalf("rolled-back change visible: %+v", ch)
		}
		return nil
	}))
}

// testChangeFeedConcurrent: readers pulling while writers commit never miss a change: the
// union of everything pulled equals everything written, in sequence order without gaps.
func testChangeFeedConcurrent(t *testing.T, s store.Store) {
	f := newFixture(t, s, "甲", "13800000001")
	ctx := context.Background()
	const writers, perWriter = 4, 60
	var wg sync.WaitGroup
	done := make(chan struct{})
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), 1))
			for i := 0; i < perWriter; i++ {
				err := s.Update(ctx, f.tenant.ID, func(tx store.Tx) error {
					n := 1 + rng.IntN(3) // several changes in one transaction
					for k := 0; k < n; k++ {
						if _, err := tx.AppendChange(ctx, store.Change{Entity: "lead", EntityID: int64(w*1000 + i), At: t0}); err != nil {
							return err
						}
					}
					if rng.IntN(5) == 0 {
						return errors.New("random rollback")
					}
					return nil
				})
				if err != nil && err.Error() != "random rollback" {
					t.Error(err)
				}
			}
		}(w)
	}
	var got []int64
	var cursor int64
	readerDone := make(chan struct{})
	go func() {
		defer close(readerDone)
		for {
			select {
			case <-done:
				return
			default:
			}
			_ = s.View(ctx, f.tenant.ID, func(tx store.Tx) error {
				ch, err := tx.Changes(ctx, cursor, 50)
				if err != nil {
					t.Error(err)
					return err
				}
				for _, c := range ch {
					got = append(got, c.Seq)
					cursor = c.Seq
				}
				return nil
			})
		}
	}()
	wg.Wait()
	close(done)
	<-readerDone
	must(t, s.View(ctx, f.tenant.ID, func(tx store.Tx) error {
		for {
			ch, err := tx.Changes(ctx, cursor, 500)
			must(t, err)
			if len(ch) == 0 {
				break
			}
			for _, c := range ch {
				got = append(got, c.Seq)
				cursor = c.Seq
			}
		}
		last, _ := tx.LastSeq(ctx)
		if int64(len(got)) != last {
			t.Fatalf("pulled %d changes, feed has %d", len(got), last)
		}
		return nil
	}))
	for i, seq := range got {
		if seq != int64(i+1) {
			t.Fatalf("pull %d saw seq %d: a gap or reorder", i, seq)
		}
	}
}

func testLeadMisc(t *testing.T, s store.Store) {
	f := newFixture(t, s, "甲", "13800000001")
	update(t, s, f.tenant.ID, func(ctx context.Context, tx store.Tx) error {
		if _, err := tx.Mutation(ctx, "m1"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("new mutation: %v", err)
		}
		must(t, tx.SaveMutation(ctx, store.MutationRecord{ID: "m1", StaffID: f.admin.ID, RequestHash: "h", Result: json.RawMessage(`{"ok":true}`), CreatedAt: t0}))
		m, err := tx.Mutation(ctx, "m1")
		must(t, err)
		if m.RequestHash != "h" || string(m.Result) != `{"ok":true}` {
			t.Fatalf("mutation = %+v", m)
		}
		if err := tx.Savepoint(ctx, func() error {
			return tx.SaveMutation(ctx, store.MutationRecord{ID: "m1", RequestHash: "x", Result: json.RawMessage(`{}`), CreatedAt: t0})
		}); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("replayed mutation id: %v", err)
		}

		must(t, tx.CheckIn(ctx, store.CheckIn{StaffID: f.admin.ID, Day: "2026-12-01", In: t0, ByID: f.admin.ID}))
		must(t, tx.CheckOut(ctx, f.admin.ID, "2026-12-01", t0.Add(time.Hour)))
		ci, err := tx.CheckIns(ctx, "2026-12-01")
		must(t, err)
		if len(ci) != 1 || ci[0].Out == nil {
			t.Fatalf("check-ins = %+v", ci)
		}
		must(t, tx.CheckIn(ctx, store.CheckIn{StaffID: f.admin.ID, Day: "2026-12-01", In: t0.Add(2 * time.Hour), ByID: 7}))
		ci, _ = tx.CheckIns(ctx, "2026-12-01")
		if ci[0].Out != nil || ci[0].ByID != 7 || !ci[0].In.Equal(t0) {
			t.Fatalf("re-check-in = %+v", ci[0])
		}
		if err := tx.CheckOut(ctx, f.admin.ID, "2026-12-02", t0); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("check out without check in: %v", err)
		}

		st, err := tx.DistState(ctx, "dept:1")
		must(t, err)
		if st != nil {
			t.Fatalf("new state = %q", st)
		}
		must(t, tx.SetDistState(ctx, "dept:1", []byte(`{"rr":{"last":5}}`)))
		st, _ = tx.DistState(ctx, "dept:1")
		if string(st) != `{"rr":{"last":5}}` {
			t.Fatalf("state = %q", st)
		}

		defs := []lead.CustomField{{Key: "budget", Label: "预算", Type: "number"}, {Key: "style", Label: "风格", Type: "single", Options: []string{"韩式", "森系"}, Required: true}}
		must(t, tx.SetCustomFields(ctx, f.brand.ID, defs))
		got, err := tx.CustomFields(ctx, f.brand.ID)
		must(t, err)
		if len(got) != 2 || got[1].Key != "style" || len(got[1].Options) != 2 || !got[1].Required {
			t.Fatalf("fields = %+v", got)
		}
		return nil
	})
}

func testLeadIsolation(t *testing.T, s store.Store) {
	a := newFixture(t, s, "甲", "13800000001")
	b := newFixture(t, s, "乙", "13800000002")
	var bl lead.Lead
	update(t, s, b.tenant.ID, func(ctx context.Context, tx store.Tx) error {
		var err error
		bl, err = tx.CreateLead(ctx, newLead(b, "13700000001", t0))
		must(t, err)
		_, err = tx.AppendLeadEvent(ctx, lead.Event{LeadID: bl.ID, Type: lead.EventCreated, ActorID: b.admin.ID, At: t0})
		must(t, err)
		_, err = tx.AppendChange(ctx, store.Change{Entity: "lead", EntityID: bl.ID, At: t0})
		must(t, err)
		return tx.SetCustomFields(ctx, b.brand.ID, []lead.CustomField{{Key: "secret", Label: "秘密", Type: "text"}})
	})
	update(t, s, a.tenant.ID, func(ctx context.Context, tx store.Tx) error {
		if _, err := tx.GetLead(ctx, bl.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("A read B's lead: %v", err)
		}
		if _, err := tx.LeadByPhone(ctx, b.brand.ID, "13700000001"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("A found B's lead by phone: %v", err)
		}
		stolen := bl
		stolen.Name = "偷"
		if _, err := tx.UpdateLead(ctx, stolen); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("A updated B's lead: %v", err)
		}
		for name, n := range map[string]func() int{
			"list": func() int {
				v, _ := tx.ListLeads(ctx, store.LeadFilter{Scope: store.LeadScope{All: true}})
				return len(v)
			},
			"events":  func() int { v, _ := tx.LeadEvents(ctx, bl.ID); return len(v) },
			"changes": func() int { v, _ := tx.Changes(ctx, 0, 100); return len(v) },
			"fields":  func() int { v, _ := tx.CustomFields(ctx, b.brand.ID); return len(v) },
		} {
			if got := n(); got != 0 {
				t.Errorf("A's %s shows %d of B's rows", name, got)
			}
		}
		return nil
	})
	ctx := context.Background()
	err := s.Update(ctx, a.tenant.ID, func(tx store.Tx) error {
		_, err := tx.AppendLeadEvent(ctx, lead.Event{LeadID: bl.ID, Type: lead.EventCall, ActorID: a.admin.ID, At: t0})
		return err
	})
	if err == nil {
		t.Error("A appended an event to B's lead")
	}
}

// testLeadNameSearch: one- and two-character and longer name searches, ASCII case, renames
// and paging newest first through a name search.
func testLeadNameSearch(t *testing.T, s store.Store) {
	f := newFixture(t, s, "甲", "13800000001")
	ctx := context.Background()
	all := store.LeadScope{All: true}
	ids := map[string]int64{}
	names := []string{"王小芳", "王芳", "李芳芳", "Anna Wang", "小王", "芳"}
	update(t, s, f.tenant.ID, func(ctx context.Context, tx store.Tx) error {
		for i, n := range names {
			l := newLead(f, fmt.Sprintf("137%08d", i), t0.Add(time.Duration(i)*time.Minute))
			l.Name = n
			got, err := tx.CreateLead(ctx, l)
			ids[n] = got.ID
			if err != nil {
				return err
			}
		}
		return nil
	})
	page := func(text string, limit int, after *lead.Lead) []lead.Lead {
		t.Helper()
		fl := store.LeadFilter{Scope: all, Text: text, Limit: limit}
		if after != nil {
			fl.AfterCreated, fl.AfterID = &after.CreatedAt, after.ID
		}
		var ls []lead.Lead
		must(t, s.View(ctx, f.tenant.ID, func(tx store.Tx) (err error) { ls, err = tx.ListLeads(ctx, fl); return }))
		return ls
	}
	search := func(text string) string {
		t.Helper()
		var out []string
		for _, l := range page(text, 50, nil) {
			out = append(out, l.Name)
		}
		return strings.Join(out, ",")
	}
	for text, want := range map[string]string{ // newest first
		"王": "小王,王芳,王小芳", "芳": "芳,李芳芳,王芳,王小芳", "王芳": "王芳", "小芳": "王小芳", "芳芳": "李芳芳",
		"王小芳": "王小芳", "wang": "Anna Wang", "WANG": "Anna Wang", "n": "Anna Wang", "a w": "Anna Wang", "赵": "",
	} {
		if got := search(text); got != want {
			t.Errorf("search %q: %q, want %q", text, got, want)
		}
	}
	// Paging one lead at a time through a name search walks the same order.
	var walked []string
	var last *lead.Lead
	for {
		ls := page("芳", 1, last)
		if len(ls) == 0 {
			break
		}
		walked = append(walked, ls[0].Name)
		last = &ls[0]
	}
	if got := strings.Join(walked, ","); got != "芳,李芳芳,王芳,王小芳" {
		t.Errorf("paged search: %s", got)
	}
	// A rename moves the lead in the index.
	update(t, s, f.tenant.ID, func(ctx context.Context, tx store.Tx) error {
		l, err := tx.GetLead(ctx, ids["王芳"])
		if err != nil {
			return err
		}
		l.Name = "赵敏"
		_, err = tx.UpdateLead(ctx, l)
		return err
	})
	if got := search("王芳") + "|" + search("赵") + "|" + search("王"); got != "|赵敏|小王,王小芳" {
		t.Errorf("after rename: %s", got)
	}
}
