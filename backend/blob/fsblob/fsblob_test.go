package fsblob

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/studiodesk/studiodesk/backend/blob"
	"github.com/studiodesk/studiodesk/backend/blob/blobtest"
)

func newBucket(t *testing.T, dir string) *Bucket {
	t.Helper()
	b, err := New(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

func TestConformance(t *testing.T) {
	blobtest.Run(t, func(t *testing.T) blob.Bucket { return newBucket(t, t.TempDir()) })
}

// The tenant view is what the server actually uses; run it on disk too.
func TestPrefixedConformance(t *testing.T) {
	blobtest.Run(t, func(t *testing.T) blob.Bucket {
		return blob.Prefixed(newBucket(t, t.TempDir()), "tenants/t1")
	})
}

func TestNotPresigner(t *testing.T) {
	var b blob.Bucket = newBucket(t, t.TempDir())
	if _, ok := b.(blob.Presigner); ok {
		t.Error("fsblob claims to presign URLs; it cannot")
	}
}

// files returns every regular file under dir, slash-separated and relative.
func files(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

type failReader struct{ n int }

func (r *failReader) Read(p []byte) (int, error) {
	if r.n <= 0 {
		return 0, errors.New("boom")
	}
	n := min(len(p), r.n)
	r.n -= n
	return n, nil
}

func TestFailedPutRemovesTempFile(t *testing.T) {
	dir := t.TempDir()
	b := newBucket(t, dir)
	if _, err := b.Put(t.Context(), "a/b", &failReader{n: 100_000}, -1, ""); err == nil {
		t.Fatal("Put succeeded")
	}
	if got := files(t, dir); len(got) != 0 {
		t.Errorf("files left on disk: %q", got)
	}
}

func TestLayout(t *testing.T) {
	dir := t.TempDir()
	b := newBucket(t, dir)
	for _, key := range []string{"tenants/1/IMG_1.JPG", "tenants/1", "con/a:b."} {
		if _, err := b.Put(t.Context(), key, strings.NewReader("x"), 1, "image/jpeg"); err != nil {
			t.Fatal(err)
		}
	}
	want := []string{
		"objects/%63on/a%3Ab%2E.blob",
		"objects/tenants/1.blob",
		"objects/tenants/1/%49%4D%47_1.%4A%50%47.blob",
	}
	slices.Sort(want)
	if got := files(t, dir); !slices.Equal(got, want) {
		t.Errorf("files = %q, want %q", got, want)
	}
	raw, err := os.ReadFile(filepath.Join(dir, "objects", "tenants", "1.blob"))
	if err != nil {
		t.Fatal(err)
	}
	if len(raw) != headerSize+1 || !bytes.HasPrefix(raw, []byte(magic+"image/jpeg\n")) || raw[headerSize] != 'x' {
		t.Errorf("object file = %q, want header then content", raw)
	}
}

func TestDeletePrunesEmptyDirectories(t *testing.T) {
	dir := t.TempDir()
	b := newBucket(t, dir)
	for _, key := range []string{"a/b/c/d", "a/x"} {
		if _, err := b.Put(t.Context(), key, strings.NewReader("x"), 1, ""); err != nil {
			t.Fatal(err)
		}
	}
	for _, key := range []string{"a/b/c/d", "a/x"} {
		if err := b.Delete(t.Context(), key); err != nil {
			t.Fatal(err)
		}
	}
	entries, err := os.ReadDir(filepath.Join(dir, objectsDir))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 0 {
		t.Errorf("objects/ still holds %d entries", len(entries))
	}
}

func TestPersistsAcrossReopen(t *testing.T) {
	dir := t.TempDir()
	b, err := New(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Put(t.Context(), "k", strings.NewReader("kept"), 4, "text/plain"); err != nil {
		t.Fatal(err)
	}
	b.Close()
	b = newBucket(t, dir)
	rc, info, err := b.Get(t.Context(), "k")
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	if got, _ := io.ReadAll(rc); string(got) != "kept" || info.ContentType != "text/plain" {
		t.Errorf("after reopen: %q %+v", got, info)
	}
}

func TestNewRemovesOnlyStaleTempFiles(t *testing.T) {
	dir := t.TempDir()
	newBucket(t, dir)
	stale := filepath.Join(dir, tmpDir, "put-stale")
	fresh := filepath.Join(dir, tmpDir, "put-fresh")
	for _, p := range []string{stale, fresh} {
		if err := os.WriteFile(p, []byte("partial"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-staleTempAge - time.Hour)
	if err := os.Chtimes(stale, old, old); err != nil {
		t.Fatal(err)
	}
	newBucket(t, dir)
	if _, err := os.Stat(stale); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("stale temp file survived New: %v", err)
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Errorf("fresh temp file (maybe a Put in progress) was removed: %v", err)
	}
}

// Files the driver did not write must never show up as keys, and must not
// alias one: a non-canonical name like "A.blob" would otherwise read as "A".
func TestStrayFilesIgnored(t *testing.T) {
	dir := t.TempDir()
	b := newBucket(t, dir)
	if _, err := b.Put(t.Context(), "real", strings.NewReader("x"), 1, ""); err != nil {
		t.Fatal(err)
	}
	objects := filepath.Join(dir, objectsDir)
	for _, name := range []string{"README.txt", ".DS_Store", "Thumbs.db", "A.blob", "%4a.blob", "%61.blob", "x%2.blob", "trailing..blob"} {
		if err := os.WriteFile(filepath.Join(objects, name), []byte(magic+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(objects, "UPPER"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(objects, "UPPER", "x.blob"), []byte(magic+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var keys []string
	if err := b.List(t.Context(), "", func(i blob.Info) error { keys = append(keys, i.Key); return nil }); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(keys, []string{"real"}) {
		t.Errorf("List = %q, want only real", keys)
	}
}

func TestCorruptObjectReported(t *testing.T) {
	dir := t.TempDir()
	b := newBucket(t, dir)
	if err := os.WriteFile(filepath.Join(dir, objectsDir, "bad.blob"), []byte("not a blob"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Stat(t.Context(), "bad"); !errors.Is(err, errCorrupt) || errors.Is(err, blob.ErrNotFound) {
		t.Errorf("Stat = %v, want errCorrupt", err)
	}
	if err := b.List(t.Context(), "", func(blob.Info) error { return nil }); !errors.Is(err, errCorrupt) {
		t.Errorf("List = %v, want errCorrupt", err)
	}
}

func TestEncodeSegment(t *testing.T) {
	tests := []struct{ seg, want string }{
		{"plain-name_1.jpg", "plain-name_1.jpg"},
		{"IMG.JPG", "%49%4D%47.%4A%50%47"},
		{"a:b", "a%3Ab"},
		{`<>"|?*`, "%3C%3E%22%7C%3F%2A"},
		{"100%", "100%25"},
		{"dot.", "dot%2E"},
		{"space ", "space%20"},
		{"con", "%63on"},
		{"nul.txt", "%6Eul.txt"},
		{"com1", "%63om1"},
		{"con .txt", "%63on .txt"},
		{"console", "console"},
		{"x.blob", "x.blo%62"},
		{"é", "%C3%A9"},
		{"...", "..%2E"},
	}
	for _, tc := range tests {
		got := encodeSegment(tc.seg)
		if got != tc.want {
			t.Errorf("encodeSegment(%q) = %q, want %q", tc.seg, got, tc.want)
		}
		if back, ok := decodeSegment(got); !ok || back != tc.seg {
			t.Errorf("decodeSegment(%q) = %q, %v; want %q", got, back, ok, tc.seg)
		}
	}
}

// FuzzSegmentEncoding checks the properties the layout relies on for every
// possible segment.
func FuzzSegmentEncoding(f *testing.F) {
	for _, s := range []string{"a", "A", "con", "x.blob", "é", "%", "...", "a b ", "lpt1.x.blob"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, seg string) {
		if blob.ValidateKey(seg) != nil || strings.Contains(seg, "/") {
			return
		}
		name := encodeSegment(seg)
		if back, ok := decodeSegment(name); !ok || back != seg {
			t.Fatalf("decode(encode(%q)) = %q, %v", seg, back, ok)
		}
		for i := 0; i < len(name); i++ {
			c := name[i]
			if c == '%' {
				if i+2 >= len(name) || unhex(name[i+1]) < 0 || unhex(name[i+2]) < 0 {
					t.Fatalf("encode(%q) = %q: bad escape", seg, name)
				}
				i += 2
				continue
			}
			if !safeByte(c) {
				t.Fatalf("encode(%q) = %q: unsafe byte %q", seg, name, c)
			}
		}
		if strings.HasSuffix(name, ".") || strings.HasSuffix(name, " ") {
			t.Fatalf("encode(%q) = %q ends in a dot or space", seg, name)
		}
		if strings.HasSuffix(name, objectSuffix) {
			t.Fatalf("encode(%q) = %q looks like an object file", seg, name)
		}
		for _, n := range []string{name, name + objectSuffix} {
			base, _, _ := strings.Cut(n, ".")
			if isWindowsDevice(strings.TrimRight(base, " ")) {
				t.Fatalf("encode(%q) = %q is a Windows device name", seg, n)
			}
		}
	})
}

// TestAdoptMovesAFileIn: a file with the reserved header bytes becomes the object without
// a copy (it is gone from its place), reads back with its type, and lists with its size.
func TestAdoptMovesAFileIn(t *testing.T) {
	ctx := context.Background()
	b := newBucket(t, t.TempDir())
	src := filepath.Join(t.TempDir(), "upload")
	content := []byte("the photo's bytes")
	if err := os.WriteFile(src, append(make([]byte, HeaderSize), content...), 0o600); err != nil {
		t.Fatal(err)
	}
	info, err := b.Adopt(ctx, "studios/1/originals/abc", src, "image/jpeg")
	if err != nil || info.Size != int64(len(content)) || info.ContentType != "image/jpeg" {
		t.Fatalf("adopt: %+v %v", info, err)
	}
	if _, err := os.Stat(src); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the adopted file is still at its place: %v", err)
	}
	r, got, err := b.Get(ctx, "studios/1/originals/abc")
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(r)
	r.Close()
	if !bytes.Equal(data, content) || got.ContentType != "image/jpeg" || got.Size != int64(len(content)) {
		t.Fatalf("read back %q %+v", data, got)
	}
	short := filepath.Join(t.TempDir(), "short")
	if err := os.WriteFile(short, []byte("no header"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Adopt(ctx, "studios/1/originals/def", short, "image/jpeg"); err == nil {
		t.Fatal("adopted a file without the reserved header")
	}
	if _, err := b.Adopt(ctx, "../escape", src, "image/jpeg"); !errors.Is(err, blob.ErrInvalidKey) {
		t.Fatalf("bad key: %v", err)
	}
}
