// Command studiodesk is the StudioDesk desktop app a studio PC runs. Built with
// `-tags desktop,production` it opens the Wails window with app.App bound; built without the
// desktop tag (or on a machine without a display) it serves the same App and the studio UI
// in browser mode through app/bridge. See docs/desktop.md.
//
//	studiodesk [--server URL] [--config DIR] [--demo-login FILE] [--bridge ADDR]
//	studiodesk upload DIR --album ID   (headless, see main_cli.go)
//	studiodesk watch DIR --album ID
package main

import (
	"context"
	_ "embed"
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
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/studiodesk/studiodesk/app"
	"github.com/studiodesk/studiodesk/app/bridge"
	"github.com/studiodesk/studiodesk/app/toast"
	"github.com/studiodesk/studiodesk/frontend"
)

// appIcon is shown with desktop notifications.
//
//go:embed build/appicon.png
var appIcon []byte

// version is stamped at build time: -ldflags "-X main.version=1.2.3".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "studiodesk:", err)
		os.Exit(1)
	}
}

// flags are the command line, with STUDIODESK_* environment variables as defaults.
type flags struct {
	server     string // --server / STUDIODESK_SERVER
	pinServer  bool   // the server was given explicitly: it replaces the stored address
	configDir  string // --config / STUDIODESK_CONFIG
	demoLogin  string // --demo-login / STUDIODESK_DEMO_LOGIN
	demoWait   time.Duration
	bridgeAddr string // --bridge / STUDIODESK_BRIDGE
	debug      bool
}

func parseOptions(args []string, getenv func(string) string, stderr io.Writer) (flags, error) {
	o := flags{server: getenv("STUDIODESK_SERVER"), configDir: getenv("STUDIODESK_CONFIG"),
		demoLogin: getenv("STUDIODESK_DEMO_LOGIN"), bridgeAddr: getenv("STUDIODESK_BRIDGE")}
	o.pinServer = o.server != ""
	if o.server == "" {
		o.server = app.DefaultServerURL
	}
	fl := flag.NewFlagSet("studiodesk", flag.ContinueOnError)
	fl.SetOutput(stderr)
	fl.StringVar(&o.server, "server", o.server, "StudioDesk server address (env STUDIODESK_SERVER); given explicitly, it replaces the stored one")
	fl.StringVar(&o.configDir, "config", o.configDir, "local state folder (env STUDIODESK_CONFIG; default: the OS config folder + /StudioDesk)")
	fl.StringVar(&o.demoLogin, "demo-login", o.demoLogin, "JSON file {server_url, phone, password} written by the server's demo mode: log in with it at start-up (env STUDIODESK_DEMO_LOGIN)")
	fl.DurationVar(&o.demoWait, "demo-wait", 30*time.Second, "how long to wait for the demo login file and the server")
	fl.StringVar(&o.bridgeAddr, "bridge", o.bridgeAddr, "browser mode: serve the UI and app/bridge on this address (e.g. 127.0.0.1:0) instead of opening a window (env STUDIODESK_BRIDGE)")
	fl.BoolVar(&o.debug, "debug", false, "debug logging")
	if err := fl.Parse(args); err != nil {
		return o, err
	}
	if fl.NArg() > 0 {
		return o, fmt.Errorf("unexpected argument %q (see --help)", fl.Arg(0))
	}
	fl.Visit(func(f *flag.Flag) {
		if f.Name == "server" {
			o.pinServer = true
		}
	})
	if o.configDir == "" {
		base, err := os.UserConfigDir()
		if err != nil {
			return o, fmt.Errorf("find the config folder (pass --config): %w", err)
		}
		o.configDir = filepath.Join(base, "StudioDesk")
	}
	return o, nil
}

