// Package store defines how StudioDesk keeps its records: the Store interface the API uses,
// its sentinel errors and record types. Drivers (sqlite, postgres) implement it and prove it
// with the one conformance suite in storetest. Tenant isolation lives here: everything a
// studio owns is reached through a Tx bound to one tenant, and every driver query is scoped
// by that tenant.
package store

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/studiodesk/studiodesk/backend/account"
	"github.com/studiodesk/studiodesk/backend/distribution"
	"github.com/studiodesk/studiodesk/backend/lead"
)

// Sentinel errors; callers check them with errors.Is.
var (
	// ErrNotFound: the record does not exist in this tenant (records of other tenants are
	// indistinguishable from missing ones).
	ErrNotFound = errors.New("store: not found")
	// ErrConflict: a uniqueness rule was violated (e.g. a staff phone already used).
	ErrConflict = errors.New("store: conflict")
)

// Store is the storage of every studio.
type Store interface {
	// CreateTenant creates a studio and runs fn in the same transaction, bound to it, so the
	// studio never exists without its roles and first admin.
	CreateTenant(ctx context.Context, t account.Tenant, fn func(Tx) error) (account.Tenant, error)
	// ListTenants lists every studio (operator CLI).
	ListTenants(ctx context.Context) ([]account.Tenant, error)
	// Update runs fn in a read-write transaction bound to tenantID; fn's error rolls it back.
	Update(ctx context.Context, tenantID int64, fn func(Tx) error) error
	// Count runs fn like Update, for counters only (album views, visitors, downloads): fn
	// must not append to the change feed. On PostgreSQL it does not queue behind the studio's
	// other writes, which take the studio's change-feed counter first (guests opening an
	// album would otherwise wait for the desktops' pushes); on SQLite it is Update.
	Count(ctx context.Context, tenantID int64, fn func(Tx) error) error
	// View runs fn in a read-only transaction bound to tenantID.
	View(ctx context.Context, tenantID int64, fn func(Tx) error) error

	// LoginCandidates returns every active-or-disabled staff account with this normalized phone
	// across studios: login picks the studio whose password matches.
	LoginCandidates(ctx context.Context, phone string) ([]LoginCandidate, error)
	// SessionByHash finds a session by the SHA-256 of its token; ErrNotFound when unknown.
	SessionByHash(ctx context.Context, tokenHash []byte) (Session, error)
	// TouchSession extends a session's idle expiry.
	TouchSession(ctx context.Context, tokenHash []byte, lastSeen, expiresAt time.Time) error
	// DeleteSession ends one session; ending an unknown one is not an error.
	DeleteSession(ctx context.Context, tokenHash []byte) error

	// HitRateLimit counts one event for key in the fixed window containing now and returns the
	// count so far and when the window ends. Kept in the database so limits hold across
	// server replicas.
	HitRateLimit(ctx context.Context, key string, window time.Duration, now time.Time) (count int, resetAt time.Time, err error)
	// PeekRateLimit returns the count of the current window without counting.
	PeekRateLimit(ctx context.Context, key string, window time.Duration, now time.Time) (count int, resetAt time.Time, err error)
	// ClearRateLimit forgets a key (after a successful login).
	ClearRateLimit(ctx context.Context, key string) error

	// EnqueueJob schedules a job; a job with the same (Kind, TenantID, Key) is kept as it is
	// (periodic jobs are enqueued once and reschedule themselves).
	EnqueueJob(ctx context.Context, j Job) error
	// LeaseJob takes the next due job for worker until now+lease; ErrNotFound when none is
	// due. A job whose lease ran out (its worker died) is due again.
	LeaseJob(ctx context.Context, worker string, now time.Time, lease time.Duration) (Job, error)
	// FinishJob ends a lease: next != nil reschedules the job, else it is done. errMsg
	// records a failure (the job then runs again at next).
	FinishJob(ctx context.Context, id int64, worker string, next *time.Time, errMsg string, now time.Time) error

	CreditStore
	ShareStore
	PageStore
	AnalyticsStore

	// Ping checks that the database answers (readiness).
	Ping(ctx context.Context) error
	// Close releases the database.
	Close() error
}

