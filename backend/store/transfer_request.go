package store

import (
	"context"
	"time"
)

// Transfer request statuses.
const (
	TransferPending  = "pending"
	TransferApproved = "approved"
	TransferRejected = "rejected"
)

// TransferRequest asks for a lead owned by someone else to be transferred to the requester.
// OwnerID is the owner when it was asked (the lead may have moved since).
type TransferRequest struct {
	ID             int64      `json:"id"`
	LeadID         int64      `json:"lead_id"`
	RequesterID    int64      `json:"requester_id"`
	OwnerID        int64      `json:"owner_id"`
	Reason         string     `json:"reason"`
	Status         string     `json:"status"`
	DecidedBy      int64      `json:"decided_by,omitempty"`
	DecisionReason string     `json:"decision_reason,omitempty"`
	CreatedAt      time.Time  `json:"created_at"`
	DecidedAt      *time.Time `json:"decided_at,omitempty"`
}

// TransferRequestTx is the transfer-request part of a tenant transaction.
type TransferRequestTx interface {
	// InsertTransferRequest stores a pending request; ErrConflict when the requester already
	// has one pending for the lead.
	InsertTransferRequest(ctx context.Context, r TransferRequest) (TransferRequest, error)
	GetTransferRequest(ctx context.Context, id int64) (TransferRequest, error)
	// ListTransferRequests returns requests newest first: of one status ("" = any), and of
	// one requester when requesterID is not 0.
	ListTransferRequests(ctx context.Context, status string, requesterID int64, limit int) ([]TransferRequest, error)
	// DecideTransferRequest moves a pending request to approved or rejected; ErrConflict
	// when it is no longer pending.
	DecideTransferRequest(ctx context.Context, r TransferRequest) error
}
