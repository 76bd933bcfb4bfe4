package app_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/studiodesk/studiodesk/app"
	"github.com/studiodesk/studiodesk/app/apptest"
	"github.com/studiodesk/studiodesk/app/watch"
	"github.com/studiodesk/studiodesk/backend/account"
	"github.com/studiodesk/studiodesk/backend/album"
	"github.com/studiodesk/studiodesk/backend/media/mediatest"
)

func TestFolderRules(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]string{"D8K2M4PQ_张三李四": "D8K2M4PQ", "d8k2-m4pq_王_李": "D8K2M4PQ", " ab12 _x": "AB12"} {
		if got, ok := app.OrderCodeOfFolder(name); !ok || got != want {
			t.Errorf("OrderCodeOfFolder(%q) = %q %v, want %q", name, got, ok, want)
		}
	}
	for _, name := range []string{"张三李四", "_张三", "D8K2M4PQ"} {
		if got, ok := app.OrderCodeOfFolder(name); ok {
			t.Errorf("OrderCodeOfFolder(%q) = %q, want no code", name, got)
		}
	}
	for sub, want := range map[string][3]string{
		"":      {"raw", "底片", "default"},
		"底片":    {"raw", "底片", "named"},
		"原片":    {"raw", "底片", "named"},
		"RAW":   {"raw", "底片", "named"},
		"精修":    {"retouched", "精修", "named"},
		"视频":    {"video", "视频", "named"},
		"Video": {"video", "视频", "named"},
		"花絮":    {"raw", "花絮", "other"},
	} {
		k, title, rule := app.SubFolderAlbum(sub)
		if string(k) != want[0] || title != want[1] || rule != want[2] {
			t.Errorf("SubFolderAlbum(%q) = %s %s %s, want %v", sub, k, title, rule, want)
		}
	}
}

