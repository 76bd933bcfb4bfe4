package blob

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// Prefixed returns a view of b in which every key is stored under prefix + "/":
// Prefixed(b, "tenants/42").Get(ctx, "photos/x.jpg") reads
// "tenants/42/photos/x.jpg". It is how a tenant gets its own bucket.
//
// The view can never reach a key outside its prefix: keys are checked with
// ValidateKey before the prefix is added (so "../41/x" is ErrInvalidKey, not
// another tenant's file), List prefixes are matched as plain strings under the
// view's prefix, and Info.Key is reported without the prefix. Keys are limited
// to MaxKeyLen minus len(prefix)+1, as the underlying driver sees the full key.
//
// prefix must be a valid key; one trailing slash is allowed. Rather than
// panicking on a bad prefix, the view then fails every call with ErrInvalidKey.
//
// If b implements Presigner, so does the view.
func Prefixed(b Bucket, prefix string) Bucket {
	prefix = strings.TrimSuffix(prefix, "/")
	p := &prefixed{b: b, prefix: prefix + "/"}
	if err := ValidateKey(prefix); err != nil {
		p.err = fmt.Errorf("prefix %q: %w", prefix, err)
	}
	if ps, ok := b.(Presigner); ok {
		return &prefixedPresigner{prefixed: p, ps: ps}
	}
	return p
}

// errOutsidePrefix guards Prefixed against a driver returning a key it was
// not asked for; it should never be seen.
var errOutsidePrefix = errors.New("driver returned a key outside the prefix")

type prefixed struct {
	b      Bucket
	prefix string // ends in "/"
	err    error  // set if the prefix is invalid
}

// full maps a view key to the underlying key; the view key is validated on
// its own so that the prefix cannot make ".." segments look harmless.
func (p *prefixed) full(op, key string) (string, error) {
	if p.err != nil {
		return "", fmt.Errorf("%s %q: %w", op, key, p.err)
	}
	if err := ValidateKey(key); err != nil {
		return "", fmt.Errorf("%s %q: %w", op, key, err)
	}
	return p.prefix + key, nil
}

// strip maps an underlying Info back to the view.
func (p *prefixed) strip(info Info) (Info, error) {
	key, ok := strings.CutPrefix(info.Key, p.prefix)
	if !ok {
		return Info{}, fmt.Errorf("%q: %w", info.Key, errOutsidePrefix)
	}
	info.Key = key
	return info, nil
}

func (p *prefixed) Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) (Info, error) {
	full, err := p.full("put", key)
	if err != nil {
		return Info{}, err
	}
	info, err := p.b.Put(ctx, full, r, size, contentType)
	if err != nil {
		return Info{}, err
	}
	return p.strip(info)
}

func (p *prefixed) Get(ctx context.Context, key string) (io.ReadCloser, Info, error) {
	full, err := p.full("get", key)
	if err != nil {
		return nil, Info{}, err
	}
	rc, info, err := p.b.Get(ctx, full)
	if err != nil {
		return nil, Info{}, err
	}
	if info, err = p.strip(info); err != nil {
		rc.Close()
		return nil, Info{}, err
	}
	return rc, info, nil
}

func (p *prefixed) GetRange(ctx context.Context, key string, offset, length int64) (io.ReadCloser, error) {
	full, err := p.full("get range", key)
	if err != nil {
		return nil, err
	}
	return p.b.GetRange(ctx, full, offset, length)
}

func (p *prefixed) Stat(ctx context.Context, key string) (Info, error) {
	full, err := p.full("stat", key)
	if err != nil {
		return Info{}, err
	}
	info, err := p.b.Stat(ctx, full)
	if err != nil {
		return Info{}, err
	}
	return p.strip(info)
}

func (p *prefixed) Delete(ctx context.Context, key string) error {
	full, err := p.full("delete", key)
	if err != nil {
		return err
	}
	return p.b.Delete(ctx, full)
}

func (p *prefixed) List(ctx context.Context, prefix string, fn func(Info) error) error {
	if p.err != nil {
		return fmt.Errorf("list %q: %w", prefix, p.err)
	}
	// No validation needed: a string prefix only filters keys the driver
	// already holds under p.prefix, and those are all valid keys, so
	// "../" simply matches nothing.
	return p.b.List(ctx, p.prefix+prefix, func(info Info) error {
		info, err := p.strip(info)
		if err != nil {
			return err
		}
		return fn(info)
	})
}

// prefixedPresigner exists so that the view is a Presigner exactly when the
// underlying bucket is: callers detect the capability by type assertion.
type prefixedPresigner struct {
	*prefixed
	ps Presigner
}

func (p *prefixedPresigner) PresignGet(ctx context.Context, key string, ttl time.Duration, filename string) (string, error) {
	full, err := p.full("presign get", key)
	if err != nil {
		return "", err
	}
	return p.ps.PresignGet(ctx, full, ttl, filename)
}

// Prefetch forwards blob.Prefetcher under the prefix (nothing when the bucket underneath
// does not prefetch).
func (p *prefixed) Prefetch(ctx context.Context, key string) {
	if pf, ok := p.b.(Prefetcher); ok {
		if full, err := p.full("prefetch", key); err == nil {
			pf.Prefetch(ctx, full)
		}
	}
}

// ReservedHeader forwards blob.Adopter (0 when the bucket underneath cannot adopt files).
func (p *prefixed) ReservedHeader() int64 {
	if a, ok := p.b.(Adopter); ok {
		return a.ReservedHeader()
	}
	return 0
}

// Adopt forwards blob.Adopter under the prefix.
func (p *prefixed) Adopt(ctx context.Context, key, path, contentType string) (Info, error) {
	a, ok := p.b.(Adopter)
	if !ok {
		return Info{}, ErrOtherFilesystem
	}
	full, err := p.full("adopt", key)
	if err != nil {
		return Info{}, err
	}
	info, err := a.Adopt(ctx, full, path, contentType)
	if err != nil {
		return Info{}, err
	}
	return p.strip(info)
}
