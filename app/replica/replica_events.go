package replica

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/studiodesk/studiodesk/backend/lead"
)

// Timeline returns the events the replica holds for a lead, oldest first: the server's
// timeline as last fetched (SaveTimeline) and the entries of local changes not yet on it.
func (r *Replica) Timeline(ctx context.Context, leadID int64) ([]lead.Event, error) {
	id, err := mapID(ctx, r.r, leadID)
	if err != nil {
		return nil, err
	}
	rows, err := r.r.QueryContext(ctx, "SELECT doc FROM events WHERE lead_id = ? ORDER BY at, seq", id)
	if err != nil {
		return nil, fmt.Errorf("read timeline of lead %d: %w", id, err)
	}
	defer rows.Close()
	out := []lead.Event{}
	for rows.Next() {
		var doc []byte
		if err := rows.Scan(&doc); err != nil {
			return nil, fmt.Errorf("read timeline of lead %d: %w", id, err)
		}
		var ev lead.Event
		if err := json.Unmarshal(doc, &ev); err != nil {
			return nil, fmt.Errorf("decode an event of lead %d: %w", id, err)
		}
		out = append(out, ev)
	}
	return out, rows.Err()
}

// SaveTimeline caches the server's timeline of a lead the replica holds, replacing the
// cached one and the confirmed local entries it now contains; entries of still-pending
// changes stay. A lead the replica does not hold is ignored (nothing of it is kept).
func (r *Replica) SaveTimeline(ctx context.Context, leadID int64, events []lead.Event) error {
	return r.write(ctx, func(tx querier) error {
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM leads WHERE id = ?", leadID).Scan(&n); err != nil {
			return fmt.Errorf("save timeline of lead %d: %w", leadID, err)
		}
		if n == 0 {
			return nil
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM events WHERE lead_id = ? AND mutation_id IS NULL", leadID); err != nil {
			return fmt.Errorf("save timeline of lead %d: %w", leadID, err)
		}
		for _, ev := range events {
			b, err := json.Marshal(ev)
			if err != nil {
				return fmt.Errorf("encode an event of lead %d: %w", leadID, err)
			}
			if _, err := tx.ExecContext(ctx, "INSERT INTO events (lead_id, server_id, at, doc) VALUES (?, ?, ?, ?)",
				leadID, ev.ID, ev.At.UnixMilli(), b); err != nil {
				return fmt.Errorf("save timeline of lead %d: %w", leadID, err)
			}
		}
		return nil
	})
}
