package api

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"strconv"
	"time"

	"github.com/studiodesk/studiodesk/backend/album"
	"github.com/studiodesk/studiodesk/backend/media"
	"github.com/studiodesk/studiodesk/backend/store"
)

// renditionSpecs are what every photo gets.
var renditionSpecs = []media.Spec{media.Thumb, media.Preview}

// renderAttempts bounds retries of storage trouble; a file the renderer refuses fails at once.
const renderAttempts = 5

// renderJob makes one photo's renditions and records the outcome on the photo. It returns
// when to try again (storage errors, with backoff) or nil when the photo's fate is decided:
// ready, or failed with the renderer's reason (truncated, too many pixels, no decoder).
func (s *Server) renderJob(ctx context.Context, j store.Job, now time.Time) (*time.Time, error) {
	id, err := strconv.ParseInt(j.Key, 10, 64)
	if err != nil {
		return nil, fmt.Errorf("render job key %q: %w", j.Key, err)
	}
	var p album.Photo
	var a album.Album
	err = s.cfg.Store.View(ctx, j.TenantID, func(tx store.Tx) (err error) {
		if p, err = tx.GetPhoto(ctx, id); err != nil {
			return err
		}
		a, err = tx.GetAlbum(ctx, p.AlbumID)
		return err
	})
	if errors.Is(err, store.ErrNotFound) || (err == nil && p.Status != album.PhotoProcessing) {
		return nil, nil // deleted meanwhile, or already done
	}
	if err != nil {
		return s.renderRetry(ctx, j, id, now, err)
	}
	mark, markID, err := s.markOf(ctx, j.TenantID, a)
	if err != nil {
		return s.renderRetry(ctx, j, id, now, err)
	}
	info, rs, err := s.render(ctx, j.TenantID, p, mark)
	if code := media.CodeOf(err); code != "" {
		return nil, s.photoResult(ctx, j.TenantID, id, album.RenderResult{Status: album.PhotoFailed, Reason: code}, now)
	}
	if err != nil {
		return s.renderRetry(ctx, j, id, now, err)
	}
	bucket := s.tenantBucket(j.TenantID)
	result := album.RenderResult{Status: album.PhotoReady, Width: info.Width, Height: info.Height, Mark: markID}
	for _, r := range rs {
		if _, err := bucket.Put(ctx, renditionKey(p.Hash, r.Spec.Name, markID), bytes.NewReader(r.Data), int64(len(r.Data)), "image/jpeg"); err != nil {
			return s.renderRetry(ctx, j, id, now, fmt.Errorf("store %s: %w", r.Spec.Name, err))
		}
		if r.Spec == media.Preview {
			result.PreviewSize, result.PreviewCRC = int64(len(r.Data)), crc32.ChecksumIEEE(r.Data)
		}
	}
	return nil, s.photoResult(ctx, j.TenantID, id, result, now)
}

func (s *Server) render(ctx context.Context, tenantID int64, p album.Photo, mark *media.Mark) (media.Image, []media.Rendition, error) {
	rc, _, err := s.tenantBucket(tenantID).Get(ctx, originalKey(p.Hash))
	if err != nil {
		return media.Image{}, nil, fmt.Errorf("open original of photo %d: %w", p.ID, err)
	}
	defer rc.Close()
	return s.cfg.Renderer.RenderMarked(ctx, sizedReader{rc, p.Size}, renditionSpecs, mark)
}

func (s *Server) renderRetry(ctx context.Context, j store.Job, id int64, now time.Time, cause error) (*time.Time, error) {
	if j.Attempts >= renderAttempts {
		s.log.ErrorContext(ctx, "render gave up", "photo", id, "studio", j.TenantID, "err", cause)
		return nil, s.photoResult(ctx, j.TenantID, id, album.RenderResult{Status: album.PhotoFailed, Reason: "render_failed"}, now)
	}
	next := now.Add(time.Duration(j.Attempts*j.Attempts) * 10 * time.Second)
	return &next, cause
}

func (s *Server) photoResult(ctx context.Context, tenantID, id int64, r album.RenderResult, now time.Time) error {
	var p album.Photo
	err := s.cfg.Store.Update(ctx, tenantID, func(tx store.Tx) (err error) {
		p, err = tx.SetPhotoResult(ctx, id, r, now)
		return err
	})
	if err == nil {
		s.photoEvent(ctx, tenantID, p) // guests watching the album see it now
	}
	return err
}

// sizedReader tells the renderer how long the original is (media.Sized).
type sizedReader struct {
	io.Reader
	size int64
}

func (r sizedReader) Size() int64 { return r.size }
