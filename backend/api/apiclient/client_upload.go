package apiclient

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path"
	"sort"
	"strconv"
	"strings"
)

// The tus 1.0 protocol (creation + core), as the server's /api/v1/uploads/ speaks it: create
// an upload with its length and metadata, PATCH bytes at the offset the server holds, and
// after a dropped connection ask (HEAD) where it stands and go on from there.

const tusVersion = "1.0.0"

// UploadRequest describes one file to upload into an album.
type UploadRequest struct {
	AlbumID  int64
	Filename string
	Size     int64
	// SHA256 (hex) of the file, optional: the server refuses the upload if the bytes differ.
	SHA256 string
	// CreateWithData has UploadFile send the first chunk in the request that creates the
	// upload (tus creation-with-upload): a photo up to ChunkSize is one request instead of
	// a POST and a PATCH.
	CreateWithData bool
}

// UploadResult is what the server made of a finished upload.
type UploadResult struct {
	PhotoID   int64
	Status    string // processing (renditions coming), ready
	Duplicate bool   // the album already had this file: nothing new was stored
}

func (c *Client) tusRequest(ctx context.Context, method, target string, body io.Reader) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, method, target, body)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Tus-Resumable", tusVersion)
	req.Header.Set("Accept-Language", c.lang)
	req.Header.Set("User-Agent", c.ua)
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	return req, nil
}

func (c *Client) tusDo(req *http.Request, want ...int) (*http.Response, error) {
	res, err := c.hc.Do(req)
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return nil, err
		}
		return nil, fmt.Errorf("%w: %s upload: %w", ErrUnreachable, req.Method, err)
	}
	for _, w := range want {
		if res.StatusCode == w {
			return res, nil
		}
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if req.Method == http.MethodHead { // HEAD answers carry no body: the status is all there is
		if code, ok := headCodes[res.StatusCode]; ok {
			return nil, &Error{Status: res.StatusCode, Code: code}
		}
	}
	return nil, decodeError(res, raw)
}

// headCodes name the refusals a HEAD can only give as a status. 404 also means an upload the
// server has finished or dropped: start the file again.
var headCodes = map[int]string{
	http.StatusNotFound: "not_found", http.StatusGone: "not_found",
	http.StatusUnauthorized: "unauthenticated", http.StatusForbidden: "forbidden",
}

// CreateUpload starts an upload and returns its URL (POST /api/v1/uploads/).
func (c *Client) CreateUpload(ctx context.Context, u UploadRequest) (string, error) {
	req, err := c.tusRequest(ctx, http.MethodPost, c.base+"/api/v1/uploads/", nil)
	if err != nil {
		return "", err
	}
	req.Header.Set("Upload-Length", strconv.FormatInt(u.Size, 10))
	req.Header.Set("Upload-Metadata", encodeMetadata(uploadMetadata(u, "")))
	res, err := c.tusDo(req, http.StatusCreated)
	if err != nil {
		return "", err
	}
	res.Body.Close()
	loc, err := res.Location()
	if err != nil {
		return "", fmt.Errorf("upload created without a location: %w", err)
	}
	return loc.String(), nil
}

// uploadMetadata is the tus metadata of a new upload; id, if not empty, is the upload's id
// chosen by the client.
func uploadMetadata(u UploadRequest, id string) map[string]string {
	md := map[string]string{"album_id": strconv.FormatInt(u.AlbumID, 10), "filename": u.Filename}
	if u.SHA256 != "" {
		md["sha256"] = u.SHA256
	}
	if id != "" {
		md["upload_id"] = id
	}
	return md
}

func encodeMetadata(md map[string]string) string {
	keys := make([]string, 0, len(md))
	for k := range md {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(md))
	for _, k := range keys {
		parts = append(parts, k+" "+base64.StdEncoding.EncodeToString([]byte(md[k])))
	}
	return strings.Join(parts, ",")
}

// createAt creates the upload with id (chosen by the client: the server keeps it at
// uploadURL(id)), with its first n bytes in the same request when n > 0 (tus
// creation-with-upload), and returns the URL the server gives, the bytes it holds, and, when
// those were all, what it made of the file.
func (c *Client) createAt(ctx context.Context, u UploadRequest, id string, r io.Reader, n int64) (target string, next int64, result UploadResult, done bool, err error) {
	var body io.Reader
	if n > 0 {
		body = io.LimitReader(r, n)
	}
	req, err := c.tusRequest(ctx, http.MethodPost, c.base+"/api/v1/uploads/", body)
	if err != nil {
		return "", 0, result, false, err
	}
	if n > 0 {
		req.ContentLength = n
		req.Header.Set("Content-Type", "application/offset+octet-stream")
	}
	req.Header.Set("Upload-Length", strconv.FormatInt(u.Size, 10))
	req.Header.Set("Upload-Metadata", encodeMetadata(uploadMetadata(u, id)))
	res, err := c.tusDo(req, http.StatusCreated)
	if err != nil {
		return "", 0, result, false, err
	}
	res.Body.Close()
	loc, err := res.Location()
	if err != nil {
		return "", 0, result, false, fmt.Errorf("upload created without a location: %w", err)
	}
	if n == 0 {
		return loc.String(), 0, result, false, nil
	}
	next, result, done, err = chunkAnswer(res)
	return loc.String(), next, result, done, err
}

// uploadURL is where the server keeps the upload with id.
func (c *Client) uploadURL(id string) string { return c.base + "/api/v1/uploads/" + id }

// newUploadID returns a random upload id (32 hex digits, as the server's own).
func newUploadID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return hex.EncodeToString(b[:])
}

