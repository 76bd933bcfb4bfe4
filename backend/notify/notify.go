// Package notify sends messages to a studio's customers (and the studio's own systems): the
// providers behind the notification outbox. A message is written to the outbox in the
// transaction of what caused it and delivered later by the durable job queue, through one
// of these providers: Log (the default: nothing leaves the server), SMTP e-mail, a generic
// signed Webhook, and SMS through an SMSSender a deployment registers (no vendor ships here).
// It imports nothing of ours; the API turns its field errors into localized messages.
package notify

import (
	"context"
	"errors"
	"log/slog"
	"net/mail"
	"net/url"
	"strings"
)

// Channel is how a message travels.
type Channel string

// Channels.
const (
	ChannelLog     Channel = "log"
	ChannelEmail   Channel = "email"
	ChannelWebhook Channel = "webhook"
	ChannelSMS     Channel = "sms"
)

// Message kinds (what happened).
const (
	KindPhotosUploaded   = "photos_uploaded"
	KindAlbumFinished    = "album_finished"
	KindAlbumReady       = "album_ready" // the studio pressed "notify"
	KindRetentionWarning = "retention_warning"
	KindTest             = "test" // the settings page's "send a test message"
)

// Message is one notification to one recipient over one channel.
type Message struct {
	// ID is the outbox id: receivers may use it to drop a repeat (a retried webhook).
	ID       int64
	TenantID int64
	Kind     string
	Channel  Channel
	// To is the e-mail address or phone number (empty for webhooks and the log).
	To      string
	Subject string
	Body    string
	// Data is the structured form webhooks receive (album, counts, link).
	Data map[string]any
}

// Provider delivers messages of one channel. Implementations must be safe for concurrent use.
type Provider interface {
	Send(ctx context.Context, m Message) error
}

// Permanent marks an error that retrying cannot fix (a refused address, a 4xx answer): the
// outbox fails the message at once with the reason.
type Permanent struct{ Err error }

func (p *Permanent) Error() string { return p.Err.Error() }
func (p *Permanent) Unwrap() error { return p.Err }

// IsPermanent reports whether err is (or wraps) a Permanent error.
func IsPermanent(err error) bool {
	var p *Permanent
	return errors.As(err, &p)
}

// Log writes messages to the server log (the default provider): useful before a studio sets
// up e-mail or SMS, and in development. Recipients are masked; bodies are not logged in full.
type Log struct{ Logger *slog.Logger }

// Send implements Provider.
func (l Log) Send(ctx context.Context, m Message) error {
	log := l.Logger
	if log == nil {
		log = slog.Default()
	}
	log.InfoContext(ctx, "notification", "id", m.ID, "studio", m.TenantID, "kind", m.Kind, "to", MaskRecipient(m.To), "subject", m.Subject)
	return nil
}

// MaskRecipient hides most of a phone number or e-mail address (logs, the studio's outbox view
// keeps them whole).
func MaskRecipient(to string) string {
	if at := strings.LastIndexByte(to, '@'); at > 0 {
		return to[:1] + "***" + to[at:]
	}
	if len(to) >= 7 {
		return to[:3] + "****" + to[len(to)-4:]
	}
	if to == "" {
		return ""
	}
	return "***"
}

// MaskSecret shows a secret's last four characters only (settings answers, logs).
func MaskSecret(s string) string {
	if s == "" {
		return ""
	}
	if len(s) <= 4 {
		return "****"
	}
	return "****" + s[len(s)-4:]
}

// Settings is a studio's notification setup. Secrets (SMTP password, webhook secret) are
// write-only: answers carry them masked, and an edit that leaves them empty keeps them.
type Settings struct {
	Email   EmailSettings   `json:"email"`
	Webhook WebhookSettings `json:"webhook"`
	SMS     SMSSettings     `json:"sms"`
	// OnUpload: tell customers when new photos arrive (coalesced); OnFinish: when an album is
	// marked finished. The studio's "notify" button works either way.
	OnUpload bool `json:"on_upload"`
	OnFinish bool `json:"on_finish"`
}

// EmailSettings is an SMTP relay the studio sends through.
type EmailSettings struct {
	Enabled bool   `json:"enabled"`
	Host    string `json:"host"`
	Port    int    `json:"port"`
	// Security: "starttls" (port 587, required), "tls" (implicit TLS, port 465) or "none"
	// (a relay on a trusted network only).
	Security string `json:"security"`
	Username string `json:"username"`
	Password string `json:"password,omitempty"`
	From     string `json:"from"`
}

