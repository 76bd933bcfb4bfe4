package api

import (
	"bytes"
	"errors"
	"fmt"
	"hash/crc32"
	"image/jpeg"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strconv"
	"time"

	"github.com/studiodesk/studiodesk/backend/account"
	"github.com/studiodesk/studiodesk/backend/album"
	"github.com/studiodesk/studiodesk/backend/media"
	"github.com/studiodesk/studiodesk/backend/store"
)

// Renditions first (issue 6): the desktop makes a photo's thumb and preview with the same
// renderer the server uses (backend/media) and sends them before the original, so the photo
// shows in the album — and on live pages — while its original is still on its way over tus.
// The photo is created "original pending"; the tus upload of the same content (same SHA-256)
// completes it, and the server renders nothing again (tusFinish → ingest).
//
// POST /api/v1/albums/{id}/photos/renditions, multipart/form-data:
//
//	hash      SHA-256 of the original (64 lowercase hex digits)
//	filename  the original's name (as for tus)
//	size      the original's size in bytes
//	width, height  the original's upright size in pixels
//	thumb, preview JPEG files: exactly media.Thumb / media.Preview of width×height
//
// Answer: {"photo_id", "duplicate" (the album held the file already), "original_pending"}.

// Limits of what a desktop may store as renditions: generous for a 2048 px JPEG at quality
// 85 of a noisy frame (~1.5 MB), far below anything that would be abuse.
const (
	maxThumbBytes     = 1 << 20
	maxPreviewBytes   = 6 << 20
	maxRenditionsBody = maxThumbBytes + maxPreviewBytes + 64<<10
)

// RenditionsResult is the answer of the renditions endpoint.
type RenditionsResult struct {
	PhotoID         int64 `json:"photo_id"`
	Duplicate       bool  `json:"duplicate"`
	OriginalPending bool  `json:"original_pending"`
}

// renditionsForm is a parsed, not yet checked request.
type renditionsForm struct {
	fields         map[string]string
	thumb, preview []byte
}

func readRenditionsForm(r *http.Request, w http.ResponseWriter) (renditionsForm, error) {
	f := renditionsForm{fields: map[string]string{}}
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" || params["boundary"] == "" {
		return f, apiErr(http.StatusUnsupportedMediaType, "renditions_form_required", "", nil)
	}
	if r.ContentLength > maxRenditionsBody {
		return f, apiErr(http.StatusRequestEntityTooLarge, "renditions_too_large", "preview", map[string]any{"max_mb": maxPreviewBytes >> 20})
	}
	mr := multipart.NewReader(http.MaxBytesReader(w, r.Body, maxRenditionsBody), params["boundary"])
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return f, nil
		}
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return f, apiErr(http.StatusRequestEntityTooLarge, "renditions_too_large", "preview", map[string]any{"max_mb": maxPreviewBytes >> 20})
		}
		if err != nil {
			return f, apiErr(http.StatusBadRequest, "renditions_form_required", "", nil)
		}
		name := part.FormName()
		limit := int64(256)
		switch name {
		case "thumb":
			limit = maxThumbBytes
		case "preview":
			limit = maxPreviewBytes
		}
		b, err := io.ReadAll(io.LimitReader(part, limit+1))
		part.Close()
		if errors.As(err, &mbe) {
			return f, apiErr(http.StatusRequestEntityTooLarge, "renditions_too_large", "preview", map[string]any{"max_mb": maxPreviewBytes >> 20})
		}
		if err != nil {
			return f, apiErr(http.StatusBadRequest, "renditions_form_required", "", nil)
		}
		if int64(len(b)) > limit {
			if name == "thumb" || name == "preview" {
				return f, apiErr(http.StatusRequestEntityTooLarge, "rendition_too_large", name, map[string]any{"max_mb": max(1, limit>>20)})
			}
			return f, apiErr(http.StatusBadRequest, "invalid_value", name, nil)
		}
		switch name {
		case "thumb":
			f.thumb = b
		case "preview":
			f.preview = b
		default:
			f.fields[name] = string(b)
		}
	}
}

