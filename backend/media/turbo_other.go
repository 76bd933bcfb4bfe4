//go:build !cgo || !linux || nolibjpeg

package media

// TurboAvailable says whether this build has the libjpeg-turbo renderer (cgo on Linux);
// other builds (the Windows and macOS desktop) render with Std.
const TurboAvailable = false

// Best is the fastest renderer of this build: Std here.
func Best(l Limits) Renderer { return Std{Limits: l} }
