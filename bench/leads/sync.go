package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"

	"github.com/studiodesk/studiodesk/backend/store"
)

// pullResult is the pull of pullSize changes through the API, next to what the same read
// costs in the store and in raw SQL, fetched one lead per change (as the handler does) and
// in one batched statement.
type pullResult struct {
	api, store          stats
	rawFeed, rawBatched stats // the feed page alone; the feed page joined to its leads
	rawPerChange        stats // the feed page, then one lead query per change
	changes, bytes      int
	more                bool
}

const pullSize = 10_000

// runPull pulls pullSize changes as the admin from a cursor pullSize behind the head.
func (e *env) runPull(ctx context.Context) (pullResult, error) {
	var res pullResult
	var head int64
	if err := e.raw.QueryRowContext(ctx, e.eng.q(`SELECT COALESCE(MAX(seq), 0) FROM changes WHERE tenant_id = ?`), e.tenant()).Scan(&head); err != nil {
		return res, fmt.Errorf("feed head: %w", err)
	}
	from := max(0, head-pullSize)
	path := "/api/v1/sync/pull?cursor=" + strconv.FormatInt(e.tenant(), 10) + "-" + strconv.FormatInt(from, 10) + "&limit=" + strconv.Itoa(pullSize)
	body, err := e.admin.expect(ctx, http.StatusOK, "GET", path, nil)
	if err != nil {
		return res, err
	}
	var p struct {
		Changes []json.RawMessage `json:"changes"`
		More    bool              `json:"more"`
	}
	if err := json.Unmarshal(body, &p); err != nil {
		return res, fmt.Errorf("decode pull: %w", err)
	}
	res.changes, res.bytes, res.more = len(p.Changes), len(body), p.More
	if res.changes == 0 {
		return res, fmt.Errorf("pull from %d returned no changes", from)
	}
	smp := e.sampler(2, e.cfg.Pulls, 5)
	fmt.Fprintf(e.log, "  pull %d changes: raw", pullSize)
	feed := e.eng.q(`SELECT seq, entity, entity_id, scope, created_at FROM changes WHERE tenant_id = ? AND seq > ? ORDER BY seq LIMIT ?`)
	readFeed := func(ctx context.Context) ([]int64, error) {
		rows, err := e.raw.QueryContext(ctx, feed, e.tenant(), from, pullSize)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		var ids []int64
		for rows.Next() {
			var seq, id, at int64
			var entity, scope string
			if err := rows.Scan(&seq, &entity, &id, &scope, &at); err != nil {
				return nil, err
			}
			ids = append(ids, id)
		}
		return ids, rows.Err()
	}
	if res.rawFeed, err = smp.run(ctx, func(ctx context.Context, _ int) error { _, err := readFeed(ctx); return err }); err != nil {
		return res, err
	}
	if res.rawBatched, err = smp.run(ctx, func(ctx context.Context, _ int) error {
		_, err := rawIDs(ctx, e.raw, e.eng.q(`SELECT l.id, l.version, l.doc FROM changes c JOIN leads l ON l.tenant_id = c.tenant_id AND l.id = c.entity_id
			WHERE c.tenant_id = ? AND c.seq > ? AND c.entity = 'lead' ORDER BY c.seq LIMIT ?`), e.tenant(), from, pullSize)
		return err
	}); err != nil {
		return res, err
	}
	if res.rawPerChange, err = smp.run(ctx, func(ctx context.Context, _ int) error {
		ids, err := readFeed(ctx)
		for _, id := range ids {
			if err != nil {
				break
			}
			_, err = rawIDs(ctx, e.raw, e.eng.q(`SELECT id, version, doc FROM leads WHERE tenant_id = ? AND id = ?`), e.tenant(), id)
		}
		return err
	}); err != nil {
		return res, err
	}
	fmt.Fprintf(e.log, " %s / %s / %s, store", ms(res.rawFeed.P95), ms(res.rawBatched.P95), ms(res.rawPerChange.P95))
	// The store calls the handler makes: the feed page, then GetLead per change.
	if res.store, err = smp.run(ctx, func(ctx context.Context, _ int) error {
		return e.st.View(ctx, e.tenant(), func(tx store.Tx) error {
			changes, err := tx.Changes(ctx, from, pullSize)
			for _, c := range changes {
				if err != nil {
					break
				}
				_, err = tx.GetLead(ctx, c.EntityID)
			}
			return err
		})
	}); err != nil {
		return res, err
	}
	fmt.Fprintf(e.log, " %s, API", ms(res.store.P95))
	if res.api, err = smp.run(ctx, func(ctx context.Context, _ int) error {
		_, err := e.admin.expect(ctx, http.StatusOK, "GET", path, nil)
		return err
	}); err != nil {
		return res, err
	}
	fmt.Fprintf(e.log, " %s (p95, n=%d)\n", ms(res.api.P95), res.api.N)
	return res, nil
}

