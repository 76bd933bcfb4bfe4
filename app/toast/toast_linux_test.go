package toast_test

import (
	"bufio"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/studiodesk/studiodesk/app/toast"
)

// notificationServer is what a Linux desktop's notification daemon (GNOME Shell, KDE Plasma,
// dunst, …) offers on the session bus: org.freedesktop.Notifications.
type notificationServer struct {
	got chan [2]string
}

func (s *notificationServer) Notify(app string, replaces uint32, icon, summary, body string, actions []string,
	hints map[string]dbus.Variant, timeout int32) (uint32, *dbus.Error) {
	s.got <- [2]string{summary, body}
	return 1, nil
}

func (s *notificationServer) GetCapabilities() ([]string, *dbus.Error) {
	return []string{"body"}, nil
}

func (s *notificationServer) GetServerInformation() (string, string, string, string, *dbus.Error) {
	return "test", "studiodesk", "1", "1.2", nil
}

// TestNotifyOverDBus runs a private session bus (dbus-daemon) with a notification server on
// it, and checks that a notification arrives there with its title and body, as the user's
// notification daemon would receive it.
func TestNotifyOverDBus(t *testing.T) {
	daemon, err := exec.LookPath("dbus-daemon")
	if err != nil {
		t.Fatal("dbus-daemon is missing (apt-get install dbus-daemon): the Linux notification path runs over D-Bus")
	}
	sock := filepath.Join(t.TempDir(), "bus")
	cmd := exec.Command(daemon, "--session", "--nofork", "--print-address", "--address=unix:path="+sock)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	addr, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("dbus-daemon printed no address: %v", err)
	}
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", strings.TrimSpace(addr))
	t.Setenv("PATH", t.TempDir()) // no notify-send fallback: the D-Bus path must work

	conn, err := dbus.Connect(strings.TrimSpace(addr))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	srv := &notificationServer{got: make(chan [2]string, 1)}
	if err := conn.Export(srv, "/org/freedesktop/Notifications", "org.freedesktop.Notifications"); err != nil {
		t.Fatal(err)
	}
	if reply, err := conn.RequestName("org.freedesktop.Notifications", dbus.NameFlagDoNotQueue); err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("own the notification service name: %v %v", reply, err)
	}

	if err := toast.New("StudioDesk 影楼管家", nil).Notify("预约即将到店", "王芳 138****5678 · 15:00"); err != nil {
		t.Fatal(err)
	}
	select {
	case got := <-srv.got:
		if got != [2]string{"预约即将到店", "王芳 138****5678 · 15:00"} {
			t.Fatalf("the notification server got %q", got)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no notification reached the notification server")
	}
}
