package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// kinds of request, with their share of the mix (percent).
var kinds = []struct {
	name   string
	weight int
}{{"pull", 35}, {"push", 10}, {"album", 15}, {"photos", 10}, {"thumb", 30}}

// result is one target's run.
type result struct {
	target   string
	replicas int
	n        int // recorded requests
	errors   int
	elapsed  time.Duration
	lat      map[string][]time.Duration // by kind, sorted
	all      []time.Duration
	cpu      cpuUse // replicas' CPU during the recorded phase
	pgCPU    cpuUse // PostgreSQL's processes (when watched)
	s3CPU    cpuUse // the S3 server (when watched)
	selfCPU  cpuUse // the load generator
	firstErr string
}

// runTarget deploys one target, drives the mix against it and stops it.
func runTarget(ctx context.Context, cfg Config, name, work string) (result, error) {
	t, err := deploy(ctx, cfg, name, work)
	if err != nil {
		return result{}, err
	}
	defer t.stop()
	res := result{target: name, replicas: len(t.urls), lat: map[string][]time.Duration{}}
	hc := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConns: 256, MaxIdleConnsPerHost: 128, DisableCompression: true}}
	var pids []int
	for _, c := range t.replicas {
		pids = append(pids, c.Process.Pid)
	}
	pgRoots := []int{}
	if cfg.WatchPG != "" && name == "postgres" {
		pid, err := postmasterPID(cfg.WatchPG)
		if err != nil {
			return res, err
		}
		pgRoots = append(pgRoots, pid)
	}
	s3Roots := []int{}
	if cfg.WatchS3 != 0 && name == "postgres" {
		s3Roots = append(s3Roots, cfg.WatchS3)
	}

	var mu sync.Mutex
	record := false
	var issued, recorded atomic.Int64
	var begin time.Time
	var before, pgBefore, s3Before, selfBefore cpuUse
	deadline := time.Time{}
	start := func() {
		before, pgBefore, s3Before, selfBefore = cpuOf(pids), cpuOf(pgRoots), cpuOf(s3Roots), cpuOf([]int{os.Getpid()})
		begin = time.Now()
		deadline = begin.Add(cfg.Duration)
		record = true
	}
	total := int64(cfg.Warmup + cfg.Requests)
	var wg sync.WaitGroup
	fmt.Fprintf(os.Stderr, "  %d clients: %d warm-up, then up to %d requests or %s\n", cfg.Clients, cfg.Warmup, cfg.Requests, cfg.Duration)
	for w := range cfg.Clients {
		wg.Go(func() {
			cl := &client{t: t, hc: hc, desk: w % len(t.desks), r: rand.New(rand.NewPCG(uint64(w), 7)), rr: w}
			for {
				i := issued.Add(1)
				if i > total || ctx.Err() != nil {
					return
				}
				mu.Lock()
				if i == int64(cfg.Warmup)+1 && !record {
					start()
				}
				rec, dl := record, deadline
				mu.Unlock()
				if rec && time.Now().After(dl) {
					return
				}
				kind := cl.pick()
				began := time.Now()
				err := cl.do(ctx, kind)
				d := time.Since(began)
				if !rec {
					continue
				}
				recorded.Add(1)
				mu.Lock()
				res.lat[kind] = append(res.lat[kind], d)
				res.all = append(res.all, d)
				if err != nil {
					res.errors++
					if res.firstErr == "" {
						res.firstErr = err.Error()
					}
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if !record {
		return res, fmt.Errorf("the run ended during the warm-up")
	}
	res.elapsed = time.Since(begin)
	res.cpu, res.pgCPU, res.s3CPU, res.selfCPU = cpuOf(pids).minus(before), cpuOf(pgRoots).minus(pgBefore), cpuOf(s3Roots).minus(s3Before), cpuOf([]int{os.Getpid()}).minus(selfBefore)
	res.n = int(recorded.Load())
	for k := range res.lat {
		slices.Sort(res.lat[k])
	}
	slices.Sort(res.all)
	fmt.Fprintf(os.Stderr, "  %d requests in %s, %d errors\n", res.n, res.elapsed.Round(time.Millisecond), res.errors)
	return res, nil
}

// client is one simulated client: a studio PC syncing or a guest browsing the album.
type client struct {
	t      *target
	hc     *http.Client
	desk   int    // which desktop session it syncs as
	cursor string // its position in the change feed
	r      *rand.Rand
	rr     int // round-robin position over the replicas
	n      int // mutations sent, for unique ids
}

func (c *client) pick() string {
	x := c.r.IntN(100)
	for _, k := range kinds {
		if x < k.weight {
			return k.name
		}
		x -= k.weight
	}
	return kinds[len(kinds)-1].name
}

// base alternates between the replicas, as a round-robin proxy would.
func (c *client) base() string {
	c.rr++
	return c.t.urls[c.rr%len(c.t.urls)]
}

func (c *client) do(ctx context.Context, kind string) error {
	t := c.t
	switch kind {
	case "pull":
		q := "/api/v1/sync/pull?limit=500"
		if c.cursor != "" {
			q += "&cursor=" + c.cursor
		}
		var out struct {
			Cursor string `json:"cursor"`
		}
		if err := c.call(ctx, http.MethodGet, q, t.desks[c.desk], nil, &out); err != nil {
			return err
		}
		c.cursor = out.Cursor
		return nil
	case "push":
		type mutation struct {
			ID   string         `json:"mutation_id"`
			Name string         `json:"name"`
			Args map[string]any `json:"args"`
		}
		muts := make([]mutation, 1+c.r.IntN(5))
		for i := range muts {
			c.n++
			muts[i] = mutation{ID: fmt.Sprintf("load-%d-%d-%d", c.rr, c.n, time.Now().UnixNano()), Name: "lead.update",
				Args: map[string]any{"id": t.leads[c.r.IntN(len(t.leads))], "patch": map[string]any{"name": fmt.Sprintf("客户%d", c.r.IntN(1000))}}}
		}
		var out struct {
			Results []struct {
				Status string `json:"status"`
			} `json:"results"`
		}
		if err := c.call(ctx, http.MethodPost, "/api/v1/sync/push", t.desks[c.desk], map[string]any{"mutations": muts}, &out); err != nil {
			return err
		}
		for _, r := range out.Results {
			if r.Status != "applied" {
				return fmt.Errorf("push: a mutation was %s", r.Status)
			}
		}
		return nil
	case "album":
		return c.call(ctx, http.MethodGet, "/api/v1/public/links/"+t.token, "", nil, nil)
	case "photos":
		return c.call(ctx, http.MethodGet, "/api/v1/public/links/"+t.token+"/photos", "", nil, nil)
	default:
		id := t.photos[c.r.IntN(len(t.photos))]
		return c.call(ctx, http.MethodGet, fmt.Sprintf("/api/v1/public/links/%s/photos/%d/thumb", t.token, id), "", nil, nil)
	}
}

// call sends one request and reads the whole answer; out, if set, gets the JSON body.
func (c *client) call(ctx context.Context, method, path, token string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base()+path, body)
	if err != nil {
		return err
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := c.hc.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return err
	}
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("%s %s: status %d: %.200s", method, path, res.StatusCode, b)
	}
	if out != nil {
		return json.Unmarshal(b, out)
	}
	return nil
}
