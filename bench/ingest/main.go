// Command ingest runs issue 6's benchmarks on this machine, each beside its reference in the
// same run (docs/benchmarks.md, "Issue 6"):
//
//   - Ingest: wall time from start until every original, thumb and preview of N 24-megapixel
//     JPEGs is stored on a local server (the real studiodesk-server binary, SQLite + disk,
//     on loopback), uploaded by the real desktop engine (the `studiodesk upload` CLI), next
//     to (a) `rclone copy` of the same folder to versitygw (S3, bytes only) and (b)
//     `vipsthumbnail` making the same two renditions (CPU only, one process per core).
//     Rounds alternate the order of the three.
//   - Desktop resources during ingest: the CLI's peak RSS (getrusage of the finished child)
//     and the latency of its status call (--status-addr, polled every -probe-every).
//   - Shoot to phone: `studiodesk watch` on an empty folder and a guest's live event stream
//     on the album's share link; a photo's last byte written into the folder → the stream
//     delivering its photo event, one photo every -live-every.
//
// Usage: go run ./bench/ingest [-photos 500] [-rounds 1] [-live 100]; photos are generated
// once under -dir and reused.
package main

import (
	"bufio"
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
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/studiodesk/studiodesk/backend/account"
	"github.com/studiodesk/studiodesk/backend/album"
	"github.com/studiodesk/studiodesk/backend/api"
	"github.com/studiodesk/studiodesk/backend/api/apiclient"
	"github.com/studiodesk/studiodesk/backend/media"
	"github.com/studiodesk/studiodesk/bench/benchhost"
	"github.com/studiodesk/studiodesk/bench/benchphotos"
)

type config struct {
	dir                   string
	photos, rounds, live  int
	liveEvery, probeEvery time.Duration
	uploads, distinct     int
	skipIngest            bool
	deskTags              string
}

func main() {
	var c config
	flag.StringVar(&c.dir, "dir", filepath.Join(os.TempDir(), "studiodesk-bench-ingest"), "working folder; the generated photos are kept in it between runs")
	flag.IntVar(&c.photos, "photos", 500, "24-megapixel JPEGs to ingest (a quick run: -photos 20)")
	flag.IntVar(&c.rounds, "rounds", 1, "ingest rounds (each: ours, rclone, vipsthumbnail, alternating the order)")
	flag.IntVar(&c.live, "live", 100, "photos of the shoot-to-phone run (0: skip it)")
	flag.DurationVar(&c.liveEvery, "live-every", 2*time.Second, "one photo written into the watched folder this often")
	flag.DurationVar(&c.probeEvery, "probe-every", 100*time.Millisecond, "how often the desktop's status call is timed during ingest")
	flag.IntVar(&c.distinct, "distinct", 100, "distinct pictures among the photos (the others are copies with a JPEG comment: their own hash, the same work; generating one takes seconds)")
	flag.IntVar(&c.uploads, "uploads", 3, "the desktop's uploads at once (its default)")
	flag.BoolVar(&c.skipIngest, "skip-ingest", false, "only the shoot-to-phone run")
	flag.StringVar(&c.deskTags, "desktop-tags", "", "build tags of the desktop program: nolibjpeg measures the pure-Go renderer the Windows and macOS builds have")
	flag.Parse()
	fmt.Printf("machine: %s\nload before: %s\n", machine(), uptime())
	if err := run(c); err != nil {
		fmt.Fprintln(os.Stderr, "bench/ingest:", err)
		os.Exit(1)
	}
	fmt.Printf("load after: %s\n", uptime())
}

func run(c config) error {
	ctx := context.Background()
	files, err := benchphotos.Generate(filepath.Join(c.dir, "photos"), max(c.photos, c.live), c.distinct, 2)
	if err != nil {
		return err
	}
	// The ingest folder holds exactly -photos of them (links, no copies).
	in := filepath.Join(c.dir, fmt.Sprintf("shoot-%d", c.photos))
	if err := linkSet(in, files[:c.photos]); err != nil {
		return err
	}
	bin := filepath.Join(c.dir, "bin"+strings.ReplaceAll(c.deskTags, ",", "-"))
	server, desk, err := build(ctx, bin, c.deskTags)
	if err != nil {
		return err
	}
	if !c.skipIngest {
		if err := ingestRounds(ctx, c, server, desk, in); err != nil {
			return err
		}
	}
	if c.live > 0 {
		return shootToPhone(ctx, c, server, desk, files[:c.live])
	}
	return nil
}

