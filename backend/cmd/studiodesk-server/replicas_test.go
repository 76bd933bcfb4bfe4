package main

import (
	"bufio"
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
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/studiodesk/studiodesk/backend/account"
	"github.com/studiodesk/studiodesk/backend/album"
	"github.com/studiodesk/studiodesk/backend/api"
	"github.com/studiodesk/studiodesk/backend/api/apiclient"
	"github.com/studiodesk/studiodesk/backend/blob"
	"github.com/studiodesk/studiodesk/backend/blob/s3blob/s3test"
	"github.com/studiodesk/studiodesk/backend/lead"
	"github.com/studiodesk/studiodesk/backend/media"
	"github.com/studiodesk/studiodesk/backend/media/mediatest"
	"github.com/studiodesk/studiodesk/backend/store/postgres/pgtest"
)

// TestServeChild is not a test on its own: TestTwoReplicas runs the test binary again as
// real server processes (`serve` with the arguments in STUDIODESK_SERVE_ARGS).
func TestServeChild(t *testing.T) {
	args := os.Getenv("STUDIODESK_SERVE_ARGS")
	if args == "" {
		return // only meaningful as a child of TestTwoReplicas
	}
	if log := os.Getenv(slowRenderEnv); log != "" {
		adjustServe = func(cfg *api.Config, jobPoll *time.Duration) {
			cfg.JobLease, *jobPoll = 4*time.Second, 200*time.Millisecond
			cfg.Renderer = slowRenderer{next: media.Std{}, log: log, delay: 2 * time.Second}
		}
	}
	if err := run(context.Background(), strings.Split(args, "\x1f"), os.Stdout, os.Stderr); err != nil {
		t.Fatal(err)
	}
}

// newReplicaStudio opens a studio with credits through the CLI and returns its admin's
// one-time password.
func newReplicaStudio(t *testing.T, dsn, adminPhone string) string {
	t.Helper()
	out, _, err := runCLI(t, "tenant", "create", "--db", dsn, "--name", "连锁影楼", "--admin-phone", adminPhone)
	if err != nil {
		t.Fatal(err)
	}
	password := regexp.MustCompile(`admin password: (\S+)`).FindStringSubmatch(out)[1]
	tenant := regexp.MustCompile(`studio id:\s+(\d+)`).FindStringSubmatch(out)[1]
	if _, _, err := runCLI(t, "credits", "topup", "--db", dsn, "--tenant", tenant, "--credits", "100"); err != nil {
		t.Fatal(err)
	}
	return password
}

// replica is a server process.
type replica struct {
	cmd *exec.Cmd
	url string
}

func startReplica(t *testing.T, args ...string) *replica {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestServeChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), "STUDIODESK_SERVE_ARGS="+strings.Join(append([]string{"serve", "--addr", "127.0.0.1:0"}, args...), "\x1f"))
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if m := regexp.MustCompile(`listening on (http://\S+)`).FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
	}()
	select {
	case u := <-found:
		return &replica{cmd: cmd, url: u}
	case <-time.After(60 * time.Second):
		t.Fatal("replica did not start in 60 s")
		return nil
	}
}

