//go:build desktop && !bindings

package main

import "runtime"

// bindingsOnly is true only in the binary `wails build` runs to generate TS bindings.
const bindingsOnly = false

// windowUnavailable says why no window can open here, or "" when one can. GTK aborts without
// a display, so a Linux machine without one (CI, ssh) gets browser mode instead of a crash.
func windowUnavailable(getenv func(string) string) string {
	switch runtime.GOOS {
	case "windows", "darwin":
		return ""
	}
	if getenv("DISPLAY") == "" && getenv("WAYLAND_DISPLAY") == "" {
		return "no display (DISPLAY and WAYLAND_DISPLAY are unset)"
	}
	return ""
}