func linkSet(dir string, files []string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, f := range files {
		p := filepath.Join(dir, filepath.Base(f))
		if _, err := os.Lstat(p); err == nil {
			continue
		}
		if err := os.Link(f, p); err != nil {
			return err
		}
	}
	return nil
}

// build compiles the server and the desktop program (its headless CLI is the engine the
// window runs) from this checkout.
func build(ctx context.Context, dir, deskTags string) (server, desk string, err error) {
	server, desk = filepath.Join(dir, "studiodesk-server"), filepath.Join(dir, "studiodesk")
	for _, b := range [][3]string{{server, "./backend/cmd/studiodesk-server", ""}, {desk, ".", deskTags}} {
		fmt.Printf("building %s (tags %q)\n", filepath.Base(b[0]), b[2])
		cmd := exec.CommandContext(ctx, "go", "build", "-tags", b[2], "-o", b[0], b[1])
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			return "", "", fmt.Errorf("build %s (run from the repository root): %w", b[1], err)
		}
	}
	return server, desk, nil
}

// ---- the server ----------------------------------------------------------------------

// deployment is one running server with a studio, an order and an album.
type deployment struct {
	cmd     *exec.Cmd
	url     string
	data    string
	token   string
	albumID int64
	client  *apiclient.Client
}

func (d *deployment) stop() {
	_ = d.cmd.Process.Signal(syscall.SIGTERM)
	_ = d.cmd.Wait()
}

func deploy(ctx context.Context, bin, data string) (*deployment, error) {
	_ = os.RemoveAll(data)
	where := []string{"--data", data}
	password, err := benchhost.NewStudio(ctx, bin, where, "基准影楼", "13900000000", 100000)
	if err != nil {
		return nil, err
	}
	logf, err := os.Create(data + ".log")
	if err != nil {
		return nil, err
	}
	cmd, u, err := benchhost.StartServer(bin, append([]string{"serve", "--addr", "127.0.0.1:0"}, where...), logf)
	if err != nil {
		return nil, err
	}
	d := &deployment{cmd: cmd, data: data, url: u}
	anon, _ := apiclient.New(apiclient.Config{BaseURL: d.url})
	sess, err := anon.Login(ctx, api.LoginRequest{Phone: "13900000000", Password: password, DeviceID: "bench-ingest", DeviceName: "bench"})
	if err != nil {
		d.stop()
		return nil, fmt.Errorf("login: %w", err)
	}
	d.token = sess.Token
	d.client, _ = apiclient.New(apiclient.Config{BaseURL: d.url, Token: d.token})
	if d.albumID, err = newAlbum(ctx, d.client); err != nil {
		d.stop()
		return nil, err
	}
	return d, nil
}

// newAlbum makes a brand, a branch, an order and its retouched album.
func newAlbum(ctx context.Context, c *apiclient.Client) (int64, error) {
	brand, err := c.CreateBrand(ctx, account.Brand{Name: "基准婚纱", Type: account.BrandWedding})
	if err != nil {
		return 0, fmt.Errorf("brand: %w", err)
	}
	branch, err := c.CreateBranch(ctx, account.Branch{BrandID: brand.ID, Name: "一店"})
	if err != nil {
		return 0, fmt.Errorf("branch: %w", err)
	}
	o, err := c.CreateOrder(ctx, album.Order{BrandID: brand.ID, BranchID: branch.ID, CustomerName: "王小姐", Phone: "13600000001", Package: "A"})
	if err != nil {
		return 0, fmt.Errorf("order: %w", err)
	}
	a, err := c.CreateAlbum(ctx, o.ID, album.Album{Kind: album.KindRetouched, Title: "精修"})
	if err != nil {
		return 0, fmt.Errorf("album: %w", err)
	}
	return a.ID, nil
}

// ---- ingest ---------------------------------------------------------------------------

type ingestResult struct {
	ours, rclone, vips []time.Duration
	rssKB              []int64
	probes             []time.Duration
}

