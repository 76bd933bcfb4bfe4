package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"github.com/studiodesk/studiodesk/app"
	"github.com/studiodesk/studiodesk/app/ingest"
	"github.com/studiodesk/studiodesk/app/watch"
	"github.com/studiodesk/studiodesk/backend/api/apiclient"
	"github.com/studiodesk/studiodesk/backend/media"
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
	limitMemory(getenv)
	fl := flag.NewFlagSet(cmd, flag.ContinueOnError)
	fl.SetOutput(stderr)
	albumID := fl.Int64("album", 0, "the album to upload into (required; its id is shown in the album's page)")
	server := fl.String("server", getenv("STUDIODESK_SERVER"), "server address (default: the one the desktop app uses)")
	configDir := fl.String("config", getenv("STUDIODESK_CONFIG"), "the desktop app's local state folder (login, upload queue)")
	token := fl.String("token", getenv("STUDIODESK_TOKEN"), "session token (default: the desktop app's login on this PC)")
	uploads := fl.Int("uploads", 3, "uploads at once")
	limit := fl.Int64("limit-kbps", 0, "bandwidth limit in KiB/s (0: none)")
	lang := fl.String("lang", firstNonEmpty(getenv("LC_ALL"), getenv("LC_MESSAGES"), getenv("LANG")), "language of messages: zh-CN (default) or en")
	renditions := fl.Bool("renditions", true, "make thumb and preview on this computer and send them first (the photo shows before its original arrives)")
	statusAddr := fl.String("status-addr", "", "serve the progress as JSON at http://ADDR/status (e.g. 127.0.0.1:7070; for scripts and benchmarks)")
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
	t := cliText(*lang)
	if dir == "" || *albumID <= 0 {
		fl.Usage()
		return errors.New(t.needArgs)
	}
	if *configDir == "" {
		base, err := os.UserConfigDir()
		if err != nil {
			return fmt.Errorf(t.configDir, err)
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
		return errors.New(t.notLoggedIn)
	}
	apiLang := "zh-CN"
	if ingest.English(*lang) {
		apiLang = "en"
	}
	client, err := apiclient.New(apiclient.Config{BaseURL: *server, Token: *token, UserAgent: "studiodesk-cli/" + version, Language: apiLang})
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
	// One sender per queue (two could send a file twice); taken before anything is queued,
	// so a refused command leaves the queue as it was.
	release, err := q.LockSender()
	if errors.Is(err, ingest.ErrQueueBusy) {
		return fmt.Errorf(t.queueBusy, *configDir)
	}
	if err != nil {
		return err
	}
	defer release()
	bar := &progressBar{w: stderr, t: t}
	cfg := ingest.Config{MaxUploads: *uploads, BytesPerSecond: *limit << 10, OnProgress: bar.show, Lang: apiLang}
	if *renditions {
		cfg.Renderer = media.Best(media.Limits{})
	}
	eng := ingest.NewEngine(q, client, cfg)
	if *statusAddr != "" {
		stop, err := serveStatus(ctx, *statusAddr, eng)
		if err != nil {
			return err
		}
		defer stop()
	}
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
			return fmt.Errorf(t.readDir, dir, err)
		}
		fmt.Fprintf(stderr, t.queued+"\n", n, dir)
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
		fmt.Fprintf(stderr, t.watching+"\n", dir)
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
		fmt.Fprintf(stdout, t.failedFile+"\n", f.Rel, f.Error)
	}
	if len(failed) > 0 {
		return fmt.Errorf(t.failedAll, len(failed))
	}
	return nil
}

// progressBar draws one line on a terminal: files done, speed, time left.
type progressBar struct {
	w     io.Writer
	t     cliTexts
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
		state = "  " + b.t.paused
	case p.Offline:
		state = "  " + b.t.offline
	}
	eta := "--:--"
	if p.ETA > 0 {
		eta = fmtDuration(p.ETA)
	}
	fmt.Fprintf(b.w, "\r[%s%s] %d/%d  %.1f MB/s  "+b.t.bar+"%s   ", strings.Repeat("#", filled), strings.Repeat(".", width-filled),
		p.Done, total, p.BytesPerSec/1e6, eta, p.Shown, p.Failed, state)
}

