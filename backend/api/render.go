package api

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math/rand/v2"
	"strconv"
	"strings"
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
	result, err := s.renderAndStore(ctx, j.TenantID, p, mark, markID)
	if code := media.CodeOf(err); code != "" {
		return nil, s.photoResult(ctx, j.TenantID, id, album.RenderResult{Status: album.PhotoFailed, Reason: code}, now)
	}
	if err != nil {
		return s.renderRetry(ctx, j, id, now, err)
	}
	return nil, s.photoResult(ctx, j.TenantID, id, result, now)
}

// renderAndStore makes p's renditions with mark (nil = none) and stores them under the keys
// of markID; the result is what to record on the photo. A media error means the file
// cannot be rendered; other errors are storage trouble worth a retry.
func (s *Server) renderAndStore(ctx context.Context, tenantID int64, p album.Photo, mark *media.Mark, markID string) (album.RenderResult, error) {
	info, rs, err := s.render(ctx, tenantID, p, mark)
	if err != nil {
		return album.RenderResult{}, err
	}
	bucket := s.tenantBucket(tenantID)
	result := album.RenderResult{Status: album.PhotoReady, Width: info.Width, Height: info.Height, Mark: markID}
	for _, r := range rs {
		if _, err := bucket.Put(ctx, renditionKey(p.Hash, r.Spec.Name, markID), bytes.NewReader(r.Data), int64(len(r.Data)), "image/jpeg"); err != nil {
			return album.RenderResult{}, fmt.Errorf("store %s: %w", r.Spec.Name, err)
		}
		if r.Spec == media.Preview {
			result.PreviewSize, result.PreviewCRC = int64(len(r.Data)), crc32.ChecksumIEEE(r.Data)
		}
	}
	return result, nil
}

// JobRemark brings the renditions of ready photos in line with the watermark wanted now:
// key "album:<id>@<ms>.<random>" re-renders that album's photos whose mark differs (the
// album's watermark settings changed); key "studio@…" schedules that for every album with the
// watermark on (the logo changed). The suffix makes every change a job of its own
// (finished jobs keep their key); a job finding nothing to do is cheap. Photos stay visible
// with their old renditions until the new ones are stored; the old objects are kept (a zip
// being downloaded may still read them).
const JobRemark = "media.remark"

// scheduleRemark queues a re-mark of one album (albumID > 0) or of the whole studio.
func scheduleRemark(ctx context.Context, tx store.Tx, albumID int64, now time.Time) error {
	key := "studio"
	if albumID > 0 {
		key = "album:" + strconv.FormatInt(albumID, 10)
	}
	return tx.ScheduleJob(ctx, JobRemark, fmt.Sprintf("%s@%d.%x", key, now.UnixMilli(), rand.Uint32()), nil, now)
}

func (s *Server) remarkJob(ctx context.Context, j store.Job, now time.Time) (*time.Time, error) {
	target, _, _ := strings.Cut(j.Key, "@")
	if target == "studio" {
		return nil, s.remarkStudio(ctx, j.TenantID, now)
	}
	id, err := strconv.ParseInt(strings.TrimPrefix(target, "album:"), 10, 64)
	if err != nil {
		return nil, fmt.Errorf("remark job key %q: %w", j.Key, err)
	}
	var a album.Album
	var photos []album.Photo
	err = s.cfg.Store.View(ctx, j.TenantID, func(tx store.Tx) (err error) {
		if a, err = tx.GetAlbum(ctx, id); err != nil {
			return err
		}
		photos, err = tx.ListPhotos(ctx, id)
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil // deleted meanwhile
	}
	if err != nil {
		return nil, err
	}
	mark, markID, err := s.markOf(ctx, j.TenantID, a)
	if err != nil {
		return nil, err
	}
	for _, p := range photos {
		if p.Kind != string(media.KindImage) || p.Status != album.PhotoReady || p.RenditionMark == markID {
			continue
		}
		result, err := s.renderAndStore(ctx, j.TenantID, p, mark, markID)
		if media.CodeOf(err) != "" {
			s.log.WarnContext(ctx, "remark: cannot render", "photo", p.ID, "studio", j.TenantID, "err", err)
			continue
		}
		if err != nil {
			if j.Attempts >= renderAttempts {
				s.log.ErrorContext(ctx, "remark gave up", "album", id, "studio", j.TenantID, "err", err)
				return nil, nil
			}
			retry := now.Add(time.Duration(j.Attempts*j.Attempts) * 10 * time.Second)
			return &retry, err
		}
		if err := s.photoResult(ctx, j.TenantID, p.ID, result, now); err != nil && !errors.Is(err, store.ErrNotFound) {
			return nil, err
		}
	}
	s.links.forget()
	return nil, nil
}

// remarkStudio queues a re-mark of every album of the studio whose watermark is on.
func (s *Server) remarkStudio(ctx context.Context, tenantID int64, now time.Time) error {
	all := store.LeadScope{All: true}
	var before int64
	for {
		var orders []album.Order
		err := s.cfg.Store.View(ctx, tenantID, func(tx store.Tx) (err error) {
			orders, err = tx.ListOrders(ctx, store.OrderFilter{Scope: all, BeforeID: before, Limit: 200})
			return err
		})
		if err != nil || len(orders) == 0 {
			return err
		}
		err = s.cfg.Store.Update(ctx, tenantID, func(tx store.Tx) error {
			for _, o := range orders {
				albums, err := tx.ListAlbums(ctx, o.ID)
				if err != nil {
					return err
				}
				for _, a := range albums {
					if a.Settings.Watermark.Enabled && a.Kind != album.KindVideo {
						if err := scheduleRemark(ctx, tx, a.ID, now); err != nil {
							return err
						}
					}
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		before = orders[len(orders)-1].ID
	}
}

func (s *Server) render(ctx context.Context, tenantID int64, p album.Photo, mark *media.Mark) (media.Image, []media.Rendition, error) {
	key := originalKey(p.Hash)
	if p.OriginalPending { // renditions came first: the preview is the largest picture there is
		key = renditionKey(p.Hash, media.Preview.Name, "")
	}
	rc, info, err := s.tenantBucket(tenantID).Get(ctx, key)
	if err != nil {
		return media.Image{}, nil, fmt.Errorf("open original of photo %d: %w", p.ID, err)
	}
	defer rc.Close()
	return s.cfg.Renderer.RenderMarked(ctx, sizedReader{rc, info.Size}, renditionSpecs, mark)
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