func ingestRounds(ctx context.Context, c config, server, desk, in string) error {
	var bytesIn int64
	names := []string{}
	_ = filepath.WalkDir(in, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if fi, err := d.Info(); err == nil {
				bytesIn += fi.Size()
				names = append(names, p)
			}
		}
		return nil
	})
	fmt.Printf("ingest: %d JPEGs of 6000×4000 (%.1f MB each on average), %d round(s)\n", len(names), float64(bytesIn)/float64(len(names))/1e6, c.rounds)
	s3, err := startS3(ctx)
	if err != nil {
		return err
	}
	defer s3.stop()
	var r ingestResult
	for round := range c.rounds {
		tools := []string{"ours", "rclone", "vips"}
		if round%2 == 1 {
			slices.Reverse(tools)
		}
		for _, tool := range tools {
			dropCaches() // each tool starts from the same (warm) page cache: the files were just read by the previous one
			var took time.Duration
			var err error
			switch tool {
			case "ours":
				var rss int64
				var probes []time.Duration
				took, rss, probes, err = ingestOurs(ctx, c, server, desk, in, len(names), round)
				r.ours, r.rssKB, r.probes = append(r.ours, took), append(r.rssKB, rss), append(r.probes, probes...)
			case "rclone":
				took, err = ingestRclone(ctx, s3, in, round)
				r.rclone = append(r.rclone, took)
			case "vips":
				took, err = ingestVips(ctx, c.dir, names)
				r.vips = append(r.vips, took)
			}
			if err != nil {
				return fmt.Errorf("%s: %w", tool, err)
			}
			fmt.Printf("  round %d %-7s %7.1f s   (load %s)\n", round+1, tool, took.Seconds(), loadavg())
		}
	}
	best := func(ds []time.Duration) time.Duration { return slices.Min(ds) }
	ours, rc, vp := best(r.ours), best(r.rclone), best(r.vips)
	slower := max(rc, vp)
	fmt.Printf("ingest (best of %d): ours %.1f s (%.1f photos/s, %.0f MB/s) | rclone copy %.1f s | vipsthumbnail %.1f s | ratio ours / slower reference = %.2f (target ≤ 1.25)\n",
		c.rounds, ours.Seconds(), float64(len(names))/ours.Seconds(), float64(bytesIn)/1e6/ours.Seconds(), rc.Seconds(), vp.Seconds(), ours.Seconds()/slower.Seconds())
	fmt.Printf("desktop during ingest: peak RSS %.0f MB (target ≤ 400) | status call p50 %s p99 %s max %s over %d calls (target p99 ≤ 100 ms)\n",
		float64(slices.Max(r.rssKB))/1024, pct(r.probes, 50), pct(r.probes, 99), pct(r.probes, 100), len(r.probes))
	return nil
}

// ingestOurs uploads the folder with the desktop CLI into a fresh server and returns the
// time until every photo is stored with its renditions, the CLI's peak RSS and the status
// call latencies measured meanwhile.
func ingestOurs(ctx context.Context, c config, server, desk, in string, n, round int) (time.Duration, int64, []time.Duration, error) {
	d, err := deploy(ctx, server, filepath.Join(c.dir, fmt.Sprintf("server-%d", round)))
	if err != nil {
		return 0, 0, nil, err
	}
	defer d.stop()
	statusAddr, err := freeAddr()
	if err != nil {
		return 0, 0, nil, err
	}
	conf := filepath.Join(c.dir, fmt.Sprintf("desk-%d", round))
	_ = os.RemoveAll(conf)
	cmd := exec.CommandContext(ctx, desk, "upload", in, "--album", fmt.Sprint(d.albumID), "--server", d.url, "--token", d.token,
		"--config", conf, "--status-addr", statusAddr, "--uploads", fmt.Sprint(c.uploads), "--lang", "en")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, 0, nil, err
	}
	stopProbe := make(chan struct{})
	probes := make(chan []time.Duration, 1)
	go func() { probes <- probe("http://"+statusAddr+"/status", c.probeEvery, stopProbe) }()
	err = cmd.Wait()
	close(stopProbe)
	lat := <-probes
	if err != nil {
		return 0, 0, nil, fmt.Errorf("studiodesk upload: %v\n%s", err, tail(stderr.String()))
	}
	// Every photo ready (renditions stored) and complete (original stored): without
	// renditions from the desktop the server renders after the upload, and that counts.
	for {
		photos, err := d.client.AlbumPhotos(ctx, d.albumID)
		if err != nil {
			return 0, 0, nil, err
		}
		ready := 0
		for _, p := range photos {
			if p.Status == album.PhotoReady && !p.OriginalPending {
				ready++
			}
		}
		if len(photos) == n && ready == n {
			break
		}
		if time.Since(start) > time.Hour {
			return 0, 0, nil, fmt.Errorf("%d of %d photos ready after an hour", ready, n)
		}
		time.Sleep(50 * time.Millisecond)
	}
	took := time.Since(start)
	// What the server holds: n originals and 2n renditions.
	counts := map[string]int{}
	_ = filepath.WalkDir(filepath.Join(d.data, "blobs"), func(p string, e fs.DirEntry, err error) error {
		if err == nil && !e.IsDir() {
			switch {
			case strings.Contains(p, "/originals/"):
				counts["originals"]++
			case strings.HasSuffix(p, "/"+media.Thumb.Name+".jpg.blob"): // fsblob's layout
				counts["thumbs"]++
			case strings.HasSuffix(p, "/"+media.Preview.Name+".jpg.blob"):
				counts["previews"]++
			}
		}
		return nil
	})
	if counts["originals"] != n || counts["thumbs"] != n || counts["previews"] != n {
		return 0, 0, nil, fmt.Errorf("the server holds %v, want %d of each", counts, n)
	}
	rss := cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss // KiB on Linux
	return took, rss, lat, nil
}

