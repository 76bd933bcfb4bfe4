package api_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/studiodesk/studiodesk/backend/api"
	"github.com/studiodesk/studiodesk/backend/media/mediatest"
	"github.com/studiodesk/studiodesk/backend/notify"
	"github.com/studiodesk/studiodesk/backend/notify/notifytest"
)

// mailbox is a real SMTP server (go-smtp) on loopback that requires a login and keeps what
// it receives.
type mailbox struct {
	addr     *net.TCPAddr
	user, pw string
	mu       sync.Mutex
	mails    []*mail.Message
	bodies   []string
	rcpts    []string
}

func newMailbox(t *testing.T) *mailbox {
	mb := &mailbox{user: "studio@example.com", pw: "smtp-pass-Zx91"}
	s := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &mailSession{mb: mb}, nil }))
	s.Domain, s.AllowInsecureAuth = "localhost", true
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	mb.addr = ln.Addr().(*net.TCPAddr)
	go s.Serve(ln)
	t.Cleanup(func() { s.Close() })
	return mb
}

func (mb *mailbox) received() ([]*mail.Message, []string, []string) {
	mb.mu.Lock()
	defer mb.mu.Unlock()
	return append([]*mail.Message(nil), mb.mails...), append([]string(nil), mb.bodies...), append([]string(nil), mb.rcpts...)
}

type mailSession struct {
	mb     *mailbox
	authed bool
	rcpt   string
}

func (s *mailSession) AuthMechanisms() []string { return []string{sasl.Plain} }
func (s *mailSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pw string) error {
		if user != s.mb.user || pw != s.mb.pw {
			return errors.New("bad login")
		}
		s.authed = true
		return nil
	}), nil
}
func (s *mailSession) Mail(string, *smtp.MailOptions) error {
	if !s.authed {
		return smtp.ErrAuthRequired
	}
	return nil
}
func (s *mailSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	if strings.HasPrefix(to, "nobody@") {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such mailbox"}
	}
	s.rcpt = to
	return nil
}
func (s *mailSession) Data(r io.Reader) error {
	m, err := mail.ReadMessage(r)
	if err != nil {
		return err
	}
	body, err := io.ReadAll(m.Body)
	if err != nil {
		return err
	}
	s.mb.mu.Lock()
	s.mb.mails, s.mb.rcpts = append(s.mb.mails, m), append(s.mb.rcpts, s.rcpt)
	s.mb.bodies = append(s.mb.bodies, string(body))
	s.mb.mu.Unlock()
	return nil
}
func (s *mailSession) Reset()        {}
func (s *mailSession) Logout() error { return nil }

// hookReceiver is a real HTTP webhook receiver: it answers fail for the first calls, checks
// every signature and keeps the bodies it accepted.
type hookReceiver struct {
	*httptest.Server
	secret []byte
	mu     sync.Mutex
	fail   int // answer 503 to this many calls first
	status int // then this (default 200)
	calls  int
	got    []notify.WebhookBody
	badSig int
}

func newHookReceiver(t *testing.T, secret string, fail int) *hookReceiver {
	h := &hookReceiver{secret: []byte(secret), fail: fail, status: 200}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		defer h.mu.Unlock()
		h.calls++
		if !notify.Verify(h.secret, r.Header.Get("X-StudioDesk-Timestamp"), body, r.Header.Get("X-StudioDesk-Signature")) {
			h.badSig++
			w.WriteHeader(401)
			return
		}
		if h.calls <= h.fail {
			w.WriteHeader(503)
			return
		}
		if h.status != 200 {
			w.WriteHeader(h.status)
			return
		}
		var b notify.WebhookBody
		_ = json.Unmarshal(body, &b)
		h.got = append(h.got, b)
	}))
	t.Cleanup(h.Close)
	return h
}

func (h *hookReceiver) snapshot() (calls int, got []notify.WebhookBody, badSig int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.calls, append([]notify.WebhookBody(nil), h.got...), h.badSig
}

// syncBuffer is a log sink the server writes to from its goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

func (u *uploadEnv) outbox(albumID int64) []map[string]any {
	u.t.Helper()
	var out []map[string]any
	for _, m := range u.must(200, "GET", fmt.Sprintf("/api/v1/albums/%d/notifications", albumID), u.s.admin, nil).List {
		out = append(out, m.(map[string]any))
	}
	return out
}

