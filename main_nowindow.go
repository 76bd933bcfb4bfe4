//go:build !desktop && !bindings

package main

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"

	"github.com/studiodesk/studiodesk/app"
)

// bindingsOnly is true only in the binary `wails build` runs to generate TS bindings.
const bindingsOnly = false

// windowUnavailable: this binary has no window (built without the desktop tag, so it needs
// no webkit/WebView2 to compile); it always serves browser mode.
func windowUnavailable(func(string) string) string {
	return "built without the desktop tag (build with -tags desktop,production for the window)"
}

func runWindow(context.Context, *app.App, fs.FS, *emitterRelay, flags, *slog.Logger) error {
	return errors.New("built without the desktop tag")
}
