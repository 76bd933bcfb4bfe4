// Package fsblob is the local-disk blob.Bucket, for a single server (or a
// studio PC) that keeps photos on its own disk.
//
// The root directory is private to the driver:
//
//	<root>/objects/<encoded key path>.blob   one file per object
//	<root>/tmp/                              Puts in progress
//
// Put writes the whole object to a temp file under tmp/, fsyncs it and renames
// it into place, so readers see the old object or the new one, never a part;
// a failed Put removes its temp file, and New sweeps temp files a crash left
// behind. tmp/ sits beside objects/ (same filesystem, so the rename is atomic)
// and List walks only objects/, so temp files are never listed.
//
// Each object file is a fixed 512-byte header holding the content type
// followed by the content (see header.go). The type lives in the file, not a
// sidecar, so one rename publishes content and type together. File names encode keys so that any
// valid key works on Linux, macOS and Windows alike (see name.go). The driver
// uses os.Root and no OS-specific calls: the root cannot be escaped even by
// symlinks, and on Windows open readers do not block an overwrite or Delete.
//
// A key segment whose encoding exceeds the filesystem's name limit (255 bytes
// on common filesystems) cannot be stored; Put reports the OS error. Several
// Buckets, even in several processes, may share a root, provided no Put runs
// for a day (New deletes older temp files). fsblob does not implement
// blob.Presigner: there is no URL to hand out.
package fsblob

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"time"

	"github.com/studiodesk/studiodesk/backend/blob"
)

var (
	_ blob.Bucket  = (*Bucket)(nil)
	_ blob.Adopter = (*Bucket)(nil)
)

const (
	objectsDir = "objects"
	tmpDir     = "tmp"
	// Owner read-write, group read (for a backup user); customers' photos
	// are nobody else's business.
	dirPerm  = 0o750
	filePerm = 0o640
	// staleTempAge is how old a temp file must be before New deletes it:
	// far longer than any upload, so it is certainly a crash leftover.
	staleTempAge = 24 * time.Hour
	// renameAttempts bounds retries of a rename whose directory a
	// concurrent Delete pruned in between (see Put).
	renameAttempts = 8
)

// Bucket stores objects under a root directory. Call Close when done.
type Bucket struct {
	root *os.Root
}

// New opens (creating if needed) a bucket rooted at dir and deletes temp files
// left by Puts that were interrupted more than a day ago.
func New(dir string) (*Bucket, error) {
	if err := os.MkdirAll(dir, dirPerm); err != nil {
		return nil, fmt.Errorf("fsblob: create root %q: %w", dir, err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("fsblob: open root %q: %w", dir, err)
	}
	b := &Bucket{root: root}
	for _, d := range []string{objectsDir, tmpDir} {
		if err := root.MkdirAll(d, dirPerm); err != nil {
			root.Close()
			return nil, fmt.Errorf("fsblob: create %q in %q: %w", d, dir, err)
		}
	}
	if err := b.removeStaleTemps(time.Now().Add(-staleTempAge)); err != nil {
		root.Close()
		return nil, fmt.Errorf("fsblob: %q: %w", dir, err)
	}
	return b, nil
}

// Close releases the root directory handle. Readers already returned stay
// usable.
func (b *Bucket) Close() error {
	return b.root.Close()
}

func (b *Bucket) removeStaleTemps(before time.Time) error {
	d, err := b.root.Open(tmpDir)
	if err != nil {
		return fmt.Errorf("open temp dir: %w", err)
	}
	entries, err := d.ReadDir(-1)
	d.Close()
	if err != nil {
		return fmt.Errorf("read temp dir: %w", err)
	}
	for _, e := range entries {
		fi, err := e.Info()
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("stat temp file %q: %w", e.Name(), err)
		}
		if fi.ModTime().Before(before) {
			if err := b.root.RemoveAll(filepath.Join(tmpDir, e.Name())); err != nil {
				return fmt.Errorf("remove stale temp file: %w", err)
			}
		}
	}
	return nil
}

