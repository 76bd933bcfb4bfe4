package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/studiodesk/studiodesk/backend/account"
	"github.com/studiodesk/studiodesk/backend/album"
	notice "github.com/studiodesk/studiodesk/backend/notify"
	"github.com/studiodesk/studiodesk/backend/store"
)

// Customer notifications (docs/albums.md, "Notifications"): triggers write messages to the
// outbox in their own transaction; the durable job queue delivers them with retries.
const (
	// JobNotifySend delivers one outbox message (key: its id).
	JobNotifySend = "notify.send"
	// JobNotifyUploaded tells a customer about new photos once an upload session is over
	// (key: "<album>:<window>", so the photos of one session make one message).
	JobNotifyUploaded = "notify.uploaded"
)

// NotifyConfig tunes delivery (defaults in parentheses).
type NotifyConfig struct {
	// UploadWindow groups uploads: one job per album and window (10 minutes).
	UploadWindow time.Duration
	// UploadQuiet is how long an album must get no new photo before the message goes (3 minutes).
	UploadQuiet time.Duration
	// UploadMaxWait bounds the waiting from the start of a window: during a long session the
	// customer hears at least this often (1 hour).
	UploadMaxWait time.Duration
	// Attempts bounds deliveries of one message before it fails for good (6).
	Attempts int
	// Backoff is the first retry delay; each next one is 4 times longer, at most an hour (30 s).
	Backoff time.Duration
}

func (c NotifyConfig) withDefaults() NotifyConfig {
	if c.UploadWindow <= 0 {
		c.UploadWindow = 10 * time.Minute
	}
	if c.UploadQuiet <= 0 {
		c.UploadQuiet = 3 * time.Minute
	}
	if c.UploadMaxWait <= 0 {
		c.UploadMaxWait = time.Hour
	}
	if c.Attempts <= 0 {
		c.Attempts = 6
	}
	if c.Backoff <= 0 {
		c.Backoff = 30 * time.Second
	}
	return c
}

// NotifySettingsView is the studio's setup as answered: secrets masked, and the SMS senders
// this server offers.
type NotifySettingsView struct {
	Settings     notice.Settings `json:"settings"`
	SMSProviders []string        `json:"sms_providers"`
}

func (s *Server) notifyRoutes(m *http.ServeMux) {
	m.Handle("GET /api/v1/notify/settings", s.authed(s.getNotifySettings))
	m.Handle("PUT /api/v1/notify/settings", s.authed(s.putNotifySettings))
	m.Handle("POST /api/v1/notify/test", s.authed(s.testNotify))
	m.Handle("POST /api/v1/albums/{id}/notify", s.authed(s.notifyAlbum))
	m.Handle("GET /api/v1/albums/{id}/notifications", s.authed(s.albumOutbox))
}

func (s *Server) smsNames() []string {
	out := []string{}
	for _, p := range s.cfg.SMS {
		out = append(out, p.Name())
	}
	return out
}

// notifySettings reads the studio's setup (the defaults before it saved one).
func notifySettings(ctx context.Context, tx store.Tx) (notice.Settings, error) {
	raw, err := tx.NotifySettings(ctx)
	if errors.Is(err, store.ErrNotFound) {
		return notice.Defaults(), nil
	}
	if err != nil {
		return notice.Settings{}, err
	}
	var st notice.Settings
	if err := json.Unmarshal(raw, &st); err != nil {
		return notice.Settings{}, fmt.Errorf("stored notify settings: %w", err)
	}
	return st, nil
}

func (s *Server) getNotifySettings(c *call) (any, error) {
	if err := c.require(account.PermSettingsManage); err != nil {
		return nil, err
	}
	var st notice.Settings
	err := c.view(func(tx store.Tx) (err error) { st, err = notifySettings(c.ctx, tx); return })
	return NotifySettingsView{Settings: st.Masked(), SMSProviders: s.smsNames()}, err
}

func (s *Server) putNotifySettings(c *call) (any, error) {
	if err := c.require(account.PermSettingsManage); err != nil {
		return nil, c.denied(err.(*Error), "notify.settings", "tenant", c.tenant.ID)
	}
	var in notice.Settings
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	var out notice.Settings
	err := c.write(func(tx store.Tx) error {
		before, err := notifySettings(c.ctx, tx)
		if err != nil {
			return err
		}
		if out, err = notice.Normalize(notice.Merge(before, in), s.smsNames()); err != nil {
			return err
		}
		if err := tx.SetNotifySettings(c.ctx, rawJSON(out), c.now); err != nil {
			return err
		}
		return c.audit(tx, "notify.settings", "tenant", c.tenant.ID, before.Masked(), out.Masked())
	})
	return NotifySettingsView{Settings: out.Masked(), SMSProviders: s.smsNames()}, err
}

