package sqlite_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/studiodesk/studiodesk/backend/account"
	"github.com/studiodesk/studiodesk/backend/store"
)

// TestGroupCommitSharesOneTransaction: writers that queue behind a running one commit
// together in one database transaction; one that fails or panics fails alone.
func TestGroupCommitSharesOneTransaction(t *testing.T) {
	ctx := context.Background()
	s, tenantID := openStudio(t, filepath.Join(t.TempDir(), "g.db"))
	insert := func(tx store.Tx, name string) error {
		_, err := tx.InsertChannel(ctx, account.Channel{Name: name, Active: true})
		return err
	}
	started, release := make(chan struct{}), make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		if err := s.Update(ctx, tenantID, func(tx store.Tx) error {
			close(started)
			<-release // holds the writer while the others queue
			return insert(tx, "领头")
		}); err != nil {
			t.Error(err)
		}
	})
	<-started
	const queued = 10
	results := make([]error, queued)
	panics := make([]any, queued)
	for i := range queued {
		wg.Go(func() {
			defer func() { panics[i] = recover() }()
			results[i] = s.Update(ctx, tenantID, func(tx store.Tx) error {
				if err := insert(tx, fmt.Sprintf("渠道%d", i)); err != nil {
					return err
				}
				switch i {
				case 3:
					return errors.New("boom")
				case 7:
					panic("kaboom")
				}
				return nil
			})
		})
	}
	waitFor(t, func() bool { return s.WriteQueue() == queued })
	close(release)
	wg.Wait()
	for i := range queued {
		switch {
		case i == 3 && (results[i] == nil || results[i].Error() != "boom"):
			t.Errorf("writer 3: %v", results[i])
		case i == 7 && panics[i] != "kaboom":
			t.Errorf("writer 7 panic: %v", panics[i])
		case i != 3 && i != 7 && (results[i] != nil || panics[i] != nil):
			t.Errorf("writer %d: %v %v", i, results[i], panics[i])
		}
	}
	batches, members := s.GroupStats()
	if batches != 2 || members != 1+queued-2 {
		t.Errorf("batches=%d members=%d, want 2 and %d", batches, members, 1+queued-2)
	}
	if err := s.View(ctx, tenantID, func(tx store.Tx) error {
		chans, err := tx.ListChannels(ctx)
		if len(chans) != 1+queued-2 {
			t.Errorf("%d channels kept, want %d", len(chans), 1+queued-2)
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
}

func waitFor(t *testing.T, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !ok(); {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached in 10 s")
		}
		time.Sleep(time.Millisecond)
	}
}

// TestCheckpointsRunBesideTheWriter: the writer never checkpoints inside its commits, and
// the background checkpointer still moves committed pages into the database file.
func TestCheckpointsRunBesideTheWriter(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "c.db")
	s, tenantID := openStudio(t, path)
	size := func() int64 {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		return fi.Size()
	}
	waitFor(t, func() bool { return size() > 0 })
	before := size()
	long := strings.Repeat("渠", 300)
	if err := s.Update(ctx, tenantID, func(tx store.Tx) error {
		for i := range 2000 {
			if _, err := tx.InsertChannel(ctx, account.Channel{Name: fmt.Sprintf("%s%d", long, i), Active: true}); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return size() > before+1<<20 }) // ~2 MB of rows reached the file
}

// TestLoneWriterPanicRollsBack: a write transaction alone in its group that panics is
// rolled back, the panic reaches its caller, and the writer stays usable.
func TestLoneWriterPanicRollsBack(t *testing.T) {
	ctx := context.Background()
	s, tenantID := openStudio(t, filepath.Join(t.TempDir(), "p.db"))
	func() {
		defer func() {
			if p := recover(); p != "kaboom" {
				t.Errorf("recovered %v, want kaboom", p)
			}
		}()
		_ = s.Update(ctx, tenantID, func(tx store.Tx) error {
			if _, err := tx.InsertChannel(ctx, account.Channel{Name: "半截", Active: true}); err != nil {
				return err
			}
			panic("kaboom")
		})
	}()
	if err := s.Update(ctx, tenantID, func(tx store.Tx) error {
		_, err := tx.InsertChannel(ctx, account.Channel{Name: "之后", Active: true})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if err := s.View(ctx, tenantID, func(tx store.Tx) error {
		chans, err := tx.ListChannels(ctx)
		if len(chans) != 1 || chans[0].Name != "之后" {
			t.Errorf("channels %+v, want only 之后", chans)
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
}