func (b *Bucket) Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) (blob.Info, error) {
	info, err := b.put(ctx, key, r, size, contentType)
	if err != nil {
		return blob.Info{}, fmt.Errorf("put %q: %w", key, err)
	}
	return info, nil
}

func (b *Bucket) put(ctx context.Context, key string, r io.Reader, size int64, contentType string) (blob.Info, error) {
	ct, err := blob.CheckPut(ctx, key, size, contentType)
	if err != nil {
		return blob.Info{}, err
	}

	tmp := filepath.Join(tmpDir, "put-"+rand.Text())
	f, err := b.root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, filePerm)
	if err != nil {
		return blob.Info{}, fmt.Errorf("create temp file: %w", err)
	}
	committed := false
	defer func() {
		if !committed {
			f.Close() // may already be closed; the error is moot then
			b.root.Remove(tmp)
		}
	}()

	if _, err := f.Write(encodeHeader(ct)); err != nil {
		return blob.Info{}, fmt.Errorf("write temp file: %w", err)
	}
	src := blob.ContextReader(ctx, r)
	if fr, ok := r.(*os.File); ok {
		// File to file: io.Copy lets the kernel copy (copy_file_range) instead of
		// reading it through this process. ctx is checked before and after.
		src = fr
	}
	if size >= 0 {
		src = io.LimitReader(src, size+1) // one extra byte reveals a longer reader
	}
	n, err := io.Copy(f, src)
	if err != nil {
		return blob.Info{}, fmt.Errorf("write temp file: %w", err)
	}
	if size >= 0 && n != size {
		if n < size {
			return blob.Info{}, fmt.Errorf("got %d of %d bytes: %w", n, size, io.ErrUnexpectedEOF)
		}
		return blob.Info{}, fmt.Errorf("reader has more than the %d bytes declared", size)
	}
	// fsync before rename: otherwise a crash can leave the new name
	// pointing at a file whose data never reached the disk.
	if err := f.Sync(); err != nil {
		return blob.Info{}, fmt.Errorf("sync temp file: %w", err)
	}
	fi, err := f.Stat() // rename keeps mtime, so this is the object's ModTime
	if err != nil {
		return blob.Info{}, fmt.Errorf("stat temp file: %w", err)
	}
	if err := f.Close(); err != nil {
		return blob.Info{}, fmt.Errorf("close temp file: %w", err)
	}
	// A cancel that arrives after the last read still aborts: the caller
	// has been told the request is gone, so it must not be half-done.
	if err := ctx.Err(); err != nil {
		return blob.Info{}, err
	}

	dst := objectPath(key)
	dir := filepath.Dir(dst)
	if err := b.place(dst, func() error { return b.root.Rename(tmp, dst) }); err != nil {
		return blob.Info{}, fmt.Errorf("rename into place: %w", err)
	}
	committed = true
	// Best effort: the object is already visible, so failing now would
	// break "on error nothing is left behind"; the data itself is synced.
	b.syncDir(dir)

	return blob.Info{Key: key, Size: n, ModTime: fi.ModTime(), ContentType: ct}, nil
}

// HeaderSize is how many bytes start every object file before its content: a file that
// Adopt is to take must reserve them.
const HeaderSize = headerSize

// ReservedHeader is how many bytes a file must reserve at its start for Adopt.
func (b *Bucket) ReservedHeader() int64 { return headerSize }

// Adopt makes the file at path the object at key without copying its bytes: the file holds
// HeaderSize reserved bytes followed by the content. Adopt writes the header into the
// reserved bytes, fsyncs the file, renames it into place and fsyncs the directory (the one
// fsync of the content a Put would also make). On success the file is gone from path; on
// error it is left there. A file on another filesystem gives blob.ErrOtherFilesystem.
func (b *Bucket) Adopt(ctx context.Context, key, path, contentType string) (blob.Info, error) {
	info, err := b.adopt(ctx, key, path, contentType)
	if err != nil {
		return blob.Info{}, fmt.Errorf("adopt %q: %w", key, err)
	}
	return info, nil
}

