package fsblob

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"

	"github.com/studiodesk/studiodesk/backend/blob"
)

// List walks objects/ depth first, visiting each directory's entries in key
// order rather than file name order: names are encoded, and a directory's
// keys sort as its name plus "/" ("a/b-c" comes before "a/b/c", though the
// directory b precedes the file b-c.blob on disk). Directories that cannot
// hold a key with the prefix are not entered.
func (b *Bucket) List(ctx context.Context, prefix string, fn func(blob.Info) error) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("list %q: %w", prefix, err)
	}
	err := b.walk(ctx, objectsDir, "", prefix, fn)
	var fe fnError
	if errors.As(err, &fe) {
		return fe.err // fn's own error goes back unwrapped, as documented
	}
	if err != nil {
		return fmt.Errorf("list %q: %w", prefix, err)
	}
	return nil
}

// fnError carries an error returned by List's fn through the recursion, so
// it is not mistaken for (and wrapped like) a walk error.
type fnError struct{ err error }

func (e fnError) Error() string { return e.err.Error() }

type entry struct {
	sortKey string // key, or key + "/" for a directory
	key     string
	name    string
	dir     bool
}

// walk lists directory dir (relative to the root), whose keys start with
// keyDir ("" or ending in "/").
func (b *Bucket) walk(ctx context.Context, dir, keyDir, prefix string, fn func(blob.Info) error) error {
	d, err := b.root.Open(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil // pruned by a concurrent Delete
	}
	if err != nil {
		return err
	}
	des, err := d.ReadDir(-1)
	d.Close()
	if err != nil {
		return err
	}

	entries := make([]entry, 0, len(des))
	for _, de := range des {
		e := entry{name: de.Name(), dir: de.IsDir()}
		switch {
		case e.dir:
			seg, ok := decodeSegment(e.name)
			if !ok {
				continue
			}
			e.key = keyDir + seg
			e.sortKey = e.key + "/"
			if !strings.HasPrefix(e.sortKey, prefix) && !strings.HasPrefix(prefix, e.sortKey) {
				continue
			}
		case de.Type().IsRegular():
			base, ok := strings.CutSuffix(e.name, objectSuffix)
			if !ok {
				continue
			}
			seg, ok := decodeSegment(base)
			if !ok {
				continue
			}
			e.key = keyDir + seg
			e.sortKey = e.key
			if !strings.HasPrefix(e.key, prefix) {
				continue
			}
		default:
			continue // symlinks and the like: never ours
		}
		// Names we never produce (a stray README, .DS_Store) are skipped
		// above; this also drops decoded "." and ".." segments.
		if blob.ValidateKey(e.key) != nil {
			continue
		}
		entries = append(entries, e)
	}
	slices.SortFunc(entries, func(a, b entry) int { return strings.Compare(a.sortKey, b.sortKey) })

	for _, e := range entries {
		if err := ctx.Err(); err != nil {
			return err
		}
		p := filepath.Join(dir, e.name)
		if e.dir {
			if err := b.walk(ctx, p, e.key+"/", prefix, fn); err != nil {
				return err
			}
			continue
		}
		fi, err := b.root.Lstat(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue // deleted since ReadDir
		}
		if err != nil {
			return err
		}
		if fi.Size() < headerSize {
			return fmt.Errorf("%q: %w: shorter than its header", e.key, errCorrupt)
		}
		info := blob.Info{Key: e.key, Size: fi.Size() - headerSize, ModTime: fi.ModTime()}
		if err := fn(info); err != nil {
			return fnError{err}
		}
	}
	return nil
}