// NotifyTest asks for a test message over one channel the studio set up.
type NotifyTest struct {
	Channel string `json:"channel"` // email, sms or webhook
	To      string `json:"to"`      // the e-mail address or mobile number (not for webhooks)
}

// NotifyTestResult says where the test message went (the recipient masked).
type NotifyTestResult struct {
	Channel string `json:"channel"`
	To      string `json:"to,omitempty"`
}

// testNotify sends one test message at once, through the studio's SAVED settings (save first,
// then test), and answers with the provider's own error when it fails: a wrong SMTP password
// or a webhook answering 500 shows up here instead of in a customer's missing message.
// Nothing is written to the outbox; the attempt is audited.
func (s *Server) testNotify(c *call) (any, error) {
	if err := c.require(account.PermSettingsManage); err != nil {
		return nil, c.denied(err.(*Error), "notify.test", "tenant", c.tenant.ID)
	}
	var in NotifyTest
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	to := strings.TrimSpace(in.To)
	switch notice.Channel(in.Channel) {
	case notice.ChannelEmail:
		if !notice.ValidEmail(to) {
			return nil, apiErr(http.StatusUnprocessableEntity, "notify_email_invalid", "to", map[string]any{"example": "name@example.com"})
		}
	case notice.ChannelSMS:
		p, err := account.NormalizePhone("to", to)
		if err != nil {
			return nil, err
		}
		to = p
	case notice.ChannelWebhook:
		to = ""
	default:
		return nil, apiErr(http.StatusUnprocessableEntity, "invalid_value", "channel", map[string]any{"allowed": "email, sms, webhook"})
	}
	var st notice.Settings
	if err := c.view(func(tx store.Tx) (err error) { st, err = notifySettings(c.ctx, tx); return }); err != nil {
		return nil, err
	}
	p, err := s.notifyProvider(st, in.Channel)
	if err != nil {
		return nil, apiErr(http.StatusConflict, "notify_test_not_set_up", "channel", nil)
	}
	sctx, cancel := context.WithTimeout(c.ctx, 30*time.Second)
	sendErr := p.Send(sctx, notice.Message{TenantID: c.tenant.ID, Kind: notice.KindTest, Channel: notice.Channel(in.Channel), To: to,
		Subject: "测试消息 / Test message",
		Body:    fill("这是{studio}在 StudioDesk 发出的测试消息，收到说明客户通知设置正确。", map[string]string{"studio": c.tenant.Name}),
		Data:    map[string]any{"test": true, "studio": c.tenant.Name}})
	cancel()
	out := NotifyTestResult{Channel: in.Channel, To: notice.MaskRecipient(to)}
	reason := ""
	if sendErr != nil {
		reason = redactURLs(sendErr.Error())
	}
	if err := c.write(func(tx store.Tx) error {
		return c.audit(tx, "notify.test", "tenant", c.tenant.ID, nil, map[string]any{"channel": in.Channel, "to": out.To, "error": reason})
	}); err != nil {
		return nil, err
	}
	if sendErr != nil {
		return nil, apiErr(http.StatusUnprocessableEntity, "notify_test_failed", "channel", map[string]any{"reason": reason})
	}
	return out, nil
}

// notifyAlbum is the studio's "notify" button: the customer hears that the album is ready to
// view, through every channel the studio set up. Pressing it twice within a minute is refused
// (a double click must not send two text messages).
func (s *Server) notifyAlbum(c *call) (any, error) {
	id, err := c.pathID("id")
	if err != nil {
		return nil, err
	}
	if err := c.require(account.PermAlbumManage); err != nil {
		return nil, c.denied(err.(*Error), "album.notify", "album", id)
	}
	var out []store.OutboxMessage
	err = c.write(func(tx store.Tx) error {
		a, err := c.visibleAlbum(tx, id)
		if err != nil {
			return err
		}
		if !c.now.Before(a.RetainUntil) {
			return apiErr(http.StatusConflict, "album_expired", "", map[string]any{"date": a.RetainUntil.In(shanghai).Format(time.DateOnly)})
		}
		key := fmt.Sprintf("ready:%d:%d", a.ID, c.now.Unix()/60)
		if out, err = s.queueNotice(c.ctx, tx, a, notice.KindAlbumReady, key, nil, c.now); err != nil {
			return err
		}
		if len(out) == 0 {
			return apiErr(http.StatusTooManyRequests, "notify_too_soon", "", map[string]any{"retry_after_seconds": 60 - c.now.Unix()%60})
		}
		return c.audit(tx, "album.notify", "album", a.ID, nil, map[string]any{"messages": len(out)})
	})
	if err != nil {
		return nil, c.albumDenied(err, "album.notify", "album", id)
	}
	s.wakeJobs()
	c.status = http.StatusAccepted
	return out, nil
}

