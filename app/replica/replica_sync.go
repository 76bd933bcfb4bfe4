package replica

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/studiodesk/studiodesk/backend/account"
	"github.com/studiodesk/studiodesk/backend/api"
	"github.com/studiodesk/studiodesk/backend/lead"
)

// Brand is a brand's reference data: what the optimistic rules need to normalize and
// validate its leads (type, custom fields) and to judge duplicates (policy).
type Brand struct {
	account.Brand
	Fields []lead.CustomField `json:"fields"`
}

// SetBrands replaces the replica's brands.
func (r *Replica) SetBrands(ctx context.Context, brands []Brand) error {
	return r.write(ctx, func(tx querier) error {
		if _, err := tx.ExecContext(ctx, "DELETE FROM brands"); err != nil {
			return fmt.Errorf("replace brands: %w", err)
		}
		for _, b := range brands {
			doc, err := json.Marshal(b.Brand)
			if err != nil {
				return fmt.Errorf("encode brand %d: %w", b.ID, err)
			}
			fields := b.Fields
			if fields == nil {
				fields = []lead.CustomField{}
			}
			fb, err := json.Marshal(fields)
			if err != nil {
				return fmt.Errorf("encode fields of brand %d: %w", b.ID, err)
			}
			if _, err := tx.ExecContext(ctx, "INSERT INTO brands (id, doc, fields) VALUES (?, ?, ?)", b.ID, doc, fb); err != nil {
				return fmt.Errorf("save brand %d: %w", b.ID, err)
			}
		}
		return nil
	})
}

