//go:build desktop || bindings

package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"log/slog"
	"path/filepath"
	"sync"

	"github.com/wailsapp/wails/v2"
	"github.com/wailsapp/wails/v2/pkg/logger"
	"github.com/wailsapp/wails/v2/pkg/options"
	"github.com/wailsapp/wails/v2/pkg/options/assetserver"
	"github.com/wailsapp/wails/v2/pkg/options/linux"
	"github.com/wailsapp/wails/v2/pkg/options/windows"
	"github.com/wailsapp/wails/v2/pkg/runtime"

	"github.com/studiodesk/studiodesk/app"
)

// wailsEmitter sends App events to the window.
type wailsEmitter struct{ ctx context.Context }

func (e wailsEmitter) Emit(name string, data ...any) { runtime.EventsEmit(e.ctx, name, data...) }

// runWindow opens the StudioDesk window with the App bound; it returns when the window closes
// or ctx ends (Ctrl-C, SIGTERM).
func runWindow(ctx context.Context, a *app.App, ui fs.FS, relay *emitterRelay, o flags, log *slog.Logger) error {
	var (
		mu   sync.Mutex
		wctx context.Context // Wails' context, known once the window runs
	)
	window := func() context.Context { mu.Lock(); defer mu.Unlock(); return wctx }
	done := make(chan struct{})
	defer close(done)

	// One window per config folder: a second start brings the first to the front.
	sum := sha256.Sum256([]byte(filepath.Clean(o.configDir)))
	return wails.Run(&options.App{
		Title:              "StudioDesk 影楼管家",
		Width:              1280,
		Height:             800,
		MinWidth:           1024,
		MinHeight:          680,
		BackgroundColour:   &options.RGBA{R: 255, G: 255, B: 255, A: 255},
		AssetServer:        &assetserver.Options{Assets: ui},
		Bind:               []any{a},
		Logger:             logger.NewDefaultLogger(),
		LogLevel:           logger.INFO,
		LogLevelProduction: logger.WARNING,
		SingleInstanceLock: &options.SingleInstanceLock{
			UniqueId: "studiodesk-" + hex.EncodeToString(sum[:6]),
			OnSecondInstanceLaunch: func(options.SecondInstanceData) {
				if c := window(); c != nil {
					runtime.WindowUnminimise(c)
					runtime.WindowShow(c)
				}
			},
		},
		OnStartup: func(c context.Context) {
			mu.Lock()
			wctx = c
			mu.Unlock()
			relay.set(wailsEmitter{ctx: c})
			relay.mu.Lock()
			relay.pick = func(title string) (string, error) {
				return runtime.OpenDirectoryDialog(c, runtime.OpenDialogOptions{Title: title, CanCreateDirectories: true})
			}
			relay.mu.Unlock()
			go func() { // Ctrl-C / SIGTERM close the window like the close button does
				select {
				case <-ctx.Done():
					runtime.Quit(c)
				case <-done:
				}
			}()
			log.Info("window open", "config", o.configDir)
		},
		OnShutdown: func(context.Context) { relay.set(nil) },
		Windows: &windows.Options{
			// Keep WebView2's cache with the rest of StudioDesk's local state.
			WebviewUserDataPath: filepath.Join(o.configDir, "WebView2"),
		},
		Linux: &linux.Options{ProgramName: "studiodesk"},
	})
}
