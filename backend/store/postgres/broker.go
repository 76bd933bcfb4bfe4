package postgres

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/studiodesk/studiodesk/backend/live"
)

// liveChannel is the one NOTIFY channel of live events; the topic travels in the payload.
const liveChannel = "studiodesk_live"

// Broker is a live.Broker across server replicas: Publish is NOTIFY in the database every
// replica shares, and each replica's listener connection (LISTEN) hands what arrives to its
// local subscribers. A lost listener connection reconnects by itself; events sent while it
// was away are lost, which subscribers absorb by reloading (live.Broker's contract).
type Broker struct {
	pool  *sql.DB
	local *live.Memory
	stop  context.CancelFunc
	done  chan struct{}
}

var _ live.Broker = (*Broker)(nil)

type envelope struct {
	Topic   string          `json:"t"`
	Payload json.RawMessage `json:"p"`
}

// NewBroker starts listening on the database at dsn; pool (the store's) sends the NOTIFYs.
// Close stops it.
func NewBroker(ctx context.Context, dsn string, pool *sql.DB) (*Broker, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("live events on postgres %s: the address is not a valid PostgreSQL URL", Redact(dsn))
	}
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("live events on postgres %s: %w", Redact(dsn), err)
	}
	if _, err := conn.Exec(ctx, "LISTEN "+liveChannel); err != nil {
		conn.Close(ctx)
		return nil, fmt.Errorf("live events: listen: %w", err)
	}
	lctx, stop := context.WithCancel(context.Background())
	b := &Broker{pool: pool, local: live.NewMemory(), stop: stop, done: make(chan struct{})}
	go b.listen(lctx, cfg, conn)
	return b, nil
}

func (b *Broker) listen(ctx context.Context, cfg *pgx.ConnConfig, conn *pgx.Conn) {
	defer close(b.done)
	var once sync.Once
	closeConn := func() { once.Do(func() { conn.Close(context.Background()) }) }
	defer func() { closeConn() }()
	for {
		n, err := conn.WaitForNotification(ctx)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			// Reconnect with a pause; events meanwhile are lost (subscribers reload).
			closeConn()
			for {
				select {
				case <-ctx.Done():
					return
				case <-time.After(time.Second):
				}
				c, err := pgx.ConnectConfig(ctx, cfg)
				if err == nil {
					if _, err = c.Exec(ctx, "LISTEN "+liveChannel); err == nil {
						conn, once = c, sync.Once{}
						break
					}
					c.Close(ctx)
				}
			}
			continue
		}
		var e envelope
		if json.Unmarshal([]byte(n.Payload), &e) == nil {
			b.local.Deliver(e.Topic, e.Payload)
		}
	}
}

// Publish implements live.Broker.
func (b *Broker) Publish(ctx context.Context, topic string, payload []byte) error {
	msg, err := json.Marshal(envelope{Topic: topic, Payload: payload})
	if err != nil {
		return err
	}
	if len(msg) > live.MaxPayload {
		return fmt.Errorf("live event of %d bytes is over %d", len(msg), live.MaxPayload)
	}
	_, err = b.pool.ExecContext(ctx, `SELECT pg_notify($1, $2)`, liveChannel, string(msg))
	return err
}

// Subscribe implements live.Broker.
func (b *Broker) Subscribe(topic string) (<-chan []byte, func()) { return b.local.Subscribe(topic) }

// Close stops listening.
func (b *Broker) Close() error {
	b.stop()
	<-b.done
	return nil
}