// folderApp opens an App on dir with quick watchers (the same folder across restarts).
func folderApp(t *testing.T, ctx context.Context, dir, server string, em app.Emitter) *app.App {
	t.Helper()
	a, err := app.New(ctx, app.Config{Dir: dir, ServerURL: server, Emitter: em, Version: "test", Timeout: 10 * time.Second,
		Logger: slog.New(slog.DiscardHandler), FolderPoll: 200 * time.Millisecond,
		FolderWatch: watch.Config{Quiet: 50 * time.Millisecond, Stable: 200 * time.Millisecond, IncompleteAfter: time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func newOrder(t *testing.T, a *app.App, name string) album.Order {
	t.Helper()
	brand, err := a.SaveBrand(account.Brand{Name: name + "婚纱", Type: account.BrandWedding})
	if err != nil {
		t.Fatal(err)
	}
	branch, err := a.SaveBranch(account.Branch{BrandID: brand.ID, Name: "一店"})
	if err != nil {
		t.Fatal(err)
	}
	o, err := a.SaveOrder(album.Order{CustomerName: name, Phone: "13600000001", BranchID: branch.ID})
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func writeJPEG(t *testing.T, path string, w int) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, mediatest.JPEG(mediatest.Upright(w, 60), 0), 0o644); err != nil {
		t.Fatal(err)
	}
}

// albumFiles waits until the order's albums hold want (album title -> file names).
func albumFiles(t *testing.T, a *app.App, orderID int64, want map[string][]string) map[string]int64 {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		d, err := a.GetOrder(orderID)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string][]string{}
		ids := map[string]int64{}
		for _, al := range d.Albums {
			ids[al.Title] = al.ID
			ps, err := a.AlbumPhotos(al.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range ps {
				got[al.Title] = append(got[al.Title], p.Filename)
			}
			slices.Sort(got[al.Title])
		}
		same := len(got) == len(want)
		for k, v := range want {
			same = same && slices.Equal(got[k], v)
		}
		if same {
			return ids
		}
		if time.Now().After(deadline) {
			t.Fatalf("albums hold %v, want %v", got, want)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func folderErr(t *testing.T, err error, code, field string) {
	t.Helper()
	var e *app.Error
	if !errors.As(err, &e) || e.Code != code || e.Field != field || e.Message == "" {
		t.Fatalf("want %s on %s, got %v", code, field, err)
	}
}

// TestFolderBindingUploadsBySubFolderAndSurvivesARestart: a folder bound to an order uploads
// its sub-folders into the matching albums (an existing 精修 album is reused, 底片 and an
// album for an unknown name are created, loose files go to 底片); bad bindings are refused
// naming the field; the binding is watched again after a restart and what landed while
// StudioDesk was closed is uploaded; progress arrives as events; pause and unbind work.
func TestFolderBindingUploadsBySubFolderAndSurvivesARestart(t *testing.T) {
	t.Parallel()
	s := uploadServer(t)
	dir := t.TempDir()
	shoot := t.TempDir()
	writeJPEG(t, filepath.Join(shoot, "底片", "IMG_0001.JPG"), 100)
	writeJPEG(t, filepath.Join(shoot, "底片", "IMG_0002.JPG"), 101)
	writeJPEG(t, filepath.Join(shoot, "精修", "IMG_0001_修.JPG"), 102)
	writeJPEG(t, filepath.Join(shoot, "花絮", "IMG_0100.JPG"), 103)
	writeJPEG(t, filepath.Join(shoot, "IMG_0003.JPG"), 104)
	if err := os.WriteFile(filepath.Join(shoot, "底片", "IMG_0009.JPG.part"), []byte("half"), 0o644); err != nil {
		t.Fatal(err)
	}

	ctx1, stop1 := context.WithCancel(context.Background())
	rec := &apptest.Recorder{}
	a1 := folderApp(t, ctx1, dir, s.URL, rec)
	login(t, a1, s)
	o := newOrder(t, a1, "王小姐")
	if _, err := a1.SaveAlbum(o.ID, album.Album{Kind: album.KindRetouched, Title: "精修"}); err != nil {
		t.Fatal(err)
	}
	b, err := a1.BindFolder(app.FolderBindRequest{Path: shoot, OrderID: o.ID})
	if err != nil {
		t.Fatal(err)
	}
	if b.OrderCode != o.Code || b.Customer != "王小姐" || b.ByRule || len(b.Albums) != 4 {
		t.Fatalf("binding %+v", b)
	}
	ids := albumFiles(t, a1, o.ID, map[string][]string{
		"底片": {"IMG_0001.JPG", "IMG_0002.JPG", "IMG_0003.JPG"},
		"精修": {"IMG_0001_修.JPG"},
		"花絮": {"IMG_0100.JPG"},
	})

	v, err := a1.ListFolders()
	if err != nil || len(v.Bindings) != 1 {
		t.Fatalf("folders %+v %v", v, err)
	}
	shown := map[string]app.FolderAlbum{}
	for _, fa := range v.Bindings[0].Albums {
		shown[fa.Folder] = fa
	}
	if shown[""].AlbumID != ids["底片"] || shown["底片"].AlbumID != ids["底片"] || shown["精修"].AlbumID != ids["精修"] ||
		shown["花絮"].AlbumID != ids["花絮"] || shown["花絮"].Rule != "other" || shown[""].Rule != "default" {
		t.Fatalf("sub-folder albums %+v, albums %v", shown, ids)
	}

	// Refusals name the field.
	_, err = a1.BindFolder(app.FolderBindRequest{Path: shoot, OrderID: o.ID})
	folderErr(t, err, app.CodeFolderAlreadyBound, "path")
	_, err = a1.BindFolder(app.FolderBindRequest{Path: filepath.Join(shoot, "精修"), OrderID: o.ID})
	folderErr(t, err, app.CodeFolderNested, "path")
	_, err = a1.BindFolder(app.FolderBindRequest{Path: filepath.Dir(shoot), OrderID: o.ID})
	folderErr(t, err, app.CodeFolderNested, "path")
	_, err = a1.BindFolder(app.FolderBindRequest{Path: filepath.Join(shoot, "没有这个文件夹"), OrderID: o.ID})
	folderErr(t, err, app.CodeFolderMissing, "path")
	other := t.TempDir()
	_, err = a1.BindFolder(app.FolderBindRequest{Path: other, OrderID: 999999})
	folderErr(t, err, app.CodeOrderNotFound, "order_id")
	if v, err := a1.ListFolders(); err != nil || len(v.Bindings) != 1 {
		t.Fatalf("refused bindings were stored: %+v %v", v, err)
	}

	// Progress came as events, per folder and overall.
	var last app.FoldersProgress
	deadline := time.Now().Add(10 * time.Second)
	for last.Overall.Done < 5 {
		for _, ev := range rec.Events() {
			if ev.Name == app.EventFoldersProgress {
				last = ev.Data[0].(app.FoldersProgress)
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("progress events: last %+v", last)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if len(last.Folders) != 1 || last.Folders[0].BindingID != b.ID || last.Folders[0].Done != 5 || last.Overall.Failed != 0 {
		t.Fatalf("progress %+v", last)
	}

	// StudioDesk closes; files land meanwhile (a new sub-folder too); it starts again.
	stop1()
	app.Stop(a1)
	writeJPEG(t, filepath.Join(shoot, "精修", "IMG_0002_修.JPG"), 105)
	writeJPEG(t, filepath.Join(shoot, "视频", "clip.jpg"), 106)
	ctx2, stop2 := context.WithCancel(context.Background())
	defer stop2()
	a2 := folderApp(t, ctx2, dir, s.URL, nil)
	defer app.Stop(a2)
	v, err = a2.ListFolders()
	if err != nil || len(v.Bindings) != 1 || v.Bindings[0].ID != b.ID || v.Bindings[0].Path != b.Path {
		t.Fatalf("after restart %+v %v", v, err)
	}
	got := albumFiles(t, a2, o.ID, map[string][]string{
		"底片": {"IMG_0001.JPG", "IMG_0002.JPG", "IMG_0003.JPG"},
		"精修": {"IMG_0001_修.JPG", "IMG_0002_修.JPG"},
		"花絮": {"IMG_0100.JPG"},
		"视频": {"clip.jpg"},
	})
	if got["精修"] != ids["精修"] || got["底片"] != ids["底片"] {
		t.Fatalf("albums changed across the restart: %v then %v", ids, got)
	}

	// Paused: nothing new goes up; resumed: what landed meanwhile does.
	if p, err := a2.PauseFolder(b.ID, true); err != nil || !p.Paused {
		t.Fatalf("pause %+v %v", p, err)
	}
	writeJPEG(t, filepath.Join(shoot, "底片", "IMG_0004.JPG"), 107)
	time.Sleep(time.Second) // what a running watcher needs to hand a file on (Quiet + Stable), several times over
	if ps, _ := a2.AlbumPhotos(ids["底片"]); len(ps) != 3 {
		t.Fatalf("a paused folder uploaded: %d photos", len(ps))
	}
	if _, err := a2.PauseFolder(b.ID, false); err != nil {
		t.Fatal(err)
	}
	albumFiles(t, a2, o.ID, map[string][]string{
		"底片": {"IMG_0001.JPG", "IMG_0002.JPG", "IMG_0003.JPG", "IMG_0004.JPG"},
		"精修": {"IMG_0001_修.JPG", "IMG_0002_修.JPG"},
		"花絮": {"IMG_0100.JPG"},
		"视频": {"clip.jpg"},
	})
	if err := a2.UnbindFolder(b.ID); err != nil {
		t.Fatal(err)
	}
	if v, err := a2.ListFolders(); err != nil || len(v.Bindings) != 0 {
		t.Fatalf("after unbind %+v %v", v, err)
	}
	folderErr(t, a2.UnbindFolder(b.ID), app.CodeFolderBindingNotFound, "id")
}

// TestShootsRootRule: under the shoots root, `<order code>_<name>` folders bind themselves to
// their order (also ones created later); other names and unknown codes are listed with the
// reason; a rule binding the user removes is not bound again.
func TestShootsRootRule(t *testing.T) {
	t.Parallel()
	s := uploadServer(t)
	a, _ := apptest.NewApp(t, s.URL, nil)
	login(t, a, s)
	o := newOrder(t, a, "张三李四")
	root := t.TempDir()
	for _, name := range []string{"随便放的", "ZZZZ9999_没有这个订单"} {
		if err := os.Mkdir(filepath.Join(root, name), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	_, err := a.SetShootsRoot(filepath.Join(root, "没有"))
	folderErr(t, err, app.CodeFolderMissing, "root")
	v, err := a.SetShootsRoot(root)
	if err != nil || v.Root != root || len(v.Bindings) != 0 || len(v.Unmatched) != 2 {
		t.Fatalf("root %+v %v", v, err)
	}
	codes := map[string]string{}
	for _, m := range v.Unmatched {
		codes[m.Name] = m.Error.Code
	}
	if codes["随便放的"] != app.CodeFolderNameNoOrder || codes["ZZZZ9999_没有这个订单"] != app.CodeOrderNotFound {
		t.Fatalf("unmatched %v", codes)
	}
	shoot := filepath.Join(root, fmt.Sprintf("%s_张三李四", o.Code))
	writeJPEG(t, filepath.Join(shoot, "精修", "A.JPG"), 90)
	albumFiles(t, a, o.ID, map[string][]string{"精修": {"A.JPG"}})
	v, err = a.ListFolders()
	if err != nil || len(v.Bindings) != 1 || !v.Bindings[0].ByRule || v.Bindings[0].Path != shoot || v.Bindings[0].OrderID != o.ID {
		t.Fatalf("rule binding %+v %v", v, err)
	}
	if err := a.UnbindFolder(v.Bindings[0].ID); err != nil {
		t.Fatal(err)
	}
	time.Sleep(time.Second) // several rule rounds
	if v, err := a.ListFolders(); err != nil || len(v.Bindings) != 0 {
		t.Fatalf("the rule bound an unbound folder again: %+v %v", v, err)
	}
	if _, err := a.PickFolder("选择"); err == nil {
		t.Fatal("a folder dialog without a window")
	}
}