// Tx is a transaction bound to one tenant. Every method reads and writes only that tenant's
// rows; ids of other tenants' rows behave as missing (ErrNotFound). A method that fails in
// the database (ErrConflict, a refused reference) may leave the transaction unable to go on
// (PostgreSQL aborts it): a caller that keeps going after such a failure runs the call in
// Savepoint.
type Tx interface {
	TenantID() int64
	// Savepoint runs fn so that, when fn fails, its writes are undone and the transaction
	// goes on (a batch applies each item or none of it, and keeps going).
	Savepoint(ctx context.Context, fn func() error) error
	Tenant(ctx context.Context) (account.Tenant, error)

	ListBrands(ctx context.Context) ([]account.Brand, error)
	GetBrand(ctx context.Context, id int64) (account.Brand, error)
	InsertBrand(ctx context.Context, b account.Brand) (account.Brand, error)
	UpdateBrand(ctx context.Context, b account.Brand) (account.Brand, error)

	ListBranches(ctx context.Context) ([]account.Branch, error)
	GetBranch(ctx context.Context, id int64) (account.Branch, error)
	InsertBranch(ctx context.Context, b account.Branch) (account.Branch, error)
	UpdateBranch(ctx context.Context, b account.Branch) (account.Branch, error)

	ListDepartments(ctx context.Context) ([]account.Department, error)
	GetDepartment(ctx context.Context, id int64) (account.Department, error)
	InsertDepartment(ctx context.Context, d account.Department) (account.Department, error)
	UpdateDepartment(ctx context.Context, d account.Department) (account.Department, error)

	ListRoles(ctx context.Context) ([]account.Role, error)
	GetRole(ctx context.Context, id int64) (account.Role, error)
	InsertRole(ctx context.Context, r account.Role) (account.Role, error)
	UpdateRole(ctx context.Context, r account.Role) (account.Role, error)
	// DeleteRole removes a custom role; ErrConflict while staff still hold it.
	DeleteRole(ctx context.Context, id int64) error

	ListStaff(ctx context.Context) ([]account.Staff, error)
	GetStaff(ctx context.Context, id int64) (account.Staff, error)
	// StaffByPhone finds a staff member by normalized phone; ErrNotFound when none.
	StaffByPhone(ctx context.Context, phone string) (account.Staff, error)
	// InsertStaff stores a new member with a password hash; ErrConflict when the phone is taken.
	InsertStaff(ctx context.Context, s account.Staff, passwordHash string) (account.Staff, error)
	// UpdateStaff changes name, phone, placement and roles (not Disabled, not the password).
	UpdateStaff(ctx context.Context, s account.Staff) (account.Staff, error)
	SetStaffDisabled(ctx context.Context, id int64, disabled bool, now time.Time) (account.Staff, error)
	SetPasswordHash(ctx context.Context, staffID int64, hash string, now time.Time) error
	PasswordHash(ctx context.Context, staffID int64) (string, error)
	// CountActiveStaff counts staff who are not disabled (seat limits).
	CountActiveStaff(ctx context.Context) (int, error)
	// ActiveAdmins lists ids of active staff holding the built-in admin role.
	ActiveAdmins(ctx context.Context) ([]int64, error)

	ListChannelGroups(ctx context.Context) ([]account.ChannelGroup, error)
	GetChannelGroup(ctx context.Context, id int64) (account.ChannelGroup, error)
	InsertChannelGroup(ctx context.Context, g account.ChannelGroup) (account.ChannelGroup, error)
	UpdateChannelGroup(ctx context.Context, g account.ChannelGroup) (account.ChannelGroup, error)
	ListChannels(ctx context.Context) ([]account.Channel, error)
	GetChannel(ctx context.Context, id int64) (account.Channel, error)
	InsertChannel(ctx context.Context, c account.Channel) (account.Channel, error)
	UpdateChannel(ctx context.Context, c account.Channel) (account.Channel, error)

	// SeeDevice records that a device was used (creating it on first sight) and returns it.
	SeeDevice(ctx context.Context, id, name string, now time.Time) (account.Device, error)
	ListDevices(ctx context.Context) ([]account.Device, error)
	GetDevice(ctx context.Context, id string) (account.Device, error)
	SetDeviceBranches(ctx context.Context, id string, branchIDs []int64) (account.Device, error)

	InsertSession(ctx context.Context, s Session) error
	// DeleteStaffSessions ends every session of a staff member (disable, password reset).
	DeleteStaffSessions(ctx context.Context, staffID int64) error

	// AppendAudit records who did what; API writes call it in the transaction of the change.
	AppendAudit(ctx context.Context, e AuditEntry) error
	ListAudit(ctx context.Context, f AuditFilter) ([]AuditEntry, error)

	// CountLeads counts a brand's leads (a brand's type is fixed once it has any).
	CountLeads(ctx context.Context, brandID int64) (int, error)

	LeadTx
	CreditTx
	AlbumTx
	ShareTx
	TransferRequestTx
	NotifyTx
	PageTx
	RetentionTx
	AnalyticsTx
}

