// Package zipstream lays out a zip archive of stored (uncompressed) entries whose sizes and
// CRC-32s are known in advance, and reads it as a seekable stream: the archive's exact size
// is known before a byte is read (Content-Length), any range of it can be produced without
// producing what comes before (HTTP Range, resumed downloads), and no temporary file is
// written. Photos and videos are already compressed, so storing them costs nothing.
//
// Entries switch to zip64 records only where a size or offset needs it, so small archives
// are plain zip files every unzipper opens.
package zipstream

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"time"
)

// Entry is one file of the archive.
type Entry struct {
	Name    string // UTF-8, "/"-separated; flagged as UTF-8 in the archive
	Size    int64
	CRC32   uint32 // IEEE CRC-32 of the content
	ModTime time.Time
	// Open returns n bytes of the content starting at off.
	Open func(ctx context.Context, off, n int64) (io.ReadCloser, error)
	// Prefetch, if set, is called (on its own goroutine) when one of the entries shortly
	// before this one starts streaming: storage can start reading this content while those
	// are sent.
	Prefetch func(ctx context.Context)
}

// part is a run of the archive: fixed bytes, or a range of an entry's content.
type part struct {
	start, size int64
	fixed       []byte
	entry       *Entry
}

// Archive is a laid-out zip file.
type Archive struct {
	parts []part
	size  int64
}

const (
	sigLocal     = 0x04034b50
	sigCentral   = 0x02014b50
	sigEnd       = 0x06054b50
	sigEnd64     = 0x06064b50
	sigLocator64 = 0x07064b50
	flagUTF8     = 1 << 11
	max32        = 0xFFFFFFFF
	max16        = 0xFFFF
)

// dosTime encodes t (local wall clock, as zip tools show it) in MS-DOS format.
func dosTime(t time.Time) (date, tm uint16) {
	if t.Year() < 1980 {
		return 1<<5 | 1, 0 // 1980-01-01
	}
	date = uint16((t.Year()-1980)<<9 | int(t.Month())<<5 | t.Day())
	tm = uint16(t.Hour()<<11 | t.Minute()<<5 | t.Second()/2)
	return date, tm
}

// New lays out the archive of entries, in order.
func New(entries []Entry) (*Archive, error) {
	a := &Archive{}
	type central struct {
		e      *Entry
		offset int64
	}
	cds := make([]central, 0, len(entries))
	var off int64
	for i := range entries {
		e := &entries[i]
		if e.Size < 0 || len(e.Name) == 0 || len(e.Name) > max16 {
			return nil, fmt.Errorf("zip entry %q: bad name or size %d", e.Name, e.Size)
		}
		h := localHeader(e, off)
		a.add(part{fixed: h})
		a.add(part{size: e.Size, entry: e})
		cds = append(cds, central{e, off})
		off += int64(len(h)) + e.Size
	}
	cdStart := off
	var cd []byte
	for _, c := range cds {
		cd = append(cd, centralHeader(c.e, c.offset)...)
	}
	a.add(part{fixed: cd})
	a.add(part{fixed: endRecords(len(entries), cdStart, int64(len(cd)))})
	return a, nil
}

func (a *Archive) add(p part) {
	if p.fixed != nil {
		p.size = int64(len(p.fixed))
	}
	p.start = a.size
	a.size += p.size
	a.parts = append(a.parts, p)
}

// Size is the archive's exact length in bytes.
func (a *Archive) Size() int64 { return a.size }

func le16(b []byte, v uint16) []byte { return binary.LittleEndian.AppendUint16(b, v) }
func le32(b []byte, v uint32) []byte { return binary.LittleEndian.AppendUint32(b, v) }
func le64(b []byte, v uint64) []byte { return binary.LittleEndian.AppendUint64(b, v) }

func localHeader(e *Entry, _ int64) []byte {
	zip64 := e.Size >= max32
	var extra []byte
	if zip64 {
		extra = le16(extra, 0x0001)
		extra = le16(extra, 16)
		extra = le64(extra, uint64(e.Size))
		extra = le64(extra, uint64(e.Size))
	}
	date, tm := dosTime(e.ModTime)
	b := le32(nil, sigLocal)
	b = le16(b, version(zip64))
	b = le16(b, flagUTF8)
	b = le16(b, 0) // stored
	b = le16(b, tm)
	b = le16(b, date)
	b = le32(b, e.CRC32)
	b = le32(b, size32(e.Size))
	b = le32(b, size32(e.Size))
	b = le16(b, uint16(len(e.Name)))
	b = le16(b, uint16(len(extra)))
	b = append(b, e.Name...)
	return append(b, extra...)
}