// pushResult is the push of pushSize lead.update mutations in one request.
type pushResult struct {
	api               stats
	applied, rejected int
	rejection         string // the first rejection's code, if any
}

const pushSize = 1000

// mutation is one entry of POST /api/v1/sync/push.
type mutation struct {
	ID   string          `json:"mutation_id"`
	Name string          `json:"name"`
	Args json.RawMessage `json:"args"`
}

// runPush pushes pushSize mutations renaming distinct random leads, as an offline desktop's
// outbox would after a day of edits. Every push uses new leads and new mutation ids.
func (e *env) runPush(ctx context.Context) (pushResult, error) {
	var res pushResult
	const warmup = 1
	pushes := warmup + e.cfg.Pushes
	rows, err := e.raw.QueryContext(ctx, e.eng.q(`SELECT id FROM leads WHERE tenant_id = ? AND deleted = 0 ORDER BY random() LIMIT ?`), e.tenant(), pushes*pushSize)
	if err != nil {
		return res, fmt.Errorf("pick leads to edit: %w", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return res, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if len(ids) < pushes*pushSize {
		return res, fmt.Errorf("only %d leads to edit, need %d", len(ids), pushes*pushSize)
	}
	run := strconv.FormatInt(time.Now().UnixNano(), 36)
	r := rand.New(rand.NewPCG(5, 5))
	bodies := make([][]byte, pushes)
	for k := range bodies {
		muts := make([]mutation, pushSize)
		for j := range muts {
			args, _ := json.Marshal(map[string]any{"id": ids[k*pushSize+j], "patch": map[string]any{"name": femaleName(r)}})
			muts[j] = mutation{ID: fmt.Sprintf("bench-%s-%d-%d", run, k, j), Name: "lead.update", Args: args}
		}
		if bodies[k], err = json.Marshal(map[string]any{"mutations": muts}); err != nil {
			return res, err
		}
	}
	answers := make([][]byte, pushes)
	fmt.Fprintf(e.log, "  push %d mutations:", pushSize)
	smp := sampler{Warmup: warmup, N: e.cfg.Pushes, MinN: 2, Budget: e.cfg.ScenarioTime}
	if res.api, err = smp.run(ctx, func(ctx context.Context, i int) error {
		a, err := e.admin.expect(ctx, http.StatusOK, "POST", "/api/v1/sync/push", bodies[i])
		answers[i] = a
		return err
	}); err != nil {
		return res, err
	}
	for _, a := range answers[warmup:] {
		if a == nil {
			continue
		}
		var p struct {
			Results []struct {
				Status string `json:"status"`
				Error  *struct {
					Code string `json:"code"`
				} `json:"error"`
			} `json:"results"`
		}
		if err := json.Unmarshal(a, &p); err != nil {
			return res, fmt.Errorf("decode push answer: %w", err)
		}
		for _, m := range p.Results {
			if m.Status == "applied" {
				res.applied++
				continue
			}
			res.rejected++
			if res.rejection == "" && m.Error != nil {
				res.rejection = m.Error.Code
			}
		}
	}
	fmt.Fprintf(e.log, " %s p50, %s max (n=%d, %d applied, %d rejected)\n", ms(res.api.P50), ms(res.api.Max), res.api.N, res.applied, res.rejected)
	return res, nil
}