func (s *Server) albumOutbox(c *call) (any, error) {
	if err := c.requireAny(account.PermAlbumManage, account.PermOrderManage); err != nil {
		return nil, err
	}
	id, err := c.pathID("id")
	if err != nil {
		return nil, err
	}
	out := []store.OutboxMessage{}
	err = c.view(func(tx store.Tx) error {
		if _, err := c.visibleAlbum(tx, id); err != nil {
			return err
		}
		list, err := tx.ListOutbox(c.ctx, id, 200)
		out = append(out, list...)
		return err
	})
	return out, c.albumDenied(err, "album.view", "album", id)
}

// noticeTexts are the customer messages (zh-CN: the customers of these studios read Chinese).
var noticeTexts = map[string][2]string{
	notice.KindPhotosUploaded:   {"「{album}」新增 {n} 张照片", "{customer}您好，{studio}为您上传了 {n} 张新照片到「{album}」。{link}"},
	notice.KindAlbumFinished:    {"「{album}」已全部上传", "{customer}您好，您在{studio}的「{album}」已全部上传完成，共 {count} 个文件。{link}"},
	notice.KindAlbumReady:       {"「{album}」可以查看了", "{customer}您好，您在{studio}的「{album}」可以查看了，共 {count} 个文件。{link}"},
	notice.KindRetentionWarning: {"「{album}」将于 {date} 到期", "{customer}您好，您在{studio}的「{album}」将于 {date} 到期，到期后无法查看和下载，请及时保存。{link}"},
}

func fill(tpl string, vars map[string]string) string {
	for k, v := range vars {
		tpl = strings.ReplaceAll(tpl, "{"+k+"}", v)
	}
	return tpl
}

// publicBase is where customers reach this server (links in messages).
func (s *Server) publicBase() string {
	return strings.TrimSuffix(s.cfg.PublicURL, "/")
}

// customerLink is what a message points to: the album's newest active link without an access
// code (it opens directly), else the studio's "my photos" page with the order code.
func (s *Server) customerLink(ctx context.Context, tx store.Tx, a album.Album, o album.Order, now time.Time) (string, error) {
	links, err := tx.ListShareLinks(ctx, a.ID)
	if err != nil {
		return "", err
	}
	for _, l := range links {
		if !l.HasCode && l.State(now, a) == album.LinkActive {
			return "查看：" + s.publicBase() + sharePath(l.Token), nil
		}
	}
	slug, err := s.myPhotosSlug(ctx, tx)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("查看：%s%s ，输入手机号和订单码 %s。", s.publicBase(), myPhotosPath(slug), o.Code), nil
}

