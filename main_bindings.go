//go:build bindings

package main

// `wails build` / `wails generate module` compile the app with the bindings tag (and without
// desktop) and run it: wails.Run then writes the TS bindings of the bound App and exits. No
// window, no local state, no browser mode.
const bindingsOnly = true

func windowUnavailable(func(string) string) string { return "" }
