package sqldb

import (
	"testing"
	"time"
)

// TestAwaitSiblings: a leader whose last commit had several members holds the next one open
// until as many writers queue again, and no longer than CommitDelay when they do not come.
func TestAwaitSiblings(t *testing.T) {
	defer func(d time.Duration) { CommitDelay = d }(CommitDelay)

	t.Run("the writers of the last group join the next", func(t *testing.T) {
		CommitDelay = time.Hour // returning at all proves the arrivals ended the wait
		g := &group{last: 3, leading: true}
		g.queue = []*groupWork{{}}
		go func() {
			for range 2 {
				time.Sleep(time.Millisecond)
				if g.enqueue(&groupWork{}) {
					t.Error("a writer queued behind a leader was told to lead")
				}
			}
		}()
		g.mu.Lock()
		g.awaitSiblings()
		n := len(g.queue)
		g.mu.Unlock()
		if n != 3 {
			t.Fatalf("the leader went on with %d queued, want 3", n)
		}
	})
	t.Run("a lone writer is not kept waiting past the delay", func(t *testing.T) {
		CommitDelay = 20 * time.Millisecond
		g := &group{last: 8, leading: true}
		g.queue = []*groupWork{{}}
		began := time.Now()
		g.mu.Lock()
		g.awaitSiblings()
		g.mu.Unlock()
		if waited := time.Since(began); waited < CommitDelay {
			t.Fatalf("gave up after %s, before the delay of %s", waited, CommitDelay)
		}
	})
	t.Run("no wait after a commit of one or with the delay off", func(t *testing.T) {
		CommitDelay = time.Hour
		g := &group{last: 1, leading: true}
		g.queue = []*groupWork{{}}
		g.mu.Lock()
		g.awaitSiblings() // would block for an hour if it waited
		g.mu.Unlock()
		CommitDelay = 0
		g.last = 8
		g.mu.Lock()
		g.awaitSiblings()
		g.mu.Unlock()
	})
}
