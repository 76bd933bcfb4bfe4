package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // creates the run's database

	"github.com/studiodesk/studiodesk/backend/account"
	"github.com/studiodesk/studiodesk/backend/album"
	"github.com/studiodesk/studiodesk/backend/api"
	"github.com/studiodesk/studiodesk/backend/api/apiclient"
	"github.com/studiodesk/studiodesk/backend/blob/s3blob"
	"github.com/studiodesk/studiodesk/backend/lead"
	"github.com/studiodesk/studiodesk/backend/media/mediatest"
	"github.com/studiodesk/studiodesk/bench/benchhost"
)

// buildServer builds studiodesk-server from this checkout into dir.
func buildServer(ctx context.Context, dir string) (string, error) {
	bin := filepath.Join(dir, "studiodesk-server")
	fmt.Fprintln(os.Stderr, "building studiodesk-server")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "./backend/cmd/studiodesk-server")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("build the server (run from the repository root): %w", err)
	}
	return bin, nil
}

// target is a running deployment: its replicas and a studio ready for traffic.
type target struct {
	name     string
	replicas []*exec.Cmd
	urls     []string
	admin    string   // the admin's token
	desks    []string // one session token per desktop client
	leads    []int64
	album    int64   // the shared album
	token    string  // the share link's token
	photos   []int64 // the album's photo ids
}

func (t *target) stop() {
	for _, c := range t.replicas {
		_ = c.Process.Signal(syscall.SIGTERM)
		_ = c.Wait()
	}
}

// randomName is a fresh database or bucket name.
func randomName(prefix string) string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return prefix + hex.EncodeToString(b[:])
}

// deploy starts the target's replicas with a studio of their own.
func deploy(ctx context.Context, cfg Config, name, work string) (*target, error) {
	data := filepath.Join(work, name)
	where := []string{"--data", data} // the database
	blobs := []string{}               // the photos (serve only)
	replicas := 1
	switch name {
	case "sqlite":
	case "postgres":
		if cfg.PG == "" || cfg.S3 == "" {
			return nil, fmt.Errorf("the postgres target needs -pg and -s3 (scripts/postgres.sh and scripts/s3-server.sh start both)")
		}
		dsn, err := createDatabase(ctx, cfg.PG, randomName("load_"))
		if err != nil {
			return nil, err
		}
		bucket := randomName("load-")
		if err := createBucket(ctx, cfg.S3, bucket); err != nil {
			return nil, err
		}
		where = append(where, "--db", dsn)
		blobs = []string{"--blobs", "s3://" + bucket + "?endpoint=" + url.QueryEscape(cfg.S3) + "&path_style=true"}
		replicas = 2
	default:
		return nil, fmt.Errorf("unknown target %q (want sqlite or postgres)", name)
	}
	password, err := benchhost.NewStudio(ctx, cfg.Server, where, "压测影楼", "13900000000", 1000)
	if err != nil {
		return nil, err
	}
	t := &target{name: name}
	for range replicas {
		cmd, u, err := startServer(ctx, cfg.Server, append(append([]string{"serve", "--addr", "127.0.0.1:0"}, where...), blobs...))
		if err != nil {
			t.stop()
			return nil, err
		}
		t.replicas, t.urls = append(t.replicas, cmd), append(t.urls, u)
	}
	if err := t.prepare(ctx, cfg, password); err != nil {
		t.stop()
		return nil, err
	}
	return t, nil
}

// startServer runs one replica and waits for its address.
func startServer(ctx context.Context, bin string, args []string) (*exec.Cmd, string, error) {
	logf, err := os.CreateTemp("", "studiodesk-load-server-*.log")
	if err != nil {
		return nil, "", err
	}
	return benchhost.StartServer(bin, args, logf)
}

func createDatabase(ctx context.Context, server, name string) (string, error) {
	u, err := url.Parse(server)
	if err != nil {
		return "", fmt.Errorf("-pg is not a postgres:// URL")
	}
	db, err := sql.Open("pgx", server)
	if err != nil {
		return "", err
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `CREATE DATABASE `+name); err != nil {
		return "", fmt.Errorf("create database: %w", err)
	}
	u.Path = "/" + name
	return u.String(), nil
}