// TestTwoReplicas: two server processes on one PostgreSQL database and one S3 bucket behind
// a round-robin proxy. A session made on one works on the other; concurrent lead creates
// (with duplicate phones) and rule-driven round-robin assignments spread over both keep the
// leads issue's invariants: one lead per phone, each booker within one lead of the others,
// and a change feed whose sequence has no gap or repeat; a live-album guest on one replica
// sees a photo uploaded through the other; an upload cut off on one replica resumes on the
// other from the offset the first one kept (tusd's S3 store: the parts are in the bucket).
func TestTwoReplicas(t *testing.T) {
	dsn := pgtest.DSN(t)
	endpoint := s3test.Endpoint(t)
	ctx := context.Background()
	bucket := s3test.Bucket(t, "replicas", true)
	password := newReplicaStudio(t, dsn, "13912341111")
	args := []string{"--db", dsn, "--data", t.TempDir(), "--blobs", "s3://replicas?endpoint=" + endpoint + "&path_style=true"}
	a, b := startReplica(t, args...), startReplica(t, args...)

	// The proxy alternates requests between the replicas.
	var next atomic.Int64
	var hits [2]atomic.Int64
	proxies := [2]*httputil.ReverseProxy{}
	for i, r := range []*replica{a, b} {
		u, _ := url.Parse(r.url)
		proxies[i] = httputil.NewSingleHostReverseProxy(u)
	}
	lb := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := next.Add(1) % 2
		hits[i].Add(1)
		proxies[i].ServeHTTP(w, r)
	}))
	defer lb.Close()

	c, _ := apiclient.New(apiclient.Config{BaseURL: lb.URL})
	sess, err := c.Login(ctx, api.LoginRequest{Phone: "13912341111", Password: password, DeviceID: "lb", DeviceName: "lb"})
	if err != nil {
		t.Fatal(err)
	}
	c, _ = apiclient.New(apiclient.Config{BaseURL: lb.URL, Token: sess.Token})
	for range 4 { // the login went to one replica; the session holds on both
		if _, err := c.Me(ctx); err != nil {
			t.Fatalf("session on the other replica: %v", err)
		}
	}
	brand, err := c.CreateBrand(ctx, account.Brand{Name: "婚纱", Type: account.BrandWedding})
	if err != nil {
		t.Fatal(err)
	}
	branch, err := c.CreateBranch(ctx, account.Branch{BrandID: brand.ID, Name: "一店"})
	if err != nil {
		t.Fatal(err)
	}
	dept, err := c.CreateDepartment(ctx, account.Department{BranchID: branch.ID, Name: "邀约组", Kind: account.DeptBooking})
	if err != nil {
		t.Fatal(err)
	}
	roles, err := c.ListRoles(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var bookingRole int64
	for _, r := range roles {
		if r.Key == "booking" {
			bookingRole = r.ID
		}
	}
	var bookers []int64
	for i := range 3 {
		st, err := c.CreateStaff(ctx, api.StaffInput{Staff: account.Staff{Phone: fmt.Sprintf("1370000%04d", i), Name: fmt.Sprintf("邀约%d", i),
			BranchID: branch.ID, DepartmentID: dept.ID, RoleIDs: []int64{bookingRole}}, Password: "Passw0rd!"})
		if err != nil {
			t.Fatal(err)
		}
		bookers = append(bookers, st.Staff.ID)
		if _, err := c.CheckIn(ctx, api.CheckInRequest{StaffID: st.Staff.ID}); err != nil { // on the booker's behalf
			t.Fatal(err)
		}
	}
	rules := fmt.Sprintf(`[{"branch_id": %d, "target_department_id": %d, "method": "round_robin"}]`, branch.ID, dept.ID)
	req, _ := http.NewRequest(http.MethodPut, lb.URL+"/api/v1/assign-rules", strings.NewReader(rules))
	req.Header.Set("Authorization", "Bearer "+sess.Token)
	req.Header.Set("Content-Type", "application/json")
	if res, err := http.DefaultClient.Do(req); err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("set assign rules: %v %v", err, res)
	} else {
		res.Body.Close()
	}

	// 8 clients × 30 creates; every third phone is entered twice.
	var wg sync.WaitGroup
	var created, dup atomic.Int64
	errs := make(chan error, 8)
	for w := range 8 {
		wg.Go(func() {
			for i := range 30 {
				phone := fmt.Sprintf("135%04d%04d", w, i/3*3)
				_, err := c.CreateLead(ctx, lead.Lead{BrandID: brand.ID, BranchID: branch.ID, Phone: phone, Name: "客户", Source: lead.SourceAd})
				var ae *apiclient.Error
				switch {
				case err == nil:
					created.Add(1)
				case errors.As(err, &ae) && ae.Code == "lead_duplicate":
					dup.Add(1)
				default:
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if created.Load() != 8*10 || dup.Load() != 8*20 {
		t.Fatalf("created %d, duplicates %d; want 80 and 160 (one lead per phone)", created.Load(), dup.Load())
	}
	if hits[0].Load() < 50 || hits[1].Load() < 50 {
		t.Fatalf("requests per replica %d/%d: the proxy did not spread them", hits[0].Load(), hits[1].Load())
	}
	// Round-robin across both replicas: the pointer lives in the database.
	counts := map[int64]int{}
	page, err := c.ListLeads(ctx, apiclient.LeadQuery{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range page.Leads {
		counts[l.OwnerID]++
	}
	lo, hi := 1<<30, 0
	for _, id := range bookers {
		lo, hi = min(lo, counts[id]), max(hi, counts[id])
	}
	if len(page.Leads) != 80 || hi-lo > 1 || lo+hi == 0 {
		t.Fatalf("%d leads, owners %v: round robin over both replicas must spread within 1", len(page.Leads), counts)
	}
	// The change feed: one entry per write, sequence without gaps or repeats.
	pull, err := c.Pull(ctx, "", 10000)
	if err != nil {
		t.Fatal(err)
	}
	last := int64(0)
	for _, ch := range pull.Changes {
		if ch.Seq <= last {
			t.Fatalf("change feed sequence %d after %d", ch.Seq, last)
		}
		last = ch.Seq
	}
	if len(pull.Changes) != 80 {
		t.Fatalf("pulled %d leads, want 80", len(pull.Changes))
	}

	// Live album: a guest subscribed on replica A sees a photo uploaded through replica B
	// (its renditions made by whichever replica leases the job).
	o, err := c.CreateOrder(ctx, album.Order{BrandID: brand.ID, BranchID: branch.ID, CustomerName: "王小姐", Phone: "13600000009", Package: "A"})
	if err != nil {
		t.Fatal(err)
	}
	al, err := c.CreateAlbum(ctx, o.ID, album.Album{Kind: album.KindRaw, Title: "婚礼现场", Live: true})
	if err != nil {
		t.Fatal(err)
	}
	req, _ = http.NewRequest(http.MethodPost, lb.URL+fmt.Sprintf("/api/v1/albums/%d/links", al.ID), strings.NewReader(`{}`))
	req.Header.Set("Authorization", "Bearer "+sess.Token)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil || res.StatusCode != http.StatusCreated {
		t.Fatalf("share link: %v %v", err, res)
	}
	var link struct {
		Token string `json:"token"`
	}
	json.NewDecoder(res.Body).Decode(&link)
	res.Body.Close()
	sctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	sreq, _ := http.NewRequestWithContext(sctx, http.MethodGet, a.url+"/api/v1/public/links/"+link.Token+"/events", nil)
	stream, err := http.DefaultClient.Do(sreq)
	if err != nil || stream.StatusCode != http.StatusOK {
		t.Fatalf("subscribe on A: %v %v", err, stream)
	}
	defer stream.Body.Close()
	events := make(chan string, 10)
	go func() {
		sc := bufio.NewScanner(stream.Body)
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), "data: ") {
				events <- sc.Text()
			}
		}
	}()
	cb, _ := apiclient.New(apiclient.Config{BaseURL: b.url, Token: sess.Token})
	photo := mediatest.JPEG(mediatest.Upright(320, 240), 1)
	if _, err := cb.UploadFile(ctx, apiclient.UploadRequest{AlbumID: al.ID, Filename: "现场_001.JPG", Size: int64(len(photo))},
		bytes.NewReader(photo), "", 3, nil, nil); err != nil {
		t.Fatal(err)
	}
	select {
	case ev := <-events:
		if !strings.Contains(ev, "现场_001.JPG") {
			t.Fatalf("event on A: %s", ev)
		}
	case <-sctx.Done():
		t.Fatal("replica A's subscriber did not see the photo uploaded through B within 60 s")
	}

	// A 7 MB video, cut off after 6 MB on replica A, finished on replica B.
	video := make([]byte, 7<<20)
	for i := range video {
		video[i] = byte(i*7 + i>>9)
	}
	copy(video, "\x00\x00\x00\x18ftypisom")
	sum := sha256.Sum256(video)
	up := apiclient.UploadRequest{AlbumID: al.ID, Filename: "快剪.mp4", Size: int64(len(video)), SHA256: hex.EncodeToString(sum[:])}
	ca, _ := apiclient.New(apiclient.Config{BaseURL: a.url, Token: sess.Token})
	target, err := ca.CreateUpload(ctx, up)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := ca.UploadChunk(ctx, target, 0, &cutReader{r: bytes.NewReader(video), n: 6 << 20}, int64(len(video))); err == nil {
		t.Fatal("the cut-off PATCH succeeded")
	}
	heldA, err := ca.UploadOffset(ctx, target)
	if err != nil {
		t.Fatal(err)
	}
	onB := strings.Replace(target, a.url, b.url, 1)
	if onB == target {
		t.Fatalf("upload URL %s is not on replica A (%s)", target, a.url)
	}
	heldB, err := cb.UploadOffset(ctx, onB)
	if err != nil {
		t.Fatalf("replica B does not know the upload A started: %v", err)
	}
	// How much of the 6 MB reached A before the cut depends on timing; what A kept, B sees.
	if heldB != heldA || heldA == 0 {
		t.Fatalf("offset on A %d, on B %d: B must see what A kept of the 6 MB sent", heldA, heldB)
	}
	var from int64 = -1
	result, err := cb.UploadFile(ctx, up, bytes.NewReader(video), onB, 2, nil, func(n int64) {
		if from < 0 {
			from = n
		}
	})
	if err != nil || result.Status != "ready" {
		t.Fatalf("resume on B: %+v %v", result, err)
	}
	if from <= heldB {
		t.Fatalf("B's first progress %d: it resent what it held (%d)", from, heldB)
	}
	var stored []byte
	if err := bucket.List(ctx, "studios/", func(info blob.Info) error {
		if strings.HasSuffix(info.Key, "/originals/"+up.SHA256) {
			rc, _, err := bucket.Get(ctx, info.Key)
			if err != nil {
				return err
			}
			defer rc.Close()
			stored, err = io.ReadAll(rc)
			return err
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(stored, video) {
		t.Fatalf("stored original: %d bytes, want the %d uploaded", len(stored), len(video))
	}
	var left []string // tusd's S3 store names an upload "object+multipart"; its objects start with the first
	object, _, _ := strings.Cut(path.Base(target), "+")
	_ = bucket.List(ctx, "uploads/"+object, func(info blob.Info) error { left = append(left, info.Key); return nil })
	if len(left) != 0 {
		t.Fatalf("finished upload left %q in the bucket", left)
	}
}

// cutReader fails after n bytes, like a connection that drops.
type cutReader struct {
	r io.Reader
	n int
}

func (c *cutReader) Read(p []byte) (int, error) {
	if c.n <= 0 {
		return 0, errors.New("connection dropped")
	}
	k, err := c.r.Read(p[:min(len(p), c.n)])
	c.n -= k
	return k, err
}