// WebhookSettings is a URL that receives every message as a signed JSON POST.
type WebhookSettings struct {
	Enabled bool   `json:"enabled"`
	URL     string `json:"url"`
	Secret  string `json:"secret,omitempty"`
}

// SMSSettings picks one of the SMS senders the server offers.
type SMSSettings struct {
	Enabled  bool   `json:"enabled"`
	Provider string `json:"provider"`
}

// Defaults: new studios tell customers about uploads and finished albums through the log only.
func Defaults() Settings { return Settings{OnUpload: true, OnFinish: true} }

// Masked is s as answers show it.
func (s Settings) Masked() Settings {
	s.Email.Password = MaskSecret(s.Email.Password)
	s.Webhook.Secret = MaskSecret(s.Webhook.Secret)
	return s
}

// Merge applies an edit to stored settings: secrets left empty (or sent back masked) keep
// the stored ones.
func Merge(stored, edit Settings) Settings {
	if edit.Email.Password == "" || strings.HasPrefix(edit.Email.Password, "****") {
		edit.Email.Password = stored.Email.Password
	}
	if edit.Webhook.Secret == "" || strings.HasPrefix(edit.Webhook.Secret, "****") {
		edit.Webhook.Secret = stored.Webhook.Secret
	}
	return edit
}

// Error codes (the API has a message for each).
const (
	CodeEmailInvalid    = "notify_email_invalid"
	CodeHostRequired    = "notify_host_required"
	CodePortInvalid     = "notify_port_invalid"
	CodeSecurityInvalid = "notify_security_invalid"
	CodeURLInvalid      = "notify_url_invalid"
	CodeSecretShort     = "notify_secret_short"
	CodeSMSUnknown      = "notify_sms_unknown"
)

// FieldError names the setting that is wrong and why.
type FieldError struct {
	FieldName, ErrCode string
	Values             map[string]any
}

func (e *FieldError) Error() string          { return e.FieldName + ": " + e.ErrCode }
func (e *FieldError) Field() string          { return e.FieldName }
func (e *FieldError) Code() string           { return e.ErrCode }
func (e *FieldError) Params() map[string]any { return e.Values }

// Normalize checks settings (after Merge) and fills defaults; smsProviders are the SMS
// senders this server offers. Disabled channels are not checked, so a studio may keep a
// half-filled setup switched off.
func Normalize(s Settings, smsProviders []string) (Settings, error) {
	e := &s.Email
	e.Host, e.From, e.Username = strings.TrimSpace(e.Host), strings.TrimSpace(e.From), strings.TrimSpace(e.Username)
	if e.Security == "" {
		e.Security = "starttls"
	}
	if e.Port == 0 {
		e.Port = map[string]int{"tls": 465, "none": 25}[e.Security]
		if e.Port == 0 {
			e.Port = 587
		}
	}
	if e.Enabled {
		switch {
		case e.Host == "" || strings.ContainsAny(e.Host, " /:@"):
			return s, &FieldError{"email.host", CodeHostRequired, nil}
		case e.Port < 1 || e.Port > 65535:
			return s, &FieldError{"email.port", CodePortInvalid, map[string]any{"allowed": "1–65535"}}
		case e.Security != "starttls" && e.Security != "tls" && e.Security != "none":
			return s, &FieldError{"email.security", CodeSecurityInvalid, map[string]any{"allowed": "starttls, tls, none"}}
		}
		if a, err := mail.ParseAddress(e.From); err != nil || a.Address == "" {
			return s, &FieldError{"email.from", CodeEmailInvalid, map[string]any{"example": "photos@studio.cn"}}
		}
	}
	w := &s.Webhook
	w.URL = strings.TrimSpace(w.URL)
	if w.Enabled {
		u, err := url.Parse(w.URL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return s, &FieldError{"webhook.url", CodeURLInvalid, map[string]any{"example": "https://example.com/hooks/studiodesk"}}
		}
		if len(w.Secret) < 16 {
			return s, &FieldError{"webhook.secret", CodeSecretShort, map[string]any{"min": 16}}
		}
	}
	if s.SMS.Enabled {
		found := false
		for _, p := range smsProviders {
			found = found || p == s.SMS.Provider
		}
		if !found {
			return s, &FieldError{"sms.provider", CodeSMSUnknown, map[string]any{"allowed": strings.Join(smsProviders, ", ")}}
		}
	}
	return s, nil
}

// ValidEmail reports whether s is one plain e-mail address (a customer's, on an order).
func ValidEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && a.Name == ""
}
