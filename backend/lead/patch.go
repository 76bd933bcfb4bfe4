package lead

import (
	"bytes"
	"encoding/json"
	"maps"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/studiodesk/studiodesk/backend/account"
)

// Patch is an edit of a lead's plain fields: a nil pointer leaves the field alone, a pointer
// to "" clears it. Only the fields a patch names are written, which is what makes
// field-level last-writer-wins work: two people editing different fields of the same lead
// (or an offline desktop rebasing its edit) both keep their change. Statuses, owners,
// source and referrer are not here: statuses move through Transition/Correct, owners
// through assignment and transfer, and the referrer through the referral approval.
type Patch struct {
	Name      *string        `json:"name,omitempty"`
	Phone     *string        `json:"phone,omitempty"`
	Phone2    *string        `json:"phone2,omitempty"`
	Notes     *string        `json:"notes,omitempty"`
	ChannelID *int64         `json:"channel_id,omitempty"`
	BranchID  *int64         `json:"branch_id,omitempty"`
	Wedding   *WeddingPatch  `json:"wedding,omitempty"`
	Children  *ChildrenPatch `json:"children,omitempty"`
	// Custom sets custom values by key; a key mapped to nil (JSON null) removes the value.
	Custom map[string]any `json:"custom,omitempty"`
	// NextFollowUp sets the next follow-up time; ClearNextFollowUp removes it (JSON cannot
	// tell a null from a missing pointer). A set time wins over the clear flag.
	NextFollowUp      *time.Time `json:"next_follow_up,omitempty"`
	ClearNextFollowUp bool       `json:"clear_next_follow_up,omitempty"`
}

// WeddingPatch edits the wedding section of a lead.
type WeddingPatch struct {
	PartnerName  *string `json:"partner_name,omitempty"`
	PartnerPhone *string `json:"partner_phone,omitempty"`
	WeddingDate  *string `json:"wedding_date,omitempty"`
}

// ChildrenPatch edits the children section of a lead.
type ChildrenPatch struct {
	ChildName     *string `json:"child_name,omitempty"`
	BirthDate     *string `json:"birth_date,omitempty"`
	Milestone     *string `json:"milestone,omitempty"`
	Gender        *string `json:"gender,omitempty"`
	Guardian2Name *string `json:"guardian2_name,omitempty"`
}

// Fields lists the field names the patch touches, in form order, with the names errors and
// change lists use ("wedding.partner_name", "custom.<key>", ...).
func (p Patch) Fields() []string {
	var out []string
	add := func(name string, set bool) {
		if set {
			out = append(out, name)
		}
	}
	add("name", p.Name != nil)
	add("phone", p.Phone != nil)
	add("phone2", p.Phone2 != nil)
	add("notes", p.Notes != nil)
	add("channel_id", p.ChannelID != nil)
	add("branch_id", p.BranchID != nil)
	if w := p.Wedding; w != nil {
		add("wedding.partner_name", w.PartnerName != nil)
		add("wedding.partner_phone", w.PartnerPhone != nil)
		add("wedding.wedding_date", w.WeddingDate != nil)
	}
	if c := p.Children; c != nil {
		add("children.child_name", c.ChildName != nil)
		add("children.birth_date", c.BirthDate != nil)
		add("children.milestone", c.Milestone != nil)
		add("children.gender", c.Gender != nil)
		add("children.guardian2_name", c.Guardian2Name != nil)
	}
	for _, k := range slices.Sorted(maps.Keys(p.Custom)) {
		add("custom."+k, true)
	}
	add("next_follow_up", p.NextFollowUp != nil || p.ClearNextFollowUp)
	return out
}

