// Command leads benchmarks StudioDesk's leads at scale (issue 3, "Benchmarks"). It seeds a
// SQLite database through the real store (sqlite.Open: the server's migrations and pragmas)
// with one studio and N leads, serves the real API on loopback, and measures list pages and
// searches, lead creates, sync pull and push — next to the same queries run raw on the same
// file — then prints a markdown section with the targets and appends it to
// docs/benchmarks.md when asked:
//
//	go run ./bench/leads -leads 1000000 -append docs/benchmarks.md
//
// Seeding 1,000,000 leads takes minutes; -db keeps the file (and a .bench.json beside it)
// so later runs skip seeding and measure again on it.
//
// -db postgres://user@host:port/dbname measures PostgreSQL instead (store/postgres: its
// migrations and pool); the seed record is kept in the temp directory, named after the
// database. Seeding it through store.Tx runs at about 100 leads/s on this machine (every
// transaction is a few thousand round trips, and writers queue on the studio's change-feed
// counter), so -copy-from FILE fills it instead with the rows of a SQLite file this benchmark
// seeded, table by table with COPY: the very same data on both engines.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/studiodesk/studiodesk/backend/api"
	"github.com/studiodesk/studiodesk/backend/auth"
	"github.com/studiodesk/studiodesk/backend/store/postgres"
	"github.com/studiodesk/studiodesk/backend/store/sqldb"
)

// Config holds the benchmark's tunables; defaultConfig has the documented defaults.
type Config struct {
	Leads    int    // leads to seed
	DB       string // database file; empty = a temp dir removed at the end
	Batch    int    // leads per seeding transaction
	CopyFrom string // PostgreSQL: copy the rows of this seeded SQLite file instead of seeding
	Seed     uint64 // data set seed: the same seed and Leads give the same leads

	Iterations   int           // recorded requests per list scenario
	Warmup       int           // unrecorded requests before them
	ScenarioTime time.Duration // time bound of each scenario's recorded phase
	Creates      int           // creates per create burst
	Clients      []int         // concurrent clients of the bursts after the one-client burst
	Pulls        int           // recorded pulls
	Pushes       int           // recorded pushes

	Out     string        // write the markdown section here too
	Append  string        // append the markdown section to this file (docs/benchmarks.md)
	Profile string        // directory for one CPU profile per phase (lists, pull, push, creates)
	Timeout time.Duration // bound of the whole run
	Phases  string        // comma-separated phases to run (lists, pull, push, creates); all by default
	Command string        // the command line, quoted in the report
}

func defaultConfig() Config {
	return Config{Leads: 1_000_000, Batch: 10_000, Seed: 2026, Iterations: 1000, Warmup: 100, ScenarioTime: 45 * time.Second,
		Creates: 5000, Clients: []int{8, 32}, Pulls: 30, Pushes: 5, Timeout: 3 * time.Hour}
}

