package ingest

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"
)

// One sender per queue file: a second LockSender (another process: the lock is the
// operating system's, per open file) is refused until the first lets go; WaitSender waits
// for it and says so.
func TestOneSenderPerQueue(t *testing.T) {
	path := filepath.Join(t.TempDir(), "uploads.db")
	ctx := context.Background()
	a, err := OpenQueue(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := OpenQueue(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	release, err := a.LockSender()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.LockSender(); !errors.Is(err, ErrQueueBusy) {
		t.Fatalf("second sender: %v", err)
	}
	states := make(chan bool, 4)
	got := make(chan func(), 1)
	go func() {
		r, err := b.WaitSender(ctx, 10*time.Millisecond, func(waiting bool) { states <- waiting })
		if err != nil {
			t.Error(err)
		}
		got <- r
	}()
	if w := <-states; !w {
		t.Fatal("WaitSender did not say it waits")
	}
	select {
	case <-got:
		t.Fatal("WaitSender took a held lock")
	case <-time.After(50 * time.Millisecond):
	}
	release()
	if w := <-states; w {
		t.Fatal("WaitSender did not say it stopped waiting")
	}
	(<-got)()
	// Cancelled while waiting: ctx's error, and nothing held.
	r, _ := a.LockSender()
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := b.WaitSender(cctx, time.Millisecond, func(bool) {}); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled wait: %v", err)
	}
	r()
}
