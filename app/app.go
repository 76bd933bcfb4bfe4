// Package app is the desktop side's front door: the exported methods of App are what the
// studio UI calls — bound into the Wails window by main, and served over HTTP by app/bridge
// for browser-mode end-to-end tests. App is thin: it keeps this computer's local state (device
// identity, server address, language, session token) and delegates every call to the server
// through apiclient.
//
// Every exported method of *App is part of the UI contract (docs/api.md, "Desktop bindings"):
// add one only when the UI should call it. Failures are *Error values.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/studiodesk/studiodesk/app/watch"
	"github.com/studiodesk/studiodesk/backend/account"
	"github.com/studiodesk/studiodesk/backend/api/apiclient"
)

// Languages of the UI and of error messages.
const (
	LangZH = "zh-CN" // the default
	LangEN = "en"
)

// DefaultServerURL is where a fresh installation looks for the server (a server on this PC).
const DefaultServerURL = "http://127.0.0.1:8640"

// Config holds the App's tunables; zero values take the documented defaults.
type Config struct {
	// Dir is the local state folder; default os.UserConfigDir()/StudioDesk
	// (%AppData%\StudioDesk on Windows, ~/Library/Application Support/StudioDesk on macOS,
	// ~/.config/StudioDesk on Linux).
	Dir string
	// ServerURL is the server address a fresh installation uses; default DefaultServerURL.
	// The address of the last successful login is stored and wins, unless PinServer is set.
	ServerURL string
	// PinServer makes ServerURL replace the stored address (the --server flag was given).
	PinServer bool
	// Version is shown by Info; default "dev".
	Version string
	// DeviceName names this computer for the admin's device list the first time StudioDesk
	// runs; default the host name.
	DeviceName string
	// Emitter receives the App's events; default discards them.
	Emitter Emitter
	// HTTPClient talks to the server; default one with an 8 s connect timeout.
	HTTPClient *http.Client
	// Timeout bounds one call to the server; default 20 s.
	Timeout time.Duration
	// Logger; default slog.Default(). The session token is never logged.
	Logger *slog.Logger
	// SyncInterval is how often the lead replica syncs in the background; default 5 s.
	SyncInterval time.Duration
	// Notifier shows due appointments and untouched leads as native desktop notifications;
	// default none (browser mode and tests). The window uses app/toast.
	Notifier Notifier
	// ReminderPoll is how often new reminders are fetched while online; default 30 s.
	ReminderPoll time.Duration
	// PickFolder opens the system's folder dialog (the window sets it; browser mode and tests
	// have none, and the UI asks for a typed path instead).
	PickFolder func(title string) (string, error)
	// FolderWatch tunes the watched folders' watchers (app/watch defaults when zero).
	FolderWatch watch.Config
	// FolderPoll is how often the shoots root is looked at for new order folders; default 3 s.
	FolderPoll time.Duration
}

// App is the service bound to the UI. Its methods are safe for concurrent use (Wails runs
// each call on its own goroutine).
type App struct {
	ctx    context.Context // ends when StudioDesk closes; every server call derives from it
	cfg    Config
	log    *slog.Logger
	emit   Emitter
	hc     *http.Client
	device device

	mu  sync.Mutex
	set settings

	wsh  wsHolder // the lead workspace of the logged-in user
	up   *uploads // the upload queue and engine (app_uploads.go)
	fold *folders // the watched folders (app_folders.go)
}

