package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/studiodesk/studiodesk/backend/lead"
	"github.com/studiodesk/studiodesk/backend/store"
)

// seededLead is one generated lead ready to write.
type seededLead struct {
	lead   lead.Lead
	events []lead.Event
	actor  string
}

// seedLeads writes leads [0, d.n) through the store's Tx, batch leads per transaction:
// per lead, exactly the calls the API's create makes in its transaction (CreateLead, the
// timeline events, AppendChange, AppendAudit), so columns, doc, feed and audit are what the
// server itself writes. Generation runs one batch ahead on another goroutine while the
// single SQLite writer commits the previous one.
func seedLeads(ctx context.Context, st store.Store, d *dataset, batch int, log io.Writer) error {
	names := map[int64]string{}
	for _, b := range d.org.Brands {
		for _, m := range b.Staff {
			names[m.ID] = m.Name
		}
	}
	type chunk struct {
		from  int
		leads []seededLead
	}
	chunks := make(chan chunk, 1)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		defer close(chunks)
		for lo := 0; lo < d.n; lo += batch {
			hi := min(lo+batch, d.n)
			c := chunk{from: lo, leads: make([]seededLead, 0, hi-lo)}
			for i := lo; i < hi; i++ {
				l, evs := d.seeded(i)
				c.leads = append(c.leads, seededLead{lead: l, events: evs, actor: names[l.CreatedBy]})
			}
			select {
			case chunks <- c:
			case <-ctx.Done():
				return
			}
		}
	}()
	began, done := time.Now(), 0
	nextReport := max(d.n/20, batch)
	for c := range chunks {
		err := st.Update(ctx, d.org.TenantID, func(tx store.Tx) error {
			for _, s := range c.leads {
				l, err := tx.CreateLead(ctx, s.lead)
				if err != nil {
					return fmt.Errorf("lead %s: %w", s.lead.Phone, err)
				}
				for _, e := range s.events {
					e.LeadID = l.ID
					if _, err := tx.AppendLeadEvent(ctx, e); err != nil {
						return err
					}
				}
				if _, err := tx.AppendChange(ctx, store.Change{Entity: "lead", EntityID: l.ID, Now: lead.ScopeOf(l), At: l.UpdatedAt}); err != nil {
					return err
				}
				after, err := json.Marshal(l) // the audit's "after" is the saved lead, as c.audit writes it
				if err != nil {
					return err
				}
				err = tx.AppendAudit(ctx, store.AuditEntry{ActorID: l.CreatedBy, ActorName: s.actor, Action: "lead.create", Entity: "lead",
					EntityID: strconv.FormatInt(l.ID, 10), After: after, DeviceID: deviceID, IP: "192.168.1.23", CreatedAt: l.CreatedAt})
				if err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("seed leads %d–%d: %w", c.from, c.from+len(c.leads)-1, err)
		}
		done += len(c.leads)
		if done >= nextReport || done == d.n {
			el := time.Since(began)
			rate := float64(done) / el.Seconds()
			fmt.Fprintf(log, "seeded %d/%d leads in %s (%.0f leads/s, ~%s left)\n", done, d.n, el.Round(time.Second), rate,
				time.Duration(float64(d.n-done)/rate*float64(time.Second)).Round(time.Second))
			nextReport += max(d.n/20, batch)
		}
	}
	return ctx.Err()
}
