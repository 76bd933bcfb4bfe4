// Command album runs issue 5's four delivery benchmarks, each next to its reference tool in
// the same run, and prints the ratios (see docs/benchmarks.md, "Issue 5"):
//
//	go run ./bench/album renditions   # thumb + preview of 24 MP JPEGs vs vipsthumbnail
//	go run ./bench/album delivery     # tus upload vs curl -T to a plain PUT handler,
//	                                  # thumbnail GETs at 200 clients vs nginx (wrk),
//	                                  # zip streaming vs cat, on the same photos
//
// Inputs are generated once under -dir (default: the system temp dir) and reused.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/studiodesk/studiodesk/bench/benchhost"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	cmd, args := os.Args[1], os.Args[2:]
	fs := flag.NewFlagSet(cmd, flag.ExitOnError)
	dir := fs.String("dir", filepath.Join(os.TempDir(), "studiodesk-bench-album"), "where generated inputs are kept between runs")
	var run func() error
	switch cmd {
	case "renditions":
		c := renditionConfig{}
		fs.IntVar(&c.Images, "images", 16, "24-megapixel JPEGs to generate and render")
		fs.IntVar(&c.Rounds, "rounds", 2, "passes over the images per tool")
		fs.IntVar(&c.Workers, "workers", 2, "parallel workers for both tools")
		fs.BoolVar(&c.Std, "std", true, "also measure the pure-Go renderer (media.Std, about 7× slower)")
		run = func() error { c.Dir = filepath.Join(*dir, "renditions"); return renditions(c) }
	case "delivery":
		c := deliveryConfig{}
		fs.IntVar(&c.Images, "images", 16, "24-megapixel JPEGs to upload, render and serve")
		fs.IntVar(&c.Connections, "connections", 200, "concurrent clients of the thumbnail GETs")
		fs.DurationVar(&c.Duration, "duration", 10*time.Second, "length of each wrk run")
		fs.IntVar(&c.ZipRounds, "zip-rounds", 3, "zip downloads (and cat passes)")
		fs.IntVar(&c.TusRounds, "tus-rounds", 3, "tus upload passes, each into a fresh server (and curl -T passes)")
		fs.StringVar(&c.Profile, "profile", "", "write a CPU profile per phase (tus, thumbs, zip) into this directory")
		fs.StringVar(&c.Only, "only", "", `"tus": run only the tus upload part; "zip": skip the thumbnail GETs (tus once, then zips)`)
		fs.BoolVar(&c.TusData, "tus-create-with-data", true, "tus: first chunk in the creating POST (one request per photo)")
		fs.Func("tus-parallel", "tus: also measure this many files at once, comma-separated (default 2,3; 0: none)", func(v string) error {
			c.TusParallel = nil
			for _, f := range strings.Split(v, ",") {
				n, err := strconv.Atoi(strings.TrimSpace(f))
				if err != nil || n < 0 {
					return fmt.Errorf("bad -tus-parallel %q", v)
				}
				if n > 1 {
					c.TusParallel = append(c.TusParallel, n)
				}
			}
			return nil
		})
		c.TusParallel = []int{2, 3}
		run = func() error { c.Dir = filepath.Join(*dir, "delivery"); return delivery(c) }
	default:
		usage()
	}
	if err := fs.Parse(args); err != nil {
		os.Exit(2)
	}
	fmt.Printf("machine: %s\nload before: %s\n", machine(), uptime())
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "bench/album:", err)
		os.Exit(1)
	}
	fmt.Printf("load after: %s\n", uptime())
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: go run ./bench/album renditions|delivery [flags]")
	os.Exit(2)
}

func uptime() string  { return benchhost.Uptime() }
func machine() string { return benchhost.Machine() }
