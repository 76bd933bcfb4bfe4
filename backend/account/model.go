package account

import (
	"fmt"
	"time"
	"unicode"
	"unicode/utf8"
)

// Tenant is a studio: every other record belongs to exactly one.
type Tenant struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	SeatLimit int       `json:"seat_limit"` // active staff allowed by the studio's plan; 0 = unlimited
	CreatedAt time.Time `json:"created_at"`
}

// BrandType is fixed once a brand has leads: it decides which lead fields exist.
type BrandType string

// Brand types.
const (
	BrandWedding  BrandType = "wedding"
	BrandChildren BrandType = "children"
)

// DuplicatePolicy is what entering an existing phone does in a brand (LEADS.md).
type DuplicatePolicy string

// Duplicate policies.
const (
	DupReject DuplicatePolicy = "reject"
	DupRepeat DuplicatePolicy = "repeat"
)

// DefaultTimezone cuts report days and shows times unless a brand says otherwise.
const DefaultTimezone = "Asia/Shanghai"

// Brand is a studio brand.
type Brand struct {
	ID              int64           `json:"id"`
	Name            string          `json:"name"`
	Type            BrandType       `json:"type"`
	DuplicatePolicy DuplicatePolicy `json:"duplicate_policy"`
	Timezone        string          `json:"timezone"`
	HasLeads        bool            `json:"has_leads"`
	Settings        BrandSettings   `json:"settings"`
	CreatedAt       time.Time       `json:"created_at"`
	UpdatedAt       time.Time       `json:"updated_at"`
}

// BrandSettings are a brand's lead rules; zero values take the defaults of WithDefaults.
type BrandSettings struct {
	// Reminders: an owned lead with no activity for UntouchedHours; validity still pending
	// PendingHours after creation.
	UntouchedHours int `json:"untouched_hours"`
	PendingHours   int `json:"pending_hours"`
	// Claim pool (公海): recycle after NoFollowUpHours without follow-up or NoBookingDays
	// without a booking; each activity extends protection by ActivityExtendHours up to
	// ProtectMaxDays; the previous owner waits CooldownHours before claiming back; a member
	// holds at most HoldingCap claimed leads (0 = no cap).
	NoFollowUpHours     int `json:"no_follow_up_hours"`
	NoBookingDays       int `json:"no_booking_days"`
	ProtectMaxDays      int `json:"protect_max_days"`
	ActivityExtendHours int `json:"activity_extend_hours"`
	CooldownHours       int `json:"cooldown_hours"`
	HoldingCap          int `json:"holding_cap"`
}

// WithDefaults fills unset settings: 24 h reminders; 48 h without follow-up, 7 days without
// booking, 30 days at most, 24 h per activity, 72 h cool-down.
func (s BrandSettings) WithDefaults() BrandSettings {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&s.UntouchedHours, 24)
	def(&s.PendingHours, 24)
	def(&s.NoFollowUpHours, 48)
	def(&s.NoBookingDays, 7)
	def(&s.ProtectMaxDays, 30)
	def(&s.ActivityExtendHours, 24)
	def(&s.CooldownHours, 72)
	return s
}

// Branch is a physical store of a brand.
type Branch struct {
	ID        int64     `json:"id"`
	BrandID   int64     `json:"brand_id"`
	Name      string    `json:"name"`
	Address   string    `json:"address"`
	Phone     string    `json:"phone"`
	CreatedAt time.Time `json:"created_at"`
}

// DepartmentKind says what a department (group) of a branch does.
type DepartmentKind string

// Department kinds.
const (
	DeptIntake  DepartmentKind = "intake"
	DeptBooking DepartmentKind = "booking"
	DeptStore   DepartmentKind = "store"
	DeptPhoto   DepartmentKind = "photo"
	DeptOther   DepartmentKind = "other"
)

// Department is a staff group inside a branch.
type Department struct {
	ID       int64          `json:"id"`
	BranchID int64          `json:"branch_id"`
	Name     string         `json:"name"`
	Kind     DepartmentKind `json:"kind"`
}

// Staff is a studio account; the phone is the login identity, unique within the studio.
type Staff struct {
	ID           int64   `json:"id"`
	Phone        string  `json:"phone"`
	Name         string  `json:"name"`
	BranchID     int64   `json:"branch_id,omitempty"`
	DepartmentID int64   `json:"department_id,omitempty"`
	RoleIDs      []int64 `json:"role_ids"`
	Disabled     bool    `json:"disabled"`
	// Distribution limits: leads assigned per day, open leads held (0 = no cap), and the
	// weight in weighted round-robin (at least 1).
	DailyCap int `json:"daily_cap"`
	// ChannelGroupIDs limits a channel-group member to leads of these groups' channels
	// (empty = no channel limit).
	ChannelGroupIDs []int64   `json:"channel_group_ids"`
	HoldingCap      int       `json:"holding_cap"`
	Weight          int       `json:"weight"`
	CreatedAt       time.Time `json:"created_at"`
	UpdatedAt       time.Time `json:"updated_at"`
}

// ChannelGroup groups ad channels (e.g. "线上投放"); channel staff see their groups' figures.
type ChannelGroup struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// Channel is where leads come from; spend is recorded per channel.
type Channel struct {
	ID      int64  `json:"id"`
	BrandID int64  `json:"brand_id,omitempty"`
	GroupID int64  `json:"group_id,omitempty"`
	Name    string `json:"name"`
	Active  bool   `json:"active"`
}

