package lead

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/studiodesk/studiodesk/backend/account"
)

func TestValidateCustomFieldDef(t *testing.T) {
	tests := []struct {
		name  string
		def   CustomField
		field string
		code  string
	}{
		{name: "text", def: CustomField{Key: "budget_note", Label: "预算说明", Type: FieldText}},
		{name: "number", def: CustomField{Key: "budget", Label: "预算", Type: FieldNumber, Required: true}},
		{name: "date", def: CustomField{Key: "shoot_date", Label: "拍摄日期", Type: FieldDate}},
		{name: "single", def: CustomField{Key: "style", Label: "风格", Type: FieldSingle, Options: []string{"韩式", "森系"}}},
		{name: "multi", def: CustomField{Key: "scenes", Label: "场景", Type: FieldMulti, Options: []string{"内景", "外景"}}},
		{name: "empty key", def: CustomField{Label: "x", Type: FieldText}, field: "key", code: account.CodeInvalidValue},
		{name: "key starting with a digit", def: CustomField{Key: "1st", Label: "x", Type: FieldText}, field: "key", code: account.CodeInvalidValue},
		{name: "key with capitals", def: CustomField{Key: "Budget", Label: "x", Type: FieldText}, field: "key", code: account.CodeInvalidValue},
		{name: "key with a dash", def: CustomField{Key: "a-b", Label: "x", Type: FieldText}, field: "key", code: account.CodeInvalidValue},
		{name: "key too long", def: CustomField{Key: strings.Repeat("k", MaxCustomKeyLen+1), Label: "x", Type: FieldText}, field: "key", code: account.CodeInvalidValue},
		{name: "no label", def: CustomField{Key: "a", Label: " ", Type: FieldText}, field: "label", code: account.CodeRequired},
		{name: "label too long", def: CustomField{Key: "a", Label: strings.Repeat("标", 65), Type: FieldText}, field: "label", code: account.CodeTooLong},
		{name: "unknown type", def: CustomField{Key: "a", Label: "x", Type: "color"}, field: "type", code: account.CodeInvalidValue},
		{name: "single without options", def: CustomField{Key: "a", Label: "x", Type: FieldSingle}, field: "options", code: account.CodeRequired},
		{name: "blank option", def: CustomField{Key: "a", Label: "x", Type: FieldMulti, Options: []string{"a", " "}}, field: "options", code: account.CodeInvalidValue},
		{name: "duplicate option", def: CustomField{Key: "a", Label: "x", Type: FieldSingle, Options: []string{"a", "a"}}, field: "options", code: account.CodeInvalidValue},
		{name: "options on a text field", def: CustomField{Key: "a", Label: "x", Type: FieldText, Options: []string{"a"}}, field: "options", code: account.CodeInvalidValue},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidateCustomFieldDef(tt.def)
			if tt.code == "" {
				noErr(t, err)
				return
			}
			wantErr(t, err, tt.field, tt.code)
		})
	}
}

func TestValidateCustomFieldDefs(t *testing.T) {
	ok := CustomField{Key: "a", Label: "A", Type: FieldText}
	noErr(t, ValidateCustomFieldDefs([]CustomField{ok, {Key: "b", Label: "B", Type: FieldNumber}}))
	fe := wantErr(t, ValidateCustomFieldDefs([]CustomField{ok, ok}), "key", CodeDuplicateKey)
	if fe.Params()["index"] != 1 {
		t.Errorf("params %v", fe.Params())
	}
	fe = wantErr(t, ValidateCustomFieldDefs([]CustomField{ok, {Key: "b", Type: FieldText}}), "label", account.CodeRequired)
	if fe.Params()["index"] != 1 {
		t.Errorf("params %v", fe.Params())
	}
}

// CustomField is stored as JSON by settings; the names are a contract.
func TestCustomFieldJSON(t *testing.T) {
	b, err := json.Marshal(CustomField{Key: "style", Label: "风格", Type: FieldSingle, Options: []string{"韩式"}, Required: true})
	noErr(t, err)
	if string(b) != `{"key":"style","label":"风格","type":"single","options":["韩式"],"required":true}` {
		t.Errorf("json %s", b)
	}
}

