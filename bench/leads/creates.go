package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// createResult is a burst of lead creates through POST /api/v1/leads.
type createResult struct {
	clients int
	lat     stats   // latency of one create as its client sees it
	rate    float64 // creates per second over the burst's wall time
	// Where the time went, per create: CPU of the whole process (server, clients and the
	// Go runtime: the machine's cores are the budget), time the single database writer was
	// busy (its ceiling is 1 s per second), and the mean number of transactions per commit.
	cpu, writer time.Duration
	group       float64
}

// writerStats is what the SQLite store reports about its single writer.
type writerStats interface {
	WriterBusy() time.Duration
	GroupStats() (batches, members int64)
}

// creator hands out phones no lead has yet: indexes from the data set's end on, past every
// lead already in the file (earlier runs on a reused file created some).
type creator struct {
	next atomic.Int64
}

// runCreates creates count new leads as the admin with clients concurrent clients. Each
// create does what the issue asks to measure: normalization, the dedupe lookup by phone in
// the brand, the lead row, its created event, the change-feed entry and the audit entry, in
// one transaction. Bodies are built before the clock starts.
func (e *env) runCreates(ctx context.Context, cr *creator, clients, count int) (createResult, error) {
	res := createResult{clients: clients}
	now := time.Now()
	bodies := make([][]byte, count)
	for i := range bodies {
		b, err := e.d.createBody(int(cr.next.Add(1)-1), now)
		if err != nil {
			return res, err
		}
		bodies[i] = b
	}
	lat := make([]time.Duration, count)
	var next atomic.Int64
	var firstErr error
	var once sync.Once
	ctx, cancel := context.WithTimeout(ctx, 2*e.cfg.ScenarioTime)
	defer cancel()
	var wg sync.WaitGroup
	ws, _ := e.st.(writerStats)
	var busy0 time.Duration
	var batches0, members0 int64
	if ws != nil {
		busy0 = ws.WriterBusy()
		batches0, members0 = ws.GroupStats()
	}
	cpu0 := processCPU()
	began := time.Now()
	for range clients {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= count || ctx.Err() != nil {
					return
				}
				t := time.Now()
				if _, err := e.admin.expect(ctx, http.StatusCreated, "POST", "/api/v1/leads", bodies[i]); err != nil {
					once.Do(func() { firstErr = err; cancel() })
					return
				}
				lat[i] = time.Since(t)
			}
		})
	}
	wg.Wait()
	wall := time.Since(began)
	cpu := processCPU() - cpu0
	if firstErr != nil && !errors.Is(firstErr, context.DeadlineExceeded) {
		return res, firstErr
	}
	done := min(int(next.Load()), count)
	var ds []time.Duration
	for _, d := range lat[:done] {
		if d > 0 {
			ds = append(ds, d)
		}
	}
	if len(ds) == 0 {
		return res, fmt.Errorf("no create finished within %s", 2*e.cfg.ScenarioTime)
	}
	res.lat = summarize(ds, wall)
	res.rate = float64(len(ds)) / wall.Seconds()
	res.cpu = cpu / time.Duration(len(ds))
	if ws != nil {
		res.writer = (ws.WriterBusy() - busy0) / time.Duration(len(ds))
		if b, m := ws.GroupStats(); b > batches0 {
			res.group = float64(m-members0) / float64(b-batches0)
		}
	}
	fmt.Fprintf(e.log, "  create ×%d with %d client(s): %.0f leads/s, p95 %s; per create: CPU %s, writer %s; %.1f per commit\n",
		len(ds), clients, res.rate, ms(res.lat.P95), ms(res.cpu), ms(res.writer), res.group)
	return res, nil
}