func (b *progressBar) done(p ingest.Progress) {
	b.show(p)
	took := time.Duration(0)
	if !b.began.IsZero() {
		took = time.Since(b.began)
	}
	fmt.Fprintf(b.w, "\n"+b.t.summary+"\n", p.Done, p.Failed, float64(p.SentBytes)/1e6, fmtDuration(took))
}

func fmtDuration(d time.Duration) string {
	d = d.Round(time.Second)
	return fmt.Sprintf("%d:%02d", int(d.Minutes()), int(d.Seconds())%60)
}

// cliTexts are the CLI's own words in one language (the engine's and the server's come
// localized from them).
type cliTexts struct {
	needArgs, configDir, notLoggedIn, readDir, queued, watching, failedFile, failedAll, queueBusy string
	paused, offline, bar, summary                                                                 string
}

var cliEN = cliTexts{
	needArgs:    "give the folder and --album",
	configDir:   "local state folder: %w (pass --config)",
	notLoggedIn: "not logged in: log in once in the StudioDesk window on this PC, or pass --server and --token",
	queueBusy:   "another StudioDesk is sending the upload queue in %s (the window, or another studiodesk upload/watch): add the files in the window, wait for it to finish, or pass another --config",
	readDir:     "read %s: %w",
	queued:      "queued %d new files from %s",
	watching:    "watching %s (Ctrl-C stops)",
	failedFile:  "failed: %s: %s",
	failedAll:   "%d files failed (listed above); fix them and run again to retry",
	paused:      "paused",
	offline:     "offline, retrying",
	bar:         "ETA %s  shown %d  failed %d",
	summary:     "%d done, %d failed, %.1f MB sent in %s",
}

var cliZH = cliTexts{
	needArgs:    "请给出文件夹和 --album（相册编号）",
	configDir:   "本机状态文件夹：%w（请用 --config 指定）",
	notLoggedIn: "未登录：请先在本机的 StudioDesk 窗口登录一次，或用 --server 和 --token 指定",
	queueBusy:   "另一个 StudioDesk 正在发送 %s 中的上传队列（窗口或另一个 studiodesk upload/watch）：请在窗口中添加文件、等它传完，或用 --config 指定另一个文件夹",
	readDir:     "读取 %s：%w",
	queued:      "已排队 %d 个新文件（来自 %s）",
	watching:    "正在监视 %s（按 Ctrl-C 停止）",
	failedFile:  "失败：%s：%s",
	failedAll:   "%d 个文件失败（见上方列表）：处理后再次运行即可重试",
	paused:      "已暂停",
	offline:     "离线，等待重连",
	bar:         "剩余 %s  已显示 %d  失败 %d",
	summary:     "完成 %d 个，失败 %d 个，共发送 %.1f MB，用时 %s",
}

// cliText picks the CLI's language: English for "en…" (--lang en, LANG=en_US.UTF-8),
// Simplified Chinese otherwise.
func cliText(lang string) cliTexts {
	if ingest.English(lang) {
		return cliEN
	}
	return cliZH
}

func firstNonEmpty(v ...string) string {
	for _, s := range v {
		if s != "" && s != "C" && s != "POSIX" {
			return s
		}
	}
	return ""
}

// serveStatus answers GET /status with the engine's progress as JSON until stop: what a
// script (or the benchmark's responsiveness probe) asks while the upload runs.
func serveStatus(ctx context.Context, addr string, eng *ingest.Engine) (stop func(), err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("--status-addr: %w", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /status", func(w http.ResponseWriter, r *http.Request) {
		p, err := eng.Progress(r.Context())
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(p)
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return func() { _ = srv.Shutdown(context.WithoutCancel(ctx)) }, nil
}

// desktopMemoryLimit is the Go heap's soft limit for the desktop's engine (GOMEMLIMIT
// overrides it): renditions allocate ~35 MB of short-lived pixels per photo, and on a loaded
// machine the collector's default pacing (GOGC=100) let the process reach 630 MB in a
// 500-photo ingest; with the limit it collects sooner and stays within the 400 MB budget
// (docs/benchmarks.md, "Issue 6").
const desktopMemoryLimit = 256 << 20

func limitMemory(getenv func(string) string) {
	if getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(desktopMemoryLimit)
	}
}
