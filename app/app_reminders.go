package app

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/studiodesk/studiodesk/backend/store"
)

// Notifier shows a native desktop notification. Notify must return quickly; its error is
// logged, never shown (the reminder is in the inbox either way).
type Notifier interface {
	Notify(title, body string) error
}

// toastKinds are the reminders worth interrupting someone for: a customer about to arrive, a
// follow-up due now, a lead nobody has touched, a transfer request. The others wait in the inbox.
var toastKinds = map[string][2]string{ // kind -> title in zh-CN, en
	"appointment_due": {"预约即将到店", "Visit appointment coming up"},
	"follow_up_due":   {"跟进时间到了", "Follow-up due"},
	"untouched":       {"客资超时未跟进", "Lead not followed up"},
	// A colleague waits on a manager's decision, and then on its outcome.
	"transfer_request":         {"转移申请待审批", "Transfer request to decide"},
	"transfer_request_decided": {"转移申请有结果", "Transfer request decided"},
}

// maxToasts is how many reminders arriving together are shown one by one; more become one
// summary (the first poll after signing in may bring a day's worth).
const maxToasts = 3

// toast shows the urgent reminders among fresh as desktop notifications.
func (a *App) toast(fresh []store.Notification) {
	if a.cfg.Notifier == nil {
		return
	}
	lang := 0
	if a.snapshot().Language == LangEN {
		lang = 1
	}
	var urgent []store.Notification
	for _, n := range fresh {
		if _, ok := toastKinds[n.Kind]; ok {
			urgent = append(urgent, n)
		}
	}
	show := func(title, body string) {
		if err := a.cfg.Notifier.Notify(title, body); err != nil {
			a.log.Warn("desktop notification", "err", err)
		}
	}
	if len(urgent) > maxToasts {
		show([2]string{"StudioDesk 提醒", "StudioDesk reminders"}[lang],
			fmt.Sprintf([2]string{"你有 %d 条新提醒，请在「提醒」中查看。", "You have %d new reminders; see Reminders."}[lang], len(urgent)))
		return
	}
	for _, n := range urgent {
		show(toastKinds[n.Kind][lang], reminderLine(n))
	}
}

// reminderLine is the notification's body: who, and the time the reminder is about, in the
// studio's time (Asia/Shanghai).
func reminderLine(n store.Notification) string {
	var d struct {
		Name         string     `json:"name"`
		Phone        string     `json:"phone"`
		BookedAt     *time.Time `json:"booked_at"`
		NextFollowUp *time.Time `json:"next_follow_up"`
	}
	_ = json.Unmarshal(n.Data, &d) // a reminder without data still shows its title
	line := d.Name
	if d.Phone != "" {
		line += " " + d.Phone
	}
	at := d.BookedAt
	if n.Kind == "follow_up_due" {
		at = d.NextFollowUp
	}
	if at != nil && n.Kind != "untouched" {
		line += " · " + at.In(studioZone).Format("01-02 15:04")
	}
	return line
}

// studioZone is China time (UTC+8 all year), where studios read their appointments.
var studioZone = time.FixedZone("CST", 8*3600)