// UploadOffset asks how many bytes of an upload the server holds (HEAD).
func (c *Client) UploadOffset(ctx context.Context, uploadURL string) (int64, error) {
	req, err := c.tusRequest(ctx, http.MethodHead, uploadURL, nil)
	if err != nil {
		return 0, err
	}
	res, err := c.tusDo(req, http.StatusOK)
	if err != nil {
		return 0, err
	}
	res.Body.Close()
	return strconv.ParseInt(res.Header.Get("Upload-Offset"), 10, 64)
}

// UploadChunk sends n bytes of r at offset (PATCH) and returns the new offset; when those
// were the last bytes, done is set and result says what the server made of the file.
func (c *Client) UploadChunk(ctx context.Context, uploadURL string, offset int64, r io.Reader, n int64) (next int64, result UploadResult, done bool, err error) {
	req, err := c.tusRequest(ctx, http.MethodPatch, uploadURL, io.LimitReader(r, n))
	if err != nil {
		return offset, result, false, err
	}
	req.ContentLength = n
	req.Header.Set("Content-Type", "application/offset+octet-stream")
	req.Header.Set("Upload-Offset", strconv.FormatInt(offset, 10))
	res, err := c.tusDo(req, http.StatusNoContent)
	if err != nil {
		return offset, result, false, err
	}
	res.Body.Close()
	if next, result, done, err = chunkAnswer(res); err != nil {
		return offset, result, false, err
	}
	return next, result, done, nil
}

// chunkAnswer reads the answer to a request that carried bytes: the offset the server
// holds and, when the upload is complete, the photo it became.
func chunkAnswer(res *http.Response) (next int64, result UploadResult, done bool, err error) {
	next, err = strconv.ParseInt(res.Header.Get("Upload-Offset"), 10, 64)
	if err != nil {
		return 0, result, false, fmt.Errorf("upload answered without an offset: %w", err)
	}
	if id := res.Header.Get("X-Photo-Id"); id != "" {
		result.PhotoID, _ = strconv.ParseInt(id, 10, 64)
		result.Status = res.Header.Get("X-Photo-Status")
		result.Duplicate = res.Header.Get("X-Photo-Duplicate") == "1"
		done = true
	}
	return next, result, done, nil
}

// ChunkSize is how much UploadFile sends per request: small enough that a dropped connection
// loses little, large enough that requests do not dominate.
const ChunkSize = 8 << 20

// UploadFile sends a whole file, resuming after failed chunks (up to retries times in a row):
// it asks the server where the upload stands and goes on from there. progress, if not nil,
// gets the bytes the server holds after each chunk. resumeURL continues an upload created
// earlier (e.g. before a crash); empty creates one (with the first chunk when
// u.CreateWithData). A new upload's id is chosen here, so its URL is reported through started
// before it is even created, and a caller can persist it: a creating request whose answer
// is lost, or whose connection drops mid-body, is resumed like a PATCH (a server that picks
// its own id reports it through started again).
func (c *Client) UploadFile(ctx context.Context, u UploadRequest, f io.ReaderAt, resumeURL string, retries int,
	started func(url string), progress func(sent int64)) (UploadResult, error) {
	target, id := resumeURL, ""
	offset := int64(0)
	if target == "" {
		id = newUploadID()
		target = c.uploadURL(id)
	} else {
		held, err := c.UploadOffset(ctx, target)
		if err != nil {
			return UploadResult{}, err
		}
		offset = held
	}
	if started != nil {
		started(target)
	}
	failures := 0
	for {
		n := min(int64(ChunkSize), u.Size-offset)
		if id != "" && !u.CreateWithData {
			n = 0 // create first, then PATCH
		}
		var next int64
		var res UploadResult
		var done bool
		var err error
		body := io.NewSectionReader(f, offset, n)
		creating := id != ""
		if creating {
			var loc string
			loc, next, res, done, err = c.createAt(ctx, u, id, body, n)
			if err == nil {
				if lu, err := url.Parse(loc); err == nil && path.Base(lu.Path) != id {
					target = loc // the server picked its own id (it knows no upload_id)
					if started != nil {
						started(target)
					}
				}
				id = ""
			}
		} else {
			next, res, done, err = c.UploadChunk(ctx, target, offset, body, n)
		}
		if err == nil {
			failures = 0
			offset = next
			if progress != nil && (n > 0 || !creating) {
				progress(offset)
			}
			if done {
				return res, nil
			}
			continue
		}
		var apiErr *Error
		if ctx.Err() != nil || (errors.As(err, &apiErr) && apiErr.Status != http.StatusConflict && apiErr.Status < 500) {
			return UploadResult{}, err // refused for a reason a retry will not change
		}
		if failures++; failures > retries {
			return UploadResult{}, err
		}
		held, herr := c.UploadOffset(ctx, target)
		switch {
		case herr == nil:
			offset, id = held, "" // created, by this request or one whose answer was lost
		case id != "" && errors.As(herr, &apiErr) && apiErr.Status == http.StatusNotFound:
			// the POST created nothing: create it again
		case !errors.Is(herr, ErrUnreachable):
			return UploadResult{}, herr
		} // unreachable: try the same chunk again
	}
}

// CheckPhotos returns which of the hashes the album already holds (photo ids by hash), so
// those files need not be sent (POST /api/v1/albums/{id}/photos/check).
func (c *Client) CheckPhotos(ctx context.Context, albumID int64, hashes []string) (map[string]int64, error) {
	out, err := c.CheckAlbum(ctx, albumID, hashes)
	return out.Existing, err
}