func main() {
	cfg := defaultConfig()
	flag.IntVar(&cfg.Leads, "leads", cfg.Leads, "leads to seed")
	flag.StringVar(&cfg.DB, "db", cfg.DB, "database file to seed and keep, or to reuse when seeded before (default: a temp file, removed); or postgres://... (an empty database, or one seeded before)")
	flag.IntVar(&cfg.Batch, "batch", cfg.Batch, "leads per seeding transaction")
	flag.StringVar(&cfg.CopyFrom, "copy-from", "", "with a PostgreSQL -db: fill it with COPY from this SQLite file seeded by an earlier run")
	flag.Uint64Var(&cfg.Seed, "seed", cfg.Seed, "data set seed")
	flag.IntVar(&cfg.Iterations, "n", cfg.Iterations, "recorded requests per list scenario")
	flag.IntVar(&cfg.Warmup, "warmup", cfg.Warmup, "warm-up requests per list scenario")
	flag.DurationVar(&cfg.ScenarioTime, "scenario-time", cfg.ScenarioTime, "time bound of each scenario")
	flag.IntVar(&cfg.Creates, "creates", cfg.Creates, "creates per create burst")
	flag.Func("clients", "concurrent clients of the create bursts after the one-client one, comma-separated (default 8,32)", func(v string) error {
		cfg.Clients = nil
		for _, f := range strings.Split(v, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || n < 1 {
				return fmt.Errorf("clients: %q is not a positive number", f)
			}
			cfg.Clients = append(cfg.Clients, n)
		}
		return nil
	})
	flag.IntVar(&cfg.Pulls, "pulls", cfg.Pulls, "recorded pulls of 10,000 changes")
	flag.IntVar(&cfg.Pushes, "pushes", cfg.Pushes, "recorded pushes of 1,000 mutations")
	flag.StringVar(&cfg.Out, "out", cfg.Out, "also write the markdown section to this file")
	flag.StringVar(&cfg.Append, "append", cfg.Append, "append the markdown section to this file (e.g. docs/benchmarks.md)")
	flag.StringVar(&cfg.Profile, "pprof", cfg.Profile, "write a CPU profile per phase into this directory")
	flag.DurationVar(&cfg.Timeout, "timeout", cfg.Timeout, "bound of the whole run")
	flag.StringVar(&cfg.Phases, "phases", "lists,pull,push,creates", "phases to run, comma-separated (a partial run is for investigating, not for the record)")
	flag.DurationVar(&sqldb.CommitDelay, "commit-delay", sqldb.CommitDelay, "how long a group commit waits for the writers of the last group (0: never)")
	flag.Parse()
	cfg.Command = "go run ./bench/leads " + strings.Join(os.Args[1:], " ")

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, cfg.Timeout)
	defer cancel()
	if err := run(ctx, cfg, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "bench/leads:", err)
		os.Exit(1)
	}
}

// seedInfo is written beside a kept database so a later run can reuse it.
type seedInfo struct {
	TenantID      int64         `json:"tenant_id"`
	AdminPassword string        `json:"admin_password"`
	Leads         int           `json:"leads"`
	Seed          uint64        `json:"seed"`
	Start         time.Time     `json:"start"`
	End           time.Time     `json:"end"`
	SeedTime      time.Duration `json:"seed_time_ns"`
	CopiedFrom    string        `json:"copied_from,omitempty"` // PostgreSQL filled from this SQLite file
}

// infoPath is where a database's seed record lives: beside a SQLite file; for PostgreSQL in
// the temp directory, named after the server and database.
func infoPath(db string) string {
	if !postgres.IsDSN(db) {
		return db + ".bench.json"
	}
	u, err := url.Parse(db)
	if err != nil {
		return filepath.Join(os.TempDir(), "studiodesk-bench-pg.bench.json")
	}
	name := strings.NewReplacer(":", "_", "/", "_").Replace(u.Host + u.Path)
	return filepath.Join(os.TempDir(), "studiodesk-bench-pg-"+name+".bench.json")
}

