// Package toast shows native desktop notifications (the OS's notification centre) for the
// desktop app's reminders.
//
// Wails v2 has no notification API, and the webview's HTML5 Notification depends on the
// webview granting the permission: WebKitGTK denies permission requests the embedding app
// does not handle (Wails v2 handles none), so it cannot be relied on. This package uses
// github.com/gen2brain/beeep, which needs no cgo and no C libraries on any platform:
//   - Linux/BSD: org.freedesktop.Notifications over D-Bus (godbus, pure Go); falls back to
//     notify-send, then kdialog;
//   - Windows 10/11: a WinRT toast through COM (go-toast and go-ole, pure Go), falling back to
//     PowerShell; Windows 7: a tray balloon;
//   - macOS: terminal-notifier when installed, else AppleScript (osascript); the notification
//     is then attributed to Script Editor until the app is signed and uses its own bundle.
package toast

import (
	"fmt"

	"github.com/gen2brain/beeep"
)

// System shows notifications through the operating system.
type System struct {
	// Icon is a PNG shown with the notification (nil: none).
	Icon []byte
}

// New returns a System notifier; appName names the app in the notification centre.
func New(appName string, icon []byte) System {
	beeep.AppName = appName // the library keeps it in a package variable; set once at start-up
	return System{Icon: icon}
}

// Notify shows one notification; it returns once the OS has taken it.
func (s System) Notify(title, body string) error {
	var icon any = ""
	if len(s.Icon) > 0 {
		icon = s.Icon
	}
	if err := beeep.Notify(title, body, icon); err != nil {
		return fmt.Errorf("desktop notification: %w", err)
	}
	return nil
}