// Device is a desktop installation seen at login. Staff without settings.manage may log in
// only from a device bound to their branch.
type Device struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Code      string    `json:"code"`
	BranchIDs []int64   `json:"branch_ids"`
	FirstSeen time.Time `json:"first_seen"`
	LastSeen  time.Time `json:"last_seen"`
}

// DeviceCode is the short form of a device id that staff read out to an admin.
func DeviceCode(id string) string {
	code := make([]rune, 0, 8)
	for _, r := range id {
		if len(code) == 8 {
			break
		}
		if r != '-' {
			code = append(code, unicode.ToUpper(r))
		}
	}
	return string(code)
}

// ValidateBrand checks a brand before it is stored.
func ValidateBrand(b Brand) error {
	var errs FieldErrors
	errs.name("name", b.Name)
	if b.Type != BrandWedding && b.Type != BrandChildren {
		errs.add("type", CodeInvalidValue, map[string]any{"allowed": "wedding, children"})
	}
	if b.DuplicatePolicy != DupReject && b.DuplicatePolicy != DupRepeat {
		errs.add("duplicate_policy", CodeInvalidValue, map[string]any{"allowed": "reject, repeat"})
	}
	if _, err := time.LoadLocation(b.Timezone); err != nil || b.Timezone == "" {
		errs.add("timezone", CodeInvalidValue, map[string]any{"example": DefaultTimezone})
	}
	st := b.Settings
	for _, f := range []struct {
		name   string
		v, max int
	}{{"untouched_hours", st.UntouchedHours, 720}, {"pending_hours", st.PendingHours, 720}, {"no_follow_up_hours", st.NoFollowUpHours, 2160},
		{"no_booking_days", st.NoBookingDays, 365}, {"protect_max_days", st.ProtectMaxDays, 365}, {"activity_extend_hours", st.ActivityExtendHours, 720},
		{"cooldown_hours", st.CooldownHours, 2160}, {"holding_cap", st.HoldingCap, 100000}} {
		if f.v < 0 || f.v > f.max {
			errs.add("settings."+f.name, CodeInvalidValue, map[string]any{"allowed": fmt.Sprintf("0–%d", f.max)})
		}
	}
	return errs.Err()
}

// ValidateBranch checks a branch before it is stored.
func ValidateBranch(b Branch) error {
	var errs FieldErrors
	if b.BrandID == 0 {
		errs.add("brand_id", CodeRequired, nil)
	}
	errs.name("name", b.Name)
	if utf8.RuneCountInString(b.Address) > 200 {
		errs.add("address", CodeTooLong, map[string]any{"max": 200})
	}
	if utf8.RuneCountInString(b.Phone) > 32 {
		errs.add("phone", CodeTooLong, map[string]any{"max": 32})
	}
	return errs.Err()
}

// ValidateDepartment checks a department before it is stored.
func ValidateDepartment(d Department) error {
	var errs FieldErrors
	if d.BranchID == 0 {
		errs.add("branch_id", CodeRequired, nil)
	}
	errs.name("name", d.Name)
	switch d.Kind {
	case DeptIntake, DeptBooking, DeptStore, DeptPhoto, DeptOther:
	default:
		errs.add("kind", CodeInvalidValue, map[string]any{"allowed": "intake, booking, store, photo, other"})
	}
	return errs.Err()
}

// ValidateChannel checks a channel before it is stored.
func ValidateChannel(c Channel) error {
	var errs FieldErrors
	errs.name("name", c.Name)
	return errs.Err()
}

// ValidateChannelGroup checks a channel group before it is stored.
func ValidateChannelGroup(g ChannelGroup) error {
	var errs FieldErrors
	errs.name("name", g.Name)
	return errs.Err()
}

// ValidateStaff checks a staff record (its phone must already be normalized by NormalizePhone).
func ValidateStaff(s Staff) error {
	var errs FieldErrors
	errs.name("name", s.Name)
	if len(s.RoleIDs) == 0 {
		errs.add("role_ids", CodeRequired, nil)
	}
	if s.DepartmentID != 0 && s.BranchID == 0 {
		errs.add("branch_id", CodeRequired, nil)
	}
	if s.DailyCap < 0 || s.DailyCap > 10000 {
		errs.add("daily_cap", CodeInvalidValue, map[string]any{"allowed": "0–10000"})
	}
	if s.HoldingCap < 0 || s.HoldingCap > 100000 {
		errs.add("holding_cap", CodeInvalidValue, map[string]any{"allowed": "0–100000"})
	}
	if s.Weight < 1 || s.Weight > 100 {
		errs.add("weight", CodeInvalidValue, map[string]any{"allowed": "1–100"})
	}
	return errs.Err()
}

// MinPasswordLen is the shortest password accepted.
const MinPasswordLen = 8

// ValidatePassword requires at least MinPasswordLen characters with a letter and a digit:
// short enough for front-desk staff, long enough that the login rate limit protects it.
func ValidatePassword(field, p string) error {
	var letter, digit bool
	for _, r := range p {
		letter = letter || unicode.IsLetter(r)
		digit = digit || unicode.IsDigit(r)
	}
	if utf8.RuneCountInString(p) < MinPasswordLen || !letter || !digit || len(p) > 128 {
		return &FieldError{FieldName: field, ErrCode: CodePasswordWeak, Values: map[string]any{"min": MinPasswordLen}}
	}
	return nil
}
