// Package lead holds the pure rules of leads (客资): the record, brand-specific and custom
// fields, the three status axes as explicit state machines, events, and duplicate handling.
// It does no I/O: the server applies these rules authoritatively and the desktop applies the
// same rules optimistically offline.
package lead

import (
	"encoding/json"
	"time"
)

// SourceType says how a lead reached the studio.
type SourceType string

// Source types.
const (
	SourceAd        SourceType = "ad"
	SourceWalkIn    SourceType = "walk_in"
	SourceReferral  SourceType = "referral"
	SourceReturning SourceType = "returning"
	SourceEvent     SourceType = "event"
	SourcePartner   SourceType = "partner"
)

// Validity is the intake axis: is this a real prospect?
type Validity string

// Validity states.
const (
	ValidityPending Validity = "pending"
	ValidityValid   Validity = "valid"
	ValidityInvalid Validity = "invalid"
)

// Booking is the booking (邀约) axis.
type Booking string

// Booking states.
const (
	BookingUnassigned Booking = "unassigned"
	BookingToCall     Booking = "to_call"
	BookingCalling    Booking = "calling"
	BookingBooked     Booking = "booked"
	BookingVisited    Booking = "visited"
	BookingNoShow     Booking = "no_show"
	BookingPostponed  Booking = "postponed"
	BookingLost       Booking = "lost"
)

// Store is the in-store (门店) axis.
type Store string

// Store states.
const (
	StoreAwaiting    Store = "awaiting"
	StoreNegotiating Store = "negotiating"
	StoreRevisit     Store = "revisit"
	StoreDeal        Store = "deal"
	StoreLost        Store = "lost"
)

// Approval is the state of a referral submitted by staff without the referral permission.
type Approval string

// Approval states; "" means no approval was needed.
const (
	ApprovalNone     Approval = ""
	ApprovalPending  Approval = "pending"
	ApprovalApproved Approval = "approved"
	ApprovalRejected Approval = "rejected"
)