func (b *Bucket) adopt(ctx context.Context, key, path, contentType string) (blob.Info, error) {
	if err := blob.ValidateKey(key); err != nil {
		return blob.Info{}, err
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return blob.Info{}, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return blob.Info{}, err
	}
	if fi.Size() < headerSize {
		return blob.Info{}, fmt.Errorf("%d bytes: shorter than the header", fi.Size())
	}
	ct, err := blob.CheckPut(ctx, key, fi.Size()-headerSize, contentType)
	if err != nil {
		return blob.Info{}, err
	}
	if _, err := f.WriteAt(encodeHeader(ct), 0); err != nil {
		return blob.Info{}, fmt.Errorf("write header: %w", err)
	}
	if err := f.Sync(); err != nil {
		return blob.Info{}, fmt.Errorf("sync: %w", err)
	}
	if fi, err = f.Stat(); err != nil {
		return blob.Info{}, err
	}
	if err := ctx.Err(); err != nil {
		return blob.Info{}, err
	}
	dst := objectPath(key)
	// The directory is made through the root (no symlink leads out of it); the file comes
	// from outside the root, so the rename itself names the full path.
	err = b.place(dst, func() error { return os.Rename(path, filepath.Join(b.root.Name(), dst)) })
	if errors.Is(err, syscall.EXDEV) {
		return blob.Info{}, blob.ErrOtherFilesystem
	}
	if err != nil {
		return blob.Info{}, fmt.Errorf("rename into place: %w", err)
	}
	b.syncDir(filepath.Dir(dst))
	return blob.Info{Key: key, Size: fi.Size() - headerSize, ModTime: fi.ModTime(), ContentType: ct}, nil
}

// place runs rename (a file to dst under objects/) after making dst's directory. Delete
// prunes empty directories and may remove it between the two: then it is made again and
// the rename tried again.
func (b *Bucket) place(dst string, rename func() error) error {
	for attempt := 1; ; attempt++ {
		err := b.root.MkdirAll(filepath.Dir(dst), dirPerm)
		if err == nil {
			err = rename()
		}
		if err == nil || !errors.Is(err, fs.ErrNotExist) || attempt == renameAttempts {
			return err
		}
	}
}

// syncDir makes a rename into dir durable. Windows cannot fsync a directory
// (NTFS journals the rename itself), so it is skipped there.
func (b *Bucket) syncDir(dir string) {
	if runtime.GOOS == "windows" {
		return
	}
	if d, err := b.root.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// open opens key's file past the header; the Info comes from the open file,
// so it matches the content read even if the key is overwritten meanwhile.
func (b *Bucket) open(ctx context.Context, key string) (*os.File, blob.Info, error) {
	if err := blob.ValidateKey(key); err != nil {
		return nil, blob.Info{}, err
	}
	if err := ctx.Err(); err != nil {
		return nil, blob.Info{}, err
	}
	f, err := b.root.Open(objectPath(key))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, blob.Info{}, blob.ErrNotFound
	}
	if err != nil {
		return nil, blob.Info{}, err
	}
	ct, err := readHeader(f)
	if err != nil {
		f.Close()
		return nil, blob.Info{}, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, blob.Info{}, err
	}
	return f, blob.Info{Key: key, Size: fi.Size() - headerSize, ModTime: fi.ModTime(), ContentType: ct}, nil
}

func (b *Bucket) Get(ctx context.Context, key string) (io.ReadCloser, blob.Info, error) {
	f, info, err := b.open(ctx, key)
	if err != nil {
		return nil, blob.Info{}, fmt.Errorf("get %q: %w", key, err)
	}
	if info.Size >= readAheadMin {
		readAhead(f, headerSize, info.Size)
	}
	return &reader{ctx: ctx, key: key, r: f, f: f}, info, nil
}

