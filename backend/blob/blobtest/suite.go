// Package blobtest is the one conformance suite every blob.Bucket driver
// runs, so that code written against blob.Bucket behaves the same on memblob,
// local disk and S3. A driver's test is one line:
//
//	func TestConformance(t *testing.T) { blobtest.Run(t, newBucket) }
//
// The suite pins down the contracts documented on blob.Bucket, including
// the ones a driver is tempted to get "nearly" right: atomic Put under
// failure and concurrency, GetRange at and past the end, List order across
// path separators, context cancellation, and Prefixed isolation.
package blobtest

import (
	"bytes"
	"errors"
	"io"
	"slices"
	"testing"
	"time"

	"github.com/studiodesk/studiodesk/backend/blob"
)

// Run runs the suite. newBucket must return a new, empty bucket owned by the
// calling test (clean up with t.Cleanup); it is called once per test, and
// tests run in parallel.
func Run(t *testing.T, newBucket func(t *testing.T) blob.Bucket) {
	t.Helper()
	tests := []struct {
		name string
		run  func(t *testing.T, newBucket func(t *testing.T) blob.Bucket)
	}{
		{"PutGet", testPutGet},
		{"Keys", testKeys},
		{"FileAndDirectoryNames", testFileAndDirectoryNames},
		{"Overwrite", testOverwrite},
		{"GetRange", testGetRange},
		{"Delete", testDelete},
		{"List", testList},
		{"ListCallback", testListCallback},
		{"NotFound", testNotFound},
		{"InvalidKey", testInvalidKey},
		{"InvalidArguments", testInvalidArguments},
		{"FailedPut", testFailedPut},
		{"ConcurrentPut", testConcurrentPut},
		{"Context", testContext},
		{"Prefixed", testPrefixed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.run(t, newBucket)
		})
	}
}

// modTimeSlack bounds how far ModTime may stray from the test's wall clock:
// filesystems round times (FAT to 2s) and an S3 server has its own clock.
// The check is there to catch zero or garbage times, not to measure.
const modTimeSlack = time.Minute

// content returns n bytes that depend on seed and position, so that a
// shifted, truncated or mixed-up read never compares equal by accident.
func content(n int, seed byte) []byte {
	b := make([]byte, n)
	for i := range b {
		x := uint32(i)*2654435761 + uint32(seed)*40503
		b[i] = byte(x >> 24)
	}
	return b
}

// opaque hides bytes.Reader's extra methods (Len, WriterTo, Seek), so a
// driver is exercised with a plain stream, as from an upload.
func opaque(data []byte) io.Reader {
	return struct{ io.Reader }{bytes.NewReader(data)}
}

func mustPut(t *testing.T, b blob.Bucket, key string, data []byte, contentType string) blob.Info {
	t.Helper()
	info, err := b.Put(t.Context(), key, opaque(data), int64(len(data)), contentType)
	if err != nil {
		t.Fatalf("Put(%q): %v", key, err)
	}
	return info
}

func mustGet(t *testing.T, b blob.Bucket, key string) ([]byte, blob.Info) {
	t.Helper()
	rc, info, err := b.Get(t.Context(), key)
	if err != nil {
		t.Fatalf("Get(%q): %v", key, err)
	}
	return mustReadAll(t, rc), info
}

func mustReadAll(t *testing.T, rc io.ReadCloser) []byte {
	t.Helper()
	data, err := io.ReadAll(rc)
	if err != nil {
		rc.Close()
		t.Fatalf("read: %v", err)
	}
	if err := rc.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	return data
}

func mustStat(t *testing.T, b blob.Bucket, key string) blob.Info {
	t.Helper()
	info, err := b.Stat(t.Context(), key)
	if err != nil {
		t.Fatalf("Stat(%q): %v", key, err)
	}
	return info
}

func mustList(t *testing.T, b blob.Bucket, prefix string) []blob.Info {
	t.Helper()
	var infos []blob.Info
	err := b.List(t.Context(), prefix, func(info blob.Info) error {
		infos = append(infos, info)
		return nil
	})
	if err != nil {
		t.Fatalf("List(%q): %v", prefix, err)
	}
	return infos
}

func listKeys(t *testing.T, b blob.Bucket, prefix string) []string {
	t.Helper()
	var keys []string
	for _, info := range mustList(t, b, prefix) {
		keys = append(keys, info.Key)
	}
	return keys
}

// wantKeys fails unless List(prefix) returns exactly want, in order.
func wantKeys(t *testing.T, b blob.Bucket, prefix string, want ...string) {
	t.Helper()
	if got := listKeys(t, b, prefix); !slices.Equal(got, want) {
		t.Errorf("List(%q) = %q, want %q", prefix, got, want)
	}
}

// wantGone fails unless key is absent by Stat.
func wantGone(t *testing.T, b blob.Bucket, key string) {
	t.Helper()
	if _, err := b.Stat(t.Context(), key); !errors.Is(err, blob.ErrNotFound) {
		t.Errorf("Stat(%q) = %v, want ErrNotFound", key, err)
	}
}

// wantContent fails unless key holds data.
func wantContent(t *testing.T, b blob.Bucket, key string, data []byte) {
	t.Helper()
	got, info := mustGet(t, b, key)
	if !bytes.Equal(got, data) {
		t.Errorf("Get(%q) = %d bytes, want the %d bytes put", key, len(got), len(data))
	}
	if info.Size != int64(len(data)) {
		t.Errorf("Get(%q).Size = %d, want %d", key, info.Size, len(data))
	}
}

func wantModTime(t *testing.T, what string, got, start, end time.Time) {
	t.Helper()
	if got.Before(start.Add(-modTimeSlack)) || got.After(end.Add(modTimeSlack)) {
		t.Errorf("%s ModTime = %v, want between %v and %v", what, got, start, end)
	}
}
