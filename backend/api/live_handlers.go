package api

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/studiodesk/studiodesk/backend/album"
	"github.com/studiodesk/studiodesk/backend/live"
)

// liveHeartbeat keeps proxies from closing a quiet event stream, and is when a stream
// re-checks that its link is still open.
var liveHeartbeat = 15 * time.Second

func (s *Server) liveRoutes(m *http.ServeMux) {
	m.Handle("GET /api/v1/public/links/{token}/events", s.raw(s.publicEvents))
}

// publicEvents streams an album's new photos to a guest's page as server-sent events
// ("event: photo", data: a PublicPhoto; one with "removed": true when the studio deleted
// it), newest as they become ready, across every server
// replica (Config.Live). The link is checked like every customer request, and again at each
// heartbeat: a revoked or expired link ends the stream, and so does the album's live flag
// being turned off. Only live albums have a stream: any other answers 404 album_not_live.
func (s *Server) publicEvents(c *call) error {
	sa, err := c.openLink()
	if err != nil {
		return err
	}
	if !sa.album.Live {
		return apiErr(http.StatusNotFound, "album_not_live", "", nil)
	}
	events, cancel := s.cfg.Live.Subscribe(live.AlbumTopic(sa.link.TenantID, sa.album.ID))
	defer cancel()
	h := c.w.Header()
	h.Set("Content-Type", "text/event-stream; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no") // nginx: pass events through at once
	c.w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(c.w)
	send := func(b []byte) bool {
		if _, err := c.w.Write(b); err != nil {
			return false
		}
		return rc.Flush() == nil
	}
	if !send([]byte("retry: 3000\n: connected\n\n")) {
		return nil
	}
	tick := time.NewTicker(liveHeartbeat)
	defer tick.Stop()
	for {
		select {
		case <-c.ctx.Done():
			return nil
		case p := <-events:
			if !send(append(append([]byte("event: photo\ndata: "), p...), '\n', '\n')) {
				return nil
			}
		case <-tick.C:
			if sa, err := c.openLink(); err != nil || !sa.album.Live {
				send([]byte("event: closed\ndata: {}\n\n"))
				return nil
			}
			if !send([]byte(": ping\n\n")) {
				return nil
			}
		}
	}
}

// photoEvent tells the album's watchers that a photo is ready. Delivery is best effort: a
// failure is logged and the photo still shows on the next load.
func (s *Server) photoEvent(ctx context.Context, tenantID int64, p album.Photo) {
	if p.Status != album.PhotoReady {
		return
	}
	b, err := json.Marshal(publicPhoto(p))
	if err == nil {
		err = s.cfg.Live.Publish(context.WithoutCancel(ctx), live.AlbumTopic(tenantID, p.AlbumID), b)
	}
	if err != nil {
		s.log.WarnContext(ctx, "live event", "photo", p.ID, "err", err)
	}
}

// removedEvent tells the album's watchers that a photo was deleted (their pages drop its
// tile). Best effort, like photoEvent.
func (s *Server) removedEvent(ctx context.Context, tenantID int64, p album.Photo) {
	b, err := json.Marshal(PublicPhoto{ID: p.ID, Removed: true})
	if err == nil {
		err = s.cfg.Live.Publish(context.WithoutCancel(ctx), live.AlbumTopic(tenantID, p.AlbumID), b)
	}
	if err != nil {
		s.log.WarnContext(ctx, "live event", "photo", p.ID, "err", err)
	}
}

// publicPhoto is what guests see of a photo.
func publicPhoto(p album.Photo) PublicPhoto {
	return PublicPhoto{ID: p.ID, Filename: p.Filename, Kind: p.Kind, ContentType: p.ContentType, Width: p.Width, Height: p.Height, Size: p.Size}
}