// LeadTx is the lead part of a tenant transaction.
type LeadTx interface {
	// CreateLead stores a new lead with Version 1; ErrConflict when the brand already has a
	// lead with that phone (UNIQUE(brand_id, phone) in the database, not only in code).
	CreateLead(ctx context.Context, l lead.Lead) (lead.Lead, error)
	GetLead(ctx context.Context, id int64) (lead.Lead, error)
	// LeadDocs returns the listed leads that exist, by id, as stored JSON with their scope
	// (one query; pulls send the JSON without decoding it).
	LeadDocs(ctx context.Context, ids []int64) (map[int64]LeadDoc, error)
	// LeadByPhone finds a brand's lead by normalized phone; ErrNotFound when none.
	LeadByPhone(ctx context.Context, brandID int64, phone string) (lead.Lead, error)
	// UpdateLead writes l if its stored version still equals l.Version (compare-and-set) and
	// returns it with the version bumped; ErrStale when someone else changed it first.
	UpdateLead(ctx context.Context, l lead.Lead) (lead.Lead, error)
	// ListLeads returns one keyset page of leads, newest first.
	ListLeads(ctx context.Context, f LeadFilter) ([]lead.Lead, error)
	// CountLeadList counts every lead the filter selects (paging fields ignored).
	CountLeadList(ctx context.Context, f LeadFilter) (int, error)

	AppendLeadEvent(ctx context.Context, e lead.Event) (lead.Event, error)
	// LeadEvents returns a lead's timeline, oldest first.
	LeadEvents(ctx context.Context, leadID int64) ([]lead.Event, error)
	// ActorEvents returns what one staff member did in [from, to), oldest first.
	ActorEvents(ctx context.Context, actorID int64, from, to time.Time, limit int) ([]lead.Event, error)
	// AssignedSince counts, per listed staff member, leads assigned, transferred or claimed
	// to them since t.
	AssignedSince(ctx context.Context, t time.Time, staffIDs []int64) (map[int64]int, error)
	// Holding counts, per listed staff member, the open leads they own now.
	Holding(ctx context.Context, staffIDs []int64) (map[int64]int, error)

	// AppendChange adds an entry to the tenant's change feed with the next sequence number,
	// allocated in this transaction.
	AppendChange(ctx context.Context, c Change) (int64, error)
	// Changes returns feed entries with seq > after, in order.
	Changes(ctx context.Context, after int64, limit int) ([]Change, error)
	// LastSeq is the newest sequence number of the feed (0 when empty).
	LastSeq(ctx context.Context) (int64, error)

	// Mutation returns a remembered pushed mutation; ErrNotFound when new.
	Mutation(ctx context.Context, id string) (MutationRecord, error)
	SaveMutation(ctx context.Context, m MutationRecord) error

	// CheckIn marks a staff member on duty for a day (idempotent: a second check-in on the
	// same day clears the check-out). CheckOut ends the duty.
	CheckIn(ctx context.Context, c CheckIn) error
	CheckOut(ctx context.Context, staffID int64, day string, at time.Time) error
	CheckIns(ctx context.Context, day string) ([]CheckIn, error)

	// DistState returns a distribution group's chooser state, locking it for this
	// transaction so concurrent assignments never read the same pointer; nil when new.
	DistState(ctx context.Context, key string) ([]byte, error)
	SetDistState(ctx context.Context, key string, state []byte) error
	// PeekDistState reads a group's state without locking it (previews in read-only views).
	PeekDistState(ctx context.Context, key string) ([]byte, error)

	// SweepLeads returns leads needing the background sweep's attention: pool recycling
	// due, appointments and follow-ups coming up, untouched and long-pending leads.
	SweepLeads(ctx context.Context, q SweepQuery) ([]lead.Lead, error)

	// Notify puts a notification in a staff member's inbox once per DedupeKey; created is
	// false when it was already there.
	Notify(ctx context.Context, n Notification) (created bool, err error)
	Notifications(ctx context.Context, staffID int64, unreadOnly bool, limit int) ([]Notification, error)
	MarkNotificationsRead(ctx context.Context, staffID int64, ids []int64, now time.Time) error

	AssignRules(ctx context.Context) ([]distribution.Rule, error)
	// SetAssignRules replaces the studio's distribution rules.
	SetAssignRules(ctx context.Context, rules []distribution.Rule) error

	CustomFields(ctx context.Context, brandID int64) ([]lead.CustomField, error)
	SetCustomFields(ctx context.Context, brandID int64, defs []lead.CustomField) error
}

