package transfer_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/studiodesk/studiodesk/backend/account"
	"github.com/studiodesk/studiodesk/backend/album"
	"github.com/studiodesk/studiodesk/backend/api"
	"github.com/studiodesk/studiodesk/backend/api/apiclient"
	"github.com/studiodesk/studiodesk/backend/auth"
	"github.com/studiodesk/studiodesk/backend/blob"
	"github.com/studiodesk/studiodesk/backend/blob/fsblob"
	"github.com/studiodesk/studiodesk/backend/blob/s3blob/s3test"
	"github.com/studiodesk/studiodesk/backend/lead"
	"github.com/studiodesk/studiodesk/backend/media/mediatest"
	"github.com/studiodesk/studiodesk/backend/notify"
	"github.com/studiodesk/studiodesk/backend/store"
	"github.com/studiodesk/studiodesk/backend/store/postgres"
	"github.com/studiodesk/studiodesk/backend/store/postgres/pgtest"
	"github.com/studiodesk/studiodesk/backend/store/sqldb"
	"github.com/studiodesk/studiodesk/backend/store/sqlite"
	"github.com/studiodesk/studiodesk/backend/transfer"
)

// openLite opens a one-server set-up in dir: SQLite file and photo folder, closed when t ends.
func openLite(t testing.TB, dir string) (*sqldb.DB, *fsblob.Bucket) {
	t.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(dir, "studiodesk.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	disk, err := fsblob.New(filepath.Join(dir, "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { disk.Close() })
	return db, disk
}

// server is one running API on a store and a bucket.
type server struct {
	url   string
	api   *api.Server
	st    store.Store
	blobs blob.Bucket
}

func startServer(t testing.TB, st store.Store, blobs blob.Bucket) server {
	t.Helper()
	a := api.New(api.Config{Store: st, Password: auth.Fast, Blobs: blobs, UploadDir: t.TempDir()})
	srv := httptest.NewServer(a)
	t.Cleanup(srv.Close)
	return server{url: srv.URL, api: a, st: st, blobs: blobs}
}

// runJobs works every due job (renditions, notices, sweeps) until none is left.
func (s server) runJobs(t testing.TB) {
	t.Helper()
	for range 1000 {
		ran, err := s.api.RunOneJob(context.Background(), "test")
		if err != nil {
			t.Fatal(err)
		}
		if !ran {
			return
		}
	}
	t.Fatal("jobs never ran out")
}

// studio is what seedStudio made, in the ids of the server it was made on.
type studio struct {
	tenant         int64
	adminPhone     string
	password       string
	album          int64
	leads          []int64
	token, code    string
	bookerPhone    string
	bookerPassword string
}

