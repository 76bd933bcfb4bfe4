package account

import (
	"strings"
)

// NormalizePhone turns what people type for a Chinese mobile number into its canonical form,
// eleven digits starting with 1 (e.g. "+86 138-0013-8000" -> "13800138000"). It accepts spaces,
// dashes, dots and brackets, and the +86 / 0086 / 86 country prefixes. Numbers outside mainland
// China are not mobiles a studio can text, so they are refused with CodePhoneInvalid.
func NormalizePhone(field, raw string) (string, error) {
	var b strings.Builder
	s := strings.TrimSpace(raw)
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r >= '０' && r <= '９': // full-width digits from Chinese IMEs
			b.WriteRune('0' + (r - '０'))
		case r == '+' && i == 0:
		case r == ' ' || r == '-' || r == '.' || r == '(' || r == ')' || r == '\u3000':
		default:
			return "", &FieldError{FieldName: field, ErrCode: CodePhoneInvalid}
		}
	}
	d := b.String()
	switch {
	case len(d) == 15 && strings.HasPrefix(d, "0086"):
		d = d[4:]
	case len(d) == 13 && strings.HasPrefix(d, "86"):
		d = d[2:]
	}
	if len(d) != 11 || d[0] != '1' || d[1] < '3' || d[1] > '9' {
		return "", &FieldError{FieldName: field, ErrCode: CodePhoneInvalid}
	}
	return d, nil
}

// MaskPhone hides the middle of a phone number: 13800138000 -> 138****8000.
func MaskPhone(p string) string {
	if len(p) != 11 {
		return strings.Repeat("*", len(p))
	}
	return p[:3] + "****" + p[7:]
}

// E164 returns the international form of a normalized mobile number.
func E164(p string) string { return "+86" + p }
