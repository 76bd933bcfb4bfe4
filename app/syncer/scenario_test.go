package syncer_test

import (
	"context"
	"testing"
	"time"

	"github.com/studiodesk/studiodesk/app/replica"
	"github.com/studiodesk/studiodesk/app/syncer"
	"github.com/studiodesk/studiodesk/backend/api"
	"github.com/studiodesk/studiodesk/backend/api/apiclient"
	"github.com/studiodesk/studiodesk/backend/lead"
)

// Scenario tests: each drives real desktops (replica files + syncers) against a real server
// and records what the user would see — sync statuses, outbox states, replica rows — in
// testdata/<name>.golden.

func TestScenarioOfflineCreateThenServerDuplicate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newStudio(t)
	s.addStaff("小邀", "13900000011", "booking", s.dept)
	a := s.client("小邀")
	var g golden

	g.step("first sync of an empty studio")
	a.syncNow()
	g.events(a)

	g.step("offline: create a lead")
	a.offline()
	e := a.enqueue(replica.CreateLead(lead.Lead{BrandID: s.brand, Name: "离线客户", Phone: "13712345678"}))
	g.line("local id %d, duplicate warning: %v", e.Lead.ID, e.Duplicate != nil)
	if err := a.syncNow(); !syncer.Offline(err) {
		t.Fatalf("sync while offline: %v", err)
	}
	g.events(a)
	g.outbox(a)
	g.rows(a)

	g.step("meanwhile the front desk enters the same phone on the server")
	s.lead("前台录入", "13712345678", "")

	g.step("back online: the create is rejected with the server's reason")
	a.online()
	a.syncNow()
	g.events(a)
	g.outbox(a)
	g.rows(a)

	g.step("the user discards it")
	if err := a.rep.Discard(ctx, e.MutationID); err != nil {
		t.Fatal(err)
	}
	a.syncNow()
	g.events(a)
	g.outbox(a)
	g.check(t, "offline_create_server_duplicate")
}

func TestScenarioTwoClientsEditDifferentFields(t *testing.T) {
	t.Parallel()
	s := newStudio(t)
	s.addStaff("小邀", "13900000011", "booking", s.dept)
	s.addStaff("店长", "13900000012", "manager", 0)
	l := s.lead("张三", "13812345678", "小邀")
	a, m := s.client("小邀"), s.client("店长")
	var g golden

	g.step("both sync")
	a.syncNow()
	m.syncNow()
	g.rows(a)
	g.rows(m)
	a.rec.take()
	m.rec.take()

	g.step("小邀 edits the notes, 店长 the name, both before syncing")
	notes, name := "想拍海边", "张三丰"
	a.enqueue(replica.UpdateLead(l.ID, lead.Patch{Notes: &notes}))
	m.enqueue(replica.UpdateLead(l.ID, lead.Patch{Name: &name}))
	g.rows(a)
	g.rows(m)

	g.step("小邀 syncs, then 店长, then 小邀 again")
	a.syncNow()
	g.events(a)
	m.syncNow()
	g.events(m)
	a.syncNow()
	g.events(a)
	g.outbox(a)
	g.outbox(m)
	g.rows(a)
	g.rows(m)
	g.check(t, "two_clients_edit_different_fields")
}

func TestScenarioConcurrentStatusChange(t *testing.T) {
	t.Parallel()
	s := newStudio(t)
	s.addStaff("小邀", "13900000011", "booking", s.dept)
	s.addStaff("店长", "13900000012", "manager", 0)
	l := s.lead("张三", "13812345678", "小邀")
	a, m := s.client("小邀"), s.client("店长")
	a.syncNow()
	m.syncNow()
	a.rec.take()
	m.rec.take()
	var g golden

	g.step("小邀 books the lead; 店长 postpones it; neither has synced")
	at := time.Now().Add(72 * time.Hour).UTC()
	follow := time.Now().Add(48 * time.Hour).UTC()
	a.enqueue(replica.TransitionLead(api.TransitionArgs{ID: l.ID, Axis: lead.AxisBooking, To: "booked",
		TransitionInput: lead.TransitionInput{BranchID: s.branch, BookedAt: &at}}))
	m.enqueue(replica.TransitionLead(api.TransitionArgs{ID: l.ID, Axis: lead.AxisBooking, To: "postponed",
		TransitionInput: lead.TransitionInput{NextFollowUp: &follow}}))
	g.rows(a)
	g.rows(m)

	g.step("小邀 syncs first: applied")
	a.syncNow()
	g.events(a)
	g.outbox(a)

	g.step("店长 syncs: rejected against the server's state, the local change reverted")
	m.syncNow()
	g.events(m)
	g.outbox(m)
	g.rows(a)
	g.rows(m)
	g.check(t, "concurrent_status_change")
}

