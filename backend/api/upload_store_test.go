package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"hash/crc32"
	"io"
	"math/rand/v2"
	"os"
	"testing"
	"testing/iotest"

	"github.com/tus/tusd/v2/pkg/filestore"
	tusd "github.com/tus/tusd/v2/pkg/handler"

	"github.com/studiodesk/studiodesk/backend/blob"
	"github.com/studiodesk/studiodesk/backend/blob/fsblob"
	"github.com/studiodesk/studiodesk/backend/blob/memblob"
	"github.com/studiodesk/studiodesk/backend/media"
	"github.com/studiodesk/studiodesk/backend/media/mediatest"
)

// wantSums computes what a finished upload's sums must be, straight from the whole file.
func wantSums(data []byte) sums {
	variant := func(st media.Strip) uint32 {
		v := bytes.Clone(data)
		media.Sanitize(v[:min(len(v), media.HeadLen)], st)
		return crc32.ChecksumIEEE(v)
	}
	h := sha256.Sum256(data)
	return sums{sha256: hex.EncodeToString(h[:]), crc: crc32.ChecksumIEEE(data),
		crcNoEXIF: variant(media.Strip{EXIF: true}), crcNoGPS: variant(media.Strip{GPS: true})}
}

// TestSummingStoreSumsAsBytesArrive: a photo with EXIF and GPS, sent in pieces of which some
// are cut mid-way (the store then resumes from its saved state), ends with the same sums as
// one pass over the whole file; a state that does not match the file is not used.
func TestSummingStoreSumsAsBytesArrive(t *testing.T) {
	ctx := context.Background()
	photo := mediatest.WithGPS()
	rng := rand.New(rand.NewPCG(5, 6))
	tail := make([]byte, media.HeadLen+3<<20)
	for i := range tail {
		tail[i] = byte(rng.Uint32())
	}
	for i, data := range [][]byte{photo, append(bytes.Clone(photo), tail...)} {
		st := summingStore{FileStore: filestore.New(t.TempDir()), reserve: int64(i * 512)} // with and without a reserved start
		up, err := st.NewUpload(ctx, tusd.FileInfo{Size: int64(len(data))})
		if err != nil {
			t.Fatal(err)
		}
		id := up.(*summingUpload).id
		var off int64
		for off < int64(len(data)) {
			n := min(int64(len(data))-off, 1+rng.Int64N(int64(len(data))/3+1))
			var src io.Reader = bytes.NewReader(data[off : off+n])
			if rng.IntN(2) == 0 {
				src = io.MultiReader(io.LimitReader(src, rng.Int64N(n)), iotest.ErrReader(errors.New("connection dropped")))
			}
			up, err = st.GetUpload(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			k, _ := up.WriteChunk(ctx, off, src)
			off += k
		}
		up, err = st.GetUpload(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if info, err := up.GetInfo(ctx); err != nil || info.Offset != int64(len(data)) {
			t.Fatalf("offset %d of %d (%v)", info.Offset, len(data), err)
		}
		r, err := up.GetReader(ctx)
		if err != nil {
			t.Fatal(err)
		}
		content, _ := io.ReadAll(r)
		r.Close()
		if !bytes.Equal(content, data) {
			t.Fatal("the upload's content differs from what was sent")
		}
		got, ok := sumsOf(up, int64(len(data)))
		if want := wantSums(data); !ok || got != want {
			t.Fatalf("%d bytes: sums %+v (%v), want %+v", len(data), got, ok, want)
		}
		if got.crcNoEXIF == got.crc || got.crcNoGPS == got.crc {
			t.Fatal("the photo's metadata was not part of the variants' CRCs")
		}
		if _, ok := sumsOf(up, int64(len(data))-1); ok {
			t.Fatal("sums for a size the state does not cover")
		}
		if err := st.AsTerminatableUpload(up).Terminate(ctx); err != nil {
			t.Fatal(err)
		}
		if _, ok := up.(*summingUpload).sums(int64(len(data))); ok {
			t.Fatal("state left behind after Terminate")
		}
	}
}

// TestFinishedUploadMovesIntoTheBlobStore: on local disk the finished upload's file becomes
// the stored original by a rename (it is gone from the upload directory before the upload
// is removed); a bucket that cannot adopt files gets a copy.
func TestFinishedUploadMovesIntoTheBlobStore(t *testing.T) {
	ctx := context.Background()
	data := mediatest.WithGPS()
	disk, err := fsblob.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, bucket := range []blob.Bucket{blob.Prefixed(disk, "studios/1"), memblob.New()} {
		reserve := int64(0)
		if a, ok := bucket.(blob.Adopter); ok {
			reserve = a.ReservedHeader()
		}
		st := summingStore{FileStore: filestore.New(t.TempDir()), reserve: reserve}
		up, err := st.NewUpload(ctx, tusd.FileInfo{Size: int64(len(data))})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := up.WriteChunk(ctx, 0, bytes.NewReader(data)); err != nil {
			t.Fatal(err)
		}
		if err := storeOriginal(ctx, bucket, "originals/x", up, int64(len(data)), "image/jpeg"); err != nil {
			t.Fatal(err)
		}
		_, statErr := os.Stat(up.(*summingUpload).path)
		if moved := errors.Is(statErr, os.ErrNotExist); moved != (reserve > 0) {
			t.Fatalf("reserve %d: upload file moved %v", reserve, moved)
		}
		r, _, err := bucket.Get(ctx, "originals/x")
		if err != nil {
			t.Fatal(err)
		}
		stored, _ := io.ReadAll(r)
		r.Close()
		if !bytes.Equal(stored, data) {
			t.Fatalf("reserve %d: stored bytes differ", reserve)
		}
		if err := st.AsTerminatableUpload(up).Terminate(ctx); err != nil {
			t.Fatal(err)
		}
	}
}

// TestCRC32Combine: the CRC-32 of a then b, from the two parts' CRC-32s and b's length,
// equals the CRC-32 of the whole, for empty and odd-sized parts alike.
func TestCRC32Combine(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	whole := make([]byte, 3<<20+17)
	for i := range whole {
		whole[i] = byte(rng.Uint32())
	}
	for _, cut := range []int{0, 1, 7, 4096, 1 << 20, len(whole) - 1, len(whole), rng.IntN(len(whole))} {
		a, b := whole[:cut], whole[cut:]
		if got, want := crc32Combine(crc32.ChecksumIEEE(a), crc32.ChecksumIEEE(b), int64(len(b))), crc32.ChecksumIEEE(whole); got != want {
			t.Fatalf("cut at %d: %08x, want %08x", cut, got, want)
		}
	}
}

// TestSummingStateOfAnOlderServer: a summing state saved before the heads' and tail's CRC-32s
// were kept apart (no version) is not used: the finish reads the file instead.
func TestSummingStateOfAnOlderServer(t *testing.T) {
	old := []byte(`{"n":5,"head":"aGVsbG8=","head_done":false,"sha256":"","crc":[1,2,3]}`)
	if err := newSummer().UnmarshalBinary(old); err == nil {
		t.Fatal("an unversioned summing state was taken")
	}
}