// Lead is one prospective customer of one brand; the phone is its identity in the brand.
type Lead struct {
	ID        int64      `json:"id"`
	BrandID   int64      `json:"brand_id"`
	BranchID  int64      `json:"branch_id,omitempty"`
	ChannelID int64      `json:"channel_id,omitempty"`
	Source    SourceType `json:"source_type"`
	// Referrer of a referral lead: a customer (name + phone) or a staff member.
	ReferrerStaffID int64    `json:"referrer_staff_id,omitempty"`
	ReferrerName    string   `json:"referrer_name,omitempty"`
	ReferrerPhone   string   `json:"referrer_phone,omitempty"`
	Approval        Approval `json:"approval,omitempty"`

	Name   string `json:"name"`
	Phone  string `json:"phone"`
	Phone2 string `json:"phone2,omitempty"` // children: the second guardian's phone
	Notes  string `json:"notes,omitempty"`

	Wedding  *WeddingFields  `json:"wedding,omitempty"`
	Children *ChildrenFields `json:"children,omitempty"`
	// Custom holds the brand's custom field values by field key.
	Custom map[string]any `json:"custom,omitempty"`

	Validity      Validity `json:"validity"`
	InvalidReason string   `json:"invalid_reason,omitempty"`
	Booking       Booking  `json:"booking"`
	// BookedBranchID and BookedAt are set while booked (the store and time of the visit).
	BookedBranchID  int64      `json:"booked_branch_id,omitempty"`
	BookedAt        *time.Time `json:"booked_at,omitempty"`
	NoShows         int        `json:"no_shows"`
	LostReason      string     `json:"lost_reason,omitempty"`
	Store           Store      `json:"store"`
	DealAmount      int64      `json:"deal_amount,omitempty"` // fen (1/100 yuan), net of refunds
	StoreLostReason string     `json:"store_lost_reason,omitempty"`

	// Owners per stage; OwnerID is who holds the lead now (0 = unowned / in the pool).
	OwnerID        int64 `json:"owner_id,omitempty"`
	IntakeOwnerID  int64 `json:"intake_owner_id,omitempty"`
	BookingOwnerID int64 `json:"booking_owner_id,omitempty"`
	StoreOwnerID   int64 `json:"store_owner_id,omitempty"`
	// Placement of the owner at assignment (data-scope checks read these).
	OwnerDepartmentID int64 `json:"owner_department_id,omitempty"`

	InPool bool `json:"in_pool"`
	// PrevOwnerID and ReleasedAt: who held the lead before it went to the pool, and when
	// (the previous owner waits out a cool-down before claiming it back).
	PrevOwnerID    int64      `json:"prev_owner_id,omitempty"`
	ReleasedAt     *time.Time `json:"released_at,omitempty"`
	Locked         bool       `json:"locked"`
	ProtectedUntil *time.Time `json:"protected_until,omitempty"`
	AssignedAt     *time.Time `json:"assigned_at,omitempty"`
	NextFollowUp   *time.Time `json:"next_follow_up,omitempty"`
	LastFollowUp   *time.Time `json:"last_follow_up,omitempty"`
	RepeatCount    int        `json:"repeat_count"`

	CreatedBy int64     `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	// Version increases with every change; pushes name the version they were made on.
	Version int64 `json:"version"`
	Deleted bool  `json:"deleted,omitempty"` // in the recycle bin
}

// WeddingFields are the fields of a wedding brand's lead.
type WeddingFields struct {
	PartnerName  string `json:"partner_name,omitempty"`
	PartnerPhone string `json:"partner_phone,omitempty"`
	WeddingDate  string `json:"wedding_date,omitempty"` // YYYY-MM-DD
}

// ChildrenFields are the fields of a children's brand's lead.
type ChildrenFields struct {
	ChildName     string `json:"child_name,omitempty"`
	BirthDate     string `json:"birth_date,omitempty"` // YYYY-MM-DD
	Milestone     string `json:"milestone,omitempty"`  // full_month, hundred_days, first_birthday, ...
	Gender        string `json:"gender,omitempty"`     // girl, boy
	Guardian2Name string `json:"guardian2_name,omitempty"`
}

// EventType names a timeline entry.
type EventType string

// Event types. Every change of a lead appends one.
const (
	EventCreated     EventType = "created"
	EventEdited      EventType = "edited"
	EventRepeat      EventType = "repeat_inquiry"
	EventStatus      EventType = "status"     // a transition on one axis
	EventCorrection  EventType = "correction" // a privileged fix of a wrong status
	EventCall        EventType = "call"       // a call attempt with a result
	EventFollowUp    EventType = "follow_up"  // a note, message or appointment
	EventAssigned    EventType = "assigned"
	EventTransferred EventType = "transferred"
	EventPooled      EventType = "pooled"
	EventClaimed     EventType = "claimed"
	EventRefund      EventType = "refund"
	EventApproval    EventType = "approval"
	EventRevealed    EventType = "phone_revealed"
	EventLocked      EventType = "locked"
	EventDeleted     EventType = "deleted"
	EventRestored    EventType = "restored"
	EventReopened    EventType = "reopened" // an invalid/lost lead taken up again as a new inquiry
)

// Axis names a status axis.
type Axis string

// The three axes.
const (
	AxisValidity Axis = "validity"
	AxisBooking  Axis = "booking"
	AxisStore    Axis = "store"
)

// Event is one timeline entry; reports and the audit read these.
type Event struct {
	ID         int64           `json:"id"`
	LeadID     int64           `json:"lead_id"`
	Type       EventType       `json:"type"`
	Axis       Axis            `json:"axis,omitempty"`
	From       string          `json:"from,omitempty"`
	To         string          `json:"to,omitempty"`
	Reason     string          `json:"reason,omitempty"`
	ActorID    int64           `json:"actor_id"`
	OnBehalfOf int64           `json:"on_behalf_of,omitempty"`
	OwnerID    int64           `json:"owner_id,omitempty"`   // owner snapshot (credit)
	ChannelID  int64           `json:"channel_id,omitempty"` // channel snapshot
	Data       json.RawMessage `json:"data,omitempty"`
	At         time.Time       `json:"at"`
}
