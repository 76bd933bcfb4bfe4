package lead

import (
	"encoding/json"
	"errors"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/studiodesk/studiodesk/backend/account"
)

// FieldType is the type of a brand's custom lead field.
type FieldType string

// Custom field types.
const (
	FieldText   FieldType = "text"
	FieldNumber FieldType = "number"
	FieldDate   FieldType = "date"   // YYYY-MM-DD
	FieldSingle FieldType = "single" // one of Options
	FieldMulti  FieldType = "multi"  // some of Options
)

// CustomField defines one custom lead field of a brand (settings). Values live in
// Lead.Custom under Key.
type CustomField struct {
	Key      string    `json:"key"`
	Label    string    `json:"label"`
	Type     FieldType `json:"type"`
	Options  []string  `json:"options,omitempty"`
	Required bool      `json:"required,omitempty"`
}

// Limits of lead fields, in characters (runes).
const (
	MaxLeadNameLen    = account.MaxNameLen // names of people on the lead
	MaxLeadNotesLen   = 2000
	MaxCustomTextLen  = 500
	MaxCustomKeyLen   = 32
	MaxCustomOptions  = 100
	MaxCustomLabelLen = account.MaxNameLen
)

// Milestones of a children's lead (拍摄节点).
const (
	MilestoneFullMonth     = "full_month"     // 满月
	MilestoneHundredDays   = "hundred_days"   // 百天
	MilestoneFirstBirthday = "first_birthday" // 周岁
	MilestoneOther         = "other"
)

// Genders of a child.
const (
	GenderGirl = "girl"
	GenderBoy  = "boy"
)

// dateLayout is the only date form lead fields accept, so values sort and compare as text.
const dateLayout = "2006-01-02"

// Milestones lists the milestones in display order.
func Milestones() []string {
	return []string{MilestoneFullMonth, MilestoneHundredDays, MilestoneFirstBirthday, MilestoneOther}
}

// SourceTypes lists the source types in display order.
func SourceTypes() []SourceType {
	return []SourceType{SourceAd, SourceWalkIn, SourceReferral, SourceReturning, SourceEvent, SourcePartner}
}

// FieldTypes lists the custom field types.
func FieldTypes() []FieldType {
	return []FieldType{FieldText, FieldNumber, FieldDate, FieldSingle, FieldMulti}
}

// ValidateCustomFieldDef checks one custom field definition before settings store it: a key
// of lowercase letters, digits and underscores starting with a letter (it names a JSON key
// and a report column), a label, a known type, and for single/multi a non-empty list of
// distinct options (other types take none). Returns the first *account.FieldError.
func ValidateCustomFieldDef(d CustomField) error {
	var errs account.FieldErrors
	add := adder(&errs)
	if !validKey(d.Key) {
		add("key", account.CodeInvalidValue, map[string]any{"example": "budget_range", "max": MaxCustomKeyLen})
	}
	switch label := strings.TrimSpace(d.Label); {
	case label == "":
		add("label", account.CodeRequired, nil)
	case utf8.RuneCountInString(label) > MaxCustomLabelLen:
		add("label", account.CodeTooLong, map[string]any{"max": MaxCustomLabelLen})
	}
	switch d.Type {
	case FieldSingle, FieldMulti:
		switch {
		case len(d.Options) == 0:
			add("options", account.CodeRequired, nil)
		case len(d.Options) > MaxCustomOptions:
			add("options", account.CodeTooLong, map[string]any{"max": MaxCustomOptions})
		}
		seen := map[string]bool{}
		for _, o := range d.Options {
			o = strings.TrimSpace(o)
			if o == "" || seen[o] || utf8.RuneCountInString(o) > account.MaxNameLen {
				add("options", account.CodeInvalidValue, map[string]any{"value": o})
				break
			}
			seen[o] = true
		}
	case FieldText, FieldNumber, FieldDate:
		if len(d.Options) > 0 {
			add("options", account.CodeInvalidValue, map[string]any{"detail": "only single and multi fields have options"})
		}
	default:
		add("type", account.CodeInvalidValue, map[string]any{"allowed": joinStrings(FieldTypes())})
	}
	return errs.Err()
}

