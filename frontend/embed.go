// Package frontend embeds the built web UI (Vite's output in frontend/dist): the studio UI
// that the desktop window and browser mode show, and the customer pages the server serves.
// Build it first (`npm ci && npm run build` here); dist/.gitkeep keeps the embed compiling
// on a fresh clone.
package frontend

import "embed"

// Dist holds dist/ (use fs.Sub(Dist, "dist") for its contents).
//
//go:embed all:dist
var Dist embed.FS
