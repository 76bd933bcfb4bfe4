package api_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"

	"github.com/studiodesk/studiodesk/backend/api"
	"github.com/studiodesk/studiodesk/backend/api/apiclient"
	"github.com/studiodesk/studiodesk/backend/blob"
	"github.com/studiodesk/studiodesk/backend/media/mediatest"
)

// uploadEnv is a server with blob storage and tus uploads on, a studio with credits, an
// order and an album.
type uploadEnv struct {
	*env
	s       *studio
	blobs   blob.Bucket
	albumID int64
}

func newUploadEnv(t *testing.T, configure ...func(*api.Config)) *uploadEnv {
	t.Helper()
	bucket := openBlobs(t)
	e := newEnvWith(t, func(c *api.Config) {
		c.Blobs, c.UploadDir = bucket, t.TempDir()
		for _, f := range configure {
			f(c)
		}
	})
	s := e.newStudio("甲影楼", 1)
	e.topUp(s, 100)
	orderID := e.newOrder(s, s.admin).num("id")
	albumID := e.must(201, "POST", fmt.Sprintf("/api/v1/orders/%d/albums", orderID), s.admin, map[string]any{"kind": "raw", "title": "底片"}).num("id")
	return &uploadEnv{env: e, s: s, blobs: bucket, albumID: albumID}
}

func (u *uploadEnv) client(token string) *apiclient.Client {
	u.t.Helper()
	c, err := apiclient.New(apiclient.Config{BaseURL: u.srv.URL, Token: token})
	if err != nil {
		u.t.Fatal(err)
	}
	return c
}

func (u *uploadEnv) upload(token, name string, data []byte) (apiclient.UploadResult, error) {
	return u.client(token).UploadFile(context.Background(), apiclient.UploadRequest{AlbumID: u.albumID, Filename: name, Size: int64(len(data))},
		bytes.NewReader(data), "", 2, nil, nil)
}

func (u *uploadEnv) runJobs() {
	u.t.Helper()
	for {
		ran, err := u.srvAPI.RunOneJob(context.Background(), "test")
		if err != nil {
			u.t.Logf("job: %v", err)
		}
		if !ran {
			return
		}
	}
}

func (u *uploadEnv) photos() []any {
	u.t.Helper()
	return u.must(200, "GET", fmt.Sprintf("/api/v1/albums/%d/photos", u.albumID), u.s.admin, nil).List
}

func hexSHA(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }

// original returns what the blob store holds as the original of data (by its hash).
func (u *uploadEnv) original(data []byte) []byte {
	u.t.Helper()
	rc, _, err := u.blobs.Get(context.Background(), fmt.Sprintf("studios/%d/originals/%s", u.s.tenantID, hexSHA(data)))
	if err != nil {
		u.t.Fatal(err)
	}
	defer rc.Close()
	stored, err := io.ReadAll(rc)
	if err != nil {
		u.t.Fatal(err)
	}
	return stored
}

func TestUploadRenderAndDedupe(t *testing.T) {
	t.Parallel()
	u := newUploadEnv(t)
	photo := mediatest.JPEG(mediatest.Stored(mediatest.Upright(1200, 600), 6), 6)
	res, err := u.upload(u.s.admin, "IMG_0001 婚礼.JPG", photo)
	if err != nil || res.PhotoID == 0 || res.Duplicate || res.Status != "processing" {
		t.Fatalf("upload %+v %v", res, err)
	}
	hash := hexSHA(photo)
	key := fmt.Sprintf("studios/%d/originals/%s", u.s.tenantID, hash)
	if info, err := u.blobs.Stat(context.Background(), key); err != nil || info.Size != int64(len(photo)) || info.ContentType != "image/jpeg" {
		t.Fatalf("original %+v %v", info, err)
	}
	u.runJobs()
	ps := u.photos()
	p := ps[0].(map[string]any)
	if len(ps) != 1 || p["status"] != "ready" || p["width"].(float64) != 1200 || p["height"].(float64) != 600 || p["filename"] != "IMG_0001 婚礼.JPG" || p["hash"] != hash {
		t.Fatalf("photo %v", p)
	}
	for _, r := range []string{"thumb", "preview"} {
		if _, err := u.blobs.Stat(context.Background(), fmt.Sprintf("studios/%d/renditions/%s/%s.jpg", u.s.tenantID, hash, r)); err != nil {
			t.Fatalf("%s: %v", r, err)
		}
	}
	d := u.must(200, "GET", fmt.Sprintf("/api/v1/albums/%d", u.albumID), u.s.admin, nil)
	if d.num("photo_count") != 1 || d.num("bytes") != int64(len(photo)) {
		t.Fatalf("album counters %s", d.Raw)
	}

	t.Run("the same file again is a no-op", func(t *testing.T) {
		again, err := u.upload(u.s.admin, "copy.jpg", photo)
		if err != nil || !again.Duplicate || again.PhotoID != res.PhotoID {
			t.Fatalf("%+v %v", again, err)
		}
		if len(u.photos()) != 1 {
			t.Fatal("duplicate stored")
		}
		existing, err := u.client(u.s.admin).CheckPhotos(context.Background(), u.albumID, []string{hash, strings.Repeat("0", 64)})
		if err != nil || len(existing) != 1 || existing[hash] != res.PhotoID {
			t.Fatalf("check %v %v", existing, err)
		}
		audit := u.must(200, "GET", "/api/v1/audit?entity=photo", u.s.admin, nil)
		if n := strings.Count(string(audit.Raw), `"photo.upload"`); n != 1 {
			t.Fatalf("%d upload audit entries", n)
		}
	})
}

