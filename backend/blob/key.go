package blob

import (
	"context"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxKeyLen is the longest key in bytes. S3 allows 1024; holding every driver
// to it keeps keys portable between drivers.
const MaxKeyLen = 1024

// ValidateKey reports whether key may name an object, returning an error
// wrapping ErrInvalidKey if not. Every driver calls it before touching
// storage, so a key accepted by one driver is accepted by all.
//
// A key is a relative, slash-separated path of valid UTF-8: at most MaxKeyLen
// bytes, no leading or trailing slash, no empty, "." or ".." segments (so a
// key can never climb out of a Prefixed bucket or a directory), and no
// backslash or control characters (so it means the same thing on Windows, in
// URLs and in logs).
func ValidateKey(key string) error {
	switch {
	case key == "":
		return invalidKey("empty")
	case len(key) > MaxKeyLen:
		return invalidKey(fmt.Sprintf("longer than %d bytes", MaxKeyLen))
	case !utf8.ValidString(key):
		return invalidKey("not valid UTF-8")
	case key[0] == '/':
		return invalidKey("leading slash")
	}
	for _, r := range key {
		switch {
		case r == '\\':
			return invalidKey("backslash")
		case unicode.IsControl(r):
			return invalidKey(fmt.Sprintf("control character %U", r))
		}
	}
	for seg := range strings.SplitSeq(key, "/") {
		switch seg {
		case "":
			return invalidKey("empty segment (double or trailing slash)")
		case ".", "..":
			return invalidKey(fmt.Sprintf("%q segment", seg))
		}
	}
	return nil
}

// invalidKey leaves the key itself out of the message: drivers wrap the
// error with the operation and the key.
func invalidKey(why string) error {
	return fmt.Errorf("%w: %s", ErrInvalidKey, why)
}

// DefaultContentType is stored when Put is given no content type.
const DefaultContentType = "application/octet-stream"

// MaxContentTypeLen is the longest content type in bytes (RFC 6838 allows 127
// for type and subtype each; the rest is room for parameters).
const MaxContentTypeLen = 255

// NormalizeContentType returns the content type a driver stores for a Put
// given contentType: "" becomes DefaultContentType; anything else is kept
// verbatim if it is at most MaxContentTypeLen bytes of printable ASCII (it
// ends up in HTTP headers, so CR/LF must never get through), otherwise the
// error wraps ErrInvalidContentType. Every driver calls it, so all store the
// same thing.
func NormalizeContentType(contentType string) (string, error) {
	if contentType == "" {
		return DefaultContentType, nil
	}
	if len(contentType) > MaxContentTypeLen {
		return "", fmt.Errorf("%w: longer than %d bytes", ErrInvalidContentType, MaxContentTypeLen)
	}
	for i := 0; i < len(contentType); i++ {
		if c := contentType[i]; c < 0x20 || c > 0x7e {
			return "", fmt.Errorf("%w: byte %#x is not printable ASCII", ErrInvalidContentType, c)
		}
	}
	return contentType, nil
}

// CheckPut checks what every driver's Put checks before touching storage, in the same
// order: the key, the content type (returned normalized), the size, the context.
func CheckPut(ctx context.Context, key string, size int64, contentType string) (string, error) {
	if err := ValidateKey(key); err != nil {
		return "", err
	}
	ct, err := NormalizeContentType(contentType)
	if err != nil {
		return "", err
	}
	if size < -1 {
		return "", fmt.Errorf("negative size %d", size)
	}
	return ct, ctx.Err()
}