// checkRendition refuses what is not a complete JPEG of exactly the size spec makes of a
// w×h picture, and blanks any metadata in it (guests never get EXIF/GPS from a rendition).
func checkRendition(data []byte, spec media.Spec, w, h int) error {
	field := spec.Name
	if len(data) == 0 {
		return apiErr(http.StatusBadRequest, "required", field, nil)
	}
	if typ, err := media.Sniff(data[:min(len(data), media.SniffLen)]); err != nil || typ.ContentType != "image/jpeg" {
		return apiErr(http.StatusUnprocessableEntity, "rendition_not_jpeg", field, nil)
	}
	ww, wh := spec.Fit(w, h)
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return apiErr(http.StatusUnprocessableEntity, "rendition_not_jpeg", field, nil)
	}
	if cfg.Width != ww || cfg.Height != wh {
		return apiErr(http.StatusUnprocessableEntity, "rendition_wrong_size", field,
			map[string]any{"got": fmt.Sprintf("%d×%d", cfg.Width, cfg.Height), "want": fmt.Sprintf("%d×%d", ww, wh)})
	}
	// Decoded in full: a truncated or damaged file is refused now, not shown broken later.
	if _, err := jpeg.Decode(bytes.NewReader(data)); err != nil {
		return apiErr(http.StatusUnprocessableEntity, "rendition_not_jpeg", field, nil)
	}
	media.Sanitize(data[:min(len(data), media.HeadLen)], media.Strip{EXIF: true, GPS: true})
	return nil
}

