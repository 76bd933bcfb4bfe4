package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/studiodesk/studiodesk/backend/account"
	"github.com/studiodesk/studiodesk/backend/album"
	"github.com/studiodesk/studiodesk/backend/blob"
	"github.com/studiodesk/studiodesk/backend/store"
)

// deletePhoto removes a photo from its album (album.manage, the album in the caller's data
// scope): guests stop seeing it at once (this replica's link cache is emptied; a reverse
// proxy's rendition cache and other replicas' link caches let it go within a second), the
// album's size and the next storage charge drop, a cover that was this photo is cleared, and
// its stored file and renditions are deleted unless another album of the studio holds the
// same file. The same file may be uploaded to the album again later. Audited.
func (s *Server) deletePhoto(c *call) (any, error) {
	albumID, err := c.pathID("id")
	if err != nil {
		return nil, err
	}
	photoID, err := c.pathID("photo")
	if err != nil {
		return nil, err
	}
	if err := c.require(account.PermAlbumManage); err != nil {
		return nil, c.denied(err.(*Error), "photo.delete", "album", albumID)
	}
	var gone album.Photo
	var shared, live bool
	err = c.write(func(tx store.Tx) error {
		a, err := c.visibleAlbum(tx, albumID)
		if err != nil {
			return err
		}
		live = a.Live
		p, err := tx.GetPhoto(c.ctx, photoID)
		if errors.Is(err, store.ErrNotFound) || err == nil && p.AlbumID != albumID {
			return apiErr(http.StatusNotFound, "not_found", "", nil)
		}
		if err != nil {
			return err
		}
		if gone, err = tx.DeletePhoto(c.ctx, photoID); err != nil {
			return err
		}
		if shared, err = tx.HashInUse(c.ctx, gone.Hash, 0); err != nil {
			return err
		}
		return c.audit(tx, "photo.delete", "album", albumID, map[string]any{"photo_id": gone.ID, "filename": gone.Filename, "size": gone.Size}, nil)
	})
	if err != nil {
		return nil, c.albumDenied(err, "photo.delete", "album", albumID)
	}
	s.links.forget()
	if live {
		s.removedEvent(c.ctx, c.tenant.ID, gone)
	}
	if !shared && s.cfg.Blobs != nil {
		// After the commit: a failure leaves unreferenced objects (logged), never a photo
		// without its file.
		if err := deletePhotoObjects(c.ctx, s.tenantBucket(c.tenant.ID), gone); err != nil {
			s.log.WarnContext(c.ctx, "delete photo objects", "photo", gone.ID, "err", err)
		}
	}
	return map[string]any{"deleted": gone.ID}, nil
}

// deletePhotoObjects deletes a photo's stored original and renditions (clean and, when the
// photo was watermarked, marked); objects already gone are no error.
func deletePhotoObjects(ctx context.Context, b blob.Bucket, p album.Photo) error {
	keys := []string{originalKey(p.Hash), renditionKey(p.Hash, "thumb", ""), renditionKey(p.Hash, "preview", "")}
	if p.RenditionMark != "" { // watermarked renditions live under their own keys
		keys = append(keys, renditionKey(p.Hash, "thumb", p.RenditionMark), renditionKey(p.Hash, "preview", p.RenditionMark))
	}
	for _, key := range keys {
		if err := b.Delete(ctx, key); err != nil && !errors.Is(err, blob.ErrNotFound) {
			return fmt.Errorf("delete %s: %w", key, err)
		}
	}
	return nil
}