// Brands lists the replica's brands by id.
func (r *Replica) Brands(ctx context.Context) ([]Brand, error) {
	rows, err := r.r.QueryContext(ctx, "SELECT id FROM brands ORDER BY id")
	if err != nil {
		return nil, fmt.Errorf("list brands: %w", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, fmt.Errorf("list brands: %w", err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	out := []Brand{}
	for _, id := range ids {
		b, err := brandInfo(ctx, r.r, id)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, nil
}

func brandInfo(ctx context.Context, q querier, id int64) (Brand, error) {
	var b Brand
	var doc, fields []byte
	err := q.QueryRowContext(ctx, "SELECT doc, fields FROM brands WHERE id = ?", id).Scan(&doc, &fields)
	if errors.Is(err, sql.ErrNoRows) {
		return b, fmt.Errorf("brand %d: %w", id, ErrUnknownBrand)
	}
	if err != nil {
		return b, fmt.Errorf("read brand %d: %w", id, err)
	}
	if err := json.Unmarshal(doc, &b.Brand); err != nil {
		return b, fmt.Errorf("decode brand %d: %w", id, err)
	}
	if err := json.Unmarshal(fields, &b.Fields); err != nil {
		return b, fmt.Errorf("decode fields of brand %d: %w", id, err)
	}
	return b, nil
}

// SnapshotState is where a first sync stands: the next page to fetch ("" = start over from
// the first) and how many leads the running snapshot has received.
type SnapshotState struct {
	Next   string `json:"next,omitempty"`
	Loaded int    `json:"loaded"`
	// Started: a snapshot is under way (resume from Next after a restart).
	Started bool `json:"started"`
}

// Snapshot returns the state of the first sync.
func (r *Replica) Snapshot(ctx context.Context) (SnapshotState, error) {
	var s SnapshotState
	var err error
	if s.Next, err = r.meta(ctx, r.r, metaSnapNext); err != nil {
		return s, err
	}
	started, err := r.meta(ctx, r.r, metaSnapStarted)
	if err != nil {
		return s, err
	}
	s.Started = started != ""
	loaded, err := r.meta(ctx, r.r, metaSnapLoaded)
	s.Loaded, _ = strconv.Atoi(loaded)
	return s, err
}

// ApplySnapshotPage stores one page of a first sync in one transaction: its leads (as the
// server's copies, rebased under pending changes) and the paging state. The first page's
// feed position is kept; when the last page (Next "") is stored it becomes the cursor to pull
// from, so changes made while paging are pulled again (upserts are idempotent).
func (r *Replica) ApplySnapshotPage(ctx context.Context, page api.Snapshot) (SnapshotState, error) {
	var st SnapshotState
	err := r.write(ctx, func(tx querier) error {
		started, err := r.meta(ctx, tx, metaSnapStarted)
		if err != nil {
			return err
		}
		var bulk bool
		if started == "" {
			if err := setMeta(ctx, tx, metaSnapStarted, "1"); err != nil {
				return err
			}
			if err := setMeta(ctx, tx, metaSnapCursor, page.Cursor); err != nil {
				return err
			}
			if bulk, err = bulkStart(ctx, tx); err != nil {
				return err
			}
		} else {
			v, err := r.meta(ctx, tx, metaSnapIndexes)
			if err != nil {
				return err
			}
			bulk = v != ""
		}
		pending, err := pendingLeads(ctx, tx)
		if err != nil {
			return err
		}
		for _, l := range page.Leads {
			if bulk && !pending[l.ID] {
				// Into an empty replica, each lead once (the snapshot pages by a unique key):
				// nothing to read back or unindex first.
				if err := writeRow(ctx, tx, row{id: l.ID, doc: &l, server: &l, serverVersion: l.Version}); err != nil {
					return err
				}
				continue
			}
			if err := r.upsertServer(ctx, tx, l, pending[l.ID]); err != nil {
				return err
			}
		}
		loaded, err := r.meta(ctx, tx, metaSnapLoaded)
		if err != nil {
			return err
		}
		st.Loaded, _ = strconv.Atoi(loaded)
		st.Loaded += len(page.Leads)
		st.Next, st.Started = page.Next, page.Next != ""
		if page.Next != "" {
			if err := setMeta(ctx, tx, metaSnapLoaded, strconv.Itoa(st.Loaded)); err != nil {
				return err
			}
			return setMeta(ctx, tx, metaSnapNext, page.Next)
		}
		cursor, err := r.meta(ctx, tx, metaSnapCursor)
		if err != nil {
			return err
		}
		if err := setMeta(ctx, tx, metaCursor, cursor); err != nil {
			return err
		}
		if err := r.restoreIndexes(ctx, tx); err != nil {
			return err
		}
		if err := analyze(ctx, tx); err != nil {
			return err
		}
		return deleteMeta(ctx, tx, metaSnapCursor, metaSnapNext, metaSnapStarted, metaSnapLoaded)
	})
	return st, err
}

// upsertServer stores a server copy (unless the replica holds a newer one) and rebases the
// lead when changes are pending on it; otherwise the optimistic copy is the server's.
func (r *Replica) upsertServer(ctx context.Context, tx querier, l lead.Lead, pending bool) error {
	rw, found, err := loadRow(ctx, tx, l.ID)
	if err != nil {
		return err
	}
	if found && rw.server != nil && rw.serverVersion > l.Version {
		return nil
	}
	rw.id, rw.server, rw.serverVersion = l.ID, &l, l.Version
	if !pending {
		rw.doc, rw.pending = &l, 0
		return putRow(ctx, tx, rw)
	}
	if rw.doc == nil {
		rw.doc = &l
	}
	if err := putRow(ctx, tx, rw); err != nil {
		return err
	}
	return r.recompute(ctx, tx, l.ID)
}

// Pulled says what ApplyPull did.
type Pulled struct {
	Upserted int `json:"upserted"`
	Removed  int `json:"removed"`
}

// ApplyPull stores one page of the change feed in one transaction with the new cursor:
// upserts take the server's copy (rebasing pending changes on top), removals drop the lead
// and its cached timeline (pending changes of it stay in the outbox; the server will refuse
// them and the user sees why).
func (r *Replica) ApplyPull(ctx context.Context, p api.Pull) (Pulled, error) {
	var out Pulled
	err := r.write(ctx, func(tx querier) error {
		pending, err := pendingLeads(ctx, tx)
		if err != nil {
			return err
		}
		for _, c := range p.Changes {
			switch {
			case c.Op == "upsert" && c.Lead != nil:
				if err := r.upsertServer(ctx, tx, *c.Lead, pending[c.ID]); err != nil {
					return err
				}
				out.Upserted++
			case c.Op == "remove":
				if err := putRow(ctx, tx, row{id: c.ID}); err != nil {
					return err
				}
				if _, err := tx.ExecContext(ctx, "DELETE FROM events WHERE lead_id = ? AND mutation_id IS NULL", c.ID); err != nil {
					return fmt.Errorf("drop timeline of lead %d: %w", c.ID, err)
				}
				out.Removed++
			}
		}
		return setMeta(ctx, tx, metaCursor, p.Cursor)
	})
	return out, err
}

// Reset drops the replicated data — leads, cached timelines, the cursor and snapshot
// progress — for a changed role or scope, or a cursor the server no longer accepts, and
// records the current grant's fingerprint. The outbox is kept (those are the user's edits):
// leads created here are rebuilt from it at once, changes of server leads are rebased when
// the snapshot brings those leads back.
func (r *Replica) Reset(ctx context.Context) error {
	return r.write(ctx, func(tx querier) error {
		if err := r.restoreIndexes(ctx, tx); err != nil { // a first sync was under way
			return err
		}
		for _, q := range []string{"DELETE FROM leads", "DELETE FROM lead_docs", "DELETE FROM lead_phones", "DELETE FROM leads_fts",
			"DELETE FROM events WHERE mutation_id IS NULL"} {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return fmt.Errorf("reset replica: %w", err)
			}
		}
		if err := deleteMeta(ctx, tx, metaCursor, metaSnapCursor, metaSnapNext, metaSnapStarted, metaSnapLoaded); err != nil {
			return err
		}
		if err := setMeta(ctx, tx, metaFingerprint, Fingerprint(r.sess)); err != nil {
			return err
		}
		ids, err := pendingLeads(ctx, tx)
		if err != nil {
			return err
		}
		for id := range ids {
			if id < 0 {
				if err := r.recompute(ctx, tx, id); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// analyze refreshes the planner's statistics after a bulk load, sampling (analysis_limit)
// so it takes milliseconds even at a million leads: with them SQLite picks the narrowest
// index for combined filters.
func analyze(ctx context.Context, q querier) error {
	for _, stmt := range []string{"PRAGMA analysis_limit = 1000", "ANALYZE"} {
		if _, err := q.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("analyze the replica: %w", err)
		}
	}
	return nil
}

// bulkStart prepares a first sync into an empty replica: the secondary indexes of leads and
// their phones are dropped (their CREATE statements kept in meta, in the same transaction) and
// built once after the last page, which is several times cheaper than updating thirteen
// indexes row by row. It reports whether it did (the replica already holding leads: no).
func bulkStart(ctx context.Context, tx querier) (bool, error) {
	var held int
	if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM (SELECT 1 FROM leads LIMIT 1)").Scan(&held); err != nil || held > 0 {
		return false, err
	}
	rows, err := tx.QueryContext(ctx, `SELECT name, sql FROM sqlite_master
		WHERE type = 'index' AND tbl_name IN ('leads', 'lead_phones') AND sql IS NOT NULL ORDER BY name`)
	if err != nil {
		return false, fmt.Errorf("list the replica's indexes: %w", err)
	}
	var names, stmts []string
	for rows.Next() {
		var name, stmt string
		if err := rows.Scan(&name, &stmt); err != nil {
			rows.Close()
			return false, err
		}
		names, stmts = append(names, name), append(stmts, stmt)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil || len(stmts) == 0 {
		return false, err
	}
	b, err := json.Marshal(stmts)
	if err != nil {
		return false, err
	}
	if err := setMeta(ctx, tx, metaSnapIndexes, string(b)); err != nil {
		return false, err
	}
	for _, n := range names {
		if _, err := tx.ExecContext(ctx, `DROP INDEX "`+n+`"`); err != nil {
			return false, fmt.Errorf("drop index %s for the first sync: %w", n, err)
		}
	}
	return true, nil
}

// restoreIndexes builds the indexes bulkStart dropped, if any.
func (r *Replica) restoreIndexes(ctx context.Context, tx querier) error {
	v, err := r.meta(ctx, tx, metaSnapIndexes)
	if err != nil || v == "" {
		return err
	}
	var stmts []string
	if err := json.Unmarshal([]byte(v), &stmts); err != nil {
		return fmt.Errorf("the replica's dropped indexes: %w", err)
	}
	for _, stmt := range stmts {
		stmt = strings.Replace(stmt, "CREATE INDEX ", "CREATE INDEX IF NOT EXISTS ", 1)
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("build index after the first sync: %w", err)
		}
	}
	return deleteMeta(ctx, tx, metaSnapIndexes)
}
