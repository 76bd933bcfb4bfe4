package api_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"path"
	"strings"
	"testing"
	"time"

	"github.com/studiodesk/studiodesk/backend/api/apiclient"
)

// rawPatch sends a tus PATCH of declared length total at offset over its own TCP
// connection but only body's bytes, then ends the request the way a dropped client does:
// cut (half-close, then read what the server says) or gone (close without reading).
func rawPatch(t *testing.T, uploadURL, token string, offset, total int64, body []byte, readAnswer bool) {
	t.Helper()
	rawTus(t, "PATCH", uploadURL, token, fmt.Sprintf("Upload-Offset: %d\r\nContent-Length: %d\r\n", offset, total), body, readAnswer)
}

// rawPost creates upload id (chosen by the client, metadata upload_id) of total bytes with
// only body's bytes in the request (creation-with-upload), then ends it like rawPatch.
func rawPost(t *testing.T, base, token, id string, req apiclient.UploadRequest, body []byte, readAnswer bool) {
	t.Helper()
	md := fmt.Sprintf("album_id %s,filename %s,upload_id %s", b64(fmt.Sprint(req.AlbumID)), b64(req.Filename), b64(id))
	rawTus(t, "POST", base+"/api/v1/uploads/", token, fmt.Sprintf("Upload-Length: %d\r\nUpload-Metadata: %s\r\nContent-Length: %d\r\n",
		req.Size, md, req.Size), body, readAnswer)
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

// s3Uploads reports whether this run keeps uploads in S3 (STUDIODESK_TEST_BLOBS=s3): tusd's
// S3 store names uploads itself (its ids carry the multipart upload's), so a client-named
// upload id is not used there; the client follows the Location (TestUploadClientIDs checks
// that), and a creating POST cut before its answer is sent again from the start.
func s3Uploads() bool { return os.Getenv(blobsEnv) == "s3" }

// needClientNamedUploads skips a test of resuming at a client-named upload on S3, where the
// store names uploads itself (see s3Uploads; the disk run of the package covers it).
func needClientNamedUploads(t *testing.T) {
	if s3Uploads() {
		t.Skip("the S3 upload store names its uploads itself: client-named ids do not apply (covered by the disk run)")
	}
}

// rawTus sends a tus request carrying bytes with headers (Content-Length among them) but
// only body's bytes, over its own TCP connection, and ends it as rawPatch says.
func rawTus(t *testing.T, method, target, token, headers string, body []byte, readAnswer bool) {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "%s %s HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\nTus-Resumable: 1.0.0\r\n"+
		"Content-Type: application/offset+octet-stream\r\n%s\r\n", method, u.Path, u.Host, token, headers)
	if _, err := conn.Write(body); err != nil {
		t.Fatal(err)
	}
	if !readAnswer {
		return // the app is gone: it never hears what became of the bytes
	}
	if err := conn.(*net.TCPConn).CloseWrite(); err != nil {
		t.Fatal(err)
	}
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode/100 == 2 {
		t.Fatalf("a cut %s answered %d", method, res.StatusCode)
	}
}