func TestScenarioTransferredOutOfScope(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newStudio(t)
	s.addStaff("小邀", "13900000011", "booking", s.dept)
	s.addStaff("小约", "13900000012", "booking", s.dept)
	l := s.lead("张三", "13812345678", "小邀")
	s.lead("李四", "13812345679", "小邀")
	a, b := s.client("小邀"), s.client("小约")
	var g golden
	g.step("both sync: 小邀 holds both leads")
	a.syncNow()
	b.syncNow()
	g.events(a)
	g.rows(a)
	g.rows(b)

	g.step("小邀 logs a call offline; the manager transfers the lead to 小约")
	a.offline()
	a.enqueue(replica.RecordCall(api.CallArgs{ID: l.ID, Result: lead.CallNoAnswer}))
	a.syncNow()
	rep := must(s.admin.Transfer(ctx, api.AssignRequest{LeadIDs: []int64{l.ID}, StaffID: s.staff["小约"].ID, Reason: "换人跟进"}))(t)
	g.line("transfer applied: %v", rep.Applied)
	a.rec.take()

	g.step("小邀 comes back: the lead leaves the replica and the offline call is refused with the reason")
	a.online()
	a.syncNow()
	g.events(a)
	g.outbox(a)
	g.rows(a)

	g.step("小约 syncs and has it")
	b.syncNow()
	g.rows(b)
	g.check(t, "transferred_out_of_scope")
}

func TestScenarioCrashBetweenApplyAndPush(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newStudio(t)
	s.addStaff("小邀", "13900000011", "booking", s.dept)
	l := s.lead("张三", "13812345678", "小邀")
	a := s.client("小邀")
	a.syncNow()
	a.rec.take()
	var g golden

	g.step("local edits, then the app is killed before any push")
	notes := "下午再打"
	a.enqueue(replica.UpdateLead(l.ID, lead.Patch{Notes: &notes}))
	a.enqueue(replica.RecordCall(api.CallArgs{ID: l.ID, Result: lead.CallThinking}))
	created := a.enqueue(replica.CreateLead(lead.Lead{BrandID: s.brand, Name: "新客", Phone: "13712340000"}))
	a.crash()

	g.step("restart: nothing lost")
	a.open()
	g.outbox(a)
	g.rows(a)

	g.step("pushed, applied by the server, then killed before the answer was stored")
	muts, err := a.rep.Pushable(ctx, 100)
	if err != nil {
		t.Fatal(err)
	}
	res := must(a.api.Push(ctx, muts))(t)
	g.line("server answered %d results", len(res.Results))
	a.crash()

	g.step("restart and sync: the server answers the replays from memory")
	a.open()
	g.outbox(a)
	a.syncNow()
	g.events(a)
	g.outbox(a)
	g.rows(a)
	if it, err := a.rep.Get(ctx, created.Lead.ID); err != nil || it.ID < 0 {
		t.Fatalf("local id not mapped: %+v %v", it, err)
	}

	g.step("the server holds each change once")
	tl := must(a.api.Timeline(ctx, l.ID))(t)
	calls, edits := 0, 0
	for _, ev := range tl {
		switch ev.Type {
		case lead.EventCall:
			calls++
		case lead.EventEdited:
			edits++
		}
	}
	g.line("timeline of lead %d: %d call, %d edit", l.ID, calls, edits)
	page := must(a.api.ListLeads(ctx, apiclient.LeadQuery{Text: "13712340000"}))(t)
	g.line("leads with the new phone: %d", len(page.Leads))
	g.check(t, "crash_between_apply_and_push")
}
