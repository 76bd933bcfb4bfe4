package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"github.com/studiodesk/studiodesk/backend/media"
	"github.com/studiodesk/studiodesk/bench/benchphotos"
)

type renditionConfig struct {
	Dir                     string
	Images, Rounds, Workers int
	Std                     bool // also measure the pure-Go renderer (slow)
}

// renditions renders thumb + preview of the same 24 MP JPEGs with our renderer (media.Best),
// the pure-Go one, and vipsthumbnail, each with the same number of parallel workers.
func renditions(c renditionConfig) error {
	vips, err := exec.LookPath("vipsthumbnail")
	if err != nil {
		return errors.New("vipsthumbnail not found: apt-get install libvips-tools (scripts/setup.sh does)")
	}
	files, err := photos(c.Dir, c.Images)
	if err != nil {
		return err
	}
	out := filepath.Join(c.Dir, "out")
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	specs := []media.Spec{media.Thumb, media.Preview}
	ours := func(r media.Renderer) func(files []string) error {
		return func(files []string) error {
			for _, f := range files {
				b, err := os.ReadFile(f)
				if err != nil {
					return err
				}
				_, rs, err := r.Render(context.Background(), bytes.NewReader(b), specs)
				if err != nil {
					return fmt.Errorf("%s: %w", f, err)
				}
				for _, r := range rs {
					if err := os.WriteFile(filepath.Join(out, filepath.Base(f)+"."+r.Spec.Name+".jpg"), r.Data, 0o644); err != nil {
						return err
					}
				}
			}
			return nil
		}
	}
	// vipsthumbnail makes each rendition from the original with its shrink-on-load; one
	// process per worker and size, each over its share of the files (no start-up per file).
	vipsRun := func(files []string) error {
		for _, sp := range []media.Spec{media.Preview, media.Thumb} {
			args := []string{"-s", fmt.Sprint(sp.MaxEdge), "-o", filepath.Join(out, "%s."+sp.Name+fmt.Sprintf(".vips.jpg[Q=%d,strip]", sp.Quality))}
			cmd := exec.Command(vips, append(args, files...)...)
			cmd.Env = append(os.Environ(), "VIPS_CONCURRENCY=1") // one thread per worker, like ours
			if b, err := cmd.CombinedOutput(); err != nil {
				return fmt.Errorf("vipsthumbnail: %v: %s", err, b)
			}
		}
		return nil
	}
	fmt.Printf("renditions: %d JPEGs of 6000×4000 (%s), thumb 400 + preview 2048, %d workers, %d rounds\n",
		len(files), sizeOf(files), c.Workers, c.Rounds)
	tools := []struct {
		name string
		run  func([]string) error
	}{
		{"vipsthumbnail", vipsRun},
		{fmt.Sprintf("studiodesk (%T)", media.Best(media.Limits{})), ours(media.Best(media.Limits{}))},
		{"studiodesk pure Go (media.Std)", ours(media.Std{})},
	}
	if !c.Std {
		tools = tools[:2]
	}
	for _, tool := range tools {
		if err := tool.run(files[:1]); err != nil { // warm up: page cache, code
			return err
		}
	}
	// Rounds alternate between the tools, so a change in the machine's load (other people's
	// work) falls on all of them alike. CPU time is counted too (children's for
	// vipsthumbnail, this process's for ours): unlike images/s it does not depend on how
	// much of the machine the run got.
	wall := make([]time.Duration, len(tools))
	cpu := make([]time.Duration, len(tools))
	for range c.Rounds {
		for i, tool := range tools {
			before := cpuTime()
			start := time.Now()
			if err := parallel(files, c.Workers, tool.run); err != nil {
				return err
			}
			wall[i] += time.Since(start)
			cpu[i] += cpuTime() - before
		}
	}
	n := float64(len(files) * c.Rounds)
	for i, tool := range tools {
		fmt.Printf("  %-40s %6.2f images/s (%d in %.1fs), %4.0f ms CPU per image\n", tool.name, n/wall[i].Seconds(), int(n), wall[i].Seconds(),
			float64(cpu[i].Milliseconds())/n)
	}
	for i := 1; i < len(tools); i++ {
		fmt.Printf("  ratio %s / vipsthumbnail = %.2f× images/s, %.2f× CPU per image (less is better)\n", tools[i].name,
			wall[0].Seconds()/wall[i].Seconds(), cpu[i].Seconds()/cpu[0].Seconds())
	}
	return nil
}

// cpuTime is the user + system CPU time of this process and its finished children.
func cpuTime() time.Duration {
	var self, kids syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &self)
	_ = syscall.Getrusage(syscall.RUSAGE_CHILDREN, &kids)
	tv := func(t syscall.Timeval) time.Duration { return time.Duration(t.Nano()) }
	return tv(self.Utime) + tv(self.Stime) + tv(kids.Utime) + tv(kids.Stime)
}

// parallel splits files into n shares (round robin) and runs run on each share at once.
func parallel(files []string, n int, run func([]string) error) error {
	shares := make([][]string, n)
	for i, f := range files {
		shares[i%n] = append(shares[i%n], f)
	}
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i, s := range shares {
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = run(s) }()
	}
	wg.Wait()
	return errors.Join(errs...)
}

func sizeOf(files []string) string {
	var n int64
	for _, f := range files {
		if st, err := os.Stat(f); err == nil {
			n += st.Size()
		}
	}
	return fmt.Sprintf("%.1f MB each on average", float64(n)/float64(len(files))/1e6)
}

// photos generates n camera-like 24-megapixel JPEGs once (benchphotos) and returns them.
func photos(dir string, n int) ([]string, error) { return benchphotos.Generate(dir, n, n, 2) }