// run seeds (or reuses) the database, serves the API and measures every scenario.
func run(ctx context.Context, cfg Config, log io.Writer) error {
	if cfg.Leads < 1000 || cfg.Leads > maxLeads {
		return fmt.Errorf("-leads must be between 1000 and %d", maxLeads)
	}
	rep := &report{cfg: cfg, began: time.Now(), revision: sourceRevision(ctx)}
	if cfg.CopyFrom != "" && !postgres.IsDSN(cfg.DB) {
		return fmt.Errorf("-copy-from needs a PostgreSQL -db")
	}
	path := cfg.DB
	if path == "" {
		dir, err := os.MkdirTemp("", "studiodesk-bench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		path = filepath.Join(dir, "leads.db")
	}
	var info seedInfo
	switch b, err := os.ReadFile(infoPath(path)); {
	case err == nil:
		if err := json.Unmarshal(b, &info); err != nil {
			return fmt.Errorf("read %s: %w", infoPath(path), err)
		}
		if info.Leads != cfg.Leads || info.Seed != cfg.Seed {
			return fmt.Errorf("%s holds %d leads of seed %d, not %d of seed %d: pass another -db", path, info.Leads, info.Seed, cfg.Leads, cfg.Seed)
		}
		rep.reused = true
	case !errors.Is(err, fs.ErrNotExist):
		return err
	case postgres.IsDSN(path): // checked once open: the database must hold no lead yet
	default:
		if _, err := os.Stat(path); err == nil {
			return fmt.Errorf("%s exists but was not seeded by this benchmark (no %s)", path, infoPath(path))
		}
	}

	eng := newEngine(path)
	rep.eng = eng
	st, err := eng.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	if eng.pg && !rep.reused {
		var n int64
		if err := st.WritePool().QueryRowContext(ctx, `SELECT COUNT(*) FROM leads`).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return fmt.Errorf("%s holds %d leads but no seed record (%s): pass an empty database", postgres.Redact(path), n, infoPath(path))
		}
	}

	switch {
	case rep.reused:
	case cfg.CopyFrom != "":
		began := time.Now()
		b, err := os.ReadFile(infoPath(cfg.CopyFrom))
		if err != nil {
			return fmt.Errorf("-copy-from %s: not seeded by this benchmark: %w", cfg.CopyFrom, err)
		}
		if err := json.Unmarshal(b, &info); err != nil {
			return err
		}
		if info.Leads != cfg.Leads || info.Seed != cfg.Seed {
			return fmt.Errorf("%s holds %d leads of seed %d, not %d of seed %d", cfg.CopyFrom, info.Leads, info.Seed, cfg.Leads, cfg.Seed)
		}
		fmt.Fprintf(log, "copying %s into %s\n", cfg.CopyFrom, eng.describe())
		if err := copyFromSQLite(ctx, cfg.CopyFrom, path, log); err != nil {
			return err
		}
		info.SeedTime, info.CopiedFrom = time.Since(began), cfg.CopyFrom
	default:
		began := time.Now()
		end := began.UTC().Truncate(time.Minute)
		info = seedInfo{Leads: cfg.Leads, Seed: cfg.Seed, Start: end.AddDate(0, 0, -365), End: end}
		fmt.Fprintf(log, "seeding %d leads into %s\n", cfg.Leads, eng.describe())
		if info.TenantID, info.AdminPassword, err = seedOrg(ctx, st, info.Start); err != nil {
			return err
		}
		o, err := loadOrg(ctx, st, info.TenantID)
		if err != nil {
			return err
		}
		d := &dataset{org: o, n: cfg.Leads, start: info.Start, end: info.End, seed: cfg.Seed}
		if err := seedLeads(ctx, st, d, cfg.Batch, log); err != nil {
			return err
		}
		info.SeedTime = time.Since(began)
	}
	if !rep.reused {
		// Start measuring from a steady state: SQLite's WAL folded into the file;
		// PostgreSQL's tables vacuumed and analyzed (as autovacuum would by then).
		settle := `PRAGMA wal_checkpoint(TRUNCATE)`
		if eng.pg {
			settle = `VACUUM ANALYZE`
		}
		if _, err := st.WritePool().ExecContext(ctx, settle); err != nil {
			return fmt.Errorf("%s: %w", settle, err)
		}
		b, _ := json.MarshalIndent(info, "", "  ")
		if err := os.WriteFile(infoPath(path), b, 0o600); err != nil {
			return err
		}
	}
	rep.info = info
	o, err := loadOrg(ctx, st, info.TenantID)
	if err != nil {
		return err
	}
	d := &dataset{org: o, n: info.Leads, start: info.Start, end: info.End, seed: info.Seed}

	raw, err := eng.openRaw()
	if err != nil {
		return err
	}
	defer raw.Close()
	rep.machine = describeMachine(ctx, raw, eng)

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	quiet := slog.New(slog.NewTextHandler(log, &slog.HandlerOptions{Level: slog.LevelWarn}))
	srv := &http.Server{Handler: api.New(api.Config{Store: st, Logger: quiet, Password: auth.Fast}), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer func() {
		sctx, c := context.WithTimeout(context.Background(), 10*time.Second)
		defer c()
		_ = srv.Shutdown(sctx)
	}()
	base := "http://" + ln.Addr().String()
	hc := &http.Client{Timeout: 10 * time.Minute,
		Transport: &http.Transport{MaxIdleConns: 64, MaxIdleConnsPerHost: 64, DisableCompression: true}}
	e := &env{cfg: cfg, st: st, raw: raw, eng: eng, d: d, log: log}
	if e.admin, err = login(ctx, hc, base, adminPhone, info.AdminPassword); err != nil {
		return err
	}
	if e.manager, err = login(ctx, hc, base, o.Manager.Phone, staffPass); err != nil {
		return err
	}

	phase := func(name string, fn func() error) error {
		if cfg.Phases != "" && !slices.Contains(strings.Split(cfg.Phases, ","), name) {
			return nil
		}
		fmt.Fprintf(log, "%s\n", name)
		if cfg.Profile == "" {
			return fn()
		}
		if err := os.MkdirAll(cfg.Profile, 0o755); err != nil {
			return err
		}
		f, err := os.Create(filepath.Join(cfg.Profile, name+".pprof"))
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
		return fn()
	}
	err = phase("lists", func() error {
		cases, err := e.listCases(ctx)
		if err != nil {
			return err
		}
		for i, c := range cases {
			res, err := e.runList(ctx, i, c)
			if err != nil {
				return fmt.Errorf("list scenario %q: %w", c.name, err)
			}
			rep.lists = append(rep.lists, res)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := phase("pull", func() (err error) { rep.pull, err = e.runPull(ctx); return }); err != nil {
		return fmt.Errorf("pull: %w", err)
	}
	if err := phase("push", func() (err error) { rep.push, err = e.runPush(ctx); return }); err != nil {
		return fmt.Errorf("push: %w", err)
	}
	err = phase("creates", func() error {
		var count int64
		if err := raw.QueryRowContext(ctx, eng.q(`SELECT COUNT(*) FROM leads WHERE tenant_id = ?`), o.TenantID).Scan(&count); err != nil {
			return err
		}
		cr := &creator{}
		cr.next.Store(max(count, int64(d.n)))
		if _, err := e.runCreates(ctx, cr, 1, min(50, cfg.Creates)); err != nil { // warm-up
			return err
		}
		for _, clients := range append([]int{1}, cfg.Clients...) {
			res, err := e.runCreates(ctx, cr, clients, cfg.Creates)
			if err != nil {
				return err
			}
			rep.creates = append(rep.creates, res)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("creates: %w", err)
	}

	rep.counts = map[string]int64{}
	for _, t := range []string{"leads", "lead_events", "changes", "audit_log"} {
		var n int64
		if err := raw.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+t).Scan(&n); err != nil {
			return fmt.Errorf("count %s: %w", t, err)
		}
		rep.counts[t] = n
	}
	if eng.pg {
		if err := raw.QueryRowContext(ctx, `SELECT pg_database_size(current_database())`).Scan(&rep.dbBytes); err != nil {
			return err
		}
	}
	for _, f := range []string{path, path + "-wal"} {
		if fi, err := os.Stat(f); err == nil && !eng.pg {
			rep.dbBytes += fi.Size()
		}
	}
	md := rep.markdown()
	fmt.Fprintln(os.Stdout, md)
	if cfg.Out != "" {
		if err := os.WriteFile(cfg.Out, []byte(md), 0o644); err != nil {
			return err
		}
	}
	if cfg.Append != "" {
		f, err := os.OpenFile(cfg.Append, os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			return fmt.Errorf("append report: %w", err)
		}
		defer f.Close()
		if _, err := f.WriteString("\n" + md); err != nil {
			return fmt.Errorf("append report to %s: %w", cfg.Append, err)
		}
	}
	return nil
}
