package main

import (
	"encoding/json"
	"math/rand/v2"
	"time"

	"github.com/studiodesk/studiodesk/backend/account"
	"github.com/studiodesk/studiodesk/backend/lead"
)

// dataset describes the seeded leads. Lead i is a pure function of (seed, i): seeding order
// and batch size do not matter, and a later run on the same file knows lead i's phone
// (phoneOf(i)) without reading it back. Leads [0, n) are spread evenly over [start, end), so
// ids grow with created_at as they do when leads arrive over a year.
type dataset struct {
	org        *org
	n          int
	start, end time.Time
	seed       uint64
}

func (d *dataset) rand(i int) *rand.Rand { return rand.New(rand.NewPCG(d.seed, uint64(i))) }

func (d *dataset) createdAt(r *rand.Rand, i int) time.Time {
	span := float64(d.end.Sub(d.start))
	return d.start.Add(time.Duration((float64(i) + r.Float64()) / float64(d.n) * span)).Truncate(time.Millisecond)
}

// entry is lead i as someone types it in (what POST /api/v1/leads receives) and who does.
func (d *dataset) entry(r *rand.Rand, i int, at time.Time) (lead.Lead, member) {
	b := d.org.Shares.pick(r)
	br := pick(r, b.Branches)
	ch := b.Channels.pick(r)
	l := lead.Lead{BrandID: b.ID, BranchID: br.ID, ChannelID: ch.ID, Source: ch.Source, Name: leadName(r), Phone: phoneOf(i)}
	if ch.Source == lead.SourceReferral {
		if chance(r, 0.7) {
			l.ReferrerName, l.ReferrerPhone = femaleName(r), secondPhone(r)
		} else {
			l.ReferrerStaffID = pick(r, b.Staff).ID
		}
	}
	if chance(r, 0.25) {
		l.Notes = pick(r, noteTexts)
	}
	day := func(t time.Time) string { return t.Format("2006-01-02") }
	switch b.Type {
	case account.BrandWedding:
		w := lead.WeddingFields{}
		if chance(r, 0.6) {
			w.PartnerName = maleName(r)
		}
		if chance(r, 0.35) {
			w.PartnerPhone = secondPhone(r)
		}
		if chance(r, 0.65) {
			w.WeddingDate = day(at.AddDate(0, 2+r.IntN(10), r.IntN(28)))
		}
		if w != (lead.WeddingFields{}) {
			l.Wedding = &w
		}
	case account.BrandChildren:
		c := lead.ChildrenFields{}
		born := at.AddDate(0, 0, -r.IntN(330))
		if chance(r, 0.7) {
			c.ChildName = surnames.pick(r) + pick(r, babyNames)
		}
		if chance(r, 0.6) {
			c.BirthDate = day(born)
		}
		if chance(r, 0.7) {
			switch age := at.Sub(born); {
			case age < 40*24*time.Hour:
				c.Milestone = lead.MilestoneFullMonth
			case age < 120*24*time.Hour:
				c.Milestone = lead.MilestoneHundredDays
			case age > 300*24*time.Hour:
				c.Milestone = lead.MilestoneFirstBirthday
			default:
				c.Milestone = lead.MilestoneOther
			}
		}
		if chance(r, 0.6) {
			c.Gender = pick(r, []string{lead.GenderGirl, lead.GenderBoy})
		}
		if chance(r, 0.3) {
			c.Guardian2Name = maleName(r)
		}
		if chance(r, 0.25) {
			l.Phone2 = secondPhone(r)
		}
		if c != (lead.ChildrenFields{}) {
			l.Children = &c
		}
	}
	for _, f := range b.Fields {
		if l.Custom == nil {
			l.Custom = map[string]any{}
		}
		switch f.Type {
		case lead.FieldSingle:
			if chance(r, 0.55) {
				l.Custom[f.Key] = pick(r, f.Options)
			}
		case lead.FieldMulti:
			if chance(r, 0.35) {
				a, c := pick(r, f.Options), pick(r, f.Options)
				if a == c {
					l.Custom[f.Key] = []string{a}
				} else {
					l.Custom[f.Key] = []string{a, c}
				}
			}
		case lead.FieldNumber:
			if chance(r, 0.2) {
				l.Custom[f.Key] = float64(1 + r.IntN(3))
			}
		}
	}
	if len(l.Custom) == 0 {
		l.Custom = nil
	}
	// Walk-ins are entered by the store; ad leads by intake (or, in a brand without an intake
	// department, by the branch's bookers).
	var by member
	switch {
	case ch.Source == lead.SourceWalkIn:
		by = pick(r, b.Store)
	case len(b.Intake) > 0:
		by = pick(r, b.Intake)
	default:
		by = pick(r, b.bookersFor(br.ID))
	}
	return l, by
}

var bookingLostReasons = []string{"unreachable", "no_budget", "chose_competitor", "not_interested", "date_conflict"}

