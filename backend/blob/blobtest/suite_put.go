package blobtest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/iotest"
	"time"

	"github.com/studiodesk/studiodesk/backend/blob"
)

func testPutGet(t *testing.T, newBucket func(t *testing.T) blob.Bucket) {
	const fiveMB = 5 << 20
	tests := []struct {
		name        string
		key         string
		data        []byte
		unknownSize bool
		contentType string
		wantType    string
	}{
		{name: "small", key: "photos/a.jpg", data: []byte("hello"), contentType: "image/jpeg", wantType: "image/jpeg"},
		{name: "empty", key: "empty", data: []byte{}, contentType: "text/plain", wantType: "text/plain"},
		{name: "empty unknown size", key: "empty", data: []byte{}, unknownSize: true, contentType: "text/plain", wantType: "text/plain"},
		{name: "small unknown size", key: "s", data: content(1000, 1), unknownSize: true, contentType: "image/png", wantType: "image/png"},
		{name: "5MB", key: "zips/album.zip", data: content(fiveMB, 2), contentType: "application/zip", wantType: "application/zip"},
		{name: "5MB unknown size", key: "zips/album.zip", data: content(fiveMB, 3), unknownSize: true, contentType: "application/zip", wantType: "application/zip"},
		{name: "default content type", key: "raw/IMG_0001.CR3", data: content(100, 4), wantType: blob.DefaultContentType},
		{name: "content type with parameters", key: "notes.txt", data: []byte("备注"), contentType: "text/plain; charset=utf-8", wantType: "text/plain; charset=utf-8"},
		{name: "deep key", key: "tenants/1/albums/2/photos/3/renditions/thumb.webp", data: content(300, 5), contentType: "image/webp", wantType: "image/webp"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := newBucket(t)
			size := int64(len(tc.data))
			if tc.unknownSize {
				size = -1
			}
			// HalfReader makes the driver cope with short reads.
			r := iotest.HalfReader(opaque(tc.data))
			start := time.Now()
			put, err := b.Put(t.Context(), tc.key, r, size, tc.contentType)
			end := time.Now()
			if err != nil {
				t.Fatalf("Put: %v", err)
			}
			want := blob.Info{Key: tc.key, Size: int64(len(tc.data)), ContentType: tc.wantType}
			if put.Key != want.Key || put.Size != want.Size || put.ContentType != want.ContentType {
				t.Errorf("Put = %+v, want %+v", put, want)
			}
			wantModTime(t, "Put", put.ModTime, start, end)

			got, get := mustGet(t, b, tc.key)
			if !bytes.Equal(got, tc.data) {
				t.Errorf("Get content = %d bytes, want the %d bytes put", len(got), len(tc.data))
			}
			stat := mustStat(t, b, tc.key)
			for what, info := range map[string]blob.Info{"Get": get, "Stat": stat} {
				if info.Key != want.Key || info.Size != want.Size || info.ContentType != want.ContentType {
					t.Errorf("%s = %+v, want %+v", what, info, want)
				}
				wantModTime(t, what, info.ModTime, start, end)
			}
			if !get.ModTime.Equal(stat.ModTime) {
				t.Errorf("Get ModTime %v != Stat ModTime %v", get.ModTime, stat.ModTime)
			}
			if d := put.ModTime.Sub(stat.ModTime).Abs(); d > 2*time.Second {
				t.Errorf("Put ModTime %v and Stat ModTime %v differ by %v", put.ModTime, stat.ModTime, d)
			}
			wantKeys(t, b, "", tc.key)
		})
	}
}

