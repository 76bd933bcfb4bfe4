package postgres_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/studiodesk/studiodesk/backend/live"
	"github.com/studiodesk/studiodesk/backend/store/postgres"
	"github.com/studiodesk/studiodesk/backend/store/postgres/pgtest"
)

// TestBrokerFansOutAcrossReplicas: an event published through one replica's broker reaches
// a subscriber of another replica's, on the same database; other topics do not.
func TestBrokerFansOutAcrossReplicas(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	var brokers []*postgres.Broker
	for range 2 {
		st, err := postgres.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		b, err := postgres.NewBroker(ctx, dsn, st.WritePool())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { b.Close() })
		brokers = append(brokers, b)
	}
	a, cancelA := brokers[0].Subscribe(live.AlbumTopic(1, 9))
	defer cancelA()
	other, cancelO := brokers[0].Subscribe(live.AlbumTopic(2, 9))
	defer cancelO()
	if err := brokers[1].Publish(ctx, live.AlbumTopic(1, 9), []byte(`{"id":42,"filename":"婚纱.jpg"}`)); err != nil {
		t.Fatal(err)
	}
	select {
	case got := <-a:
		if string(got) != `{"id":42,"filename":"婚纱.jpg"}` {
			t.Fatalf("got %s", got)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the other replica's subscriber got nothing")
	}
	select {
	case got := <-other:
		t.Fatalf("another topic got %s", got)
	case <-time.After(200 * time.Millisecond):
	}
	if err := brokers[1].Publish(ctx, "x", []byte(`"`+strings.Repeat("x", live.MaxPayload)+`"`)); err == nil {
		t.Fatal("an event over the size limit was sent")
	}
}