var testDefs = []CustomField{
	{Key: "budget", Label: "预算", Type: FieldNumber},
	{Key: "style", Label: "风格", Type: FieldSingle, Options: []string{"韩式", "森系"}, Required: true},
	{Key: "scenes", Label: "场景", Type: FieldMulti, Options: []string{"内景", "外景", "海景"}},
	{Key: "shoot_date", Label: "拍摄日期", Type: FieldDate},
	{Key: "remark", Label: "备注", Type: FieldText},
}

func TestNormalize(t *testing.T) {
	wedding := func(f func(*Lead)) Lead {
		l := Lead{Name: " 张三 ", Phone: "+86 138-0013-8000", Source: SourceAd, Custom: map[string]any{"style": "韩式"}}
		if f != nil {
			f(&l)
		}
		return l
	}
	children := func(f func(*Lead)) Lead {
		l := Lead{Phone: "13800138000", Custom: map[string]any{"style": "森系"},
			Children: &ChildrenFields{ChildName: "小宝", BirthDate: "2025-01-02", Milestone: MilestoneHundredDays, Gender: GenderGirl}}
		if f != nil {
			f(&l)
		}
		return l
	}
	tests := []struct {
		name  string
		lead  Lead
		brand account.BrandType
		field string
		code  string
		check func(t *testing.T, l Lead)
	}{
		{name: "wedding lead is normalized", lead: wedding(func(l *Lead) {
			l.Phone2 = "0086 139 0013 9000"
			l.Wedding = &WeddingFields{PartnerName: " 李四 ", PartnerPhone: "137 0013 7000", WeddingDate: "2025-10-01"}
			l.Custom = map[string]any{"style": " 森系 ", "budget": "12000", "scenes": []any{"外景", "内景", "外景"}, "remark": "  ", "shoot_date": ""}
		}), brand: account.BrandWedding, check: func(t *testing.T, l Lead) {
			if l.Name != "张三" || l.Phone != "13800138000" || l.Phone2 != "13900139000" {
				t.Errorf("name %q phone %q phone2 %q", l.Name, l.Phone, l.Phone2)
			}
			if *l.Wedding != (WeddingFields{PartnerName: "李四", PartnerPhone: "13700137000", WeddingDate: "2025-10-01"}) {
				t.Errorf("wedding %+v", *l.Wedding)
			}
			want := map[string]any{"style": "森系", "budget": 12000.0, "scenes": []string{"外景", "内景"}}
			if !reflect.DeepEqual(l.Custom, want) {
				t.Errorf("custom %#v, want %#v", l.Custom, want)
			}
		}},
		{name: "a row with only the phone (and the brand's required value) goes through", lead: Lead{Phone: "13800138000", Custom: map[string]any{"style": "韩式"}}, brand: account.BrandWedding,
			check: func(t *testing.T, l Lead) {
				if l.Phone != "13800138000" || l.Wedding != nil || l.Name != "" {
					t.Errorf("%+v", l)
				}
			}},
		{name: "children lead is normalized", lead: children(nil), brand: account.BrandChildren, check: func(t *testing.T, l Lead) {
			if l.Children == nil || l.Children.ChildName != "小宝" {
				t.Errorf("children %+v", l.Children)
			}
		}},
		{name: "empty sections are dropped", lead: children(func(l *Lead) { l.Wedding = &WeddingFields{}; l.Children = &ChildrenFields{Gender: " "} }),
			brand: account.BrandChildren, check: func(t *testing.T, l Lead) {
				if l.Wedding != nil || l.Children != nil {
					t.Errorf("wedding %v children %v", l.Wedding, l.Children)
				}
			}},
		{name: "unknown brand type", lead: wedding(nil), brand: "pets", field: "brand_type", code: account.CodeInvalidValue},
		{name: "name too long", lead: wedding(func(l *Lead) { l.Name = strings.Repeat("名", 65) }), brand: account.BrandWedding,
			field: "name", code: account.CodeTooLong},
		{name: "phone required", lead: wedding(func(l *Lead) { l.Phone = " " }), brand: account.BrandWedding, field: "phone", code: account.CodeRequired},
		{name: "phone invalid", lead: wedding(func(l *Lead) { l.Phone = "12345" }), brand: account.BrandWedding, field: "phone", code: account.CodePhoneInvalid},
		{name: "phone2 invalid", lead: wedding(func(l *Lead) { l.Phone2 = "010-12345678" }), brand: account.BrandWedding, field: "phone2", code: account.CodePhoneInvalid},
		{name: "partner phone invalid", lead: wedding(func(l *Lead) { l.Wedding = &WeddingFields{PartnerPhone: "abc"} }), brand: account.BrandWedding,
			field: "wedding.partner_phone", code: account.CodePhoneInvalid},
		{name: "wedding date format", lead: wedding(func(l *Lead) { l.Wedding = &WeddingFields{WeddingDate: "2025/10/01"} }), brand: account.BrandWedding,
			field: "wedding.wedding_date", code: account.CodeInvalidValue},
		{name: "wedding date that does not exist", lead: wedding(func(l *Lead) { l.Wedding = &WeddingFields{WeddingDate: "2025-02-30"} }), brand: account.BrandWedding,
			field: "wedding.wedding_date", code: account.CodeInvalidValue},
		{name: "children fields on a wedding brand", lead: wedding(func(l *Lead) { l.Children = &ChildrenFields{Gender: GenderBoy} }),
			brand: account.BrandWedding, field: "children.gender", code: CodeWrongBrandType},
		{name: "wedding fields on a children brand", lead: children(func(l *Lead) { l.Wedding = &WeddingFields{WeddingDate: "2025-10-01"} }),
			brand: account.BrandChildren, field: "wedding.wedding_date", code: CodeWrongBrandType},
		{name: "birth date format", lead: children(func(l *Lead) { l.Children.BirthDate = "20250102" }), brand: account.BrandChildren,
			field: "children.birth_date", code: account.CodeInvalidValue},
		{name: "gender", lead: children(func(l *Lead) { l.Children.Gender = "unknown" }), brand: account.BrandChildren,
			field: "children.gender", code: account.CodeInvalidValue},
		{name: "milestone", lead: children(func(l *Lead) { l.Children.Milestone = "two_years" }), brand: account.BrandChildren,
			field: "children.milestone", code: account.CodeInvalidValue},
		{name: "child name too long", lead: children(func(l *Lead) { l.Children.ChildName = strings.Repeat("宝", 65) }), brand: account.BrandChildren,
			field: "children.child_name", code: account.CodeTooLong},
		{name: "source type", lead: wedding(func(l *Lead) { l.Source = "tv" }), brand: account.BrandWedding, field: "source_type", code: account.CodeInvalidValue},
		{name: "referral without a referrer", lead: wedding(func(l *Lead) { l.Source = SourceReferral }), brand: account.BrandWedding,
			field: "referrer", code: account.CodeRequired},
		{name: "referral with a name only", lead: wedding(func(l *Lead) { l.Source, l.ReferrerName = SourceReferral, "王五" }), brand: account.BrandWedding,
			field: "referrer_phone", code: account.CodeRequired},
		{name: "referral with a phone only", lead: wedding(func(l *Lead) { l.Source, l.ReferrerPhone = SourceReferral, "13600136000" }), brand: account.BrandWedding,
			field: "referrer_name", code: account.CodeRequired},
		{name: "referral by a customer", lead: wedding(func(l *Lead) {
			l.Source, l.ReferrerName, l.ReferrerPhone = SourceReferral, "王五", "136 0013 6000"
		}), brand: account.BrandWedding, check: func(t *testing.T, l Lead) {
			if l.ReferrerPhone != "13600136000" {
				t.Errorf("referrer phone %q", l.ReferrerPhone)
			}
		}},
		{name: "referral by staff", lead: wedding(func(l *Lead) { l.Source, l.ReferrerStaffID = SourceReferral, 12 }), brand: account.BrandWedding},
		{name: "referrer phone invalid", lead: wedding(func(l *Lead) { l.Source, l.ReferrerName, l.ReferrerPhone = SourceReferral, "王五", "x" }),
			brand: account.BrandWedding, field: "referrer_phone", code: account.CodePhoneInvalid},
		{name: "notes too long", lead: wedding(func(l *Lead) { l.Notes = strings.Repeat("n", MaxLeadNotesLen+1) }), brand: account.BrandWedding,
			field: "notes", code: account.CodeTooLong},
		{name: "required custom value missing", lead: wedding(func(l *Lead) { l.Custom = nil }), brand: account.BrandWedding,
			field: "custom.style", code: account.CodeRequired},
		{name: "required custom value blank", lead: wedding(func(l *Lead) { l.Custom = map[string]any{"style": " "} }), brand: account.BrandWedding,
			field: "custom.style", code: account.CodeRequired},
		{name: "single outside its options", lead: wedding(func(l *Lead) { l.Custom["style"] = "欧式" }), brand: account.BrandWedding,
			field: "custom.style", code: account.CodeInvalidValue},
		{name: "single of the wrong type", lead: wedding(func(l *Lead) { l.Custom["style"] = 3.0 }), brand: account.BrandWedding,
			field: "custom.style", code: account.CodeInvalidValue},
		{name: "number that is not one", lead: wedding(func(l *Lead) { l.Custom["budget"] = "a lot" }), brand: account.BrandWedding,
			field: "custom.budget", code: account.CodeInvalidValue},
		{name: "number from JSON", lead: wedding(func(l *Lead) { l.Custom["budget"] = json.Number("8800.5") }), brand: account.BrandWedding,
			check: func(t *testing.T, l Lead) {
				if l.Custom["budget"] != 8800.5 {
					t.Errorf("budget %#v", l.Custom["budget"])
				}
			}},
		{name: "number of the wrong type", lead: wedding(func(l *Lead) { l.Custom["budget"] = true }), brand: account.BrandWedding,
			field: "custom.budget", code: account.CodeInvalidValue},
		{name: "multi outside its options", lead: wedding(func(l *Lead) { l.Custom["scenes"] = []any{"内景", "太空"} }), brand: account.BrandWedding,
			field: "custom.scenes", code: account.CodeInvalidValue},
		{name: "multi that is not a list", lead: wedding(func(l *Lead) { l.Custom["scenes"] = "内景" }), brand: account.BrandWedding,
			field: "custom.scenes", code: account.CodeInvalidValue},
		{name: "custom date", lead: wedding(func(l *Lead) { l.Custom["shoot_date"] = "2025-13-01" }), brand: account.BrandWedding,
			field: "custom.shoot_date", code: account.CodeInvalidValue},
		{name: "custom text too long", lead: wedding(func(l *Lead) { l.Custom["remark"] = strings.Repeat("x", MaxCustomTextLen+1) }), brand: account.BrandWedding,
			field: "custom.remark", code: account.CodeTooLong},
		{name: "unknown custom key", lead: wedding(func(l *Lead) { l.Custom["zodiac"] = "dragon" }), brand: account.BrandWedding,
			field: "custom.zodiac", code: CodeUnknownField},
		{name: "first error in form order", lead: wedding(func(l *Lead) { l.Phone = ""; l.Name = strings.Repeat("x", 99); l.Custom = nil }),
			brand: account.BrandWedding, field: "name", code: account.CodeTooLong},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.lead
			got, err := Normalize(in, tt.brand, testDefs)
			if tt.code != "" {
				wantErr(t, err, tt.field, tt.code)
				if !reflect.DeepEqual(got, tt.lead) {
					t.Error("on error the lead must come back unchanged")
				}
				return
			}
			noErr(t, err)
			if tt.check != nil {
				tt.check(t, got)
			}
			again, err := Normalize(got, tt.brand, testDefs)
			noErr(t, err)
			if !reflect.DeepEqual(again, got) {
				t.Errorf("Normalize is not idempotent:\n%+v\n%+v", got, again)
			}
		})
	}
}

// Normalize must not write through the caller's pointers or maps.
func TestNormalizeDoesNotAlias(t *testing.T) {
	w := &WeddingFields{PartnerName: " 李四 "}
	custom := map[string]any{"style": " 韩式 ", "budget": "100"}
	l := Lead{Phone: "13800138000", Wedding: w, Custom: custom}
	_, err := Normalize(l, account.BrandWedding, testDefs)
	noErr(t, err)
	if w.PartnerName != " 李四 " || custom["style"] != " 韩式 " || custom["budget"] != "100" {
		t.Errorf("input changed: %+v %v", w, custom)
	}
}
