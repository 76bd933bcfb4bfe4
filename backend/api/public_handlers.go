package api

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/studiodesk/studiodesk/backend/account"
	"github.com/studiodesk/studiodesk/backend/album"
	"github.com/studiodesk/studiodesk/backend/auth"
	"github.com/studiodesk/studiodesk/backend/blob"
	"github.com/studiodesk/studiodesk/backend/media"
	"github.com/studiodesk/studiodesk/backend/store"
	"github.com/studiodesk/studiodesk/backend/zipstream"
)

// The customer side of share links: no login, the link's token is the key. Every endpoint
// resolves the token first, so a revoked or expired link answers 410 everywhere, including
// image, video and zip URLs, and a token never reaches another studio's files.

// Access-code attempts: per link (whoever tries) and per client address.
const (
	codeWindow  = 15 * time.Minute
	codePerLink = 10
	codePerIP   = 30
	grantCookie = "sd_grant"
	grantTTL    = 30 * 24 * time.Hour
)

// PublicAlbum is what a share link shows before and after the access code.
type PublicAlbum struct {
	Studio     string         `json:"studio"`
	Title      string         `json:"title"`
	Kind       album.Kind     `json:"kind"`
	PhotoCount int            `json:"photo_count"`
	ExpiresAt  time.Time      `json:"expires_at"`
	NeedsCode  bool           `json:"needs_code"`
	Download   album.Download `json:"download"`
	// Live: the page follows the album's event stream and shows the newest photos first.
	Live bool `json:"live"`
}

// PublicPhoto is one photo or video of a shared album.
type PublicPhoto struct {
	ID          int64  `json:"id"`
	Filename    string `json:"filename"`
	Kind        string `json:"kind"`
	ContentType string `json:"content_type"`
	Width       int    `json:"width,omitempty"`
	Height      int    `json:"height,omitempty"`
	Size        int64  `json:"size"`
	// Removed: the studio deleted this photo (live events only; the other fields are empty).
	Removed bool `json:"removed,omitempty"`
}

func (s *Server) publicRoutes(m *http.ServeMux) {
	m.Handle("GET /api/v1/public/links/{token}", s.public(s.publicAlbum))
	m.Handle("POST /api/v1/public/links/{token}/unlock", s.public(s.unlockLink))
	m.Handle("GET /api/v1/public/links/{token}/photos", s.public(s.publicPhotos))
	m.Handle("GET /api/v1/public/links/{token}/photos/{photo}/{variant}", s.raw(s.publicPhotoFile))
	m.Handle("GET /api/v1/public/links/{token}/zip", s.raw(s.publicZip))
	m.Handle("GET /api/v1/public/links/{token}/manifest.webmanifest", s.public(s.shareManifest))
}

// raw serves handlers that write their own body (files); an error is sent as usual.
func (s *Server) raw(h func(c *call) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := &call{ctx: r.Context(), r: r, w: w, s: s, now: s.cfg.Now().UTC(), status: http.StatusOK}
		if err := h(c); err != nil {
			writeError(w, r, s.log, err)
		}
	})
}

// sharedAlbum is a resolved link.
type sharedAlbum struct {
	link    album.ShareLink
	album   album.Album
	granted bool // no code, or a valid grant was presented
}

// resolveLink finds the link of the request's token and its album, binding the call to the
// link's studio. Unknown tokens are 404; revoked and expired links 410.
func (c *call) resolveLink() (sharedAlbum, error) { return c.resolveLinkVia(nil) }