// testKeys stores keys that are valid but awkward for some storage: names a
// filesystem treats specially, case and Unicode variants, names that look like
// a driver's own storage names. All must round-trip exactly and coexist.
func testKeys(t *testing.T, newBucket func(t *testing.T) blob.Bucket) {
	long := strings.Repeat(strings.Repeat("k", 99)+"/", 9) + strings.Repeat("k", 50) // 950 bytes
	groups := []struct {
		name string
		keys []string
	}{
		{"directory names next to file names", []string{"a", "a-/b", "a.b/c", "ab/c/d", "r/s", "r/t/u"}},
		{"case sensitive", []string{"Case", "case", "CASE/x", "cASE/x", "IMG_0001.JPG", "img_0001.jpg"}},
		{"unicode not normalised", []string{"\u00e9", "e\u0301", "中文/照片.jpg", "emoji/😀", "ß", "ss"}},
		{"windows device names", []string{"con", "CON", "nul.txt", "aux/prn", "com1", "lpt9.log", "con .txt", "conin$"}},
		{"dots and spaces", []string{"trailing.", "trailing ", " leading", "..dots", ".hidden", "...", "a b/c d", "x. /y"}},
		{"characters windows forbids", []string{"colon:x", "star*", "q?", "lt<gt>", "pipe|", `quote"`}},
		{"escape lookalikes", []string{"percent%41", "%", "%2F", "%%", "a%2Fb", "%zz"}},
		{"storage suffix lookalikes", []string{"x", "x.blob/y", "z", "z.blob", "x.tmp", "x.meta", "x~", "#x"}},
		{"long key", []string{long, long + "2"}},
	}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) {
			t.Parallel()
			b := newBucket(t)
			for _, key := range g.keys {
				if info := mustPut(t, b, key, []byte(key), ""); info.Key != key {
					t.Errorf("Put(%q).Key = %q", key, info.Key)
				}
			}
			for _, key := range g.keys {
				got, info := mustGet(t, b, key)
				if string(got) != key || info.Key != key {
					t.Errorf("Get(%q) = %q with Key %q, want its own key as content", key, got, info.Key)
				}
			}
			want := slices.Clone(g.keys)
			slices.Sort(want)
			wantKeys(t, b, "", want...)
			for _, key := range g.keys {
				if err := b.Delete(t.Context(), key); err != nil {
					t.Errorf("Delete(%q): %v", key, err)
				}
			}
			wantKeys(t, b, "")
		})
	}
}

func testOverwrite(t *testing.T, newBucket func(t *testing.T) blob.Bucket) {
	tests := []struct {
		name     string
		old, new []byte
	}{
		{"larger with smaller", content(100_000, 1), []byte("small")},
		{"smaller with larger", []byte("small"), content(100_000, 2)},
		{"with empty", content(1000, 3), []byte{}},
		{"empty with content", []byte{}, content(1000, 4)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := newBucket(t)
			mustPut(t, b, "k", tc.old, "image/jpeg")
			put := mustPut(t, b, "k", tc.new, "image/png")
			if put.Size != int64(len(tc.new)) || put.ContentType != "image/png" {
				t.Errorf("Put = %+v, want size %d image/png", put, len(tc.new))
			}
			wantContent(t, b, "k", tc.new)
			if stat := mustStat(t, b, "k"); stat.ContentType != "image/png" || stat.Size != int64(len(tc.new)) {
				t.Errorf("Stat = %+v, want size %d image/png", stat, len(tc.new))
			}
			if infos := mustList(t, b, ""); len(infos) != 1 || infos[0].Size != int64(len(tc.new)) {
				t.Errorf("List = %+v, want one object of %d bytes", infos, len(tc.new))
			}
		})
	}
}

// failingReader yields n bytes of data, then err.
type failingReader struct {
	data []byte
	err  error
}

func (r *failingReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, r.err
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, nil
}

// testFailedPut checks Put's atomicity when the content cannot be had: the
// key keeps its previous state, and nothing else (no temp file) appears.
func testFailedPut(t *testing.T, newBucket func(t *testing.T) blob.Bucket) {
	errBoom := errors.New("boom: client went away")
	const n = 300_000
	tests := []struct {
		name    string
		size    int64
		reader  func() io.Reader
		wantErr error // nil: any error
	}{
		{"reader fails, known size", 2 * n, func() io.Reader { return &failingReader{content(n, 1), errBoom} }, errBoom},
		{"reader fails, unknown size", -1, func() io.Reader { return &failingReader{content(n, 1), errBoom} }, errBoom},
		{"reader fails at once", -1, func() io.Reader { return &failingReader{nil, errBoom} }, errBoom},
		{"reader shorter than size", n + 1, func() io.Reader { return opaque(content(n, 1)) }, io.ErrUnexpectedEOF},
		{"reader longer than size", n - 1, func() io.Reader { return opaque(content(n, 1)) }, nil},
		{"empty reader, size 1", 1, func() io.Reader { return opaque(nil) }, io.ErrUnexpectedEOF},
		{"one byte, size 0", 0, func() io.Reader { return opaque([]byte{1}) }, nil},
	}
	for _, tc := range tests {
		for _, existing := range []bool{false, true} {
			name := tc.name + ", new key"
			if existing {
				name = tc.name + ", overwrite"
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				b := newBucket(t)
				old := []byte("the previous version")
				if existing {
					mustPut(t, b, "dir/k", old, "text/plain")
				}
				_, err := b.Put(t.Context(), "dir/k", tc.reader(), tc.size, "image/jpeg")
				if err == nil {
					t.Fatal("Put succeeded, want an error")
				}
				if tc.wantErr != nil && !errors.Is(err, tc.wantErr) {
					t.Errorf("Put error = %v, want one wrapping %v", err, tc.wantErr)
				}
				if existing {
					wantContent(t, b, "dir/k", old)
					if stat := mustStat(t, b, "dir/k"); stat.ContentType != "text/plain" {
						t.Errorf("content type after failed overwrite = %q, want the old text/plain", stat.ContentType)
					}
					wantKeys(t, b, "", "dir/k")
				} else {
					wantGone(t, b, "dir/k")
					wantKeys(t, b, "")
				}
			})
		}
	}
}

