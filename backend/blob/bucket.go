// Package blob defines the object storage StudioDesk keeps photos, renditions
// and zips in: a flat namespace of keys mapped to immutable byte streams.
//
// Bucket is the one interface every driver (fsblob, memblob, later S3)
// implements; blobtest.Run is the one conformance suite every driver passes,
// so no driver-specific behaviour leaks above this package. Optional
// capabilities are separate one-method interfaces (Presigner) that callers
// discover with a type assertion.
//
// Tenant isolation is done by wrapping a bucket with Prefixed, never by
// callers concatenating key strings.
package blob

import (
	"context"
	"errors"
	"io"
	"time"
)

// Sentinel errors. Drivers wrap them with the operation and key
// (fmt.Errorf("get %q: %w", key, ErrNotFound)); callers test with errors.Is.
var (
	// ErrNotFound: no object is stored under the key.
	ErrNotFound = errors.New("object not found")
	// ErrInvalidKey: the key fails ValidateKey.
	ErrInvalidKey = errors.New("invalid key")
	// ErrInvalidRange: GetRange got a negative offset, a length below -1, or
	// an offset past the end of the object.
	ErrInvalidRange = errors.New("invalid range")
	// ErrInvalidContentType: the content type fails NormalizeContentType.
	ErrInvalidContentType = errors.New("invalid content type")
	// ErrKeyConflict: the store keeps objects as files and the key is also the directory
	// of a stored key ("a" while "a/b" exists), or the other way round.
	ErrKeyConflict = errors.New("key conflicts with a stored key's directory")
	// ErrOtherFilesystem: Adopt cannot move the file into the bucket (another filesystem,
	// or a bucket that keeps no files); copy it with Put instead.
	ErrOtherFilesystem = errors.New("file cannot be adopted (another filesystem)")
)

// Adopter is a bucket that can take a local file as an object without copying its bytes
// (fsblob: a rename on the same filesystem). Buckets from Prefixed forward it.
type Adopter interface {
	// ReservedHeader is how many bytes the file must keep free at its start (0: the bucket
	// cannot adopt files).
	ReservedHeader() int64
	// Adopt makes the file at path (ReservedHeader bytes, then the content) the object at
	// key; on success the file is gone from path.
	Adopt(ctx context.Context, key, path, contentType string) (Info, error)
}

// Prefetcher is a bucket that can be told an object will soon be read in full (the next
// photo of a zip being streamed), so it starts reading it now. Advice: it returns nothing and
// a bucket that cannot use it does not implement it.
type Prefetcher interface {
	Prefetch(ctx context.Context, key string)
}

// Info describes a stored object.
type Info struct {
	Key  string
	Size int64 // bytes of content
	// ModTime is when the object was last written, as recorded by the
	// driver (not the client's file time: keep that in the database).
	ModTime time.Time
	// ContentType is the type given to Put (DefaultContentType if it was
	// empty). List leaves it empty: object stores do not return it in
	// listings, and one Stat per key is the caller's choice to make.
	ContentType string
}

// Bucket stores objects under keys. Implementations are safe for concurrent
// use by multiple goroutines.
//
// Common to every method:
//   - The key is checked with ValidateKey first; a bad key fails with an
//     error wrapping ErrInvalidKey and touches nothing.
//   - If ctx is done, the method fails with an error wrapping ctx.Err() and
//     has no effect. Readers returned by Get and GetRange also fail with
//     ctx.Err() once ctx is done, so a cancelled request stops streaming.
//   - Keys name files, never directories: StudioDesk's key layout never
//     stores both "a" and "a/b". Object stores built on a file system
//     (versitygw's posix backend, NAS gateways, MinIO's file-system mode)
//     cannot hold both, so a driver may refuse the second with an error
//     wrapping ErrKeyConflict, leaving the first intact; fsblob and memblob
//     allow both. Any other valid key may be stored; keys are case-sensitive
//     and compared byte for byte (no Unicode normalisation).
type Bucket interface {
	// Put stores the content read from r under key, replacing any object
	// already there. size is the number of bytes r will yield, or -1 if
	// unknown; if r yields fewer bytes Put fails with an error wrapping
	// io.ErrUnexpectedEOF, if more it fails too.
	//
	// Put is atomic: until it returns successfully, readers see the previous
	// object (or ErrNotFound), never a partial one; when it fails (read
	// error, size mismatch, ctx done) nothing is left behind and the previous
	// object is intact. Of concurrent Puts to one key, exactly one wins
	// whole, content type included. An empty contentType is stored as
	// DefaultContentType; an invalid one fails with ErrInvalidContentType.
	//
	// The returned Info is the stored object's (Key, Size, ContentType,
	// ModTime).
	Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) (Info, error)

	// Get opens the object for reading. The caller must Close the reader.
	// A missing key fails with ErrNotFound. The reader and Info belong to
	// one version of the object even if it is overwritten meanwhile.
	Get(ctx context.Context, key string) (io.ReadCloser, Info, error)

	// GetRange opens length bytes of the object starting at offset; length
	// -1 means to the end. A range running past the end is cut at the end;
	// offset == size yields an empty reader (reading at EOF is not an
	// error); offset > size fails with ErrInvalidRange, as do offset < 0 and
	// length < -1 (argument errors are reported before ErrNotFound). The
	// caller must Close the reader.
	GetRange(ctx context.Context, key string, offset, length int64) (io.ReadCloser, error)

	// Stat returns the object's Info, or an error wrapping ErrNotFound.
	Stat(ctx context.Context, key string) (Info, error)

	// Delete removes the object. Deleting a missing key is not an error, so
	// retries and cleanups are idempotent. Only the exact key is removed,
	// never keys it is a prefix of.
	Delete(ctx context.Context, key string) error

	// List calls fn for every object whose key starts with prefix (a plain
	// string prefix: "a/b" matches "a/b", "a/bc" and "a/b/c"), in
	// lexical (byte-wise) key order. Info.ContentType is left empty. prefix
	// need not be a valid key; "" lists everything.
	//
	// If fn returns an error, List stops and returns that error unwrapped.
	// fn may call other methods of the bucket, including Delete of the key
	// it was given; objects written or deleted while List runs may or may
	// not be reported.
	List(ctx context.Context, prefix string, fn func(Info) error) error
}

// Presigner is implemented by drivers that can hand out direct URLs, so
// large downloads bypass the server. Callers type-assert for it and fall back
// to streaming Get when the driver lacks it (fsblob does not implement it).
type Presigner interface {
	// PresignGet returns a URL that downloads the object for ttl. filename,
	// if not empty, is suggested to the browser as the download's name
	// (Content-Disposition: attachment); empty means display inline. It
	// validates the key (ErrInvalidKey) but need not check the object
	// exists: a URL for a missing key fails when it is used.
	PresignGet(ctx context.Context, key string, ttl time.Duration, filename string) (string, error)
}
