package replica_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/studiodesk/studiodesk/app/replica"
	"github.com/studiodesk/studiodesk/backend/account"
	"github.com/studiodesk/studiodesk/backend/api"
	"github.com/studiodesk/studiodesk/backend/lead"
)

var t0 = time.Date(2026, 12, 4, 2, 0, 0, 0, time.UTC)

func session(staff int64, scope account.Scope, perms ...account.Permission) api.Session {
	return api.Session{Tenant: api.TenantRef{ID: 1, Name: "甲"}, Staff: account.Staff{ID: staff, BranchID: 1},
		DataScope: scope, Permissions: perms}
}

func open(t testing.TB, dir string, s api.Session) *replica.Replica {
	t.Helper()
	r, err := replica.Open(context.Background(), replica.Config{Dir: dir, Server: "http://127.0.0.1:8640", Session: s,
		Now: func() time.Time { return t0 }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

func brands(t testing.TB, r *replica.Replica) {
	t.Helper()
	err := r.SetBrands(context.Background(), []replica.Brand{
		{Brand: account.Brand{ID: 1, Name: "婚纱", Type: account.BrandWedding, DuplicatePolicy: account.DupReject}},
		{Brand: account.Brand{ID: 2, Name: "儿童", Type: account.BrandChildren, DuplicatePolicy: account.DupRepeat}},
	})
	if err != nil {
		t.Fatal(err)
	}
}

// serverLead is a lead as a pull would carry it.
func serverLead(id int64, name, phone string, created time.Time) lead.Lead {
	return lead.Lead{ID: id, BrandID: 1, Name: name, Phone: phone, Validity: lead.ValidityPending,
		Booking: lead.BookingToCall, Store: lead.StoreAwaiting, OwnerID: 7, BookingOwnerID: 7, CreatedBy: 7,
		CreatedAt: created, UpdatedAt: created, Version: 1}
}

func pull(t testing.TB, r *replica.Replica, cursor string, ls ...lead.Lead) {
	t.Helper()
	p := api.Pull{Cursor: cursor}
	for _, l := range ls {
		p.Changes = append(p.Changes, api.PulledChange{Op: "upsert", ID: l.ID, Lead: &l})
	}
	if _, err := r.ApplyPull(context.Background(), p); err != nil {
		t.Fatal(err)
	}
}

// listAll pages through f to the end and returns the ids in list order.
func listAll(t testing.TB, r *replica.Replica, f replica.Filter) []int64 {
	t.Helper()
	got := []int64{}
	for {
		p, err := r.List(context.Background(), f)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, ids(p.Leads)...)
		if p.Next == "" {
			return got
		}
		f.Cursor = p.Next
	}
}

func ids(items []replica.Item) []int64 {
	out := []int64{}
	for _, it := range items {
		out = append(out, it.ID)
	}
	return out
}

func TestSearch(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := open(t, t.TempDir(), session(7, account.ScopeOwn, account.PermLeadCreate))
	brands(t, r)
	masked := serverLead(3, "欧阳娜娜", "137****4321", t0.Add(3*time.Minute))
	masked.Notes = "想拍海边外景"
	partner := serverLead(4, "Lee", "13600000000", t0.Add(4*time.Minute))
	partner.Wedding = &lead.WeddingFields{PartnerPhone: "13599998888"}
	pull(t, r, "1-4", serverLead(1, "张三丰", "13812345678", t0), serverLead(2, "李四", "13912348765", t0.Add(time.Minute)),
		masked, partner)

	tests := []struct {
		text string
		want []int64
	}{
		{"13812345678", []int64{1}},
		{"5678", []int64{1}},       // suffix
		{"1391", []int64{}},        // four to six digits are the last digits (尾号), never a start
		{"1391234", []int64{2}},    // seven digits and more: the start too
		{"4321", []int64{3}},       // suffix of a masked phone
		{"8888", []int64{4}},       // the partner's phone
		{"13700004321", []int64{}}, // a masked phone never matches in full
		{"三丰", []int64{}},          // two characters: names starting with them
		{"张三", []int64{1}},         // prefix
		{"张", []int64{1}},          // surname
		{"阳娜娜", []int64{3}},        // trigram substring
		{"海边外景", []int64{3}},       // notes
		{"lee", []int64{4}},        // trigram matching is case-insensitive
		{`"x"`, []int64{}},         // quotes are text, not syntax
		{"  ", []int64{}},
	}
	for _, tc := range tests {
		got, err := r.Search(ctx, tc.text, 10)
		if err != nil {
			t.Fatalf("%q: %v", tc.text, err)
		}
		if fmt.Sprint(ids(got)) != fmt.Sprint(tc.want) {
			t.Errorf("search %q = %v, want %v", tc.text, ids(got), tc.want)
		}
	}

	// A renamed lead is found under its new name only.
	renamed := serverLead(1, "张无忌", "13812345678", t0)
	renamed.Version = 2
	pull(t, r, "1-5", renamed)
	if got, _ := r.Search(ctx, "张三丰", 10); len(got) != 0 {
		t.Fatalf("old name still found: %v", ids(got))
	}
	if got, _ := r.Search(ctx, "张无忌", 10); fmt.Sprint(ids(got)) != "[1]" {
		t.Fatalf("new name: %v", ids(got))
	}
}

func TestKeysetPaging(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := open(t, t.TempDir(), session(7, account.ScopeOwn))
	var ls []lead.Lead
	for i := 1; i <= 25; i++ {
		l := serverLead(int64(i), fmt.Sprintf("客户%02d", i), fmt.Sprintf("138000000%02d", i), t0.Add(time.Duration(i/2)*time.Minute))
		if i%3 == 0 {
			l.Booking = lead.BookingBooked
		}
		ls = append(ls, l)
	}
	pull(t, r, "1-25", ls...)

	var got []int64
	f := replica.Filter{Limit: 7}
	for pages := 0; ; pages++ {
		p, err := r.List(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, ids(p.Leads)...)
		if p.Next == "" {
			if pages != 3 {
				t.Fatalf("%d pages", pages+1)
			}
			break
		}
		f.Cursor = p.Next
	}
	// Newest first; equal created_at breaks ties by id, descending.
	want := []int64{25, 24, 23, 22, 21, 20, 19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("pages %v", got)
	}

	booked, err := r.List(ctx, replica.Filter{Booking: "booked", Limit: 3})
	if err != nil || fmt.Sprint(ids(booked.Leads)) != "[24 21 18]" || booked.Next == "" {
		t.Fatalf("booked %v %v", ids(booked.Leads), err)
	}
	from, to := t0.Add(2*time.Minute), t0.Add(3*time.Minute)
	ranged, err := r.List(ctx, replica.Filter{CreatedFrom: &from, CreatedTo: &to})
	if err != nil || fmt.Sprint(ids(ranged.Leads)) != "[5 4]" {
		t.Fatalf("created in [2m, 3m): %v %v", ids(ranged.Leads), err)
	}
	if _, err := r.List(ctx, replica.Filter{Booking: "nope"}); !errors.Is(err, replica.ErrFilter) {
		t.Fatalf("bad status: %v", err)
	}
	if _, err := r.List(ctx, replica.Filter{Cursor: "%%%"}); !errors.Is(err, replica.ErrFilter) {
		t.Fatalf("bad cursor: %v", err)
	}
}

func result(t testing.TB, js string) api.MutationResult {
	t.Helper()
	var m api.MutationResult
	if err := json.Unmarshal([]byte(js), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestEnqueueAckRebase(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	r := open(t, dir, session(7, account.ScopeOwn, account.PermLeadCreate))
	brands(t, r)
	pull(t, r, "1-1", serverLead(1, "张三", "13812345678", t0))

	t.Run("duplicate phone is refused locally", func(t *testing.T) {
		_, err := r.Enqueue(ctx, replica.CreateLead(lead.Lead{BrandID: 1, Name: "又一个", Phone: "138 1234 5678"}))
		var dup *replica.DuplicateError
		if !errors.As(err, &dup) || dup.Summary.LeadID != 1 || dup.Summary.Phone != "138****5678" || dup.Code() != "lead_duplicate" {
			t.Fatalf("got %v", err)
		}
		if d, err := r.CheckDuplicate(ctx, 1, "13812345678"); err != nil || d == nil || !d.Certain {
			t.Fatalf("check duplicate %+v %v", d, err)
		}
	})
	t.Run("rule violations store nothing", func(t *testing.T) {
		_, err := r.Enqueue(ctx, replica.TransitionLead(api.TransitionArgs{ID: 1, Axis: lead.AxisBooking, To: "no_show"}))
		var le *lead.Error
		if !errors.As(err, &le) || le.Code() != lead.CodeTransitionInvalid {
			t.Fatalf("got %v", err)
		}
		_, err = r.Enqueue(ctx, replica.CorrectLead(api.TransitionArgs{ID: 1, Axis: lead.AxisBooking, To: "lost",
			TransitionInput: lead.TransitionInput{Reason: "x"}}))
		var fe *replica.ForbiddenError
		if !errors.As(err, &fe) || fe.Permission != account.PermLeadCorrectStatus {
			t.Fatalf("got %v", err)
		}
		if p, _ := r.Pending(ctx); len(p) != 0 {
			t.Fatalf("pending %+v", p)
		}
	})

	created, err := r.Enqueue(ctx, replica.CreateLead(lead.Lead{BrandID: 1, Name: "王五", Phone: "13900001111"}))
	if err != nil || created.Lead.ID != -1 || created.Lead.Validity != lead.ValidityPending || created.Lead.CreatedBy != 7 {
		t.Fatalf("create %+v %v", created, err)
	}
	notes := "offline note"
	edit, err := r.Enqueue(ctx, replica.UpdateLead(-1, lead.Patch{Notes: &notes}))
	if err != nil || edit.Lead.Notes != notes || edit.Lead.Pending != 2 {
		t.Fatalf("edit of the local lead %+v %v", edit, err)
	}
	name := "张三丰"
	rename, err := r.Enqueue(ctx, replica.UpdateLead(1, lead.Patch{Name: &name}))
	if err != nil {
		t.Fatal(err)
	}
	book, err := r.Enqueue(ctx, replica.TransitionLead(api.TransitionArgs{ID: 1, Axis: lead.AxisBooking, To: "calling"}))
	if err != nil || book.Lead.Booking != lead.BookingCalling || book.Lead.Name != name {
		t.Fatalf("transition %+v %v", book, err)
	}
	push, err := r.Pushable(ctx, 100)
	if err != nil || len(push) != 3 { // the edit of lead -1 waits for its create
		t.Fatalf("pushable %+v %v", push, err)
	}
	var args api.UpdateLeadArgs
	if err := json.Unmarshal(push[1].Args, &args); err != nil || args.BaseVersion != 1 || push[1].BaseVersion != 1 {
		t.Fatalf("base version not in args: %s", push[1].Args)
	}

	t.Run("a pull under pending changes rebases them", func(t *testing.T) {
		other := serverLead(1, "张三", "13812345678", t0)
		other.Notes, other.Version = "server note", 2
		pull(t, r, "1-2", other)
		it, err := r.Get(ctx, 1)
		if err != nil || it.Name != name || it.Notes != "server note" || it.Booking != lead.BookingCalling || it.Pending != 2 {
			t.Fatalf("rebased %+v %v", it, err)
		}
		// Someone else booked it meanwhile: the local "calling" no longer applies and shows
		// the server's state, but stays pending for the server to decide.
		other.Booking, other.Version = lead.BookingLost, 3
		pull(t, r, "1-3", other)
		if it, _ := r.Get(ctx, 1); it.Booking != lead.BookingLost || it.Name != name || it.Pending != 2 {
			t.Fatalf("rebased onto lost %+v", it)
		}
	})

	t.Run("ack maps the local id and rejects with the reason", func(t *testing.T) {
		srv := serverLead(9, "王五", "13900001111", t0)
		srv.Version = 1
		lc, _ := json.Marshal(api.LeadCreated{Lead: srv})
		renamed := serverLead(1, name, "13812345678", t0)
		renamed.Booking, renamed.Version = lead.BookingLost, 4
		rb, _ := json.Marshal(renamed)
		err := r.Ack(ctx, []api.MutationResult{
			{ID: created.MutationID, Status: "applied", Result: lc},
			{ID: rename.MutationID, Status: "applied", Result: rb},
			result(t, `{"mutation_id":"`+book.MutationID+`","status":"rejected","error":{"code":"transition_invalid","field":"booking","message":"不能从「流失」改为「邀约中」"}}`),
			{ID: "unknown", Status: "applied"},
		})
		if err != nil {
			t.Fatal(err)
		}
		if it, err := r.Get(ctx, -1); err != nil || it.ID != 9 || it.Notes != notes || it.Pending != 1 {
			t.Fatalf("mapped %+v %v", it, err)
		}
		push, _ := r.Pushable(ctx, 100)
		if len(push) != 1 || !json.Valid(push[0].Args) {
			t.Fatalf("pushable %+v", push)
		}
		if id, _ := json.Marshal(push[0].Args); !contains(string(push[0].Args), `"id":9`) {
			t.Fatalf("args not rewritten: %s", id)
		}
		ob, _ := r.Outbox(ctx)
		if len(ob) != 2 || ob[1].State != replica.StateRejected || ob[1].Error.Code != "transition_invalid" || ob[1].Error.Message == "" {
			t.Fatalf("outbox %+v", ob)
		}
		if it, _ := r.Get(ctx, 1); it.Pending != 0 || it.Name != name || it.Version != 4 {
			t.Fatalf("acked lead %+v", it)
		}
		if err := r.Discard(ctx, book.MutationID); err != nil {
			t.Fatal(err)
		}
		if err := r.Discard(ctx, book.MutationID); !errors.Is(err, replica.ErrNotFound) {
			t.Fatalf("discard twice: %v", err)
		}
	})

	t.Run("reopen keeps everything; a new grant resets but keeps the outbox", func(t *testing.T) {
		r.Close()
		r2 := open(t, dir, session(7, account.ScopeOwn, account.PermLeadCreate))
		if r2.WasReset() {
			t.Fatal("reset without a grant change")
		}
		st, _ := r2.Stats(ctx)
		if st.Leads != 2 || st.Pending != 1 || !st.Synced {
			t.Fatalf("stats %+v", st)
		}
		r2.Close()
		local, err := func() (replica.Enqueued, error) {
			r3 := open(t, dir, session(7, account.ScopeOwn, account.PermLeadCreate))
			defer r3.Close()
			return r3.Enqueue(ctx, replica.CreateLead(lead.Lead{BrandID: 1, Name: "赵六", Phone: "13700002222"}))
		}()
		if err != nil || local.Lead.ID != -2 {
			t.Fatalf("local create %+v %v", local, err)
		}
		r4 := open(t, dir, session(7, account.ScopeBranch, account.PermLeadCreate))
		if !r4.WasReset() {
			t.Fatal("no reset on a new grant")
		}
		st, _ = r4.Stats(ctx)
		if st.Leads != 1 || st.Pending != 2 || st.Synced {
			t.Fatalf("after reset %+v", st)
		}
		if it, err := r4.Get(ctx, -2); err != nil || it.Name != "赵六" {
			t.Fatalf("local lead rebuilt %+v %v", it, err)
		}
	})
}

func TestTimeline(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := open(t, t.TempDir(), session(7, account.ScopeOwn))
	pull(t, r, "1-1", serverLead(1, "张三", "13812345678", t0))
	if _, err := r.Enqueue(ctx, replica.RecordCall(api.CallArgs{ID: 1, Result: lead.CallNoAnswer})); err != nil {
		t.Fatal(err)
	}
	if err := r.SaveTimeline(ctx, 1, []lead.Event{{ID: 5, LeadID: 1, Type: lead.EventCreated, At: t0.Add(-time.Hour)}}); err != nil {
		t.Fatal(err)
	}
	tl, err := r.Timeline(ctx, 1)
	if err != nil || len(tl) != 2 || tl[0].Type != lead.EventCreated || tl[1].Type != lead.EventCall || tl[1].ActorID != 7 {
		t.Fatalf("timeline %+v %v", tl, err)
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}

func TestOpenFolderWithOddCharacters(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "张 三#1 100%?")
	r := open(t, dir, session(7, account.ScopeOwn))
	pull(t, r, "1-1", serverLead(1, "张三", "13812345678", t0))
	if filepath.Dir(r.Path()) != dir {
		t.Fatalf("file %q not in %q", r.Path(), dir)
	}
	if _, err := os.Stat(r.Path()); err != nil {
		t.Fatal(err)
	}
	if it, err := r.Get(ctx, 1); err != nil || it.Name != "张三" {
		t.Fatalf("%+v %v", it, err)
	}
}

// TestSearchManyMatches: past manyMatches hits a search walks the list order instead of
// sorting the matches; pages must come out the same.
func TestSearchManyMatches(t *testing.T) {
	t.Parallel()
	r := open(t, t.TempDir(), session(7, account.ScopeOwn))
	var ls []lead.Lead
	for i := 1; i <= 900; i++ {
		name := "王小二"
		if i%2 == 0 {
			name = "李四"
		}
		ls = append(ls, serverLead(int64(i), name, fmt.Sprintf("138%04d%04d", i, i%7), t0.Add(time.Duration(i)*time.Second)))
	}
	pull(t, r, "1-900", ls...)
	for _, q := range []string{"王", "王小二", "0003"} {
		got := listAll(t, r, replica.Filter{Text: q, Limit: 100})
		var want []int64
		for i := 900; i >= 1; i-- {
			switch {
			case q == "0003" && i%7 == 3:
				want = append(want, int64(i))
			case q != "0003" && i%2 == 1:
				want = append(want, int64(i))
			}
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%q: got %d leads %v..., want %d", q, len(got), got[:min(5, len(got))], len(want))
		}
	}
}

func TestSearchFindsLocalLeads(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := open(t, t.TempDir(), session(7, account.ScopeOwn, account.PermLeadCreate))
	brands(t, r)
	var ls []lead.Lead
	for i := 1; i <= 30; i++ {
		ls = append(ls, serverLead(int64(i), "欧阳修", fmt.Sprintf("138%08d", i), t0.Add(-time.Duration(31-i)*time.Hour)))
	}
	pull(t, r, "1-30", ls...)
	e, err := r.Enqueue(ctx, replica.CreateLead(lead.Lead{BrandID: 1, Name: "欧阳修", Phone: "13700000001"}))
	if err != nil {
		t.Fatal(err)
	}
	got, err := r.Search(ctx, "欧阳修", 5)
	if err != nil || fmt.Sprint(ids(got)) != fmt.Sprint([]int64{e.Lead.ID, 30, 29, 28, 27}) {
		t.Fatalf("search %v %v", ids(got), err)
	}
}

func TestFollowUpAndQueuedCheckIn(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := open(t, t.TempDir(), session(7, account.ScopeOwn))
	pull(t, r, "1-1", serverLead(1, "张三", "13812345678", t0))
	at := t0.Add(48 * time.Hour)
	e, err := r.Enqueue(ctx, replica.AddFollowUp(api.FollowUpArgs{ID: 1, Kind: lead.FollowUpAppointment, Text: "周六来店", At: &at}))
	if err != nil || e.Lead.NextFollowUp == nil || !e.Lead.NextFollowUp.Equal(at) {
		t.Fatalf("follow-up %+v %v", e.Lead, err)
	}
	if _, err := r.Enqueue(ctx, replica.CheckIn(api.CheckInRequest{StaffID: 99})); err == nil {
		t.Fatal("checked someone else in without checkin.others")
	}
	in, err := r.Enqueue(ctx, replica.CheckIn(api.CheckInRequest{}))
	if err != nil {
		t.Fatal(err)
	}
	push, err := r.Pushable(ctx, 10)
	if err != nil || len(push) != 2 || push[1].Name != replica.MutCheckIn {
		t.Fatalf("pushable %+v %v", push, err)
	}
	if err := r.Ack(ctx, []api.MutationResult{{ID: in.MutationID, Status: "applied", Result: json.RawMessage(`[]`)}}); err != nil {
		t.Fatal(err)
	}
	if p, _ := r.Pending(ctx); len(p) != 1 {
		t.Fatalf("pending %+v", p)
	}
}

// TestFollowUpFilter pages through follow-up date ranges (a few days: one index walk per
// studio day; long ones: a sorted range) and compares with the leads chosen by hand,
// including follow-ups just either side of midnight in China.
func TestFollowUpFilter(t *testing.T) {
	t.Parallel()
	r := open(t, t.TempDir(), session(7, account.ScopeOwn))
	day0 := time.Date(2026, 12, 1, 0, 0, 0, 0, time.FixedZone("CST", 8*3600))
	var ls []lead.Lead
	for i := 1; i <= 60; i++ {
		l := serverLead(int64(i), fmt.Sprintf("客户%02d", i), fmt.Sprintf("138000000%02d", i), t0.Add(time.Duration(i%17)*time.Minute))
		if i%5 != 0 { // every fifth lead has no follow-up
			at := day0.Add(time.Duration(i*7)*time.Hour + time.Duration(i%3-1)*time.Second) // some at 23:59:59, 00:00:00, 00:00:01
			l.NextFollowUp = &at
		}
		ls = append(ls, l)
	}
	pull(t, r, "1-60", ls...)

	for _, tc := range []struct {
		name     string
		from, to time.Time
	}{
		{"one day", day0.Add(24 * time.Hour), day0.Add(48 * time.Hour)},
		{"a week", day0.Add(24 * time.Hour), day0.Add(8 * 24 * time.Hour)},
		{"part of a day", day0.Add(30 * time.Hour), day0.Add(40 * time.Hour)},
		{"two months (sorted range)", day0.Add(-30 * 24 * time.Hour), day0.Add(40 * 24 * time.Hour)},
		{"empty", day0.Add(-5 * 24 * time.Hour), day0.Add(-4 * 24 * time.Hour)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var want []lead.Lead
			for _, l := range ls {
				if l.NextFollowUp != nil && !l.NextFollowUp.Before(tc.from) && l.NextFollowUp.Before(tc.to) {
					want = append(want, l)
				}
			}
			slices.SortFunc(want, func(a, b lead.Lead) int {
				if c := b.CreatedAt.Compare(a.CreatedAt); c != 0 {
					return c
				}
				return int(b.ID - a.ID)
			})
			got := listAll(t, r, replica.Filter{FollowUpFrom: &tc.from, FollowUpTo: &tc.to, Limit: 4})
			wantIDs := []int64{}
			for _, l := range want {
				wantIDs = append(wantIDs, l.ID)
			}
			if fmt.Sprint(got) != fmt.Sprint(wantIDs) {
				t.Fatalf("got %v, want %v", got, wantIDs)
			}
		})
	}
}
