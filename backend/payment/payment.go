// Package payment is how a studio pays for credits: a small Provider interface and two
// providers that come with every server — manual (the operator confirms a bank transfer or
// cash payment from the CLI) and sandbox (a fake payment service for tests and demos that
// settles through the same signed-notification path a real provider uses).
package payment

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Checkout is what a provider answers when a studio starts a purchase.
type Checkout struct {
	// Ref is the provider's id of the payment; it settles the purchase exactly once.
	Ref string `json:"ref"`
	// PayURL is where the payer goes (a QR code shows it); empty for manual payments.
	PayURL string `json:"pay_url,omitempty"`
	// Instructions tell the payer what to do (manual: quote Ref on the transfer).
	Instructions string `json:"instructions,omitempty"`
}

// Purchase is what the studio wants to buy.
type Purchase struct {
	TenantID  int64
	ID        int64 // our purchase id
	Credits   int64
	AmountFen int64
}

// Settlement is a payment the provider confirmed.
type Settlement struct {
	Ref       string
	AmountFen int64
}

// Provider is a payment service. Implementations must be safe for concurrent use.
type Provider interface {
	// Name is the stable key stored with purchases ("manual", "sandbox", ...).
	Name() string
	// Start opens a checkout for p.
	Start(ctx context.Context, p Purchase) (Checkout, error)
	// Verify authenticates a notification the provider sent to our webhook and returns the
	// payment it confirms; ErrBadSignature when it was not sent by the provider.
	Verify(ctx context.Context, body []byte, signature string) (Settlement, error)
}

// ErrBadSignature: a webhook call the provider did not sign.
var ErrBadSignature = errors.New("payment: bad notification signature")

// ErrNoWebhook: the provider settles by other means (manual: the operator's CLI).
var ErrNoWebhook = errors.New("payment: provider has no webhook")

func newRef(prefix string) (string, error) {
	b := make([]byte, 10)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("payment reference: %w", err)
	}
	return prefix + strings.ToUpper(hex.EncodeToString(b)), nil
}

// Manual is paid outside the system (bank transfer, cash at the office); the operator confirms
// it with `studiodesk-server credits topup --ref`.
type Manual struct{}

var _ Provider = Manual{}

func (Manual) Name() string { return "manual" }

func (Manual) Start(_ context.Context, p Purchase) (Checkout, error) {
	ref, err := newRef("M")
	if err != nil {
		return Checkout{}, err
	}
	return Checkout{Ref: ref, Instructions: "transfer"}, nil
}

func (Manual) Verify(context.Context, []byte, string) (Settlement, error) {
	return Settlement{}, ErrNoWebhook
}

// Sandbox is a fake payment service: checkouts open a local "pay" URL, and its notifications
// are signed with Secret (HMAC-SHA256) like a real provider's.
type Sandbox struct {
	Secret []byte
	// BaseURL prefixes PayURL (the server's own address in demos).
	BaseURL string
}

var _ Provider = (*Sandbox)(nil)

func (*Sandbox) Name() string { return "sandbox" }

func (s *Sandbox) Start(_ context.Context, p Purchase) (Checkout, error) {
	ref, err := newRef("SBX")
	if err != nil {
		return Checkout{}, err
	}
	return Checkout{Ref: ref, PayURL: s.BaseURL + "/sandbox-pay/" + ref}, nil
}

// notification is the sandbox's webhook body.
type notification struct {
	Ref       string `json:"ref"`
	AmountFen int64  `json:"amount_fen"`
	Status    string `json:"status"`
}

// Notify builds the signed webhook call the sandbox sends once the payer paid (tests and the
// demo's pay page use it).
func (s *Sandbox) Notify(ref string, amountFen int64) (body []byte, signature string) {
	body, _ = json.Marshal(notification{Ref: ref, AmountFen: amountFen, Status: "paid"})
	return body, s.sign(body)
}

func (s *Sandbox) sign(body []byte) string {
	m := hmac.New(sha256.New, s.Secret)
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

func (s *Sandbox) Verify(_ context.Context, body []byte, signature string) (Settlement, error) {
	if len(s.Secret) == 0 || !hmac.Equal([]byte(s.sign(body)), []byte(signature)) {
		return Settlement{}, ErrBadSignature
	}
	var n notification
	if err := json.Unmarshal(body, &n); err != nil {
		return Settlement{}, fmt.Errorf("sandbox notification: %w", err)
	}
	if n.Status != "paid" || n.Ref == "" {
		return Settlement{}, fmt.Errorf("sandbox notification: status %q ref %q", n.Status, n.Ref)
	}
	return Settlement{Ref: n.Ref, AmountFen: n.AmountFen}, nil
}