// ErrStale: a compare-and-set write found a newer version than the one it was based on.
var ErrStale = errors.New("store: stale version")

// LeadFilter selects a page of leads, newest first (created_at, id descending).
type LeadFilter struct {
	BrandID, BranchID, ChannelID, OwnerID int64
	Validity, Booking, StoreStatus        string
	CreatedFrom, CreatedTo                *time.Time
	UpdatedFrom, UpdatedTo                *time.Time
	FollowUpFrom, FollowUpTo              *time.Time
	// Text: 11 digits = exact phone; 4+ digits = phone prefix or suffix; else name substring.
	Text    string
	InPool  *bool
	Deleted bool
	// Scope limits the page to what the caller may see.
	Scope LeadScope
	// After is the (created_at, id) of the previous page's last lead.
	AfterCreated *time.Time
	AfterID      int64
	Limit        int
}

// LeadScope is a caller's data scope as a query predicate (lead.Visible in SQL).
type LeadScope struct {
	All          bool
	StaffID      int64
	BrandID      int64 // brand scope
	BranchID     int64 // branch scope
	DepartmentID int64 // group scope
	// ChannelIDs, when not nil, limits the page to these channels (channel-group staff).
	ChannelIDs []int64
}

// Change is one entry of the change feed: which record changed and where it sits now and
// before, so a pull can send it, or its removal, to those who could see it.
type Change struct {
	Seq      int64       `json:"seq"`
	Entity   string      `json:"entity"`
	EntityID int64       `json:"entity_id"`
	Now      lead.Scope  `json:"now"`
	Prev     *lead.Scope `json:"prev,omitempty"`
	At       time.Time   `json:"at"`
}

// MutationRecord remembers a pushed mutation and the answer it got.
type MutationRecord struct {
	ID          string
	StaffID     int64
	RequestHash string
	Result      json.RawMessage
	CreatedAt   time.Time
}