// New loads (or creates) the local state in cfg.Dir. ctx bounds the App's life: calls in
// flight when it ends are abandoned.
func New(ctx context.Context, cfg Config) (*App, error) {
	if cfg.Dir == "" {
		base, err := os.UserConfigDir()
		if err != nil {
			return nil, fmt.Errorf("find the config folder (pass a config dir instead): %w", err)
		}
		cfg.Dir = filepath.Join(base, "StudioDesk")
	}
	if cfg.ServerURL == "" {
		cfg.ServerURL = DefaultServerURL
	}
	if cfg.Version == "" {
		cfg.Version = "dev"
	}
	if cfg.Emitter == nil {
		cfg.Emitter = discard{}
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 20 * time.Second
	}
	if cfg.FolderPoll <= 0 {
		cfg.FolderPoll = 3 * time.Second
	}
	if cfg.ReminderPoll <= 0 {
		cfg.ReminderPoll = 30 * time.Second
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.HTTPClient == nil {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		// A studio server on the LAN answers fast or not at all: fail in seconds, not minutes.
		tr.DialContext = (&net.Dialer{Timeout: 8 * time.Second, KeepAlive: 30 * time.Second}).DialContext
		cfg.HTTPClient = &http.Client{Transport: tr}
	}
	server, err := apiclient.ParseBaseURL(cfg.ServerURL)
	if err != nil {
		return nil, fmt.Errorf("server address: %w", err)
	}
	if err := os.MkdirAll(cfg.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("create the config folder: %w", err)
	}
	a := &App{ctx: ctx, cfg: cfg, log: cfg.Logger.With("component", "app"), emit: cfg.Emitter, hc: cfg.HTTPClient}
	if err := a.loadDevice(); err != nil {
		return nil, err
	}
	if _, err := readJSON(a.log, a.path(settingsFile), &a.set); err != nil {
		return nil, err
	}
	if a.set.ServerURL == "" || cfg.PinServer {
		a.set.ServerURL = server
	}
	if a.set.Language != LangEN {
		a.set.Language = LangZH
	}
	if err := a.saveSettings(a.set); err != nil {
		return nil, err
	}
	if err := a.startUploads(); err != nil {
		return nil, err
	}
	if err := a.startFolders(); err != nil {
		a.stopUploads()
		return nil, err
	}
	a.log.Info("local state", "dir", cfg.Dir, "device", a.device.ID, "settings", a.set)
	return a, nil
}

func (a *App) path(name string) string { return filepath.Join(a.cfg.Dir, name) }

// loadDevice reads device.json, creating it with a random id on the first run.
func (a *App) loadDevice() error {
	found, err := readJSON(a.log, a.path(deviceFile), &a.device)
	if err != nil {
		return err
	}
	if found && a.device.ID != "" {
		return nil
	}
	id, err := uuid.NewRandom()
	if err != nil {
		return fmt.Errorf("device id: %w", err)
	}
	name := strings.TrimSpace(a.cfg.DeviceName)
	if name == "" {
		name, _ = os.Hostname()
	}
	if name == "" {
		name = "StudioDesk " + account.DeviceCode(id.String())
	}
	a.device = device{ID: id.String(), Name: name, CreatedAt: time.Now().UTC()}
	if err := writeJSON(a.path(deviceFile), a.device, 0o600); err != nil {
		return fmt.Errorf("save the device identity: %w", err)
	}
	return nil
}

func (a *App) saveSettings(s settings) error {
	if err := writeJSON(a.path(settingsFile), s, 0o600); err != nil {
		return fmt.Errorf("save settings: %w", err)
	}
	return nil
}

// snapshot returns the current settings.
func (a *App) snapshot() settings {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.set
}

// update changes the settings under the lock and saves them. A failed save keeps the change
// in memory (this run still works) and is reported.
func (a *App) update(fn func(s *settings)) error {
	a.mu.Lock()
	fn(&a.set)
	s := a.set
	a.mu.Unlock()
	if err := a.saveSettings(s); err != nil {
		a.log.Error("settings not saved", "err", err)
		return err
	}
	return nil
}

// client builds an API client for server as the holder of token.
func (a *App) client(server, token, lang string) (*apiclient.Client, error) {
	return apiclient.New(apiclient.Config{BaseURL: server, Token: token, Language: lang, HTTPClient: a.hc,
		UserAgent: "StudioDesk-desktop/" + a.cfg.Version})
}

// call runs fn against the server as the logged-in user and maps its failure to an *Error.
// When the server says the session is gone, the token is forgotten and the UI told.
func call[T any](a *App, fn func(ctx context.Context, c *apiclient.Client) (T, error)) (T, error) {
	return callFor(a, a.cfg.Timeout, fn)
}

// signedIn refuses a local method (folder bindings, upload settings) when no one is signed
// in on this computer: they show and change the studio's work, as the server's methods do.
func (a *App) signedIn() error {
	if s := a.snapshot(); s.Token == "" {
		return newError(s.Language, http.StatusUnauthorized, CodeUnauthenticated, "", nil)
	}
	return nil
}

// callFor is call with its own time limit (0: none, for uploads that take as long as the
// files need; they still end with the App).
func callFor[T any](a *App, timeout time.Duration, fn func(ctx context.Context, c *apiclient.Client) (T, error)) (T, error) {
	var zero T
	s := a.snapshot()
	if s.Token == "" {
		return zero, newError(s.Language, http.StatusUnauthorized, CodeUnauthenticated, "", nil)
	}
	c, err := a.client(s.ServerURL, s.Token, s.Language)
	if err != nil {
		return zero, a.toError(err, s.ServerURL, s.Language, "")
	}
	var ctx context.Context
	var cancel context.CancelFunc
	if timeout > 0 {
		ctx, cancel = context.WithTimeout(a.ctx, timeout)
	} else {
		ctx, cancel = context.WithCancel(a.ctx)
	}
	defer cancel()
	v, err := fn(ctx, c)
	if err != nil {
		if sessionGone(err) {
			a.forget(s.Token)
		}
		return zero, a.toError(err, s.ServerURL, s.Language, "")
	}
	return v, nil
}

// exec is call for methods without a result.
func exec(a *App, fn func(ctx context.Context, c *apiclient.Client) error) error {
	_, err := call(a, func(ctx context.Context, c *apiclient.Client) (struct{}, error) {
		return struct{}{}, fn(ctx, c)
	})
	return err
}

// sessionGone reports the server's answers meaning "this token no longer logs anyone in".
func sessionGone(err error) bool {
	var ae *apiclient.Error
	return errors.As(err, &ae) && ae.Status == http.StatusUnauthorized &&
		(ae.Code == "unauthenticated" || ae.Code == "session_expired")
}

// forget drops token if it is still the current one, and tells the UI the session ended.
func (a *App) forget(token string) {
	changed := false
	_ = a.update(func(s *settings) {
		if s.Token == token && token != "" {
			s.Token, s.Session, changed = "", nil, true
		}
	})
	if changed {
		if ws := a.detachWorkspace(); ws != nil {
			a.wsh.stopping.Go(func() { ws.stop(a) }) // forget may run on one of the workspace's own goroutines
		}
		a.emit.Emit(EventSessionChanged, nil)
	}
}

// Info describes this installation.
type Info struct {
	Version    string `json:"version"`
	DeviceID   string `json:"device_id"`
	DeviceName string `json:"device_name"`
	DeviceCode string `json:"device_code"`
	ServerURL  string `json:"server_url"`
	Language   string `json:"language"`
}

// Info returns the version, this computer's device identity (the code is what staff read out
// to an admin who binds the device), the server address and the language.
func (a *App) Info() (Info, error) {
	s := a.snapshot()
	return Info{Version: a.cfg.Version, DeviceID: a.device.ID, DeviceName: a.device.Name,
		DeviceCode: account.DeviceCode(a.device.ID), ServerURL: s.ServerURL, Language: s.Language}, nil
}

// SetLanguage switches the language of the UI and of error messages ("zh-CN" or "en").
func (a *App) SetLanguage(lang string) error {
	var l string
	switch strings.ToLower(strings.TrimSpace(lang)) {
	case "zh-cn", "zh":
		l = LangZH
	case "en", "en-us":
		l = LangEN
	default:
		return newError(a.snapshot().Language, http.StatusBadRequest, CodeInvalidValue, "lang",
			map[string]any{"allowed": "zh-CN, en"})
	}
	if err := a.update(func(s *settings) { s.Language = l }); err != nil {
		return a.toError(err, "", l, "")
	}
	a.emit.Emit(EventLanguageChanged, l)
	return nil
}

// UIReady records the screen the UI has just shown (into ui-state.json in the config folder).
// The UI calls it when a top-level screen mounts ("login", "home", …); the desktop smoke test
// reads the file to know the window really rendered.
func (a *App) UIReady(screen string) error {
	screen = strings.TrimSpace(screen)
	if screen == "" || utf8.RuneCountInString(screen) > 64 {
		return newError(a.snapshot().Language, http.StatusBadRequest, CodeInvalidValue, "screen",
			map[string]any{"allowed": "1–64 characters"})
	}
	if err := writeJSON(a.path(uiStateFile), uiState{Screen: screen, At: time.Now().UTC()}, 0o644); err != nil {
		return a.toError(err, "", a.snapshot().Language, "")
	}
	return nil
}