// seeded returns lead i as it stands at the end of the seeded year, with the timeline that
// got it there (created, validity, assignment, booking and store moves, pool, deletion).
// The create step is opCreateLead's: creator, intake or self-assignment, then lead.New.
// Later steps set states directly along allowed paths of lead's state machines; each step
// appends the event the API would, with the actor and owner/channel snapshots saveLead fills.
func (d *dataset) seeded(i int) (lead.Lead, []lead.Event) {
	r := d.rand(i)
	created := d.createdAt(r, i)
	l, by := d.entry(r, i, created)
	b := d.brand(l.BrandID)

	l.CreatedBy = by.ID
	if by.Kind == account.DeptBooking || by.Kind == account.DeptStore {
		l = lead.AssignTo(l, by.ID, by.DepartmentID, string(by.Kind), created)
	} else {
		l.IntakeOwnerID = by.ID
	}
	l, ev := lead.New(l, true, created)
	var events []lead.Event
	t := created
	add := func(e lead.Event, actor int64) {
		e.ActorID, e.OwnerID, e.ChannelID, e.At = actor, l.OwnerID, l.ChannelID, t
		events = append(events, e)
	}
	add(ev, by.ID)
	// later moves the clock forward by up to max, never past the end of the data set.
	later := func(max time.Duration) {
		t = t.Add(time.Duration(r.Int64N(int64(max)))).Truncate(time.Millisecond)
		if t.After(d.end) {
			t = d.end
		}
	}
	status := func(axis lead.Axis, from, to, reason string, actor int64) {
		add(lead.Event{Type: lead.EventStatus, Axis: axis, From: from, To: to, Reason: reason}, actor)
	}
	age := d.end.Sub(created)
	day := 24 * time.Hour

	pending := 0.03
	switch {
	case age < day:
		pending = 0.7
	case age < 7*day:
		pending = 0.2
	}
	if chance(r, pending) {
		l.UpdatedAt = t
		return l, events
	}
	later(2 * day)
	if chance(r, 0.2) {
		l.Validity, l.InvalidReason = lead.ValidityInvalid, pick(r, lead.DefaultInvalidReasons()).Key
		status(lead.AxisValidity, string(lead.ValidityPending), string(l.Validity), l.InvalidReason, by.ID)
		l.UpdatedAt = t
		return d.finish(r, l, events, t)
	}
	l.Validity = lead.ValidityValid
	status(lead.AxisValidity, string(lead.ValidityPending), string(l.Validity), "", by.ID)

	owner := by
	if l.BookingOwnerID == 0 {
		later(2 * time.Hour)
		owner = pick(r, b.bookersFor(l.BranchID))
		l = lead.AssignTo(l, owner.ID, owner.DepartmentID, string(account.DeptBooking), t)
		add(lead.Event{Type: lead.EventAssigned}, by.ID)
	}

	young := age < 14*day
	var final lead.Booking
	if young {
		final = weighted[lead.Booking]{{lead.BookingToCall, 30}, {lead.BookingCalling, 35}, {lead.BookingBooked, 18},
			{lead.BookingPostponed, 5}, {lead.BookingVisited, 8}, {lead.BookingLost, 4}}.pick(r)
	} else {
		final = weighted[lead.Booking]{{lead.BookingToCall, 3}, {lead.BookingCalling, 12}, {lead.BookingBooked, 3},
			{lead.BookingNoShow, 6}, {lead.BookingPostponed, 8}, {lead.BookingVisited, 38}, {lead.BookingLost, 30}}.pick(r)
	}
	path := map[lead.Booking][]lead.Booking{
		lead.BookingCalling:   {lead.BookingCalling},
		lead.BookingBooked:    {lead.BookingCalling, lead.BookingBooked},
		lead.BookingNoShow:    {lead.BookingCalling, lead.BookingBooked, lead.BookingNoShow},
		lead.BookingPostponed: {lead.BookingCalling, lead.BookingPostponed},
		lead.BookingVisited:   {lead.BookingCalling, lead.BookingBooked},
		lead.BookingLost:      {lead.BookingCalling, lead.BookingLost},
	}[final]
	for _, to := range path {
		later(3 * day)
		from := l.Booking
		l.Booking = to
		reason := ""
		switch to {
		case lead.BookingBooked:
			at := t.Add(time.Duration(1+r.IntN(10)) * day)
			l.BookedBranchID, l.BookedAt = l.BranchID, &at
		case lead.BookingNoShow:
			l.NoShows = 1 + r.IntN(2)
		case lead.BookingLost:
			l.LostReason = pick(r, bookingLostReasons)
			reason = l.LostReason
		}
		status(lead.AxisBooking, string(from), string(to), reason, owner.ID)
		last := t
		l.LastFollowUp = &last
	}
	if final == lead.BookingVisited {
		// The store's check-in: booking -> visited and store awaiting -> negotiating in one
		// call, handed to a store salesperson.
		later(7 * day)
		sales := pick(r, b.Store)
		l = lead.AssignTo(l, sales.ID, sales.DepartmentID, string(account.DeptStore), t)
		add(lead.Event{Type: lead.EventAssigned}, owner.ID)
		status(lead.AxisBooking, string(l.Booking), string(lead.BookingVisited), "", sales.ID)
		l.Booking, l.Store = lead.BookingVisited, lead.StoreNegotiating
		status(lead.AxisStore, string(lead.StoreAwaiting), string(lead.StoreNegotiating), "", sales.ID)
		var store lead.Store
		if age < 21*day {
			store = weighted[lead.Store]{{lead.StoreNegotiating, 30}, {lead.StoreRevisit, 20}, {lead.StoreDeal, 35}, {lead.StoreLost, 15}}.pick(r)
		} else {
			store = weighted[lead.Store]{{lead.StoreNegotiating, 2}, {lead.StoreRevisit, 8}, {lead.StoreDeal, 52}, {lead.StoreLost, 38}}.pick(r)
		}
		if store != lead.StoreNegotiating {
			later(10 * day)
			from := l.Store
			l.Store = store
			reason := ""
			switch store {
			case lead.StoreDeal:
				yuan := 3000 + r.Int64N(27000)
				if b.Type == account.BrandChildren {
					yuan = 800 + r.Int64N(7200)
				}
				l.DealAmount = yuan * 100
			case lead.StoreLost:
				l.StoreLostReason = pick(r, lead.StoreLostReasons())
				reason = l.StoreLostReason
			}
			status(lead.AxisStore, string(from), string(store), reason, sales.ID)
		}
		last := t
		l.LastFollowUp = &last
	}
	switch {
	case l.Store == lead.StoreNegotiating || l.Store == lead.StoreRevisit,
		l.Store == lead.StoreAwaiting && (l.Booking == lead.BookingToCall || l.Booking == lead.BookingCalling || l.Booking == lead.BookingPostponed):
		next := t.Add(time.Duration(1+r.IntN(10)) * day)
		l.NextFollowUp = &next
	}
	// Leads nobody worked for a month go back to the pool (recycled by the timers).
	if !young && age > 30*day && l.Store == lead.StoreAwaiting &&
		(l.Booking == lead.BookingToCall || l.Booking == lead.BookingCalling || l.Booking == lead.BookingPostponed) && chance(r, 0.3) {
		later(30 * day)
		l.OwnerID, l.OwnerDepartmentID, l.InPool, l.NextFollowUp = 0, 0, true, nil
		add(lead.Event{Type: lead.EventPooled}, 0)
	}
	l.UpdatedAt = t
	return d.finish(r, l, events, t)
}

