package apiclient_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/studiodesk/studiodesk/backend/account"
	"github.com/studiodesk/studiodesk/backend/api"
	"github.com/studiodesk/studiodesk/backend/api/apiclient"
	"github.com/studiodesk/studiodesk/backend/lead"
)

// leadStudio is a studio with a wedding brand, a branch, a booking department with one
// booker, and the admin; the test device is bound to the branch so the booker can log in.
type leadStudio struct {
	admin, booker     *apiclient.Client
	brand, branch     int64
	dept, bookerID    int64
	bookingRoleID     int64
	adminID           int64
	bookerPhone, pass string
}

func newLeadStudio(t *testing.T) leadStudio {
	t.Helper()
	ctx := context.Background()
	s := newServer(t)
	admin, sess := s.login(t)
	ls := leadStudio{admin: admin, adminID: sess.Staff.ID, bookerPhone: "13900000011", pass: "Passw0rd1"}
	ls.brand = must(admin.CreateBrand(ctx, account.Brand{Name: "蜜糖婚纱", Type: account.BrandWedding}))(t).ID
	ls.branch = must(admin.CreateBranch(ctx, account.Branch{BrandID: ls.brand, Name: "一店"}))(t).ID
	ls.dept = must(admin.CreateDepartment(ctx, account.Department{BranchID: ls.branch, Name: "邀约组", Kind: account.DeptBooking}))(t).ID
	for _, r := range must(admin.ListRoles(ctx))(t) {
		if r.Key == "booking" {
			ls.bookingRoleID = r.ID
		}
	}
	must(admin.BindDevice(ctx, "dev-1", api.DeviceBinding{BranchIDs: []int64{ls.branch}}))(t)
	st := must(admin.CreateStaff(ctx, api.StaffInput{Staff: account.Staff{Phone: ls.bookerPhone, Name: "小邀",
		BranchID: ls.branch, DepartmentID: ls.dept, RoleIDs: []int64{ls.bookingRoleID}}, Password: ls.pass}))(t)
	ls.bookerID = st.Staff.ID
	bs := must(client(t, s.url, "", "").Login(ctx, api.LoginRequest{Phone: ls.bookerPhone, Password: ls.pass, DeviceID: "dev-1"}))(t)
	ls.booker = client(t, s.url, bs.Token, "en")
	return ls
}

