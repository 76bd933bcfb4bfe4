package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/studiodesk/studiodesk/app"
	"github.com/studiodesk/studiodesk/app/ingest"
	"github.com/studiodesk/studiodesk/app/watch"
	"github.com/studiodesk/studiodesk/backend/api/apiclient"
)

// Headless commands on the engine the desktop uses, for photographers' laptops without the
// window and for benchmarks:
//
//	studiodesk upload DIR --album ID   upload every photo and video under DIR, then exit
//	studiodesk watch DIR --album ID    upload what lands in DIR until Ctrl-C
//
// They log in as the desktop app on this PC is logged in (its --config folder), or with
// --token / STUDIODESK_TOKEN. Progress goes to stderr.
func runHeadless(ctx context.Context, cmd string, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fl := flag.NewFlagSet(cmd, flag.ContinueOnError)
	fl.SetOutput(stderr)
	albumID := fl.Int64("album", 0, "the album to upload into (required; its id is shown in the album's page)")
	server := fl.String("server", getenv("STUDIODESK_SERVER"), "server address (default: the one the desktop app uses)")
	configDir := fl.String("config", getenv("STUDIODESK_CONFIG"), "the desktop app's local state folder (login, upload queue)")
	token := fl.String("token", getenv("STUDIODESK_TOKEN"), "session token (default: the desktop app's login on this PC)")
	uploads := fl.Int("uploads", 3, "uploads at once")
	limit := fl.Int64("limit-kbps", 0, "bandwidth limit in KiB/s (0: none)")
	fl.Usage = func() {
		fmt.Fprintf(stderr, "Usage: studiodesk %s DIR --album ID [flags]\n\n", cmd)
		fl.PrintDefaults()
	}
	// The folder comes first (studiodesk upload DIR --album 3) or after the flags.
	var dir string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		dir, args = args[0], args[1:]
	}
	if err := fl.Parse(args); err != nil {
		return err
	}
	if dir == "" && fl.NArg() > 0 {
		dir = fl.Arg(0)
	}
	if dir == "" || *albumID <= 0 {
		fl.Usage()
		return errors.New("give the folder and --album")
	}
	if *configDir == "" {
		base, err := os.UserConfigDir()
		if err != nil {
			return fmt.Errorf("local state folder: %w (pass --config)", err)
		}
		*configDir = filepath.Join(base, "StudioDesk")
	}
	storedServer, storedToken, err := app.StoredLogin(*configDir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if *server == "" {
		*server = storedServer
	}
	if *token == "" {
		*token = storedToken
	}
	if *server == "" || *token == "" {
		return errors.New("not logged in: log in once in the StudioDesk window on this PC, or pass --server and --token")
	}
	client, err := apiclient.New(apiclient.Config{BaseURL: *server, Token: *token, UserAgent: "studiodesk-cli/" + version})
	if err != nil {
		return err
	}
	if err := os.MkdirAll(*configDir, 0o700); err != nil {
		return err
	}
	q, err := ingest.OpenQueue(ctx, filepath.Join(*configDir, "uploads.db"))
	if err != nil {
		return err
	}
	defer q.Close()
	bar := &progressBar{w: stderr}
	eng := ingest.NewEngine(q, client, ingest.Config{MaxUploads: *uploads, BytesPerSecond: *limit << 10, OnProgress: bar.show})
	root, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	switch cmd {
	case "upload":
		n := 0
		err := watch.Walk(root, func(p string, fi fs.FileInfo) error {
			rel, _ := filepath.Rel(root, p)
			added, err := q.Add(ctx, *albumID, p, rel, fi.Size(), fi.ModTime())
			if added {
				n++
			}
			return err
		})
		if err != nil {
			return fmt.Errorf("read %s: %w", dir, err)
		}
		fmt.Fprintf(stderr, "queued %d new files from %s\n", n, dir)
		if err := eng.Run(ctx, true); err != nil {
			return err
		}
	case "watch":
		src, err := watch.FSNotify()
		if err != nil {
			return err
		}
		w, err := watch.New(watch.Config{Root: root}, src)
		if err != nil {
			return err
		}
		go func() {
			for f := range w.Files() {
				switch f.Kind {
				case watch.Ready:
					if _, err := q.Add(ctx, *albumID, f.Path, f.Rel, f.Size, f.ModTime); err == nil {
						eng.Kick()
					}
				case watch.Removed:
					_, _ = q.Cancel(ctx, f.Path)
				}
			}
		}()
		go func() {
			for err := range w.Errors() {
				fmt.Fprintln(stderr, err)
			}
		}()
		fmt.Fprintf(stderr, "watching %s (Ctrl-C stops)\n", dir)
		errc := make(chan error, 1)
		go func() { errc <- w.Run(ctx) }()
		if err := eng.Run(ctx, false); err != nil {
			return err
		}
		if err := <-errc; err != nil {
			return err
		}
	}
	p, err := eng.Progress(context.WithoutCancel(ctx))
	if err != nil {
		return err
	}
	bar.done(p)
	failed, _ := q.Failed(context.WithoutCancel(ctx))
	for _, f := range failed {
		fmt.Fprintf(stdout, "failed: %s: %s\n", f.Rel, f.Error)
	}
	if len(failed) > 0 {
		return fmt.Errorf("%d files failed (listed above); fix them and run again to retry", len(failed))
	}
	return nil
}

// progressBar draws one line on a terminal: files done, speed, time left.
type progressBar struct {
	w     io.Writer
	began time.Time
}

func (b *progressBar) show(p ingest.Progress) {
	if b.began.IsZero() {
		b.began = time.Now()
	}
	total := p.Done + p.Queued + p.Failed
	const width = 30
	filled := 0
	if total > 0 {
		filled = width * p.Done / total
	}
	state := ""
	switch {
	case p.Paused:
		state = "  已暂停 paused"
	case p.Offline:
		state = "  离线，等待重连 offline, retrying"
	}
	eta := "--:--"
	if p.ETA > 0 {
		eta = fmtDuration(p.ETA)
	}
	fmt.Fprintf(b.w, "\r[%s%s] %d/%d  %.1f MB/s  ETA %s  failed %d%s   ", strings.Repeat("#", filled), strings.Repeat(".", width-filled),
		p.Done, total, p.BytesPerSec/1e6, eta, p.Failed, state)
}

func (b *progressBar) done(p ingest.Progress) {
	b.show(p)
	took := time.Duration(0)
	if !b.began.IsZero() {
		took = time.Since(b.began)
	}
	fmt.Fprintf(b.w, "\n%d done, %d failed, %.1f MB sent in %s\n", p.Done, p.Failed, float64(p.SentBytes)/1e6, fmtDuration(took))
}

func fmtDuration(d time.Duration) string {
	d = d.Round(time.Second)
	return fmt.Sprintf("%d:%02d", int(d.Minutes()), int(d.Seconds())%60)
}
