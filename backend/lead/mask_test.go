package lead

import "testing"

func TestMask(t *testing.T) {
	tests := []struct {
		name string
		lead Lead
		want Lead
	}{
		{name: "all phones",
			lead: Lead{Name: "张三", Phone: "13800138000", Phone2: "13900139000", ReferrerPhone: "13600136000",
				Wedding: &WeddingFields{PartnerName: "李四", PartnerPhone: "13700137000"}},
			want: Lead{Name: "张三", Phone: "138****8000", Phone2: "139****9000", ReferrerPhone: "136****6000",
				Wedding: &WeddingFields{PartnerName: "李四", PartnerPhone: "137****7000"}}},
		{name: "empty phones stay empty", lead: Lead{Phone: "13800138000"}, want: Lead{Phone: "138****8000"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.lead
			var partner string
			if in.Wedding != nil {
				partner = in.Wedding.PartnerPhone
			}
			got := Mask(in)
			if got.Phone != tt.want.Phone || got.Phone2 != tt.want.Phone2 || got.ReferrerPhone != tt.want.ReferrerPhone || got.Name != tt.want.Name {
				t.Errorf("got %+v", got)
			}
			if tt.want.Wedding != nil && *got.Wedding != *tt.want.Wedding {
				t.Errorf("wedding %+v", *got.Wedding)
			}
			if in.Wedding != nil && in.Wedding.PartnerPhone != partner {
				t.Error("Mask wrote through the caller's wedding section")
			}
		})
	}
}
