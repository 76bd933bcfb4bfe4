package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"github.com/studiodesk/studiodesk/deploy/nginx"
)

type deliveryConfig struct {
	Dir         string
	Images      int           // 24 MP photos uploaded, rendered and served
	Connections int           // concurrent clients of the thumbnail GETs
	Duration    time.Duration // of each wrk run
	ZipRounds   int           // zip downloads (and cat passes)
	TusRounds   int           // tus upload passes (and curl -T passes)
	TusData     bool          // the first chunk in the creating POST (UploadRequest.CreateWithData)
	TusParallel []int         // also measure tus with this many files at once (desktop engine slots)
	Profile     string        // directory for one CPU profile per phase
	Only        string        // "tus": stop after the tus upload part; "zip": skip the thumbnail GETs
}

// delivery measures, in one run on the same files: tus upload MB/s vs curl -T to a plain Go
// PUT handler writing to disk; thumbnail GETs/s and p99 at N clients vs nginx serving the
// same thumbs as static files (wrk drives both); zip streaming MB/s vs cat to /dev/null.
func delivery(c deliveryConfig) error {
	for _, tool := range []string{"curl", "wrk", "nginx", "cat"} {
		if _, err := exec.LookPath(tool); err != nil {
			return fmt.Errorf("%s not found (scripts/setup.sh installs curl, wrk and nginx-light)", tool)
		}
	}
	files, err := photos(filepath.Join(c.Dir, "..", "renditions"), c.Images)
	if err != nil {
		return err
	}
	var total int64
	for _, f := range files {
		st, err := os.Stat(f)
		if err != nil {
			return err
		}
		total += st.Size()
	}
	mb := float64(total) / 1e6
	fmt.Printf("delivery: %d photos, %.1f MB\n", len(files), mb)
	warm(files)

	// 1. tus upload vs curl -T. Rounds alternate between the tools; each tus round uploads
	// into a fresh server (a second pass into the same one would find every file stored).
	var e *env
	var tusTime, put, putSync time.Duration
	for round := range max(c.TusRounds, 1) {
		if e != nil {
			e.close()
		}
		if e, err = startEnv(filepath.Join(c.Dir, "server")); err != nil {
			return err
		}
		stopProf := func() {}
		if round == 0 {
			stopProf = profile(c, "tus")
		}
		start := time.Now()
		if _, err := e.upload(files, 1, c.TusData); err != nil {
			return err
		}
		tusTime += time.Since(start)
		stopProf()
		d, err := curlPut(filepath.Join(c.Dir, "put"), files, false)
		if err != nil {
			return err
		}
		put += d
		if d, err = curlPut(filepath.Join(c.Dir, "put"), files, true); err != nil {
			return err
		}
		putSync += d
	}
	defer func() { e.close() }() // the last server (the parallel rounds start new ones)
	rounds := float64(max(c.TusRounds, 1))
	tus := mb * rounds / tusTime.Seconds()
	put, putSync = time.Duration(float64(put)/rounds), time.Duration(float64(putSync)/rounds)
	requests := "POST + PATCH"
	if c.TusData {
		requests = "one POST"
	}
	fmt.Printf("  tus upload, one file at a time (apiclient.UploadFile, %s per photo, hash + store) %7.1f MB/s\n", requests, tus)
	fmt.Printf("  curl -T to a plain Go PUT handler writing to disk (one stream)   %7.1f MB/s\n", mb/put.Seconds())
	fmt.Printf("  the same handler with fsync before answering (durable, as tus)  %7.1f MB/s\n", mb/putSync.Seconds())
	fmt.Printf("  ratio tus / PUT = %.2f× (tus / PUT with fsync = %.2f×), both one stream\n", tus/(mb/put.Seconds()), tus/(mb/putSync.Seconds()))
	// The desktop engine uploads several files at once: its real throughput, beside (not
	// instead of) the single-stream number that compares with one curl.
	for _, p := range c.TusParallel {
		var d time.Duration
		for range max(c.TusRounds, 1) {
			e.close()
			if e, err = startEnv(filepath.Join(c.Dir, "server")); err != nil {
				return err
			}
			start := time.Now()
			if _, err := e.upload(files, p, c.TusData); err != nil {
				return err
			}
			d += time.Since(start)
		}
		r := mb * rounds / d.Seconds()
		fmt.Printf("  tus upload, %d files at once (desktop engine slots; not comparable to one curl) %7.1f MB/s (%.2f× the PUT)\n", p, r, r/(mb/put.Seconds()))
	}
	if c.Only == "tus" {
		return nil
	}

	// Renditions (not timed here: bench/album renditions measures them).
	if err := e.renderAll(); err != nil {
		return err
	}
	ids, err := e.share()
	if err != nil {
		return err
	}
	if len(ids) != len(files) {
		return fmt.Errorf("%d of %d photos ready", len(ids), len(files))
	}

	// nginx serves the thumbs and the zip as static files (references of 2 and 3).
	scratch := filepath.Join(c.Dir, "nginx")
	_ = os.RemoveAll(scratch)
	if err := os.MkdirAll(filepath.Join(scratch, "www", "thumbs"), 0o755); err != nil {
		return err
	}
	static, err := nginx.Start(scratch, "  open_file_cache max=1000 inactive=60s;", "    root "+filepath.Join(scratch, "www")+";")
	if err != nil {
		return err
	}
	defer static.Close()
	// And our server behind the shipped reverse-proxy configuration (deploy/nginx), as
	// docs/operations.md deploys it: thumbs of links without a code come from its cache.
	front, err := nginx.Front(filepath.Join(c.Dir, "front"), strings.TrimPrefix(e.url, "http://"))
	if err != nil {
		return err
	}
	defer front.Close()

	// 2. Thumbnail GETs vs nginx.
	if c.Only != "zip" {
		if err := thumbs(c, e, ids, scratch, static.URL, front.URL); err != nil {
			return err
		}
	}

	// 3. Zip vs cat.
	zipURL := e.url + "/api/v1/public/links/" + e.linkToken + "/zip"
	// The same archive as a static file for nginx: what any HTTP download reaches here.
	if err := saveTo(zipURL, filepath.Join(scratch, "www", "album.zip")); err != nil {
		return err
	}
	staticURL := static.URL + "/album.zip"
	// Rounds alternate between the zip, nginx's copy of it and cat: first with the files in
	// the page cache, then with the server's blob files, nginx's zip and cat's originals
	// evicted before each (what an album of 2,000 photos — 40 GB of originals, more than any
	// page cache holds — downloads at, next to cat reading from disk).
	devNull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	defer devNull.Close()
	var zipWarm, staticWarm, catWarm, zipCold, staticCold, catCold tally
	for round := range 2 * c.ZipRounds {
		cold := round >= c.ZipRounds
		zip, static, cat := &zipWarm, &staticWarm, &catWarm
		if cold {
			zip, static, cat = &zipCold, &staticCold, &catCold
		}
		stopProf := func() {}
		if round == 0 {
			stopProf = profile(c, "zip")
		}
		err := zip.run(cold, []string{e.blobDir}, func() (int64, error) { return download(zipURL) })
		stopProf()
		if err == nil {
			err = static.run(cold, []string{filepath.Join(scratch, "www", "album.zip")}, func() (int64, error) { return download(staticURL) })
		}
		if err == nil {
			err = cat.run(cold, files, func() (int64, error) {
				cmd := exec.Command("cat", files...)
				cmd.Stdout = devNull
				return total, cmd.Run()
			})
		}
		if err != nil {
			return err
		}
	}
	zipRate, staticRate, catRate := zipWarm.rate(), staticWarm.rate(), catWarm.rate()
	fmt.Printf("  zip download (stored, EXIF blanked, Go client to io.Discard)      %7.1f MB/s (%.1f MB per zip)\n", zipRate, float64(zipWarm.bytes)/1e6/float64(c.ZipRounds))
	fmt.Printf("  the same zip as a static file from nginx (same client)           %7.1f MB/s\n", staticRate)
	fmt.Printf("  cat of the same files > /dev/null                                %7.1f MB/s\n", catRate)
	fmt.Printf("  ratio zip / cat = %.2f× (nginx static zip / cat = %.2f×; zip / nginx = %.2f×)\n", zipRate/catRate, staticRate/catRate, zipRate/staticRate)
	coldZip, coldStatic, coldCat := zipCold.rate(), staticCold.rate(), catCold.rate()
	fmt.Printf("  zip download, page cache evicted before each round               %7.1f MB/s\n", coldZip)
	fmt.Printf("  the zip as a static file from nginx, page cache evicted           %7.1f MB/s\n", coldStatic)
	fmt.Printf("  cat of the same files > /dev/null, page cache evicted             %7.1f MB/s\n", coldCat)
	fmt.Printf("  ratio zip / cat from disk = %.2f× (nginx static zip / cat = %.2f×)\n", coldZip/coldCat, coldStatic/coldCat)
	return nil
}