// CheckIn is a staff member's duty on one day.
type CheckIn struct {
	StaffID int64      `json:"staff_id"`
	Day     string     `json:"day"`
	In      time.Time  `json:"in_at"`
	Out     *time.Time `json:"out_at,omitempty"`
	ByID    int64      `json:"by_id"`
}

// LoginCandidate is a staff account matching a login phone.
type LoginCandidate struct {
	TenantID     int64
	TenantName   string
	StaffID      int64
	PasswordHash string
	Disabled     bool
}

// Session is a login; only the token's hash is stored.
type Session struct {
	TokenHash []byte
	TenantID  int64
	StaffID   int64
	DeviceID  string
	BranchID  int64
	CreatedAt time.Time
	LastSeen  time.Time
	ExpiresAt time.Time
	// AuthzGen is the studio's authorization generation when the session was read: it
	// changes (in the database, by triggers) whenever the studio, its staff, their roles or
	// channel groups, its roles or its channels change, so a principal built under one
	// generation may be reused while the generation stays the same.
	AuthzGen int64
}

// AuditEntry is one line of the audit log: who did what to which record, before and after.
type AuditEntry struct {
	ID         int64           `json:"id"`
	ActorID    int64           `json:"actor_id"`
	ActorName  string          `json:"actor_name"`
	OnBehalfOf int64           `json:"on_behalf_of,omitempty"`
	Action     string          `json:"action"`
	Entity     string          `json:"entity"`
	EntityID   string          `json:"entity_id"`
	Before     json.RawMessage `json:"before,omitempty"`
	After      json.RawMessage `json:"after,omitempty"`
	DeviceID   string          `json:"device_id"`
	IP         string          `json:"ip"`
	CreatedAt  time.Time       `json:"created_at"`
}

// AuditFilter selects audit entries, newest first.
type AuditFilter struct {
	Entity   string
	EntityID string
	ActorID  int64
	Limit    int
}

// LeadDoc is a lead as stored: its JSON, in full and masked (lead.Mask), and its scope.
type LeadDoc struct {
	ID      int64
	Scope   lead.Scope
	Deleted bool
	Doc     json.RawMessage
	Masked  json.RawMessage
}

// Job is a durable background job.
type Job struct {
	ID       int64           `json:"id"`
	Kind     string          `json:"kind"`
	TenantID int64           `json:"tenant_id"`
	Key      string          `json:"key"`
	Payload  json.RawMessage `json:"payload,omitempty"`
	RunAt    time.Time       `json:"run_at"`
	Attempts int             `json:"attempts"`
}

// SweepQuery selects leads by one timer condition (exactly one field set).
type SweepQuery struct {
	// RecycleDue: owned, unlocked leads whose protection ended before this time.
	RecycleDue *time.Time
	// ProtectionEndsBefore: owned leads whose protection ends before this time (warnings).
	ProtectionEndsBefore *time.Time
	// BookedBetween: booked leads with the appointment in [From, To).
	BookedFrom, BookedTo *time.Time
	// FollowUpBefore: leads whose next follow-up is due before this time.
	FollowUpBefore *time.Time
	// UntouchedSince: owned, open leads with no activity since this time.
	UntouchedSince *time.Time
	// PendingSince: leads still pending validity, created before this time.
	PendingSince *time.Time
	// BrandID limits the query to one brand (thresholds are per brand); 0 = all.
	BrandID int64
	Limit   int
}

// Notification is one entry of a staff member's inbox.
type Notification struct {
	ID        int64           `json:"id"`
	StaffID   int64           `json:"staff_id"`
	Kind      string          `json:"kind"`
	LeadID    int64           `json:"lead_id,omitempty"`
	Data      json.RawMessage `json:"data,omitempty"`
	DedupeKey string          `json:"-"`
	CreatedAt time.Time       `json:"created_at"`
	ReadAt    *time.Time      `json:"read_at,omitempty"`
}
