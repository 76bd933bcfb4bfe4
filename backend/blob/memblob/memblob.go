// Package memblob is an in-memory blob.Bucket for unit tests of packages that
// store blobs. It passes the same conformance suite (blobtest.Run) as the real
// drivers, so code tested against it behaves the same on disk or S3.
package memblob

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/studiodesk/studiodesk/backend/blob"
)

var _ blob.Bucket = (*Bucket)(nil)

// Bucket keeps objects in a map. The zero value is not usable; call New.
type Bucket struct {
	mu      sync.RWMutex
	objects map[string]object
}

// object is never mutated after it is stored: Put replaces the whole value,
// so readers can keep using a data slice without holding the lock.
type object struct {
	data []byte
	info blob.Info
}

// New returns an empty bucket.
func New() *Bucket {
	return &Bucket{objects: make(map[string]object)}
}

// Put reads all of r before taking the lock, so the swap is atomic and a
// failed read stores nothing.
func (b *Bucket) Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) (blob.Info, error) {
	fail := func(err error) (blob.Info, error) {
		return blob.Info{}, fmt.Errorf("put %q: %w", key, err)
	}
	ct, err := blob.CheckPut(ctx, key, size, contentType)
	if err != nil {
		return fail(err)
	}
	src := blob.ContextReader(ctx, r)
	if size >= 0 {
		src = io.LimitReader(src, size+1) // one extra byte reveals a longer reader
	}
	data, err := io.ReadAll(src)
	if err != nil {
		return fail(err)
	}
	if size >= 0 && int64(len(data)) != size {
		if int64(len(data)) < size {
			return fail(fmt.Errorf("got %d of %d bytes: %w", len(data), size, io.ErrUnexpectedEOF))
		}
		return fail(fmt.Errorf("reader has more than the %d bytes declared", size))
	}
	// A cancel that arrives after the last read still aborts: the caller
	// has been told the request is gone.
	if err := ctx.Err(); err != nil {
		return fail(err)
	}
	info := blob.Info{
		Key:         key,
		Size:        int64(len(data)),
		ModTime:     time.Now().Round(0), // no monotonic reading: Infos compare with ==
		ContentType: ct,
	}
	b.mu.Lock()
	b.objects[key] = object{data: data, info: info}
	b.mu.Unlock()
	return info, nil
}

// lookup validates and finds key for op.
func (b *Bucket) lookup(ctx context.Context, op, key string) (object, error) {
	if err := blob.ValidateKey(key); err != nil {
		return object{}, fmt.Errorf("%s %q: %w", op, key, err)
	}
	if err := ctx.Err(); err != nil {
		return object{}, fmt.Errorf("%s %q: %w", op, key, err)
	}
	b.mu.RLock()
	obj, ok := b.objects[key]
	b.mu.RUnlock()
	if !ok {
		return object{}, fmt.Errorf("%s %q: %w", op, key, blob.ErrNotFound)
	}
	return obj, nil
}

func (b *Bucket) Get(ctx context.Context, key string) (io.ReadCloser, blob.Info, error) {
	obj, err := b.lookup(ctx, "get", key)
	if err != nil {
		return nil, blob.Info{}, err
	}
	return newReader(ctx, key, obj.data), obj.info, nil
}

func (b *Bucket) GetRange(ctx context.Context, key string, offset, length int64) (io.ReadCloser, error) {
	if err := blob.ValidateKey(key); err != nil {
		return nil, fmt.Errorf("get range %q: %w", key, err)
	}
	if offset < 0 || length < -1 {
		return nil, fmt.Errorf("get range %q: offset %d length %d: %w", key, offset, length, blob.ErrInvalidRange)
	}
	obj, err := b.lookup(ctx, "get range", key)
	if err != nil {
		return nil, err
	}
	size := int64(len(obj.data))
	if offset > size {
		return nil, fmt.Errorf("get range %q: offset %d past size %d: %w", key, offset, size, blob.ErrInvalidRange)
	}
	end := size
	if length >= 0 && offset+length < size {
		end = offset + length
	}
	return newReader(ctx, key, obj.data[offset:end]), nil
}

func (b *Bucket) Stat(ctx context.Context, key string) (blob.Info, error) {
	obj, err := b.lookup(ctx, "stat", key)
	if err != nil {
		return blob.Info{}, err
	}
	return obj.info, nil
}

func (b *Bucket) Delete(ctx context.Context, key string) error {
	if err := blob.ValidateKey(key); err != nil {
		return fmt.Errorf("delete %q: %w", key, err)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("delete %q: %w", key, err)
	}
	b.mu.Lock()
	delete(b.objects, key)
	b.mu.Unlock()
	return nil
}

// List works on a snapshot taken under the lock and calls fn without it, so
// fn may call back into the bucket.
func (b *Bucket) List(ctx context.Context, prefix string, fn func(blob.Info) error) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("list %q: %w", prefix, err)
	}
	b.mu.RLock()
	var infos []blob.Info
	for key, obj := range b.objects {
		if strings.HasPrefix(key, prefix) {
			info := obj.info
			info.ContentType = "" // as documented: listings carry no content type
			infos = append(infos, info)
		}
	}
	b.mu.RUnlock()
	slices.SortFunc(infos, func(a, b blob.Info) int { return strings.Compare(a.Key, b.Key) })
	for _, info := range infos {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("list %q: %w", prefix, err)
		}
		if err := fn(info); err != nil {
			return err
		}
	}
	return nil
}

// errClosed makes a read after Close fail loudly, as it would on a real
// file, instead of letting a fake hide the caller's bug.
var errClosed = errors.New("read after close")

type reader struct {
	ctx    context.Context
	key    string
	r      *bytes.Reader
	closed bool
}

func newReader(ctx context.Context, key string, data []byte) *reader {
	return &reader{ctx: ctx, key: key, r: bytes.NewReader(data)}
}

func (r *reader) Read(p []byte) (int, error) {
	if r.closed {
		return 0, fmt.Errorf("read %q: %w", r.key, errClosed)
	}
	if err := r.ctx.Err(); err != nil {
		return 0, fmt.Errorf("read %q: %w", r.key, err)
	}
	return r.r.Read(p)
}

func (r *reader) Close() error {
	r.closed = true
	return nil
}