func byChannel(list []map[string]any, kind string) map[string]map[string]any {
	out := map[string]map[string]any{}
	for _, m := range list {
		if m["kind"] == kind {
			out[m["channel"].(string)] = m
		}
	}
	return out
}

func TestNotifyUploadsByEmailAndWebhookWithRetries(t *testing.T) {
	t.Parallel()
	mb := newMailbox(t)
	hook := newHookReceiver(t, "hook-secret-0123456789", 2)
	logs := &syncBuffer{}
	u := newUploadEnv(t, func(c *api.Config) {
		c.PublicURL, c.AllowPrivateWebhooks = "https://photos.example.com", true
		c.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	orderID := u.must(200, "GET", fmt.Sprintf("/api/v1/albums/%d", u.albumID), u.s.admin, nil).num("order_id")
	u.must(200, "PUT", fmt.Sprintf("/api/v1/orders/%d", orderID), u.s.admin, map[string]any{"customer_name": "王小姐", "email": "wang@example.com"})

	settings := map[string]any{
		"email": map[string]any{"enabled": true, "host": "127.0.0.1", "port": mb.addr.Port, "security": "none",
			"username": mb.user, "password": mb.pw, "from": "甲影楼 <studio@example.com>"},
		"webhook":   map[string]any{"enabled": true, "url": hook.URL + "/hook?token=abc", "secret": "hook-secret-0123456789"},
		"on_upload": true, "on_finish": true,
	}
	r := u.must(200, "PUT", "/api/v1/notify/settings", u.s.admin, settings)
	if strings.Contains(string(r.Raw), mb.pw) || strings.Contains(string(r.Raw), "hook-secret-0123456789") {
		t.Fatalf("secrets answered in full: %s", r.Raw)
	}
	got := u.must(200, "GET", "/api/v1/notify/settings", u.s.admin, nil)
	if s := got.Body["settings"].(map[string]any); s["email"].(map[string]any)["password"] != "****Zx91" || s["webhook"].(map[string]any)["secret"] != "****6789" {
		t.Fatalf("masked settings %s", got.Raw)
	}
	// Saving the form back with masked secrets keeps the real ones.
	u.must(200, "PUT", "/api/v1/notify/settings", u.s.admin, got.Body["settings"])

	for i := range 3 {
		if _, err := u.upload(u.s.admin, fmt.Sprintf("IMG_%04d.JPG", i), mediatest.JPEG(mediatest.Upright(300+i, 200), 0)); err != nil {
			t.Fatal(err)
		}
		u.clock.Add(30 * time.Second)
	}
	u.runJobs()
	if len(u.outbox(u.albumID)) != 0 {
		t.Fatal("a message went out while photos were still arriving")
	}
	u.clock.Add(15 * time.Minute) // the upload session is over
	u.runJobs()
	msgs := byChannel(u.outbox(u.albumID), notify.KindPhotosUploaded)
	if len(msgs) != 2 || msgs["email"]["status"] != "sent" || msgs["webhook"]["status"] != "pending" {
		t.Fatalf("after the session: %v", msgs)
	}
	mails, bodies, rcpts := mb.received()
	if len(mails) != 1 || rcpts[0] != "wang@example.com" {
		t.Fatalf("mails %d to %v", len(mails), rcpts)
	}
	subject, _ := new(mime.WordDecoder).DecodeHeader(mails[0].Header.Get("Subject"))
	if subject != "「底片」新增 3 张照片" {
		t.Fatalf("subject %q", subject)
	}
	text, err := base64.StdEncoding.DecodeString(strings.ReplaceAll(bodies[0], "\r\n", ""))
	if err != nil || !strings.HasPrefix(string(text), "王小姐您好，甲影楼为您上传了 3 张新照片") || !strings.Contains(string(text), "https://photos.example.com/my/") {
		t.Fatalf("mail body %q %v", text, err)
	}
	if from, err := mails[0].Header.AddressList("From"); err != nil || from[0].Name != "甲影楼" || from[0].Address != "studio@example.com" {
		t.Fatalf("from %v %v", from, err)
	}
	if w := msgs["webhook"]; w["attempts"].(float64) != 1 || !strings.Contains(w["last_error"].(string), "503") || strings.Contains(w["last_error"].(string), "token=abc") {
		t.Fatalf("webhook after the first try: %v", w)
	}

	t.Run("the webhook is retried with backoff until the receiver takes it", func(t *testing.T) {
		u.clock.Add(20 * time.Second) // before the first retry is due
		u.runJobs()
		if calls, _, _ := hook.snapshot(); calls != 1 {
			t.Fatalf("retried too early: %d calls", calls)
		}
		u.clock.Add(15 * time.Second) // 30 s after the first try
		u.runJobs()
		u.clock.Add(2 * time.Minute) // the third try, 2 minutes after the second
		u.runJobs()
		calls, got, badSig := hook.snapshot()
		if calls != 3 || len(got) != 1 || badSig != 0 {
			t.Fatalf("calls %d accepted %d bad signatures %d", calls, len(got), badSig)
		}
		b := got[0]
		if b.Kind != notify.KindPhotosUploaded || b.Studio != u.s.tenantID || b.To != "13600000001" || !strings.Contains(b.Body, "https://photos.example.com/my/") || b.Data["album_id"].(float64) != float64(u.albumID) {
			t.Fatalf("webhook body %+v", b)
		}
		w := byChannel(u.outbox(u.albumID), notify.KindPhotosUploaded)["webhook"]
		if w["status"] != "sent" || w["attempts"].(float64) != 3 {
			t.Fatalf("webhook message %v", w)
		}
	})

	t.Run("marking the album finished notifies once", func(t *testing.T) {
		a := u.must(200, "GET", fmt.Sprintf("/api/v1/albums/%d", u.albumID), u.s.admin, nil).Body
		a["status"] = "finished"
		u.must(200, "PUT", fmt.Sprintf("/api/v1/albums/%d", u.albumID), u.s.admin, a)
		u.must(200, "PUT", fmt.Sprintf("/api/v1/albums/%d", u.albumID), u.s.admin, a) // still finished: no second message
		u.runJobs()
		fin := byChannel(u.outbox(u.albumID), notify.KindAlbumFinished)
		if len(fin) != 2 || fin["email"]["status"] != "sent" || fin["webhook"]["status"] != "sent" {
			t.Fatalf("finished: %v", fin)
		}
		if mails, _, _ := mb.received(); len(mails) != 2 {
			t.Fatalf("%d mails", len(mails))
		}
	})

	t.Run("the notify button, and a double click", func(t *testing.T) {
		r := u.must(202, "POST", fmt.Sprintf("/api/v1/albums/%d/notify", u.albumID), u.s.admin, nil)
		if len(r.List) != 2 {
			t.Fatalf("notify %s", r.Raw)
		}
		again := u.req("POST", fmt.Sprintf("/api/v1/albums/%d/notify", u.albumID), u.s.admin, nil)
		if again.Status != 429 || again.code() != "notify_too_soon" || !strings.Contains(again.errField("message"), "秒后再试") {
			t.Fatalf("double click %d %s", again.Status, again.Raw)
		}
		u.runJobs()
		if mails, _, _ := mb.received(); len(mails) != 3 {
			t.Fatalf("%d mails", len(mails))
		}
	})

	t.Run("a receiver that refuses fails the message at once, with the reason", func(t *testing.T) {
		hook.mu.Lock()
		hook.status = 410
		hook.mu.Unlock()
		u.clock.Add(2 * time.Minute)
		u.must(202, "POST", fmt.Sprintf("/api/v1/albums/%d/notify", u.albumID), u.s.admin, nil)
		u.runJobs()
		var failed map[string]any
		for _, m := range u.outbox(u.albumID) {
			if m["channel"] == "webhook" && m["status"] == "failed" {
				failed = m
			}
		}
		if failed == nil || !strings.Contains(failed["last_error"].(string), "410") || failed["attempts"].(float64) != 1 {
			t.Fatalf("refused webhook: %v", u.outbox(u.albumID))
		}
	})

	if l := logs.String(); strings.Contains(l, mb.pw) || strings.Contains(l, "hook-secret") || strings.Contains(l, "token=abc") || strings.Contains(l, "13600000001") {
		t.Fatalf("a secret or a phone number reached the log:\n%s", l)
	}
}

func TestNotifyGivesUpAfterAttempts(t *testing.T) {
	t.Parallel()
	hook := newHookReceiver(t, "another-secret-000000", 1000)
	u := newUploadEnv(t, func(c *api.Config) {
		c.Notify, c.AllowPrivateWebhooks = api.NotifyConfig{Attempts: 3, Backoff: time.Second}, true
	})
	u.must(200, "PUT", "/api/v1/notify/settings", u.s.admin, map[string]any{
		"webhook": map[string]any{"enabled": true, "url": hook.URL, "secret": "another-secret-000000"}})
	u.must(202, "POST", fmt.Sprintf("/api/v1/albums/%d/notify", u.albumID), u.s.admin, nil)
	for range 5 {
		u.runJobs()
		u.clock.Add(time.Minute)
	}
	list := u.outbox(u.albumID)
	if calls, _, _ := hook.snapshot(); calls != 3 || len(list) != 1 || list[0]["status"] != "failed" || list[0]["attempts"].(float64) != 3 ||
		!strings.Contains(list[0]["last_error"].(string), "503") {
		t.Fatalf("calls %d, outbox %v", calls, list)
	}
	var failed []any
	for _, n := range u.must(200, "GET", "/api/v1/notifications", u.s.admin, nil).List {
		if m := n.(map[string]any); m["kind"] == "notify_failed" {
			failed = append(failed, m)
		}
	}
	if len(failed) != 1 || !strings.Contains(fmt.Sprint(failed[0]), "503") {
		t.Fatalf("the studio's inbox: %v", failed)
	}
}

func TestNotifySMSAndLogDefault(t *testing.T) {
	t.Parallel()
	sms := &notifytest.SMS{Key: "testsms", FailFirst: 1}
	u := newUploadEnv(t, func(c *api.Config) { c.SMS = append(c.SMS, sms); c.Notify.Backoff = time.Second })

	// Without a setup, the log is the provider: the message is recorded as sent.
	u.must(202, "POST", fmt.Sprintf("/api/v1/albums/%d/notify", u.albumID), u.s.admin, nil)
	u.runJobs()
	if list := u.outbox(u.albumID); len(list) != 1 || list[0]["channel"] != "log" || list[0]["status"] != "sent" {
		t.Fatalf("log default %v", list)
	}

	bad := u.req("PUT", "/api/v1/notify/settings", u.s.admin, map[string]any{"sms": map[string]any{"enabled": true, "provider": "aliyun"}})
	if bad.Status != 400 || bad.code() != "notify_sms_unknown" || bad.errField("field") != "sms.provider" || !strings.Contains(bad.errField("message"), "testsms") {
		t.Fatalf("unknown sms provider %d %s", bad.Status, bad.Raw)
	}
	for _, c := range []struct {
		body  map[string]any
		field string
	}{
		{map[string]any{"email": map[string]any{"enabled": true, "host": "smtp.example.com", "from": "not an address"}}, "email.from"},
		{map[string]any{"email": map[string]any{"enabled": true, "host": "http://smtp.example.com", "from": "a@b.cn"}}, "email.host"},
		{map[string]any{"webhook": map[string]any{"enabled": true, "url": "ftp://x", "secret": "0123456789abcdef"}}, "webhook.url"},
		{map[string]any{"webhook": map[string]any{"enabled": true, "url": "https://x.cn/h", "secret": "short"}}, "webhook.secret"},
	} {
		r := u.req("PUT", "/api/v1/notify/settings", u.s.admin, c.body, "Accept-Language", "en")
		if r.Status != 400 || r.errField("field") != c.field || r.errField("message") == "" {
			t.Fatalf("%v: %d %s", c.body, r.Status, r.Raw)
		}
	}
	u.must(200, "PUT", "/api/v1/notify/settings", u.s.admin, map[string]any{"sms": map[string]any{"enabled": true, "provider": "testsms"}})
	u.clock.Add(2 * time.Minute)
	u.must(202, "POST", fmt.Sprintf("/api/v1/albums/%d/notify", u.albumID), u.s.admin, nil)
	u.runJobs() // the gateway fails once
	u.clock.Add(time.Minute)
	u.runJobs()
	sent := sms.Sent()
	if len(sent) != 1 || sent[0].Phone != "13600000001" || !strings.Contains(sent[0].Text, "「底片」可以查看了") || !strings.Contains(sent[0].Text, "订单码") {
		t.Fatalf("sms %+v", sent)
	}

	t.Run("permissions and tenant isolation", func(t *testing.T) {
		if r := u.req("GET", "/api/v1/notify/settings", u.s.tokens["booking"], nil); r.Status != 403 {
			t.Fatalf("booking reads settings: %d", r.Status)
		}
		if r := u.req("POST", fmt.Sprintf("/api/v1/albums/%d/notify", u.albumID), u.s.tokens["intake"], nil); r.Status != 403 {
			t.Fatalf("intake notifies: %d", r.Status)
		}
		other := u.newStudio("乙影楼", 2)
		if r := u.req("POST", fmt.Sprintf("/api/v1/albums/%d/notify", u.albumID), other.admin, nil); r.Status != 404 {
			t.Fatalf("other studio notifies: %d %s", r.Status, r.Raw)
		}
		if r := u.req("GET", fmt.Sprintf("/api/v1/albums/%d/notifications", u.albumID), other.admin, nil); r.Status != 404 {
			t.Fatalf("other studio reads the outbox: %d", r.Status)
		}
		if s := u.must(200, "GET", "/api/v1/notify/settings", other.admin, nil).Body["settings"].(map[string]any); s["sms"].(map[string]any)["enabled"] == true {
			t.Fatal("settings leaked across studios")
		}
	})
}

// By default a studio's webhook cannot reach the operator's own network.
func TestNotifyWebhookToPrivateAddressRefused(t *testing.T) {
	t.Parallel()
	hook := newHookReceiver(t, "private-secret-000000", 0)
	u := newUploadEnv(t)
	u.must(200, "PUT", "/api/v1/notify/settings", u.s.admin, map[string]any{
		"webhook": map[string]any{"enabled": true, "url": hook.URL, "secret": "private-secret-000000"}})
	u.must(202, "POST", fmt.Sprintf("/api/v1/albums/%d/notify", u.albumID), u.s.admin, nil)
	u.runJobs()
	list := u.outbox(u.albumID)
	if calls, _, _ := hook.snapshot(); calls != 0 || len(list) != 1 || list[0]["status"] != "failed" ||
		!strings.Contains(list[0]["last_error"].(string), "not on the public internet") {
		t.Fatalf("calls %d, outbox %v", calls, list)
	}
}

// During a long upload session the customer still hears within UploadMaxWait, and every
// photo is counted once across the messages.
func TestNotifyLongUploadSession(t *testing.T) {
	t.Parallel()
	u := newUploadEnv(t, func(c *api.Config) {
		c.Notify = api.NotifyConfig{UploadWindow: 10 * time.Minute, UploadQuiet: 20 * time.Minute, UploadMaxWait: time.Hour}
	})
	count := func() (msgs, photos int) {
		for _, m := range u.outbox(u.albumID) {
			if m["kind"] == notify.KindPhotosUploaded {
				msgs++
				var n int
				fmt.Sscanf(m["subject"].(string), "「底片」新增 %d 张照片", &n)
				photos += n
			}
		}
		return
	}
	for i := range 6 { // one photo every 15 minutes: never 20 quiet minutes
		if _, err := u.upload(u.s.admin, fmt.Sprintf("IMG_%04d.JPG", i), mediatest.JPEG(mediatest.Upright(300+i, 200), 0)); err != nil {
			t.Fatal(err)
		}
		u.runJobs()
		u.clock.Add(15 * time.Minute)
	}
	u.runJobs() // 90 minutes in
	if msgs, _ := count(); msgs == 0 {
		t.Fatal("no message after 90 minutes of uploading")
	}
	u.clock.Add(2 * time.Hour) // the session is over: everything is told
	u.runJobs()
	u.clock.Add(2 * time.Hour)
	u.runJobs()
	if msgs, photos := count(); photos != 6 || msgs > 3 {
		t.Fatalf("%d messages telling %d photos", msgs, photos)
	}
}

// The settings page's "send a test message" goes out at once through the saved settings and
// answers with the provider's own failure; it needs settings.manage and is audited.
func TestNotifyTestMessage(t *testing.T) {
	t.Parallel()
	mb := newMailbox(t)
	hook := newHookReceiver(t, "test-hook-secret-000000", 1)
	sms := &notifytest.SMS{Key: "testsms"}
	u := newUploadEnv(t, func(c *api.Config) { c.SMS = append(c.SMS, sms); c.AllowPrivateWebhooks = true })

	if r := u.req("POST", "/api/v1/notify/test", u.s.admin, map[string]any{"channel": "email", "to": "wang@example.com"}); r.Status != 409 ||
		r.code() != "notify_test_not_set_up" || r.errField("field") != "channel" {
		t.Fatalf("e-mail not set up: %d %s", r.Status, r.Raw)
	}
	u.must(200, "PUT", "/api/v1/notify/settings", u.s.admin, map[string]any{
		"email": map[string]any{"enabled": true, "host": "127.0.0.1", "port": mb.addr.Port, "security": "none",
			"username": mb.user, "password": mb.pw, "from": "甲影楼 <studio@example.com>"},
		"webhook": map[string]any{"enabled": true, "url": hook.URL, "secret": "test-hook-secret-000000"},
		"sms":     map[string]any{"enabled": true, "provider": "testsms"},
	})
	for _, c := range []struct {
		body         map[string]any
		status       int
		code, field  string
		wantInReason string
	}{
		{map[string]any{"channel": "email", "to": "not-an-address"}, 422, "notify_email_invalid", "to", ""},
		{map[string]any{"channel": "sms", "to": "12345"}, 400, "phone_invalid", "to", ""},
		{map[string]any{"channel": "fax", "to": "x"}, 422, "invalid_value", "channel", ""},
		{map[string]any{"channel": "email", "to": "nobody@example.com"}, 422, "notify_test_failed", "channel", "550"},
		{map[string]any{"channel": "webhook"}, 422, "notify_test_failed", "channel", "503"}, // the receiver fails once
	} {
		r := u.req("POST", "/api/v1/notify/test", u.s.admin, c.body)
		if r.Status != c.status || r.code() != c.code || r.errField("field") != c.field || !strings.Contains(r.errField("message"), c.wantInReason) {
			t.Fatalf("%v: %d %s", c.body, r.Status, r.Raw)
		}
	}
	if r := u.must(200, "POST", "/api/v1/notify/test", u.s.admin, map[string]any{"channel": "email", "to": "wang@example.com"}); r.Body["to"] == "wang@example.com" {
		t.Fatalf("recipient answered unmasked: %s", r.Raw)
	}
	if _, _, rcpts := mb.received(); len(rcpts) != 1 || rcpts[0] != "wang@example.com" {
		t.Fatalf("mail to %v", rcpts)
	}
	u.must(200, "POST", "/api/v1/notify/test", u.s.admin, map[string]any{"channel": "webhook"})
	if calls, got, bad := hook.snapshot(); calls != 2 || bad != 0 || len(got) != 1 || got[0].Kind != notify.KindTest {
		t.Fatalf("webhook calls %d, bodies %v, bad signatures %d", calls, got, bad)
	}
	u.must(200, "POST", "/api/v1/notify/test", u.s.admin, map[string]any{"channel": "sms", "to": "+86 139-0000-1111"})
	if sent := sms.Sent(); len(sent) != 1 || sent[0].Phone != "13900001111" || !strings.Contains(sent[0].Text, "测试消息") {
		t.Fatalf("sms %v", sent)
	}
	if r := u.req("POST", "/api/v1/notify/test", u.s.tokens["intake"], map[string]any{"channel": "sms", "to": "13900001111"}); r.Status != 403 {
		t.Fatalf("without settings.manage: %d %s", r.Status, r.Raw)
	}
	if len(sms.Sent()) != 1 {
		t.Fatal("a refused test still sent a message")
	}
	if list := u.outbox(u.albumID); len(list) != 0 {
		t.Fatalf("test messages reached the outbox: %v", list)
	}
}
