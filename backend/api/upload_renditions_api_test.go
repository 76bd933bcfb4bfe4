package api_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image/jpeg"
	"strings"
	"testing"

	"github.com/studiodesk/studiodesk/backend/api/apiclient"
	"github.com/studiodesk/studiodesk/backend/blob"
	"github.com/studiodesk/studiodesk/backend/media"
	"github.com/studiodesk/studiodesk/backend/media/mediatest"
)

// desktopRenditions renders photo as the desktop does (backend/media) into a request.
func desktopRenditions(t *testing.T, albumID int64, name string, photo []byte) apiclient.RenditionsRequest {
	t.Helper()
	img, rs, err := media.Best(media.Limits{}).Render(context.Background(), bytes.NewReader(photo), []media.Spec{media.Thumb, media.Preview})
	if err != nil {
		t.Fatal(err)
	}
	return apiclient.RenditionsRequest{AlbumID: albumID, SHA256: hexSHA(photo), Filename: name, Size: int64(len(photo)),
		Width: img.Width, Height: img.Height, Thumb: rs[0].Data, Preview: rs[1].Data}
}

// TestRenditionsFirst: the desktop's renditions create the photo (shown, on the live page,
// original pending: its download refused with a clear code, the zip without it); the tus
// upload of the same content completes that photo and nothing is rendered again.
func TestRenditionsFirst(t *testing.T) {
	t.Parallel()
	u := newUploadEnv(t)
	ctx := context.Background()
	photo := mediatest.JPEG(mediatest.Stored(mediatest.Upright(2400, 1600), 6), 6)
	req := desktopRenditions(t, u.albumID, "DSC_0001.JPG", photo)
	if req.Width != 2400 || req.Height != 1600 {
		t.Fatalf("upright size %d×%d", req.Width, req.Height)
	}
	c := u.client(u.s.admin)
	res, err := c.UploadRenditions(ctx, req)
	if err != nil || res.PhotoID == 0 || res.Duplicate || !res.OriginalPending {
		t.Fatalf("renditions: %+v %v", res, err)
	}
	ps := u.photos()
	p := ps[0].(map[string]any)
	if len(ps) != 1 || p["status"] != "ready" || p["original_pending"] != true || p["width"].(float64) != 2400 {
		t.Fatalf("photo %v", p)
	}
	a := u.must(200, "GET", fmt.Sprintf("/api/v1/albums/%d", u.albumID), u.s.admin, nil).Body
	a["settings"].(map[string]any)["download"] = "original"
	u.must(200, "PUT", fmt.Sprintf("/api/v1/albums/%d", u.albumID), u.s.admin, a)
	check, err := c.CheckAlbum(ctx, u.albumID, []string{req.SHA256})
	if err != nil || len(check.Existing) != 0 || check.Pending[req.SHA256] != res.PhotoID {
		t.Fatalf("check while pending: %+v %v", check, err)
	}
	link := u.must(201, "POST", fmt.Sprintf("/api/v1/albums/%d/links", u.albumID), u.s.admin, map[string]any{})
	path := "/api/v1/public/links/" + link.Body["token"].(string)
	if n := len(u.must(200, "GET", path+"/photos", "", nil).List); n != 1 {
		t.Fatalf("guests see %d photos", n)
	}
	st, _, thumb := u.get(fmt.Sprintf("%s/photos/%d/thumb", path, res.PhotoID))
	if st != 200 || !bytes.Equal(thumb, req.Thumb) {
		t.Fatalf("thumb %d (%d bytes)", st, len(thumb))
	}
	if r := u.req("GET", fmt.Sprintf("%s/photos/%d/download", path, res.PhotoID), "", nil); r.Status != 409 || r.code() != "original_pending" {
		t.Fatalf("original download while pending: %d %s", r.Status, r.code())
	}
	again, err := c.UploadRenditions(ctx, req)
	if err != nil || again.PhotoID != res.PhotoID || !again.OriginalPending {
		t.Fatalf("renditions again: %+v %v", again, err)
	}

	up, err := u.upload(u.s.admin, "DSC_0001.JPG", photo)
	if err != nil || up.PhotoID != res.PhotoID {
		t.Fatalf("original: %+v %v (photo %d)", up, err, res.PhotoID)
	}
	if ran, _ := u.srvAPI.RunOneJob(ctx, "test"); ran {
		// Only the upload notice may be queued; a render job would be work done twice.
		u.runJobs()
	}
	audit := string(u.must(200, "GET", "/api/v1/audit?entity=photo", u.s.admin, nil).Raw)
	if !strings.Contains(audit, `"photo.renditions"`) || !strings.Contains(audit, `"photo.original"`) || strings.Contains(audit, `"photo.upload"`) {
		t.Fatalf("audit %s", audit)
	}
	ps = u.photos()
	p = ps[0].(map[string]any)
	if len(ps) != 1 || p["status"] != "ready" || p["original_pending"] != nil || p["size"].(float64) != float64(len(photo)) {
		t.Fatalf("after the original: %v", p)
	}
	st, _, thumb = u.get(fmt.Sprintf("%s/photos/%d/thumb", path, res.PhotoID))
	if st != 200 || !bytes.Equal(thumb, req.Thumb) {
		t.Fatal("the server rendered the thumb again")
	}
	if st, _, b := u.get(fmt.Sprintf("%s/photos/%d/download", path, res.PhotoID)); st != 200 || len(b) < len(photo)/2 {
		t.Fatalf("original download %d (%d bytes)", st, len(b))
	}
	if d := u.must(200, "GET", fmt.Sprintf("/api/v1/albums/%d", u.albumID), u.s.admin, nil); d.num("photo_count") != 1 || d.num("bytes") != int64(len(photo)) {
		t.Fatalf("album counters %s", d.Raw)
	}
	dup, err := c.UploadRenditions(ctx, req)
	if err != nil || !dup.Duplicate || dup.PhotoID != res.PhotoID {
		t.Fatalf("renditions of a complete photo: %+v %v", dup, err)
	}
}

