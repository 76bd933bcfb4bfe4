package api

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/tus/tusd/v2/pkg/filelocker"
	"github.com/tus/tusd/v2/pkg/filestore"
	tusd "github.com/tus/tusd/v2/pkg/handler"
	"github.com/tus/tusd/v2/pkg/memorylocker"
	"github.com/tus/tusd/v2/pkg/s3store"
	expslog "golang.org/x/exp/slog"

	"github.com/studiodesk/studiodesk/backend/account"
	"github.com/studiodesk/studiodesk/backend/album"
	"github.com/studiodesk/studiodesk/backend/blob"
	"github.com/studiodesk/studiodesk/backend/credit"
	"github.com/studiodesk/studiodesk/backend/media"
	"github.com/studiodesk/studiodesk/backend/store"
)

// JobRender makes a photo's renditions (one job per photo, key = photo id).
const JobRender = "media.render"

// uploadBase is where the tus endpoint lives.
const uploadBase = "/api/v1/uploads/"

// Upload size limits (defaults of Config.MaxImageSize / MaxVideoSize).
const (
	defaultMaxImage = 200 << 20 // a 100-megapixel TIFF-like JPEG stays far below
	defaultMaxVideo = 50 << 30
)

// Blob keys inside a studio's prefix: originals by hash, renditions by hash, name and
// watermark ("" = none; see migration 0022), the studio's logo at one key.
func originalKey(hash string) string { return "originals/" + hash }
func renditionKey(hash, name, mark string) string {
	if mark != "" {
		return "renditions/" + hash + "/" + name + "." + mark + ".jpg"
	}
	return "renditions/" + hash + "/" + name + ".jpg"
}

// tenantBucket is the studio's own view of the blob store: nothing outside its prefix is
// reachable through it.
func (s *Server) tenantBucket(tenantID int64) blob.Bucket {
	return blob.Prefixed(s.cfg.Blobs, fmt.Sprintf("studios/%d", tenantID))
}

// uploads is the tus side of the server (nil when Config has no UploadDir or Blobs).
type uploads struct {
	handler *tusd.Handler
	store   uploadStore
	// finishedDir keeps finished-upload records as local files (file store); "" keeps
	// them in the blob store (S3: every replica sees them).
	finishedDir string
}

// uploadStore is what the server needs of a tus store: uploads by id, and their removal.
type uploadStore interface {
	tusd.DataStore
	tusd.TerminaterDataStore
}

// s3Client is the capability of a blob store on S3 (s3blob.Bucket): uploads in progress
// then live in the bucket too, under uploadPrefix.
type s3Client interface {
	Client() (*s3.Client, string)
}

// uploadPrefix is where uploads in progress are kept in an S3 bucket, outside every studio's
// prefix (uploads are tied to their studio by their metadata, checked by uploadGate).
const uploadPrefix = "uploads/"

func (s *Server) newUploads() (*uploads, error) {
	if err := os.MkdirAll(s.cfg.UploadDir, 0o750); err != nil {
		return nil, fmt.Errorf("upload directory %q: %w", s.cfg.UploadDir, err)
	}
	composer := tusd.NewStoreComposer()
	var st uploadStore
	if sc, ok := s.cfg.Blobs.(s3Client); ok {
		// In the bucket every replica resumes an upload another one started: parts, the
		// last incomplete part and the upload's info are S3 objects. UploadDir only buffers
		// the part being sent.
		client, bucket := sc.Client()
		s3s := s3store.New(bucket, client)
		s3s.ObjectPrefix, s3s.TemporaryDirectory = uploadPrefix, s.cfg.UploadDir
		s3s.UseIn(composer)
		memorylocker.New().UseIn(composer)
		st = s3s
	} else {
		fs := summingStore{FileStore: filestore.New(s.cfg.UploadDir)}
		if a, ok := s.cfg.Blobs.(blob.Adopter); ok {
			fs.reserve = a.ReservedHeader() // finished files move into the blob store by rename
		}
		fs.UseIn(composer)
		filelocker.New(s.cfg.UploadDir).UseIn(composer)
		st = fs
	}
	h, err := tusd.NewHandler(tusd.Config{
		BasePath:                  uploadBase,
		StoreComposer:             composer,
		MaxSize:                   s.cfg.MaxVideoSize,
		DisableDownload:           true,
		DisableConcatenation:      true,
		RespectForwardedHeaders:   s.cfg.TrustProxy,
		Cors:                      &tusd.CorsConfig{Disable: true},
		Logger:                    expslog.New(expslog.NewTextHandler(io.Discard, nil)), // our own log says what matters
		PreUploadCreateCallback:   s.tusCreate,
		PreFinishResponseCallback: s.tusFinish,
	})
	if err != nil {
		return nil, fmt.Errorf("tus handler: %w", err)
	}
	up := &uploads{handler: h, store: st}
	if _, ok := st.(summingStore); ok {
		up.finishedDir = filepath.Join(s.cfg.UploadDir, "finished")
		if err := os.MkdirAll(up.finishedDir, 0o750); err != nil {
			return nil, fmt.Errorf("upload directory %q: %w", up.finishedDir, err)
		}
	}
	return up, nil
}

