package main

import (
	"context"
	"encoding/json"
	"io"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/studiodesk/studiodesk/backend/account"
	"github.com/studiodesk/studiodesk/backend/lead"
	"github.com/studiodesk/studiodesk/backend/store"
	"github.com/studiodesk/studiodesk/backend/store/sqlite"
)

func TestPhonesAreUniqueAndNormalized(t *testing.T) {
	seen := make(map[string]bool, 300_000)
	for _, i := range append(seqInts(0, 200_000), seqInts(maxLeads-1000, maxLeads)...) {
		p := phoneOf(i)
		if n, err := account.NormalizePhone("phone", p); err != nil || n != p {
			t.Fatalf("phoneOf(%d) = %q is not a normalized mobile phone (%v)", i, p, err)
		}
		if seen[p] {
			t.Fatalf("phoneOf(%d) = %q repeats", i, p)
		}
		seen[p] = true
	}
}

func seqInts(from, to int) []int {
	out := make([]int, 0, to-from)
	for i := from; i < to; i++ {
		out = append(out, i)
	}
	return out
}

// smallEnv seeds a studio with n leads in a temp file, as run does.
func smallEnv(t *testing.T, n int) *env {
	t.Helper()
	if testing.Short() {
		t.Skip("seeds a database")
	}
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "leads.db")
	st, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	end := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	tenant, _, err := seedOrg(ctx, st, end.AddDate(0, 0, -365))
	if err != nil {
		t.Fatal(err)
	}
	o, err := loadOrg(ctx, st, tenant)
	if err != nil {
		t.Fatal(err)
	}
	d := &dataset{org: o, n: n, start: end.AddDate(0, 0, -365), end: end, seed: 1}
	if err := seedLeads(ctx, st, d, 500, io.Discard); err != nil {
		t.Fatal(err)
	}
	raw, err := openRaw(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return &env{cfg: Config{Iterations: 1, Warmup: 0}, st: st, raw: raw, eng: newEngine(path), d: d, log: io.Discard}
}

// The seeded leads are records the API itself would accept and store: each passes
// lead.Normalize unchanged for its brand, and the stored doc reads back equal.
func TestSeededLeadsAreValid(t *testing.T) {
	e := smallEnv(t, 2000)
	ctx := context.Background()
	states := map[string]int{}
	for i := range e.d.n {
		l, events := e.d.seeded(i)
		b := e.d.brand(l.BrandID)
		n, err := lead.Normalize(l, b.Type, b.Fields)
		if err != nil {
			t.Fatalf("lead %d does not normalize: %v", i, err)
		}
		if !reflect.DeepEqual(roundTrip(t, n), roundTrip(t, l)) {
			t.Fatalf("lead %d changes when normalized:\n%+v\n%+v", i, l, n)
		}
		if len(events) == 0 || events[0].Type != lead.EventCreated {
			t.Fatalf("lead %d: timeline does not start with its creation: %+v", i, events)
		}
		states[string(l.Validity)+"/"+string(l.Booking)+"/"+string(l.Store)]++
		if i == 0 || i == e.d.n-1 {
			var got lead.Lead
			err := e.st.View(ctx, e.tenant(), func(tx store.Tx) (err error) { got, err = tx.LeadByPhone(ctx, l.BrandID, l.Phone); return })
			if err != nil {
				t.Fatal(err)
			}
			l.ID, l.Version = got.ID, got.Version
			if !reflect.DeepEqual(roundTrip(t, got), roundTrip(t, l)) {
				t.Fatalf("lead %d reads back different:\n%+v\n%+v", i, got, l)
			}
		}
	}
	if len(states) < 12 {
		t.Errorf("only %d status combinations in 2,000 leads: %v", len(states), states)
	}
	for i := e.d.n; i < e.d.n+200; i++ {
		body, err := e.d.createBody(i, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		var in lead.Lead
		if err := json.Unmarshal(body, &in); err != nil {
			t.Fatal(err)
		}
		b := e.d.brand(in.BrandID)
		if _, err := lead.Normalize(in, b.Type, b.Fields); err != nil {
			t.Fatalf("create body %d is refused: %v: %s", i, err, body)
		}
	}
}

func roundTrip(t *testing.T, l lead.Lead) map[string]any {
	t.Helper()
	b, err := json.Marshal(l)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}