// testConcurrentPut races writers of different versions of one key against
// readers: every read must be one whole version, and so must the end state.
func testConcurrentPut(t *testing.T, newBucket func(t *testing.T) blob.Bucket) {
	b := newBucket(t)
	const writers, rounds, readers = 8, 4, 4
	version := func(v int) ([]byte, string) {
		return bytes.Repeat([]byte{byte(v)}, 64<<10+v*1000), fmt.Sprintf("application/x-v%d", v)
	}
	// check reports how data+info fail to be exactly one version.
	check := func(data []byte, info blob.Info) error {
		if len(data) == 0 {
			return errors.New("empty read")
		}
		v := int(data[0])
		want, ct := version(v)
		switch {
		case !bytes.Equal(data, want):
			return fmt.Errorf("content is not version %d (%d bytes, want %d)", v, len(data), len(want))
		case info.Size != int64(len(want)):
			return fmt.Errorf("Size %d does not match version %d (%d bytes)", info.Size, v, len(want))
		case info.ContentType != ct:
			return fmt.Errorf("ContentType %q does not match version %d (%q)", info.ContentType, v, ct)
		}
		return nil
	}
	data, ct := version(0)
	mustPut(t, b, "hot/key", data, ct)

	var wg sync.WaitGroup
	done := make(chan struct{})
	for w := 1; w <= writers; w++ {
		wg.Go(func() {
			for range rounds {
				data, ct := version(w)
				size := int64(len(data))
				if w%2 == 0 {
					size = -1
				}
				if _, err := b.Put(t.Context(), "hot/key", opaque(data), size, ct); err != nil {
					t.Errorf("writer %d: Put: %v", w, err)
					return
				}
			}
		})
	}
	var rwg sync.WaitGroup
	for r := range readers {
		rwg.Go(func() {
			for {
				select {
				case <-done:
					return
				default:
				}
				rc, info, err := b.Get(t.Context(), "hot/key")
				if err != nil {
					t.Errorf("reader %d: Get: %v", r, err)
					return
				}
				data, err := io.ReadAll(rc)
				rc.Close()
				if err != nil {
					t.Errorf("reader %d: read: %v", r, err)
					return
				}
				if err := check(data, info); err != nil {
					t.Errorf("reader %d saw a mixed object: %v", r, err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(done)
	rwg.Wait()

	got, info := mustGet(t, b, "hot/key")
	if err := check(got, info); err != nil {
		t.Errorf("final object: %v", err)
	}
	if stat := mustStat(t, b, "hot/key"); stat.Size != info.Size || stat.ContentType != info.ContentType {
		t.Errorf("Stat %+v disagrees with Get %+v", stat, info)
	}
	wantKeys(t, b, "", "hot/key")
}

// testFileAndDirectoryNames: storing a key that is also the directory of a stored key (or
// the other way round) either works, both readable, or fails with ErrKeyConflict and
// leaves what was stored intact (see blob.Bucket).
func testFileAndDirectoryNames(t *testing.T, newBucket func(t *testing.T) blob.Bucket) {
	b := newBucket(t)
	for _, pair := range [][2]string{{"p/q", "p"}, {"m", "m/n"}} {
		first, second := pair[0], pair[1]
		mustPut(t, b, first, []byte(first), "")
		_, err := b.Put(t.Context(), second, strings.NewReader(second), int64(len(second)), "")
		switch {
		case err == nil:
			wantContent(t, b, second, []byte(second))
		case errors.Is(err, blob.ErrKeyConflict):
			wantGone(t, b, second)
		default:
			t.Errorf("Put(%q) after %q = %v, want success or ErrKeyConflict", second, first, err)
		}
		wantContent(t, b, first, []byte(first))
	}
}
