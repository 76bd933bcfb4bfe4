//go:build tools

// Package tools pins the Wails v2 CLI for developers who want `wails dev` / `wails build`.
// Wails v2.9.2 pins golang.org/x/tools v0.17.0, which does not compile with Go 1.26; this
// module lifts it to v0.30.0. Build with `make wails-cli` (-> tools/bin/wails). CI does not
// need the CLI: `npm run build` + `go build -tags desktop,production` builds the app.
package tools

import _ "github.com/wailsapp/wails/v2/cmd/wails"
