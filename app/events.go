package app

import "github.com/studiodesk/studiodesk/app/syncer"

// Emitter pushes an event to the UI. In the window it is Wails' runtime.EventsEmit; tests use
// a recorder; browser mode discards. Emit must not block for long: it runs on the caller's
// goroutine.
type Emitter interface {
	Emit(name string, data ...any)
}

// EmitterFunc adapts a function to Emitter.
type EmitterFunc func(name string, data ...any)

// Emit calls f.
func (f EmitterFunc) Emit(name string, data ...any) { f(name, data...) }

// Event names, declared once here and mirrored once in the UI.
const (
	// EventSessionChanged carries the new session (an *api.Session without its token) after a
	// login, or nil after a logout or when the server ended the session (expired, disabled).
	EventSessionChanged = "session:changed"
	// EventLanguageChanged carries the new language, "zh-CN" or "en".
	EventLanguageChanged = "language:changed"
)

// EventNames lists every event the App emits, for the UI's mirror check.
func EventNames() []string {
	return append([]string{EventSessionChanged, EventLanguageChanged, EventNotificationsNew, EventUploadProgress, EventFoldersProgress}, syncer.EventNames()...)
}

type discard struct{}

func (discard) Emit(string, ...any) {}
