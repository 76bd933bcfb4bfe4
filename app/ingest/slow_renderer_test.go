package ingest_test

import (
	"context"
	"io"
	"sync"
	"testing"
	"time"

	"github.com/studiodesk/studiodesk/app/ingest"
	"github.com/studiodesk/studiodesk/backend/api"
	"github.com/studiodesk/studiodesk/backend/api/apiclient"
	"github.com/studiodesk/studiodesk/backend/media"
	"github.com/studiodesk/studiodesk/backend/media/mediatest"
)

// renditionsFake is fakeServer with the renditions-first endpoints.
type renditionsFake struct {
	*fakeServer
	mu         sync.Mutex
	renditions int
}

func (f *renditionsFake) CheckAlbum(ctx context.Context, album int64, hashes []string) (apiclient.PhotoCheck, error) {
	have, err := f.CheckPhotos(ctx, album, hashes)
	return apiclient.PhotoCheck{Existing: have, Pending: map[string]int64{}}, err
}

func (f *renditionsFake) UploadRenditions(_ context.Context, r apiclient.RenditionsRequest) (api.RenditionsResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.renditions++
	return api.RenditionsResult{PhotoID: 1000 + int64(f.renditions), OriginalPending: true}, nil
}

// blockingRenderer renders only after release is closed.
type blockingRenderer struct {
	release chan struct{}
	started chan struct{}
}

func (b blockingRenderer) Render(ctx context.Context, src io.Reader, specs []media.Spec) (media.Image, []media.Rendition, error) {
	return b.RenderMarked(ctx, src, specs, nil)
}

func (b blockingRenderer) RenderMarked(ctx context.Context, src io.Reader, specs []media.Spec, mark *media.Mark) (media.Image, []media.Rendition, error) {
	select {
	case b.started <- struct{}{}:
	default:
	}
	select {
	case <-b.release:
	case <-ctx.Done():
		return media.Image{}, nil, ctx.Err()
	}
	return media.Std{}.RenderMarked(ctx, src, specs, mark)
}

// TestSlowRendererDoesNotHoldUploads: with OriginalsWhenIdle, upload slots that find no file
// with its renditions sent take hashed files as they are while the renderer is busy; the
// file being rendered still goes renditions first, and nothing is sent twice.
func TestSlowRendererDoesNotHoldUploads(t *testing.T) {
	q, dir := setup(t)
	srv := &renditionsFake{fakeServer: newFake()}
	for i := range 4 {
		addFile(t, q, dir, string(rune('a'+i))+".jpg", mediatest.JPEG(mediatest.Upright(60+i, 40), 1))
	}
	r := blockingRenderer{release: make(chan struct{}), started: make(chan struct{}, 1)}
	e := ingest.NewEngine(q, srv, ingest.Config{Renderer: r, RenderWorkers: 1, OriginalsWhenIdle: true, MaxUploads: 3, Poll: 5 * time.Millisecond})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- e.Run(ctx, true) }()
	<-r.started
	// The renderer holds one file; the other three must go as originals meanwhile.
	for {
		srv.fakeServer.mu.Lock()
		n := len(srv.photos[7])
		srv.fakeServer.mu.Unlock()
		if n == 3 {
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("only %d originals sent while the renderer was busy", n)
		}
		time.Sleep(5 * time.Millisecond)
	}
	close(r.release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if c, _ := q.Counts(context.Background(), 7); c.Done != 4 || c.Queued != 0 {
		t.Fatalf("queue %+v", c)
	}
	if srv.renditions != 1 || srv.sends != 4 {
		t.Fatalf("%d renditions uploads, %d original uploads; want 1 and 4", srv.renditions, srv.sends)
	}
}