// Apply writes the patch onto l as given (no validation or normalization; see Edit) and
// returns the lead with the names of the fields whose value actually changed, in form order;
// with no change it returns l itself and nil. It never touches statuses, UpdatedAt or
// Version, and never shares maps or structs with l.
func Apply(l Lead, p Patch) (Lead, []string) {
	n := l
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	set(&n.Name, p.Name)
	set(&n.Phone, p.Phone)
	set(&n.Phone2, p.Phone2)
	set(&n.Notes, p.Notes)
	if p.ChannelID != nil {
		n.ChannelID = *p.ChannelID
	}
	if p.BranchID != nil {
		n.BranchID = *p.BranchID
	}
	if w := p.Wedding; w != nil {
		var s WeddingFields
		if l.Wedding != nil {
			s = *l.Wedding
		}
		set(&s.PartnerName, w.PartnerName)
		set(&s.PartnerPhone, w.PartnerPhone)
		set(&s.WeddingDate, w.WeddingDate)
		n.Wedding = sectionOrNil(s)
	}
	if c := p.Children; c != nil {
		var s ChildrenFields
		if l.Children != nil {
			s = *l.Children
		}
		set(&s.ChildName, c.ChildName)
		set(&s.BirthDate, c.BirthDate)
		set(&s.Milestone, c.Milestone)
		set(&s.Gender, c.Gender)
		set(&s.Guardian2Name, c.Guardian2Name)
		n.Children = sectionOrNil(s)
	}
	if len(p.Custom) > 0 {
		c := maps.Clone(l.Custom)
		if c == nil {
			c = map[string]any{}
		}
		for k, v := range p.Custom {
			if v == nil {
				delete(c, k)
			} else {
				c[k] = v
			}
		}
		n.Custom = c
		if len(c) == 0 {
			n.Custom = nil
		}
	}
	switch {
	case p.NextFollowUp != nil:
		n.NextFollowUp = timePtr(*p.NextFollowUp)
	case p.ClearNextFollowUp:
		n.NextFollowUp = nil
	}
	changed := changedFields(l, n)
	if len(changed) == 0 {
		return l, nil
	}
	return n, changed
}

// Edit applies a patch the way the server (and the optimistic desktop) does: the touched
// fields are normalized and validated as Normalize would (phones canonical, dates, brand
// type, custom values typed), untouched fields are left exactly as stored — so a custom
// field made required or removed later does not block an unrelated edit. It returns the
// edited lead (UpdatedAt = now when something changed) and the names of the fields that
// changed after normalization (a phone retyped with spaces is no change). On error, l
// unchanged and the first *account.FieldError of a touched field.
func Edit(l Lead, p Patch, brandType account.BrandType, defs []CustomField, now time.Time) (Lead, []string, error) {
	applied, _ := Apply(l, p)
	norm, errs := normalize(applied, brandType, defs)
	touched := p.Fields()
	var mine account.FieldErrors
	for _, fe := range errs {
		if fe.FieldName == "brand_type" || slices.Contains(touched, fe.FieldName) {
			mine = append(mine, fe)
		}
	}
	if err := mine.Err(); err != nil {
		return l, nil, err
	}

	// Take the normalized value of each touched field; everything else stays as applied
	// (which, for untouched fields, is the stored value).
	n := applied
	n.Custom = maps.Clone(applied.Custom) // written below; never the caller's map
	if n.Custom == nil {
		n.Custom = map[string]any{}
	}
	var w WeddingFields
	if applied.Wedding != nil {
		w = *applied.Wedding
	}
	var c ChildrenFields
	if applied.Children != nil {
		c = *applied.Children
	}
	var nw WeddingFields
	if norm.Wedding != nil {
		nw = *norm.Wedding
	}
	var nc ChildrenFields
	if norm.Children != nil {
		nc = *norm.Children
	}
	for _, f := range touched {
		switch f {
		case "name":
			n.Name = norm.Name
		case "phone":
			n.Phone = norm.Phone
		case "phone2":
			n.Phone2 = norm.Phone2
		case "notes":
			n.Notes = norm.Notes
		case "wedding.partner_name":
			w.PartnerName = nw.PartnerName
		case "wedding.partner_phone":
			w.PartnerPhone = nw.PartnerPhone
		case "wedding.wedding_date":
			w.WeddingDate = nw.WeddingDate
		case "children.child_name":
			c.ChildName = nc.ChildName
		case "children.birth_date":
			c.BirthDate = nc.BirthDate
		case "children.milestone":
			c.Milestone = nc.Milestone
		case "children.gender":
			c.Gender = nc.Gender
		case "children.guardian2_name":
			c.Guardian2Name = nc.Guardian2Name
		default:
			if key, ok := strings.CutPrefix(f, "custom."); ok {
				if v, ok := norm.Custom[key]; ok {
					n.Custom[key] = v
				} else {
					delete(n.Custom, key)
				}
			}
		}
	}
	if p.Wedding != nil {
		n.Wedding = sectionOrNil(w)
	}
	if p.Children != nil {
		n.Children = sectionOrNil(c)
	}
	if len(n.Custom) == 0 {
		n.Custom = nil
	}
	changed := changedFields(l, n)
	if len(changed) == 0 {
		return l, nil, nil
	}
	n.UpdatedAt = now
	return n, changed, nil
}

