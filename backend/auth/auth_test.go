package auth

import (
	"errors"
	"testing"
)

func TestPasswordRoundTrip(t *testing.T) {
	h, err := HashPassword(Fast, "secret123")
	if err != nil {
		t.Fatal(err)
	}
	if err := CheckPassword(h, "secret123"); err != nil {
		t.Fatalf("right password: %v", err)
	}
	if err := CheckPassword(h, "secret124"); !errors.Is(err, ErrMismatch) {
		t.Fatalf("wrong password: %v", err)
	}
	h2, _ := HashPassword(Fast, "secret123")
	if h == h2 {
		t.Fatal("two hashes of one password are equal: salt missing")
	}
	if err := CheckPassword("plain", "x"); err == nil || errors.Is(err, ErrMismatch) {
		t.Fatalf("malformed hash: %v", err)
	}
}

func TestTokens(t *testing.T) {
	a, ha, err := NewToken()
	if err != nil {
		t.Fatal(err)
	}
	b, _, _ := NewToken()
	if a == b || len(a) < 43 || string(HashToken(a)) != string(ha) {
		t.Fatalf("tokens %q %q", a, b)
	}
}

func TestGeneratePassword(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 50; i++ {
		p, err := GeneratePassword()
		if err != nil || len(p) != 12 || seen[p] {
			t.Fatalf("password %q %v", p, err)
		}
		seen[p] = true
	}
}
