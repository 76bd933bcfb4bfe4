package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/smtp"
	"net/textproto"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// SMTP sends e-mail through the studio's relay (net/smtp: no dependency to keep up).
type SMTP struct {
	Settings EmailSettings
	// Timeout bounds the whole conversation; default 30 s.
	Timeout time.Duration
	// TLSConfig overrides the TLS setup (tests trust their own certificate); default: verify
	// the relay's certificate for Settings.Host.
	TLSConfig *tls.Config
}

// Send implements Provider. 5xx answers (unknown mailbox, refused sender) are permanent;
// connection trouble and 4xx answers are retried.
func (s SMTP) Send(ctx context.Context, m Message) error {
	if !ValidEmail(m.To) {
		return &Permanent{fmt.Errorf("no valid e-mail address for this customer")}
	}
	st := s.Settings
	timeout := s.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	deadline := time.Now().Add(timeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	tlsCfg := s.TLSConfig
	if tlsCfg == nil {
		tlsCfg = &tls.Config{ServerName: st.Host, MinVersion: tls.VersionTLS12}
	}
	addr := net.JoinHostPort(st.Host, strconv.Itoa(st.Port))
	dialer := &net.Dialer{Deadline: deadline}
	var conn net.Conn
	var err error
	if st.Security == "tls" {
		conn, err = (&tls.Dialer{NetDialer: dialer, Config: tlsCfg}).DialContext(ctx, "tcp", addr)
	} else {
		conn, err = dialer.DialContext(ctx, "tcp", addr)
	}
	if err != nil {
		return fmt.Errorf("connect to %s: %w", addr, err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(deadline)
	c, err := smtp.NewClient(conn, st.Host)
	if err != nil {
		return smtpErr("greeting", err)
	}
	defer c.Close()
	if st.Security == "starttls" {
		if ok, _ := c.Extension("STARTTLS"); !ok {
			return &Permanent{fmt.Errorf("%s offers no STARTTLS; choose security \"tls\" or a relay that supports it", addr)}
		}
		if err := c.StartTLS(tlsCfg); err != nil {
			return fmt.Errorf("starttls: %w", err)
		}
	}
	if st.Username != "" {
		// PlainAuth refuses to send the password over an unencrypted connection (except to
		// localhost), so "none" with a password on a real network fails instead of leaking it.
		if err := c.Auth(smtp.PlainAuth("", st.Username, st.Password, st.Host)); err != nil {
			return smtpErr("login", err)
		}
	}
	from, _ := parseAddr(st.From)
	if err := c.Mail(from); err != nil {
		return smtpErr("sender", err)
	}
	if err := c.Rcpt(m.To); err != nil {
		return smtpErr("recipient", err)
	}
	w, err := c.Data()
	if err != nil {
		return smtpErr("data", err)
	}
	if _, err := w.Write(compose(st.From, m, time.Now())); err != nil {
		return smtpErr("data", err)
	}
	if err := w.Close(); err != nil {
		return smtpErr("data", err)
	}
	return smtpErr("quit", c.Quit())
}

func parseAddr(s string) (string, error) {
	if i, j := strings.LastIndexByte(s, '<'), strings.LastIndexByte(s, '>'); i >= 0 && j > i {
		return s[i+1 : j], nil
	}
	return strings.TrimSpace(s), nil
}

// smtpErr marks 5xx answers permanent.
func smtpErr(step string, err error) error {
	if err == nil {
		return nil
	}
	var te *textproto.Error
	if errors.As(err, &te) && te.Code >= 500 {
		return &Permanent{fmt.Errorf("smtp %s: %w", step, err)}
	}
	return fmt.Errorf("smtp %s: %w", step, err)
}

// compose writes a UTF-8 plain-text message (subject RFC 2047-encoded, body base64).
func compose(from string, m Message, now time.Time) []byte {
	var b bytes.Buffer
	id := make([]byte, 12)
	_, _ = rand.Read(id)
	host := "studiodesk.local"
	if a, _ := parseAddr(from); strings.Contains(a, "@") {
		host = a[strings.LastIndexByte(a, '@')+1:]
	}
	hdr := func(k, v string) { fmt.Fprintf(&b, "%s: %s\r\n", k, v) }
	hdr("From", encodeAddr(from))
	hdr("To", m.To)
	hdr("Subject", mime.BEncoding.Encode("UTF-8", m.Subject))
	hdr("Date", now.Format(time.RFC1123Z))
	hdr("Message-ID", fmt.Sprintf("<%s.%d@%s>", hex.EncodeToString(id), m.ID, host))
	hdr("MIME-Version", "1.0")
	hdr("Content-Type", "text/plain; charset=UTF-8")
	hdr("Content-Transfer-Encoding", "base64")
	b.WriteString("\r\n")
	enc := base64.StdEncoding.EncodeToString([]byte(m.Body))
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	b.WriteString(enc + "\r\n")
	return b.Bytes()
}

// encodeAddr encodes a display name ("影楼 <a@b.cn>") for the header.
func encodeAddr(s string) string {
	i := strings.LastIndexByte(s, '<')
	if i <= 0 {
		return s
	}
	name := strings.TrimSpace(s[:i])
	return mime.BEncoding.Encode("UTF-8", strings.Trim(name, `"`)) + " " + s[i:]
}

// Webhook posts every message as JSON to the studio's URL, signed with HMAC-SHA256 over
// "<timestamp>.<body>" (headers X-StudioDesk-Timestamp and X-StudioDesk-Signature:
// "sha256=<hex>"), so the receiver can check it came from us and is fresh.
type Webhook struct {
	URL    string
	Secret []byte
	// Client defaults to one with a 10 s timeout.
	Client *http.Client
	Now    func() time.Time
}

// WebhookBody is what the receiver gets.
type WebhookBody struct {
	ID      int64          `json:"id"`
	Kind    string         `json:"kind"`
	Studio  int64          `json:"studio_id"`
	To      string         `json:"to,omitempty"`
	Subject string         `json:"subject"`
	Body    string         `json:"body"`
	Data    map[string]any `json:"data,omitempty"`
	SentAt  time.Time      `json:"sent_at"`
}

// Sign is the signature of body sent at ts.
func Sign(secret []byte, ts string, body []byte) string {
	h := hmac.New(sha256.New, secret)
	h.Write([]byte(ts))
	h.Write([]byte{'.'})
	h.Write(body)
	return "sha256=" + hex.EncodeToString(h.Sum(nil))
}

// Verify checks a webhook call (for receivers and tests).
func Verify(secret []byte, ts string, body []byte, signature string) bool {
	return hmac.Equal([]byte(Sign(secret, ts, body)), []byte(signature))
}

var defaultWebhookClient = &http.Client{Timeout: 10 * time.Second}

// PublicOnlyClient is a webhook client that refuses to connect to loopback, private,
// link-local and unspecified addresses (checked on the address actually dialled, after DNS,
// so a name that resolves inward is refused too): a studio's webhook URL must not reach the
// operator's own network (metrics, cloud metadata, databases). No proxy, no redirects.
func PublicOnlyClient(timeout time.Duration) *http.Client {
	d := &net.Dialer{Timeout: timeout, Control: func(_, address string, _ syscall.RawConn) error {
		host, _, err := net.SplitHostPort(address)
		if err != nil {
			return err
		}
		if ip := net.ParseIP(host); ip == nil || !publicIP(ip) {
			return &Permanent{fmt.Errorf("webhook address %s is not on the public internet", host)}
		}
		return nil
	}}
	return &http.Client{
		Timeout:       timeout,
		Transport:     &http.Transport{DialContext: d.DialContext, TLSHandshakeTimeout: timeout, MaxIdleConnsPerHost: 2},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

func publicIP(ip net.IP) bool {
	return !(ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() || ip.IsUnspecified() ||
		ip.IsMulticast() || ip.IsInterfaceLocalMulticast())
}

// Send implements Provider: 2xx is delivered; 408, 429 and 5xx are retried; other 4xx
// answers are permanent (the receiver refuses the message).
func (w Webhook) Send(ctx context.Context, m Message) error {
	now := time.Now
	if w.Now != nil {
		now = w.Now
	}
	at := now().UTC()
	body, err := json.Marshal(WebhookBody{ID: m.ID, Kind: m.Kind, Studio: m.TenantID, To: m.To, Subject: m.Subject, Body: m.Body, Data: m.Data, SentAt: at})
	if err != nil {
		return &Permanent{err}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.URL, bytes.NewReader(body))
	if err != nil {
		return &Permanent{fmt.Errorf("webhook url: %w", err)}
	}
	ts := strconv.FormatInt(at.Unix(), 10)
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("User-Agent", "StudioDesk-Webhook/1")
	req.Header.Set("X-StudioDesk-Event", m.Kind)
	req.Header.Set("X-StudioDesk-Delivery", strconv.FormatInt(m.ID, 10))
	req.Header.Set("X-StudioDesk-Timestamp", ts)
	req.Header.Set("X-StudioDesk-Signature", Sign(w.Secret, ts, body))
	c := w.Client
	if c == nil {
		c = defaultWebhookClient
	}
	res, err := c.Do(req)
	if err != nil {
		return fmt.Errorf("webhook: %w", err)
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
	switch code := res.StatusCode; {
	case code >= 200 && code < 300:
		return nil
	case code == http.StatusRequestTimeout || code == http.StatusTooManyRequests || code >= 500:
		return fmt.Errorf("webhook answered %s", res.Status)
	default:
		return &Permanent{fmt.Errorf("webhook answered %s", res.Status)}
	}
}

// SMSSender is an SMS vendor (Aliyun, Tencent Cloud, ...). None ships with the server: a
// deployment registers its own in api.Config.SMS; tests use notifytest.SMS.
type SMSSender interface {
	// Name is the key studios pick in their settings.
	Name() string
	// SendSMS sends text to a mainland mobile number (11 digits). Errors wrapped in
	// *Permanent are not retried.
	SendSMS(ctx context.Context, phone, text string) error
}

// SMS adapts an SMSSender to Provider.
type SMS struct{ Sender SMSSender }

// Send implements Provider.
func (s SMS) Send(ctx context.Context, m Message) error {
	if m.To == "" {
		return &Permanent{errors.New("no phone number for this customer")}
	}
	return s.Sender.SendSMS(ctx, m.To, m.Body)
}
