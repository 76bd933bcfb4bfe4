package credit

import (
	"errors"
	"testing"
)

func TestPricesAndChecks(t *testing.T) {
	p := DefaultPrices()
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	if p.Cost(ItemAlbumCreate, 3) != 3*p.Price(ItemAlbumCreate) {
		t.Fatal("cost")
	}
	tests := []struct {
		name  string
		p     Prices
		code  string
		field string
	}{
		{"unknown item", Prices{Items: map[Item]int64{"coffee": 1}, FenPerCredit: 1}, CodeUnknownItem, "items"},
		{"negative price", Prices{Items: map[Item]int64{ItemVideoUpload: -1}, FenPerCredit: 1}, CodeInvalidPrice, "items"},
		{"absurd price", Prices{Items: map[Item]int64{ItemVideoUpload: MaxPrice + 1}, FenPerCredit: 1}, CodeInvalidPrice, "items"},
		{"free credits", Prices{FenPerCredit: 0}, CodeInvalidPrice, "fen_per_credit"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var fe *FieldError
			if err := tc.p.Validate(); !errors.As(err, &fe) || fe.Code() != tc.code || fe.Field() != tc.field {
				t.Fatalf("got %v", err)
			}
		})
	}
	var short *ShortError
	if err := Check(ItemAlbumCreate, 5, 10); !errors.As(err, &short) || short.Params()["need"] != int64(10) || short.Params()["have"] != int64(5) {
		t.Fatalf("check: %v", err)
	}
	if Check(ItemAlbumCreate, 10, 10) != nil {
		t.Fatal("exact balance must suffice")
	}
	for in, want := range map[int64]int64{0: 0, 1: 1, 1 << 30: 1, 1<<30 + 1: 2} {
		if StorageGB(in) != want {
			t.Errorf("StorageGB(%d) = %d", in, StorageGB(in))
		}
	}
	if ValidateTopUp(0) == nil || ValidateTopUp(MaxTopUp+1) == nil || ValidateTopUp(100) != nil {
		t.Fatal("top-up bounds")
	}
}
