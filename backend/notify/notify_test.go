package notify_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"io"
	"mime"
	"net"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/studiodesk/studiodesk/backend/notify"
)

type sink struct {
	mu    sync.Mutex
	mails []*mail.Message
	tls   []bool
}

type session struct {
	s    *sink
	conn *smtp.Conn
}

func (ss *session) Mail(string, *smtp.MailOptions) error { return nil }
func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if strings.HasPrefix(to, "nobody@") {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such mailbox"}
	}
	return nil
}
func (ss *session) Data(r io.Reader) error {
	m, err := mail.ReadMessage(r)
	if err != nil {
		return err
	}
	_, isTLS := ss.conn.TLSConnectionState()
	ss.s.mu.Lock()
	ss.s.mails, ss.s.tls = append(ss.s.mails, m), append(ss.s.tls, isTLS)
	ss.s.mu.Unlock()
	return nil
}
func (ss *session) Reset()        {}
func (ss *session) Logout() error { return nil }

// smtpServer runs a real SMTP server on loopback; with tlsCfg it offers STARTTLS.
func smtpServer(t *testing.T, tlsCfg *tls.Config) (*sink, int) {
	k := &sink{}
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) { return &session{s: k, conn: c}, nil }))
	srv.Domain, srv.TLSConfig, srv.AllowInsecureAuth = "localhost", tlsCfg, true
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return k, ln.Addr().(*net.TCPAddr).Port
}

// testCert borrows httptest's certificate for 127.0.0.1 and a pool that trusts it.
func testCert(t *testing.T) (*tls.Config, *x509.CertPool) {
	ts := httptest.NewUnstartedServer(http.NotFoundHandler())
	ts.StartTLS()
	t.Cleanup(ts.Close)
	pool := x509.NewCertPool()
	pool.AddCert(ts.Certificate())
	return &tls.Config{Certificates: ts.TLS.Certificates}, pool
}

func msg() notify.Message {
	return notify.Message{ID: 7, TenantID: 1, Kind: notify.KindAlbumReady, To: "wang@example.com",
		Subject: "「精修」可以查看了", Body: strings.Repeat("王小姐您好，您的相册可以查看了。", 8)}
}

func TestSMTPStartTLSDeliversUTF8(t *testing.T) {
	serverTLS, pool := testCert(t)
	k, port := smtpServer(t, serverTLS)
	p := notify.SMTP{Settings: notify.EmailSettings{Host: "127.0.0.1", Port: port, Security: "starttls", From: "蜜糖影楼 <photos@example.com>"},
		TLSConfig: &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}}
	if err := p.Send(context.Background(), msg()); err != nil {
		t.Fatal(err)
	}
	if len(k.mails) != 1 || !k.tls[0] {
		t.Fatalf("mails %d, over TLS %v", len(k.mails), k.tls)
	}
	m := k.mails[0]
	subject, _ := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	body, _ := io.ReadAll(m.Body)
	text, err := base64.StdEncoding.DecodeString(strings.ReplaceAll(string(body), "\r\n", ""))
	from, _ := m.Header.AddressList("From")
	if subject != msg().Subject || err != nil || string(text) != msg().Body || from[0].Name != "蜜糖影楼" || !strings.Contains(m.Header.Get("Message-ID"), "@example.com>") {
		t.Fatalf("subject %q body %q (%v) from %v", subject, text, err, from)
	}
	for _, line := range strings.Split(string(body), "\r\n") {
		if len(line) > 78 {
			t.Fatalf("line of %d characters", len(line))
		}
	}
}

func TestSMTPRefusals(t *testing.T) {
	_, port := smtpServer(t, nil) // no STARTTLS on offer
	base := notify.EmailSettings{Host: "127.0.0.1", Port: port, Security: "starttls", From: "photos@example.com"}
	err := notify.SMTP{Settings: base}.Send(context.Background(), msg())
	if !notify.IsPermanent(err) || !strings.Contains(err.Error(), "STARTTLS") {
		t.Fatalf("a relay without STARTTLS: %v", err)
	}
	base.Security = "none"
	m := msg()
	m.To = "nobody@example.com"
	if err := (notify.SMTP{Settings: base}).Send(context.Background(), m); !notify.IsPermanent(err) || !strings.Contains(err.Error(), "550") {
		t.Fatalf("unknown mailbox: %v", err)
	}
	m.To = "not an address"
	if err := (notify.SMTP{Settings: base}).Send(context.Background(), m); !notify.IsPermanent(err) {
		t.Fatalf("bad address: %v", err)
	}
	base.Port = 1 // nothing listens: retried later, not permanent
	if err := (notify.SMTP{Settings: base, Timeout: 2 * time.Second}).Send(context.Background(), msg()); err == nil || notify.IsPermanent(err) {
		t.Fatalf("connection refused: %v", err)
	}
}