// tally sums the time and bytes of one kind of transfer over rounds.
type tally struct {
	took  time.Duration
	bytes int64
}

// run times one transfer; with cold, the files under evict leave the page cache first.
func (t *tally) run(cold bool, evictPaths []string, transfer func() (int64, error)) error {
	if cold {
		if err := evict(evictPaths...); err != nil {
			return err
		}
	}
	start := time.Now()
	n, err := transfer()
	t.took += time.Since(start)
	t.bytes += n
	return err
}

func (t tally) rate() float64 { return float64(t.bytes) / 1e6 / t.took.Seconds() }

// saveTo downloads url into the file at dst.
func saveTo(url, dst string) error {
	res, err := http.Get(url)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != 200 {
		return fmt.Errorf("GET %s: %d", url, res.StatusCode)
	}
	f, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, res.Body); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// warm reads the files once so every tool finds them in the page cache.
func warm(files []string) {
	for _, f := range files {
		if fh, err := os.Open(f); err == nil {
			_, _ = io.Copy(io.Discard, fh)
			fh.Close()
		}
	}
}

func download(url string) (int64, error) {
	res, err := http.Get(url)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	if res.StatusCode != 200 {
		return 0, fmt.Errorf("GET %s: %d", url, res.StatusCode)
	}
	// A 1 MiB buffer (io.Discard's own ReadFrom reads 8 KiB at a time: the client would be
	// what is measured).
	n, err := io.CopyBuffer(struct{ io.Writer }{io.Discard}, res.Body, make([]byte, 1<<20))
	if err == nil && res.ContentLength != n {
		err = fmt.Errorf("zip: %d bytes, Content-Length %d", n, res.ContentLength)
	}
	return n, err
}