func version(zip64 bool) uint16 {
	if zip64 {
		return 45
	}
	return 20
}

func size32(n int64) uint32 {
	if n >= max32 {
		return max32
	}
	return uint32(n)
}

func centralHeader(e *Entry, offset int64) []byte {
	var extra []byte
	if e.Size >= max32 || offset >= max32 {
		var body []byte
		if e.Size >= max32 {
			body = le64(body, uint64(e.Size))
			body = le64(body, uint64(e.Size))
		}
		if offset >= max32 {
			body = le64(body, uint64(offset))
		}
		extra = le16(extra, 0x0001)
		extra = le16(extra, uint16(len(body)))
		extra = append(extra, body...)
	}
	date, tm := dosTime(e.ModTime)
	b := le32(nil, sigCentral)
	b = le16(b, 3<<8|version(extra != nil)) // made by: Unix
	b = le16(b, version(extra != nil))
	b = le16(b, flagUTF8)
	b = le16(b, 0)
	b = le16(b, tm)
	b = le16(b, date)
	b = le32(b, e.CRC32)
	b = le32(b, size32(e.Size))
	b = le32(b, size32(e.Size))
	b = le16(b, uint16(len(e.Name)))
	b = le16(b, uint16(len(extra)))
	b = le16(b, 0)        // comment
	b = le16(b, 0)        // disk
	b = le16(b, 0)        // internal attributes
	b = le32(b, 0644<<16) // external attributes: -rw-r--r--
	b = le32(b, size32(offset))
	b = append(b, e.Name...)
	return append(b, extra...)
}

func endRecords(n int, cdStart, cdSize int64) []byte {
	var b []byte
	if n >= max16 || cdStart >= max32 || cdSize >= max32 {
		end64 := cdStart + cdSize
		b = le32(b, sigEnd64)
		b = le64(b, 44)
		b = le16(b, 45)
		b = le16(b, 45)
		b = le32(b, 0)
		b = le32(b, 0)
		b = le64(b, uint64(n))
		b = le64(b, uint64(n))
		b = le64(b, uint64(cdSize))
		b = le64(b, uint64(cdStart))
		b = le32(b, sigLocator64)
		b = le32(b, 0)
		b = le64(b, uint64(end64))
		b = le32(b, 1)
	}
	count := uint16(min(n, max16))
	b = le32(b, sigEnd)
	b = le16(b, 0)
	b = le16(b, 0)
	b = le16(b, count)
	b = le16(b, count)
	b = le32(b, size32(cdSize))
	b = le32(b, size32(cdStart))
	return le16(b, 0)
}

// Reader reads the archive from any offset; it implements io.ReadSeeker, so
// http.ServeContent serves it with Content-Length and Range. Each Read opens at most the
// content range it needs; Close releases an open one.
type Reader struct {
	ctx context.Context
	a   *Archive
	pos int64
	cur io.ReadCloser // open content of the part at pos
	end int64         // where cur ends
	// prefetched is the index of the last part whose Prefetch was started.
	prefetched int
}

// Open returns a reader of the archive bound to ctx (a cancelled request stops reading).
func (a *Archive) Open(ctx context.Context) *Reader { return &Reader{ctx: ctx, a: a} }

// Seek implements io.Seeker.
func (r *Reader) Seek(offset int64, whence int) (int64, error) {
	var abs int64
	switch whence {
	case io.SeekStart:
		abs = offset
	case io.SeekCurrent:
		abs = r.pos + offset
	case io.SeekEnd:
		abs = r.a.size + offset
	default:
		return r.pos, errors.New("zipstream: bad whence")
	}
	if abs < 0 {
		return r.pos, errors.New("zipstream: negative position")
	}
	if abs != r.pos {
		r.closeCur()
		r.pos = abs
	}
	return abs, nil
}

func (r *Reader) closeCur() {
	if r.cur != nil {
		r.cur.Close()
		r.cur = nil
	}
}

