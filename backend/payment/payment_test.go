package payment

import (
	"context"
	"errors"
	"strings"
	"testing"
)

func TestSandboxSignsAndVerifies(t *testing.T) {
	ctx := context.Background()
	s := &Sandbox{Secret: []byte("k"), BaseURL: "http://127.0.0.1:1"}
	co, err := s.Start(ctx, Purchase{Credits: 10, AmountFen: 1000})
	if err != nil || !strings.HasPrefix(co.Ref, "SBX") || !strings.HasSuffix(co.PayURL, co.Ref) {
		t.Fatalf("checkout %+v %v", co, err)
	}
	body, sig := s.Notify(co.Ref, 1000)
	st, err := s.Verify(ctx, body, sig)
	if err != nil || st.Ref != co.Ref || st.AmountFen != 1000 {
		t.Fatalf("verify %+v %v", st, err)
	}
	tampered := []byte(strings.Replace(string(body), "1000", "9000", 1))
	if _, err := s.Verify(ctx, tampered, sig); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("tampered body: %v", err)
	}
	other := &Sandbox{Secret: []byte("other")}
	if _, err := other.Verify(ctx, body, sig); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("other secret: %v", err)
	}
	if _, err := (&Sandbox{}).Verify(ctx, body, sig); !errors.Is(err, ErrBadSignature) {
		t.Fatal("a sandbox without a secret must refuse everything")
	}
	if _, err := (Manual{}).Verify(ctx, body, sig); !errors.Is(err, ErrNoWebhook) {
		t.Fatalf("manual webhook: %v", err)
	}
	a, _ := Manual{}.Start(ctx, Purchase{})
	b, _ := Manual{}.Start(ctx, Purchase{})
	if a.Ref == b.Ref || !strings.HasPrefix(a.Ref, "M") {
		t.Fatalf("manual refs %q %q", a.Ref, b.Ref)
	}
}