func (s *Server) uploadRoutes(m *http.ServeMux) {
	m.Handle("POST /api/v1/albums/{id}/photos/check", s.authed(s.checkPhotos))
	m.Handle("GET /api/v1/albums/{id}/photos", s.authed(s.listPhotos))
	m.Handle("POST /api/v1/albums/{id}/photos/renditions", s.authed(s.photoRenditions))
	if s.cfg.UploadDir == "" || s.cfg.Blobs == nil {
		return
	}
	up, err := s.newUploads()
	if err != nil {
		s.log.Error("uploads disabled", "err", err)
		return
	}
	s.uploads = up
	m.Handle(uploadBase, s.uploadGate(http.StripPrefix(strings.TrimSuffix(uploadBase, "/"), up.handler)))
}

type uploadCallKey struct{}

// uploadGate authenticates every tus request like any API call, requires album.manage, and
// lets a caller touch only uploads their own studio started.
func (s *Server) uploadGate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodOptions { // tus capability discovery
			next.ServeHTTP(w, r)
			return
		}
		c := &call{ctx: r.Context(), r: r, w: w, s: s, now: s.cfg.Now().UTC(), status: http.StatusOK}
		if err := c.authenticate(); err != nil {
			writeError(w, r, s.log, err)
			return
		}
		if err := c.require(account.PermAlbumManage); err != nil {
			writeError(w, r, s.log, err)
			return
		}
		if r.Method != http.MethodPost {
			id := path.Base(r.URL.Path)
			up, err := s.uploads.store.GetUpload(r.Context(), id)
			var info tusd.FileInfo
			if err == nil {
				info, err = up.GetInfo(r.Context())
			}
			if err != nil {
				// Gone: finished (say which photo it became), or never ours. A finish
				// running here may have moved the file already: wait for it first.
				done, ferr := s.finished(r.Context(), id)
				if ferr != nil {
					mu := finishLock(id)
					mu.Lock()
					mu.Unlock() //nolint:staticcheck // only waits for a running finish
					done, ferr = s.finished(r.Context(), id)
				}
				if ferr == nil && done.TenantID == c.tenant.ID {
					s.answerFinished(w, r, done)
					return
				}
				writeError(w, r, s.log, apiErr(http.StatusNotFound, "not_found", "", nil))
				return
			}
			if info.MetaData["tenant_id"] != strconv.FormatInt(c.tenant.ID, 10) {
				writeError(w, r, s.log, apiErr(http.StatusNotFound, "not_found", "", nil))
				return
			}
			if (r.Method == http.MethodHead || r.Method == http.MethodPatch) && !info.SizeIsDeferred && info.Offset == info.Size {
				// Every byte is in but the upload is not a photo yet: its finish is running
				// (the client retries a request whose answer it lost) or failed on our side.
				// Finish it here, or wait for the running finish, and answer as it did.
				done, err := s.finishUpload(c, info)
				if err != nil {
					writeError(w, r, s.log, err)
					return
				}
				s.answerFinished(w, r, done)
				return
			}
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), uploadCallKey{}, c)))
	})
}

func uploadCall(ctx context.Context) *call {
	c, _ := ctx.Value(uploadCallKey{}).(*call)
	return c
}