// finish moves a few leads to the recycle bin.
func (d *dataset) finish(r *rand.Rand, l lead.Lead, events []lead.Event, t time.Time) (lead.Lead, []lead.Event) {
	if chance(r, 0.003) {
		l.Deleted = true
		events = append(events, lead.Event{Type: lead.EventDeleted, ActorID: d.org.Admin.ID, OwnerID: l.OwnerID, ChannelID: l.ChannelID, At: t})
	}
	l.UpdatedAt = t
	return l, events
}

func (d *dataset) brand(id int64) *brandOrg {
	for _, b := range d.org.Brands {
		if b.ID == id {
			return b
		}
	}
	return nil
}

// newLead is the body of POST /api/v1/leads: the fields a person enters, nothing else.
type newLead struct {
	BrandID         int64                `json:"brand_id"`
	BranchID        int64                `json:"branch_id,omitempty"`
	ChannelID       int64                `json:"channel_id,omitempty"`
	Source          lead.SourceType      `json:"source_type,omitempty"`
	ReferrerStaffID int64                `json:"referrer_staff_id,omitempty"`
	ReferrerName    string               `json:"referrer_name,omitempty"`
	ReferrerPhone   string               `json:"referrer_phone,omitempty"`
	Name            string               `json:"name,omitempty"`
	Phone           string               `json:"phone"`
	Phone2          string               `json:"phone2,omitempty"`
	Notes           string               `json:"notes,omitempty"`
	Wedding         *lead.WeddingFields  `json:"wedding,omitempty"`
	Children        *lead.ChildrenFields `json:"children,omitempty"`
	Custom          map[string]any       `json:"custom,omitempty"`
}

// createBody is the JSON a client sends to create lead i now (i ≥ n: a phone no seeded lead has).
func (d *dataset) createBody(i int, now time.Time) ([]byte, error) {
	l, _ := d.entry(d.rand(i), i, now)
	return json.Marshal(newLead{BrandID: l.BrandID, BranchID: l.BranchID, ChannelID: l.ChannelID, Source: l.Source,
		ReferrerStaffID: l.ReferrerStaffID, ReferrerName: l.ReferrerName, ReferrerPhone: l.ReferrerPhone, Name: l.Name,
		Phone: l.Phone, Phone2: l.Phone2, Notes: l.Notes, Wedding: l.Wedding, Children: l.Children, Custom: l.Custom})
}