// probe times GET url every every until stop.
func probe(url string, every time.Duration, stop <-chan struct{}) []time.Duration {
	hc := &http.Client{Timeout: 10 * time.Second}
	var out []time.Duration
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return out
		case <-t.C:
		}
		start := time.Now()
		res, err := hc.Get(url)
		if err != nil {
			continue // not listening yet, or gone
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode == http.StatusOK {
			out = append(out, time.Since(start))
		}
	}
}

// s3Server is versitygw started through scripts/s3-server.sh.
type s3Server struct {
	cmd                   *exec.Cmd
	endpoint, key, secret string
}

func startS3(ctx context.Context) (*s3Server, error) {
	script := `source scripts/s3-server.sh && trap s3_stop EXIT && s3_start && echo "S3 $STUDIODESK_TEST_S3 $STUDIODESK_TEST_S3_KEY $STUDIODESK_TEST_S3_SECRET" && wait "$S3_PID"`
	cmd := exec.CommandContext(ctx, "bash", "-c", script)
	cmd.Env = append(os.Environ(), "PATH=/usr/local/go/bin:"+os.Getenv("PATH"))
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	line := make(chan []string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if f := strings.Fields(sc.Text()); len(f) == 4 && f[0] == "S3" {
				line <- f[1:]
			}
		}
	}()
	select {
	case f := <-line:
		return &s3Server{cmd: cmd, endpoint: f[0], key: f[1], secret: f[2]}, nil
	case <-time.After(3 * time.Minute):
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
		return nil, errors.New("versitygw did not start (scripts/s3-server.sh)")
	}
}

func (s *s3Server) stop() {
	_ = s.cmd.Process.Signal(syscall.SIGTERM) // the script's trap stops versitygw and removes its files
	_ = s.cmd.Wait()
}

// ingestRclone copies the folder into a fresh bucket with rclone's defaults (4 transfers).
func ingestRclone(ctx context.Context, s3 *s3Server, in string, round int) (time.Duration, error) {
	if _, err := exec.LookPath("rclone"); err != nil {
		return 0, errors.New("rclone not found: apt-get install rclone (scripts/setup.sh does)")
	}
	// The machine may point AWS_CA_BUNDLE at its own CA file; the local server speaks plain
	// HTTP and rclone refuses to start with it set.
	env := slices.DeleteFunc(os.Environ(), func(kv string) bool { return strings.HasPrefix(kv, "AWS_CA_BUNDLE=") })
	env = append(env, "RCLONE_CONFIG_BENCH_TYPE=s3", "RCLONE_CONFIG_BENCH_PROVIDER=Other",
		"RCLONE_CONFIG_BENCH_ENDPOINT="+s3.endpoint, "RCLONE_CONFIG_BENCH_ACCESS_KEY_ID="+s3.key,
		"RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY="+s3.secret, "RCLONE_CONFIG_BENCH_FORCE_PATH_STYLE=true")
	bucket := fmt.Sprintf("bench:ingest-%d-%d", round, time.Now().UnixNano())
	mk := exec.CommandContext(ctx, "rclone", "mkdir", bucket)
	mk.Env = env
	if out, err := mk.CombinedOutput(); err != nil {
		return 0, fmt.Errorf("rclone mkdir: %v: %s", err, out)
	}
	cmd := exec.CommandContext(ctx, "rclone", "copy", in, bucket)
	cmd.Env = env
	start := time.Now()
	if out, err := cmd.CombinedOutput(); err != nil {
		return 0, fmt.Errorf("rclone copy: %v: %s", err, tail(string(out)))
	}
	return time.Since(start), nil
}

