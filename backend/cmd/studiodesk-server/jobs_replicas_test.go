package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/studiodesk/studiodesk/backend/account"
	"github.com/studiodesk/studiodesk/backend/album"
	"github.com/studiodesk/studiodesk/backend/api"
	"github.com/studiodesk/studiodesk/backend/api/apiclient"
	"github.com/studiodesk/studiodesk/backend/blob/s3blob/s3test"
	"github.com/studiodesk/studiodesk/backend/media"
	"github.com/studiodesk/studiodesk/backend/media/mediatest"
	"github.com/studiodesk/studiodesk/backend/store/postgres/pgtest"
)

// slowRenderEnv names the file a server process started by a test logs its renders to; when
// set, that process renders slowly and leases jobs for a few seconds only (TestServeChild).
const slowRenderEnv = "STUDIODESK_TEST_SLOW_RENDER_LOG"

// slowRenderer makes renditions after a pause, logging "start PID" and "done PID" lines, so
// a test can kill the process mid-job and count how often the job's work completed.
type slowRenderer struct {
	next  media.Renderer
	log   string
	delay time.Duration
}

func (r slowRenderer) note(what string) {
	f, err := os.OpenFile(r.log, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		panic(err)
	}
	defer f.Close()
	fmt.Fprintf(f, "%s %d\n", what, os.Getpid())
}

func (r slowRenderer) Render(ctx context.Context, src io.Reader, specs []media.Spec) (media.Image, []media.Rendition, error) {
	return r.RenderMarked(ctx, src, specs, nil)
}

func (r slowRenderer) RenderMarked(ctx context.Context, src io.Reader, specs []media.Spec, mark *media.Mark) (media.Image, []media.Rendition, error) {
	r.note("start")
	select {
	case <-ctx.Done():
		return media.Image{}, nil, ctx.Err()
	case <-time.After(r.delay):
	}
	img, rs, err := r.next.RenderMarked(ctx, src, specs, mark)
	if err == nil {
		r.note("done")
	}
	return img, rs, err
}

// TestJobSurvivesKilledReplica: two replicas on one PostgreSQL and one bucket; a photo's
// render job starts on one of them, which is killed (SIGKILL) mid-job. Once its lease runs
// out the other replica takes the job over: the photo becomes ready, the work completed
// exactly once, and the job row is done after two leases.
func TestJobSurvivesKilledReplica(t *testing.T) {
	dsn := pgtest.DSN(t)
	endpoint := s3test.Endpoint(t)
	ctx := context.Background()
	s3test.Bucket(t, "jobkill", true)
	password := newReplicaStudio(t, dsn, "13912342222")
	renders := t.TempDir() + "/renders.log"
	t.Setenv(slowRenderEnv, renders)
	args := []string{"--db", dsn, "--data", t.TempDir(), "--blobs", "s3://jobkill?endpoint=" + endpoint + "&path_style=true"}
	replicas := []*replica{startReplica(t, args...), startReplica(t, args...)}

	c, _ := apiclient.New(apiclient.Config{BaseURL: replicas[0].url})
	sess, err := c.Login(ctx, api.LoginRequest{Phone: "13912342222", Password: password, DeviceID: "t", DeviceName: "t"})
	if err != nil {
		t.Fatal(err)
	}
	c, _ = apiclient.New(apiclient.Config{BaseURL: replicas[0].url, Token: sess.Token})
	brand, err := c.CreateBrand(ctx, account.Brand{Name: "婚纱", Type: account.BrandWedding})
	if err != nil {
		t.Fatal(err)
	}
	branch, err := c.CreateBranch(ctx, account.Branch{BrandID: brand.ID, Name: "一店"})
	if err != nil {
		t.Fatal(err)
	}
	o, err := c.CreateOrder(ctx, album.Order{BrandID: brand.ID, BranchID: branch.ID, CustomerName: "李小姐", Phone: "13600000010", Package: "A"})
	if err != nil {
		t.Fatal(err)
	}
	al, err := c.CreateAlbum(ctx, o.ID, album.Album{Kind: album.KindRaw, Title: "外景"})
	if err != nil {
		t.Fatal(err)
	}
	photo := mediatest.JPEG(mediatest.Upright(320, 240), 2)
	if _, err := c.UploadFile(ctx, apiclient.UploadRequest{AlbumID: al.ID, Filename: "外景_001.JPG", Size: int64(len(photo))},
		bytes.NewReader(photo), "", 3, nil, nil); err != nil {
		t.Fatal(err)
	}

	// Wait for a replica to start rendering, and kill that one.
	var victim, survivor *replica
	deadline := time.Now().Add(30 * time.Second)
	for victim == nil {
		if time.Now().After(deadline) {
			t.Fatal("no replica started the render job within 30 s")
		}
		time.Sleep(50 * time.Millisecond)
		lines := renderLog(t, renders)
		if len(lines) == 0 || lines[0] == "" {
			continue
		}
		for i, r := range replicas {
			if lines[0] == fmt.Sprintf("start %d", r.cmd.Process.Pid) {
				victim, survivor = r, replicas[1-i]
			}
		}
		if victim == nil {
			t.Fatalf("render log %q names no replica", lines)
		}
	}
	if err := victim.cmd.Process.Kill(); err != nil { // SIGKILL: no clean-up, the lease stays
		t.Fatal(err)
	}
	_ = victim.cmd.Wait()

	cs, _ := apiclient.New(apiclient.Config{BaseURL: survivor.url, Token: sess.Token})
	deadline = time.Now().Add(60 * time.Second)
	for {
		photos, err := cs.AlbumPhotos(ctx, al.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(photos) != 1 {
			t.Fatalf("%d photos in the album, want 1", len(photos))
		}
		if photos[0].Status == album.PhotoReady {
			break
		}
		if photos[0].Status != album.PhotoProcessing || time.Now().After(deadline) {
			t.Fatalf("photo %s (%s) after the replica died: want it ready within 60 s", photos[0].Status, photos[0].FailReason)
		}
		time.Sleep(100 * time.Millisecond)
	}
	want := []string{fmt.Sprintf("start %d", victim.cmd.Process.Pid), fmt.Sprintf("start %d", survivor.cmd.Process.Pid),
		fmt.Sprintf("done %d", survivor.cmd.Process.Pid)}
	time.Sleep(time.Second) // a second completion, if any, would show here
	if got := renderLog(t, renders); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("render log %q, want %q: the job must complete exactly once, on the survivor", got, want)
	}
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var attempts int
	var done sql.NullInt64
	var leasedBy string
	if err := db.QueryRow(`SELECT attempts, done_at, leased_by FROM jobs WHERE kind = $1`, api.JobRender).Scan(&attempts, &done, &leasedBy); err != nil {
		t.Fatal(err)
	}
	if attempts != 2 || !done.Valid || !regexp.MustCompile(fmt.Sprintf(`:%d$`, survivor.cmd.Process.Pid)).MatchString(leasedBy) {
		t.Fatalf("render job: attempts %d, done %v, leased by %q; want 2 leases, done by the survivor", attempts, done.Valid, leasedBy)
	}
}

func renderLog(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSpace(string(b)), "\n")
}
