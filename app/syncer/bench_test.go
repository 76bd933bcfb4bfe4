package syncer_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/studiodesk/studiodesk/app/replica"
	"github.com/studiodesk/studiodesk/app/syncer"
	"github.com/studiodesk/studiodesk/backend/api"
	"github.com/studiodesk/studiodesk/backend/lead"
)

// Benchmarks of the sync loop against a real server on loopback (httptest, SQLite file),
// client and server sharing the machine. Run: go test -run XXX -bench . ./app/syncer/

// realSizes is the syncer's production configuration (the tests' tiny batches off).
func realSizes(c *syncer.Config) { c.PushBatch, c.PullLimit, c.SnapshotLimit = 0, 0, 0 }

// BenchmarkEditRoundTrip: a booker renames a note on a lead (applied locally, pushed), and a
// manager's desktop pulls until it shows the change. Each op is one edit; p95_ms is the p95
// of local apply -> server -> the other replica has it, with the other desktop pulling right
// after the push (in the app it pulls on its next round: every few seconds, or at once when
// told by a push notification).
func BenchmarkEditRoundTrip(b *testing.B) {
	s := newStudio(b)
	s.addStaff("booker", "13700000001", "booking", s.dept)
	s.addStaff("manager", "13700000002", "manager", 0)
	l := s.lead("往返客户", "13912345678", "booker")
	a, m := s.client("booker", realSizes), s.client("manager", realSizes)
	ctx := context.Background()
	for _, c := range []*client{a, m} {
		if err := c.sync.Sync(ctx); err != nil {
			b.Fatal(err)
		}
	}
	durs := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := range b.N {
		note := "第" + strconv.Itoa(i) + "次跟进"
		start := time.Now()
		if _, err := a.rep.Enqueue(ctx, replica.UpdateLead(l.ID, lead.Patch{Notes: &note})); err != nil {
			b.Fatal(err)
		}
		if err := a.sync.Sync(ctx); err != nil {
			b.Fatal(err)
		}
		for {
			if err := m.sync.Sync(ctx); err != nil {
				b.Fatal(err)
			}
			it, err := m.rep.Get(ctx, l.ID)
			if err != nil {
				b.Fatal(err)
			}
			if it.Notes == note {
				break
			}
			if time.Since(start) > 10*time.Second {
				b.Fatalf("edit %d not seen by the other desktop after 10 s", i)
			}
		}
		durs = append(durs, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(durs)
	b.ReportMetric(float64(durs[len(durs)*95/100].Microseconds())/1e3, "p95_ms")
}

// BenchmarkInitialSync: a fresh desktop of a member who sees SYNC_BENCH_LEADS leads (default
// 100,000; seeded once through the server's push, which takes a couple of minutes) snapshots
// them into an empty replica. One op is one complete first sync; s/op is the figure.
func BenchmarkInitialSync(b *testing.B) {
	n := 100_000
	if v := os.Getenv("SYNC_BENCH_LEADS"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil {
			b.Fatal(err)
		}
	}
	s := newStudio(b)
	s.addStaff("manager", "13700000002", "manager", 0)
	seedStart := time.Now()
	seedByPush(b, s, n)
	b.Logf("seeded %d leads through push in %v", n, time.Since(seedStart).Round(time.Second))
	ctx := context.Background()
	var cpu float64
	b.ResetTimer()
	for range b.N {
		c := s.client("manager", realSizes)
		before := cpuSeconds()
		if err := c.sync.Sync(ctx); err != nil {
			b.Fatal(err)
		}
		cpu += cpuSeconds() - before
		b.StopTimer()
		if st, err := c.rep.Stats(ctx); err != nil || st.Leads != n {
			b.Fatalf("replica holds %d leads, want %d (%v)", st.Leads, n, err)
		}
		b.StartTimer()
	}
	// CPU of the server's snapshot pages and the desktop's inserts together: on a shared,
	// loaded machine the wall time says more about the neighbours than about the sync.
	b.ReportMetric(cpu/float64(b.N), "cpu-s/op")
}

// seedByPush creates n leads of the studio's brand and branch through push batches of 1000,
// two at a time.
func seedByPush(b testing.TB, s *studio, n int) {
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 2)
	const batch = 1000
	for w := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for from := w * batch; from < n; from += 2 * batch {
				var ms []api.Mutation
				for i := from; i < min(from+batch, n); i++ {
					args, _ := json.Marshal(lead.Lead{BrandID: s.brand, BranchID: s.branch, Name: fmt.Sprintf("客户%06d", i),
						Phone: fmt.Sprintf("139%08d", i), Source: lead.SourceAd})
					ms = append(ms, api.Mutation{ID: uuid.NewString(), Name: replica.MutCreate, Args: args})
				}
				res, err := s.admin.Push(ctx, ms)
				if err != nil {
					errs <- err
					return
				}
				for _, r := range res.Results {
					if r.Status != "applied" {
						errs <- fmt.Errorf("seed: %+v", r)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
}