// Close releases any open content.
func (r *Reader) Close() error { r.closeCur(); return nil }

// Read implements io.Reader.
func (r *Reader) Read(p []byte) (int, error) {
	if r.pos >= r.a.size {
		return 0, io.EOF
	}
	if err := r.ctx.Err(); err != nil {
		return 0, err
	}
	if r.cur != nil && r.pos < r.end {
		n, err := r.cur.Read(p[:min(int64(len(p)), r.end-r.pos)])
		r.pos += int64(n)
		if r.pos >= r.end {
			r.closeCur()
			err = nil
		} else if err == io.EOF {
			return n, fmt.Errorf("zipstream: content ended early at %d: %w", r.pos, io.ErrUnexpectedEOF)
		}
		return n, err
	}
	pt := r.partAt(r.pos)
	rel := r.pos - pt.start
	if pt.fixed != nil {
		n := copy(p, pt.fixed[rel:])
		r.pos += int64(n)
		return n, nil
	}
	rc, err := pt.entry.Open(r.ctx, rel, pt.size-rel)
	if err != nil {
		return 0, fmt.Errorf("zipstream: open %q: %w", pt.entry.Name, err)
	}
	r.cur, r.end = rc, pt.start+pt.size
	return r.Read(p)
}

// prefetchAhead is how many entries after the one being sent are prefetched.
const prefetchAhead = 2

// prefetchAfter starts the Prefetch of the next prefetchAhead content parts after pt (once
// per part).
func (r *Reader) prefetchAfter(pt part) {
	ahead := 0
	for i := r.partIndex(pt.start) + 1; i < len(r.a.parts) && ahead < prefetchAhead; i++ {
		next := r.a.parts[i]
		if next.entry == nil || next.entry == pt.entry || next.size == 0 {
			continue
		}
		ahead++
		if i > r.prefetched && next.entry.Prefetch != nil {
			r.prefetched = i
			go next.entry.Prefetch(r.ctx)
		}
	}
}

// partAt finds the part containing pos.
func (r *Reader) partAt(pos int64) part { return r.a.parts[r.partIndex(pos)] }

// partIndex finds the index of the part containing pos (binary search).
func (r *Reader) partIndex(pos int64) int {
	lo, hi := 0, len(r.a.parts)-1
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if r.a.parts[mid].start <= pos {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	// Skip empty parts (zero-length entries) that start at pos.
	for lo < len(r.a.parts)-1 && r.a.parts[lo].size == 0 {
		lo++
	}
	return lo
}

// WriteTo writes the rest of the archive to w (io.WriterTo). Content is copied with
// io.Copy from what Entry.Open returns, so a content reader that hands over its file (an
// io.WriterTo ending in an *os.File) reaches a network connection's ReadFrom, which sends
// it with sendfile: the bytes never pass through this process.
func (r *Reader) WriteTo(w io.Writer) (int64, error) { return r.WriteN(w, r.a.size-r.pos) }

// WriteN writes the next n bytes of the archive to w, as WriteTo does.
func (r *Reader) WriteN(w io.Writer, n int64) (int64, error) {
	r.closeCur() // a part read halfway is opened again at pos
	var done int64
	for done < n && r.pos < r.a.size {
		if err := r.ctx.Err(); err != nil {
			return done, err
		}
		pt := r.partAt(r.pos)
		rel := r.pos - pt.start
		k := min(pt.size-rel, n-done)
		var m int64
		var err error
		if pt.fixed != nil {
			var wn int
			wn, err = w.Write(pt.fixed[rel : rel+k])
			m = int64(wn)
		} else {
			r.prefetchAfter(pt)
			rc, oerr := pt.entry.Open(r.ctx, rel, k)
			if oerr != nil {
				return done, fmt.Errorf("zipstream: open %q: %w", pt.entry.Name, oerr)
			}
			m, err = io.Copy(w, rc) // Open returns exactly k bytes; no wrapper that would hide its WriteTo
			rc.Close()
			if err == nil && m != k {
				err = fmt.Errorf("zipstream: content of %q: %d bytes at %d, want %d: %w", pt.entry.Name, m, r.pos, k, io.ErrUnexpectedEOF)
			}
		}
		r.pos += m
		done += m
		if err != nil {
			return done, err
		}
	}
	return done, nil
}
