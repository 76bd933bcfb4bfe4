package api

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/studiodesk/studiodesk/backend/account"
	"github.com/studiodesk/studiodesk/backend/lead"
	"github.com/studiodesk/studiodesk/backend/store"
)

// JobSweep is the periodic per-studio job that recycles leads to the pool and fills the
// reminder inboxes.
const JobSweep = "lead.sweep"

// SweepConfig holds the reminder thresholds (defaults in parentheses).
type SweepConfig struct {
	Every          time.Duration // how often each studio is swept (1 minute)
	RecycleWarning time.Duration // protection ends within this (6 h)
	Appointment    time.Duration // appointments starting within this (1 h)
}

func (c SweepConfig) withDefaults() SweepConfig {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&c.Every, time.Minute)
	def(&c.RecycleWarning, 6*time.Hour)
	def(&c.Appointment, time.Hour)
	return c
}

// EnsureJobs schedules the periodic jobs of every studio (idempotent; run at start-up).
func (s *Server) EnsureJobs(ctx context.Context) error {
	tenants, err := s.cfg.Store.ListTenants(ctx)
	if err != nil {
		return err
	}
	for _, t := range tenants {
		for _, kind := range []string{JobSweep, JobRetention} {
			if err := s.cfg.Store.EnqueueJob(ctx, store.Job{Kind: kind, TenantID: t.ID, RunAt: s.cfg.Now()}); err != nil {
				return err
			}
		}
	}
	return nil
}