// TestUploadCutPatchKeepsTheBytesThatArrived: a PATCH whose connection drops mid-body keeps
// what arrived; the client resumes from there and the stored file is byte-identical.
func TestUploadCutPatchKeepsTheBytesThatArrived(t *testing.T) {
	t.Parallel()
	u := newUploadEnv(t)
	rng := rand.New(rand.NewPCG(3, 4))
	data := randomVideo(rng, 5<<20+777)
	c := u.client(u.s.admin)
	ctx := context.Background()
	req := apiclient.UploadRequest{AlbumID: u.albumID, Filename: "快剪.mp4", Size: int64(len(data)), SHA256: hexSHA(data)}
	target, err := c.CreateUpload(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	cut := 1<<20 + rng.IntN(3<<20)
	rawPatch(t, target, u.s.admin, 0, int64(len(data)), data[:cut], true)
	held, err := c.UploadOffset(ctx, target)
	if err != nil || held != int64(cut) {
		t.Fatalf("offset after the cut: %d, want %d (%v)", held, cut, err)
	}
	var first int64 = -1
	res, err := c.UploadFile(ctx, req, bytes.NewReader(data), target, 0, nil, func(n int64) {
		if first < 0 {
			first = n
		}
	})
	if err != nil || res.PhotoID == 0 || res.Duplicate {
		t.Fatalf("resume: %+v %v", res, err)
	}
	if first != int64(len(data)) { // one PATCH from the cut to the end (8 MiB chunks)
		t.Fatalf("resumed to %d in the first chunk, want the end %d", first, len(data))
	}
	if !bytes.Equal(u.original(data), data) {
		t.Fatal("stored file differs from the original")
	}
}

// TestUploadLostFinalAnswer: the last PATCH arrives whole but the client is gone before the
// answer (the app stopped). The server still makes the photo; the client's resume learns
// which photo it became without sending a byte or creating another upload.
func TestUploadLostFinalAnswer(t *testing.T) {
	t.Parallel()
	u := newUploadEnv(t)
	data := make([]byte, 300_000)
	copy(data, "\x00\x00\x00\x18ftypisom")
	data[len(data)-1] = 7
	c := u.client(u.s.admin)
	ctx := context.Background()
	req := apiclient.UploadRequest{AlbumID: u.albumID, Filename: "花絮.mp4", Size: int64(len(data))}
	target, err := c.CreateUpload(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	rawPatch(t, target, u.s.admin, 0, int64(len(data)), data, false)
	photoID := u.awaitPhoto()
	held, err := c.UploadOffset(ctx, target)
	if err != nil || held != int64(len(data)) {
		t.Fatalf("HEAD of the finished upload: %d %v", held, err)
	}
	sent := false
	res, err := c.UploadFile(ctx, req, bytes.NewReader(data), target, 0, nil, func(int64) { sent = true })
	if err != nil || res.PhotoID != photoID || res.Duplicate || res.Status != "ready" {
		t.Fatalf("resume after the lost answer: %+v %v (photo %d)", res, err, photoID)
	}
	if !sent || len(u.photos()) != 1 {
		t.Fatalf("progress reported %v, %d photos", sent, len(u.photos()))
	}
	// Another studio cannot learn anything about it.
	other := u.newStudio("乙影楼", 2)
	if _, err := u.client(other.admin).UploadOffset(ctx, target); err == nil {
		t.Fatal("another studio read a finished upload")
	}
	// A PATCH at another offset is refused, with a localized reason.
	_, _, _, err = c.UploadChunk(ctx, target, 5, bytes.NewReader(nil), 0)
	if e, ok := err.(*apiclient.Error); !ok || e.Status != 409 || e.Code != "upload_offset_mismatch" || e.Message == "" {
		t.Fatalf("PATCH at a wrong offset: %v", err)
	}
}

// TestUploadCutPostKeepsTheBytesThatArrived: a creating POST that carries the first chunk
// (creation-with-upload, at the id the client chose) and drops mid-body keeps what arrived;
// the client knew the URL before sending and resumes there, ending with one photo whose
// bytes are the file's.
func TestUploadCutPostKeepsTheBytesThatArrived(t *testing.T) {
	needClientNamedUploads(t)
	t.Parallel()
	u := newUploadEnv(t)
	rng := rand.New(rand.NewPCG(5, 6))
	data := randomVideo(rng, 5<<20+333)
	c := u.client(u.s.admin)
	ctx := context.Background()
	req := apiclient.UploadRequest{AlbumID: u.albumID, Filename: "开场.mp4", Size: int64(len(data))}
	id := "0123456789abcdef0123456789abcdef"
	target := u.srv.URL + "/api/v1/uploads/" + id
	cut := 1<<20 + rng.IntN(3<<20)
	rawPost(t, u.srv.URL, u.s.admin, id, req, data[:cut], true)
	held, err := c.UploadOffset(ctx, target)
	if err != nil || held != int64(cut) {
		t.Fatalf("offset after the cut POST: %d, want %d (%v)", held, cut, err)
	}
	var sent []int64
	res, err := c.UploadFile(ctx, req, bytes.NewReader(data), target, 0, nil, func(n int64) { sent = append(sent, n) })
	if err != nil || res.PhotoID == 0 || res.Duplicate {
		t.Fatalf("resume: %+v %v", res, err)
	}
	if len(sent) != 1 || sent[0] != int64(len(data)) {
		t.Fatalf("progress %v, want one PATCH from the cut to the end %d", sent, len(data))
	}
	if stored := u.original(data); !bytes.Equal(stored, data) {
		t.Fatal("stored file differs from the original")
	}
	// The id is taken now (finished): creating it again is refused, so the client asks
	// where it stands instead of overwriting anything.
	_, err = u.rawCreate(u.s.admin, id, req)
	if e, ok := err.(*apiclient.Error); !ok || e.Status != http.StatusConflict || e.Code != "upload_offset_mismatch" {
		t.Fatalf("POST of a finished upload's id: %v", err)
	}
}

// TestUploadFileDroppedPostResumes: UploadFile's own creating POST drops mid-body; it asks
// where the upload it named stands and sends the rest there: the URL it reported before
// the first byte stays the upload's, and one photo results.
func TestUploadFileDroppedPostResumes(t *testing.T) {
	t.Parallel()
	u := newUploadEnv(t)
	rng := rand.New(rand.NewPCG(7, 8))
	data := randomVideo(rng, 6<<20+41)
	c := u.client(u.s.admin)
	req := apiclient.UploadRequest{AlbumID: u.albumID, Filename: "跟拍.mp4", Size: int64(len(data)), SHA256: hexSHA(data), CreateWithData: true}
	var urls []string
	f := &dropOnce{data: data, at: int64(1<<20 + rng.IntN(4<<20))}
	res, err := c.UploadFile(context.Background(), req, f, "", 3, func(s string) { urls = append(urls, s) }, nil)
	if err != nil || res.PhotoID == 0 || res.Duplicate {
		t.Fatalf("upload with a dropped POST: %+v %v", res, err)
	}
	if !f.dropped {
		t.Fatal("the POST was not dropped")
	}
	// On S3 the store names the upload: the client reports the Location it got (and the
	// POST cut before its answer is sent again from the start, under a new name).
	if len(urls) == 0 || !s3Uploads() && len(urls) != 1 || !strings.HasPrefix(urls[0], u.srv.URL+"/api/v1/uploads/") {
		t.Fatalf("started with %v", urls)
	}
	if stored := u.original(data); !bytes.Equal(stored, data) {
		t.Fatal("stored file differs from the original")
	}
	if n := len(u.photos()); n != 1 {
		t.Fatalf("%d photos", n)
	}
}

// TestUploadLostPostAnswer: a creating POST carries the whole file but the client is gone
// before the answer. The photo is made; resuming at the URL the client chose learns which
// one it became (not a duplicate, no second upload).
func TestUploadLostPostAnswer(t *testing.T) {
	needClientNamedUploads(t)
	t.Parallel()
	u := newUploadEnv(t)
	data := make([]byte, 200_000)
	copy(data, "\x00\x00\x00\x18ftypisom")
	data[len(data)-1] = 9
	c := u.client(u.s.admin)
	req := apiclient.UploadRequest{AlbumID: u.albumID, Filename: "片尾.mp4", Size: int64(len(data))}
	id := "fedcba9876543210fedcba9876543210"
	rawPost(t, u.srv.URL, u.s.admin, id, req, data, false)
	photoID := u.awaitPhoto()
	res, err := c.UploadFile(context.Background(), req, bytes.NewReader(data), u.srv.URL+"/api/v1/uploads/"+id, 0, nil, nil)
	if err != nil || res.PhotoID != photoID || res.Duplicate {
		t.Fatalf("resume after the lost POST answer: %+v %v (photo %d)", res, err, photoID)
	}
	if len(u.photos()) != 1 {
		t.Fatalf("%d photos", len(u.photos()))
	}
}

// TestUploadClientIDs: an id in use by another studio is refused without touching that
// upload; an id that is not 32 lowercase hex digits is refused in words.
func TestUploadClientIDs(t *testing.T) {
	t.Parallel()
	u := newUploadEnv(t)
	data := randomVideo(rand.New(rand.NewPCG(9, 10)), 3<<20)
	req := apiclient.UploadRequest{AlbumID: u.albumID, Filename: "花絮.mp4", Size: int64(len(data))}
	id := "00112233445566778899aabbccddeeff"
	other := u.newStudio("乙影楼", 2)
	u.topUp(other, 100)
	otherOrder := u.newOrder(other, other.admin).num("id")
	otherAlbum := u.must(201, "POST", fmt.Sprintf("/api/v1/orders/%d/albums", otherOrder), other.admin, map[string]any{"kind": "raw", "title": "底片"}).num("id")
	otherReq := apiclient.UploadRequest{AlbumID: otherAlbum, Filename: "x.mp4", Size: 10}
	if s3Uploads() {
		// The S3 store names its uploads: a client-named id is not taken, so two studios
		// naming the same id get two uploads, each under the store's own name.
		loc, err := u.rawCreate(u.s.admin, id, req)
		if err != nil || path.Base(loc) == id {
			t.Fatalf("S3 upload named by the client: %q %v", loc, err)
		}
		loc2, err := u.rawCreate(other.admin, id, otherReq)
		if err != nil || loc2 == loc {
			t.Fatalf("another studio naming the same id: %q %v (first %q)", loc2, err, loc)
		}
		if _, err := u.client(other.admin).UploadOffset(context.Background(), loc); err == nil {
			t.Fatal("another studio reads the first studio's upload")
		}
	} else {
		rawPost(t, u.srv.URL, u.s.admin, id, req, data[:1<<20], true)
		_, err := u.rawCreate(other.admin, id, otherReq)
		if e, ok := err.(*apiclient.Error); !ok || e.Status != http.StatusConflict {
			t.Fatalf("another studio's POST at a used id: %v", err)
		}
		held, err := u.client(u.s.admin).UploadOffset(context.Background(), u.srv.URL+"/api/v1/uploads/"+id)
		if err != nil || held != 1<<20 {
			t.Fatalf("the first studio's upload after the refused POST: %d %v", held, err)
		}
	}
	for _, bad := range []string{"ABCDEF0123456789ABCDEF0123456789", "0123", "../../../../etc/passwd0123456789", "0123456789abcdef0123456789abcdeg"} {
		_, err := u.rawCreate(u.s.admin, bad, req)
		if e, ok := err.(*apiclient.Error); !ok || e.Status != http.StatusBadRequest || e.Code != "invalid_value" || e.Field != "upload_id" || e.Message == "" {
			t.Fatalf("upload_id %q: %v", bad, err)
		}
	}
}

// awaitPhoto waits for the album's first photo (an upload whose client left is finished all
// the same) and returns its id.
func (u *uploadEnv) awaitPhoto() int64 {
	u.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for len(u.photos()) == 0 {
		if time.Now().After(deadline) {
			u.t.Fatal("the upload whose client left never became a photo")
		}
		time.Sleep(10 * time.Millisecond)
	}
	return int64(u.photos()[0].(map[string]any)["id"].(float64))
}

// rawCreate sends a creating POST without bytes at a chosen id and returns its Location.
func (u *uploadEnv) rawCreate(token, id string, req apiclient.UploadRequest) (string, error) {
	md := fmt.Sprintf("album_id %s,filename %s,upload_id %s", b64(fmt.Sprint(req.AlbumID)), b64(req.Filename), b64(id))
	r, _ := http.NewRequest("POST", u.srv.URL+"/api/v1/uploads/", nil)
	r.Header.Set("Authorization", "Bearer "+token)
	r.Header.Set("Tus-Resumable", "1.0.0")
	r.Header.Set("Upload-Length", fmt.Sprint(req.Size))
	r.Header.Set("Upload-Metadata", md)
	res, err := http.DefaultClient.Do(r)
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusCreated {
		var body struct{ Error apiclient.Error }
		_ = json.NewDecoder(res.Body).Decode(&body)
		body.Error.Status = res.StatusCode
		return "", &body.Error
	}
	return res.Header.Get("Location"), nil
}

// dropOnce is a file whose reads fail once, the first time they reach at: the connection
// carrying it drops there.
type dropOnce struct {
	data    []byte
	at      int64
	dropped bool
}

func (d *dropOnce) ReadAt(p []byte, off int64) (int, error) {
	if !d.dropped && off+int64(len(p)) > d.at {
		d.dropped = true
		n := copy(p, d.data[off:max(off, d.at)])
		return n, errors.New("connection dropped")
	}
	if off >= int64(len(d.data)) {
		return 0, io.EOF
	}
	n := copy(p, d.data[off:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}
