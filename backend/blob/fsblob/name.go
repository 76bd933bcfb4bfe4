package fsblob

import (
	"path/filepath"
	"strings"
)

// On-disk names. A key's segments become directories and its last segment a
// file, each name encoded so that every valid key is stored faithfully on
// every OS:
//
//   - Only lowercase ASCII letters, digits and punctuation that all common
//     filesystems accept are kept; everything else, uppercase letters and
//     non-ASCII included, becomes %XX (uppercase hex). Uppercase is escaped
//     because NTFS and APFS are case-insensitive: "Tenant" and "tenant" must
//     not share a file, let alone a tenant directory. Non-ASCII is escaped
//     because HFS+/APFS normalise Unicode, which would change keys.
//   - A trailing '.' or ' ' is escaped (Windows silently drops them), and so
//     is the first letter of a Windows device name (con, nul, com1, ...).
//   - Object files end in objectSuffix and directory names never do (their
//     last 'b' is escaped), so "a" and "a/b" can both exist: a.blob next to
//     directory a.
//
// Decoding accepts only the canonical encoding, so a stray file dropped into
// the tree can never alias a key. Names grow up to 3x: a segment is limited
// by the filesystem's name length (255 bytes on common filesystems, about 80
// non-ASCII or uppercase bytes), and Put of a longer one fails.

const objectSuffix = ".blob"

const upperhex = "0123456789ABCDEF"

// safeByte reports whether c is kept as is in file names.
func safeByte(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
		return true
	}
	// Not: the escape '%', and <>:"/\|?* which Windows forbids.
	return strings.IndexByte(" !#$&'()+,-.;=@[]^_`{}~", c) >= 0
}

// isWindowsDevice reports whether Windows maps a file whose name starts with
// base (up to the first dot) to a device, whatever the extension.
func isWindowsDevice(base string) bool {
	switch base {
	case "con", "prn", "aux", "nul", "conin$", "conout$", "clock$":
		return true
	}
	return len(base) == 4 && (base[:3] == "com" || base[:3] == "lpt") && '0' <= base[3] && base[3] <= '9'
}

// encodeSegment returns the on-disk name of one key segment.
func encodeSegment(seg string) string {
	var sb strings.Builder
	sb.Grow(len(seg))
	for i := 0; i < len(seg); i++ {
		if c := seg[i]; safeByte(c) {
			sb.WriteByte(c)
		} else {
			writeEscape(&sb, c)
		}
	}
	s := sb.String()
	if last := s[len(s)-1]; last == '.' || last == ' ' {
		s = escapeAt(s, len(s)-1)
	}
	base, _, _ := strings.Cut(s, ".")
	if isWindowsDevice(strings.TrimRight(base, " ")) {
		s = escapeAt(s, 0)
	}
	if strings.HasSuffix(s, objectSuffix) {
		s = escapeAt(s, len(s)-1)
	}
	return s
}

func writeEscape(sb *strings.Builder, c byte) {
	sb.WriteByte('%')
	sb.WriteByte(upperhex[c>>4])
	sb.WriteByte(upperhex[c&15])
}

// escapeAt escapes the (safe, single-byte) character at i.
func escapeAt(s string, i int) string {
	var sb strings.Builder
	sb.WriteString(s[:i])
	writeEscape(&sb, s[i])
	sb.WriteString(s[i+1:])
	return sb.String()
}

// decodeSegment inverts encodeSegment; ok is false for any name that
// encodeSegment would not have produced.
func decodeSegment(name string) (seg string, ok bool) {
	if name == "" {
		return "", false
	}
	var sb strings.Builder
	sb.Grow(len(name))
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c == '%':
			if i+2 >= len(name) {
				return "", false
			}
			hi, lo := unhex(name[i+1]), unhex(name[i+2])
			if hi < 0 || lo < 0 {
				return "", false
			}
			sb.WriteByte(byte(hi<<4 | lo))
			i += 2
		case safeByte(c):
			sb.WriteByte(c)
		default:
			return "", false
		}
	}
	seg = sb.String()
	return seg, encodeSegment(seg) == name
}

func unhex(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'A' <= c && c <= 'F':
		return int(c - 'A' + 10)
	}
	return -1
}

// objectPath returns the path, relative to the bucket root, of the file
// holding key, which must be valid.
func objectPath(key string) string {
	segs := strings.Split(key, "/")
	parts := make([]string, 0, len(segs)+1)
	parts = append(parts, objectsDir)
	for i, seg := range segs {
		name := encodeSegment(seg)
		if i == len(segs)-1 {
			name += objectSuffix
		}
		parts = append(parts, name)
	}
	return filepath.Join(parts...)
}