// resolveLinkVia is resolveLink reading through cache when it is not nil (thumbs and
// previews; see linkCache).
func (c *call) resolveLinkVia(cache *linkCache) (sharedAlbum, error) {
	var sa sharedAlbum
	token := c.r.PathValue("token")
	if token == "" || len(token) > 100 {
		return sa, apiErr(http.StatusNotFound, "link_not_found", "", nil)
	}
	if e, ok := cache.link(token, c.now); ok {
		sa.link, sa.album, c.tenant = e.link, e.album, e.tenant
	} else {
		l, err := c.s.cfg.Store.ShareLinkByToken(c.ctx, auth.HashToken(token))
		if errors.Is(err, store.ErrNotFound) {
			return sa, apiErr(http.StatusNotFound, "link_not_found", "", nil)
		}
		if err != nil {
			return sa, err
		}
		sa.link = l
		err = c.s.cfg.Store.View(c.ctx, l.TenantID, func(tx store.Tx) error {
			var err error
			if c.tenant, err = tx.Tenant(c.ctx); err != nil {
				return err
			}
			sa.album, err = tx.GetAlbum(c.ctx, l.AlbumID)
			return err
		})
		if errors.Is(err, store.ErrNotFound) {
			return sa, apiErr(http.StatusGone, "link_expired", "", nil)
		}
		if err != nil {
			return sa, err
		}
		cache.putLink(token, &cachedLink{link: l, album: sa.album, tenant: c.tenant}, c.now)
	}
	l := sa.link
	switch l.State(c.now, sa.album) {
	case album.LinkRevoked:
		return sa, apiErr(http.StatusGone, "link_revoked", "", nil)
	case album.LinkExpired:
		return sa, apiErr(http.StatusGone, "link_expired", "", map[string]any{"expired_at": l.ExpiresAt.Format(time.DateOnly)})
	}
	sa.granted = !l.HasCode || c.hasGrant(l)
	return sa, nil
}

// hasGrant reports whether the request carries a live grant of link l (cookie, or the
// X-Share-Grant header for clients without cookies).
func (c *call) hasGrant(l album.ShareLink) bool {
	g := c.r.Header.Get("X-Share-Grant")
	if ck, err := c.r.Cookie(grantCookie); g == "" && err == nil {
		g = ck.Value
	}
	if g == "" || len(g) > 100 {
		return false
	}
	id, exp, err := c.s.cfg.Store.ShareGrant(c.ctx, auth.HashToken(g))
	return err == nil && id == l.ID && c.now.Before(exp)
}

// openLink is resolveLink for endpoints behind the access code.
func (c *call) openLink() (sharedAlbum, error) { return c.openLinkVia(nil) }

func (c *call) openLinkVia(cache *linkCache) (sharedAlbum, error) {
	sa, err := c.resolveLinkVia(cache)
	if err == nil && !sa.granted {
		err = apiErr(http.StatusUnauthorized, "access_code_required", "code", nil)
	}
	return sa, err
}

