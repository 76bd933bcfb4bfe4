package api

import (
	"context"
	"crypto/sha256"
	"encoding"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"sync"

	"github.com/tus/tusd/v2/pkg/filestore"
	tusd "github.com/tus/tusd/v2/pkg/handler"

	"github.com/studiodesk/studiodesk/backend/blob"
	"github.com/studiodesk/studiodesk/backend/media"
)

// summingStore is tusd's file store with the upload's sums (content hash, CRC-32s of the
// downloadable variants) computed while its bytes arrive: each PATCH body passes through
// them on its way to disk, and their state is saved beside the upload after every request
// (<id>.sums), so a resumed upload carries on summing and finishing needs no second read
// of the file. When the saved state does not match the bytes on disk (a write failed
// after the bytes were summed, a crash between the two), it is dropped and the finish reads
// the file as before.
type summingStore struct {
	filestore.FileStore
	// reserve is how many bytes new uploads keep free at the start of their file, so the
	// blob store can adopt the finished file with a rename (blob.Adopter: fsblob's header);
	// 0 when it cannot. An upload records its reserve in its info (storageKeyReserved).
	reserve int64
}

// storageKeyReserved is the upload info's Storage entry saying how many bytes the upload's
// file reserves before its content.
const storageKeyReserved = "StudioDeskReserved"

func (s summingStore) UseIn(composer *tusd.StoreComposer) {
	composer.UseCore(s)
	composer.UseTerminater(s)
	composer.UseLengthDeferrer(s) // so a deferred length reaches tusCreate, which refuses it in words
}

func (s summingStore) AsLengthDeclarableUpload(up tusd.Upload) tusd.LengthDeclarableUpload {
	return up.(*summingUpload).Upload.(tusd.LengthDeclarableUpload)
}

func (s summingStore) NewUpload(ctx context.Context, info tusd.FileInfo) (tusd.Upload, error) {
	if info.ID != "" {
		// An id the client chose (clientUploadID) was free when checked; claiming its file
		// exclusively keeps two creations of it from sharing one (the file store truncates).
		f, err := os.OpenFile(filepath.Join(s.Path, info.ID), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o640)
		if err != nil {
			return nil, fmt.Errorf("claim upload %s: %w", info.ID, err)
		}
		f.Close()
	}
	up, err := s.FileStore.NewUpload(ctx, info)
	if err != nil {
		return nil, err
	}
	if info, err = up.GetInfo(ctx); err != nil {
		return nil, err
	}
	if s.reserve > 0 {
		if err := reserveStart(info, s.reserve); err != nil {
			_ = up.(tusd.TerminatableUpload).Terminate(ctx)
			return nil, err
		}
	}
	return s.GetUpload(ctx, info.ID)
}

// reserveStart writes n zero bytes at the start of a new upload's file and records them in
// its info file (the file store writes that file only at creation).
func reserveStart(info tusd.FileInfo, n int64) error {
	if err := os.WriteFile(info.Storage[filestore.StorageKeyPath], make([]byte, n), 0o640); err != nil {
		return err
	}
	info.Storage[storageKeyReserved] = strconv.FormatInt(n, 10)
	b, err := json.Marshal(info)
	if err != nil {
		return err
	}
	path := info.Storage[filestore.StorageKeyInfoPath]
	if err := os.WriteFile(path+".tmp", b, 0o640); err != nil {
		return err
	}
	return os.Rename(path+".tmp", path)
}

func (s summingStore) GetUpload(ctx context.Context, id string) (tusd.Upload, error) {
	up, err := s.FileStore.GetUpload(ctx, id)
	if err != nil {
		return nil, err
	}
	info, err := up.GetInfo(ctx)
	if err != nil {
		return nil, err
	}
	u := &summingUpload{Upload: up, store: s, id: id, path: info.Storage[filestore.StorageKeyPath]}
	if r := info.Storage[storageKeyReserved]; r != "" {
		if u.reserved, err = strconv.ParseInt(r, 10, 64); err != nil || u.reserved < 0 || info.Offset < u.reserved {
			return nil, fmt.Errorf("upload %s: bad reserve %q for %d bytes", id, r, info.Offset)
		}
	}
	return u, nil
}

