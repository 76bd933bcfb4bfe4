package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/studiodesk/studiodesk/backend/api"
	"github.com/studiodesk/studiodesk/backend/api/apiclient"
	"github.com/studiodesk/studiodesk/backend/auth"
	"github.com/studiodesk/studiodesk/backend/blob/fsblob"
	"github.com/studiodesk/studiodesk/backend/store/sqlite"
)

// env is the real server (api.New on store/sqlite and blob/fsblob, net/http on
// 127.0.0.1:0) with one studio, an order and a retouched album (originals downloadable,
// EXIF blanked on the way out, no watermark): what a studio delivering photos has.
type env struct {
	dir, url  string
	srv       *api.Server
	http      *http.Server
	token     string
	tenantID  int64
	albumID   int64
	blobDir   string
	client    *apiclient.Client
	linkToken string
}

func startEnv(dir string) (*env, error) {
	_ = os.RemoveAll(dir)
	e := &env{dir: dir, blobDir: filepath.Join(dir, "blobs")}
	for _, d := range []string{e.blobDir, filepath.Join(dir, "uploads")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, err
		}
	}
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(dir, "studiodesk.db"))
	if err != nil {
		return nil, err
	}
	bucket, err := fsblob.New(e.blobDir)
	if err != nil {
		return nil, err
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	e.srv = api.New(api.Config{Store: st, Logger: quiet, Password: auth.Fast, Blobs: bucket, UploadDir: filepath.Join(dir, "uploads"),
		LinkCacheTTL: time.Second}) // as the server command runs it
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	e.url = "http://" + ln.Addr().String()
	e.http = &http.Server{Handler: e.srv, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = e.http.Serve(ln) }()

	now := time.Now()
	p, err := api.CreateTenant(ctx, st, auth.Fast, api.NewTenant{Name: "基准影楼", AdminPhone: "13800000001", Seats: 10}, now)
	if err != nil {
		return nil, err
	}
	e.tenantID = p.Tenant.ID
	if _, err := api.TopUp(ctx, st, e.tenantID, 1_000_000, "", "", true, now); err != nil {
		return nil, err
	}
	var login struct{ Token string }
	if err := e.call("POST", "/api/v1/auth/login", map[string]any{"phone": p.Admin.Phone, "password": p.Password, "device_id": "bench", "device_name": "bench"}, &login); err != nil {
		return nil, err
	}
	e.token = login.Token
	var brand, branch, order, alb struct{ ID int64 }
	steps := []struct {
		path string
		body map[string]any
		out  *struct{ ID int64 }
	}{
		{"/api/v1/brands", map[string]any{"name": "基准婚纱", "type": "wedding"}, &brand},
		{"/api/v1/branches", nil, &branch},
		{"/api/v1/orders", nil, &order},
		{"", nil, &alb},
	}
	for i, s := range steps {
		switch i {
		case 1:
			s.body = map[string]any{"brand_id": brand.ID, "name": "一店"}
		case 2:
			s.body = map[string]any{"customer_name": "王小姐", "phone": "13600000001", "branch_id": branch.ID, "package": "A"}
		case 3:
			s.path = fmt.Sprintf("/api/v1/orders/%d/albums", order.ID)
			s.body = map[string]any{"kind": "retouched", "title": "精修"}
		}
		if err := e.call("POST", s.path, s.body, s.out); err != nil {
			return nil, err
		}
	}
	e.albumID = alb.ID
	e.client, err = apiclient.New(apiclient.Config{BaseURL: e.url, Token: e.token})
	return e, err
}

func (e *env) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = e.http.Shutdown(ctx)
}

// call sends a JSON request with the studio's token and decodes a 2xx answer into out.
func (e *env) call(method, path string, body, out any) error {
	b, _ := json.Marshal(body)
	req, err := http.NewRequest(method, e.url+path, bytes.NewReader(b))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if e.token != "" {
		req.Header.Set("Authorization", "Bearer "+e.token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if res.StatusCode/100 != 2 {
		return fmt.Errorf("%s %s: %d %s", method, path, res.StatusCode, raw)
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(raw, out)
}

// upload sends files through tus (the studio client's UploadFile, 8 MiB chunks; the first
// in the creating POST when withData), parallel at a time like the desktop engine's upload
// slots, and returns the bytes sent.
func (e *env) upload(files []string, parallel int, withData bool) (int64, error) {
	var total atomic.Int64
	next := make(chan string)
	errc := make(chan error, parallel)
	for range parallel {
		go func() {
			for f := range next {
				fh, err := os.Open(f)
				if err != nil {
					errc <- err
					return
				}
				st, _ := fh.Stat()
				_, err = e.client.UploadFile(context.Background(), apiclient.UploadRequest{AlbumID: e.albumID, Filename: filepath.Base(f),
					Size: st.Size(), CreateWithData: withData}, fh, "", 2, nil, nil)
				fh.Close()
				if err != nil {
					errc <- fmt.Errorf("upload %s: %w", f, err)
					return
				}
				total.Add(st.Size())
			}
			errc <- nil
		}()
	}
	var err error
feed:
	for _, f := range files {
		select {
		case next <- f:
		case err = <-errc: // a worker failed and stopped
			parallel--
			break feed
		}
	}
	close(next)
	for range parallel {
		if werr := <-errc; err == nil {
			err = werr
		}
	}
	return total.Load(), err
}

// renderAll runs the render jobs until none is left.
func (e *env) renderAll() error {
	for {
		ran, err := e.srv.RunOneJob(context.Background(), "bench")
		if err != nil {
			return err
		}
		if !ran {
			return nil
		}
	}
}

// share makes a link without a code and returns the ids of the album's photos.
func (e *env) share() ([]int64, error) {
	var link struct{ Token string }
	if err := e.call("POST", fmt.Sprintf("/api/v1/albums/%d/links", e.albumID), map[string]any{}, &link); err != nil {
		return nil, err
	}
	e.linkToken = link.Token
	var photos []struct {
		ID     int64
		Status string
	}
	if err := e.call("GET", "/api/v1/public/links/"+link.Token+"/photos", nil, &photos); err != nil {
		return nil, err
	}
	ids := make([]int64, 0, len(photos))
	for _, p := range photos {
		if p.Status == "ready" || p.Status == "" {
			ids = append(ids, p.ID)
		}
	}
	return ids, nil
}