// photoRenditions stores the desktop's renditions of a photo whose original follows.
func (s *Server) photoRenditions(c *call) (any, error) {
	if err := c.require(account.PermAlbumManage); err != nil {
		return nil, err
	}
	albumID, err := c.pathID("id")
	if err != nil {
		return nil, err
	}
	if s.cfg.Blobs == nil {
		return nil, apiErr(http.StatusNotFound, "not_found", "", nil)
	}
	form, err := readRenditionsForm(c.r, c.w)
	if err != nil {
		return nil, err
	}
	hash := form.fields["hash"]
	if !album.ValidHash(hash) {
		return nil, apiErr(http.StatusBadRequest, "invalid_value", "hash", map[string]any{"allowed": "64 lowercase hex digits"})
	}
	name, err := album.CleanFilename(form.fields["filename"])
	if err != nil {
		return nil, err
	}
	ext := extOf(name)
	if !imageExts[ext] {
		return nil, apiErr(http.StatusUnsupportedMediaType, "file_type_unsupported", "filename", map[string]any{"filename": name})
	}
	size, err := strconv.ParseInt(form.fields["size"], 10, 64)
	if err != nil || size <= 0 {
		return nil, apiErr(http.StatusBadRequest, "invalid_value", "size", nil)
	}
	if size > s.cfg.MaxImageSize {
		return nil, apiErr(http.StatusRequestEntityTooLarge, "file_too_large", "filename",
			map[string]any{"filename": name, "max": fmt.Sprintf("%d MB", s.cfg.MaxImageSize>>20)})
	}
	w, werr := strconv.Atoi(form.fields["width"])
	h, herr := strconv.Atoi(form.fields["height"])
	if werr != nil || herr != nil || w <= 0 || h <= 0 {
		return nil, apiErr(http.StatusBadRequest, "invalid_value", "width", nil)
	}
	if err := (media.Limits{}).Check(w, h); err != nil {
		return nil, apiErr(http.StatusUnprocessableEntity, "renditions_image_too_large", "width", map[string]any{"filename": name})
	}
	for _, r := range []struct {
		data []byte
		spec media.Spec
	}{{form.thumb, media.Thumb}, {form.preview, media.Preview}} {
		if err := checkRendition(r.data, r.spec, w, h); err != nil {
			return nil, err
		}
	}

	// The album first (scope, purge, unpaid storage), and whether it holds the file already.
	var a album.Album
	var existing album.Photo
	err = c.view(func(tx store.Tx) error {
		if a, err = c.visibleAlbum(tx, albumID); err != nil {
			return err
		}
		if a.PurgedAt != nil {
			return apiErr(http.StatusGone, "album_purged", "album_id", map[string]any{"date": a.PurgedAt.In(shanghai).Format(time.DateOnly)})
		}
		if err := c.checkStorageUnpaid(tx); err != nil {
			return err
		}
		have, err := tx.PhotoHashes(c.ctx, albumID, []string{hash})
		if id, ok := have[hash]; ok && err == nil {
			existing, err = tx.GetPhoto(c.ctx, id)
		}
		return err
	})
	if err != nil {
		return nil, c.albumDenied(err, "photo.renditions", "album", albumID)
	}
	if existing.ID != 0 { // nothing stored twice: a retry after a lost answer, or a file the album has
		return RenditionsResult{PhotoID: existing.ID, Duplicate: !existing.OriginalPending, OriginalPending: existing.OriginalPending}, nil
	}

	bucket := s.tenantBucket(c.tenant.ID)
	for _, r := range []struct {
		name string
		data []byte
	}{{media.Thumb.Name, form.thumb}, {media.Preview.Name, form.preview}} {
		if _, err := bucket.Put(c.ctx, renditionKey(hash, r.name, ""), bytes.NewReader(r.data), int64(len(r.data)), "image/jpeg"); err != nil {
			return nil, fmt.Errorf("store %s: %w", r.name, err)
		}
	}
	p := album.Photo{AlbumID: albumID, Hash: hash, Size: size, Filename: name, ContentType: mime.TypeByExtension("." + ext),
		Kind: string(media.KindImage), Status: album.PhotoReady, OriginalPending: true, CreatedBy: c.staff.ID, CreatedAt: c.now, UpdatedAt: c.now}
	if p.ContentType == "" || ext == "jpg" || ext == "jpeg" {
		p.ContentType = "image/jpeg"
	}
	result := album.RenderResult{Status: album.PhotoReady, Width: w, Height: h,
		PreviewSize: int64(len(form.preview)), PreviewCRC: crc32.ChecksumIEEE(form.preview)}
	// A watermarked album: the marked renditions are made from the preview just received
	// (render reads it while the original is pending), not from a second full decode.
	mark, markID, err := s.markOf(c.ctx, c.tenant.ID, a)
	if err != nil {
		return nil, err
	}
	if mark != nil {
		if result, err = s.renderAndStore(c.ctx, c.tenant.ID, p, mark, markID); err != nil {
			return nil, fmt.Errorf("watermark renditions: %w", err)
		}
		result.Width, result.Height = w, h
	}

	out := RenditionsResult{OriginalPending: true}
	err = c.write(func(tx store.Tx) error {
		if _, err := c.visibleAlbum(tx, albumID); err != nil {
			return err
		}
		have, err := tx.PhotoHashes(c.ctx, albumID, []string{hash})
		if err != nil {
			return err
		}
		if id, ok := have[hash]; ok { // another request won the race
			existing, err = tx.GetPhoto(c.ctx, id)
			out = RenditionsResult{PhotoID: id, Duplicate: !existing.OriginalPending, OriginalPending: existing.OriginalPending}
			return err
		}
		if p, err = tx.InsertPhoto(c.ctx, p); err != nil {
			return err
		}
		if p, err = tx.SetPhotoResult(c.ctx, p.ID, result, c.now); err != nil {
			return err
		}
		out.PhotoID = p.ID
		if err := s.scheduleUploadNotice(c.ctx, tx, albumID, c.now); err != nil {
			return err
		}
		return c.audit(tx, "photo.renditions", "photo", p.ID, nil, p)
	})
	if err != nil {
		return nil, c.albumDenied(err, "photo.renditions", "album", albumID)
	}
	if existing.ID == 0 {
		s.photoEvent(c.ctx, c.tenant.ID, p) // live pages show it now
	}
	return out, nil
}