// run starts StudioDesk and returns when it is closed or ctx ends.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) > 0 && (args[0] == "upload" || args[0] == "watch") {
		return runHeadless(ctx, args[0], args[1:], getenv, stdout, stderr)
	}
	limitMemory(getenv) // the window runs the same upload engine
	o, err := parseOptions(args, getenv, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	level := slog.LevelInfo
	if o.debug {
		level = slog.LevelDebug
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	ui, err := fs.Sub(frontend.Dist, "dist")
	if err != nil {
		return fmt.Errorf("studio UI: %w", err)
	}
	relay := &emitterRelay{}
	if bindingsOnly { // only the bound type matters; touch no local state
		return runWindow(ctx, &app.App{}, ui, relay, o, log)
	}
	cfg := app.Config{Dir: o.configDir, ServerURL: o.server, PinServer: o.pinServer,
		Version: version, Emitter: relay, Logger: log}
	if o.bridgeAddr == "" && windowUnavailable(getenv) == "" {
		// In the window, reminders also show in the OS's notification centre (docs/desktop.md).
		cfg.Notifier = toast.New("StudioDesk 影楼管家", appIcon)
		cfg.PickFolder = relay.PickFolder // the system's folder dialog, once the window runs
	}
	a, err := app.New(ctx, cfg)
	if err != nil {
		return err
	}
	defer app.Stop(a)
	if o.demoLogin != "" {
		if err := demoLogin(ctx, a, o.demoLogin, o.demoWait, log); err != nil {
			log.Warn("demo login failed; log in by hand", "err", err)
		}
	}
	if o.bridgeAddr == "" {
		why := windowUnavailable(getenv)
		if why == "" {
			return runWindow(ctx, a, ui, relay, o, log)
		}
		fmt.Fprintf(stderr, "studiodesk: cannot open a window: %s; serving browser mode instead.\n", why)
		o.bridgeAddr = "127.0.0.1:0"
	}
	return serveBridge(ctx, a, ui, o.bridgeAddr, stdout, log)
}

// serveBridge runs browser mode: the studio UI and app/bridge on addr, until ctx ends.
// The first line on stdout is "StudioDesk browser mode: <url>" (tests read it).
func serveBridge(ctx context.Context, a *app.App, ui fs.FS, addr string, stdout io.Writer, log *slog.Logger) error {
	h, err := bridge.New(bridge.Config{App: a, UI: ui, Logger: log})
	if err != nil {
		return err
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("browser mode: %w", err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	host, _, _ := net.SplitHostPort(addr)
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		log.Warn("the bridge answers only this computer; open it at the loopback address", "listen", addr)
		host = "127.0.0.1"
	}
	url := "http://" + net.JoinHostPort(host, fmt.Sprint(port)) + "/"
	fmt.Fprintf(stdout, "StudioDesk browser mode: %s\n", url)

	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(l) }()
	select {
	case err := <-errc:
		return fmt.Errorf("browser mode: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("stop browser mode: %w", err)
	}
	return nil
}

// demoCredentials is the file the server's demo mode writes.
type demoCredentials struct {
	ServerURL string `json:"server_url"`
	Phone     string `json:"phone"`
	Password  string `json:"password"`
}

// demoLogin logs in with the demo credentials in path, so `make run` opens logged in. It waits
// up to wait for the file and the server (they may start together). The password is used
// once and never stored; an existing session of the same user is kept.
func demoLogin(ctx context.Context, a *app.App, path string, wait time.Duration, log *slog.Logger) error {
	ctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	var cred demoCredentials
	for {
		b, err := os.ReadFile(path)
		if err == nil {
			if err := json.Unmarshal(b, &cred); err != nil {
				return fmt.Errorf("demo login file %s: %w", path, err)
			}
			break
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("demo login file: %w", err)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("demo login file %s did not appear: %w", path, ctx.Err())
		case <-tick.C:
		}
	}
	if cur, err := a.CurrentSession(); err == nil && cur != nil {
		info, _ := a.Info()
		if cur.Staff.Phone == strings.TrimSpace(cred.Phone) && (cred.ServerURL == "" || strings.TrimRight(cred.ServerURL, "/") == info.ServerURL) {
			log.Info("demo login: already logged in", "server", info.ServerURL)
			return nil
		}
	}
	for {
		_, err := a.Login(app.LoginRequest{ServerURL: cred.ServerURL, Phone: cred.Phone, Password: cred.Password})
		var e *app.Error
		if err == nil {
			log.Info("demo login: logged in", "server", cred.ServerURL)
			return nil
		}
		if !errors.As(err, &e) || e.Code != app.CodeServerUnreachable {
			return err
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("demo login: server not reachable in time: %w", err)
		case <-tick.C:
		}
	}
}

// emitterRelay is the App's Emitter; the window plugs Wails' event emitter in once it runs.
type emitterRelay struct {
	mu   sync.RWMutex
	to   app.Emitter
	pick func(title string) (string, error) // the window's folder dialog
}

// PickFolder opens the window's folder dialog ("" when cancelled).
func (r *emitterRelay) PickFolder(title string) (string, error) {
	r.mu.RLock()
	pick := r.pick
	r.mu.RUnlock()
	if pick == nil {
		return "", errors.New("the window is not open")
	}
	return pick(title)
}

var _ app.Emitter = (*emitterRelay)(nil)

func (r *emitterRelay) set(e app.Emitter) {
	r.mu.Lock()
	r.to = e
	r.mu.Unlock()
}

// Emit forwards to the current emitter, if any.
func (r *emitterRelay) Emit(name string, data ...any) {
	r.mu.RLock()
	e := r.to
	r.mu.RUnlock()
	if e != nil {
		e.Emit(name, data...)
	}
}
