// Package notifytest has test doubles for notification providers that have no real part to
// run in a test (SMS vendors).
package notifytest

import (
	"context"
	"errors"
	"sync"
)

// SMS records what it was asked to send; the first FailFirst sends fail (retries).
type SMS struct {
	Key       string
	FailFirst int

	mu   sync.Mutex
	sent []Sent
	hits int
}

// Sent is one recorded message.
type Sent struct{ Phone, Text string }

// Name implements notify.SMSSender.
func (s *SMS) Name() string {
	if s.Key == "" {
		return "test"
	}
	return s.Key
}

// SendSMS implements notify.SMSSender.
func (s *SMS) SendSMS(_ context.Context, phone, text string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hits++
	if s.hits <= s.FailFirst {
		return errors.New("sms gateway unavailable")
	}
	s.sent = append(s.sent, Sent{phone, text})
	return nil
}

// Sent returns what was delivered so far.
func (s *SMS) Sent() []Sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Sent(nil), s.sent...)
}