func (s *Server) publicAlbum(c *call) (any, error) {
	sa, err := c.resolveLink()
	if err != nil {
		return nil, err
	}
	if sa.granted {
		c.countView(sa.link)
	}
	return PublicAlbum{Studio: c.tenant.Name, Title: sa.album.Title, Kind: sa.album.Kind, PhotoCount: sa.album.PhotoCount,
		ExpiresAt: minTime(sa.link.ExpiresAt, sa.album.RetainUntil), NeedsCode: !sa.granted, Download: album.EffectiveDownload(sa.link, sa.album), Live: sa.album.Live}, nil
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// unlockLink checks an access code. Attempts are limited per link and per address (in the
// database, so every replica counts them); a right code gives a grant cookie.
func (s *Server) unlockLink(c *call) (any, error) {
	sa, err := c.resolveLink()
	if err != nil {
		return nil, err
	}
	var in struct {
		Code string `json:"code"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if !sa.link.HasCode {
		return map[string]any{"unlocked": true}, nil
	}
	keys := []attemptLimit{{fmt.Sprintf("share:link:%d", sa.link.ID), codePerLink}, {"share:ip:" + c.clientIP(), codePerIP}}
	if err := s.checkAttempts(c, keys); err != nil {
		return nil, err
	}
	if strings.TrimSpace(in.Code) == "" {
		return nil, apiErr(http.StatusBadRequest, "required", "code", nil)
	}
	if auth.CheckPassword(sa.link.CodeHash, album.NormalizeCode(in.Code)) != nil {
		left, err := s.failedAttempt(c, keys)
		if err != nil {
			return nil, err
		}
		return nil, apiErr(http.StatusForbidden, "access_code_wrong", "code", map[string]any{"attempts_left": left})
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	grant := base64.RawURLEncoding.EncodeToString(b)
	exp := minTime(c.now.Add(grantTTL), sa.link.ExpiresAt)
	if err := c.write(func(tx store.Tx) error { return tx.InsertShareGrant(c.ctx, auth.HashToken(grant), sa.link.ID, exp) }); err != nil {
		return nil, err
	}
	c.countView(sa.link)
	http.SetCookie(c.w, &http.Cookie{Name: grantCookie, Value: grant, Path: "/api/v1/public/links/" + c.r.PathValue("token"),
		Expires: exp, HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: c.r.TLS != nil})
	return map[string]any{"unlocked": true, "grant": grant}, nil
}

func (s *Server) publicPhotos(c *call) (any, error) {
	sa, err := c.openLink()
	if err != nil {
		return nil, err
	}
	var photos []album.Photo
	err = c.s.cfg.Store.View(c.ctx, sa.link.TenantID, func(tx store.Tx) (err error) { photos, err = tx.ListPhotos(c.ctx, sa.album.ID); return })
	out := []PublicPhoto{}
	for _, p := range photos {
		if p.Status != album.PhotoReady {
			continue // processing or failed: nothing to show yet
		}
		out = append(out, publicPhoto(p))
	}
	if sa.album.Live { // a live album's guests look for the latest shot: newest first
		slices.Reverse(out)
	}
	return out, err
}

// variant is one downloadable form of a photo: which object, how long, its CRC, and what to
// strip from its head on the way out.
type variant struct {
	key         string
	size        int64
	crc         uint32
	strip       media.Strip
	name        string
	contentType string
}

// variantOf picks what a guest gets for a photo under download right dl: the compressed
// preview, or the original without the metadata the album does not allow.
func variantOf(p album.Photo, a album.Album, dl album.Download) variant {
	if dl == album.DownloadCompressed && p.Kind == "image" {
		base := strings.TrimSuffix(p.Filename, "."+extOf(p.Filename))
		return variant{key: renditionKey(p.Hash, media.Preview.Name, p.RenditionMark), size: p.PreviewSize, crc: p.PreviewCRC, name: base + ".jpg", contentType: "image/jpeg"}
	}
	v := variant{key: originalKey(p.Hash), size: p.Size, crc: p.CRC, name: p.Filename, contentType: p.ContentType}
	if p.Kind == "image" {
		switch st := a.Settings; {
		case !st.KeepEXIF:
			v.strip, v.crc = media.Strip{EXIF: true}, p.CRCNoEXIF
		case !st.KeepGPS:
			v.strip, v.crc = media.Strip{GPS: true}, p.CRCNoGPS
		}
	}
	return v
}

// open returns n bytes of the variant from off: the sanitized part of the head from memory,
// the rest straight from storage (a file there goes to the connection with sendfile).
func (v variant) open(ctx context.Context, b blob.Bucket, off, n int64) (io.ReadCloser, error) {
	if (!v.strip.EXIF && !v.strip.GPS) || off >= media.HeadLen {
		return b.GetRange(ctx, v.key, off, n)
	}
	head, err := sanitizedHead(ctx, b, v)
	if err != nil {
		return nil, err
	}
	if off >= int64(len(head)) { // past what sanitizing changed: all from storage
		return b.GetRange(ctx, v.key, off, n)
	}
	end := min(off+n, int64(len(head)))
	first := bytes.NewReader(head[off:end])
	if off+n <= int64(len(head)) {
		return io.NopCloser(first), nil
	}
	rest, err := b.GetRange(ctx, v.key, int64(len(head)), off+n-int64(len(head)))
	if err != nil {
		return nil, err
	}
	return headAndRest{io.MultiReader(first, rest), rest}, nil
}

var headBufs = sync.Pool{New: func() any { return new([2][media.HeadLen]byte) }}

// sanitizedHead reads the variant's head and returns it sanitized, cut after the last byte
// sanitizing changed (often a few KiB: the metadata segments; empty when nothing changed).
func sanitizedHead(ctx context.Context, b blob.Bucket, v variant) ([]byte, error) {
	rc, err := b.GetRange(ctx, v.key, 0, min(int64(media.HeadLen), v.size))
	if err != nil {
		return nil, err
	}
	bufs := headBufs.Get().(*[2][media.HeadLen]byte)
	defer headBufs.Put(bufs)
	k, err := io.ReadFull(rc, bufs[0][:min(int64(media.HeadLen), v.size)])
	rc.Close()
	if err != nil {
		return nil, err
	}
	orig, head := bufs[0][:k], bufs[1][:k]
	copy(head, orig)
	if !media.Sanitize(head, v.strip) {
		return nil, nil
	}
	end := k
	for end > 0 { // the last changed byte, comparing 4 KiB blocks from the end
		from := max(0, end-4096)
		if bytes.Equal(head[from:end], orig[from:end]) {
			end = from
			continue
		}
		for head[end-1] == orig[end-1] {
			end--
		}
		break
	}
	return bytes.Clone(head[:end]), nil
}

// headAndRest is a sanitized head followed by the stored rest; WriteTo keeps the rest's own
// WriteTo reachable (a file goes to the connection with sendfile).
type headAndRest struct {
	io.Reader // io.MultiReader: its WriteTo copies each part with io.Copy
	io.Closer
}

func (h headAndRest) WriteTo(w io.Writer) (int64, error) { return io.Copy(w, h.Reader) }

// variantFile is a variant as an io.ReadSeeker for http.ServeContent (Range, HEAD).
type variantFile struct {
	ctx context.Context
	b   blob.Bucket
	v   variant
	pos int64
	rc  io.ReadCloser
}

func (f *variantFile) Seek(off int64, whence int) (int64, error) {
	switch whence {
	case io.SeekCurrent:
		off += f.pos
	case io.SeekEnd:
		off += f.v.size
	}
	if off < 0 {
		return f.pos, errors.New("negative position")
	}
	if off != f.pos && f.rc != nil {
		f.rc.Close()
		f.rc = nil
	}
	f.pos = off
	return off, nil
}

func (f *variantFile) Read(p []byte) (int, error) {
	if f.pos >= f.v.size {
		return 0, io.EOF
	}
	if f.rc == nil {
		rc, err := f.v.open(f.ctx, f.b, f.pos, f.v.size-f.pos)
		if err != nil {
			return 0, err
		}
		f.rc = rc
	}
	n, err := f.rc.Read(p)
	f.pos += int64(n)
	return n, err
}

func (f *variantFile) Close() {
	if f.rc != nil {
		f.rc.Close()
	}
}

func attachment(name string) string {
	return mime.FormatMediaType("attachment", map[string]string{"filename": name})
}

// edgeCacheSeconds is X-Accel-Expires on thumbs and previews of links without an access code:
// a reverse proxy in front (deploy/nginx/studiodesk-proxy.conf) may answer the same URL from
// its cache for this long, so a revoke, an expiry or a deleted photo shows there at most this
// late. Answers of links with a code never carry it (they stay Cache-Control: private).
var edgeCacheSeconds = []string{"1"}

// edgeCache marks an answer of a thumb or preview URL as one the proxy may give anyone
// holding the URL for edgeCacheSeconds: the rendition of a link without a code, and the
// refusals that do not depend on who asks (an unknown, revoked or expired link; a photo
// that is not in the album of a link without a code), so that a revoked link's or a
// deleted photo's answer replaces the thumb the proxy kept. (A refusal's message is in the
// language of whoever asked first: these URLs are image sources, nobody reads the message;
// a Vary header would make nginx keep the old thumb beside the refusal.)
func edgeCache(h http.Header) { h["X-Accel-Expires"] = edgeCacheSeconds }

// sameForEveryone reports whether a refusal of a link is the same whoever asks.
func sameForEveryone(err error) bool {
	var ae *Error
	return errors.As(err, &ae) && (ae.Code == "link_not_found" || ae.Code == "link_revoked" || ae.Code == "link_expired")
}

// publicPhotoFile serves thumb, preview, video (playback with seeking) and download.
func (s *Server) publicPhotoFile(c *call) error {
	var cache *linkCache // thumbs and previews only
	rendition := false
	if v := c.r.PathValue("variant"); v == "thumb" || v == "preview" {
		cache, rendition = s.links, true
	}
	sa, err := c.openLinkVia(cache)
	if err != nil {
		if rendition && sameForEveryone(err) {
			edgeCache(c.w.Header())
		}
		return err
	}
	id, err := strconv.ParseInt(c.r.PathValue("photo"), 10, 64)
	if err != nil {
		return apiErr(http.StatusNotFound, "not_found", "", nil)
	}
	p, ok := cache.photo(sa.link.TenantID, id, c.now)
	if !ok {
		err = s.cfg.Store.View(c.ctx, sa.link.TenantID, func(tx store.Tx) (err error) { p, err = tx.GetPhoto(c.ctx, id); return })
		if err == nil {
			cache.putPhoto(sa.link.TenantID, p, c.now)
		}
	}
	if err != nil || p.AlbumID != sa.album.ID || p.Status != album.PhotoReady {
		if rendition && !sa.link.HasCode && (err == nil || errors.Is(err, store.ErrNotFound)) {
			edgeCache(c.w.Header())
		}
		return apiErr(http.StatusNotFound, "not_found", "", nil) // another album's photo is as missing as a deleted one
	}
	var v variant
	h := c.w.Header()
	switch variantName := c.r.PathValue("variant"); {
	case (variantName == "thumb" || variantName == "preview") && p.Kind == "image":
		r, err := s.renditions.get(c.ctx, renditionID{sa.link.TenantID, p.Hash, variantName, p.RenditionMark},
			func() blob.Bucket { return s.tenantBucket(sa.link.TenantID) })
		if err != nil {
			return fmt.Errorf("rendition of photo %d: %w", p.ID, err)
		}
		if !sa.link.HasCode {
			edgeCache(h)
		}
		if !conditional(c.r) {
			// The common case: headers built once, one write, no range or validator work.
			for k, v := range r.full {
				h[k] = v
			}
			_, _ = c.w.Write(r.data)
			return nil
		}
		for k, v := range r.base {
			h[k] = v
		}
		http.ServeContent(c.w, c.r, "", r.modTime, bytes.NewReader(r.data))
		return nil
	case variantName == "video" && p.Kind == "video":
		v = variantOf(p, sa.album, album.DownloadOriginal)
		h.Set("Cache-Control", "private, max-age=86400")
	case variantName == "download":
		dl := album.EffectiveDownload(sa.link, sa.album)
		if dl == album.DownloadNone {
			return apiErr(http.StatusForbidden, "download_not_allowed", "", nil)
		}
		v = variantOf(p, sa.album, dl)
		if p.OriginalPending && v.key == originalKey(p.Hash) {
			return apiErr(http.StatusConflict, "original_pending", "", map[string]any{"filename": p.Filename})
		}
		h.Set("Content-Disposition", attachment(v.name))
		h.Set("Cache-Control", "private, no-store")
		if c.r.Header.Get("Range") == "" {
			if err := errors.Join(c.count(func(tx store.Tx) error { return tx.CountShareUse(c.ctx, sa.link.ID, 0, 1) }),
				s.cfg.Store.CountPhotoDownload(c.ctx, sa.link.TenantID, sa.link.ID, p.ID)); err != nil {
				s.log.WarnContext(c.ctx, "count download", "err", err)
			}
		}
	default:
		return apiErr(http.StatusNotFound, "not_found", "", nil)
	}
	h.Set("Content-Type", v.contentType)
	h.Set("X-Content-Type-Options", "nosniff")
	f := &variantFile{ctx: c.ctx, b: s.tenantBucket(sa.link.TenantID), v: v}
	defer f.Close()
	http.ServeContent(c.w, c.r, "", p.CreatedAt, f)
	return nil
}

// conditional reports whether r asks for a range or carries a validator (ServeContent
// answers those).
func conditional(r *http.Request) bool {
	if r.Method != http.MethodGet {
		return true
	}
	for _, h := range conditionalHeaders {
		if len(r.Header[h]) > 0 {
			return true
		}
	}
	return false
}

// conditionalHeaders are in canonical form (looked up without canonicalizing).
var conditionalHeaders = [...]string{"Range", "If-Range", "If-None-Match", "If-Modified-Since", "If-Match", "If-Unmodified-Since"}

// publicZip streams the album as a stored zip: exact Content-Length, Range to resume, no
// temporary file. Files that are not ready, or whose stored object is gone, are left out
// before the first byte is sent, so the announced size always holds.
func (s *Server) publicZip(c *call) error {
	sa, err := c.openLink()
	if err != nil {
		return err
	}
	dl := album.EffectiveDownload(sa.link, sa.album)
	if dl == album.DownloadNone {
		return apiErr(http.StatusForbidden, "download_not_allowed", "", nil)
	}
	var photos []album.Photo
	if err := s.cfg.Store.View(c.ctx, sa.link.TenantID, func(tx store.Tx) (err error) { photos, err = tx.ListPhotos(c.ctx, sa.album.ID); return }); err != nil {
		return err
	}
	bucket := s.tenantBucket(sa.link.TenantID)
	names := map[string]int{}
	var entries []zipstream.Entry
	var newest time.Time
	for _, p := range photos {
		if p.Status != album.PhotoReady {
			continue
		}
		v := variantOf(p, sa.album, dl)
		if p.OriginalPending && v.key == originalKey(p.Hash) {
			continue // its original is still being uploaded; the zip holds it once it is there
		}
		if _, err := bucket.Stat(c.ctx, v.key); err != nil {
			s.log.WarnContext(c.ctx, "zip: object missing", "photo", p.ID, "err", err)
			continue
		}
		entries = append(entries, zipstream.Entry{Name: uniqueName(names, v.name), Size: v.size, CRC32: v.crc, ModTime: p.CreatedAt.In(shanghai),
			Open: func(ctx context.Context, off, n int64) (io.ReadCloser, error) { return v.open(ctx, bucket, off, n) },
			Prefetch: func(ctx context.Context) {
				if pf, ok := bucket.(blob.Prefetcher); ok {
					pf.Prefetch(ctx, v.key)
				}
			}})
		if p.UpdatedAt.After(newest) {
			newest = p.UpdatedAt
		}
	}
	if len(entries) == 0 {
		return apiErr(http.StatusNotFound, "album_empty", "", nil)
	}
	a, err := zipstream.New(entries)
	if err != nil {
		return err
	}
	h := c.w.Header()
	h.Set("Content-Type", "application/zip")
	h.Set("Content-Disposition", attachment(sa.album.Title+".zip"))
	h.Set("Cache-Control", "private, no-store")
	// A strong validator of this exact archive, so a resumed download (If-Range) never
	// splices two different archives.
	h.Set("ETag", fmt.Sprintf(`"z%d-%d-%d"`, sa.album.ID, a.Size(), newest.UnixMilli()))
	if c.r.Header.Get("Range") == "" {
		_ = c.count(func(tx store.Tx) error { return tx.CountShareUse(c.ctx, sa.link.ID, 0, 1) })
	}
	r := a.Open(c.ctx)
	defer r.Close()
	http.ServeContent(zipResponse{c.w, r}, c.r, "", newest, r)
	return nil
}

// zipResponse lets the copy http.ServeContent makes (io.CopyN: a LimitedReader of the
// archive) reach the archive's WriteN, which hands each stored file to the connection
// (sendfile) instead of copying it 32 KiB at a time through Read.
type zipResponse struct {
	http.ResponseWriter
	zr *zipstream.Reader
}

func (z zipResponse) ReadFrom(src io.Reader) (int64, error) {
	if lr, ok := src.(*io.LimitedReader); ok && lr.R == z.zr {
		n, err := z.zr.WriteN(z.ResponseWriter, lr.N)
		lr.N -= n
		return n, err
	}
	return io.Copy(z.ResponseWriter, src)
}

func (z zipResponse) Unwrap() http.ResponseWriter { return z.ResponseWriter }

// uniqueName keeps zip entry names distinct: a second "IMG_0001.JPG" (two cameras) becomes
// "IMG_0001 (2).JPG".
func uniqueName(seen map[string]int, name string) string {
	key := strings.ToLower(name)
	seen[key]++
	if seen[key] == 1 {
		return name
	}
	ext := ""
	if i := strings.LastIndexByte(name, '.'); i > 0 {
		name, ext = name[:i], name[i:]
	}
	return uniqueName(seen, fmt.Sprintf("%s (%d)%s", name, seen[key], ext))
}

// shanghai is the zone zip tools show entry times in (zip times have no zone).
var shanghai = func() *time.Location {
	if l, err := time.LoadLocation(account.DefaultTimezone); err == nil {
		return l
	}
	return time.FixedZone("CST", 8*3600)
}()

// attemptLimit is one count of guessing attempts (per link or phone, per address) and how
// many a window allows.
type attemptLimit struct {
	key string
	max int
}

// checkAttempts refuses a guess when any of its counts has run out.
func (s *Server) checkAttempts(c *call, keys []attemptLimit) error {
	for _, k := range keys {
		n, reset, err := s.cfg.Store.PeekRateLimit(c.ctx, k.key, codeWindow, c.now)
		if err != nil {
			return err
		}
		if n >= k.max {
			return s.rateLimited(reset, c.now)
		}
	}
	return nil
}

// failedAttempt counts a wrong guess on every key and returns how many guesses are left.
func (s *Server) failedAttempt(c *call, keys []attemptLimit) (left int, err error) {
	left = -1
	for _, k := range keys {
		n, _, err := s.cfg.Store.HitRateLimit(c.ctx, k.key, codeWindow, c.now)
		if err != nil {
			return 0, err
		}
		if left < 0 || k.max-n < left {
			left = k.max - n
		}
	}
	return max(left, 0), nil
}
