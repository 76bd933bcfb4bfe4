// Package live carries "something new happened" events from where they happen (a photo of
// an album became ready) to the browsers watching (a live album's guests). A Broker fans
// events out to every subscriber of a topic in every server replica: Memory within one
// process; PostgreSQL's LISTEN/NOTIFY across replicas (store/postgres.Broker).
//
// Events are hints, not a log: a subscriber that falls behind loses events (its channel is
// bounded) and catches up by reloading, as a browser does after reconnecting.
package live

import (
	"context"
	"strconv"
	"sync"
)

// Broker publishes and delivers events.
type Broker interface {
	// Publish sends payload (small JSON, at most MaxPayload bytes) to the topic's subscribers.
	Publish(ctx context.Context, topic string, payload []byte) error
	// Subscribe delivers the topic's events until cancel is called.
	Subscribe(topic string) (events <-chan []byte, cancel func())
}

// MaxPayload bounds an event (PostgreSQL's NOTIFY takes under 8,000 bytes).
const MaxPayload = 7000

// AlbumTopic names the events of one album.
func AlbumTopic(tenantID, albumID int64) string {
	return "album:" + strconv.FormatInt(tenantID, 10) + ":" + strconv.FormatInt(albumID, 10)
}

// Memory is a Broker within one process; Deliver hands it events that arrived from
// elsewhere (the PostgreSQL listener).
type Memory struct {
	mu   sync.Mutex
	subs map[string]map[chan []byte]struct{}
}

// NewMemory makes an empty in-process broker.
func NewMemory() *Memory { return &Memory{subs: map[string]map[chan []byte]struct{}{}} }

func (m *Memory) Publish(_ context.Context, topic string, payload []byte) error {
	m.Deliver(topic, payload)
	return nil
}

// Deliver sends payload to this process's subscribers of topic, dropping it for one whose
// buffer is full.
func (m *Memory) Deliver(topic string, payload []byte) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for ch := range m.subs[topic] {
		select {
		case ch <- payload:
		default: // too slow: it reloads when it reconnects
		}
	}
}

func (m *Memory) Subscribe(topic string) (<-chan []byte, func()) {
	ch := make(chan []byte, 64)
	m.mu.Lock()
	if m.subs[topic] == nil {
		m.subs[topic] = map[chan []byte]struct{}{}
	}
	m.subs[topic][ch] = struct{}{}
	m.mu.Unlock()
	var once sync.Once
	return ch, func() {
		once.Do(func() {
			m.mu.Lock()
			delete(m.subs[topic], ch)
			if len(m.subs[topic]) == 0 {
				delete(m.subs, topic)
			}
			m.mu.Unlock()
		})
	}
}

// Subscribers counts the subscribers of a topic in this process (tests, metrics).
func (m *Memory) Subscribers(topic string) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.subs[topic])
}