// EditedEvent is the timeline entry of an edit: data {"fields": [...]} names what changed,
// never the values (the timeline is shown to people who may not see the phone; the audit
// log keeps before/after).
func EditedEvent(l Lead, changed []string, now time.Time) Event {
	ev := newEvent(l, EventEdited, now)
	ev.Data = eventData(map[string]any{"fields": changed})
	return ev
}

// sectionOrNil drops an all-empty brand section, so "no wedding data" has one form.
func sectionOrNil[T WeddingFields | ChildrenFields](s T) *T {
	var zero T
	if s == zero {
		return nil
	}
	return &s
}

// changedFields lists the editable fields that differ between a and b, in form order.
func changedFields(a, b Lead) []string {
	var out []string
	cmp := func(name string, x, y string) {
		if x != y {
			out = append(out, name)
		}
	}
	cmp("name", a.Name, b.Name)
	cmp("phone", a.Phone, b.Phone)
	cmp("phone2", a.Phone2, b.Phone2)
	cmp("notes", a.Notes, b.Notes)
	if a.ChannelID != b.ChannelID {
		out = append(out, "channel_id")
	}
	if a.BranchID != b.BranchID {
		out = append(out, "branch_id")
	}
	var aw, bw WeddingFields
	if a.Wedding != nil {
		aw = *a.Wedding
	}
	if b.Wedding != nil {
		bw = *b.Wedding
	}
	for i, kv := range weddingValues(aw) {
		cmp("wedding."+kv[0], kv[1], weddingValues(bw)[i][1])
	}
	var ac, bc ChildrenFields
	if a.Children != nil {
		ac = *a.Children
	}
	if b.Children != nil {
		bc = *b.Children
	}
	for i, kv := range childrenValues(ac) {
		cmp("children."+kv[0], kv[1], childrenValues(bc)[i][1])
	}
	keys := map[string]bool{}
	for k := range a.Custom {
		keys[k] = true
	}
	for k := range b.Custom {
		keys[k] = true
	}
	sorted := make([]string, 0, len(keys))
	for k := range keys {
		sorted = append(sorted, k)
	}
	sort.Strings(sorted)
	for _, k := range sorted {
		x, xok := a.Custom[k]
		y, yok := b.Custom[k]
		if xok != yok || !sameValue(x, y) {
			out = append(out, "custom."+k)
		}
	}
	switch x, y := a.NextFollowUp, b.NextFollowUp; {
	case (x == nil) != (y == nil), x != nil && !x.Equal(*y):
		out = append(out, "next_follow_up")
	}
	return out
}

// sameValue compares custom values by their JSON form, so a stored []any{"a"} equals a
// normalized []string{"a"} and 3 equals 3.0.
func sameValue(x, y any) bool {
	bx, errx := json.Marshal(x)
	by, erry := json.Marshal(y)
	return errx == nil && erry == nil && bytes.Equal(bx, by)
}
