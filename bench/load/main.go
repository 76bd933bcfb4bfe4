// Command load is the scale-out load test of issue 7: mixed desktop sync and customer album
// traffic on loopback against real server processes, bounded in requests and time, with
// requests/s, latency percentiles and the servers' CPU per request (from /proc).
//
// Two targets, one run each:
//
//	sqlite    one replica: `studiodesk-server serve` on SQLite + local disk
//	postgres  two replicas on one PostgreSQL database and one S3 bucket; the generator
//	          alternates requests between them (round robin, as a proxy would)
//
// Example (PostgreSQL and S3 from scripts/postgres.sh and scripts/s3-server.sh):
//
//	go run ./bench/load -targets sqlite,postgres -pg "$STUDIODESK_TEST_PG" -s3 "$STUDIODESK_TEST_S3" \
//	    -requests 20000 -duration 60s -watch-pg /tmp/pgdata
//
// Each target gets a fresh studio: 500 leads, an album of 40 rendered photos and a share
// link. Then -clients workers send the mix below until -requests are done or -duration ran
// out; the first -warmup requests are not recorded.
//
//	pull    35%  GET /api/v1/sync/pull from the desktop's own cursor (what changed since)
//	push    10%  POST /api/v1/sync/push of 1–5 lead.update mutations (renames)
//	album   15%  GET /api/v1/public/links/{token} (the customer page's album JSON)
//	photos  10%  GET /api/v1/public/links/{token}/photos (the photo list)
//	thumb   30%  GET /api/v1/public/links/{token}/photos/{id}/thumb (a thumbnail JPEG)
//
// -mode live measures a live album instead: -guests customer pages hold its event stream
// open while photos arrive (live.go), e.g.
//
//	go run ./bench/load -mode live -targets sqlite,postgres -guests 500 -live-photos 30 -leads 5 -photos 1
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

// Config holds the run's tunables.
type Config struct {
	Targets  []string
	Server   string // studiodesk-server binary; built from this checkout when empty
	PG       string // PostgreSQL superuser address (a database is created per run)
	S3       string // S3 endpoint; credentials in AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or STUDIODESK_TEST_S3_KEY/_SECRET
	WatchPG  string // PostgreSQL data directory: its processes' CPU is reported too
	WatchS3  int    // pid of the S3 server: its CPU is reported too
	Clients  int
	Requests int
	Warmup   int
	Duration time.Duration
	Photos   int
	Leads    int
	Out      string
	Command  string
	// -mode live: the live-album fan-out (live.go).
	Mode       string
	Guests     int
	LivePhotos int
	LiveEvery  time.Duration
}

func main() {
	var cfg Config
	targets := flag.String("targets", "sqlite", "comma-separated: sqlite (one replica, SQLite + disk), postgres (two replicas, PostgreSQL + S3)")
	flag.StringVar(&cfg.Server, "server", "", "studiodesk-server binary (default: go build it from this checkout)")
	flag.StringVar(&cfg.PG, "pg", os.Getenv("STUDIODESK_TEST_PG"), "PostgreSQL superuser address for the postgres target (env STUDIODESK_TEST_PG)")
	flag.StringVar(&cfg.S3, "s3", os.Getenv("STUDIODESK_TEST_S3"), "S3 endpoint for the postgres target (env STUDIODESK_TEST_S3)")
	flag.StringVar(&cfg.WatchPG, "watch-pg", "", "PostgreSQL data directory: add its server processes' CPU to the report")
	flag.IntVar(&cfg.WatchS3, "watch-s3", 0, "pid of the S3 server: add its CPU to the report")
	flag.IntVar(&cfg.Clients, "clients", 16, "concurrent clients")
	flag.IntVar(&cfg.Requests, "requests", 20000, "recorded requests per target (upper bound)")
	flag.IntVar(&cfg.Warmup, "warmup", 1000, "unrecorded requests before them")
	flag.DurationVar(&cfg.Duration, "duration", 60*time.Second, "time bound of the recorded phase per target")
	flag.IntVar(&cfg.Photos, "photos", 40, "photos in the shared album")
	flag.IntVar(&cfg.Leads, "leads", 500, "leads the desktops edit")
	flag.StringVar(&cfg.Out, "out", "", "also write the markdown report to this file")
	flag.StringVar(&cfg.Mode, "mode", "mix", "mix: the request mix above; live: guests watching a live album while photos arrive (live.go)")
	flag.IntVar(&cfg.Guests, "guests", 500, "live mode: customer pages holding the album's event stream open")
	flag.IntVar(&cfg.LivePhotos, "live-photos", 30, "live mode: photos uploaded while the guests watch")
	flag.DurationVar(&cfg.LiveEvery, "live-every", time.Second, "live mode: one photo every")
	flag.Parse()
	cfg.Targets = strings.Split(*targets, ",")
	cfg.Command = "go run ./bench/load " + strings.Join(os.Args[1:], " ")
	if cfg.Clients < 1 || cfg.Requests < 1 || cfg.Duration <= 0 || cfg.Photos < 1 || cfg.Leads < 5 ||
		(cfg.Mode != "mix" && cfg.Mode != "live") || cfg.Guests < 1 || cfg.LivePhotos < 1 || cfg.LiveEvery <= 0 {
		fmt.Fprintln(os.Stderr, "bench/load: -clients, -requests, -duration, -photos, -guests, -live-photos, -live-every must be positive, -leads at least 5, -mode mix or live")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, cfg); err != nil {
		fmt.Fprintln(os.Stderr, "bench/load:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, cfg Config) error {
	work, err := os.MkdirTemp("", "studiodesk-load-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	if cfg.Server == "" {
		if cfg.Server, err = buildServer(ctx, work); err != nil {
			return err
		}
	}
	rep := report{cfg: cfg, began: time.Now(), machine: describeMachine()}
	if cfg.Mode == "live" {
		var results []liveResult
		for _, name := range cfg.Targets {
			fmt.Fprintf(os.Stderr, "target %s (live)\n", name)
			res, err := runLive(ctx, cfg, name, work)
			if err != nil {
				return fmt.Errorf("target %s: %w", name, err)
			}
			results = append(results, res)
		}
		return output(cfg, liveMarkdown(cfg, rep.machine, rep.began, results))
	}
	for _, name := range cfg.Targets {
		fmt.Fprintf(os.Stderr, "target %s\n", name)
		res, err := runTarget(ctx, cfg, name, work)
		if err != nil {
			return fmt.Errorf("target %s: %w", name, err)
		}
		rep.results, rep.loads = append(rep.results, res), append(rep.loads, loadAverage())
	}
	return output(cfg, rep.markdown())
}

func output(cfg Config, md string) error {
	fmt.Println(md)
	if cfg.Out != "" {
		return os.WriteFile(cfg.Out, []byte(md), 0o644)
	}
	return nil
}
