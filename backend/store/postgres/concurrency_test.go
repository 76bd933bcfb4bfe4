package postgres_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/studiodesk/studiodesk/backend/account"
	"github.com/studiodesk/studiodesk/backend/store"
	"github.com/studiodesk/studiodesk/backend/store/postgres"
	"github.com/studiodesk/studiodesk/backend/store/postgres/pgtest"
)

var t0 = time.Date(2026, 12, 4, 2, 0, 0, 0, time.UTC)

func open(t *testing.T, dsn string) store.Store {
	t.Helper()
	s, err := postgres.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// TestDeadlockedTransactionRunsAgain: two write transactions update two brands in opposite
// orders, so PostgreSQL finds a deadlock and aborts one of them (SQLSTATE 40P01). The store
// runs the aborted one again and both callers succeed.
func TestDeadlockedTransactionRunsAgain(t *testing.T) {
	s := open(t, pgtest.DSN(t))
	ctx := context.Background()
	tenant, brands := twoBrands(t, s)
	var attempts atomic.Int32
	var both sync.WaitGroup // each holds its first row lock before taking the second
	both.Add(2)
	errs := make(chan error, 2)
	for w := range 2 {
		first, second := brands[w], brands[1-w]
		go func() {
			tried := false
			errs <- s.Update(ctx, tenant.ID, func(tx store.Tx) error {
				attempts.Add(1)
				first.Name = fmt.Sprintf("%s改%d", brands[w].Name, w)
				if _, err := tx.UpdateBrand(ctx, first); err != nil {
					return err
				}
				if !tried { // only the first attempt waits for the other: a retry runs straight through
					tried = true
					both.Done()
					both.Wait()
				}
				second.Name = fmt.Sprintf("%s改%d", brands[1-w].Name, w)
				_, err := tx.UpdateBrand(ctx, second)
				return err
			})
		}()
	}
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatalf("a transaction failed instead of running again: %v", err)
		}
	}
	// Two, and the deadlock victim once more (or more often: its retry may take the row back
	// before the winner wakes up, which deadlocks them again).
	if n := attempts.Load(); n < 3 {
		t.Fatalf("%d attempts, want at least 3: the deadlock victim must run again", n)
	}
	var names [2]string
	if err := s.View(ctx, tenant.ID, func(tx store.Tx) error {
		for i, b := range brands {
			got, err := tx.GetBrand(ctx, b.ID)
			names[i] = got.Name
			if err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	// The transaction that committed last wrote both brands: their names end alike.
	if !strings.HasSuffix(names[1], names[0][len(names[0])-1:]) || !strings.Contains(names[0], "改") {
		t.Fatalf("brands named %q and %q: the retried transaction must have written both", names[0], names[1])
	}
}

// twoBrands makes a studio with two brands.
func twoBrands(t *testing.T, s store.Store) (account.Tenant, [2]account.Brand) {
	t.Helper()
	ctx := context.Background()
	var brands [2]account.Brand
	tenant, err := s.CreateTenant(ctx, account.Tenant{Name: "甲", CreatedAt: t0}, func(tx store.Tx) (err error) {
		for i := range brands {
			brands[i], err = tx.InsertBrand(ctx, account.Brand{Name: fmt.Sprint("品牌", i), Type: account.BrandWedding,
				DuplicatePolicy: account.DupReject, Timezone: account.DefaultTimezone, CreatedAt: t0, UpdatedAt: t0})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return tenant, brands
}

// crossedWrites runs two write transactions that each update both brands, in opposite
// orders, each appending a change after each update (as a push of two mutations does). The
// first attempt of each waits up to wait for the other to hold its first row; inner wraps
// each update (e.g. in a savepoint that swallows its failure). It returns the attempts.
func crossedWrites(t *testing.T, s store.Store, tenant account.Tenant, brands [2]account.Brand, wait time.Duration,
	inner func(tx store.Tx, fn func() error) error) int32 {
	t.Helper()
	ctx := context.Background()
	var attempts atomic.Int32
	var both sync.WaitGroup
	both.Add(2)
	errs := make(chan error, 2)
	for w := range 2 {
		order := [2]account.Brand{brands[w], brands[1-w]}
		go func() {
			tried := false
			errs <- s.Update(ctx, tenant.ID, func(tx store.Tx) error {
				attempts.Add(1)
				for i, b := range order {
					if i == 1 && !tried {
						tried = true
						both.Done()
						waitGroupFor(&both, wait)
					}
					b.Name = fmt.Sprintf("%s改%d", b.Name, w)
					err := inner(tx, func() error {
						if _, err := tx.UpdateBrand(ctx, b); err != nil {
							return err
						}
						_, err := tx.AppendChange(ctx, store.Change{Entity: "brand", EntityID: b.ID, At: t0})
						return err
					})
					if err != nil {
						return err
					}
				}
				return nil
			})
		}()
	}
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatalf("a transaction failed: %v", err)
		}
	}
	return attempts.Load()
}

func waitGroupFor(wg *sync.WaitGroup, d time.Duration) {
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(d):
	}
}

// TestStudioWritesQueueInsteadOfDeadlocking: once a studio has a change feed, its write
// transactions take the feed's counter row first, so two that would lock the same rows in
// opposite orders queue instead of deadlocking: no transaction runs twice.
func TestStudioWritesQueueInsteadOfDeadlocking(t *testing.T) {
	s := open(t, pgtest.DSN(t))
	tenant, brands := twoBrands(t, s)
	ctx := context.Background()
	if err := s.Update(ctx, tenant.ID, func(tx store.Tx) error {
		_, err := tx.AppendChange(ctx, store.Change{Entity: "brand", EntityID: brands[0].ID, At: t0})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	direct := func(_ store.Tx, fn func() error) error { return fn() }
	if n := crossedWrites(t, s, tenant, brands, 500*time.Millisecond, direct); n != 2 {
		t.Fatalf("%d attempts, want 2: the second transaction must wait for the first, not deadlock with it", n)
	}
}

// TestDeadlockInSwallowedSavepointRetriesAll: a deadlock inside a savepoint whose failure
// the caller swallows (a batch rejecting one item) still runs the whole transaction again,
// instead of committing it without that item.
func TestDeadlockInSwallowedSavepointRetriesAll(t *testing.T) {
	s := open(t, pgtest.DSN(t))
	tenant, brands := twoBrands(t, s) // no change feed yet: nothing queues the two
	ctx := context.Background()
	var swallowed atomic.Int32
	swallow := func(tx store.Tx, fn func() error) error {
		if err := tx.Savepoint(ctx, fn); err != nil {
			swallowed.Add(1)
		}
		return nil
	}
	if n := crossedWrites(t, s, tenant, brands, 5*time.Second, swallow); n < 3 || swallowed.Load() < 1 {
		t.Fatalf("%d attempts, %d swallowed failures; want a deadlock and the victim run again", n, swallowed.Load())
	}
	var feed []store.Change
	if err := s.View(ctx, tenant.ID, func(tx store.Tx) (err error) { feed, err = tx.Changes(ctx, 0, 100); return }); err != nil {
		t.Fatal(err)
	}
	if len(feed) != 4 {
		t.Fatalf("%d changes, want 4: both transactions wrote both brands", len(feed))
	}
}

// TestRetryableErrors: only deadlocks and serialization failures are worth another attempt.
func TestRetryableErrors(t *testing.T) {
	db, err := sql.Open("pgx", pgtest.DSN(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for code, want := range map[string]bool{"40P01": true, "40001": true, "23505": false, "42P01": false} {
		_, err := db.Exec(fmt.Sprintf(`DO $$ BEGIN RAISE EXCEPTION 'x' USING ERRCODE = '%s'; END $$`, code))
		if err == nil {
			t.Fatalf("%s: no error raised", code)
		}
		if got := postgres.IsRetryable(fmt.Errorf("wrapped: %w", err)); got != want {
			t.Errorf("IsRetryable(%s) = %v, want %v", code, got, want)
		}
	}
	if postgres.IsRetryable(errors.New("plain")) {
		t.Error("a plain error is not retryable")
	}
}

// TestLeaseSkipsLockedJobs: while another replica holds the first due job's row (mid-lease),
// a worker takes the next due job at once instead of waiting for that row.
func TestLeaseSkipsLockedJobs(t *testing.T) {
	dsn := pgtest.DSN(t)
	s := open(t, dsn)
	ctx := context.Background()
	tenant, err := s.CreateTenant(ctx, account.Tenant{Name: "甲", CreatedAt: t0}, func(store.Tx) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		if err := s.EnqueueJob(ctx, store.Job{Kind: "test", TenantID: tenant.ID, Key: fmt.Sprint(i), RunAt: t0.Add(time.Duration(i) * time.Second)}); err != nil {
			t.Fatal(err)
		}
	}
	other, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	holder, err := other.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Rollback()
	if _, err := holder.Exec(`SELECT id FROM jobs WHERE key = '0' FOR UPDATE`); err != nil {
		t.Fatal(err)
	}
	lctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	j, err := s.LeaseJob(lctx, "w", t0.Add(time.Minute), time.Minute)
	if err != nil {
		t.Fatalf("lease while the first job is locked: %v (a worker must not wait for a row another one holds)", err)
	}
	if j.Key != "1" {
		t.Fatalf("leased job %q, want the unlocked one, 1", j.Key)
	}
}

// TestJobsLeasedOnceAcrossReplicas: workers on two stores (two replicas' pools) drain a
// queue together; every job is leased exactly once and no worker gives up while jobs remain.
func TestJobsLeasedOnceAcrossReplicas(t *testing.T) {
	dsn := pgtest.DSN(t)
	replicas := []store.Store{open(t, dsn), open(t, dsn)}
	ctx := context.Background()
	tenant, err := replicas[0].CreateTenant(ctx, account.Tenant{Name: "甲", CreatedAt: t0}, func(store.Tx) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	const jobs = 60
	for i := range jobs {
		if err := replicas[0].EnqueueJob(ctx, store.Job{Kind: "test", TenantID: tenant.ID, Key: fmt.Sprint(i), RunAt: t0}); err != nil {
			t.Fatal(err)
		}
	}
	var mu sync.Mutex
	leased := map[string]int{}
	var wg sync.WaitGroup
	for w := range 8 {
		st := replicas[w%2]
		wg.Go(func() {
			for {
				j, err := st.LeaseJob(ctx, fmt.Sprint("w", w), t0.Add(time.Second), time.Hour)
				if errors.Is(err, store.ErrNotFound) {
					return
				}
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				leased[j.Key]++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(leased) != jobs {
		t.Fatalf("%d of %d jobs leased", len(leased), jobs)
	}
	for k, n := range leased {
		if n != 1 {
			t.Fatalf("job %s leased %d times", k, n)
		}
	}
}

// TestCountDoesNotQueueBehindWrites: while a studio write transaction holds the studio's
// change-feed counter, a counting transaction of the same studio (a guest's album view)
// goes through instead of waiting for it.
func TestCountDoesNotQueueBehindWrites(t *testing.T) {
	s := open(t, pgtest.DSN(t))
	tenant, brands := twoBrands(t, s)
	ctx := context.Background()
	appendChange := func(tx store.Tx) error {
		_, err := tx.AppendChange(ctx, store.Change{Entity: "brand", EntityID: brands[0].ID, At: t0})
		return err
	}
	if err := s.Update(ctx, tenant.ID, appendChange); err != nil { // the studio has a feed now
		t.Fatal(err)
	}
	holding, release := make(chan struct{}), make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- s.Update(ctx, tenant.ID, func(tx store.Tx) error {
			if err := appendChange(tx); err != nil {
				return err
			}
			close(holding)
			<-release
			return nil
		})
	}()
	<-holding
	cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	counted := s.Count(cctx, tenant.ID, func(tx store.Tx) error {
		b := brands[1]
		b.Name = "计数中"
		_, err := tx.UpdateBrand(cctx, b) // any row the writer does not hold
		return err
	})
	// A write of the same studio queues behind the holder until it lets go.
	wctx, wcancel := context.WithTimeout(ctx, 500*time.Millisecond)
	defer wcancel()
	queued := s.Update(wctx, tenant.ID, func(store.Tx) error { return nil })
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if counted != nil {
		t.Fatalf("counting transaction while a write held the studio: %v (it must not wait)", counted)
	}
	if queued == nil {
		t.Fatal("a second write went through while the first held the studio's counter: writes must queue")
	}
}