// Prefetch starts reading the object at key into the page cache (blob.Prefetcher): a zip
// asks for its next photo while it sends the current one, so the disk never waits for the
// network or the network for the disk.
func (b *Bucket) Prefetch(ctx context.Context, key string) {
	f, info, err := b.open(ctx, key)
	if err != nil {
		return // advice: the read that follows reports what is wrong
	}
	readAhead(f, 0, headerSize+info.Size)
	f.Close()
}

// readAheadMin is the size from which a read is announced to the kernel in full (photo
// originals, videos, zips' entries); renditions and small objects are left to its readahead.
const readAheadMin = 1 << 20

func (b *Bucket) GetRange(ctx context.Context, key string, offset, length int64) (io.ReadCloser, error) {
	if err := blob.ValidateKey(key); err != nil {
		return nil, fmt.Errorf("get range %q: %w", key, err)
	}
	if offset < 0 || length < -1 {
		return nil, fmt.Errorf("get range %q: offset %d length %d: %w", key, offset, length, blob.ErrInvalidRange)
	}
	f, info, err := b.open(ctx, key)
	if err != nil {
		return nil, fmt.Errorf("get range %q: %w", key, err)
	}
	if offset > info.Size {
		f.Close()
		return nil, fmt.Errorf("get range %q: offset %d past size %d: %w", key, offset, info.Size, blob.ErrInvalidRange)
	}
	n := info.Size - offset
	if length >= 0 && length < n {
		n = length
	}
	if _, err := f.Seek(headerSize+offset, io.SeekStart); err != nil {
		f.Close()
		return nil, fmt.Errorf("get range %q: %w", key, err)
	}
	if n >= readAheadMin {
		readAhead(f, headerSize+offset, n)
	}
	return &reader{ctx: ctx, key: key, r: io.LimitReader(f, n), f: f}, nil
}

func (b *Bucket) Stat(ctx context.Context, key string) (blob.Info, error) {
	f, info, err := b.open(ctx, key)
	if err != nil {
		return blob.Info{}, fmt.Errorf("stat %q: %w", key, err)
	}
	f.Close()
	return info, nil
}

func (b *Bucket) Delete(ctx context.Context, key string) error {
	if err := blob.ValidateKey(key); err != nil {
		return fmt.Errorf("delete %q: %w", key, err)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("delete %q: %w", key, err)
	}
	p := objectPath(key)
	if err := b.root.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("delete %q: %w", key, err)
	}
	// Prune directories left empty, so the tree does not fill with dead
	// directories that List would have to walk. Remove fails on a non-empty
	// directory, which ends the climb; a Put racing us retries its rename.
	for dir := filepath.Dir(p); dir != objectsDir && dir != "." && dir != string(filepath.Separator); dir = filepath.Dir(dir) {
		if b.root.Remove(dir) != nil {
			break
		}
	}
	return nil
}

// reader is what Get and GetRange return: content reads that honour ctx.
type reader struct {
	ctx context.Context
	key string
	r   io.Reader // f, possibly limited
	f   *os.File
}

func (r *reader) Read(p []byte) (int, error) {
	if err := r.ctx.Err(); err != nil {
		return 0, fmt.Errorf("read %q: %w", r.key, err)
	}
	n, err := r.r.Read(p)
	if err != nil && err != io.EOF {
		err = fmt.Errorf("read %q: %w", r.key, err)
	}
	return n, err
}

// WriteTo hands the file (limited to the range) to io.Copy, so a network connection's
// ReadFrom sends it with sendfile instead of copying it through this process.
func (r *reader) WriteTo(w io.Writer) (int64, error) {
	if err := r.ctx.Err(); err != nil {
		return 0, fmt.Errorf("read %q: %w", r.key, err)
	}
	n, err := io.Copy(w, r.r)
	if err != nil {
		err = fmt.Errorf("read %q: %w", r.key, err)
	}
	return n, err
}

func (r *reader) Close() error {
	return r.f.Close()
}