// ingestVips makes thumb and preview of every file with vipsthumbnail: one process per
// core and size over its share of the files (no start-up per file), one thread each.
func ingestVips(ctx context.Context, dir string, files []string) (time.Duration, error) {
	vips, err := exec.LookPath("vipsthumbnail")
	if err != nil {
		return 0, errors.New("vipsthumbnail not found: apt-get install libvips-tools (scripts/setup.sh does)")
	}
	out := filepath.Join(dir, "vips-out")
	_ = os.RemoveAll(out)
	if err := os.MkdirAll(out, 0o755); err != nil {
		return 0, err
	}
	defer os.RemoveAll(out)
	const workers = 2
	shares := make([][]string, workers)
	for i, f := range files {
		shares[i%workers] = append(shares[i%workers], f)
	}
	start := time.Now()
	var wg sync.WaitGroup
	errs := make([]error, workers)
	for w, share := range shares {
		wg.Go(func() {
			for _, sp := range []media.Spec{media.Preview, media.Thumb} {
				args := []string{"-s", fmt.Sprint(sp.MaxEdge), "-o", filepath.Join(out, "%s."+sp.Name+fmt.Sprintf(".jpg[Q=%d,strip]", sp.Quality))}
				cmd := exec.CommandContext(ctx, vips, append(args, share...)...)
				cmd.Env = append(os.Environ(), "VIPS_CONCURRENCY=1")
				if b, err := cmd.CombinedOutput(); err != nil {
					errs[w] = fmt.Errorf("vipsthumbnail: %v: %s", err, b)
					return
				}
			}
		})
	}
	wg.Wait()
	return time.Since(start), errors.Join(errs...)
}

// ---- shoot to phone -------------------------------------------------------------------

