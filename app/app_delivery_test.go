package app_test

import (
	"bytes"
	"encoding/base64"
	"errors"
	"image/png"
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