// tusError turns an API error into tus's error value with our JSON body, localized.
func (s *Server) tusError(c *call, err error) error {
	ae := toAPIError(err)
	if ae.Status >= 500 {
		s.log.ErrorContext(c.ctx, "upload failed", "request_id", requestID(c.r), "err", err)
		ae.Params = map[string]any{"request_id": requestID(c.r)}
	}
	l := langFrom(c.r.Header.Get("Accept-Language"))
	body, _ := json.Marshal(errorBody{Error: ErrorDetail{Code: ae.Code, Field: ae.Field, Params: ae.Params,
		Message: Localize(ae.Code, ae.Field, ae.Params, l)}})
	return tusd.Error{ErrorCode: ae.Code, Message: ae.Code, HTTPResponse: tusd.HTTPResponse{
		StatusCode: ae.Status, Body: string(body), Header: tusd.HTTPHeader{"Content-Type": "application/json; charset=utf-8"}}}
}

// Extensions by kind; the real type is checked from the bytes when the upload completes.
var (
	imageExts = map[string]bool{"jpg": true, "jpeg": true, "png": true, "webp": true}
	videoExts = map[string]bool{"mp4": true, "mov": true, "m4v": true}
	heicExts  = map[string]bool{"heic": true, "heif": true}
)

func extOf(name string) string {
	i := strings.LastIndexByte(name, '.')
	if i < 0 {
		return ""
	}
	return strings.ToLower(name[i+1:])
}

// tusCreate checks a new upload before any byte is stored: the album (in the caller's
// scope), the file name and type, the size, and for videos that credits cover them.
func (s *Server) tusCreate(hook tusd.HookEvent) (tusd.HTTPResponse, tusd.FileInfoChanges, error) {
	c := uploadCall(hook.Context)
	if c == nil {
		return tusd.HTTPResponse{}, tusd.FileInfoChanges{}, errors.New("upload without a gate")
	}
	md, err := s.checkNewUpload(c, hook.Upload)
	if err != nil {
		return tusd.HTTPResponse{}, tusd.FileInfoChanges{}, s.tusError(c, err)
	}
	id, err := s.clientUploadID(c, hook.Upload.MetaData["upload_id"])
	if err != nil {
		return tusd.HTTPResponse{}, tusd.FileInfoChanges{}, s.tusError(c, err)
	}
	return tusd.HTTPResponse{}, tusd.FileInfoChanges{ID: id, MetaData: md}, nil
}

// clientUploadID checks the id a client chose for its new upload (metadata upload_id, 32
// lowercase hex digits: random, like the ids the file store picks). Knowing the upload's URL
// before sending, the client records it first and sends the first chunk with the POST
// (creation-with-upload): one request per photo, and a POST cut mid-body resumes like a
// PATCH. An id in use (an upload in progress or finished) is refused as an offset
// mismatch: the client then asks where that upload stands. "" lets the store pick: no id
// given, or the S3 store (its ids carry the multipart upload's; the client follows the
// Location then).
func (s *Server) clientUploadID(c *call, id string) (string, error) {
	if id == "" {
		return "", nil
	}
	if len(id) != 32 || strings.Trim(id, "0123456789abcdef") != "" {
		return "", apiErr(http.StatusBadRequest, "invalid_value", "upload_id", map[string]any{"allowed": "32 lowercase hex digits"})
	}
	if _, ok := s.uploads.store.(summingStore); !ok {
		return "", nil
	}
	if _, err := s.uploads.store.GetUpload(c.ctx, id); err == nil {
		return "", apiErr(http.StatusConflict, "upload_offset_mismatch", "", nil)
	}
	if _, err := s.finished(c.ctx, id); err == nil {
		return "", apiErr(http.StatusConflict, "upload_offset_mismatch", "", nil)
	}
	return id, nil
}