// ValidateCustomFieldDefs checks a brand's whole list: each definition, and keys unique.
// The error's params carry "index", the position of the offending definition.
func ValidateCustomFieldDefs(defs []CustomField) error {
	seen := map[string]bool{}
	for i, d := range defs {
		if err := ValidateCustomFieldDef(d); err != nil {
			var fe *account.FieldError
			if !errors.As(err, &fe) {
				return err
			}
			p := map[string]any{"index": i}
			for k, v := range fe.Values {
				p[k] = v
			}
			return &account.FieldError{FieldName: fe.FieldName, ErrCode: fe.ErrCode, Values: p}
		}
		if seen[d.Key] {
			return &account.FieldError{FieldName: "key", ErrCode: CodeDuplicateKey, Values: map[string]any{"index": i, "key": d.Key}}
		}
		seen[d.Key] = true
	}
	return nil
}

func validKey(k string) bool {
	if k == "" || len(k) > MaxCustomKeyLen || k[0] < 'a' || k[0] > 'z' {
		return false
	}
	for _, r := range k {
		if (r < 'a' || r > 'z') && (r < '0' || r > '9') && r != '_' {
			return false
		}
	}
	return true
}

// Normalize checks a lead record for a brand of brandType with the brand's custom field
// definitions and returns it normalized: text trimmed, phones canonical
// (account.NormalizePhone), empty brand sections dropped, custom values typed per their
// definition. On error it returns l unchanged and the first *account.FieldError, in form
// order. Statuses, owners and timers are not looked at: Transition and the assignment rules
// own those.
//
// Rules: the phone is required (it is the lead's identity) but everything else is optional,
// so phone-only import rows go through; name ≤ 64; phone2, wedding.partner_phone and
// referrer_phone are normalized when present; wedding fields on a children's brand (or the
// reverse) are refused with CodeWrongBrandType naming the field; dates are YYYY-MM-DD;
// gender girl|boy; milestone from Milestones; the source type, when given, from SourceTypes;
// a referral names its referrer (a staff id, or a name and phone); custom values must match
// their definition, required ones must be present and unknown keys are refused
// ("custom.<key>").
func Normalize(l Lead, brandType account.BrandType, defs []CustomField) (Lead, error) {
	n, errs := normalize(l, brandType, defs)
	if err := errs.Err(); err != nil {
		return l, err
	}
	return n, nil
}

// normalize returns the normalized lead and every field error, in form order; Edit filters
// the errors down to the fields a patch touched.
func normalize(l Lead, brandType account.BrandType, defs []CustomField) (Lead, account.FieldErrors) {
	var errs account.FieldErrors
	add := adder(&errs)
	if brandType != account.BrandWedding && brandType != account.BrandChildren {
		add("brand_type", account.CodeInvalidValue, map[string]any{"allowed": "wedding, children"})
		return l, errs
	}
	n := l

	n.Name = text(add, "name", l.Name, MaxLeadNameLen)
	switch p := strings.TrimSpace(l.Phone); {
	case p == "":
		add("phone", account.CodeRequired, nil)
	default:
		n.Phone = phone(&errs, "phone", p)
	}
	n.Phone2 = phone(&errs, "phone2", l.Phone2)

	if l.Source != "" && !slices.Contains(SourceTypes(), l.Source) {
		add("source_type", account.CodeInvalidValue, map[string]any{"allowed": joinStrings(SourceTypes())})
	}
	n.ReferrerName = text(add, "referrer_name", l.ReferrerName, MaxLeadNameLen)
	n.ReferrerPhone = phone(&errs, "referrer_phone", l.ReferrerPhone)
	if l.Source == SourceReferral && l.ReferrerStaffID == 0 {
		switch {
		case n.ReferrerName == "" && n.ReferrerPhone == "":
			add("referrer", account.CodeRequired, nil)
		case n.ReferrerName == "":
			add("referrer_name", account.CodeRequired, nil)
		case n.ReferrerPhone == "":
			add("referrer_phone", account.CodeRequired, nil)
		}
	}
	n.Notes = text(add, "notes", l.Notes, MaxLeadNotesLen)

	// The other brand type's section is refused field by field (so an edit touching one of
	// them is told which), and not validated further.
	wrong := map[string]any{"brand_type": string(brandType)}
	if brandType == account.BrandWedding {
		n.Wedding = normalizeWedding(l.Wedding, &errs)
		if l.Children != nil {
			n.Children = nil
			for _, kv := range childrenValues(*l.Children) {
				if strings.TrimSpace(kv[1]) != "" {
					n.Children = l.Children
					add("children."+kv[0], CodeWrongBrandType, wrong)
				}
			}
		}
	} else {
		n.Children = normalizeChildren(l.Children, &errs)
		if l.Wedding != nil {
			n.Wedding = nil
			for _, kv := range weddingValues(*l.Wedding) {
				if strings.TrimSpace(kv[1]) != "" {
					n.Wedding = l.Wedding
					add("wedding."+kv[0], CodeWrongBrandType, wrong)
				}
			}
		}
	}

	n.Custom = normalizeCustom(l.Custom, defs, &errs)
	return n, errs
}