func (s summingStore) AsTerminatableUpload(up tusd.Upload) tusd.TerminatableUpload {
	return up.(*summingUpload)
}

func (s summingStore) sumsPath(id string) string { return filepath.Join(s.Path, id+".sums") }

// summingUpload is one upload of a summingStore.
type summingUpload struct {
	tusd.Upload
	store    summingStore
	id       string
	path     string // the upload's file
	reserved int64  // bytes at the file's start before the content
}

// GetInfo counts the upload's bytes without the reserved ones.
func (u *summingUpload) GetInfo(ctx context.Context) (tusd.FileInfo, error) {
	info, err := u.Upload.GetInfo(ctx)
	info.Offset -= u.reserved
	return info, err
}

// GetReader reads the content (after the reserved bytes).
func (u *summingUpload) GetReader(context.Context) (io.ReadCloser, error) {
	f, err := os.Open(u.path)
	if err != nil {
		return nil, err
	}
	if _, err := f.Seek(u.reserved, io.SeekStart); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// WriteChunk appends the request's bytes to the upload's file, as the file store does, but
// with 1 MiB writes (the store's io.Copy writes 32 KiB at a time), summing each written
// buffer on a second goroutine while the next one is received.
func (u *summingUpload) WriteChunk(_ context.Context, offset int64, src io.Reader) (int64, error) {
	sm := u.load(offset)
	var sink io.Writer
	if sm != nil {
		sink = sm
	}
	n, err := appendTo(u.path, src, sink)
	if sm != nil {
		if sm.n == offset+n {
			if serr := u.save(sm); serr != nil {
				_ = os.Remove(u.store.sumsPath(u.id))
			}
		} else { // the state no longer matches the file
			_ = os.Remove(u.store.sumsPath(u.id))
		}
	}
	return n, err
}

// adopt hands the finished file to bucket as the object at key without copying it, when the
// file reserves what the bucket needs; ok is false when it cannot (then copy it).
func (u *summingUpload) adopt(ctx context.Context, bucket blob.Bucket, key, contentType string) (bool, error) {
	a, ok := bucket.(blob.Adopter)
	if !ok || u.reserved == 0 || a.ReservedHeader() != u.reserved {
		return false, nil
	}
	_, err := a.Adopt(ctx, key, u.path, contentType)
	if errors.Is(err, blob.ErrOtherFilesystem) {
		return false, nil
	}
	return err == nil, err
}

var chunkBufs = sync.Pool{New: func() any { return new([1 << 20]byte) }}

// appendTo appends src to the file at path (the file store's binary file) and, when sink is
// not nil, writes every appended byte to it too, on its own goroutine, one buffer behind.
func appendTo(path string, src io.Reader, sink io.Writer) (int64, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return 0, err
	}
	start, err := f.Seek(0, io.SeekEnd) // where the appended bytes begin, for startWriteback
	if err != nil {
		f.Close()
		return 0, err
	}
	free := make(chan *[1 << 20]byte, 2)
	full := make(chan []byte, 2)
	for range 2 {
		free <- chunkBufs.Get().(*[1 << 20]byte)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for b := range full {
			if sink != nil {
				_, _ = sink.Write(b)
			}
			free <- (*[1 << 20]byte)(b[:1<<20])
		}
	}()
	var n int64
	for {
		buf := <-free
		k, rerr := io.ReadFull(src, buf[:])
		var wn int
		if k > 0 {
			wn, err = f.Write(buf[:k])
			if wn > 0 { // (0 bytes would mean "to the end of the file")
				startWriteback(f, start+n, int64(wn)) // the finish's fsync then finds little left to write
			}
			n += int64(wn)
		}
		full <- buf[: wn : 1<<20]
		if err != nil {
			break
		}
		if rerr != nil {
			if rerr != io.EOF && rerr != io.ErrUnexpectedEOF {
				err = rerr
			}
			break
		}
	}
	close(full)
	<-done
	for range 2 {
		chunkBufs.Put(<-free)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return n, err
}

func (u *summingUpload) Terminate(ctx context.Context) error {
	if err := os.Remove(u.store.sumsPath(u.id)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return u.Upload.(tusd.TerminatableUpload).Terminate(ctx)
}

// load returns the summing state at offset: a new one at 0, the saved one if it reached
// exactly offset, else nil (the finish then reads the file).
func (u *summingUpload) load(offset int64) *summer {
	if offset == 0 {
		return newSummer()
	}
	b, err := os.ReadFile(u.store.sumsPath(u.id))
	if err != nil {
		return nil
	}
	sm := newSummer()
	if err := sm.UnmarshalBinary(b); err != nil || sm.n != offset {
		return nil
	}
	return sm
}

func (u *summingUpload) save(sm *summer) error {
	b, err := sm.MarshalBinary()
	if err != nil {
		return err
	}
	tmp := u.store.sumsPath(u.id) + ".tmp"
	if err := os.WriteFile(tmp, b, 0o640); err != nil {
		return err
	}
	return os.Rename(tmp, u.store.sumsPath(u.id))
}

// sums returns the finished upload's sums when its saved state covers all size bytes.
func (u *summingUpload) sums(size int64) (sums, bool) {
	sm := u.load(size)
	if sm == nil || size == 0 {
		return sums{}, false
	}
	return sm.sums(), true
}

// sums are what one pass over an uploaded file learns: its content address and the CRC-32s
// of the variants guests may download (as stored, without EXIF, without GPS).
type sums struct {
	sha256                   string
	crc, crcNoEXIF, crcNoGPS uint32
}

// summer computes sums from a stream of writes. The variants differ only in their first
// media.HeadLen bytes (the metadata is sanitized in place), so the head is kept until it is
// complete; the bytes after it are summed once (tail) and each variant's CRC-32 is its
// head's combined with the tail's.
type summer struct {
	n        int64
	head     []byte // the first bytes, until headDone
	headDone bool
	sha      hash.Hash
	headCRC  [3]uint32 // of the head as stored, without EXIF, without GPS
	tail     uint32    // CRC-32 of the bytes after the head
}

func newSummer() *summer { return &summer{sha: sha256.New()} }

func (s *summer) Write(p []byte) (int, error) {
	n := len(p)
	s.n += int64(n)
	s.sha.Write(p)
	if !s.headDone {
		k := min(len(p), media.HeadLen-len(s.head))
		s.head = append(s.head, p[:k]...)
		p = p[k:]
		if len(s.head) < media.HeadLen {
			return n, nil
		}
		s.closeHead()
	}
	s.tail = crc32.Update(s.tail, crc32.IEEETable, p)
	return n, nil
}

// closeHead sums the head of each variant.
func (s *summer) closeHead() {
	noEXIF, noGPS := append([]byte(nil), s.head...), append([]byte(nil), s.head...)
	media.Sanitize(noEXIF, media.Strip{EXIF: true})
	media.Sanitize(noGPS, media.Strip{GPS: true})
	s.headCRC = [3]uint32{crc32.ChecksumIEEE(s.head), crc32.ChecksumIEEE(noEXIF), crc32.ChecksumIEEE(noGPS)}
	s.head, s.headDone = nil, true
}

// sums ends the stream (a file shorter than the head is all head).
func (s *summer) sums() sums {
	if !s.headDone {
		s.closeHead()
	}
	tailLen := s.n - min(s.n, media.HeadLen)
	var crc [3]uint32
	for i, h := range s.headCRC {
		crc[i] = crc32Combine(h, s.tail, tailLen)
	}
	return sums{sha256: hex.EncodeToString(s.sha.Sum(nil)), crc: crc[0], crcNoEXIF: crc[1], crcNoGPS: crc[2]}
}

// crc32Combine returns the CRC-32 (IEEE) of a followed by b from crc32(a), crc32(b) and
// len(b): zlib's crc32_combine, which appends len(b) zero bits to a's CRC by repeated
// squaring of the one-zero-bit operator over GF(2).
func crc32Combine(crcA, crcB uint32, lenB int64) uint32 {
	if lenB <= 0 {
		return crcA
	}
	var even, odd [32]uint32
	odd[0] = crc32.IEEE // the operator for one zero bit
	row := uint32(1)
	for n := 1; n < 32; n++ {
		odd[n] = row
		row <<= 1
	}
	gf2Square(&even, &odd) // two zero bits
	gf2Square(&odd, &even) // four zero bits
	for {                  // the first square below is one zero byte
		gf2Square(&even, &odd)
		if lenB&1 != 0 {
			crcA = gf2Times(&even, crcA)
		}
		if lenB >>= 1; lenB == 0 {
			break
		}
		gf2Square(&odd, &even)
		if lenB&1 != 0 {
			crcA = gf2Times(&odd, crcA)
		}
		if lenB >>= 1; lenB == 0 {
			break
		}
	}
	return crcA ^ crcB
}

func gf2Times(mat *[32]uint32, vec uint32) uint32 {
	var sum uint32
	for i := 0; vec != 0; i, vec = i+1, vec>>1 {
		if vec&1 != 0 {
			sum ^= mat[i]
		}
	}
	return sum
}

func gf2Square(square, mat *[32]uint32) {
	for n := range mat {
		square[n] = gf2Times(mat, mat[n])
	}
}

// summerState is a summer at rest (JSON: the SHA-256 state as its own binary encoding).
// Version 2 keeps the heads' CRC-32s and the tail's; a state without it (version 1 kept
// running CRC-32s per variant) is refused, and the finish then reads the file.
type summerState struct {
	Version  int       `json:"v"`
	N        int64     `json:"n"`
	Head     []byte    `json:"head,omitempty"`
	HeadDone bool      `json:"head_done"`
	SHA256   []byte    `json:"sha256"`
	HeadCRC  [3]uint32 `json:"crc"`
	Tail     uint32    `json:"tail"`
}

const summerVersion = 2

func (s *summer) MarshalBinary() ([]byte, error) {
	sha, err := s.sha.(encoding.BinaryMarshaler).MarshalBinary()
	if err != nil {
		return nil, err
	}
	return json.Marshal(summerState{Version: summerVersion, N: s.n, Head: s.head, HeadDone: s.headDone, SHA256: sha,
		HeadCRC: s.headCRC, Tail: s.tail})
}

func (s *summer) UnmarshalBinary(b []byte) error {
	var st summerState
	if err := json.Unmarshal(b, &st); err != nil {
		return err
	}
	if st.Version != summerVersion {
		return fmt.Errorf("summing state version %d", st.Version)
	}
	if !st.HeadDone && int64(len(st.Head)) != st.N || len(st.Head) > media.HeadLen {
		return fmt.Errorf("summing state: %d head bytes at %d", len(st.Head), st.N)
	}
	if err := s.sha.(encoding.BinaryUnmarshaler).UnmarshalBinary(st.SHA256); err != nil {
		return err
	}
	s.n, s.head, s.headDone, s.headCRC, s.tail = st.N, st.Head, st.HeadDone, st.HeadCRC, st.Tail
	return nil
}

// fileSums reads r to its end and returns its sums.
func fileSums(r io.Reader) (sums, error) {
	s := newSummer()
	if _, err := io.CopyBuffer(s, r, make([]byte, 256<<10)); err != nil {
		return sums{}, err
	}
	return s.sums(), nil
}
