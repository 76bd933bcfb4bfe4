package app_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/studiodesk/studiodesk/app"
	"github.com/studiodesk/studiodesk/app/apptest"
	"github.com/studiodesk/studiodesk/backend/account"
	"github.com/studiodesk/studiodesk/backend/album"
	"github.com/studiodesk/studiodesk/backend/api"
	"github.com/studiodesk/studiodesk/backend/media/mediatest"
)

// newAlbum makes an order with a retouched album through the App.
func newAlbum(t *testing.T, a *app.App) album.Album {
	t.Helper()
	brand, err := a.SaveBrand(account.Brand{Name: "蜜糖婚纱", Type: account.BrandWedding})
	if err != nil {
		t.Fatal(err)
	}
	branch, err := a.SaveBranch(account.Branch{BrandID: brand.ID, Name: "一店"})
	if err != nil {
		t.Fatal(err)
	}
	o, err := a.SaveOrder(album.Order{CustomerName: "王小姐", Phone: "13600000001", BranchID: branch.ID})
	if err != nil {
		t.Fatal(err)
	}
	al, err := a.SaveAlbum(o.ID, album.Album{Kind: album.KindRetouched, Title: "精修"})
	if err != nil {
		t.Fatal(err)
	}
	return al
}

type progressLog struct {
	mu   sync.Mutex
	last app.UploadProgress
	n    int
	// shown is the most files_shown any event said.
	shown int
}

func (p *progressLog) Emit(name string, data ...any) {
	if name != app.EventUploadProgress {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.last = data[0].(app.UploadProgress)
	p.n++
	p.shown = max(p.shown, p.last.FilesShown)
}

func TestUploadFolderAndShareThroughTheApp(t *testing.T) {
	t.Parallel()
	s := uploadServer(t)
	progress := &progressLog{}
	a, _ := apptest.NewApp(t, s.URL, progress)
	login(t, a, s)
	al := newAlbum(t, a)

	// A shoot folder: two photos, a copy of one, camera junk, and a text file.
	dir := t.TempDir()
	write := func(name string, b []byte) {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	one := mediatest.JPEG(mediatest.Upright(300, 200), 0)
	write("婚礼/IMG_0001.JPG", one)
	write("婚礼/IMG_0002.JPG", mediatest.JPEG(mediatest.Upright(200, 300), 0))
	write("婚礼/备份/IMG_0001 copy.JPG", one)
	write("婚礼/.DS_Store", []byte("junk"))
	write("婚礼/说明.txt", []byte("not a photo"))

	rep, err := a.UploadPaths(al.ID, []string{filepath.Join(dir, "婚礼")})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Uploaded != 2 || rep.Duplicates != 1 || len(rep.Failed) != 1 || rep.Failed[0].File != "说明.txt" || rep.Failed[0].Error.Code != "file_type_unsupported" {
		t.Fatalf("report %+v %+v", rep, rep.Failed)
	}
	if progress.last.FilesDone != 3 || progress.last.FilesFailed != 1 || progress.last.FilesTotal != 4 || progress.last.BytesSent != progress.last.BytesTotal {
		t.Fatalf("progress %+v", progress.last)
	}
	// Again: everything is already there, nothing is sent.
	again, err := a.UploadPaths(al.ID, []string{filepath.Join(dir, "婚礼", "IMG_0001.JPG")})
	if err != nil || again.Duplicates != 1 || again.Uploaded != 0 {
		t.Fatalf("again %+v %v", again, err)
	}
	for ran := true; ran; {
		ran, _ = s.API.RunOneJob(context.Background(), "test")
	}
	photos, err := a.AlbumPhotos(al.ID)
	if err != nil || len(photos) != 2 || photos[0].Status != album.PhotoReady {
		t.Fatalf("photos %+v %v", photos, err)
	}

	link, err := a.CreateShareLink(al.ID, api.NewShare{Code: "2580", Label: "客户"})
	if err != nil || link.Token == "" || !strings.HasPrefix(link.Path, "/s/") || !link.HasCode {
		t.Fatalf("link %+v %v", link, err)
	}
	_, err = a.CreateShareLink(al.ID, api.NewShare{Code: "1"})
	if e := appError(t, err); e.Code != "access_code_invalid" || e.Field != "code" {
		t.Fatalf("bad code %+v", e)
	}
	links, err := a.ShareLinks(al.ID)
	if err != nil || len(links) != 1 || links[0].State != "active" {
		t.Fatalf("links %+v %v", links, err)
	}
	r, err := a.RevokeShareLink(link.ID)
	if err != nil || r.State != "revoked" {
		t.Fatalf("revoke %+v %v", r, err)
	}
}
