package blob_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/studiodesk/studiodesk/backend/blob"
)

func TestValidateKey(t *testing.T) {
	tests := []struct {
		name string
		key  string
		ok   bool
	}{
		{"simple", "a", true},
		{"nested", "tenants/1/photos/ab/cd.jpg", true},
		{"dots inside names", "a..b/.hidden/x.", true},
		{"three dots", "...", true},
		{"spaces and unicode", "相册 2024/照片 1.jpg", true},
		{"max length", strings.Repeat("a", blob.MaxKeyLen), true},
		{"empty", "", false},
		{"too long", strings.Repeat("a", blob.MaxKeyLen+1), false},
		{"leading slash", "/a", false},
		{"trailing slash", "a/", false},
		{"empty segment", "a//b", false},
		{"dot", ".", false},
		{"dot segment", "a/./b", false},
		{"dot dot", "..", false},
		{"dot dot segment", "a/../b", false},
		{"backslash", `a\b`, false},
		{"NUL", "a\x00", false},
		{"newline", "a\n", false},
		{"DEL", "a\x7f", false},
		{"C1 control", "a\u0080", false},
		{"invalid UTF-8", "\xc3", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := blob.ValidateKey(tc.key)
			if tc.ok && err != nil {
				t.Errorf("ValidateKey(%.40q) = %v, want nil", tc.key, err)
			}
			if !tc.ok && !errors.Is(err, blob.ErrInvalidKey) {
				t.Errorf("ValidateKey(%.40q) = %v, want ErrInvalidKey", tc.key, err)
			}
		})
	}
}

func TestNormalizeContentType(t *testing.T) {
	tests := []struct {
		name, in, want string
		ok             bool
	}{
		{"empty gets default", "", blob.DefaultContentType, true},
		{"kept verbatim", "image/jpeg", "image/jpeg", true},
		{"parameters kept", "text/plain; charset=utf-8", "text/plain; charset=utf-8", true},
		{"max length", strings.Repeat("x", blob.MaxContentTypeLen), strings.Repeat("x", blob.MaxContentTypeLen), true},
		{"too long", strings.Repeat("x", blob.MaxContentTypeLen+1), "", false},
		{"header injection", "text/html\r\nSet-Cookie: a=b", "", false},
		{"tab", "text/plain;\tcharset=utf-8", "", false},
		{"non-ASCII", "image/jpég", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := blob.NormalizeContentType(tc.in)
			if tc.ok && (err != nil || got != tc.want) {
				t.Errorf("NormalizeContentType(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
			}
			if !tc.ok && !errors.Is(err, blob.ErrInvalidContentType) {
				t.Errorf("NormalizeContentType(%.40q) = %q, %v; want ErrInvalidContentType", tc.in, got, err)
			}
		})
	}
}
