package apiclient

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"strconv"

	"github.com/studiodesk/studiodesk/backend/api"
)

// RenditionsRequest is a photo's thumb and preview, made on the desktop, sent before its
// original (POST /api/v1/albums/{id}/photos/renditions).
type RenditionsRequest struct {
	AlbumID        int64
	SHA256         string // of the original
	Filename       string
	Size           int64 // of the original
	Width, Height  int   // the original's upright size
	Thumb, Preview []byte
}

// UploadRenditions sends a photo's renditions; the photo shows in the album at once and
// waits for its original (UploadFile with the same SHA256 completes it).
func (c *Client) UploadRenditions(ctx context.Context, r RenditionsRequest) (api.RenditionsResult, error) {
	var buf bytes.Buffer
	buf.Grow(len(r.Thumb) + len(r.Preview) + 1024)
	mw := multipart.NewWriter(&buf)
	for _, f := range [][2]string{{"hash", r.SHA256}, {"filename", r.Filename}, {"size", strconv.FormatInt(r.Size, 10)},
		{"width", strconv.Itoa(r.Width)}, {"height", strconv.Itoa(r.Height)}} {
		if err := mw.WriteField(f[0], f[1]); err != nil {
			return api.RenditionsResult{}, err
		}
	}
	for _, f := range []struct {
		name string
		data []byte
	}{{"thumb", r.Thumb}, {"preview", r.Preview}} {
		w, err := mw.CreateFormFile(f.name, f.name+".jpg")
		if err != nil {
			return api.RenditionsResult{}, err
		}
		if _, err := w.Write(f.data); err != nil {
			return api.RenditionsResult{}, err
		}
	}
	if err := mw.Close(); err != nil {
		return api.RenditionsResult{}, err
	}
	path := idPath("/api/v1/albums", r.AlbumID, "photos", "renditions")
	var out api.RenditionsResult
	res, raw, err := c.exchange(ctx, http.MethodPost, path, nil, &buf, mw.FormDataContentType())
	if err != nil {
		return out, err
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		return out, unexpected(res, fmt.Sprintf("decode POST %s: %v", path, err))
	}
	return out, nil
}

// PhotoCheck is what an album holds of some files: complete photos (nothing to send) and
// photos waiting for their original (the renditions are there; send the original).
type PhotoCheck struct {
	Existing map[string]int64 `json:"existing"`
	Pending  map[string]int64 `json:"pending"`
}

// CheckAlbum is CheckPhotos with the photos waiting for their original.
func (c *Client) CheckAlbum(ctx context.Context, albumID int64, hashes []string) (PhotoCheck, error) {
	var out PhotoCheck
	err := c.do(ctx, http.MethodPost, idPath("/api/v1/albums", albumID, "photos", "check"), nil, map[string]any{"hashes": hashes}, &out)
	if out.Existing == nil {
		out.Existing = map[string]int64{}
	}
	if out.Pending == nil {
		out.Pending = map[string]int64{}
	}
	return out, err
}