// curlPut serves a minimal Go PUT handler that writes each body to a file (and fsyncs it
// when sync is set) and uploads the files to it with one curl process (-T "{a,b,...}").
func curlPut(dir string, files []string, sync bool) (time.Duration, error) {
	_ = os.RemoveAll(dir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, err
	}
	defer os.RemoveAll(dir)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f, err := os.Create(filepath.Join(dir, path.Base(r.URL.Path)))
		if err == nil {
			_, err = io.Copy(f, r.Body)
			if err == nil && sync {
				err = f.Sync()
			}
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		w.WriteHeader(http.StatusCreated)
	})}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()
	start := time.Now()
	out, err := exec.Command("curl", "-sS", "--fail", "-T", "{"+strings.Join(files, ",")+"}", "http://"+ln.Addr().String()+"/put/").CombinedOutput()
	if err != nil {
		return 0, fmt.Errorf("curl -T: %v: %s", err, out)
	}
	return time.Since(start), nil
}

var (
	reRate = regexp.MustCompile(`Requests/sec:\s+([\d.]+)`)
	reP99  = regexp.MustCompile(`\s99%\s+([\d.]+)(us|ms|s)`)
)

// wrk runs wrk with a script cycling through paths and returns requests/s and p99.
func wrk(c deliveryConfig, base string, paths []string, scratch string) (float64, time.Duration, error) {
	list := filepath.Join(scratch, "paths.txt")
	if err := os.WriteFile(list, []byte(strings.Join(paths, "\n")+"\n"), 0o644); err != nil {
		return 0, 0, err
	}
	script := filepath.Join(scratch, "cycle.lua")
	lua := `paths = {}
for line in io.lines(os.getenv("BENCH_PATHS")) do paths[#paths + 1] = line end
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end
response = function(status, headers, body)
  if status ~= 200 then error("status " .. status) end
end
`
	if err := os.WriteFile(script, []byte(lua), 0o644); err != nil {
		return 0, 0, err
	}
	cmd := exec.Command("wrk", "-t2", fmt.Sprintf("-c%d", c.Connections), fmt.Sprintf("-d%s", c.Duration), "--latency", "-s", script, base)
	cmd.Env = append(os.Environ(), "BENCH_PATHS="+list)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return 0, 0, fmt.Errorf("wrk: %v: %s", err, out)
	}
	return parseWrk(string(out))
}

// parseWrk reads requests/s and the p99 latency from wrk --latency output; any non-2xx
// response or socket error fails the run.
func parseWrk(out string) (float64, time.Duration, error) {
	if strings.Contains(out, "Non-2xx") || strings.Contains(out, "Socket errors") || strings.Contains(out, "error") {
		return 0, 0, fmt.Errorf("wrk saw failures: %s", out)
	}
	m, p := reRate.FindStringSubmatch(out), reP99.FindStringSubmatch(out)
	if m == nil || p == nil {
		return 0, 0, fmt.Errorf("wrk output not understood: %s", out)
	}
	rate, _ := strconv.ParseFloat(m[1], 64)
	v, _ := strconv.ParseFloat(p[1], 64)
	unit := map[string]time.Duration{"us": time.Microsecond, "ms": time.Millisecond, "s": time.Second}[p[2]]
	return rate, time.Duration(v * float64(unit)), nil
}