func shootToPhone(ctx context.Context, c config, server, desk string, files []string) error {
	d, err := deploy(ctx, server, filepath.Join(c.dir, "server-live"))
	if err != nil {
		return err
	}
	defer d.stop()
	if err := markLive(ctx, d); err != nil {
		return err
	}
	link, err := d.client.CreateShareLink(ctx, d.albumID, api.NewShare{Label: "现场"})
	if err != nil {
		return fmt.Errorf("share link: %w", err)
	}
	folder := filepath.Join(c.dir, "watched")
	_ = os.RemoveAll(folder)
	if err := os.MkdirAll(folder, 0o755); err != nil {
		return err
	}
	conf := filepath.Join(c.dir, "desk-live")
	_ = os.RemoveAll(conf)
	// The guest's page: the live event stream of the share link.
	arrived := map[string]time.Time{}
	var mu sync.Mutex
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	req, _ := http.NewRequestWithContext(sctx, http.MethodGet, d.url+"/api/v1/public/links/"+link.Token+"/events", nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("event stream: %s", res.Status)
	}
	go func() {
		defer res.Body.Close()
		sc := bufio.NewScanner(res.Body)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			data, ok := strings.CutPrefix(sc.Text(), "data:")
			if !ok {
				continue
			}
			var p api.PublicPhoto
			if json.Unmarshal([]byte(strings.TrimSpace(data)), &p) == nil && p.Filename != "" {
				mu.Lock()
				if _, seen := arrived[p.Filename]; !seen {
					arrived[p.Filename] = time.Now()
				}
				mu.Unlock()
			}
		}
	}()
	cmd := exec.CommandContext(ctx, desk, "watch", folder, "--album", fmt.Sprint(d.albumID), "--server", d.url, "--token", d.token,
		"--config", conf, "--lang", "en")
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		return err
	}
	watching := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Split(scanCRLF)
		once := sync.Once{}
		for sc.Scan() {
			if strings.Contains(sc.Text(), "watching ") {
				once.Do(func() { close(watching) })
			}
		}
	}()
	defer func() {
		_ = cmd.Process.Signal(os.Interrupt)
		_ = cmd.Wait()
	}()
	select {
	case <-watching:
	case <-time.After(30 * time.Second):
		return errors.New("studiodesk watch did not start")
	}
	fmt.Printf("shoot to phone: %d photos, one every %s, written into %s\n", len(files), c.liveEvery, folder)
	written := map[string]time.Time{}
	next := time.Now()
	for i, f := range files {
		time.Sleep(time.Until(next))
		next = next.Add(c.liveEvery)
		b, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		name := fmt.Sprintf("LIVE_%04d.jpg", i+1)
		// As a tethering program saves a frame: the file is created and written, then closed.
		if err := os.WriteFile(filepath.Join(folder, name), b, 0o644); err != nil {
			return err
		}
		written[name] = time.Now()
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		mu.Lock()
		n := len(arrived)
		mu.Unlock()
		if n >= len(files) || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	var lat []time.Duration
	mu.Lock()
	for name, t0 := range written {
		if t1, ok := arrived[name]; ok {
			lat = append(lat, t1.Sub(t0))
		}
	}
	mu.Unlock()
	if len(lat) < len(files) {
		return fmt.Errorf("only %d of %d photos reached the live page", len(lat), len(files))
	}
	fmt.Printf("shoot to phone: p50 %s p95 %s max %s over %d photos (target p95 ≤ 2 s) (load %s)\n",
		pct(lat, 50), pct(lat, 95), pct(lat, 100), len(lat), loadavg())
	return nil
}

// markLive sets the album's live flag where the server has one (an album without it
// streams its events anyway).
func markLive(ctx context.Context, d *deployment) error {
	get, _ := http.NewRequestWithContext(ctx, http.MethodGet, fmt.Sprintf("%s/api/v1/albums/%d", d.url, d.albumID), nil)
	get.Header.Set("Authorization", "Bearer "+d.token)
	res, err := http.DefaultClient.Do(get)
	if err != nil {
		return err
	}
	var m map[string]any
	err = json.NewDecoder(res.Body).Decode(&m)
	res.Body.Close()
	if err != nil {
		return fmt.Errorf("read the album: %w", err)
	}
	if _, ok := m["live"]; !ok {
		return nil
	}
	m["live"] = true
	b, _ := json.Marshal(m)
	req, _ := http.NewRequestWithContext(ctx, http.MethodPut, fmt.Sprintf("%s/api/v1/albums/%d", d.url, d.albumID), strings.NewReader(string(b)))
	req.Header.Set("Authorization", "Bearer "+d.token)
	req.Header.Set("Content-Type", "application/json")
	res, err = http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("mark the album live: %s", res.Status)
	}
	return nil
}

// ---- helpers ---------------------------------------------------------------------------

func pct(ds []time.Duration, p int) string {
	if len(ds) == 0 {
		return "-"
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := min(len(s)-1, (len(s)*p+99)/100-1)
	return s[max(0, i)].Round(100 * time.Microsecond).String()
}

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

func tail(s string) string {
	if len(s) > 2000 {
		return "…" + s[len(s)-2000:]
	}
	return s
}

// scanCRLF splits on \n and \r (the progress bar redraws its line with \r).
func scanCRLF(data []byte, atEOF bool) (int, []byte, error) {
	for i, b := range data {
		if b == '\n' || b == '\r' {
			return i + 1, data[:i], nil
		}
	}
	if atEOF && len(data) > 0 {
		return len(data), data, nil
	}
	return 0, nil, nil
}

// dropCaches is a no-op: the page cache stays warm for every tool alike (the photos were
// generated or read just before), which is what a photographer's freshly copied card is.
func dropCaches() {}

func loadavg() string { return benchhost.LoadAvg() }
func uptime() string  { return benchhost.Uptime() }
func machine() string { return benchhost.Machine() }
