package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/studiodesk/studiodesk/backend/api"
	"github.com/studiodesk/studiodesk/backend/auth"
	"github.com/studiodesk/studiodesk/backend/live"
	"github.com/studiodesk/studiodesk/backend/metrics"
	"github.com/studiodesk/studiodesk/backend/store"
	"github.com/studiodesk/studiodesk/backend/store/postgres"
	"github.com/studiodesk/studiodesk/backend/store/sqlite"
	"github.com/studiodesk/studiodesk/frontend"
)

// storeFlags are shared by every command that opens the database.
type storeFlags struct {
	data string
	db   string
}

func (f *storeFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.data, "data", envOr("STUDIODESK_DATA", "./data"), "data directory: database file and photos (env STUDIODESK_DATA)")
	fs.StringVar(&f.db, "db", os.Getenv("STUDIODESK_DB"),
		"database: a SQLite file path (default <data>/studiodesk.db) or a PostgreSQL URL, postgres://user:password@host:5432/dbname (env STUDIODESK_DB)")
}

func (f *storeFlags) open(ctx context.Context) (store.Store, error) {
	if err := os.MkdirAll(f.data, 0o750); err != nil {
		return nil, fmt.Errorf("create data directory %q: %w", f.data, err)
	}
	if postgres.IsDSN(f.db) {
		return postgres.Open(ctx, f.db)
	}
	path := f.db
	if path == "" {
		path = filepath.Join(f.data, "studiodesk.db")
	}
	return sqlite.Open(ctx, path)
}

// describe names the database for logs, without its password.
func (f *storeFlags) describe() string {
	if postgres.IsDSN(f.db) {
		return "PostgreSQL " + postgres.Redact(f.db)
	}
	if f.db != "" {
		return "SQLite " + f.db
	}
	return "SQLite " + filepath.Join(f.data, "studiodesk.db")
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

// newFlags makes a flag set whose --help prints a description and the flags.
func newFlags(name, summary string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: studiodesk-server %s [flags]\n\n%s\n\nFlags:\n", name, summary)
		fs.PrintDefaults()
	}
	return fs
}

func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err.Error()}
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	return nil
}

// adjustServe, when set, changes a server's configuration and job polling interval before
// it starts. Only tests set it, in server processes they start from the test binary (short
// job leases, a slowed renderer); the studiodesk-server binary never does.
var adjustServe func(cfg *api.Config, jobPoll *time.Duration)

func cmdServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("serve", "Run the StudioDesk server.", stderr)
	var sf storeFlags
	sf.register(fs)
	addr := fs.String("addr", envOr("STUDIODESK_ADDR", "127.0.0.1:8640"), "listen address (env STUDIODESK_ADDR)")
	demo := fs.Bool("demo", false, "on first start, create a demo studio and write its admin login to <data>/demo-login.json")
	trustProxy := fs.Bool("trust-proxy", false, "take the client address from X-Forwarded-For (only behind a reverse proxy)")
	blobSpec := fs.String("blobs", os.Getenv("STUDIODESK_BLOBS"),
		"photo storage: a folder, or s3://BUCKET?endpoint=URL&region=R&path_style=true with AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (default <data>/blobs; env STUDIODESK_BLOBS)")
	metricsAddr := fs.String("metrics-addr", os.Getenv("STUDIODESK_METRICS_ADDR"),
		"serve Prometheus metrics on this address, e.g. 127.0.0.1:9464; off when empty (env STUDIODESK_METRICS_ADDR)")
	sandboxSecret := fs.String("payment-sandbox-secret", os.Getenv("STUDIODESK_PAYMENT_SANDBOX_SECRET"), "enable the sandbox payment provider with this webhook secret (tests, demos; env STUDIODESK_PAYMENT_SANDBOX_SECRET)")
	publicURL := fs.String("public-url", os.Getenv("STUDIODESK_PUBLIC_URL"),
		"where customers reach this server, e.g. https://photos.example.com: the links in customer notifications (default the listen address; env STUDIODESK_PUBLIC_URL)")
	privateHooks := fs.Bool("allow-private-webhooks", false,
		"let studios' notification webhooks reach loopback and private addresses (only when the receivers are on your own network)")
	if err := parse(fs, args); err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	st, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", *addr, err)
	}
	url := "http://" + ln.Addr().String()
	if *publicURL == "" {
		*publicURL = url
	}
	if *demo {
		if err := ensureDemo(ctx, st, sf.data, url, stdout); err != nil {
			ln.Close()
			return err
		}
	}
	customer, err := subFS(frontend.Dist, "dist")
	if err != nil {
		ln.Close()
		return err
	}
	m := metrics.New()
	if ws, ok := st.(metrics.WriterStats); ok {
		m.ObserveWriter(ws)
	}
	blobs, closeBlobs, err := openBlobs(ctx, *blobSpec, sf.data)
	if err != nil {
		ln.Close()
		return err
	}
	defer closeBlobs()
	var broker live.Broker // nil: within this process
	if pg, ok := st.(interface{ WritePool() *sql.DB }); ok && postgres.IsDSN(sf.db) {
		b, err := postgres.NewBroker(ctx, sf.db, pg.WritePool())
		if err != nil {
			ln.Close()
			return err
		}
		defer b.Close()
		broker = b
	}
	cfg := api.Config{Store: st, Logger: log, Customer: customer, TrustProxy: *trustProxy, Live: broker,
		Payments: paymentProviders(*sandboxSecret, url), Blobs: blobs, UploadDir: filepath.Join(sf.data, "uploads"),
		OnJob: m.JobDone, Middleware: m.Middleware, PublicURL: *publicURL,
		AllowPrivateWebhooks: *privateHooks}
	if !postgres.IsDSN(sf.db) {
		// SQLite means this one process: its link cache is emptied by every revoke or album
		// change it serves, so thumbnails never outlive a revoke. Replicas (PostgreSQL) could
		// not see each other's revokes in it, so they look links up every time.
		cfg.LinkCacheTTL = time.Second
	}
	jobPoll := 5 * time.Second
	if adjustServe != nil {
		adjustServe(&cfg, &jobPoll)
	}
	handler := api.New(cfg)
	if *metricsAddr != "" {
		mln, err := net.Listen("tcp", *metricsAddr)
		if err != nil {
			ln.Close()
			return fmt.Errorf("listen for metrics on %s: %w", *metricsAddr, err)
		}
		mm := http.NewServeMux()
		mm.Handle("GET /metrics", m.Handler())
		msrv := &http.Server{Handler: mm, ReadHeaderTimeout: 10 * time.Second}
		go func() { _ = msrv.Serve(mln) }()
		defer msrv.Close()
		fmt.Fprintf(stdout, "metrics on http://%s/metrics\n", mln.Addr())
	}
	host, _ := os.Hostname()
	go func() {
		if err := handler.RunJobs(ctx, fmt.Sprintf("%s:%d", host, os.Getpid()), jobPoll); err != nil {
			log.Error("background jobs stopped", "err", err)
		}
	}()
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
	}
	log.Info("database", "store", sf.describe())
	fmt.Fprintf(stdout, "StudioDesk server listening on %s\n", url)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	log.Info("shutting down")
	return srv.Shutdown(shutdown)
}

func subFS(f fs.FS, dir string) (fs.FS, error) {
	sub, err := fs.Sub(f, dir)
	if err != nil {
		return nil, fmt.Errorf("open embedded frontend: %w", err)
	}
	return sub, nil
}

func cmdMigrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("migrate", "Apply database migrations and exit.", stderr)
	var sf storeFlags
	sf.register(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	st, err := sf.open(ctx) // opening migrates
	if err != nil {
		return err
	}
	defer st.Close()
	fmt.Fprintln(stdout, "database is up to date")
	return nil
}

