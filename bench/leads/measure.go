package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"slices"
	"time"
)

// stats summarizes the latencies of one measurement.
type stats struct {
	N                  int
	P50, P95, P99, Max time.Duration
	Total              time.Duration // wall time of the recorded samples
}

// percentile is the nearest-rank percentile of sorted samples.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(p*float64(len(sorted)))) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

func summarize(ds []time.Duration, total time.Duration) stats {
	s := slices.Clone(ds)
	slices.Sort(s)
	return stats{N: len(s), P50: percentile(s, 0.50), P95: percentile(s, 0.95), P99: percentile(s, 0.99),
		Max: percentile(s, 1), Total: total}
}

// sampler runs a measured operation: Warmup unrecorded calls, then up to N recorded ones.
// Both phases stop early when their share of Budget is spent (a quarter for the warm-up),
// once at least MinN samples are in: slow scenarios report fewer samples instead of running
// for an hour.
type sampler struct {
	Warmup, N, MinN int
	Budget          time.Duration
}

// run calls op(ctx, i) with i counting from 0 through the warm-up and the recorded calls.
func (s sampler) run(ctx context.Context, op func(ctx context.Context, i int) error) (stats, error) {
	i := 0
	began := time.Now()
	for ; i < s.Warmup && time.Since(began) < s.Budget/4; i++ {
		if err := op(ctx, i); err != nil {
			return stats{}, fmt.Errorf("warm-up call %d: %w", i, err)
		}
	}
	ds := make([]time.Duration, 0, s.N)
	began = time.Now()
	for len(ds) < s.N {
		if err := ctx.Err(); err != nil {
			return stats{}, err
		}
		if len(ds) >= s.MinN && time.Since(began) > s.Budget {
			break
		}
		t := time.Now()
		if err := op(ctx, i); err != nil {
			return stats{}, fmt.Errorf("call %d: %w", i, err)
		}
		ds = append(ds, time.Since(t))
		i++
	}
	return summarize(ds, time.Since(began)), nil
}

// apiClient calls the server over loopback as one logged-in user.
type apiClient struct {
	base  string
	hc    *http.Client
	token string
}

// call sends a request and returns the status and the whole body (reading the body is part
// of the measured time: the client has the answer only when the last byte arrived).
func (c apiClient) call(ctx context.Context, method, path string, body []byte) (int, []byte, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return 0, nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	res, err := c.hc.Do(req)
	if err != nil {
		return 0, nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer res.Body.Close()
	out, err := io.ReadAll(res.Body)
	if err != nil {
		return res.StatusCode, nil, fmt.Errorf("%s %s: read body: %w", method, path, err)
	}
	return res.StatusCode, out, nil
}

// expect calls and fails unless the status is want.
func (c apiClient) expect(ctx context.Context, want int, method, path string, body []byte) ([]byte, error) {
	status, out, err := c.call(ctx, method, path, body)
	if err != nil {
		return nil, err
	}
	if status != want {
		if len(out) > 300 {
			out = out[:300]
		}
		return nil, fmt.Errorf("%s %s: status %d, want %d: %s", method, path, status, want, out)
	}
	return out, nil
}

// login signs a staff member in from the benchmark's desktop and returns their client.
func login(ctx context.Context, hc *http.Client, base, phone, password string) (apiClient, error) {
	body, _ := json.Marshal(map[string]string{"phone": phone, "password": password, "device_id": deviceID, "device_name": "前台电脑"})
	out, err := apiClient{base: base, hc: hc}.expect(ctx, http.StatusOK, "POST", "/api/v1/auth/login", body)
	if err != nil {
		return apiClient{}, fmt.Errorf("log in %s: %w", phone, err)
	}
	var s struct {
		Token string `json:"token"`
	}
	if err := json.Unmarshal(out, &s); err != nil || s.Token == "" {
		return apiClient{}, fmt.Errorf("log in %s: no token in %.200s", phone, out)
	}
	return apiClient{base: base, hc: hc, token: s.Token}, nil
}
