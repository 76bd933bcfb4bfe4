package api_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/studiodesk/studiodesk/backend/api/apiclient"
)

// rawPatch sends a tus PATCH of declared length total at offset over its own TCP
// connection but only body's bytes, then ends the request the way a dropped client does:
// cut (half-close, then read what the server says) or gone (close without reading).
func rawPatch(t *testing.T, uploadURL, token string, offset, total int64, body []byte, readAnswer bool) {
	t.Helper()
	u, err := url.Parse(uploadURL)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "PATCH %s HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\nTus-Resumable: 1.0.0\r\n"+
		"Content-Type: application/offset+octet-stream\r\nUpload-Offset: %d\r\nContent-Length: %d\r\n\r\n", u.Path, u.Host, token, offset, total)
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
		t.Fatalf("a cut PATCH answered %d", res.StatusCode)
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
	deadline := time.Now().Add(20 * time.Second)
	for len(u.photos()) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the upload whose client left never became a photo")
		}
		time.Sleep(10 * time.Millisecond)
	}
	photoID := int64(u.photos()[0].(map[string]any)["id"].(float64))
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