func TestLeadEndpoints(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newLeadStudio(t)
	a := s.admin

	created := must(a.CreateLead(ctx, lead.Lead{BrandID: s.brand, Name: "张三", Phone: "138 1234 5678", Source: lead.SourceAd}))(t)
	if created.Lead.ID == 0 || created.Lead.Phone != "13812345678" || created.Repeat {
		t.Fatalf("created %+v", created)
	}
	id := created.Lead.ID

	t.Run("duplicate check while typing", func(t *testing.T) {
		d := must(a.CheckDuplicate(ctx, s.brand, "138 1234 5678"))(t)
		if !d.Duplicate || d.Phone != "13812345678" || d.Decision == nil {
			t.Fatalf("check %+v", d)
		}
		if d := must(a.CheckDuplicate(ctx, s.brand, "13900000000"))(t); d.Duplicate {
			t.Fatalf("fresh phone %+v", d)
		}
	})
	t.Run("follow-up appointment", func(t *testing.T) {
		at := time.Now().Add(24 * time.Hour).UTC().Truncate(time.Second)
		l := must(a.AddFollowUp(ctx, api.FollowUpArgs{ID: id, Kind: lead.FollowUpAppointment, Text: "周六到店", At: &at}))(t)
		if l.NextFollowUp == nil || !l.NextFollowUp.Equal(at) {
			t.Fatalf("follow-up %+v", l.NextFollowUp)
		}
	})
	t.Run("duplicate is a 409 with a masked summary", func(t *testing.T) {
		_, err := a.CreateLead(ctx, lead.Lead{BrandID: s.brand, Name: "李四", Phone: "13812345678"})
		e := apiError(t, err)
		if e.Status != http.StatusConflict || e.Code != "lead_duplicate" || e.Params["phone"] != "138****5678" {
			t.Fatalf("got %+v", e)
		}
	})

	detail := must(a.GetLead(ctx, id))(t)
	if detail.Lead.ID != id || len(detail.Next) != 3 {
		t.Fatalf("detail %+v", detail)
	}
	notes := "想要海边外景"
	if l := must(a.PatchLead(ctx, id, lead.Patch{Notes: &notes}))(t); l.Notes != notes || l.Version <= created.Lead.Version {
		t.Fatalf("patched %+v", l)
	}
	page := must(a.ListLeads(ctx, apiclient.LeadQuery{Text: "5678", BrandID: s.brand, Limit: 10}))(t)
	if len(page.Leads) != 1 || page.Leads[0].ID != id || page.Next != "" {
		t.Fatalf("page %+v", page)
	}
	if p := must(a.ListLeads(ctx, apiclient.LeadQuery{Booking: "booked"}))(t); len(p.Leads) != 0 || p.Leads == nil {
		t.Fatalf("empty page %+v", p)
	}

	t.Run("assign, transitions, calls, refund, correct", func(t *testing.T) {
		rep := must(a.Assign(ctx, api.AssignRequest{LeadIDs: []int64{id}, StaffID: s.bookerID}))(t)
		if !rep.Applied || len(rep.Results) != 1 || !rep.Results[0].OK {
			t.Fatalf("assign %+v", rep)
		}
		at := time.Now().Add(48 * time.Hour).UTC().Truncate(time.Second)
		l := must(s.booker.Transition(ctx, api.TransitionArgs{ID: id, Axis: lead.AxisBooking, To: "booked",
			TransitionInput: lead.TransitionInput{BranchID: s.branch, BookedAt: &at}}))(t)
		if l.Booking != lead.BookingBooked || l.BookedBranchID != s.branch {
			t.Fatalf("booked %+v", l)
		}
		_, err := s.booker.Transition(ctx, api.TransitionArgs{ID: id, Axis: lead.AxisBooking, To: "no_show"})
		if e := apiError(t, err); e.Code != lead.CodeNoShowTooEarly || e.Message == "" {
			t.Fatalf("no-show too early: %+v", e)
		}
		if l := must(s.booker.RecordCall(ctx, api.CallArgs{ID: id, Result: lead.CallAddedWeChat, Note: "加了"}))(t); l.LastFollowUp == nil {
			t.Fatalf("call %+v", l)
		}
		must(a.Transition(ctx, api.TransitionArgs{ID: id, Axis: lead.AxisStore, To: "negotiating",
			TransitionInput: lead.TransitionInput{CheckIn: true}}))(t)
		must(a.Transition(ctx, api.TransitionArgs{ID: id, Axis: lead.AxisStore, To: "deal",
			TransitionInput: lead.TransitionInput{Amount: 1000000, DealKind: lead.DealDeposit}}))(t)
		if l := must(a.Refund(ctx, api.RefundArgs{ID: id, Amount: 200000, Reason: "少拍一套"}))(t); l.DealAmount != 800000 {
			t.Fatalf("refund %+v", l)
		}
		if l := must(a.Correct(ctx, api.TransitionArgs{ID: id, Axis: lead.AxisValidity, To: "valid",
			TransitionInput: lead.TransitionInput{Reason: "核实有效"}}))(t); l.Validity != lead.ValidityValid {
			t.Fatalf("correct %+v", l)
		}
		tl := must(a.Timeline(ctx, id))(t)
		if len(tl) < 6 || tl[0].Type != lead.EventCreated {
			t.Fatalf("timeline %+v", tl)
		}
		if r := must(a.Reveal(ctx, id))(t); r.Phone != "13812345678" {
			t.Fatalf("reveal %+v", r)
		}
	})

	t.Run("transfer and batch", func(t *testing.T) {
		other := must(a.CreateLead(ctx, lead.Lead{BrandID: s.brand, Name: "王五", Phone: "13912345678"}))(t).Lead
		// A refused batch is a report, not an error: nothing written, a reason per lead.
		rep := must(a.Transfer(ctx, api.AssignRequest{LeadIDs: []int64{other.ID}, StaffID: s.bookerID, Reason: "换人跟进"}))(t)
		if rep.Applied || len(rep.Results) != 1 || rep.Results[0].Code != "lead_unowned" || rep.Results[0].Message == "" {
			t.Fatalf("transfer of an unowned lead %+v", rep)
		}
		if rep := must(a.Assign(ctx, api.AssignRequest{LeadIDs: []int64{other.ID}, StaffID: s.bookerID}))(t); !rep.Applied {
			t.Fatalf("assign %+v", rep)
		}
		if rep := must(a.Batch(ctx, api.BatchRequest{LeadIDs: []int64{other.ID}, Op: "lock"}))(t); !rep.Applied {
			t.Fatalf("batch %+v", rep)
		}
		who := must(a.Assignees(ctx, apiclient.AssigneeQuery{DepartmentID: s.dept, Method: "round_robin"}))(t)
		if who.Offered == nil || who.Excluded == nil {
			t.Fatalf("assignees %+v", who)
		}
	})

	t.Run("check-ins, pool, notifications, custom fields", func(t *testing.T) {
		ins := must(s.booker.CheckIn(ctx, api.CheckInRequest{}))(t)
		if len(ins) != 1 || ins[0].StaffID != s.bookerID {
			t.Fatalf("check-in %+v", ins)
		}
		if got := must(a.CheckIns(ctx, ""))(t); len(got) != 1 {
			t.Fatalf("check-ins %+v", got)
		}
		if _, err := s.booker.CheckIn(ctx, api.CheckInRequest{StaffID: s.adminID}); apiclient.CodeOf(err) != "forbidden" {
			t.Fatalf("check in someone else without checkin.others: %v", err)
		}
		pooled := must(a.CreateLead(ctx, lead.Lead{BrandID: s.brand, Name: "池子", Phone: "13712345678"}))(t).Lead
		must(a.Batch(ctx, api.BatchRequest{LeadIDs: []int64{pooled.ID}, Op: "pool"}))(t)
		pool := must(s.booker.Pool(ctx, apiclient.LeadQuery{}))(t)
		if len(pool.Leads) != 1 || pool.Leads[0].Phone != "137****5678" {
			t.Fatalf("pool %+v", pool)
		}
		if l := must(s.booker.Claim(ctx, pooled.ID))(t); l.OwnerID != s.bookerID || l.InPool {
			t.Fatalf("claimed %+v", l)
		}
		ns := must(s.booker.Notifications(ctx, true))(t)
		if ns == nil {
			t.Fatal("notifications are null")
		}
		if err := s.booker.ReadNotifications(ctx, nil); err != nil {
			t.Fatalf("read notifications: %v", err)
		}
		defs := []lead.CustomField{{Key: "budget", Label: "预算", Type: lead.FieldNumber}}
		must(a.SetCustomFields(ctx, s.brand, defs))(t)
		if got := must(s.booker.CustomFields(ctx, s.brand))(t); len(got) != 1 || got[0].Key != "budget" {
			t.Fatalf("fields %+v", got)
		}
	})

	t.Run("snapshot, pull, push", func(t *testing.T) {
		snap := must(s.booker.Snapshot(ctx, "", 1))(t)
		if len(snap.Leads) != 1 || snap.Cursor == "" || snap.Next == "" {
			t.Fatalf("snapshot %+v", snap)
		}
		rest := must(s.booker.Snapshot(ctx, snap.Next, 100))(t)
		if len(snap.Leads)+len(rest.Leads) != 3 || rest.Next != "" {
			t.Fatalf("%d + %d leads", len(snap.Leads), len(rest.Leads))
		}
		pull := must(s.booker.Pull(ctx, snap.Cursor, 0))(t)
		if pull.Cursor != snap.Cursor || pull.More || len(pull.Changes) != 0 {
			t.Fatalf("pull at head %+v", pull)
		}
		name := "张三丰"
		args, _ := json.Marshal(api.UpdateLeadArgs{ID: id, Patch: lead.Patch{Name: &name}})
		bad, _ := json.Marshal(api.TransitionArgs{ID: id, Axis: lead.AxisBooking, To: "to_call"})
		muts := []api.Mutation{{ID: uuid.NewString(), Name: "lead.update", Args: args},
			{ID: uuid.NewString(), Name: "lead.transition", Args: bad}}
		res := must(s.booker.Push(ctx, muts))(t)
		if len(res.Results) != 2 || res.Results[0].Status != "applied" || res.Results[1].Status != "rejected" ||
			res.Results[1].Error == nil || res.Results[1].Error.Code != lead.CodeTransitionInvalid || res.Results[1].Error.Message == "" {
			t.Fatalf("push %s", mustJSON(res))
		}
		again := must(s.booker.Push(ctx, muts[:1]))(t)
		if string(again.Results[0].Result) != string(res.Results[0].Result) {
			t.Fatalf("replay answered differently:\n%s\n%s", again.Results[0].Result, res.Results[0].Result)
		}
		pull = must(s.booker.Pull(ctx, snap.Cursor, 0))(t)
		if len(pull.Changes) != 1 || pull.Changes[0].Op != "upsert" || pull.Changes[0].Lead.Name != name {
			t.Fatalf("pull %s", mustJSON(pull))
		}
		if _, err := s.booker.Pull(ctx, "999-1", 0); apiclient.CodeOf(err) != "cursor_invalid" {
			t.Fatalf("foreign cursor: %v", err)
		}
	})
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