// failAfter yields n bytes, then fails like a dropped connection.
type failAfter struct {
	r io.Reader
	n int
}

func (f *failAfter) Read(p []byte) (int, error) {
	if f.n <= 0 {
		return 0, errors.New("connection dropped")
	}
	if len(p) > f.n {
		p = p[:f.n]
	}
	k, err := f.r.Read(p)
	f.n -= k
	return k, err
}

// randomVideo is n random bytes that sniff as an MP4 (a video: no renditions, charged
// video.upload).
func randomVideo(rng *rand.Rand, n int) []byte {
	data := make([]byte, n)
	for i := range data {
		data[i] = byte(rng.Uint32())
	}
	copy(data, "\x00\x00\x00\x18ftypisom")
	return data
}

func TestUploadResumesAtARandomOffset(t *testing.T) {
	t.Parallel()
	u := newUploadEnv(t)
	rng := rand.New(rand.NewPCG(1, 2))
	data := randomVideo(rng, 3<<20+12345)
	c := u.client(u.s.admin)
	ctx := context.Background()
	req := apiclient.UploadRequest{AlbumID: u.albumID, Filename: "婚礼快剪.mp4", Size: int64(len(data)), SHA256: hexSHA(data)}
	target, err := c.CreateUpload(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	cut := 1 + rng.IntN(len(data)-2)
	_, _, _, err = c.UploadChunk(ctx, target, 0, &failAfter{r: bytes.NewReader(data), n: cut}, int64(len(data)))
	if err == nil {
		t.Fatal("the interrupted PATCH succeeded")
	}
	held, err := c.UploadOffset(ctx, target)
	if err != nil || held > int64(cut) {
		t.Fatalf("offset after the drop: %d (cut at %d) %v", held, cut, err)
	}
	var sent []int64
	res, err := c.UploadFile(ctx, req, bytes.NewReader(data), target, 2, nil, func(n int64) { sent = append(sent, n) })
	if err != nil || res.PhotoID == 0 || res.Status != "ready" {
		t.Fatalf("resume: %+v %v", res, err)
	}
	if sent[0] <= held && held != 0 || sent[len(sent)-1] != int64(len(data)) {
		t.Fatalf("progress %v from %d", sent, held)
	}
	if stored := u.original(data); hexSHA(stored) != hexSHA(data) {
		t.Fatal("stored file differs from the original")
	}
	if u.balance(u.s.admin) != 100-10-5 {
		t.Fatalf("video not charged: balance %d", u.balance(u.s.admin))
	}
}

func TestUploadBadInput(t *testing.T) {
	t.Parallel()
	u := newUploadEnv(t)
	c := u.client(u.s.admin)
	ctx := context.Background()
	good := mediatest.JPEG(mediatest.Upright(64, 32), 0)
	create := func(name string, size int64, albumID int64) error {
		_, err := c.CreateUpload(ctx, apiclient.UploadRequest{AlbumID: albumID, Filename: name, Size: size})
		return err
	}
	for _, tc := range []struct {
		name   string
		file   string
		size   int64
		status int
		code   string
	}{
		{"zero bytes", "a.jpg", 0, 400, "file_empty"},
		{"path separator", "婚礼/a.jpg", 10, 400, "filename_invalid"},
		{"control character", "a\tb.jpg", 10, 400, "filename_invalid"},
		{"not a photo", "notes.txt", 10, 415, "file_type_unsupported"},
		{"heic", "IMG_1.HEIC", 10, 415, "heic_unsupported"},
		{"too large", "a.jpg", 300 << 20, 413, "file_too_large"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := create(tc.file, tc.size, u.albumID)
			var ae *apiclient.Error
			if !errors.As(err, &ae) || ae.Status != tc.status || ae.Code != tc.code || ae.Message == "" || strings.Contains(ae.Message, "{") {
				t.Fatalf("got %v", err)
			}
		})
	}
	t.Run("unknown album", func(t *testing.T) {
		if err := create("a.jpg", 10, 999999); apiclient.CodeOf(err) != "not_found" {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("more bytes than declared", func(t *testing.T) {
		target, err := c.CreateUpload(ctx, apiclient.UploadRequest{AlbumID: u.albumID, Filename: "a.jpg", Size: 10})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, _, err := c.UploadChunk(ctx, target, 0, bytes.NewReader(good), int64(len(good))); err == nil {
			t.Fatal("accepted more bytes than declared")
		}
	})
	t.Run("a deferred length is refused in words", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodPost, u.srv.URL+"/api/v1/uploads/", nil)
		req.Header.Set("Authorization", "Bearer "+u.s.admin)
		req.Header.Set("Tus-Resumable", "1.0.0")
		req.Header.Set("Upload-Defer-Length", "1")
		req.Header.Set("Upload-Metadata", "filename "+base64.StdEncoding.EncodeToString([]byte("a.jpg"))+",album_id "+
			base64.StdEncoding.EncodeToString([]byte(fmt.Sprint(u.albumID))))
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 400 || !strings.Contains(string(body), "upload_length_required") {
			t.Fatalf("deferred length: %d %s", res.StatusCode, body)
		}
	})
	t.Run("a text file named .jpg is refused when it lands, nothing stored", func(t *testing.T) {
		_, err := u.upload(u.s.admin, "fake.jpg", []byte("this is not a photo, only text pretending"))
		if apiclient.CodeOf(err) != "file_type_unsupported" {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("checksum mismatch", func(t *testing.T) {
		_, err := c.UploadFile(ctx, apiclient.UploadRequest{AlbumID: u.albumID, Filename: "b.jpg", Size: int64(len(good)), SHA256: strings.Repeat("a", 64)},
			bytes.NewReader(good), "", 0, nil, nil)
		if apiclient.CodeOf(err) != "upload_hash_mismatch" {
			t.Fatalf("got %v", err)
		}
	})
	if n := len(u.photos()); n != 0 {
		t.Fatalf("%d photos stored from bad input", n)
	}
	t.Run("a truncated JPEG and a bomb are stored but marked failed with the reason", func(t *testing.T) {
		whole := mediatest.JPEG(mediatest.Upright(800, 600), 0)
		if _, err := u.upload(u.s.admin, "cut.jpg", whole[:len(whole)/2]); err != nil {
			t.Fatal(err)
		}
		if _, err := u.upload(u.s.admin, "bomb.png", mediatest.Bomb(50000, 50000)); err != nil {
			t.Fatal(err)
		}
		u.runJobs()
		got := map[string]string{}
		for _, p := range u.photos() {
			m := p.(map[string]any)
			got[m["filename"].(string)] = m["status"].(string) + "/" + fmt.Sprint(m["fail_reason"])
		}
		if got["cut.jpg"] != "failed/image_corrupt" || got["bomb.png"] != "failed/image_too_large" {
			t.Fatalf("results %v", got)
		}
	})
}

func TestUploadPermissionsAndIsolation(t *testing.T) {
	t.Parallel()
	u := newUploadEnv(t)
	b := u.newStudio("乙影楼", 2)
	ctx := context.Background()
	req := apiclient.UploadRequest{AlbumID: u.albumID, Filename: "a.jpg", Size: 100}
	if _, err := u.client(u.s.tokens["intake"]).CreateUpload(ctx, req); apiclient.CodeOf(err) != "forbidden" {
		t.Fatalf("intake uploads: %v", err)
	}
	if _, err := u.client("").CreateUpload(ctx, req); apiclient.CodeOf(err) != "unauthenticated" {
		t.Fatalf("anonymous upload: %v", err)
	}
	if _, err := u.client(b.admin).CreateUpload(ctx, req); apiclient.CodeOf(err) != "not_found" {
		t.Fatalf("B uploads into A's album: %v", err)
	}
	target, err := u.client(u.s.admin).CreateUpload(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := u.client(b.admin).UploadOffset(ctx, target); apiclient.CodeOf(err) != "not_found" {
		t.Fatalf("B reads A's upload: %v", err)
	}
	if _, _, _, err := u.client(b.admin).UploadChunk(ctx, target, 0, strings.NewReader("x"), 1); apiclient.CodeOf(err) != "not_found" {
		t.Fatalf("B writes A's upload: %v", err)
	}
	if r := u.req("POST", fmt.Sprintf("/api/v1/albums/%d/photos/check", u.albumID), b.admin, map[string]any{"hashes": []string{}}); r.Status != 404 {
		t.Fatalf("B checks A's album: %d", r.Status)
	}
	if r := u.req("GET", fmt.Sprintf("/api/v1/albums/%d/photos", u.albumID), b.admin, nil); r.Status != 404 {
		t.Fatalf("B lists A's photos: %d", r.Status)
	}
	// A video needs credits before a byte is sent.
	poor := u.newStudio("丙影楼", 3)
	u.topUp(poor, 10)
	orderID := u.newOrder(poor, poor.admin).num("id")
	albumID := u.must(201, "POST", fmt.Sprintf("/api/v1/orders/%d/albums", orderID), poor.admin, map[string]any{"kind": "video", "title": "视频"}).num("id")
	_, err = u.client(poor.admin).CreateUpload(ctx, apiclient.UploadRequest{AlbumID: albumID, Filename: "a.mp4", Size: 100})
	var ae *apiclient.Error
	if !errors.As(err, &ae) || ae.Status != http.StatusPaymentRequired || ae.Code != "credits_insufficient" {
		t.Fatalf("video without credits: %v", err)
	}
}
