package main

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"time"
)

// machine is what the numbers were measured on.
type machine struct {
	cpu, os, goVersion, rev, load string
	cpus                          int
}

func describeMachine() machine {
	m := machine{cpus: runtime.NumCPU(), goVersion: runtime.Version(), cpu: "unknown", os: "unknown"}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.cpu = strings.TrimSpace(v)
				break
			}
		}
	}
	if b, err := os.ReadFile("/etc/os-release"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(l, "PRETTY_NAME="); ok {
				m.os = strings.Trim(v, `"`)
			}
		}
	}
	if out, err := exec.Command("git", "rev-parse", "--short", "HEAD").Output(); err == nil {
		m.rev = strings.TrimSpace(string(out))
	}
	return m
}

// loadAverage is /proc/loadavg's first three fields.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

type report struct {
	cfg     Config
	began   time.Time
	machine machine
	results []result
	loads   []string // load average at the start of each target's recorded phase
}

func pct(d []time.Duration, p float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	i := int(float64(len(d)-1) * p)
	return d[i]
}

func ms(d time.Duration) string {
	switch {
	case d >= 100*time.Millisecond:
		return fmt.Sprintf("%.0f ms", float64(d)/1e6)
	case d >= 10*time.Millisecond:
		return fmt.Sprintf("%.1f ms", float64(d)/1e6)
	}
	return fmt.Sprintf("%.2f ms", float64(d)/1e6)
}

func perReq(c cpuUse, n int) string {
	if n == 0 {
		return "—"
	}
	return ms(c.total() / time.Duration(n))
}

func (r report) markdown() string {
	var b strings.Builder
	p := func(f string, a ...any) { fmt.Fprintf(&b, f, a...) }
	m := r.machine
	p("`%s` on commit %s, %s; %s, nproc %d; %s; %s.\n\n", r.cfg.Command, m.rev, r.began.UTC().Format("2006-01-02 15:04 UTC"), m.cpu, m.cpus, m.os, m.goVersion)
	p("| target | replicas | requests | errors | time | req/s | p50 | p99 | CPU/request: replicas | PostgreSQL | S3 server | load generator | load average (1/5/15 min, at the end) |\n")
	p("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n")
	for i, res := range r.results {
		pg, s3 := "—", "—"
		if res.pgCPU.total() > 0 {
			pg = perReq(res.pgCPU, res.n)
		}
		if res.s3CPU.total() > 0 {
			s3 = perReq(res.s3CPU, res.n)
		}
		p("| %s | %d | %d | %d | %s | **%.0f** | %s | **%s** | %s | %s | %s | %s | %s |\n", res.target, res.replicas, res.n, res.errors,
			res.elapsed.Round(10*time.Millisecond), float64(res.n)/res.elapsed.Seconds(), ms(pct(res.all, 0.50)), ms(pct(res.all, 0.99)),
			perReq(res.cpu, res.n), pg, s3, perReq(res.selfCPU, res.n), r.loads[i])
	}
	p("\nBy kind (p50 / p99, count):\n\n| target |")
	for _, k := range kinds {
		p(" %s (%d%%) |", k.name, k.weight)
	}
	p("\n|---|")
	for range kinds {
		p("---:|")
	}
	p("\n")
	for _, res := range r.results {
		p("| %s |", res.target)
		for _, k := range kinds {
			d := res.lat[k.name]
			p(" %s / %s (%d) |", ms(pct(d, 0.5)), ms(pct(d, 0.99)), len(d))
		}
		p("\n")
	}
	for _, res := range r.results {
		if res.firstErr != "" {
			p("\nFirst error on %s: `%s`\n", res.target, res.firstErr)
		}
	}
	return b.String()
}