func (s *Server) checkNewUpload(c *call, up tusd.FileInfo) (tusd.MetaData, error) {
	md := up.MetaData
	if up.SizeIsDeferred {
		return nil, apiErr(http.StatusBadRequest, "upload_length_required", "", nil)
	}
	if up.Size <= 0 {
		return nil, apiErr(http.StatusBadRequest, album.CodeFileEmpty, "filename", map[string]any{"filename": md["filename"]})
	}
	albumID, err := strconv.ParseInt(md["album_id"], 10, 64)
	if err != nil || albumID <= 0 {
		return nil, apiErr(http.StatusBadRequest, "invalid_value", "album_id", nil)
	}
	name, err := album.CleanFilename(md["filename"])
	if err != nil {
		return nil, err
	}
	if h := md["sha256"]; h != "" && !album.ValidHash(h) {
		return nil, apiErr(http.StatusBadRequest, "invalid_value", "sha256", map[string]any{"allowed": "64 lowercase hex digits"})
	}
	ext := extOf(name)
	limit := s.cfg.MaxImageSize
	switch {
	case imageExts[ext]:
	case videoExts[ext]:
		limit = s.cfg.MaxVideoSize
	case heicExts[ext]:
		return nil, apiErr(http.StatusUnsupportedMediaType, "heic_unsupported", "filename", map[string]any{"filename": name})
	default:
		return nil, apiErr(http.StatusUnsupportedMediaType, "file_type_unsupported", "filename", map[string]any{"filename": name})
	}
	if up.Size > limit {
		return nil, apiErr(http.StatusRequestEntityTooLarge, "file_too_large", "filename",
			map[string]any{"filename": name, "max": fmt.Sprintf("%d MB", limit>>20)})
	}
	err = c.view(func(tx store.Tx) error {
		a, err := c.visibleAlbum(tx, albumID)
		if err != nil {
			return err
		}
		if a.PurgedAt != nil {
			return apiErr(http.StatusGone, "album_purged", "album_id", map[string]any{"date": a.PurgedAt.In(shanghai).Format(time.DateOnly)})
		}
		if err := c.checkStorageUnpaid(tx); err != nil {
			return err
		}
		if !videoExts[ext] {
			return nil
		}
		// Say it now, not after gigabytes: the charge itself happens when the video lands.
		prices, err := tx.CreditPrices(c.ctx)
		if err != nil {
			return err
		}
		have, err := tx.CreditBalance(c.ctx)
		if err != nil {
			return err
		}
		if err := credit.Check(credit.ItemVideoUpload, have, prices.Price(credit.ItemVideoUpload)); err != nil {
			var short *credit.ShortError
			errors.As(err, &short)
			return &Error{Status: http.StatusPaymentRequired, Code: short.Code(), Params: short.Params(), cause: err}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return tusd.MetaData{"album_id": strconv.FormatInt(albumID, 10), "filename": name, "sha256": md["sha256"],
		"tenant_id": strconv.FormatInt(c.tenant.ID, 10), "staff_id": strconv.FormatInt(c.staff.ID, 10)}, nil
}

// tusFinish runs when the last byte arrived, before the client hears so: it turns the upload
// into a photo (finishUpload) and tells the client which.
func (s *Server) tusFinish(hook tusd.HookEvent) (tusd.HTTPResponse, error) {
	c := uploadCall(hook.Context)
	if c == nil {
		return tusd.HTTPResponse{}, errors.New("upload without a gate")
	}
	done, err := s.finishUpload(c, hook.Upload)
	if err != nil {
		return tusd.HTTPResponse{}, s.tusError(c, err)
	}
	return tusd.HTTPResponse{Header: tusd.HTTPHeader(done.header())}, nil
}

// finishedUpload is what the server remembers of an upload it turned into a photo, so a
// client that did not hear the answer (its connection dropped after the last byte, the app
// stopped) learns it when it resumes instead of sending the file again. Kept beside the
// uploads (file store: <UploadDir>/finished) or in the blob store under finishedPrefix (S3
// store: every replica sees it).
type finishedUpload struct {
	TenantID  int64  `json:"tenant_id"`
	Size      int64  `json:"size"`
	PhotoID   int64  `json:"photo_id"`
	Status    string `json:"status"`
	Duplicate bool   `json:"duplicate,omitempty"`
}

// finishedPrefix is where finished uploads are remembered, outside every studio's prefix
// (an entry names its studio; uploadGate checks it).
const finishedPrefix = "uploads-finished/"

func finishedKey(id string) string { return finishedPrefix + hex.EncodeToString([]byte(id)) }

func (f finishedUpload) header() map[string]string {
	h := map[string]string{"X-Photo-Id": strconv.FormatInt(f.PhotoID, 10), "X-Photo-Status": f.Status}
	if f.Duplicate {
		h["X-Photo-Duplicate"] = "1"
	}
	return h
}

// finished returns the remembered outcome of upload id (an error: none).
func (s *Server) finished(ctx context.Context, id string) (finishedUpload, error) {
	var f finishedUpload
	var r io.ReadCloser
	var err error
	if dir := s.uploads.finishedDir; dir != "" {
		r, err = os.Open(filepath.Join(dir, hex.EncodeToString([]byte(id))))
	} else {
		r, _, err = s.cfg.Blobs.Get(ctx, finishedKey(id))
	}
	if err != nil {
		return f, err
	}
	defer r.Close()
	err = json.NewDecoder(io.LimitReader(r, 4096)).Decode(&f)
	return f, err
}

// remember records the outcome of upload id. A record only spares a client that lost the
// answer from sending the file again, so a local one is not fsynced.
func (s *Server) remember(ctx context.Context, id string, f finishedUpload) error {
	b, err := json.Marshal(f)
	if err != nil {
		return err
	}
	if dir := s.uploads.finishedDir; dir != "" {
		name := filepath.Join(dir, hex.EncodeToString([]byte(id)))
		if err := os.WriteFile(name+".tmp", b, 0o640); err != nil {
			return err
		}
		return os.Rename(name+".tmp", name)
	}
	_, err = s.cfg.Blobs.Put(ctx, finishedKey(id), bytes.NewReader(b), int64(len(b)), "application/json")
	return err
}

// finishLocks serialize finishing one upload in this process (the finishing PATCH and a
// client's retry of it); an upload id picks its lock.
var finishLocks [64]sync.Mutex

func finishLock(id string) *sync.Mutex {
	h := fnv.New32a()
	h.Write([]byte(id))
	return &finishLocks[h.Sum32()%uint32(len(finishLocks))]
}

// finishUpload stores the completed upload content-addressed, adds it to the album (a
// file already there is a no-op), schedules its renditions, remembers the outcome and
// removes the upload. Once the last byte is in, this runs to its end even if the client has
// gone. A refusal (wrong type, hash mismatch, album gone) removes the upload too, so
// nothing half-stored stays behind; a failure of ours (database, storage) keeps it, and the
// client's next request finishes it (uploadGate).
func (s *Server) finishUpload(c *call, info tusd.FileInfo) (finishedUpload, error) {
	ctx := context.WithoutCancel(c.ctx) // no deadline: storing a 50 GB video on S3 takes minutes
	c.ctx = ctx
	mu := finishLock(info.ID)
	mu.Lock()
	defer mu.Unlock()
	if done, err := s.finished(ctx, info.ID); err == nil {
		return done, nil // finished meanwhile (by the request this one retries)
	}
	up, err := s.uploads.store.GetUpload(ctx, info.ID)
	if err != nil {
		return finishedUpload{}, fmt.Errorf("find finished upload: %w", err)
	}
	p, dup, err := s.ingest(c, info, up)
	if err != nil && toAPIError(err).Status >= 500 {
		return finishedUpload{}, err
	}
	var done finishedUpload
	if err == nil {
		done = finishedUpload{TenantID: c.tenant.ID, Size: info.Size, PhotoID: p.ID, Status: string(p.Status), Duplicate: dup}
		if perr := s.remember(ctx, info.ID, done); perr != nil {
			s.log.WarnContext(ctx, "remember finished upload", "upload", info.ID, "err", perr) // a lost answer then means one more send
		}
	}
	if terr := s.uploads.store.AsTerminatableUpload(up).Terminate(ctx); terr != nil {
		s.log.WarnContext(ctx, "remove finished upload", "upload", info.ID, "err", terr)
	}
	return done, err
}

// answerFinished answers a HEAD or PATCH of an upload that is already a photo: HEAD says
// every byte is held, a PATCH at the end says which photo it became (what the lost answer
// said).
func (s *Server) answerFinished(w http.ResponseWriter, r *http.Request, done finishedUpload) {
	h := w.Header()
	h.Set("Tus-Resumable", "1.0.0")
	h.Set("Cache-Control", "no-store")
	h.Set("Upload-Offset", strconv.FormatInt(done.Size, 10))
	h.Set("Upload-Length", strconv.FormatInt(done.Size, 10))
	switch r.Method {
	case http.MethodHead:
		w.WriteHeader(http.StatusOK)
	case http.MethodPatch:
		if r.Header.Get("Upload-Offset") != strconv.FormatInt(done.Size, 10) {
			writeError(w, r, s.log, apiErr(http.StatusConflict, "upload_offset_mismatch", "", nil))
			return
		}
		for k, v := range done.header() {
			h.Set(k, v)
		}
		w.WriteHeader(http.StatusNoContent)
	default:
		writeError(w, r, s.log, apiErr(http.StatusNotFound, "not_found", "", nil))
	}
}

func (s *Server) ingest(c *call, up tusd.FileInfo, data tusd.Upload) (album.Photo, bool, error) {
	albumID, _ := strconv.ParseInt(up.MetaData["album_id"], 10, 64)
	name := up.MetaData["filename"]
	f, err := data.GetReader(c.ctx)
	if err != nil {
		return album.Photo{}, false, fmt.Errorf("open finished upload: %w", err)
	}
	defer f.Close()
	head := make([]byte, media.SniffLen)
	n, _ := io.ReadFull(f, head)
	typ, err := media.Sniff(head[:n])
	if err != nil {
		return album.Photo{}, false, apiErr(http.StatusUnsupportedMediaType, "file_type_unsupported", "filename", map[string]any{"filename": name})
	}
	if typ.ContentType == "image/heic" {
		return album.Photo{}, false, apiErr(http.StatusUnsupportedMediaType, "heic_unsupported", "filename", map[string]any{"filename": name})
	}
	sums, ok := sumsOf(data, up.Size) // summed as the bytes arrived
	if !ok {
		if sums, err = fileSums(io.MultiReader(bytes.NewReader(head[:n]), f)); err != nil {
			return album.Photo{}, false, fmt.Errorf("hash upload: %w", err)
		}
	}
	hash := sums.sha256
	if want := up.MetaData["sha256"]; want != "" && want != hash {
		return album.Photo{}, false, apiErr(http.StatusConflict, "upload_hash_mismatch", "sha256", map[string]any{"filename": name})
	}
	// Content-addressed: an original already stored (another album, an earlier try) is reused.
	bucket := s.tenantBucket(c.tenant.ID)
	if _, err := bucket.Stat(c.ctx, originalKey(hash)); errors.Is(err, blob.ErrNotFound) {
		if err := storeOriginal(c.ctx, bucket, originalKey(hash), data, up.Size, typ.ContentType); err != nil {
			return album.Photo{}, false, err
		}
	} else if err != nil {
		return album.Photo{}, false, fmt.Errorf("stat original: %w", err)
	}
	var p album.Photo
	dup, completed := false, false
	err = c.write(func(tx store.Tx) error {
		if _, err := c.visibleAlbum(tx, albumID); err != nil {
			return err
		}
		have, err := tx.PhotoHashes(c.ctx, albumID, []string{hash})
		if err != nil {
			return err
		}
		if id, ok := have[hash]; ok {
			if p, err = tx.GetPhoto(c.ctx, id); err != nil || !p.OriginalPending {
				dup = true
				return err
			}
			// The desktop sent the renditions first: the original completes that photo and
			// nothing is rendered again.
			if p, err = tx.CompletePhotoOriginal(c.ctx, id, album.OriginalSums{Size: up.Size, ContentType: typ.ContentType,
				CRC: sums.crc, CRCNoEXIF: sums.crcNoEXIF, CRCNoGPS: sums.crcNoGPS}, c.now); err != nil {
				return err
			}
			completed = true // shown already: no second live event
			return c.audit(tx, "photo.original", "photo", p.ID, nil, p)
		}
		status := album.PhotoProcessing
		if typ.Kind == media.KindVideo {
			status = album.PhotoReady // played as uploaded; a poster frame comes with video work
		}
		p, err = tx.InsertPhoto(c.ctx, album.Photo{AlbumID: albumID, Hash: hash, Size: up.Size, Filename: name,
			ContentType: typ.ContentType, Kind: string(typ.Kind), Status: status, CreatedBy: c.staff.ID, CreatedAt: c.now, UpdatedAt: c.now,
			CRC: sums.crc, CRCNoEXIF: sums.crcNoEXIF, CRCNoGPS: sums.crcNoGPS})
		if err != nil {
			return err
		}
		if typ.Kind == media.KindVideo {
			if _, err := c.charge(tx, credit.ItemVideoUpload, 1, "photo", p.ID); err != nil {
				return err
			}
		} else if err := tx.ScheduleJob(c.ctx, JobRender, strconv.FormatInt(p.ID, 10), nil, c.now); err != nil {
			return err
		}
		if err := s.scheduleUploadNotice(c.ctx, tx, albumID, c.now); err != nil {
			return err
		}
		return c.audit(tx, "photo.upload", "photo", p.ID, nil, p)
	})
	if err == nil && !dup && !completed {
		s.wakeJobs()                        // its renditions are made now, not at the next poll
		s.photoEvent(c.ctx, c.tenant.ID, p) // a video is ready as it lands
	}
	return p, dup, err
}

// sumsOf returns the sums a summingStore computed while the upload's bytes arrived.
func sumsOf(data tusd.Upload, size int64) (sums, bool) {
	if su, ok := data.(*summingUpload); ok {
		return su.sums(size)
	}
	return sums{}, false
}

// storeOriginal moves a finished upload into the blob store: with a rename when the blob
// store is the local disk and the upload's file is ready for it (summingStore), else as a
// copy (a second read: on S3 the upload is an object of its own).
func storeOriginal(ctx context.Context, bucket blob.Bucket, key string, data tusd.Upload, size int64, contentType string) error {
	if su, ok := data.(*summingUpload); ok {
		moved, err := su.adopt(ctx, bucket, key, contentType)
		if err != nil {
			return fmt.Errorf("store original: %w", err)
		}
		if moved {
			return nil
		}
	}
	f, err := data.GetReader(ctx)
	if err != nil {
		return fmt.Errorf("open finished upload: %w", err)
	}
	defer f.Close()
	if _, err := bucket.Put(ctx, key, f, size, contentType); err != nil {
		return fmt.Errorf("store original: %w", err)
	}
	return nil
}

// checkPhotos answers which of the given hashes the album already holds, so a client skips
// sending them (the server would treat them as no-ops anyway).
func (s *Server) checkPhotos(c *call) (any, error) {
	if err := c.require(account.PermAlbumManage); err != nil {
		return nil, err
	}
	id, err := c.pathID("id")
	if err != nil {
		return nil, err
	}
	var in struct {
		Hashes []string `json:"hashes"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if len(in.Hashes) > 5000 {
		return nil, apiErr(http.StatusBadRequest, "too_long", "hashes", map[string]any{"max": 5000})
	}
	for _, h := range in.Hashes {
		if !album.ValidHash(h) {
			return nil, apiErr(http.StatusBadRequest, "invalid_value", "hashes", map[string]any{"allowed": "64 lowercase hex digits"})
		}
	}
	out, pending, pendingAsked := map[string]int64{}, map[string]int64{}, map[string]int64{}
	err = c.view(func(tx store.Tx) error {
		if _, err := c.visibleAlbum(tx, id); err != nil {
			return err
		}
		var err error
		if out, err = tx.PhotoHashes(c.ctx, id, in.Hashes); err != nil {
			return err
		}
		pending, err = tx.PendingOriginals(c.ctx, id)
		return err
	})
	// A photo whose original is still on its way is not "existing" (the original must be
	// sent); "pending" tells a desktop that its renditions are there already.
	for h := range out {
		if pid, ok := pending[h]; ok {
			delete(out, h)
			pendingAsked[h] = pid
		}
	}
	return map[string]any{"existing": out, "pending": pendingAsked}, c.albumDenied(err, "album.view", "album", id)
}

func (s *Server) listPhotos(c *call) (any, error) {
	if err := c.requireAny(account.PermAlbumManage, account.PermOrderManage); err != nil {
		return nil, err
	}
	id, err := c.pathID("id")
	if err != nil {
		return nil, err
	}
	var out []album.Photo
	err = c.view(func(tx store.Tx) error {
		if _, err := c.visibleAlbum(tx, id); err != nil {
			return err
		}
		var err error
		out, err = tx.ListPhotos(c.ctx, id)
		return err
	})
	return out, c.albumDenied(err, "album.view", "album", id)
}
