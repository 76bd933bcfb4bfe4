package zipstream_test

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/studiodesk/studiodesk/backend/zipstream"
)

func memEntry(name string, data []byte) zipstream.Entry {
	return zipstream.Entry{Name: name, Size: int64(len(data)), CRC32: crc32.ChecksumIEEE(data), ModTime: time.Date(2026, 12, 4, 10, 30, 0, 0, time.UTC),
		Open: func(_ context.Context, off, n int64) (io.ReadCloser, error) {
			return io.NopCloser(bytes.NewReader(data[off : off+n])), nil
		}}
}

// readerAt adapts the seekable archive to io.ReaderAt (archive/zip reads the directory first).
type readerAt struct{ r *zipstream.Reader }

func (ra readerAt) ReadAt(p []byte, off int64) (int, error) {
	if _, err := ra.r.Seek(off, io.SeekStart); err != nil {
		return 0, err
	}
	return io.ReadFull(ra.r, p)
}

func TestTwoThousandPhotosStreamAsAValidZipWithExactSizeAndRanges(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	var entries []zipstream.Entry
	want := map[string][]byte{}
	for i := 0; i < 2000; i++ {
		data := make([]byte, 200+rng.IntN(3000))
		for j := range data {
			data[j] = byte(rng.Uint32())
		}
		name := fmt.Sprintf("精修/IMG_%04d.JPG", i)
		if i == 7 {
			data = nil // an empty file is a valid entry
		}
		entries = append(entries, memEntry(name, data))
		want[name] = data
	}
	a, err := zipstream.New(entries)
	if err != nil {
		t.Fatal(err)
	}
	whole, err := io.ReadAll(a.Open(context.Background()))
	if err != nil {
		t.Fatal(err)
	}
	if int64(len(whole)) != a.Size() {
		t.Fatalf("read %d bytes, Size says %d", len(whole), a.Size())
	}
	zr, err := zip.NewReader(bytes.NewReader(whole), int64(len(whole)))
	if err != nil {
		t.Fatal(err)
	}
	if len(zr.File) != 2000 {
		t.Fatalf("%d files", len(zr.File))
	}
	for _, f := range zr.File {
		if f.Method != zip.Store || f.NonUTF8 {
			t.Fatalf("%s: method %d, non-UTF-8 %v", f.Name, f.Method, f.NonUTF8)
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(rc) // checks the CRC
		rc.Close()
		if err != nil || !bytes.Equal(got, want[f.Name]) {
			t.Fatalf("%s: %v", f.Name, err)
		}
	}
	// Any range, read on its own, is byte-identical to the same range of the whole.
	for i := 0; i < 50; i++ {
		from := rng.Int64N(a.Size())
		n := 1 + rng.Int64N(min(a.Size()-from, 100000))
		r := a.Open(context.Background())
		if _, err := r.Seek(from, io.SeekStart); err != nil {
			t.Fatal(err)
		}
		part := make([]byte, n)
		if _, err := io.ReadFull(r, part); err != nil {
			t.Fatalf("range %d+%d: %v", from, n, err)
		}
		r.Close()
		if !bytes.Equal(part, whole[from:from+n]) {
			t.Fatalf("range %d+%d differs", from, n)
		}
		// WriteN (what the download handler copies with) gives the same bytes, also after
		// a part was read halfway through Read.
		r = a.Open(context.Background())
		if _, err := r.Seek(from, io.SeekStart); err != nil {
			t.Fatal(err)
		}
		head := make([]byte, min(n, 7))
		if _, err := io.ReadFull(r, head); err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if k, err := r.WriteN(&buf, n-int64(len(head))); err != nil || k != n-int64(len(head)) {
			t.Fatalf("WriteN %d+%d: %d %v", from, n, k, err)
		}
		if got := append(head, buf.Bytes()...); !bytes.Equal(got, whole[from:from+n]) {
			t.Fatalf("WriteN %d+%d differs", from, n)
		}
	}
	var all bytes.Buffer
	if k, err := a.Open(context.Background()).WriteTo(&all); err != nil || k != a.Size() || !bytes.Equal(all.Bytes(), whole) {
		t.Fatalf("WriteTo: %d of %d bytes, %v", k, a.Size(), err)
	}
	if path, err := exec.LookPath("unzip"); err == nil {
		f := filepath.Join(t.TempDir(), "a.zip")
		if err := os.WriteFile(f, whole, 0o600); err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command(path, "-tq", f).CombinedOutput(); err != nil {
			t.Fatalf("unzip -t: %v\n%s", err, out)
		}
	}
}

// TestWriteToReportsShortContent: an entry whose stored content is shorter than its
// announced size fails the copy instead of sending a corrupt archive quietly.
func TestWriteToReportsShortContent(t *testing.T) {
	e := memEntry("a.jpg", []byte("0123456789"))
	e.Open = func(_ context.Context, off, n int64) (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader([]byte("01234")[min(off, 5):])), nil
	}
	a, err := zipstream.New([]zipstream.Entry{e})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Open(context.Background()).WriteTo(io.Discard); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("short content: %v", err)
	}
}

func TestZip64WhenAnEntryIsHuge(t *testing.T) {
	huge := zipstream.Entry{Name: "婚礼全程.mp4", Size: 5 << 30, CRC32: 0x12345678, ModTime: time.Now(),
		Open: func(_ context.Context, off, n int64) (io.ReadCloser, error) {
			return io.NopCloser(io.LimitReader(zeros{}, n)), nil
		}}
	a, err := zipstream.New([]zipstream.Entry{huge, memEntry("after.jpg", []byte("jpeg bytes"))})
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(readerAt{a.Open(context.Background())}, a.Size())
	if err != nil {
		t.Fatal(err)
	}
	if zr.File[0].UncompressedSize64 != 5<<30 || zr.File[1].Name != "after.jpg" {
		t.Fatalf("%+v", zr.File[0].FileHeader)
	}
	rc, err := zr.File[1].Open() // its offset is past 4 GiB: found through the zip64 extra
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(rc)
	if err != nil || string(got) != "jpeg bytes" {
		t.Fatalf("%q %v", got, err)
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// While an entry streams, the next entry with content is asked to prefetch, once; empty
// entries are skipped and the first entry is never asked (it is opened at once).
func TestWriteToPrefetchesTheNextEntry(t *testing.T) {
	prefetched := make(chan string, 10)
	var entries []zipstream.Entry
	for _, name := range []string{"a.jpg", "empty.txt", "b.jpg", "c.jpg"} {
		data := []byte(name + " content")
		if name == "empty.txt" {
			data = nil
		}
		e := memEntry(name, data)
		e.Prefetch = func(context.Context) { prefetched <- name }
		entries = append(entries, e)
	}
	a, err := zipstream.New(entries)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if _, err := a.Open(context.Background()).WriteTo(&out); err != nil {
		t.Fatal(err)
	}
	if _, err := zip.NewReader(bytes.NewReader(out.Bytes()), int64(out.Len())); err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for range 2 {
		select {
		case name := <-prefetched:
			got[name]++
		case <-time.After(10 * time.Second):
			t.Fatalf("prefetches %v, want b.jpg and c.jpg", got)
		}
	}
	select { // Prefetch runs on its own goroutine: give a wrong extra call a moment to show
	case extra := <-prefetched:
		t.Fatalf("prefetched %s too (and %v)", extra, got)
	case <-time.After(50 * time.Millisecond):
	}
	if got["b.jpg"] != 1 || got["c.jpg"] != 1 {
		t.Fatalf("prefetches %v, want b.jpg and c.jpg once each", got)
	}
}