func TestWebhookSignsAndClassifiesAnswers(t *testing.T) {
	status := 200
	var got []byte
	var sig, ts string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, _ = io.ReadAll(r.Body)
		sig, ts = r.Header.Get("X-StudioDesk-Signature"), r.Header.Get("X-StudioDesk-Timestamp")
		w.WriteHeader(status)
	}))
	defer srv.Close()
	secret := []byte("0123456789abcdef0123")
	w := notify.Webhook{URL: srv.URL, Secret: secret}
	if err := w.Send(context.Background(), msg()); err != nil {
		t.Fatal(err)
	}
	if !notify.Verify(secret, ts, got, sig) || notify.Verify([]byte("another secret!!"), ts, got, sig) || notify.Verify(secret, ts+"1", got, sig) {
		t.Fatalf("signature %s over %s", sig, got)
	}
	for code, permanent := range map[int]bool{500: false, 503: false, 429: false, 408: false, 400: true, 404: true, 410: true} {
		status = code
		err := w.Send(context.Background(), msg())
		if err == nil || notify.IsPermanent(err) != permanent {
			t.Errorf("%d: %v", code, err)
		}
	}
	slow := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { time.Sleep(time.Second) }))
	defer slow.Close()
	err := notify.Webhook{URL: slow.URL, Secret: secret, Client: &http.Client{Timeout: 100 * time.Millisecond}}.Send(context.Background(), msg())
	if err == nil || notify.IsPermanent(err) {
		t.Fatalf("a receiver that does not answer in time: %v", err)
	}
}

func TestSettingsSecretsAndDefaults(t *testing.T) {
	stored := notify.Settings{Email: notify.EmailSettings{Password: "smtp-secret"}, Webhook: notify.WebhookSettings{Secret: "hook-secret-123456"}}
	m := stored.Masked()
	if m.Email.Password != "****cret" || m.Webhook.Secret != "****3456" {
		t.Fatalf("masked %+v", m)
	}
	if got := notify.Merge(stored, m); got.Email.Password != "smtp-secret" || got.Webhook.Secret != "hook-secret-123456" {
		t.Fatalf("masked values sent back must keep the secrets: %+v", got)
	}
	if got := notify.Merge(stored, notify.Settings{Webhook: notify.WebhookSettings{Secret: "a-new-secret-0000"}}); got.Webhook.Secret != "a-new-secret-0000" {
		t.Fatal("a new secret replaces the old one")
	}
	n, err := notify.Normalize(notify.Settings{Email: notify.EmailSettings{Enabled: true, Host: "smtp.example.com", Security: "tls", From: "a@b.cn"}}, nil)
	if err != nil || n.Email.Port != 465 {
		t.Fatalf("tls default port: %+v %v", n.Email, err)
	}
	_, err = notify.Normalize(notify.Settings{SMS: notify.SMSSettings{Enabled: true, Provider: "x"}}, []string{"aliyun"})
	var fe *notify.FieldError
	if !errors.As(err, &fe) || fe.Field() != "sms.provider" || fe.Params()["allowed"] != "aliyun" {
		t.Fatalf("unknown sms provider: %v", err)
	}
	if notify.MaskRecipient("13600000001") != "136****0001" || notify.MaskRecipient("wang@example.com") != "w***@example.com" {
		t.Fatal("recipient masks")
	}
}

func TestPublicOnlyClientRefusesInternalAddresses(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { t.Error("an internal address was called") }))
	defer srv.Close()
	port := srv.URL[strings.LastIndexByte(srv.URL, ':'):]
	for _, u := range []string{srv.URL, "http://localhost" + port, "http://[::1]" + port, "http://169.254.169.254/latest/meta-data", "http://10.0.0.1" + port} {
		err := notify.Webhook{URL: u, Secret: []byte("0123456789abcdef"), Client: notify.PublicOnlyClient(time.Second)}.Send(context.Background(), msg())
		if !notify.IsPermanent(err) || !strings.Contains(err.Error(), "not on the public internet") {
			t.Errorf("%s: %v", u, err)
		}
	}
}
