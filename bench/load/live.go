package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/studiodesk/studiodesk/backend/api/apiclient"
	"github.com/studiodesk/studiodesk/backend/media/mediatest"
)

// The live-album fan-out run (-mode live): -guests customer pages hold the album's event
// stream open (spread over the replicas, as a round-robin proxy would), while the studio
// uploads -live-photos photos, one every -live-every, through the LAST replica. For every
// (guest, photo) pair it records the time from the upload's last byte acknowledged to the
// guest's page receiving the photo's event (the server renders the photo in between), and
// the replicas' CPU and resident memory with the guests connected.

// liveResult is one target's live run.
type liveResult struct {
	target           string
	replicas, guests int
	photos           int
	expected, got    int
	lat              []time.Duration // sorted
	connect          time.Duration   // until every guest's stream was open
	rss              int64           // replicas' resident memory (KiB) with the guests connected
	cpu              cpuUse          // replicas' CPU during the upload phase
	elapsed          time.Duration
	load             string
	firstErr         string
}

func runLive(ctx context.Context, cfg Config, name, work string) (liveResult, error) {
	t, err := deploy(ctx, cfg, name, work)
	if err != nil {
		return liveResult{}, err
	}
	defer t.stop()
	res := liveResult{target: name, replicas: len(t.urls), guests: cfg.Guests, photos: cfg.LivePhotos}
	var pids []int
	for _, c := range t.replicas {
		pids = append(pids, c.Process.Pid)
	}

	var mu sync.Mutex
	uploaded := map[int64]time.Time{} // photo id -> its upload acknowledged
	received := map[int64][]time.Time{}
	fail := func(err error) {
		mu.Lock()
		if res.firstErr == "" {
			res.firstErr = err.Error()
		}
		mu.Unlock()
	}
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: cfg.Guests, DisableCompression: true}}
	connected := make(chan struct{}, cfg.Guests)
	var wg sync.WaitGroup
	began := time.Now()
	for g := range cfg.Guests {
		wg.Go(func() {
			if err := guest(sctx, hc, t.urls[g%len(t.urls)]+"/api/v1/public/links/"+t.token+"/events", connected, func(id int64) {
				now := time.Now()
				mu.Lock()
				received[id] = append(received[id], now)
				mu.Unlock()
			}); err != nil && sctx.Err() == nil {
				fail(err)
			}
		})
	}
	for range cfg.Guests {
		select {
		case <-connected:
		case <-time.After(60 * time.Second):
			return res, fmt.Errorf("guests' streams not open after 60 s (first error: %s)", res.firstErr)
		}
	}
	res.connect = time.Since(began)
	time.Sleep(time.Second)
	res.rss = rssOf(pids)
	fmt.Fprintf(os.Stderr, "  %d guests connected in %s; uploading %d photos, one every %s\n", cfg.Guests, res.connect.Round(time.Millisecond), cfg.LivePhotos, cfg.LiveEvery)

	studio, _ := apiclient.New(apiclient.Config{BaseURL: t.urls[len(t.urls)-1], Token: t.admin})
	before := cpuOf(pids)
	start := time.Now()
	for i := range cfg.LivePhotos {
		photo := mediatest.JPEG(mediatest.Upright(1600, 1067), 1)
		photo = append(photo, []byte("live-"+strconv.Itoa(i))...) // distinct files
		r, err := studio.UploadFile(ctx, apiclient.UploadRequest{AlbumID: t.album, Filename: fmt.Sprintf("现场_直播_%03d.JPG", i), Size: int64(len(photo))},
			bytes.NewReader(photo), "", 3, nil, nil)
		if err != nil {
			return res, fmt.Errorf("upload: %w", err)
		}
		mu.Lock()
		uploaded[r.PhotoID] = time.Now()
		mu.Unlock()
		select {
		case <-time.After(cfg.LiveEvery):
		case <-ctx.Done():
			return res, ctx.Err()
		}
	}
	// Stragglers: wait until every guest has every photo, at most 10 s after the last upload.
	res.expected = cfg.Guests * cfg.LivePhotos
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		mu.Lock()
		n := 0
		for id := range uploaded {
			n += len(received[id])
		}
		mu.Unlock()
		if n >= res.expected {
			break
		}
	}
	res.elapsed = time.Since(start)
	res.cpu = cpuOf(pids).minus(before)
	res.load = loadAverage()
	cancel()
	wg.Wait()
	for id, at := range uploaded {
		for _, got := range received[id] {
			res.lat = append(res.lat, got.Sub(at))
		}
	}
	res.got = len(res.lat)
	slices.Sort(res.lat)
	fmt.Fprintf(os.Stderr, "  %d of %d events delivered, p50 %s p99 %s\n", res.got, res.expected, ms(pct(res.lat, 0.5)), ms(pct(res.lat, 0.99)))
	return res, nil
}

// guest holds one customer page's event stream open and reports each photo event's id.
func guest(ctx context.Context, hc *http.Client, url string, connected chan<- struct{}, photo func(id int64)) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "text/event-stream")
	res, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("event stream: status %d", res.StatusCode)
	}
	sc := bufio.NewScanner(res.Body)
	event := ""
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == ": connected":
			connected <- struct{}{}
		case strings.HasPrefix(line, "event: "):
			event = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "data: ") && event == "photo":
			var p struct {
				ID int64 `json:"id"`
			}
			if err := json.Unmarshal([]byte(strings.TrimPrefix(line, "data: ")), &p); err != nil {
				return fmt.Errorf("photo event: %w", err)
			}
			photo(p.ID)
		case line == "":
			event = ""
		}
	}
	return sc.Err()
}

// rssOf sums the resident memory (KiB) of the processes.
func rssOf(pids []int) int64 {
	var total int64
	for _, pid := range pids {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
		if err != nil {
			continue
		}
		for _, l := range strings.Split(string(b), "\n") {
			if f := strings.Fields(l); len(f) >= 2 && f[0] == "VmRSS:" {
				n, _ := strconv.ParseInt(f[1], 10, 64)
				total += n
			}
		}
	}
	return total
}

func liveMarkdown(cfg Config, m machine, began time.Time, results []liveResult) string {
	var b strings.Builder
	p := func(f string, a ...any) { fmt.Fprintf(&b, f, a...) }
	p("`%s` on commit %s, %s; %s, nproc %d; %s; %s.\n\n", cfg.Command, m.rev, began.UTC().Format("2006-01-02 15:04 UTC"), m.cpu, m.cpus, m.os, m.goVersion)
	p("| target | replicas | guests | photos | events delivered | upload acknowledged -> guest's page: p50 | p95 | p99 | max | streams open in | replicas' resident memory with the guests | replicas' CPU per photo | load average |\n")
	p("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n")
	for _, r := range results {
		p("| %s | %d | %d | %d | %d / %d | %s | **%s** | %s | %s | %s | %.0f MiB | %s | %s |\n", r.target, r.replicas, r.guests, r.photos,
			r.got, r.expected, ms(pct(r.lat, 0.5)), ms(pct(r.lat, 0.95)), ms(pct(r.lat, 0.99)), ms(pct(r.lat, 1)), r.connect.Round(time.Millisecond),
			float64(r.rss)/1024, perReq(r.cpu, r.photos), r.load)
	}
	for _, r := range results {
		if r.firstErr != "" {
			p("\nFirst error on %s: `%s`\n", r.target, r.firstErr)
		}
	}
	return b.String()
}