func normalizeWedding(w *WeddingFields, errs *account.FieldErrors) *WeddingFields {
	if w == nil {
		return nil
	}
	add := adder(errs)
	out := WeddingFields{
		PartnerName:  text(add, "wedding.partner_name", w.PartnerName, MaxLeadNameLen),
		PartnerPhone: phone(errs, "wedding.partner_phone", w.PartnerPhone),
		WeddingDate:  date(add, "wedding.wedding_date", w.WeddingDate),
	}
	if out == (WeddingFields{}) {
		return nil
	}
	return &out
}

func normalizeChildren(c *ChildrenFields, errs *account.FieldErrors) *ChildrenFields {
	if c == nil {
		return nil
	}
	add := adder(errs)
	out := ChildrenFields{
		ChildName:     text(add, "children.child_name", c.ChildName, MaxLeadNameLen),
		BirthDate:     date(add, "children.birth_date", c.BirthDate),
		Milestone:     strings.TrimSpace(c.Milestone),
		Gender:        strings.TrimSpace(c.Gender),
		Guardian2Name: text(add, "children.guardian2_name", c.Guardian2Name, MaxLeadNameLen),
	}
	if out.Milestone != "" && !slices.Contains(Milestones(), out.Milestone) {
		add("children.milestone", account.CodeInvalidValue, map[string]any{"allowed": strings.Join(Milestones(), ", ")})
	}
	if out.Gender != "" && out.Gender != GenderGirl && out.Gender != GenderBoy {
		add("children.gender", account.CodeInvalidValue, map[string]any{"allowed": GenderGirl + ", " + GenderBoy})
	}
	if out == (ChildrenFields{}) {
		return nil
	}
	return &out
}

// weddingValues and childrenValues list a section's fields in form order with their names,
// so errors and change lists name the same fields.
func weddingValues(w WeddingFields) [][2]string {
	return [][2]string{{"partner_name", w.PartnerName}, {"partner_phone", w.PartnerPhone}, {"wedding_date", w.WeddingDate}}
}

func childrenValues(c ChildrenFields) [][2]string {
	return [][2]string{{"child_name", c.ChildName}, {"birth_date", c.BirthDate}, {"milestone", c.Milestone},
		{"gender", c.Gender}, {"guardian2_name", c.Guardian2Name}}
}