func createBucket(ctx context.Context, endpoint, name string) error {
	key, secret := os.Getenv("AWS_ACCESS_KEY_ID"), os.Getenv("AWS_SECRET_ACCESS_KEY")
	if key == "" {
		key, secret = os.Getenv("STUDIODESK_TEST_S3_KEY"), os.Getenv("STUDIODESK_TEST_S3_SECRET")
		// The replicas read the environment's credentials, as a deployment does.
		os.Setenv("AWS_ACCESS_KEY_ID", key)
		os.Setenv("AWS_SECRET_ACCESS_KEY", secret)
	}
	b, err := s3blob.New(ctx, s3blob.Config{Bucket: name, Endpoint: endpoint, PathStyle: true, AccessKey: key, SecretKey: secret})
	if err != nil {
		return err
	}
	return b.CreateBucket(ctx)
}

// prepare makes the studio's data through the API: leads the desktops edit, an album of
// rendered photos and its share link, and one session per desktop client.
func (t *target) prepare(ctx context.Context, cfg Config, password string) error {
	base := t.urls[0]
	anon, _ := apiclient.New(apiclient.Config{BaseURL: base})
	sess, err := anon.Login(ctx, api.LoginRequest{Phone: "13900000000", Password: password, DeviceID: "load-admin", DeviceName: "load"})
	if err != nil {
		return fmt.Errorf("login: %w", err)
	}
	t.admin = sess.Token
	c, _ := apiclient.New(apiclient.Config{BaseURL: base, Token: sess.Token})
	brand, err := c.CreateBrand(ctx, account.Brand{Name: "婚纱", Type: account.BrandWedding})
	if err != nil {
		return err
	}
	branch, err := c.CreateBranch(ctx, account.Branch{BrandID: brand.ID, Name: "一店"})
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "  %d leads, ", cfg.Leads)
	for i := range cfg.Leads {
		l, err := c.CreateLead(ctx, lead.Lead{BrandID: brand.ID, BranchID: branch.ID, Phone: fmt.Sprintf("135%08d", i), Name: "客户", Source: lead.SourceAd})
		if err != nil {
			return fmt.Errorf("create lead: %w", err)
		}
		t.leads = append(t.leads, l.Lead.ID)
	}
	o, err := c.CreateOrder(ctx, album.Order{BrandID: brand.ID, BranchID: branch.ID, CustomerName: "王小姐", Phone: "13600000000", Package: "A"})
	if err != nil {
		return err
	}
	// Live: only a live album has the event stream the guests of -mode live follow.
	al, err := c.CreateAlbum(ctx, o.ID, album.Album{Kind: album.KindRaw, Title: "婚礼现场", Live: true})
	if err != nil {
		return err
	}
	t.album = al.ID
	fmt.Fprintf(os.Stderr, "%d photos", cfg.Photos)
	for i := range cfg.Photos {
		photo := mediatest.JPEG(mediatest.Upright(1600, 1067), 1+i%8)
		photo = append(photo, byte(i), byte(i>>8)) // distinct files (bytes after the JPEG's end are ignored)
		if _, err := c.UploadFile(ctx, apiclient.UploadRequest{AlbumID: al.ID, Filename: fmt.Sprintf("现场_%03d.JPG", i), Size: int64(len(photo))},
			bytes.NewReader(photo), "", 3, nil, nil); err != nil {
			return fmt.Errorf("upload: %w", err)
		}
	}
	for deadline := time.Now().Add(5 * time.Minute); ; {
		ps, err := c.AlbumPhotos(ctx, al.ID)
		if err != nil {
			return err
		}
		ready := 0
		for _, p := range ps {
			if p.Status == album.PhotoReady {
				ready++
			}
		}
		if ready == cfg.Photos {
			for _, p := range ps {
				t.photos = append(t.photos, p.ID)
			}
			break
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%d of %d photos rendered after 5 minutes", ready, cfg.Photos)
		}
		time.Sleep(200 * time.Millisecond)
	}
	link, err := c.CreateShareLink(ctx, al.ID, api.NewShare{Label: "客户"})
	if err != nil {
		return err
	}
	t.token = link.Token
	for i := range 4 { // four studio PCs syncing
		s, err := anon.Login(ctx, api.LoginRequest{Phone: "13900000000", Password: password, DeviceID: fmt.Sprintf("load-desk-%d", i), DeviceName: "前台电脑"})
		if err != nil {
			return fmt.Errorf("desktop login: %w", err)
		}
		t.desks = append(t.desks, s.Token)
	}
	fmt.Fprintln(os.Stderr, ", ready")
	return nil
}
