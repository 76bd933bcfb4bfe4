package main

import (
	"bytes"
	"context"
	"image/jpeg"
	"os"
	"testing"
	"time"

	"github.com/studiodesk/studiodesk/backend/media"
)

const wrkOutput = `Running 10s test @ http://127.0.0.1:8080
  2 threads and 200 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    15.21ms   20.10ms 301.88ms   91.02%
    Req/Sec     4.90k     1.01k    7.31k    70.50%
  Latency Distribution
     50%    9.01ms
     75%   14.20ms
     90%   30.11ms
     99%  120.44ms
  97400 requests in 10.00s, 3.21GB read
Requests/sec:   9740.12
Transfer/sec:    328.11MB
`

func TestParseWrk(t *testing.T) {
	rate, p99, err := parseWrk(wrkOutput)
	if err != nil || rate != 9740.12 || p99 != 120440*time.Microsecond {
		t.Fatalf("%v %v %v", rate, p99, err)
	}
	if _, _, err := parseWrk(wrkOutput + "  Non-2xx or 3xx responses: 12\n"); err == nil {
		t.Fatal("failed responses were not noticed")
	}
	if _, _, err := parseWrk("  Socket errors: connect 0, read 3, write 0, timeout 9\n" + wrkOutput); err == nil {
		t.Fatal("socket errors were not noticed")
	}
	if _, _, err := parseWrk("Running 10s test\n"); err == nil {
		t.Fatal("output without numbers was accepted")
	}
}

// The generated photos are what the benchmark claims: 6000×4000 JPEGs with the orientation
// cycle, made once and reused.
func TestPhotosAreGeneratedOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("generates two 24-megapixel JPEGs")
	}
	dir := t.TempDir()
	files, err := photos(dir, 2)
	if err != nil || len(files) != 2 {
		t.Fatal(files, err)
	}
	before := modTimes(t, files)
	if _, err := photos(dir, 2); err != nil {
		t.Fatal(err)
	}
	if after := modTimes(t, files); after[0] != before[0] || after[1] != before[1] {
		t.Fatal("photos were generated again")
	}
	w, h, o := jpegInfo(t, files[1])
	if w != 6000 || h != 4000 || o != 6 {
		t.Fatalf("second photo %d×%d orientation %d", w, h, o)
	}
}

func modTimes(t *testing.T, files []string) []time.Time {
	var out []time.Time
	for _, f := range files {
		st, err := os.Stat(f)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, st.ModTime())
	}
	return out
}

func jpegInfo(t *testing.T, path string) (int, int, int) {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	info, _, err := media.Std{}.Render(context.Background(), bytes.NewReader(b), nil)
	if err != nil {
		t.Fatal(err)
	}
	return cfg.Width, cfg.Height, info.Orientation
}
