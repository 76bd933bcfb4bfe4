package watch

import (
	"errors"

	"github.com/fsnotify/fsnotify"
)

// FSNotify is the operating system's file-system events (inotify, ReadDirectoryChangesW,
// kqueue/FSEvents) as a Source.
func FSNotify() (Source, error) {
	fw, err := fsnotify.NewBufferedWatcher(4096)
	if err != nil {
		return nil, err
	}
	s := &fsSource{w: fw, events: make(chan Event, 4096), done: make(chan struct{})}
	go s.pump()
	return s, nil
}

type fsSource struct {
	w      *fsnotify.Watcher
	events chan Event
	done   chan struct{}
}

func (s *fsSource) Add(dir string) error    { return s.w.Add(dir) }
func (s *fsSource) Remove(dir string) error { return s.w.Remove(dir) }
func (s *fsSource) Events() <-chan Event    { return s.events }

func (s *fsSource) Close() error {
	err := s.w.Close()
	<-s.done
	return err
}

// pump turns fsnotify's events and errors into Events: any error (the event queue
// overflowed, a watch was lost) asks for a rescan.
func (s *fsSource) pump() {
	defer close(s.done)
	defer close(s.events)
	for {
		select {
		case ev, ok := <-s.w.Events:
			if !ok {
				return
			}
			op := OpChange
			if ev.Has(fsnotify.Remove) || ev.Has(fsnotify.Rename) {
				op = OpRemove // the path may be gone; examine decides
			}
			s.events <- Event{Op: op, Path: ev.Name}
		case err, ok := <-s.w.Errors:
			if !ok {
				return
			}
			// ErrEventOverflow, or a watch the OS dropped: events were lost.
			_ = errors.Is(err, fsnotify.ErrEventOverflow)
			s.events <- Event{Op: OpOverflow}
		}
	}
}
