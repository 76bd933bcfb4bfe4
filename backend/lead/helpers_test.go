package lead

import (
	"encoding/json"
	"errors"
	"testing"
	"time"
)

// t0 is "now" in every test: a fixed instant, so no test reads the clock.
var t0 = time.Date(2025, 5, 20, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))

// fieldErr is the shape the API maps to a localized 400.
type fieldErr interface {
	error
	Field() string
	Code() string
	Params() map[string]any
}

// wantErr fails unless err carries code (and field, when given).
func wantErr(t *testing.T, err error, field, code string) fieldErr {
	t.Helper()
	var fe fieldErr
	if !errors.As(err, &fe) {
		t.Fatalf("want error %s/%s, got %v", field, code, err)
	}
	if fe.Code() != code || (field != "" && fe.Field() != field) {
		t.Fatalf("want error %s/%s, got %s/%s (%v)", field, code, fe.Field(), fe.Code(), err)
	}
	return fe
}

func noErr(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
}

// data decodes an event's data for assertions.
func data(t *testing.T, ev Event) map[string]any {
	t.Helper()
	if ev.Data == nil {
		return map[string]any{}
	}
	var m map[string]any
	if err := json.Unmarshal(ev.Data, &m); err != nil {
		t.Fatalf("event data %s: %v", ev.Data, err)
	}
	return m
}

func ptr[T any](v T) *T { return &v }