// TestRenditionsWatermarkFromPreview: in a watermarked album the marked renditions are made
// from the preview the desktop sent (no original needed).
func TestRenditionsWatermarkFromPreview(t *testing.T) {
	t.Parallel()
	u := newUploadEnv(t)
	u.must(200, "PUT", "/api/v1/studio/logo", u.s.admin, string(redLogoPNG(t)))
	a := u.must(200, "GET", fmt.Sprintf("/api/v1/albums/%d", u.albumID), u.s.admin, nil).Body
	a["settings"].(map[string]any)["watermark"] = map[string]any{"enabled": true, "position": "bottom_right", "opacity": 100}
	u.must(200, "PUT", fmt.Sprintf("/api/v1/albums/%d", u.albumID), u.s.admin, a)
	u.runJobs()
	photo := mediatest.JPEG(mediatest.Upright(1600, 1200), 1)
	req := desktopRenditions(t, u.albumID, "a.jpg", photo)
	res, err := u.client(u.s.admin).UploadRenditions(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	link := u.must(201, "POST", fmt.Sprintf("/api/v1/albums/%d/links", u.albumID), u.s.admin, map[string]any{})
	st, _, b := u.get(fmt.Sprintf("/api/v1/public/links/%s/photos/%d/preview", link.Body["token"].(string), res.PhotoID))
	if st != 200 || bytes.Equal(b, req.Preview) {
		t.Fatalf("preview %d: the watermark is missing", st)
	}
	img, err := jpeg.Decode(bytes.NewReader(b))
	if err != nil || img.Bounds().Dx() != 1600 {
		t.Fatalf("marked preview %v %v", img.Bounds(), err)
	}
}

// TestRenditionsBadInput: garbage, wrong sizes, oversized files, another studio's album and
// a caller without album.manage are each refused with a clear code, and nothing is stored.
func TestRenditionsBadInput(t *testing.T) {
	t.Parallel()
	u := newUploadEnv(t)
	b := u.newStudio("乙影楼", 2)
	ctx := context.Background()
	photo := mediatest.JPEG(mediatest.Upright(1000, 800), 1)
	good := desktopRenditions(t, u.albumID, "a.jpg", photo)
	other := desktopRenditions(t, u.albumID, "b.jpg", mediatest.JPEG(mediatest.Upright(800, 800), 1))
	cases := []struct {
		name  string
		token string
		edit  func(r *apiclient.RenditionsRequest)
		code  string
		field string
	}{
		{"not a JPEG", u.s.admin, func(r *apiclient.RenditionsRequest) { r.Preview = []byte("<html>not a picture</html>") }, "rendition_not_jpeg", "preview"},
		{"truncated JPEG", u.s.admin, func(r *apiclient.RenditionsRequest) { r.Thumb = r.Thumb[:len(r.Thumb)/2] }, "rendition_not_jpeg", "thumb"},
		{"wrong dimensions", u.s.admin, func(r *apiclient.RenditionsRequest) { r.Preview = other.Preview }, "rendition_wrong_size", "preview"},
		{"declared size lies", u.s.admin, func(r *apiclient.RenditionsRequest) { r.Width = 4000 }, "rendition_wrong_size", "thumb"},
		{"too big", u.s.admin, func(r *apiclient.RenditionsRequest) { r.Preview = append(r.Preview, make([]byte, 7<<20)...) }, "rendition_too_large", "preview"},
		{"too many pixels", u.s.admin, func(r *apiclient.RenditionsRequest) { r.Width, r.Height = 50000, 50000 }, "renditions_image_too_large", "width"},
		{"bad hash", u.s.admin, func(r *apiclient.RenditionsRequest) { r.SHA256 = "abc" }, "invalid_value", "hash"},
		{"path in the name", u.s.admin, func(r *apiclient.RenditionsRequest) { r.Filename = "../a.jpg" }, "filename_invalid", "filename"},
		{"a video", u.s.admin, func(r *apiclient.RenditionsRequest) { r.Filename = "a.mp4" }, "file_type_unsupported", "filename"},
		{"other studio's album", b.admin, nil, "not_found", ""},
		{"no album.manage", u.s.tokens["intake"], nil, "forbidden", ""},
		{"not logged in", "", nil, "unauthenticated", ""},
	}
	for _, tc := range cases {
		r := good
		if tc.edit != nil {
			tc.edit(&r)
		}
		_, err := u.client(tc.token).UploadRenditions(ctx, r)
		var ae *apiclient.Error
		if !errors.As(err, &ae) || ae.Code != tc.code || ae.Field != tc.field || ae.Message == "" {
			t.Errorf("%s: %v (%+v), want %s on %q", tc.name, err, ae, tc.code, tc.field)
		}
	}
	// English on request, naming the field.
	en, _ := apiclient.New(apiclient.Config{BaseURL: u.srv.URL, Token: u.s.admin, Language: "en"})
	bad := good
	bad.Preview = other.Preview
	if _, err := en.UploadRenditions(ctx, bad); err == nil || !strings.Contains(err.Error(), "The “preview” is") {
		t.Errorf("English refusal: %v", err)
	}
	if n := len(u.photos()); n != 0 {
		t.Fatalf("%d photos stored from bad requests", n)
	}
	objs := 0
	if err := u.blobs.List(ctx, fmt.Sprintf("studios/%d/renditions/", u.s.tenantID), func(blob.Info) error { objs++; return nil }); err != nil || objs != 0 {
		t.Fatalf("%d rendition objects stored from bad requests (%v)", objs, err)
	}
}