// queueNotice writes one message per channel the studio set up (the log when none) to the
// outbox and schedules their delivery, in tx. dedupe names the trigger: a trigger that fires
// again writes nothing (the returned list is then empty).
func (s *Server) queueNotice(ctx context.Context, tx store.Tx, a album.Album, kind, dedupe string, vars map[string]string, now time.Time) ([]store.OutboxMessage, error) {
	st, err := notifySettings(ctx, tx)
	if err != nil {
		return nil, err
	}
	o, err := tx.GetOrder(ctx, a.OrderID)
	if err != nil {
		return nil, err
	}
	t, err := tx.Tenant(ctx)
	if err != nil {
		return nil, err
	}
	link, err := s.customerLink(ctx, tx, a, o, now)
	if err != nil {
		return nil, err
	}
	v := map[string]string{"album": a.Title, "customer": o.CustomerName, "studio": t.Name, "count": strconv.Itoa(a.PhotoCount), "link": link}
	for k, x := range vars {
		v[k] = x
	}
	tpl := noticeTexts[kind]
	subject, body := fill(tpl[0], v), fill(tpl[1], v)
	type target struct {
		ch notice.Channel
		to string
	}
	var targets []target
	if st.Email.Enabled && o.Email != "" {
		targets = append(targets, target{notice.ChannelEmail, o.Email})
	}
	if st.SMS.Enabled {
		targets = append(targets, target{notice.ChannelSMS, o.Phone})
	}
	if st.Webhook.Enabled {
		targets = append(targets, target{notice.ChannelWebhook, o.Phone})
	}
	if len(targets) == 0 {
		targets = append(targets, target{notice.ChannelLog, o.Phone})
	}
	data := rawJSON(map[string]any{"album_id": a.ID, "album": a.Title, "order_id": o.ID, "order_code": o.Code, "customer": o.CustomerName,
		"vars": v})
	var out []store.OutboxMessage
	for _, tg := range targets {
		m, created, err := tx.InsertOutbox(ctx, store.OutboxMessage{AlbumID: a.ID, Kind: kind, Channel: string(tg.ch), Recipient: tg.to,
			Subject: subject, Body: body, Data: data, DedupeKey: dedupe + ":" + string(tg.ch), CreatedAt: now})
		if err != nil {
			return nil, err
		}
		if !created {
			continue
		}
		if err := tx.ScheduleJob(ctx, JobNotifySend, strconv.FormatInt(m.ID, 10), nil, now); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

// scheduleUploadNotice is called in the transaction that stores a new photo: the photos of
// one upload session become one message (see uploadedJob).
func (s *Server) scheduleUploadNotice(ctx context.Context, tx store.Tx, albumID int64, now time.Time) error {
	cfg := s.cfg.Notify.withDefaults()
	w := int64(cfg.UploadWindow / time.Millisecond)
	window := now.UnixMilli() / w
	return tx.ScheduleJob(ctx, JobNotifyUploaded, fmt.Sprintf("%d:%d", albumID, window), nil, time.UnixMilli((window+1)*w).Add(cfg.UploadQuiet))
}

// uploadedJob sends "N new photos" once the album has been quiet for UploadQuiet: while
// photos keep coming it waits, at most UploadMaxWait from the start of its window; the
// message counts every photo since the last such message, so the jobs of later windows of
// the same session find nothing left and end (or send what came after).
func (s *Server) uploadedJob(ctx context.Context, j store.Job, now time.Time) (*time.Time, error) {
	cfg := s.cfg.Notify.withDefaults()
	var albumID, window int64
	if _, err := fmt.Sscanf(j.Key, "%d:%d", &albumID, &window); err != nil {
		return nil, fmt.Errorf("notify job key %q: %w", j.Key, err)
	}
	deadline := time.UnixMilli(window * int64(cfg.UploadWindow/time.Millisecond)).Add(cfg.UploadMaxWait)
	var next *time.Time
	err := s.cfg.Store.Update(ctx, j.TenantID, func(tx store.Tx) error {
		st, err := notifySettings(ctx, tx)
		if err != nil || !st.OnUpload {
			return err
		}
		a, err := tx.GetAlbum(ctx, albumID)
		if errors.Is(err, store.ErrNotFound) || (err == nil && !now.Before(a.RetainUntil)) {
			return nil
		}
		if err != nil {
			return err
		}
		photos, err := tx.ListPhotos(ctx, albumID)
		if err != nil {
			return err
		}
		var newest time.Time
		for _, p := range photos {
			if p.CreatedAt.After(newest) {
				newest = p.CreatedAt
			}
		}
		if wait := newest.Add(cfg.UploadQuiet); wait.After(now) && now.Before(deadline) {
			if wait.After(deadline) {
				wait = deadline
			}
			next = &wait // still uploading
			return nil
		}
		sent, err := tx.ListOutbox(ctx, albumID, 500)
		if err != nil {
			return err
		}
		var since time.Time
		for _, m := range sent {
			if m.Kind == notice.KindPhotosUploaded && m.CreatedAt.After(since) {
				since = m.CreatedAt
			}
		}
		n := 0
		for _, p := range photos {
			if p.CreatedAt.After(since) {
				n++
			}
		}
		if n == 0 {
			return nil
		}
		_, err = s.queueNotice(ctx, tx, a, notice.KindPhotosUploaded, "uploaded:"+j.Key, map[string]string{"n": strconv.Itoa(n)}, now)
		return err
	})
	return next, err
}

// notifyProvider builds the provider of a channel from the studio's settings.
func (s *Server) notifyProvider(st notice.Settings, ch string) (notice.Provider, error) {
	switch notice.Channel(ch) {
	case notice.ChannelLog:
		return notice.Log{Logger: s.log}, nil
	case notice.ChannelEmail:
		if st.Email.Enabled {
			return notice.SMTP{Settings: st.Email, TLSConfig: s.cfg.NotifyTLS}, nil
		}
	case notice.ChannelWebhook:
		if st.Webhook.Enabled {
			return notice.Webhook{URL: st.Webhook.URL, Secret: []byte(st.Webhook.Secret), Client: s.cfg.WebhookClient, Now: s.cfg.Now}, nil
		}
	case notice.ChannelSMS:
		if st.SMS.Enabled {
			for _, p := range s.cfg.SMS {
				if p.Name() == st.SMS.Provider {
					return notice.SMS{Sender: p}, nil
				}
			}
		}
	}
	return nil, &notice.Permanent{Err: fmt.Errorf("channel %s is no longer set up", ch)}
}

// sendJob delivers one outbox message: sent, retried with growing delays, or failed for good
// with the reason (the studio sees it on the album).
func (s *Server) sendJob(ctx context.Context, j store.Job, now time.Time) (*time.Time, error) {
	cfg := s.cfg.Notify.withDefaults()
	id, err := strconv.ParseInt(j.Key, 10, 64)
	if err != nil {
		return nil, fmt.Errorf("notify job key %q: %w", j.Key, err)
	}
	var m store.OutboxMessage
	var st notice.Settings
	err = s.cfg.Store.View(ctx, j.TenantID, func(tx store.Tx) (err error) {
		if m, err = tx.GetOutbox(ctx, id); err != nil {
			return err
		}
		st, err = notifySettings(ctx, tx)
		return err
	})
	if errors.Is(err, store.ErrNotFound) || (err == nil && m.Status != store.OutboxPending) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var data map[string]any
	_ = json.Unmarshal(m.Data, &data)
	p, sendErr := s.notifyProvider(st, m.Channel)
	if sendErr == nil {
		sctx, cancel := context.WithTimeout(ctx, 45*time.Second)
		sendErr = p.Send(sctx, notice.Message{ID: m.ID, TenantID: j.TenantID, Kind: m.Kind, Channel: notice.Channel(m.Channel),
			To: m.Recipient, Subject: m.Subject, Body: m.Body, Data: data})
		cancel()
	}
	status, reason, next := store.OutboxSent, "", (*time.Time)(nil)
	var sentAt *time.Time
	switch {
	case sendErr == nil:
		sentAt = &now
	case notice.IsPermanent(sendErr) || j.Attempts >= cfg.Attempts:
		status, reason = store.OutboxFailed, redactURLs(sendErr.Error())
		s.log.WarnContext(ctx, "notification failed", "id", m.ID, "studio", j.TenantID, "channel", m.Channel, "attempts", j.Attempts, "err", reason)
	default:
		status, reason = store.OutboxPending, redactURLs(sendErr.Error())
		d := cfg.Backoff
		for i := 1; i < j.Attempts && d < time.Hour; i++ {
			d *= 4
		}
		at := now.Add(min(d, time.Hour))
		next = &at
	}
	err = s.cfg.Store.Update(ctx, j.TenantID, func(tx store.Tx) error {
		if err := tx.SetOutboxResult(ctx, m.ID, status, j.Attempts, reason, sentAt); err != nil {
			return err
		}
		if status != store.OutboxFailed || m.AlbumID == 0 {
			return nil
		}
		// The studio hears of a message that could not be delivered (to call the customer).
		a, err := tx.GetAlbum(ctx, m.AlbumID)
		if err != nil {
			return err
		}
		return inboxAlbum(ctx, tx, a, kindNotifyFailed, strconv.FormatInt(m.ID, 10),
			map[string]any{"channel": m.Channel, "message_kind": m.Kind, "reason": reason}, now)
	})
	if err != nil {
		return next, err
	}
	if next != nil {
		return next, fmt.Errorf("notification %d, attempt %d: %s", m.ID, j.Attempts, reason)
	}
	return nil, nil
}

// redactURLs drops query strings and user info from URLs in an error text (a webhook URL may
// carry a token).
func redactURLs(s string) string {
	words := strings.Fields(s)
	for i, w := range words {
		trimmed := strings.Trim(w, `"':,`)
		if u, err := url.Parse(trimmed); err == nil && u.Scheme != "" && u.Host != "" {
			u.RawQuery, u.User, u.Fragment = "", nil, ""
			words[i] = strings.Replace(w, trimmed, u.String(), 1)
		}
	}
	return strings.Join(words, " ")
}
