package ingest_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/studiodesk/studiodesk/app/ingest"
	"github.com/studiodesk/studiodesk/backend/account"
	"github.com/studiodesk/studiodesk/backend/album"
	"github.com/studiodesk/studiodesk/backend/api"
	"github.com/studiodesk/studiodesk/backend/api/apiclient"
	"github.com/studiodesk/studiodesk/backend/auth"
	"github.com/studiodesk/studiodesk/backend/blob/fsblob"
	"github.com/studiodesk/studiodesk/backend/media/mediatest"
	"github.com/studiodesk/studiodesk/backend/store/sqlite"
)

// realServer is the real API with uploads on (SQLite file, photos on disk), one studio with
// credits, and an album to upload into.
type realServer struct {
	url, token string
	albumID    int64
	client     *apiclient.Client
}

func newRealServer(t *testing.T) realServer {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	st, err := sqlite.Open(ctx, filepath.Join(dir, "server.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	blobs, err := fsblob.New(filepath.Join(dir, "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { blobs.Close() })
	srv := httptest.NewServer(api.New(api.Config{Store: st, Password: auth.Fast, Blobs: blobs, UploadDir: filepath.Join(dir, "uploads")}))
	t.Cleanup(srv.Close)
	p, err := api.CreateTenant(ctx, st, auth.Fast, api.NewTenant{Name: "上传影楼", AdminPhone: "13800000002", AdminName: "摄影师", Seats: 5}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := api.TopUp(ctx, st, p.Tenant.ID, 1000, "", "", true, time.Now()); err != nil {
		t.Fatal(err)
	}
	c, err := apiclient.New(apiclient.Config{BaseURL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	sess, err := c.Login(ctx, api.LoginRequest{Phone: p.Admin.Phone, Password: p.Password, DeviceID: "ingest-test", DeviceName: "测试"})
	if err != nil {
		t.Fatal(err)
	}
	c, _ = apiclient.New(apiclient.Config{BaseURL: srv.URL, Token: sess.Token})
	brand, err := c.CreateBrand(ctx, account.Brand{Name: "婚纱", Type: account.BrandWedding})
	if err != nil {
		t.Fatal(err)
	}
	branch, err := c.CreateBranch(ctx, account.Branch{BrandID: brand.ID, Name: "一店"})
	if err != nil {
		t.Fatal(err)
	}
	o, err := c.CreateOrder(ctx, album.Order{BrandID: brand.ID, BranchID: branch.ID, CustomerName: "王小姐", Phone: "13600000009", Package: "A"})
	if err != nil {
		t.Fatal(err)
	}
	a, err := c.CreateAlbum(ctx, o.ID, album.Album{Kind: album.KindRaw, Title: "底片"})
	if err != nil {
		t.Fatal(err)
	}
	return realServer{url: srv.URL, token: sess.Token, albumID: a.ID, client: c}
}

// TestChildUploader is not a test on its own: TestKillDuringUpload runs the test binary
// again as a child process that uploads the queue until it is killed.
func TestChildUploader(t *testing.T) {
	if os.Getenv("INGEST_CHILD_QUEUE") == "" {
		return // only meaningful as a child of TestKillDuringUpload
	}
	q, err := ingest.OpenQueue(context.Background(), os.Getenv("INGEST_CHILD_QUEUE"))
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	c, err := apiclient.New(apiclient.Config{BaseURL: os.Getenv("INGEST_CHILD_SERVER"), Token: os.Getenv("INGEST_CHILD_TOKEN")})
	if err != nil {
		t.Fatal(err)
	}
	e := ingest.NewEngine(q, c, ingest.Config{MaxUploads: 3, MinBackoff: 20 * time.Millisecond, Poll: 10 * time.Millisecond})
	if err := e.Run(context.Background(), true); err != nil {
		t.Fatal(err)
	}
}

// TestKillDuringUpload: an uploader killed with SIGKILL at random points, 20 times, during
// an upload of 300 files to the real server: after a final run every file is in the album
// exactly once, with its hash, and the queue says so.
func TestKillDuringUpload(t *testing.T) {
	srv := newRealServer(t)
	ctx := context.Background()
	dir := t.TempDir()
	queuePath := filepath.Join(t.TempDir(), "queue.db")
	q, err := ingest.OpenQueue(ctx, queuePath)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{}
	r := rand.New(rand.NewPCG(6, 2026))
	for i := range 300 {
		// A real JPEG (the server checks what it stores) with noise, so sizes and hashes vary.
		img := mediatest.Upright(64+r.IntN(64), 48+r.IntN(48))
		for j := range img.Pix {
			img.Pix[j] ^= byte(r.Uint32() & 0x3f)
		}
		b := mediatest.JPEG(img, 1)
		name := fmt.Sprintf("DSC_%04d.JPG", i)
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(b)
		want[hex.EncodeToString(sum[:])] = true
		fi, _ := os.Stat(p)
		if _, err := q.Add(ctx, srv.albumID, p, name, fi.Size(), fi.ModTime()); err != nil {
			t.Fatal(err)
		}
	}
	q.Close()

	child := func() *exec.Cmd {
		cmd := exec.Command(os.Args[0], "-test.run=^TestChildUploader$", "-test.count=1")
		cmd.Env = append(os.Environ(), "INGEST_CHILD_QUEUE="+queuePath, "INGEST_CHILD_SERVER="+srv.url, "INGEST_CHILD_TOKEN="+srv.token)
		return cmd
	}
	kills := 0
	for kills < 20 {
		cmd := child()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(30+r.IntN(250)) * time.Millisecond)
		if err := cmd.Process.Kill(); err != nil { // SIGKILL: no cleanup runs
			t.Fatal(err)
		}
		_ = cmd.Wait()
		kills++
	}
	if q, err := ingest.OpenQueue(ctx, queuePath); err == nil {
		c, _ := q.Counts(ctx, srv.albumID)
		q.Close()
		t.Logf("after %d kills: %d of 300 done", kills, c.Done)
		if c.Done == 300 {
			t.Log("every file finished before the last kill: the kills did not land mid-upload")
		}
	}
	out, err := child().CombinedOutput()
	if err != nil {
		t.Fatalf("final run: %v\n%s", err, out)
	}

	photos, err := srv.client.AlbumPhotos(ctx, srv.albumID)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, p := range photos {
		seen[p.Hash]++
	}
	for h := range want {
		if seen[h] != 1 {
			t.Errorf("file %s… is in the album %d times", h[:12], seen[h])
		}
	}
	if len(photos) != len(want) {
		t.Errorf("album holds %d photos, want %d", len(photos), len(want))
	}
	q, err = ingest.OpenQueue(ctx, queuePath)
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	c, _ := q.Counts(ctx, srv.albumID)
	if c.Done != 300 || c.Queued != 0 || c.Failed != 0 {
		failed, _ := q.Failed(ctx)
		if len(failed) > 0 {
			t.Errorf("first failure: %s: %s", failed[0].Rel, failed[0].Error)
		}
		t.Errorf("queue after %d kills: %+v", kills, c)
	}
	t.Logf("%d kills; album holds %d photos; queue %+v", kills, len(photos), c)
}
