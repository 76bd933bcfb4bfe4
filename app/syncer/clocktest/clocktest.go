// Package clocktest is a fake clock for the sync loop's tests: time moves only when the test
// calls Advance, and the test can wait until the loop is blocked on a timer.
package clocktest

import (
	"sync"
	"time"
)

// Clock is a settable clock whose timers fire on Advance. The zero value is not usable;
// call New.
type Clock struct {
	mu      sync.Mutex
	now     time.Time
	timers  []timer
	changed chan struct{} // closed and replaced whenever a timer is added
}

type timer struct {
	at time.Time
	ch chan time.Time
}

// New returns a clock reading start.
func New(start time.Time) *Clock {
	return &Clock{now: start, changed: make(chan struct{})}
}

// Now returns the fake time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// After returns a channel that receives the fake time once it has advanced by d (at once
// for d <= 0).
func (c *Clock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := make(chan time.Time, 1)
	if d <= 0 {
		ch <- c.now
	} else {
		c.timers = append(c.timers, timer{at: c.now.Add(d), ch: ch})
	}
	close(c.changed)
	c.changed = make(chan struct{})
	return ch
}

// Advance moves the clock forward by d and fires the timers due.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	keep := c.timers[:0]
	for _, t := range c.timers {
		if !t.at.After(c.now) {
			t.ch <- c.now
		} else {
			keep = append(keep, t)
		}
	}
	c.timers = keep
}

// Pending returns the delays from now of the timers not yet fired, in creation order.
func (c *Clock) Pending() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]time.Duration, 0, len(c.timers))
	for _, t := range c.timers {
		out = append(out, t.at.Sub(c.now))
	}
	return out
}

// WaitFor blocks until a pending timer fires exactly d from now, or timeout passes (real
// time), and reports whether one does: the test then knows the loop is waiting on it.
func (c *Clock) WaitFor(d, timeout time.Duration) bool {
	deadline := time.After(timeout)
	for {
		c.mu.Lock()
		found, changed := false, c.changed
		for _, t := range c.timers {
			found = found || t.at.Sub(c.now) == d
		}
		c.mu.Unlock()
		if found {
			return true
		}
		select {
		case <-changed:
		case <-deadline:
			return false
		}
	}
}