// normalizeCustom types each defined value, checks required ones and refuses unknown keys.
func normalizeCustom(vals map[string]any, defs []CustomField, errs *account.FieldErrors) map[string]any {
	add := adder(errs)
	out := map[string]any{}
	known := map[string]bool{}
	for _, d := range defs {
		known[d.Key] = true
		field := "custom." + d.Key
		v, present, err := customValue(d, vals[d.Key])
		switch {
		case err != nil:
			add(field, err.code, err.params)
		case present:
			out[d.Key] = v
		case d.Required:
			add(field, account.CodeRequired, nil)
		}
	}
	var unknown []string
	for k := range vals {
		if !known[k] {
			unknown = append(unknown, k)
		}
	}
	sort.Strings(unknown)
	for _, k := range unknown {
		add("custom."+k, CodeUnknownField, nil)
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

type valueError struct {
	code   string
	params map[string]any
}

// customValue returns v typed per d (text/date/single: string, number: float64, multi:
// []string) and whether a value is present; empty strings and lists count as absent.
func customValue(d CustomField, v any) (any, bool, *valueError) {
	if v == nil {
		return nil, false, nil
	}
	invalid := func(params map[string]any) (any, bool, *valueError) {
		return nil, false, &valueError{account.CodeInvalidValue, params}
	}
	switch d.Type {
	case FieldText:
		s, ok := v.(string)
		if !ok {
			return invalid(nil)
		}
		s = strings.TrimSpace(s)
		if utf8.RuneCountInString(s) > MaxCustomTextLen {
			return nil, false, &valueError{account.CodeTooLong, map[string]any{"max": MaxCustomTextLen}}
		}
		return s, s != "", nil
	case FieldNumber:
		f, present, ok := number(v)
		if !ok {
			return invalid(map[string]any{"example": "1200"})
		}
		return f, present, nil
	case FieldDate:
		s, ok := v.(string)
		if !ok {
			return invalid(map[string]any{"example": "2025-05-20"})
		}
		if s = strings.TrimSpace(s); s == "" {
			return nil, false, nil
		}
		if _, err := time.Parse(dateLayout, s); err != nil {
			return invalid(map[string]any{"example": "2025-05-20"})
		}
		return s, true, nil
	case FieldSingle:
		s, ok := v.(string)
		if s = strings.TrimSpace(s); !ok || (s != "" && !slices.Contains(d.Options, s)) {
			return invalid(map[string]any{"allowed": strings.Join(d.Options, ", ")})
		}
		return s, s != "", nil
	case FieldMulti:
		var items []string
		switch vs := v.(type) {
		case []string:
			items = vs
		case []any:
			for _, x := range vs {
				s, ok := x.(string)
				if !ok {
					return invalid(map[string]any{"allowed": strings.Join(d.Options, ", ")})
				}
				items = append(items, s)
			}
		default:
			return invalid(map[string]any{"allowed": strings.Join(d.Options, ", ")})
		}
		out := []string{}
		for _, s := range items {
			s = strings.TrimSpace(s)
			if !slices.Contains(d.Options, s) {
				return invalid(map[string]any{"allowed": strings.Join(d.Options, ", ")})
			}
			if !slices.Contains(out, s) {
				out = append(out, s)
			}
		}
		return out, len(out) > 0, nil
	}
	return invalid(map[string]any{"detail": "unknown field type " + string(d.Type)})
}

// number accepts what JSON decoding and forms produce: numbers, json.Number, numeric strings.
func number(v any) (f float64, present, ok bool) {
	switch n := v.(type) {
	case float64:
		f = n
	case float32:
		f = float64(n)
	case int:
		f = float64(n)
	case int64:
		f = float64(n)
	case int32:
		f = float64(n)
	case json.Number:
		var err error
		if f, err = n.Float64(); err != nil {
			return 0, false, false
		}
	case string:
		s := strings.TrimSpace(n)
		if s == "" {
			return 0, false, true
		}
		var err error
		if f, err = strconv.ParseFloat(s, 64); err != nil {
			return 0, false, false
		}
	default:
		return 0, false, false
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false, false
	}
	return f, true, true
}

type addFunc func(field, code string, params map[string]any)

func adder(errs *account.FieldErrors) addFunc {
	return func(field, code string, params map[string]any) {
		*errs = append(*errs, &account.FieldError{FieldName: field, ErrCode: code, Values: params})
	}
}

// text trims an optional text field and checks its length.
func text(add addFunc, field, v string, limit int) string {
	v = strings.TrimSpace(v)
	if utf8.RuneCountInString(v) > limit {
		add(field, account.CodeTooLong, map[string]any{"max": limit})
	}
	return v
}

// phone normalizes an optional phone; empty stays empty.
func phone(errs *account.FieldErrors, field, v string) string {
	if strings.TrimSpace(v) == "" {
		return ""
	}
	p, err := account.NormalizePhone(field, v)
	if err != nil {
		var fe *account.FieldError
		if !errors.As(err, &fe) {
			fe = &account.FieldError{FieldName: field, ErrCode: account.CodePhoneInvalid}
		}
		*errs = append(*errs, fe)
		return v
	}
	return p
}

// date checks an optional YYYY-MM-DD date.
func date(add addFunc, field, v string) string {
	v = strings.TrimSpace(v)
	if v == "" {
		return ""
	}
	if _, err := time.Parse(dateLayout, v); err != nil {
		add(field, account.CodeInvalidValue, map[string]any{"example": "2025-05-20"})
	}
	return v
}

func joinStrings[S ~string](xs []S) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = string(x)
	}
	return strings.Join(parts, ", ")
}
