package lead

import (
	"encoding/json"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/studiodesk/studiodesk/backend/account"
)

func storedLead() Lead {
	return Lead{ID: 42, OwnerID: 7, ChannelID: 3, BranchID: 2, Name: "张三", Phone: "13800138000", Notes: "喜欢森系",
		Validity: ValidityValid, Booking: BookingCalling, Store: StoreAwaiting,
		Wedding:      &WeddingFields{PartnerName: "李四", WeddingDate: "2025-10-01"},
		Custom:       map[string]any{"style": "韩式", "scenes": []any{"内景"}},
		NextFollowUp: ptr(t0.Add(time.Hour)), UpdatedAt: t0.Add(-time.Hour), Version: 4}
}

func TestApply(t *testing.T) {
	tests := []struct {
		name    string
		patch   Patch
		changed []string
		check   func(t *testing.T, l Lead)
	}{
		{name: "empty patch", patch: Patch{}, changed: nil},
		{name: "same values are no change", patch: Patch{Name: ptr("张三"), BranchID: ptr(int64(2)),
			Custom: map[string]any{"scenes": []string{"内景"}}, NextFollowUp: ptr(t0.Add(time.Hour))}, changed: nil},
		{name: "plain fields", patch: Patch{Name: ptr("张三丰"), Phone2: ptr("13900139000"), Notes: ptr(""), ChannelID: ptr(int64(8))},
			changed: []string{"name", "phone2", "notes", "channel_id"},
			check: func(t *testing.T, l Lead) {
				if l.Name != "张三丰" || l.Phone2 != "13900139000" || l.Notes != "" || l.ChannelID != 8 || l.Phone != "13800138000" {
					t.Errorf("%+v", l)
				}
			}},
		{name: "one wedding subfield keeps the others", patch: Patch{Wedding: &WeddingPatch{WeddingDate: ptr("2025-12-12")}},
			changed: []string{"wedding.wedding_date"},
			check: func(t *testing.T, l Lead) {
				if l.Wedding.PartnerName != "李四" || l.Wedding.WeddingDate != "2025-12-12" {
					t.Errorf("%+v", *l.Wedding)
				}
			}},
		{name: "clearing a section's last values drops it", patch: Patch{Wedding: &WeddingPatch{PartnerName: ptr(""), WeddingDate: ptr("")}},
			changed: []string{"wedding.partner_name", "wedding.wedding_date"},
			check: func(t *testing.T, l Lead) {
				if l.Wedding != nil {
					t.Errorf("wedding %+v", *l.Wedding)
				}
			}},
		{name: "children section created", patch: Patch{Children: &ChildrenPatch{Gender: ptr(GenderBoy)}},
			changed: []string{"children.gender"}},
		{name: "custom set and removed", patch: Patch{Custom: map[string]any{"style": "森系", "scenes": nil, "budget": 100}},
			changed: []string{"custom.budget", "custom.scenes", "custom.style"},
			check: func(t *testing.T, l Lead) {
				want := map[string]any{"style": "森系", "budget": 100}
				if !reflect.DeepEqual(l.Custom, want) {
					t.Errorf("custom %v", l.Custom)
				}
			}},
		{name: "follow-up moved", patch: Patch{NextFollowUp: ptr(t0.Add(2 * time.Hour))}, changed: []string{"next_follow_up"}},
		{name: "follow-up cleared", patch: Patch{ClearNextFollowUp: true}, changed: []string{"next_follow_up"},
			check: func(t *testing.T, l Lead) {
				if l.NextFollowUp != nil {
					t.Error("still set")
				}
			}},
		{name: "a set time wins over clear", patch: Patch{ClearNextFollowUp: true, NextFollowUp: ptr(t0.Add(3 * time.Hour))},
			changed: []string{"next_follow_up"},
			check: func(t *testing.T, l Lead) {
				if l.NextFollowUp == nil || !l.NextFollowUp.Equal(t0.Add(3*time.Hour)) {
					t.Errorf("follow-up %v", l.NextFollowUp)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := storedLead()
			got, changed := Apply(in, tt.patch)
			if !slices.Equal(changed, tt.changed) {
				t.Fatalf("changed %v, want %v", changed, tt.changed)
			}
			if !reflect.DeepEqual(in, storedLead()) {
				t.Error("Apply changed its input (shared map or struct)")
			}
			if got.Validity != in.Validity || got.Booking != in.Booking || got.Store != in.Store ||
				got.Version != in.Version || !got.UpdatedAt.Equal(in.UpdatedAt) {
				t.Error("Apply touched statuses, Version or UpdatedAt")
			}
			if tt.check != nil {
				tt.check(t, got)
			}
		})
	}
}

// TestApplyFieldLevelLWW: two edits of different fields made on the same version both
// survive when applied one after the other, whichever order they arrive in.
func TestApplyFieldLevelLWW(t *testing.T) {
	a := Patch{Name: ptr("王五")}
	b := Patch{Notes: ptr("改约周日")}
	ab, _ := Apply(storedLead(), a)
	ab, _ = Apply(ab, b)
	ba, _ := Apply(storedLead(), b)
	ba, _ = Apply(ba, a)
	if !reflect.DeepEqual(ab, ba) || ab.Name != "王五" || ab.Notes != "改约周日" {
		t.Errorf("ab %+v\nba %+v", ab, ba)
	}
	// The same field: the later write wins.
	c, _ := Apply(storedLead(), Patch{Name: ptr("甲")})
	c, _ = Apply(c, Patch{Name: ptr("乙")})
	if c.Name != "乙" {
		t.Errorf("name %q", c.Name)
	}
}

func TestEdit(t *testing.T) {
	defs := []CustomField{
		{Key: "style", Label: "风格", Type: FieldSingle, Options: []string{"韩式", "森系"}},
		{Key: "scenes", Label: "场景", Type: FieldMulti, Options: []string{"内景", "外景"}},
		{Key: "budget", Label: "预算", Type: FieldNumber},
		{Key: "vip_level", Label: "会员等级", Type: FieldText, Required: true}, // added after the lead was stored
	}
	tests := []struct {
		name    string
		lead    Lead
		patch   Patch
		brand   account.BrandType
		changed []string
		field   string
		code    string
		check   func(t *testing.T, l Lead)
	}{
		{name: "phone retyped with spaces is no change", patch: Patch{Phone: ptr(" 138 0013 8000 ")}, changed: nil},
		{name: "phone normalized", patch: Patch{Phone: ptr("+86 139-0013-9000")}, changed: []string{"phone"},
			check: func(t *testing.T, l Lead) {
				if l.Phone != "13900139000" || !l.UpdatedAt.Equal(t0) {
					t.Errorf("phone %q updated %v", l.Phone, l.UpdatedAt)
				}
			}},
		{name: "phone cleared", patch: Patch{Phone: ptr("")}, field: "phone", code: account.CodeRequired},
		{name: "phone invalid", patch: Patch{Phone: ptr("110")}, field: "phone", code: account.CodePhoneInvalid},
		{name: "untouched stale values do not block an edit", patch: Patch{Notes: ptr(" 加微信了 ")}, changed: []string{"notes"},
			lead: func() Lead { l := storedLead(); l.Custom["old_field"] = "x"; return l }(),
			check: func(t *testing.T, l Lead) {
				if l.Notes != "加微信了" || l.Custom["old_field"] != "x" {
					t.Errorf("notes %q custom %v", l.Notes, l.Custom)
				}
			}},
		{name: "custom value typed", patch: Patch{Custom: map[string]any{"budget": "8800", "style": " 森系 "}},
			changed: []string{"custom.budget", "custom.style"},
			check: func(t *testing.T, l Lead) {
				if l.Custom["budget"] != 8800.0 || l.Custom["style"] != "森系" || !reflect.DeepEqual(l.Custom["scenes"], []any{"内景"}) {
					t.Errorf("custom %#v", l.Custom)
				}
			}},
		{name: "custom value invalid", patch: Patch{Custom: map[string]any{"style": "欧式"}}, field: "custom.style", code: account.CodeInvalidValue},
		{name: "unknown custom key", patch: Patch{Custom: map[string]any{"zodiac": "dragon"}}, field: "custom.zodiac", code: CodeUnknownField},
		{name: "a required field may be filled", patch: Patch{Custom: map[string]any{"vip_level": "金卡"}}, changed: []string{"custom.vip_level"}},
		{name: "a required field may not be emptied when touched", patch: Patch{Custom: map[string]any{"vip_level": nil}},
			field: "custom.vip_level", code: account.CodeRequired},
		{name: "wedding date checked", patch: Patch{Wedding: &WeddingPatch{WeddingDate: ptr("10/01")}},
			field: "wedding.wedding_date", code: account.CodeInvalidValue},
		{name: "partner phone normalized", patch: Patch{Wedding: &WeddingPatch{PartnerPhone: ptr("137 0013 7000")}},
			changed: []string{"wedding.partner_phone"},
			check: func(t *testing.T, l Lead) {
				if l.Wedding.PartnerPhone != "13700137000" || l.Wedding.PartnerName != "李四" {
					t.Errorf("%+v", *l.Wedding)
				}
			}},
		{name: "children field on a wedding brand", patch: Patch{Children: &ChildrenPatch{ChildName: ptr("小宝")}},
			field: "children.child_name", code: CodeWrongBrandType},
		{name: "stale wedding data may be cleared on a children brand", brand: account.BrandChildren,
			patch:   Patch{Wedding: &WeddingPatch{PartnerName: ptr(""), WeddingDate: ptr("")}},
			changed: []string{"wedding.partner_name", "wedding.wedding_date"},
			check: func(t *testing.T, l Lead) {
				if l.Wedding != nil {
					t.Errorf("wedding %+v", *l.Wedding)
				}
			}},
		{name: "unknown brand type", brand: "pets", patch: Patch{Notes: ptr("x")}, field: "brand_type", code: account.CodeInvalidValue},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.lead
			if in.ID == 0 {
				in = storedLead()
			}
			brand := tt.brand
			if brand == "" {
				brand = account.BrandWedding
			}
			keep, err := json.Marshal(in)
			noErr(t, err)
			got, changed, err := Edit(in, tt.patch, brand, defs, t0)
			if after, _ := json.Marshal(in); string(after) != string(keep) {
				t.Error("Edit changed its input")
			}
			if tt.code != "" {
				wantErr(t, err, tt.field, tt.code)
				if !reflect.DeepEqual(got, in) || changed != nil {
					t.Error("a refused edit must return the lead unchanged")
				}
				return
			}
			noErr(t, err)
			if !slices.Equal(changed, tt.changed) {
				t.Fatalf("changed %v, want %v", changed, tt.changed)
			}
			if changed == nil && !reflect.DeepEqual(got, in) {
				t.Error("no change must return the lead as it was")
			}
			if tt.check != nil {
				tt.check(t, got)
			}
		})
	}
}

func TestEditedEvent(t *testing.T) {
	ev := EditedEvent(storedLead(), []string{"phone", "notes"}, t0)
	if ev.Type != EventEdited || ev.LeadID != 42 || ev.OwnerID != 7 || !ev.At.Equal(t0) {
		t.Errorf("%+v", ev)
	}
	if string(ev.Data) != `{"fields":["phone","notes"]}` {
		t.Errorf("data %s: names only, never values", ev.Data)
	}
}

func TestPatchFields(t *testing.T) {
	p := Patch{Phone: ptr(""), Children: &ChildrenPatch{Milestone: ptr("other")}, Custom: map[string]any{"b": 1, "a": nil},
		ClearNextFollowUp: true}
	want := []string{"phone", "children.milestone", "custom.a", "custom.b", "next_follow_up"}
	if got := p.Fields(); !slices.Equal(got, want) {
		t.Errorf("Fields %v, want %v", got, want)
	}
}
