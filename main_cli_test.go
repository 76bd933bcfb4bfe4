package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/studiodesk/studiodesk/app/apptest"
	"github.com/studiodesk/studiodesk/app/ingest"
	"github.com/studiodesk/studiodesk/backend/media/mediatest"
)

// TestUploadCommand: `studiodesk upload DIR --album ID` uploads every photo under DIR (not
// the temporary files), shows progress, and a second run sends nothing again.
func TestUploadCommand(t *testing.T) {
	srv := apptest.NewUploadServer(t)
	dir := t.TempDir()
	for i, name := range []string{"a.jpg", filepath.Join("精修", "b.jpg"), filepath.Join("精修", "c.jpg")} {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, mediatest.JPEG(mediatest.Upright(40+i, 30), 1), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	os.WriteFile(filepath.Join(dir, "d.jpg.part"), []byte("half"), 0o644)
	env := map[string]string{"STUDIODESK_SERVER": srv.URL, "STUDIODESK_TOKEN": srv.Token, "STUDIODESK_CONFIG": t.TempDir(), "LANG": "en_US.UTF-8"}
	getenv := func(k string) string { return env[k] }
	upload := func() string {
		var out, errb bytes.Buffer
		if err := run(context.Background(), []string{"upload", dir, "--album", itoa(srv.AlbumID)}, getenv, &out, &errb); err != nil {
			t.Fatalf("upload: %v\n%s%s", err, out.String(), errb.String())
		}
		return errb.String()
	}
	first := upload()
	if !strings.Contains(first, "queued 3 new files") || !strings.Contains(first, "3 done, 0 failed") {
		t.Fatalf("first run said:\n%s", first)
	}
	photos, err := srv.Client.AlbumPhotos(context.Background(), srv.AlbumID)
	if err != nil || len(photos) != 3 {
		t.Fatalf("album holds %d photos (%v)", len(photos), err)
	}
	if second := upload(); !strings.Contains(second, "queued 0 new files") {
		t.Fatalf("second run said:\n%s", second)
	}
	var out, errb bytes.Buffer
	err = run(context.Background(), []string{"upload", dir}, getenv, &out, &errb)
	if err == nil || !strings.Contains(err.Error(), "--album") {
		t.Fatalf("without --album: %v", err)
	}
	// The photos went renditions first: each shows, and each original completed its photo.
	for _, p := range photos {
		if p.Status != "ready" || p.OriginalPending {
			t.Errorf("%s: status %s, original pending %v", p.Filename, p.Status, p.OriginalPending)
		}
	}
}

// TestCommandLanguage: the CLI speaks Simplified Chinese by default and English with
// LANG=en_… or --lang en.
func TestCommandLanguage(t *testing.T) {
	srv := apptest.NewUploadServer(t)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "a.jpg"), mediatest.JPEG(mediatest.Upright(40, 30), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		lang  string
		flags []string
		want  string
	}{
		{"", nil, "已排队 1 个新文件"},
		{"zh_CN.UTF-8", nil, "完成 1 个，失败 0 个"},
		{"zh_CN.UTF-8", []string{"--lang", "en"}, "1 done, 0 failed"},
		{"en_GB.UTF-8", nil, "queued 1 new files"},
	} {
		env := map[string]string{"STUDIODESK_SERVER": srv.URL, "STUDIODESK_TOKEN": srv.Token, "STUDIODESK_CONFIG": t.TempDir(), "LANG": c.lang}
		var out, errb bytes.Buffer
		args := append([]string{"upload", dir, "--album", itoa(srv.AlbumID)}, c.flags...)
		if err := run(context.Background(), args, func(k string) string { return env[k] }, &out, &errb); err != nil {
			t.Fatalf("LANG=%q %v: %v\n%s", c.lang, c.flags, err, errb.String())
		}
		if !strings.Contains(errb.String(), c.want) {
			t.Errorf("LANG=%q %v said:\n%s\nwant %q", c.lang, c.flags, errb.String(), c.want)
		}
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestUploadCommandRefusesABusyQueue: while another process sends the queue (the window),
// `studiodesk upload` says so, names the fix and queues nothing; once it is free, it runs.
func TestUploadCommandRefusesABusyQueue(t *testing.T) {
	srv := apptest.NewUploadServer(t)
	dir, config := t.TempDir(), t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "a.jpg"), mediatest.JPEG(mediatest.Upright(40, 30), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	q, err := ingest.OpenQueue(context.Background(), filepath.Join(config, "uploads.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	release, err := q.LockSender() // what the window's engine holds while it runs
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"STUDIODESK_SERVER": srv.URL, "STUDIODESK_TOKEN": srv.Token, "STUDIODESK_CONFIG": config}
	upload := func(lang string) (string, error) {
		env["LANG"] = lang
		var out, errb bytes.Buffer
		err := run(context.Background(), []string{"upload", dir, "--album", itoa(srv.AlbumID)}, func(k string) string { return env[k] }, &out, &errb)
		return errb.String(), err
	}
	if _, err := upload("en_US.UTF-8"); err == nil || !strings.Contains(err.Error(), "another StudioDesk is sending the upload queue in "+config) {
		t.Fatalf("busy queue: %v", err)
	}
	if _, err := upload(""); err == nil || !strings.Contains(err.Error(), "另一个 StudioDesk 正在发送") {
		t.Fatalf("busy queue in Chinese: %v", err)
	}
	if c, err := q.Counts(context.Background(), 0); err != nil || c.Queued+c.Done != 0 {
		t.Fatalf("a refused command queued files: %+v %v", c, err)
	}
	release()
	if said, err := upload("en_US.UTF-8"); err != nil || !strings.Contains(said, "1 done, 0 failed") {
		t.Fatalf("after the window let go: %v\n%s", err, said)
	}
}