func cmdTenantCreate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("tenant create", "Open a studio with the built-in roles and a first admin.\nPrints the admin's one-time password: hand it over and ask them to change it.", stderr)
	var sf storeFlags
	sf.register(fs)
	name := fs.String("name", "", "studio name (required)")
	phone := fs.String("admin-phone", "", "the first admin's mobile number, their login (required)")
	adminName := fs.String("admin-name", "管理员", "the first admin's name")
	seats := fs.Int("seats", 0, "active staff allowed by the studio's plan (0 = unlimited)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if strings.TrimSpace(*name) == "" || *phone == "" {
		fs.Usage()
		return usageError{"--name and --admin-phone are required"}
	}
	if *seats < 0 {
		return usageError{"--seats must be 0 (unlimited) or more"}
	}
	st, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	p, err := api.CreateTenant(ctx, st, auth.Default, api.NewTenant{Name: *name, AdminPhone: *phone, AdminName: *adminName, Seats: *seats}, time.Now())
	if err != nil {
		return cliError(err)
	}
	fmt.Fprintf(stdout, "Studio created.\n  studio id:      %d\n  studio name:    %s\n  admin phone:    %s\n  admin password: %s  (one-time: change it after the first login)\n",
		p.Tenant.ID, p.Tenant.Name, p.Admin.Phone, p.Password)
	return nil
}

func cmdTenantList(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("tenant list", "List studios.", stderr)
	var sf storeFlags
	sf.register(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	st, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	list, err := st.ListTenants(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tSEATS\tCREATED")
	for _, t := range list {
		seats := "unlimited"
		if t.SeatLimit > 0 {
			seats = fmt.Sprint(t.SeatLimit)
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\n", t.ID, t.Name, seats, t.CreatedAt.Format(time.DateOnly))
	}
	return tw.Flush()
}

func cmdResetPassword(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("reset-password", "Give a staff member (usually a locked-out admin) a new one-time password.\nTheir sessions end on every device.", stderr)
	var sf storeFlags
	sf.register(fs)
	phone := fs.String("phone", "", "the staff member's mobile number (required)")
	tenant := fs.Int64("tenant", 0, "studio id, when the phone has accounts in several studios")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *phone == "" {
		fs.Usage()
		return usageError{"--phone is required"}
	}
	st, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	m, pw, err := api.ResetPassword(ctx, st, auth.Default, *tenant, *phone, time.Now())
	if err != nil {
		return cliError(err)
	}
	fmt.Fprintf(stdout, "Password reset for staff %d of studio %q (id %d).\n  new password: %s  (one-time: change it after logging in)\n",
		m.StaffID, m.TenantName, m.TenantID, pw)
	return nil
}

// cliError turns domain validation errors into a sentence for the terminal.
func cliError(err error) error {
	var fe interface {
		Field() string
		Code() string
	}
	switch {
	case errors.As(err, &fe) && fe.Code() == "phone_invalid":
		return usageError{fmt.Sprintf("--%s is not a valid mainland China mobile number (11 digits, e.g. 13800138000)", fe.Field())}
	case errors.As(err, &fe):
		return usageError{fmt.Sprintf("--%s: %s", fe.Field(), fe.Code())}
	case errors.Is(err, store.ErrNotFound):
		return fmt.Errorf("%w (check the phone number, or list studios with: studiodesk-server tenant list)", err)
	case errors.Is(err, api.ErrAmbiguousPhone):
		return usageError{err.Error() + " with --tenant (see: studiodesk-server tenant list)"}
	}
	return err
}

// DemoLogin is written by --demo so `make run` can open the desktop app logged in.
type DemoLogin struct {
	ServerURL string `json:"server_url"`
	Phone     string `json:"phone"`
	Password  string `json:"password"`
}

func writeJSONFile(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o600)
}
