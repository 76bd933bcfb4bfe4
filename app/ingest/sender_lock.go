package ingest

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/gofrs/flock"
)

// ErrQueueBusy means another StudioDesk process (the window, or a `studiodesk upload|watch`
// command) is sending this queue: two engines on one queue could send a file twice.
var ErrQueueBusy = errors.New("the upload queue is being sent by another StudioDesk process")

// LockSender makes this process the queue's only sender until release is called (an
// operating-system file lock beside the queue file, <queue>.lock: released by the system if
// the process dies). Another process holding it: ErrQueueBusy.
func (q *Queue) LockSender() (release func(), err error) {
	l := flock.New(q.path + ".lock")
	ok, err := l.TryLock()
	if err != nil {
		return nil, fmt.Errorf("lock upload queue: %w", err)
	}
	if !ok {
		return nil, ErrQueueBusy
	}
	return func() { _ = l.Unlock() }, nil
}

// WaitSender is LockSender that waits while another process sends the queue, trying again
// every poll; waiting(true) is called when it starts waiting and waiting(false) once the lock
// is taken. It returns ctx's error if ctx ends first.
func (q *Queue) WaitSender(ctx context.Context, poll time.Duration, waiting func(bool)) (release func(), err error) {
	told := false
	for {
		release, err := q.LockSender()
		if err == nil {
			if told {
				waiting(false)
			}
			return release, nil
		}
		if !errors.Is(err, ErrQueueBusy) {
			return nil, err
		}
		if !told {
			told = true
			waiting(true)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(poll):
		}
	}
}