// seedStudio opens a studio through the real store and API: an org, custom fields, staff,
// leads (assigned, followed up, one transfer request), an order with an album of photos
// and renditions, a share link with an access code, credits, notices, and the audit of it all.
func seedStudio(t testing.TB, s server, name, phonePrefix string, leads int) studio {
	t.Helper()
	ctx := context.Background()
	p, err := api.CreateTenant(ctx, s.st, auth.Fast, api.NewTenant{Name: name, AdminPhone: phonePrefix + "0001", AdminName: "老板", Seats: 10}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := api.TopUp(ctx, s.st, p.Tenant.ID, 500, "", "", true, time.Now()); err != nil {
		t.Fatal(err)
	}
	out := studio{tenant: p.Tenant.ID, adminPhone: p.Admin.Phone, password: p.Password}
	c, token := loginToken(t, s.url, p.Admin.Phone, p.Password)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	brand, err := c.CreateBrand(ctx, account.Brand{Name: "婚纱", Type: account.BrandWedding})
	must(err)
	branch, err := c.CreateBranch(ctx, account.Branch{BrandID: brand.ID, Name: "一店"})
	must(err)
	dept, err := c.CreateDepartment(ctx, account.Department{BranchID: branch.ID, Name: "邀约部", Kind: account.DeptBooking})
	must(err)
	group, err := c.CreateChannelGroup(ctx, account.ChannelGroup{Name: "线上"})
	must(err)
	channel, err := c.CreateChannel(ctx, account.Channel{BrandID: brand.ID, GroupID: group.ID, Name: "抖音", Active: true})
	must(err)
	_, err = c.SetCustomFields(ctx, brand.ID, []lead.CustomField{{Key: "budget", Label: "预算", Type: lead.FieldNumber}, {Key: "wechat_id", Label: "微信", Type: lead.FieldText}})
	must(err)
	roles, err := c.ListRoles(ctx)
	must(err)
	roleID := map[string]int64{}
	for _, r := range roles {
		roleID[r.Key] = r.ID
	}
	booker, err := c.CreateStaff(ctx, api.StaffInput{Staff: account.Staff{Phone: phonePrefix + "0002", Name: "邀约甲", BranchID: branch.ID,
		DepartmentID: dept.ID, RoleIDs: []int64{roleID["booking"]}}, Password: "Passw0rd!"})
	must(err)
	_, err = c.CreateStaff(ctx, api.StaffInput{Staff: account.Staff{Phone: phonePrefix + "0003", Name: "客服乙", BranchID: branch.ID,
		RoleIDs: []int64{roleID["intake"]}}, Password: "Passw0rd!"})
	must(err)
	_, err = c.BindDevice(ctx, "t", api.DeviceBinding{BranchIDs: []int64{branch.ID}})
	must(err)
	out.bookerPhone, out.bookerPassword = booker.Staff.Phone, "Passw0rd!"
	for i := range leads {
		l, err := c.CreateLead(ctx, lead.Lead{BrandID: brand.ID, BranchID: branch.ID, ChannelID: channel.ID, Phone: fmt.Sprintf("15%s%04d", phonePrefix[2:], i),
			Name: fmt.Sprintf("客户%d", i), Source: lead.SourceAd, Custom: map[string]any{"budget": 8000 + i, "wechat_id": fmt.Sprintf("wx%d", i)}})
		must(err)
		out.leads = append(out.leads, l.Lead.ID)
	}
	_, err = c.Assign(ctx, api.AssignRequest{LeadIDs: out.leads[:3], StaffID: booker.Staff.ID})
	must(err)
	_, err = c.AddFollowUp(ctx, api.FollowUpArgs{ID: out.leads[0], Kind: "note", Text: "客户想看样片"})
	must(err)
	intake := login(t, s.url, phonePrefix+"0003", "Passw0rd!")
	_, err = intake.RequestTransfer(ctx, out.leads[1], api.TransferRequestBody{Phone: fmt.Sprintf("15%s%04d", phonePrefix[2:], 1), Reason: "老客户介绍的"})
	must(err)

	// Distribution: the booker checks in, a weighted rule sends the channel's new leads to
	// the booking department (its state is keyed by staff ids).
	_, err = c.CheckIn(ctx, api.CheckInRequest{StaffID: booker.Staff.ID})
	must(err)
	for range 2 { // twice: the second audit entry's "before" holds the first rules' ids
		putJSON(t, s.url+"/api/v1/assign-rules", token, []map[string]any{{"channel_id": channel.ID, "target_department_id": dept.ID, "method": "weighted"}})
	}
	for i := range 2 {
		l, err := c.CreateLead(ctx, lead.Lead{BrandID: brand.ID, BranchID: branch.ID, ChannelID: channel.ID, Phone: fmt.Sprintf("16%s%04d", phonePrefix[2:], i),
			Name: "分配客户", Source: lead.SourceAd})
		must(err)
		out.leads = append(out.leads, l.Lead.ID)
	}
	// A role made and deleted: the audit keeps its id, which no row holds any more.
	role, err := c.CreateRole(ctx, account.Role{Name: "临时", Scope: account.ScopeOwn, Permissions: []account.Permission{account.PermLeadCreate}})
	must(err)
	must(c.DeleteRole(ctx, role.ID))
	_, err = c.BuyCredits(ctx, 100, "manual")
	must(err)

	o, err := c.CreateOrder(ctx, album.Order{BrandID: brand.ID, BranchID: branch.ID, OwnerID: booker.Staff.ID, CustomerName: "王小姐",
		Phone: phonePrefix + "0009", Package: "A", LeadID: out.leads[0]})
	must(err)
	a, err := c.CreateAlbum(ctx, o.ID, album.Album{Kind: album.KindRaw, Title: "底片"})
	must(err)
	out.album = a.ID
	for i := range 3 {
		photo := mediatest.JPEG(mediatest.Upright(60+i, 40), 1)
		_, err := c.UploadFile(ctx, apiclient.UploadRequest{AlbumID: a.ID, Filename: fmt.Sprintf("%d.jpg", i), Size: int64(len(photo))},
			bytes.NewReader(photo), "", 3, nil, nil)
		must(err)
	}
	out.code = "2468"
	link, err := c.CreateShareLink(ctx, a.ID, api.NewShare{Code: out.code, Label: "给新人"})
	must(err)
	out.token = link.Token
	_, err = c.SaveNotifySettings(ctx, notify.Settings{OnUpload: true, OnFinish: true})
	must(err)
	_, err = c.MyPhotosPage(ctx)
	must(err)
	s.runJobs(t)
	_, err = c.NotifyAlbum(ctx, a.ID)
	must(err)
	a.Status = album.StatusFinished
	_, err = c.UpdateAlbum(ctx, a)
	must(err)
	return out
}

// putJSON sends a PUT the client has no method for.
func putJSON(t testing.TB, url, token string, body any) {
	t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest(http.MethodPut, url, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != 200 {
		msg, _ := io.ReadAll(res.Body)
		t.Fatalf("PUT %s: %d %s", url, res.StatusCode, msg)
	}
}

// view is what a studio's staff and customers read through the API, in one server's ids.
type view struct {
	leads    []lead.Lead
	details  map[int64]api.LeadDetail
	timeline map[int64][]lead.Event
	photos   []album.Photo
	shared   int // photos a customer sees through the share link after its code
	balance  int64
	ledger   int64
	changes  []api.PulledChange
	requests []api.TransferRequestView
	notes    int
	page     string
}

func read(t *testing.T, url, phone, password string, st studio, albumID int64) view {
	t.Helper()
	ctx := context.Background()
	c := login(t, url, phone, password)
	var v view
	page, err := c.ListLeads(ctx, apiclient.LeadQuery{Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	v.leads = page.Leads
	v.details, v.timeline = map[int64]api.LeadDetail{}, map[int64][]lead.Event{}
	for _, l := range page.Leads {
		d, err := c.GetLead(ctx, l.ID)
		if err != nil {
			t.Fatal(err)
		}
		v.details[l.ID] = d
		if v.timeline[l.ID], err = c.Timeline(ctx, l.ID); err != nil {
			t.Fatal(err)
		}
	}
	if v.photos, err = c.AlbumPhotos(ctx, albumID); err != nil {
		t.Fatal(err)
	}
	cr, err := c.Credits(ctx)
	if err != nil {
		t.Fatal(err)
	}
	v.balance = cr.Balance
	for before := int64(0); ; {
		lp, err := c.CreditLedger(ctx, before, 100)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range lp.Entries {
			v.ledger += e.Amount
		}
		if lp.Next == 0 {
			break
		}
		before = lp.Next
	}
	for cursor := ""; ; {
		p, err := c.Pull(ctx, cursor, 100)
		if err != nil {
			t.Fatal(err)
		}
		v.changes = append(v.changes, p.Changes...)
		cursor = p.Cursor
		if !p.More {
			break
		}
	}
	if v.requests, err = c.TransferRequests(ctx, "", false); err != nil {
		t.Fatal(err)
	}
	notes, err := c.Notifications(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	v.notes = len(notes)
	mp, err := c.MyPhotosPage(ctx)
	if err != nil {
		t.Fatal(err)
	}
	v.page = mp.Path
	v.shared = openShare(t, url, st.token, st.code)
	return v
}

// openShare opens a share link as a customer: locked, unlocked by its code, then its photos.
func openShare(t *testing.T, url, token, code string) int {
	t.Helper()
	jar := &http.Client{}
	do := func(method, path, body, grant string) (int, []byte, *http.Response) {
		req, _ := http.NewRequest(method, url+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if grant != "" {
			req.Header.Set("X-Share-Grant", grant)
		}
		res, err := jar.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, b, res
	}
	base := "/api/v1/public/links/" + token
	if st, b, _ := do("GET", base, "", ""); st != 200 || !strings.Contains(string(b), `"needs_code":true`) {
		t.Fatalf("share link before its code: %d %s", st, b)
	}
	st, b, res := do("POST", base+"/unlock", `{"code":"`+code+`"}`, "")
	if st != 200 {
		t.Fatalf("unlock: %d %s", st, b)
	}
	grant := ""
	for _, ck := range res.Cookies() {
		grant = ck.Value
	}
	st, b, _ = do("GET", base+"/photos", "", grant)
	if st != 200 {
		t.Fatalf("shared photos: %d %s", st, b)
	}
	var photos []struct {
		ID int64 `json:"id"`
	}
	if err := json.Unmarshal(b, &photos); err != nil || len(photos) == 0 {
		t.Fatalf("shared photos: %v %s", err, b)
	}
	// The customer sees a preview (a rendition) and downloads the photo: both objects are
	// under the studio's prefix.
	for _, v := range []string{"preview", "download"} {
		if st, b, _ := do("GET", fmt.Sprintf("%s/photos/%d/%s", base, photos[0].ID, v), "", grant); st != 200 || len(b) == 0 {
			t.Fatalf("a shared photo's %s: %d %.200s", v, st, b)
		}
	}
	return len(photos)
}

// sameStudio: the target's view equals the source's with every id mapped through the state.
func sameStudio(t *testing.T, src, dst view, state *transfer.State) {
	t.Helper()
	id := state.NewID
	if len(src.leads) != len(dst.leads) || len(src.leads) == 0 {
		t.Fatalf("leads: %d in the source, %d in the target", len(src.leads), len(dst.leads))
	}
	for _, sl := range src.leads {
		d, ok := dst.details[id("leads", sl.ID)]
		if !ok {
			t.Fatalf("lead %d (%d in the target) is missing", sl.ID, id("leads", sl.ID))
		}
		s := src.details[sl.ID].Lead
		want := s
		want.ID, want.BrandID, want.BranchID, want.ChannelID = id("leads", s.ID), id("brands", s.BrandID), id("branches", s.BranchID), id("channels", s.ChannelID)
		for _, p := range []*int64{&want.OwnerID, &want.IntakeOwnerID, &want.BookingOwnerID, &want.StoreOwnerID, &want.CreatedBy, &want.PrevOwnerID} {
			if *p != 0 {
				*p = id("staff", *p)
			}
		}
		if want.OwnerDepartmentID != 0 {
			want.OwnerDepartmentID = id("departments", want.OwnerDepartmentID)
		}
		a, _ := json.Marshal(want)
		b, _ := json.Marshal(d.Lead)
		if !bytes.Equal(a, b) {
			t.Errorf("lead %d after the move:\n got %s\nwant %s", s.ID, b, a)
		}
		st, dt := src.timeline[s.ID], dst.timeline[id("leads", s.ID)]
		if len(st) != len(dt) {
			t.Errorf("lead %d: %d events in the source, %d in the target", s.ID, len(st), len(dt))
			continue
		}
		for i := range st {
			if dt[i].ID != id("lead_events", st[i].ID) || dt[i].Type != st[i].Type || dt[i].ActorID != id("staff", st[i].ActorID) || dt[i].Reason != st[i].Reason {
				t.Errorf("lead %d event %d: %+v, want %+v with ids mapped", s.ID, i, dt[i], st[i])
			}
			// An assignment's data names the owners it moved the lead between.
			var sd, dd map[string]any
			json.Unmarshal(st[i].Data, &sd)
			json.Unmarshal(dt[i].Data, &dd)
			for _, k := range []string{"from", "to", "department_id"} {
				table := map[string]string{"from": "staff", "to": "staff", "department_id": "departments"}[k]
				if v, ok := sd[k].(float64); ok && v != 0 && dd[k] != float64(id(table, int64(v))) {
					t.Errorf("lead %d %s event: data %s, want %s with ids mapped", s.ID, st[i].Type, dt[i].Data, st[i].Data)
				}
			}
		}
	}
	if len(src.photos) != len(dst.photos) || len(src.photos) == 0 {
		t.Fatalf("photos: %d and %d", len(src.photos), len(dst.photos))
	}
	for i, p := range src.photos {
		q := dst.photos[i]
		if q.ID != id("photos", p.ID) || q.Hash != p.Hash || q.Status != p.Status || q.AlbumID != id("albums", p.AlbumID) {
			t.Errorf("photo %d: %+v, want %+v with ids mapped", i, q, p)
		}
	}
	if src.shared != dst.shared || src.shared == 0 {
		t.Errorf("share link shows %d photos in the source, %d in the target", src.shared, dst.shared)
	}
	if src.balance != dst.balance || dst.balance != dst.ledger {
		t.Errorf("credits: balance %d/%d, ledger sum %d/%d", src.balance, dst.balance, src.ledger, dst.ledger)
	}
	if len(src.changes) != len(dst.changes) || len(src.changes) == 0 {
		t.Fatalf("change feed: %d and %d changes", len(src.changes), len(dst.changes))
	}
	for i, c := range src.changes {
		d := dst.changes[i]
		if d.Seq != c.Seq || d.Op != c.Op || d.ID != id("leads", c.ID) {
			t.Errorf("change %d: %+v, want %+v with ids mapped", i, d, c)
		}
	}
	if len(src.requests) != 1 || len(dst.requests) != 1 || dst.requests[0].ID != id("transfer_requests", src.requests[0].ID) ||
		dst.requests[0].LeadID != id("leads", src.requests[0].LeadID) || dst.requests[0].Reason != src.requests[0].Reason {
		t.Errorf("transfer requests: %+v, want %+v with ids mapped", dst.requests, src.requests)
	}
	if src.notes != dst.notes || src.page != dst.page {
		t.Errorf("notifications %d/%d, my-photos page %q/%q", src.notes, dst.notes, src.page, dst.page)
	}
}

// fingerprint hashes every row of the given studios in every table (and every row of the
// tables no studio owns), and every object under their prefixes: what a move must not touch.
func fingerprint(t *testing.T, d transfer.DB, blobs blob.Bucket, tenants []int64) string {
	t.Helper()
	ctx := context.Background()
	tables, err := transfer.Tables(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	db := d.Pool
	h := sha256.New()
	in := make([]string, len(tenants))
	for i, id := range tenants {
		in[i] = fmt.Sprint(id)
	}
	for _, tb := range tables {
		r, err := db.QueryContext(ctx, `SELECT * FROM "`+tb+`" LIMIT 0`)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := r.Columns()
		r.Close()
		where := ""
		for _, c := range []string{"tenant_id", "g_tenant"} {
			if slices.Contains(cols, c) {
				where = ` WHERE ` + c + ` IN (` + strings.Join(in, ",") + `)`
			}
		}
		if tb == "tenants" {
			where = ` WHERE id IN (` + strings.Join(in, ",") + `)`
		}
		r, err = db.QueryContext(ctx, `SELECT * FROM "`+tb+`"`+where)
		if err != nil {
			t.Fatal(err)
		}
		var lines []string
		for r.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := r.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			lines = append(lines, fmt.Sprintf("%v", vals))
		}
		r.Close()
		sort.Strings(lines)
		fmt.Fprintf(h, "%s %d\n%s\n", tb, len(lines), strings.Join(lines, "\n"))
	}
	for _, id := range tenants {
		err := blobs.List(ctx, fmt.Sprintf("studios/%d/", id), func(info blob.Info) error {
			rc, _, err := blobs.Get(ctx, info.Key)
			if err != nil {
				return err
			}
			defer rc.Close()
			fmt.Fprintf(h, "%s ", info.Key)
			_, err = io.Copy(h, rc)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

// TestMoveOneStudio: a SQLite server with two studios; a PostgreSQL + S3 cluster already
// holding two others (so every id clashes). Studio 2 moves in — interrupted mid-table and
// run again, then run a third time — with the other studios untouched and its API answers
// equal to the source's with ids mapped; then it moves back out into an empty SQLite + disk.
func TestMoveOneStudio(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	lite, disk := openLite(t, dir)
	src := startServer(t, lite, disk)
	first := seedStudio(t, src, "一号影楼", "1380001", 5)
	moving := seedStudio(t, src, "二号影楼", "1380002", 25)

	pg, err := postgres.Open(ctx, pgtest.DSN(t))
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()
	bucket := s3test.Bucket(t, "tenant-"+fmt.Sprint(time.Now().UnixNano()%1e9), false)
	cluster := startServer(t, pg, bucket)
	others := []int64{seedStudio(t, cluster, "甲影楼", "1390001", 30).tenant, seedStudio(t, cluster, "乙影楼", "1390002", 30).tenant}
	before := fingerprint(t, transfer.DB{Pool: pg.WritePool(), Postgres: true}, bucket, others)
	srcView := read(t, src.url, moving.adminPhone, moving.password, moving, moving.album)
	source := fingerprint(t, transfer.DB{Pool: lite.WritePool()}, disk, []int64{first.tenant, moving.tenant})

	state, err := transfer.OpenState(ctx, filepath.Join(dir, "move.state"))
	if err != nil {
		t.Fatal(err)
	}
	defer state.Close()
	mv := transfer.TenantMove{Src: transfer.DB{Pool: lite.WritePool()}, Dst: transfer.DB{Pool: pg.WritePool(), Postgres: true},
		SrcBlobs: disk, DstBlobs: bucket, Tenant: moving.tenant, State: state, Target: "cluster"}

	// Interrupted in the middle of the leads, then run again.
	old := transfer.SetBatchRows(7)
	defer transfer.SetBatchRows(old)
	cut, cancel := context.WithCancel(ctx)
	mv.Progress = func(p transfer.Progress) {
		if p.Table == "leads" && p.Rows >= 14 {
			cancel()
		}
	}
	if _, err := mv.Move(cut); !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted move: %v", err)
	}
	mv.Progress = nil
	// A replica of the cluster starts meanwhile and schedules the half-moved studio's
	// recurring jobs itself.
	if err := cluster.api.EnsureJobs(ctx); err != nil {
		t.Fatal(err)
	}
	// Cut off again between saving a batch's new ids and writing its rows.
	cut, cancel = context.WithCancel(ctx)
	transfer.SetAfterFlush(func(table string) {
		if table == "lead_events" {
			cancel()
		}
	})
	_, err = mv.Move(cut)
	transfer.SetAfterFlush(nil)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("move cut off after saving ids: %v", err)
	}
	rep, err := mv.Move(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if rep.NewTenant == moving.tenant || slices.Contains(others, rep.NewTenant) || rep.Objects == 0 {
		t.Fatalf("move: %+v", rep)
	}
	again, err := mv.Move(ctx)
	if err != nil || again.Rows != 0 || again.Objects != 0 || again.NewTenant != rep.NewTenant {
		t.Fatalf("a second run changed something: %+v %v", again, err)
	}
	if bad, err := mv.Verify(ctx); err != nil || len(bad) > 0 {
		t.Fatalf("verify: %v %+v", err, bad)
	}
	// A row changed in the target after the move is what Verify reports.
	tamper := func(from, to string) {
		if _, err := pg.WritePool().ExecContext(ctx, `UPDATE leads SET doc = replace(doc, $1, $2) WHERE tenant_id = $3`, from, to, rep.NewTenant); err != nil {
			t.Fatal(err)
		}
	}
	tamper(`"客户0"`, `"客户X"`)
	if bad, err := mv.Verify(ctx); err != nil || len(bad) != 1 || bad[0].Name != "leads" {
		t.Fatalf("verify after a lead changed in the target: %v %+v", err, bad)
	}
	tamper(`"客户X"`, `"客户0"`)
	// An object lost in the target is reported, and the move run again copies it back.
	var key string
	bucket.List(ctx, fmt.Sprintf("studios/%d/originals/", rep.NewTenant), func(i blob.Info) error { key = i.Key; return nil })
	if err := bucket.Delete(ctx, key); err != nil {
		t.Fatal(err)
	}
	if bad, err := mv.Verify(ctx); err != nil || len(bad) != 1 || bad[0].What != "object" {
		t.Fatalf("verify after an object was lost: %v %+v", err, bad)
	}
	if again, err := mv.Move(ctx); err != nil || again.Objects != 1 || again.Rows != 0 {
		t.Fatalf("the move run again for a lost object: %+v %v", again, err)
	}

	if after := fingerprint(t, transfer.DB{Pool: pg.WritePool(), Postgres: true}, bucket, others); after != before {
		t.Fatal("the move changed rows or objects of the target's other studios")
	}
	if after := fingerprint(t, transfer.DB{Pool: lite.WritePool()}, disk, []int64{first.tenant, moving.tenant}); after != source {
		t.Fatal("the move changed the source")
	}
	pgView := read(t, cluster.url, moving.adminPhone, moving.password, moving, state.NewID("albums", moving.album))
	sameStudio(t, srcView, pgView, state)

	// Back out: the studio alone on a new SQLite server.
	back, backDisk := openLite(t, t.TempDir())
	state2, err := transfer.OpenState(ctx, filepath.Join(dir, "back.state"))
	if err != nil {
		t.Fatal(err)
	}
	defer state2.Close()
	out := transfer.TenantMove{Src: mv.Dst, Dst: transfer.DB{Pool: back.WritePool()}, SrcBlobs: bucket, DstBlobs: backDisk,
		Tenant: rep.NewTenant, State: state2, Target: "back"}
	if _, err := out.Move(ctx); err != nil {
		t.Fatal(err)
	}
	if bad, err := out.Verify(ctx); err != nil || len(bad) > 0 {
		t.Fatalf("verify back: %v %+v", err, bad)
	}
	backSrv := startServer(t, back, backDisk)
	backView := read(t, backSrv.url, moving.adminPhone, moving.password, moving, state2.NewID("albums", pgView.photos[0].AlbumID))
	sameStudio(t, pgView, backView, state2)

	// The first studio's page address is another studio's in the cluster: its move stops
	// before writing anything, and goes through with a new address.
	var slug string
	if err := lite.WritePool().QueryRowContext(ctx, `SELECT slug FROM studio_pages WHERE tenant_id = ?`, first.tenant).Scan(&slug); err != nil {
		t.Fatal(err)
	}
	if _, err := pg.WritePool().ExecContext(ctx, `UPDATE studio_pages SET slug = $1 WHERE tenant_id = $2`, slug, others[0]); err != nil {
		t.Fatal(err)
	}
	state3, err := transfer.OpenState(ctx, filepath.Join(dir, "first.state"))
	if err != nil {
		t.Fatal(err)
	}
	defer state3.Close()
	var tenants int
	pg.WritePool().QueryRowContext(ctx, `SELECT COUNT(*) FROM tenants`).Scan(&tenants)
	firstMove := transfer.TenantMove{Src: mv.Src, Dst: mv.Dst, SrcBlobs: disk, DstBlobs: bucket, Tenant: first.tenant, State: state3, Target: "cluster"}
	var taken *transfer.SlugTakenError
	if _, err := firstMove.Move(ctx); !errors.As(err, &taken) || taken.Slug != slug {
		t.Fatalf("a taken slug: %v", err)
	}
	var now int
	pg.WritePool().QueryRowContext(ctx, `SELECT COUNT(*) FROM tenants`).Scan(&now)
	if now != tenants {
		t.Fatalf("the refused move wrote a studio: %d studios, %d before", now, tenants)
	}
	firstMove.Slug = "first-studio"
	firstRep, err := firstMove.Move(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if bad, err := firstMove.Verify(ctx); err != nil || len(bad) > 0 {
		t.Fatalf("verify the first studio: %v %+v", err, bad)
	}
	if id, err := pg.TenantBySlug(ctx, "first-studio"); err != nil || id != firstRep.NewTenant {
		t.Fatalf("the first studio's new page: %d %v, want %d", id, err, firstRep.NewTenant)
	}
}
