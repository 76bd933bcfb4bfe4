package api_test

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/studiodesk/studiodesk/backend/api/apiclient"
	"github.com/studiodesk/studiodesk/backend/blob"
)

// TestDeletePhotoAndCover: a studio picks an album's cover among its ready photos and
// deletes a photo: guests stop seeing it (page, thumb, zip), the album's count, size and
// cover follow, the stored file goes unless another album holds it, the same file may be
// uploaded again; another studio, a member without album rights and a photo of another
// album are refused.
func TestDeletePhotoAndCover(t *testing.T) {
	t.Parallel()
	s := newSharedEnv(t, map[string]any{"label": "朋友圈"})
	ctx := context.Background()
	ids := map[string]int64{}
	for _, p := range s.uploadEnv.photos() {
		m := p.(map[string]any)
		ids[m["filename"].(string)] = int64(m["id"].(float64))
	}
	albumPath := fmt.Sprintf("/api/v1/albums/%d", s.albumID)
	al := s.must(200, "GET", albumPath, s.s.admin, nil)
	bytesBefore := al.num("bytes")

	// A second album of the order holds the same file as IMG_0002.
	orderID := al.num("order_id")
	other := s.must(201, "POST", fmt.Sprintf("/api/v1/orders/%d/albums", orderID), s.s.admin, map[string]any{"kind": "retouched", "title": "精修"}).num("id")
	otherPhotos := func() []any {
		return s.must(200, "GET", fmt.Sprintf("/api/v1/albums/%d/photos", other), s.s.admin, nil).List
	}
	if _, err := s.client(s.s.admin).UploadFile(ctx, apiclient.UploadRequest{AlbumID: other, Filename: "IMG_0002.JPG", Size: int64(len(s.photos["IMG_0002.JPG"]))}, bytes.NewReader(s.photos["IMG_0002.JPG"]), "", 0, nil, nil); err != nil {
		t.Fatal(err)
	}
	s.runJobs()

	t.Run("cover", func(t *testing.T) {
		r := s.must(200, "PUT", albumPath, s.s.admin, map[string]any{"title": "底片", "cover_photo_id": ids["IMG_0001.JPG"]})
		if r.num("cover_photo_id") != ids["IMG_0001.JPG"] {
			t.Fatalf("cover %s", r.Raw)
		}
		otherID := int64(otherPhotos()[0].(map[string]any)["id"].(float64))
		for _, bad := range []int64{otherID, 999999} {
			r := s.req("PUT", albumPath, s.s.admin, map[string]any{"title": "底片", "cover_photo_id": bad})
			if r.Status != 422 || r.code() != "cover_photo_invalid" || r.errField("field") != "cover_photo_id" || !strings.Contains(r.errField("message"), "封面") {
				t.Fatalf("cover %d: %d %s", bad, r.Status, r.Raw)
			}
		}
	})

	photo := func(name string) string { return fmt.Sprintf("%s/photos/%d", albumPath, ids[name]) }
	t.Run("refused", func(t *testing.T) {
		b := s.newStudio("乙影楼", 2)
		if r := s.req("DELETE", photo("IMG_0001.JPG"), b.admin, nil); r.Status != 404 {
			t.Fatalf("B deletes A's photo: %d %s", r.Status, r.Raw)
		}
		if r := s.req("DELETE", photo("IMG_0001.JPG"), s.s.tokens["intake"], nil); r.Status != 403 {
			t.Fatalf("intake deletes a photo: %d %s", r.Status, r.Raw)
		}
		otherID := int64(otherPhotos()[0].(map[string]any)["id"].(float64))
		if r := s.req("DELETE", fmt.Sprintf("%s/photos/%d", albumPath, otherID), s.s.admin, nil); r.Status != 404 {
			t.Fatalf("another album's photo through this album: %d %s", r.Status, r.Raw)
		}
		if len(s.uploadEnv.photos()) != 3 || len(otherPhotos()) != 1 {
			t.Fatal("a refused delete removed something")
		}
	})

	t.Run("delete", func(t *testing.T) {
		thumb := fmt.Sprintf("%s/photos/%d/thumb", s.path, ids["IMG_0001.JPG"])
		if st, _, _ := s.get(thumb); st != 200 {
			t.Fatalf("thumb before: %d", st)
		}
		s.must(200, "DELETE", photo("IMG_0001.JPG"), s.s.admin, nil)
		if st, _, _ := s.get(thumb); st != 404 {
			t.Fatalf("thumb of a deleted photo: %d", st)
		}
		if list := s.must(200, "GET", s.path+"/photos", "", nil); len(list.List) != 2 || strings.Contains(string(list.Raw), "IMG_0001") {
			t.Fatalf("guest list %s", list.Raw)
		}
		st, _, z := s.get(s.path + "/zip")
		zr, err := zip.NewReader(bytes.NewReader(z), int64(len(z)))
		if st != 200 || err != nil || len(zr.File) != 2 {
			t.Fatalf("zip after delete: %d %v", st, err)
		}
		al := s.must(200, "GET", albumPath, s.s.admin, nil)
		if al.num("photo_count") != 2 || al.num("bytes") != bytesBefore-int64(len(s.photos["IMG_0001.JPG"])) || al.num("cover_photo_id") != 0 {
			t.Fatalf("album after delete %s", al.Raw)
		}
		if _, _, err := s.blobs.Get(ctx, fmt.Sprintf("studios/%d/originals/%s", s.s.tenantID, hexSHA(s.photos["IMG_0001.JPG"]))); !errors.Is(err, blob.ErrNotFound) {
			t.Fatalf("the deleted photo's file is still stored: %v", err)
		}
		if r := s.req("DELETE", photo("IMG_0001.JPG"), s.s.admin, nil); r.Status != 404 {
			t.Fatalf("deleted twice: %d", r.Status)
		}
	})

	t.Run("a file another album holds stays", func(t *testing.T) {
		s.must(200, "DELETE", photo("IMG_0002.JPG"), s.s.admin, nil)
		if !bytes.Equal(s.original(s.photos["IMG_0002.JPG"]), s.photos["IMG_0002.JPG"]) {
			t.Fatal("the other album's file was deleted")
		}
		if len(otherPhotos()) != 1 {
			t.Fatal("the other album lost its photo")
		}
	})

	t.Run("the same file again", func(t *testing.T) {
		data := s.photos["IMG_0001.JPG"]
		res, err := s.upload(s.s.admin, "IMG_0001.JPG", data)
		if err != nil || res.Duplicate || res.PhotoID == ids["IMG_0001.JPG"] {
			t.Fatalf("upload after delete: %+v %v", res, err)
		}
		if !bytes.Equal(s.original(data), data) {
			t.Fatal("the file was not stored again")
		}
	})
}
