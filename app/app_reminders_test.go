package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/studiodesk/studiodesk/app"
	"github.com/studiodesk/studiodesk/app/apptest"
	"github.com/studiodesk/studiodesk/backend/store"
)

// shown records desktop notifications.
type shown struct {
	mu  sync.Mutex
	got []string
}

func (s *shown) Notify(title, body string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.got = append(s.got, title+" | "+body)
	return nil
}

func (s *shown) list() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.got...)
}

// TestRemindersBecomeDesktopNotifications: reminders the server's sweep left in the inbox
// show as desktop notifications, due appointments and untouched leads only, each once, and a
// pile of them as one summary.
func TestRemindersBecomeDesktopNotifications(t *testing.T) {
	t.Parallel()
	srv := apptest.NewServer(t)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	toasts := &shown{}
	a, err := app.New(ctx, app.Config{Dir: t.TempDir(), ServerURL: srv.URL, Logger: slog.New(slog.DiscardHandler),
		Notifier: toasts, ReminderPoll: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { app.Stop(a) })

	booked := time.Date(2026, 12, 6, 7, 0, 0, 0, time.UTC) // 15:00 in China
	// remindAll leaves reminders in the inbox in one transaction, as the sweep does.
	remindAll := func(kind string, leads []int64, data map[string]any) {
		t.Helper()
		raw, _ := json.Marshal(data)
		err := srv.Store.Update(context.Background(), srv.TenantID, func(tx store.Tx) error {
			for _, lead := range leads {
				if _, err := tx.Notify(context.Background(), store.Notification{StaffID: srv.AdminID, Kind: kind, LeadID: lead, Data: raw,
					CreatedAt: time.Now(), DedupeKey: fmt.Sprintf("%s:%d", kind, lead)}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	remind := func(kind string, lead int64, data map[string]any) { t.Helper(); remindAll(kind, []int64{lead}, data) }
	remind("appointment_due", 1, map[string]any{"name": "王芳", "phone": "138****5678", "booked_at": booked})
	remind("recycle_warning", 2, map[string]any{"name": "李娜"}) // inbox only

	if _, err := a.Login(app.LoginRequest{ServerURL: srv.URL, Phone: srv.AdminPhone, Password: srv.AdminPassword}); err != nil {
		t.Fatal(err)
	}
	want := []string{"预约即将到店 | 王芳 138****5678 · 12-06 15:00"}
	waitFor(t, func() bool { return fmt.Sprint(toasts.list()) == fmt.Sprint(want) }, func() string { return fmt.Sprint(toasts.list()) })

	// Later reminders: one more shows alone; several at once become one summary.
	remind("untouched", 3, map[string]any{"name": "张伟", "phone": "139****0001"})
	want = append(want, "客资超时未跟进 | 张伟 139****0001")
	waitFor(t, func() bool { return fmt.Sprint(toasts.list()) == fmt.Sprint(want) }, func() string { return fmt.Sprint(toasts.list()) })
	remindAll("follow_up_due", []int64{10, 11, 12, 13}, map[string]any{"name": "客户"}) // one poll sees them together
	want = append(want, "StudioDesk 提醒 | 你有 4 条新提醒，请在「提醒」中查看。")
	waitFor(t, func() bool { return fmt.Sprint(toasts.list()) == fmt.Sprint(want) }, func() string { return fmt.Sprint(toasts.list()) })
	time.Sleep(200 * time.Millisecond) // a few more polls: nothing shows twice
	if got := toasts.list(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("notifications %q, want %q", got, want)
	}
}

func waitFor(t *testing.T, ok func() bool, state func() string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting; have %s", state())
		}
		time.Sleep(20 * time.Millisecond)
	}
}