// thumbs compares thumbnail GETs through share links with nginx serving the same thumbs.
func thumbs(c deliveryConfig, e *env, ids []int64, scratch, staticURL, frontURL string) error {
	www := filepath.Join(scratch, "www", "thumbs")
	var ours, static []string
	for _, id := range ids {
		p := fmt.Sprintf("/api/v1/public/links/%s/photos/%d/thumb", e.linkToken, id)
		res, err := http.Get(e.url + p)
		if err != nil {
			return err
		}
		b, err := io.ReadAll(res.Body)
		res.Body.Close()
		if err != nil || res.StatusCode != 200 {
			return fmt.Errorf("thumb %d: %d %v", id, res.StatusCode, err)
		}
		if err := os.WriteFile(filepath.Join(www, fmt.Sprintf("%d.jpg", id)), b, 0o644); err != nil {
			return err
		}
		ours = append(ours, p)
		static = append(static, fmt.Sprintf("/thumbs/%d.jpg", id))
	}
	// A third server for scale: bare net/http answering the same paths with the same bytes
	// from a map in memory (what Go's HTTP server costs by itself, before any of our work).
	bodies := map[string][]byte{}
	for i, p := range ours {
		b, err := os.ReadFile(filepath.Join(www, strings.TrimPrefix(static[i], "/thumbs/")))
		if err != nil {
			return err
		}
		bodies[p] = b
	}
	bareLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	bare := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, ok := bodies[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "image/jpeg")
		w.Header().Set("Content-Length", strconv.Itoa(len(b)))
		_, _ = w.Write(b)
	})}
	go func() { _ = bare.Serve(bareLn) }()
	defer bare.Close()
	// Two rounds each, alternating, so a change in the machine's load falls on all; the
	// rates are averaged, the worse p99 is kept.
	var nRate, oRate, bRate, fRate float64
	var nP99, oP99, bP99, fP99 time.Duration
	for round := range 2 {
		r, p, err := wrk(c, staticURL, static, scratch)
		if err != nil {
			return fmt.Errorf("nginx: %w", err)
		}
		nRate, nP99 = nRate+r/2, max(nP99, p)
		stopProf := func() {}
		if round == 0 {
			stopProf = profile(c, "thumbs")
		}
		r, p, err = wrk(c, e.url, ours, scratch)
		stopProf()
		if err != nil {
			return fmt.Errorf("studiodesk: %w", err)
		}
		oRate, oP99 = oRate+r/2, max(oP99, p)
		if r, p, err = wrk(c, "http://"+bareLn.Addr().String(), ours, scratch); err != nil {
			return fmt.Errorf("bare net/http: %w", err)
		}
		bRate, bP99 = bRate+r/2, max(bP99, p)
		if r, p, err = wrk(c, frontURL, ours, scratch); err != nil {
			return fmt.Errorf("studiodesk behind nginx: %w", err)
		}
		fRate, fP99 = fRate+r/2, max(fP99, p)
	}
	fmt.Printf("  thumbnail GETs, %d clients, 2×wrk %s: studiodesk %8.0f req/s, p99 %v\n", c.Connections, c.Duration, oRate, oP99.Round(10*time.Microsecond))
	fmt.Printf("  same thumbs from nginx (static files)          %8.0f req/s, p99 %v\n", nRate, nP99.Round(10*time.Microsecond))
	fmt.Printf("  same bytes from bare net/http (map in memory)  %8.0f req/s, p99 %v (bare / nginx = %.2f×, studiodesk / bare = %.2f×)\n",
		bRate, bP99.Round(10*time.Microsecond), bRate/nRate, oRate/bRate)
	fmt.Printf("  studiodesk behind deploy/nginx (1 s cache)     %8.0f req/s, p99 %v\n", fRate, fP99.Round(10*time.Microsecond))
	fmt.Printf("  ratio studiodesk / nginx = %.2f× directly, %.2f× behind the shipped nginx configuration\n", oRate/nRate, fRate/nRate)
	return nil
}

// profile writes a CPU profile of one phase to <Profile>/<name>.pprof when -profile is set.
func profile(c deliveryConfig, name string) func() {
	if c.Profile == "" {
		return func() {}
	}
	f, err := os.Create(filepath.Join(c.Profile, name+".pprof"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "profile:", err)
		return func() {}
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return func() {}
	}
	return func() { pprof.StopCPUProfile(); f.Close() }
}
