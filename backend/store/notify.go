package store

import (
	"context"
	"encoding/json"
	"time"

	"github.com/studiodesk/studiodesk/backend/album"
)

// NotifyTx is the customer-notification part of a tenant transaction: the studio's setup and
// the outbox.
type NotifyTx interface {
	// NotifySettings returns the studio's notification setup as stored (JSON); ErrNotFound
	// before the studio saved one.
	NotifySettings(ctx context.Context) (json.RawMessage, error)
	SetNotifySettings(ctx context.Context, config json.RawMessage, now time.Time) error
	// InsertOutbox adds a pending message once per DedupeKey; created is false (and the stored
	// message returned) when it was already there.
	InsertOutbox(ctx context.Context, m OutboxMessage) (out OutboxMessage, created bool, err error)
	GetOutbox(ctx context.Context, id int64) (OutboxMessage, error)
	// SetOutboxResult records a delivery attempt: status sent (with sentAt), pending (to be
	// retried) or failed, and the last error.
	SetOutboxResult(ctx context.Context, id int64, status string, attempts int, lastError string, sentAt *time.Time) error
	// ListOutbox returns an album's messages (albumID 0: the whole studio's), newest first.
	ListOutbox(ctx context.Context, albumID int64, limit int) ([]OutboxMessage, error)
}

// OutboxMessage is one notification waiting to be sent, sent, or failed.
type OutboxMessage struct {
	ID        int64           `json:"id"`
	AlbumID   int64           `json:"album_id,omitempty"`
	Kind      string          `json:"kind"`
	Channel   string          `json:"channel"`
	Recipient string          `json:"recipient"`
	Subject   string          `json:"subject"`
	Body      string          `json:"body"`
	Data      json.RawMessage `json:"data,omitempty"`
	Status    string          `json:"status"`
	Attempts  int             `json:"attempts"`
	LastError string          `json:"last_error,omitempty"`
	DedupeKey string          `json:"-"`
	CreatedAt time.Time       `json:"created_at"`
	SentAt    *time.Time      `json:"sent_at,omitempty"`
}

// Outbox statuses.
const (
	OutboxPending = "pending"
	OutboxSent    = "sent"
	OutboxFailed  = "failed"
)

// PageTx is the studio's public "my photos" page.
type PageTx interface {
	// EnsureStudioSlug returns the studio's page slug, storing candidate first when it has none.
	EnsureStudioSlug(ctx context.Context, candidate string) (string, error)
	// OrdersByPhone returns the studio's orders with this normalized phone.
	OrdersByPhone(ctx context.Context, phone string) ([]album.Order, error)
}

// PageStore finds a studio from its page slug (no studio is known yet).
type PageStore interface {
	// TenantBySlug returns the studio of a "my photos" page; ErrNotFound when unknown.
	TenantBySlug(ctx context.Context, slug string) (int64, error)
}
