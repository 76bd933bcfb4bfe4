// Package frontend embeds the built web UI (frontend/dist): the studio UI shown in the
// desktop window and the customer pages the server serves. Build it with `npm run build`
// (make does); a fresh clone holds only dist/.gitkeep, so Go code still compiles.
package frontend

import "embed"

// Dist is the build output, rooted at "dist".
//
//go:embed all:dist
var Dist embed.FS
