package api_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/studiodesk/studiodesk/backend/media/mediatest"
)

// A job runner that polls only hourly still renders an uploaded photo at once: the upload
// wakes it (a guest on a live album must not wait for the next poll).
func TestUploadWakesTheJobRunner(t *testing.T) {
	t.Parallel()
	u := newUploadEnv(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- u.srvAPI.RunJobs(ctx, "wake-test", time.Hour) }()
	t.Cleanup(func() { cancel(); <-done })

	for i := range 2 { // the second upload comes when the runner has gone idle after the first
		r, err := u.upload(u.s.admin, fmt.Sprintf("IMG_%04d.JPG", i), mediatest.JPEG(mediatest.Upright(400+i, 300), 0))
		if err != nil {
			t.Fatal(err)
		}
		path := fmt.Sprintf("/api/v1/albums/%d/photos", u.albumID)
		for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(20 * time.Millisecond) {
			ready := false
			for _, p := range u.must(200, "GET", path, u.s.admin, nil).List {
				if m := p.(map[string]any); int64(m["id"].(float64)) == r.PhotoID && m["status"] == "ready" {
					ready = true
				}
			}
			if ready {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("photo %d not rendered by a runner that polls hourly: the upload did not wake it", i)
			}
		}
	}
}
