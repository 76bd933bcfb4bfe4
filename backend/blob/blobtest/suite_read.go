package blobtest

import (
	"errors"
	"testing"

	"github.com/studiodesk/studiodesk/backend/blob"
)

// testGetRange pins down the edges: a range running past the end is cut;
// starting exactly at the end reads nothing; starting beyond it is
// ErrInvalidRange, uniformly, so HTTP Range handling above does not depend on
// the driver.
func testGetRange(t *testing.T, newBucket func(t *testing.T) blob.Bucket) {
	b := newBucket(t)
	mustPut(t, b, "digits", []byte("0123456789"), "text/plain")
	mustPut(t, b, "empty", nil, "text/plain")
	big := content(3<<20, 7)
	mustPut(t, b, "big", big, "")

	tests := []struct {
		name           string
		key            string
		offset, length int64
		want           string
		wantErr        error
	}{
		{name: "start", key: "digits", offset: 0, length: 4, want: "0123"},
		{name: "middle", key: "digits", offset: 3, length: 4, want: "3456"},
		{name: "to end", key: "digits", offset: 6, length: -1, want: "6789"},
		{name: "whole", key: "digits", offset: 0, length: -1, want: "0123456789"},
		{name: "exact end", key: "digits", offset: 6, length: 4, want: "6789"},
		{name: "running past end is cut", key: "digits", offset: 8, length: 10, want: "89"},
		{name: "zero length", key: "digits", offset: 5, length: 0, want: ""},
		{name: "offset at end", key: "digits", offset: 10, length: -1, want: ""},
		{name: "offset at end with length", key: "digits", offset: 10, length: 5, want: ""},
		{name: "offset past end", key: "digits", offset: 11, length: -1, wantErr: blob.ErrInvalidRange},
		{name: "offset far past end", key: "digits", offset: 1 << 40, length: 1, wantErr: blob.ErrInvalidRange},
		{name: "negative offset", key: "digits", offset: -1, length: 2, wantErr: blob.ErrInvalidRange},
		{name: "length below -1", key: "digits", offset: 0, length: -2, wantErr: blob.ErrInvalidRange},
		{name: "empty object whole", key: "empty", offset: 0, length: -1, want: ""},
		{name: "empty object past end", key: "empty", offset: 1, length: -1, wantErr: blob.ErrInvalidRange},
		{name: "missing key", key: "missing", offset: 0, length: -1, wantErr: blob.ErrNotFound},
		{name: "missing key, bad range reported first", key: "missing", offset: -1, length: -1, wantErr: blob.ErrInvalidRange},
		{name: "large middle", key: "big", offset: 1<<20 + 3, length: 1 << 20, want: string(big[1<<20+3 : 2<<20+3])},
		{name: "large tail", key: "big", offset: 3<<20 - 5, length: -1, want: string(big[3<<20-5:])},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rc, err := b.GetRange(t.Context(), tc.key, tc.offset, tc.length)
			if tc.wantErr != nil {
				if err == nil {
					rc.Close()
				}
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("GetRange(%q, %d, %d) error = %v, want %v", tc.key, tc.offset, tc.length, err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("GetRange(%q, %d, %d): %v", tc.key, tc.offset, tc.length, err)
			}
			if got := mustReadAll(t, rc); string(got) != tc.want {
				t.Errorf("GetRange(%q, %d, %d) = %d bytes %.20q, want %d bytes %.20q",
					tc.key, tc.offset, tc.length, len(got), got, len(tc.want), tc.want)
			}
		})
	}
}

// testNotFound checks ErrNotFound for a key never written and for a key that
// only exists as a prefix of others (a "directory" on disk).
func testNotFound(t *testing.T, newBucket func(t *testing.T) blob.Bucket) {
	b := newBucket(t)
	mustPut(t, b, "dir/child", []byte("x"), "")
	for _, key := range []string{"missing", "dir", "dir/child/grandchild", "dir/chil"} {
		t.Run(key, func(t *testing.T) {
			rc, _, err := b.Get(t.Context(), key)
			if err == nil {
				rc.Close()
			}
			if !errors.Is(err, blob.ErrNotFound) {
				t.Errorf("Get: %v, want ErrNotFound", err)
			}
			if _, err := b.Stat(t.Context(), key); !errors.Is(err, blob.ErrNotFound) {
				t.Errorf("Stat: %v, want ErrNotFound", err)
			}
			rc, err = b.GetRange(t.Context(), key, 0, -1)
			if err == nil {
				rc.Close()
			}
			if !errors.Is(err, blob.ErrNotFound) {
				t.Errorf("GetRange: %v, want ErrNotFound", err)
			}
		})
	}
}