// RunJobs works the durable job queue until ctx ends: lease a due job, run it, finish it.
// Any number of server replicas may run this; each job runs on one of them at a time and a
// replica that dies mid-job loses its lease to another. It looks for due jobs every poll, and
// at once when a request of this process scheduled one (wakeJobs): a photo uploaded to a live
// album is rendered now, not up to a poll later.
func (s *Server) RunJobs(ctx context.Context, worker string, poll time.Duration) error {
	if err := s.EnsureJobs(ctx); err != nil {
		return fmt.Errorf("schedule jobs: %w", err)
	}
	t := time.NewTicker(poll)
	defer t.Stop()
	var swept time.Time
	for {
		if now := s.cfg.Now(); now.Sub(swept) >= uploadSweepEvery {
			swept = now
			if n, err := s.SweepUploads(ctx, now); err != nil {
				s.log.ErrorContext(ctx, "sweep uploads", "err", err)
			} else if n > 0 {
				s.log.InfoContext(ctx, "sweep uploads", "removed", n)
			}
		}
		for {
			ran, err := s.RunOneJob(ctx, worker)
			if err != nil {
				s.log.ErrorContext(ctx, "job", "err", err)
			}
			if !ran || ctx.Err() != nil {
				break
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		case <-s.jobsDue:
		}
	}
}

// wakeJobs tells this process's job runner that a job became due (after its transaction
// committed). It never blocks: one pending wake-up covers any number of new jobs.
func (s *Server) wakeJobs() {
	select {
	case s.jobsDue <- struct{}{}:
	default:
	}
}

// defaultJobLease bounds how long one job may run before another worker may take it over.
const defaultJobLease = 2 * time.Minute

// RunOneJob runs the next due job, if any; ran reports whether there was one.
func (s *Server) RunOneJob(ctx context.Context, worker string) (ran bool, err error) {
	now := s.cfg.Now().UTC()
	j, err := s.cfg.Store.LeaseJob(ctx, worker, now, s.cfg.JobLease)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	cfg := s.cfg.Sweep.withDefaults()
	next := now.Add(cfg.Every)
	nextAt := &next // periodic jobs come back; one-shot jobs set nil when done
	var runErr error
	switch j.Kind {
	case JobSweep:
		runErr = s.sweep(ctx, j.TenantID, now, cfg)
	case JobRender:
		nextAt, runErr = s.renderJob(ctx, j, now)
	case JobRetention:
		next = now.Add(s.cfg.Retention.withDefaults().Every)
		runErr = s.retentionJob(ctx, j.TenantID, now)
	case JobNotifySend:
		nextAt, runErr = s.sendJob(ctx, j, now)
	case JobNotifyUploaded:
		nextAt, runErr = s.uploadedJob(ctx, j, now)
	case JobRemark:
		nextAt, runErr = s.remarkJob(ctx, j, now)
	default:
		runErr = fmt.Errorf("unknown job kind %q", j.Kind)
	}
	if s.cfg.OnJob != nil {
		s.cfg.OnJob(j.Kind, runErr)
	}
	msg := ""
	if runErr != nil {
		msg = runErr.Error()
	}
	if err := s.cfg.Store.FinishJob(ctx, j.ID, worker, nextAt, msg, s.cfg.Now().UTC()); err != nil {
		return true, err
	}
	if runErr != nil {
		return true, fmt.Errorf("job %d %s (studio %d): %w", j.ID, j.Kind, j.TenantID, runErr)
	}
	return true, nil
}

// systemCall is the actor of background work: the studio-wide system user, audited as such.
func (s *Server) systemCall(ctx context.Context, tenantID int64, now time.Time) *call {
	all := make([]account.Permission, 0, len(account.Catalog()))
	for _, p := range account.Catalog() {
		all = append(all, p.Key)
	}
	return &call{ctx: ctx, s: s, now: now, status: 200, tenant: account.Tenant{ID: tenantID},
		staff: account.Staff{Name: "系统"}, actor: account.Actor{Grant: account.Grant{Permissions: all, Scope: account.ScopeAll}}}
}

// sweep recycles due leads to the pool and puts reminders in owners' inboxes.
func (s *Server) sweep(ctx context.Context, tenantID int64, now time.Time, cfg SweepConfig) error {
	c := s.systemCall(ctx, tenantID, now)
	return c.write(func(tx store.Tx) error {
		due, err := tx.SweepLeads(ctx, store.SweepQuery{RecycleDue: &now})
		if err != nil {
			return err
		}
		for _, l := range due {
			after, ev, err := lead.ToPool(l, "protection_ended", now)
			if err != nil {
				continue // locked or already pooled since the query: nothing to do
			}
			if _, err := c.saveLead(tx, leadChange{before: &l, after: after, events: []lead.Event{ev}, action: "lead.recycle"}); err != nil {
				return err
			}
			if err := notify(tx, c, l.OwnerID, "recycled", l, ms(now)); err != nil {
				return err
			}
		}
		type reminder struct {
			kind string
			q    store.SweepQuery
			to   func(lead.Lead) []int64
			key  func(lead.Lead) string
		}
		owner := func(l lead.Lead) []int64 { return []int64{l.OwnerID} }
		brands, err := tx.ListBrands(ctx)
		if err != nil {
			return err
		}
		day, _ := c.studioDay(now)
		for _, b := range brands {
			bs := b.Settings.WithDefaults()
			warnBy, apptTo := now.Add(cfg.RecycleWarning), now.Add(cfg.Appointment)
			untouched := now.Add(-time.Duration(bs.UntouchedHours) * time.Hour)
			pending := now.Add(-time.Duration(bs.PendingHours) * time.Hour)
			for _, r := range []reminder{
				{"recycle_warning", store.SweepQuery{ProtectionEndsBefore: &warnBy}, owner, func(l lead.Lead) string { return ms(*l.ProtectedUntil) }},
				{"appointment_due", store.SweepQuery{BookedFrom: &now, BookedTo: &apptTo},
					func(l lead.Lead) []int64 { return []int64{l.BookingOwnerID, l.StoreOwnerID, l.OwnerID} },
					func(l lead.Lead) string { return ms(*l.BookedAt) }},
				{"follow_up_due", store.SweepQuery{FollowUpBefore: &now}, owner, func(l lead.Lead) string { return ms(*l.NextFollowUp) }},
				{"untouched", store.SweepQuery{UntouchedSince: &untouched}, owner, func(lead.Lead) string { return day }},
				{"pending_validity", store.SweepQuery{PendingSince: &pending},
					func(l lead.Lead) []int64 { return []int64{l.IntakeOwnerID, l.CreatedBy} }, func(lead.Lead) string { return "" }},
			} {
				r.q.BrandID = b.ID
				leads, err := tx.SweepLeads(ctx, r.q)
				if err != nil {
					return err
				}
				for _, l := range leads {
					seen := map[int64]bool{}
					for _, staffID := range r.to(l) {
						if staffID == 0 || seen[staffID] {
							continue
						}
						seen[staffID] = true
						if err := notify(tx, c, staffID, r.kind, l, r.key(l)); err != nil {
							return err
						}
					}
				}
			}
		}
		return nil
	})
}

func ms(t time.Time) string { return fmt.Sprint(t.UnixMilli()) }

func notify(tx store.Tx, c *call, staffID int64, kind string, l lead.Lead, key string) error {
	_, err := tx.Notify(c.ctx, store.Notification{StaffID: staffID, Kind: kind, LeadID: l.ID, CreatedAt: c.now,
		DedupeKey: fmt.Sprintf("%s:%d:%d:%s", kind, l.ID, staffID, key),
		Data:      rawJSON(map[string]any{"name": l.Name, "phone": account.MaskPhone(l.Phone), "booked_at": l.BookedAt, "next_follow_up": l.NextFollowUp, "protected_until": l.ProtectedUntil})})
	return err
}

func (s *Server) listNotifications(c *call) (any, error) {
	var out []store.Notification
	unread := c.r.URL.Query().Get("unread") == "1" || c.r.URL.Query().Get("unread") == "true"
	return out, c.view(func(tx store.Tx) (err error) { out, err = tx.Notifications(c.ctx, c.staff.ID, unread, 200); return })
}

// ReadNotifications is the body of POST /api/v1/notifications/read.
type ReadNotifications struct {
	IDs []int64 `json:"ids"`
}

func (s *Server) readNotifications(c *call) (any, error) {
	var req ReadNotifications
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if len(req.IDs) > 500 {
		return nil, apiErr(400, "too_long", "ids", map[string]any{"max": 500})
	}
	return nil, c.write(func(tx store.Tx) error { return tx.MarkNotificationsRead(c.ctx, c.staff.ID, req.IDs, c.now) })
}
