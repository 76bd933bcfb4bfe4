package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"github.com/studiodesk/studiodesk/backend/account"
	"github.com/studiodesk/studiodesk/backend/album"
	"github.com/studiodesk/studiodesk/backend/blob"
	"github.com/studiodesk/studiodesk/backend/media"
	"github.com/studiodesk/studiodesk/backend/store"
)

// The studio's logo, drawn as the watermark on the renditions of albums that ask for one.
// One object per studio; PNG (transparency kept) or JPEG.
const (
	logoKey     = "branding/logo"
	maxLogoSize = 2 << 20
)

func (s *Server) logoRoutes(m *http.ServeMux) {
	if s.cfg.Blobs == nil {
		return
	}
	m.Handle("PUT /api/v1/studio/logo", s.authed(s.putLogo))
	m.Handle("GET /api/v1/studio/logo", s.raw(s.getLogo))
	m.Handle("DELETE /api/v1/studio/logo", s.authed(s.deleteLogo))
}

// LogoInfo describes a stored logo.
type LogoInfo struct {
	Width       int    `json:"width"`
	Height      int    `json:"height"`
	Size        int    `json:"size"`
	ContentType string `json:"content_type"`
}

// putLogo stores the request body as the studio's logo after decoding it fully (a file that
// would fail every watermark later is refused now).
func (s *Server) putLogo(c *call) (any, error) {
	if err := c.require(account.PermSettingsManage); err != nil {
		return nil, err
	}
	b, err := io.ReadAll(io.LimitReader(c.r.Body, maxLogoSize+1))
	if err != nil {
		return nil, err
	}
	switch {
	case len(b) == 0:
		return nil, apiErr(http.StatusBadRequest, "logo_empty", "logo", nil)
	case len(b) > maxLogoSize:
		return nil, apiErr(http.StatusRequestEntityTooLarge, "logo_too_large", "logo", map[string]any{"max_mb": maxLogoSize >> 20})
	}
	img, err := media.DecodeLogo(b)
	switch media.CodeOf(err) {
	case "":
		if err != nil {
			return nil, err
		}
	case media.CodeTooLarge:
		return nil, apiErr(http.StatusUnprocessableEntity, "logo_image_too_large", "logo", map[string]any{"max_px": 4000})
	case media.CodeCorrupt:
		return nil, apiErr(http.StatusUnprocessableEntity, "logo_image_corrupt", "logo", nil)
	case media.CodeUnsupported:
		return nil, apiErr(http.StatusUnprocessableEntity, "logo_format_unsupported", "logo", nil)
	default:
		return nil, apiErr(http.StatusUnprocessableEntity, "logo_not_media", "logo", nil)
	}
	ctype := http.DetectContentType(b)
	if _, err := s.tenantBucket(c.tenant.ID).Put(c.ctx, logoKey, bytes.NewReader(b), int64(len(b)), ctype); err != nil {
		return nil, fmt.Errorf("store logo: %w", err)
	}
	out := LogoInfo{Width: img.Bounds().Dx(), Height: img.Bounds().Dy(), Size: len(b), ContentType: ctype}
	err = s.cfg.Store.Update(c.ctx, c.tenant.ID, func(tx store.Tx) error {
		if err := scheduleRemark(c.ctx, tx, 0, c.now); err != nil { // watermarked albums follow
			return err
		}
		return c.audit(tx, "studio.logo", "tenant", c.tenant.ID, nil, out)
	})
	return out, err
}

// getLogo serves the logo to the studio's staff (the settings page shows it).
func (s *Server) getLogo(c *call) error {
	if err := c.authenticate(); err != nil {
		return err
	}
	rc, info, err := s.tenantBucket(c.tenant.ID).Get(c.ctx, logoKey)
	if errors.Is(err, blob.ErrNotFound) {
		return apiErr(http.StatusNotFound, "not_found", "", nil)
	}
	if err != nil {
		return err
	}
	defer rc.Close()
	h := c.w.Header()
	h.Set("Content-Type", info.ContentType)
	h.Set("Content-Length", strconv.FormatInt(info.Size, 10))
	h.Set("Cache-Control", "private, no-cache")
	_, err = io.Copy(c.w, rc)
	return err
}

func (s *Server) deleteLogo(c *call) (any, error) {
	if err := c.require(account.PermSettingsManage); err != nil {
		return nil, err
	}
	if err := s.tenantBucket(c.tenant.ID).Delete(c.ctx, logoKey); err != nil && !errors.Is(err, blob.ErrNotFound) {
		return nil, err
	}
	return nil, s.cfg.Store.Update(c.ctx, c.tenant.ID, func(tx store.Tx) error {
		if err := scheduleRemark(c.ctx, tx, 0, c.now); err != nil {
			return err
		}
		return c.audit(tx, "studio.logo_delete", "tenant", c.tenant.ID, nil, nil)
	})
}

// markOf is the watermark an album's renditions get: nil when the album does not ask for
// one or the studio has no logo. The fingerprint names the logo, position and opacity, so
// renditions made under other settings live under other keys.
func (s *Server) markOf(ctx context.Context, tenantID int64, a album.Album) (*media.Mark, string, error) {
	wm := a.Settings.Watermark
	if !wm.Enabled {
		return nil, "", nil
	}
	rc, _, err := s.tenantBucket(tenantID).Get(ctx, logoKey)
	if errors.Is(err, blob.ErrNotFound) {
		return nil, "", nil
	}
	if err != nil {
		return nil, "", fmt.Errorf("open logo: %w", err)
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, maxLogoSize+1))
	if err != nil {
		return nil, "", fmt.Errorf("read logo: %w", err)
	}
	img, err := media.DecodeLogo(b)
	if err != nil {
		return nil, "", fmt.Errorf("decode logo: %w", err)
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s|%d|", wm.Position, wm.Opacity)
	h.Write(b)
	return &media.Mark{Logo: img, Position: wm.Position, Opacity: wm.Opacity}, "wm" + hex.EncodeToString(h.Sum(nil))[:16], nil
}
