package api_test

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"strings"
	"testing"

	"github.com/studiodesk/studiodesk/backend/api/apiclient"
	"github.com/studiodesk/studiodesk/backend/media/mediatest"
)

func redLogoPNG(t *testing.T) []byte {
	var buf bytes.Buffer
	if err := png.Encode(&buf, mediatest.Logo()); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// greyPhoto is 1600×1200 grey upright, stored rotated like a portrait shot (EXIF 6).
func greyPhoto() []byte {
	return mediatest.JPEG(mediatest.Stored(mediatest.Flat(1600, 1200, color.RGBA{128, 128, 128, 255}), 6), 6)
}

func pixel(t *testing.T, jpg []byte, x, y int) [3]int {
	t.Helper()
	img, err := jpeg.Decode(bytes.NewReader(jpg))
	if err != nil {
		t.Fatal(err)
	}
	r, g, b, _ := img.At(x, y).RGBA()
	return [3]int{int(r >> 8), int(g >> 8), int(b >> 8)}
}

func closeTo(a, b [3]int, tol int) bool {
	for i := range a {
		if d := a[i] - b[i]; d > tol || d < -tol {
			return false
		}
	}
	return true
}

// TestWatermarkOnRenditions: with the studio's logo uploaded, the raw-proofs album (its
// default: watermark bottom right, 60 %) serves marked thumbs, previews, compressed
// downloads and zip entries, while a retouched album holding the same file serves clean
// ones; the two never overwrite each other. The logo endpoint refuses bad files with a
// message naming the field, needs settings.manage, and is the studio's own.
func TestWatermarkOnRenditions(t *testing.T) {
	t.Parallel()
	u := newUploadEnv(t)
	logo := redLogoPNG(t)

	t.Run("logo upload refusals", func(t *testing.T) {
		for _, tc := range []struct {
			token, body string
			status      int
			code        string
		}{
			{u.s.tokens["booking"], string(logo), 403, "forbidden"},
			{u.s.admin, "", 400, "logo_empty"},
			{u.s.admin, "这不是图片 this is not an image at all", 422, "logo_not_media"},
			{u.s.admin, string(logo[:len(logo)/2]), 422, "logo_image_corrupt"},
			{u.s.admin, string(mediatest.Bomb(30000, 30000)), 422, "logo_image_too_large"},
			{u.s.admin, strings.Repeat("x", 2<<20+1), 413, "logo_too_large"},
		} {
			r := u.req("PUT", "/api/v1/studio/logo", tc.token, tc.body)
			if r.Status != tc.status || r.code() != tc.code {
				t.Errorf("%s: %d %s", tc.code, r.Status, r.Raw)
			}
			if tc.code != "forbidden" && !strings.Contains(r.errField("message"), "影楼标志") {
				t.Errorf("%s: message does not name the field: %s", tc.code, r.Raw)
			}
		}
		if r := u.req("GET", "/api/v1/studio/logo", u.s.admin, nil); r.Status != 404 {
			t.Fatalf("nothing stored yet, got %d", r.Status)
		}
	})

	r := u.req("PUT", "/api/v1/studio/logo", u.s.admin, string(logo))
	if r.Status != 200 || r.num("width") != 200 || r.num("height") != 100 {
		t.Fatalf("logo %d %s", r.Status, r.Raw)
	}
	if st, _, body := u.get("/api/v1/studio/logo", "Authorization", "Bearer "+u.s.admin); st != 200 || !bytes.Equal(body, logo) {
		t.Fatalf("get logo %d", st)
	}
	other := u.newStudio("乙影楼", 2)
	if st, _, _ := u.get("/api/v1/studio/logo", "Authorization", "Bearer "+other.admin); st != 404 {
		t.Fatalf("another studio sees the logo: %d", st)
	}

	// The same file in the raw album (marked) and a retouched album (clean).
	photo := greyPhoto()
	orderID := u.must(200, "GET", fmt.Sprintf("/api/v1/albums/%d", u.albumID), u.s.admin, nil).num("order_id")
	clean := u.must(201, "POST", fmt.Sprintf("/api/v1/orders/%d/albums", orderID), u.s.admin, map[string]any{"kind": "retouched", "title": "精修"}).num("id")
	for _, albumID := range []int64{u.albumID, clean} {
		_, err := u.client(u.s.admin).UploadFile(context.Background(), apiclient.UploadRequest{AlbumID: albumID, Filename: "IMG_0001.JPG", Size: int64(len(photo))},
			bytes.NewReader(photo), "", 2, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
	}
	u.runJobs()

	grey, marked := [3]int{128, 128, 128}, [3]int{204, 51, 51} // 60 % red over grey
	previews := map[int64][]byte{}
	for _, albumID := range []int64{u.albumID, clean} {
		link := u.must(201, "POST", fmt.Sprintf("/api/v1/albums/%d/links", albumID), u.s.admin, map[string]any{})
		path := "/api/v1/public/links/" + link.Body["token"].(string)
		list := u.must(200, "GET", path+"/photos", "", nil)
		id := int64(list.List[0].(map[string]any)["id"].(float64))
		st, _, preview := u.get(fmt.Sprintf("%s/photos/%d/preview", path, id))
		if st != 200 {
			t.Fatalf("preview %d", st)
		}
		previews[albumID] = preview
		st, _, thumb := u.get(fmt.Sprintf("%s/photos/%d/thumb", path, id))
		if st != 200 {
			t.Fatalf("thumb %d", st)
		}
		// Preview 1600×1200 upright: the logo's red half covers about x 1212–1388, y 988–1164;
		// thumb 400×300: x 303–347, y 247–291.
		want := grey
		if albumID == u.albumID {
			want = marked
		}
		if got := pixel(t, preview, 1300, 1076); !closeTo(got, want, 14) {
			t.Errorf("album %d preview at the mark: %v, want %v", albumID, got, want)
		}
		if got := pixel(t, thumb, 325, 269); !closeTo(got, want, 20) {
			t.Errorf("album %d thumb at the mark: %v, want %v", albumID, got, want)
		}
		if got := pixel(t, preview, 200, 150); !closeTo(got, grey, 8) {
			t.Errorf("album %d preview away from the mark: %v", albumID, got)
		}
		if albumID != u.albumID {
			continue
		}
		// Raw proofs download compressed: the marked preview, also inside the zip, whose
		// entry size and CRC were taken from the marked preview.
		st, h, dl := u.get(fmt.Sprintf("%s/photos/%d/download", path, id))
		if st != 200 || !bytes.Equal(dl, preview) || h.Get("Content-Length") != fmt.Sprint(len(preview)) {
			t.Fatalf("compressed download %d, %d bytes, same as preview: %v", st, len(dl), bytes.Equal(dl, preview))
		}
		st, _, z := u.get(path + "/zip")
		zr, err := zip.NewReader(bytes.NewReader(z), int64(len(z)))
		if st != 200 || err != nil || len(zr.File) != 1 {
			t.Fatalf("zip %d %v", st, err)
		}
		rc, err := zr.File[0].Open()
		if err != nil {
			t.Fatal(err)
		}
		entry, err := io.ReadAll(rc) // checks the CRC
		if err != nil || !bytes.Equal(entry, preview) {
			t.Fatalf("zip entry: %v, same as preview: %v", err, bytes.Equal(entry, preview))
		}
	}
	if bytes.Equal(previews[u.albumID], previews[clean]) {
		t.Fatal("both albums serve the same preview")
	}
}

// TestWatermarkFollowsSettingsAndLogo: photos rendered before the logo existed get the mark
// once it is uploaded; changing the album's opacity, turning the watermark off and deleting
// the logo re-render them (the photo stays viewable meanwhile).
func TestWatermarkFollowsSettingsAndLogo(t *testing.T) {
	t.Parallel()
	u := newUploadEnv(t)
	if _, err := u.upload(u.s.admin, "IMG_0001.JPG", greyPhoto()); err != nil {
		t.Fatal(err)
	}
	u.runJobs()
	link := u.must(201, "POST", fmt.Sprintf("/api/v1/albums/%d/links", u.albumID), u.s.admin, map[string]any{})
	path := "/api/v1/public/links/" + link.Body["token"].(string)
	id := int64(u.must(200, "GET", path+"/photos", "", nil).List[0].(map[string]any)["id"].(float64))
	previewAt := func(want [3]int, why string) {
		t.Helper()
		st, _, b := u.get(fmt.Sprintf("%s/photos/%d/preview", path, id))
		if st != 200 {
			t.Fatalf("%s: preview %d", why, st)
		}
		if got := pixel(t, b, 1300, 1076); !closeTo(got, want, 14) {
			t.Fatalf("%s: %v at the mark, want %v", why, got, want)
		}
	}
	setWatermark := func(enabled bool, opacity int) {
		t.Helper()
		a := u.must(200, "GET", fmt.Sprintf("/api/v1/albums/%d", u.albumID), u.s.admin, nil).Body
		settings := a["settings"].(map[string]any)
		settings["watermark"] = map[string]any{"enabled": enabled, "position": "bottom_right", "opacity": opacity}
		u.must(200, "PUT", fmt.Sprintf("/api/v1/albums/%d", u.albumID), u.s.admin, a)
		u.runJobs()
	}
	grey := [3]int{128, 128, 128}
	previewAt(grey, "no logo yet")

	u.must(200, "PUT", "/api/v1/studio/logo", u.s.admin, string(redLogoPNG(t)))
	u.runJobs()
	previewAt([3]int{204, 51, 51}, "logo uploaded (60 %)")

	setWatermark(true, 100)
	previewAt([3]int{255, 0, 0}, "opacity 100 %")

	setWatermark(false, 100)
	previewAt(grey, "watermark off")

	setWatermark(true, 100)
	previewAt([3]int{255, 0, 0}, "watermark on again")
	u.must(204, "DELETE", "/api/v1/studio/logo", u.s.admin, nil)
	u.runJobs()
	previewAt(grey, "logo deleted")
}
