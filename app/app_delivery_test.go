package app_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"image/png"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/studiodesk/studiodesk/app"
	"github.com/studiodesk/studiodesk/app/apptest"
	"github.com/studiodesk/studiodesk/backend/api"

	"github.com/studiodesk/studiodesk/backend/media/mediatest"
)

// The settings page's logo control and "send a test message" reach the server through the App.
func TestStudioLogoAndTestMessageThroughTheApp(t *testing.T) {
	t.Parallel()
	s := uploadServer(t)
	a, _ := apptest.NewApp(t, s.URL, nil)
	login(t, a, s)

	if l, err := a.StudioLogo(); err != nil || l.DataURL != "" {
		t.Fatalf("no logo yet: %+v %v", l, err)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, mediatest.Logo()); err != nil {
		t.Fatal(err)
	}
	info, err := a.SetStudioLogo(base64.StdEncoding.EncodeToString(buf.Bytes()))
	if err != nil || info.ContentType != "image/png" || info.Size != buf.Len() || info.Width != mediatest.Logo().Bounds().Dx() {
		t.Fatalf("set logo: %+v %v", info, err)
	}
	l, err := a.StudioLogo()
	if err != nil || l.DataURL != "data:image/png;base64,"+base64.StdEncoding.EncodeToString(buf.Bytes()) {
		t.Fatalf("logo read back: %.60s %v", l.DataURL, err)
	}
	_, err = a.SetStudioLogo(base64.StdEncoding.EncodeToString([]byte("not an image")))
	var ae *app.Error
	if !errors.As(err, &ae) || ae.Code != "logo_not_media" || ae.Field != "logo" {
		t.Fatalf("a text file as logo: %v", err)
	}
	if l, _ := a.StudioLogo(); !strings.HasPrefix(l.DataURL, "data:image/png") {
		t.Fatal("a refused logo replaced the stored one")
	}
	if _, err := a.SetStudioLogo("%%%"); !errors.As(err, &ae) || ae.Code != app.CodeInvalidValue || ae.Field != "logo" {
		t.Fatalf("not base64: %v", err)
	}
	if err := a.DeleteStudioLogo(); err != nil {
		t.Fatal(err)
	}
	if l, err := a.StudioLogo(); err != nil || l.DataURL != "" {
		t.Fatalf("after delete: %.40s %v", l.DataURL, err)
	}

	_, err = a.TestNotify(api.NotifyTest{Channel: "email", To: "wang@example.com"})
	if !errors.As(err, &ae) || ae.Code != "notify_test_not_set_up" || ae.Field != "channel" {
		t.Fatalf("test message without e-mail set up: %v", err)
	}
}

// Pause and the bandwidth cap act on the running engine and are kept across restarts.
func TestUploadSettingsPauseAndLimit(t *testing.T) {
	t.Parallel()
	s := uploadServer(t)
	progress := &progressLog{}
	a, dir := apptest.NewApp(t, s.URL, progress)
	login(t, a, s)
	al := newAlbum(t, a)

	var ae *app.Error
	if _, err := a.SetUploadSettings(app.UploadSettings{LimitKBps: -1}); !errors.As(err, &ae) || ae.Code != app.CodeInvalidValue || ae.Field != "limit_kbps" {
		t.Fatalf("negative limit: %v", err)
	}
	if got, err := a.SetUploadSettings(app.UploadSettings{Paused: true, LimitKBps: 512}); err != nil || !got.Paused || got.LimitKBps != 512 {
		t.Fatalf("set: %+v %v", got, err)
	}
	photo := filepath.Join(t.TempDir(), "IMG_0001.JPG")
	if err := os.WriteFile(photo, mediatest.JPEG(mediatest.Upright(300, 200), 0), 0o644); err != nil {
		t.Fatal(err)
	}
	type result struct {
		rep app.UploadReport
		err error
	}
	done := make(chan result, 1)
	go func() { rep, err := a.UploadPaths(al.ID, []string{photo}); done <- result{rep, err} }()
	waitFor(t, func() bool {
		progress.mu.Lock()
		defer progress.mu.Unlock()
		return progress.last.Paused && progress.last.FilesTotal == 1
	}, func() string { return fmt.Sprintf("%+v", progress.last) })
	if photos, err := a.AlbumPhotos(al.ID); err != nil || len(photos) != 0 {
		t.Fatalf("a paused computer uploaded: %v %v", photos, err)
	}
	select {
	case r := <-done:
		t.Fatalf("UploadPaths returned while paused: %+v %v", r.rep, r.err)
	default:
	}
	if _, err := a.SetUploadSettings(app.UploadSettings{LimitKBps: 512}); err != nil {
		t.Fatal(err)
	}
	r := <-done
	if r.err != nil || r.rep.Uploaded != 1 {
		t.Fatalf("after resuming: %+v %v", r.rep, r.err)
	}
	app.Stop(a)

	// A restart keeps the settings.
	b, err := app.New(context.Background(), app.Config{Dir: dir, ServerURL: s.URL, Version: "test", Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer app.Stop(b)
	if got, _ := b.UploadSettings(); got.Paused || got.LimitKBps != 512 {
		t.Fatalf("after a restart: %+v", got)
	}
}
