package live_test

import (
	"context"
	"testing"
	"time"

	"github.com/studiodesk/studiodesk/backend/live"
)

func TestMemoryFansOutPerTopic(t *testing.T) {
	m := live.NewMemory()
	a1, c1 := m.Subscribe(live.AlbumTopic(1, 7))
	a2, c2 := m.Subscribe(live.AlbumTopic(1, 7))
	other, c3 := m.Subscribe(live.AlbumTopic(2, 7))
	defer c2()
	defer c3()
	if err := m.Publish(context.Background(), live.AlbumTopic(1, 7), []byte(`{"id":1}`)); err != nil {
		t.Fatal(err)
	}
	for _, ch := range []<-chan []byte{a1, a2} {
		select {
		case got := <-ch:
			if string(got) != `{"id":1}` {
				t.Fatalf("got %s", got)
			}
		case <-time.After(time.Second):
			t.Fatal("a subscriber got nothing")
		}
	}
	select {
	case got := <-other:
		t.Fatalf("another studio's album got %s", got)
	default:
	}
	c1()
	c1() // idempotent
	if n := m.Subscribers(live.AlbumTopic(1, 7)); n != 1 {
		t.Fatalf("%d subscribers after one cancelled", n)
	}
	// A subscriber that does not read loses events instead of blocking the publisher.
	for range 200 {
		m.Deliver(live.AlbumTopic(1, 7), []byte("x"))
	}
}
