package api

import (
	"container/list"
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/studiodesk/studiodesk/backend/blob"
)

// renditionCache keeps recently served renditions in memory, each with the response headers
// it is served with (built once: a cached thumb is answered with a few map assignments and
// one write). Rendition keys name their content (the original's hash, the rendition and the
// watermark fingerprint), so an entry never goes stale; it is only reached after the link,
// grant and photo checks, so a revoked link or a deleted photo is refused before the cache
// is asked. Thumbnails of an album being browsed are read again and again: this saves two
// blob-store round trips per GET.
type renditionCache struct {
	mu       sync.Mutex
	max      int64 // bytes
	maxEntry int64
	size     int64
	order    *list.List // front = most recently used; values are *rendition
	byID     map[renditionID]*list.Element
}

// renditionID names a rendition across studios (a struct key: no string is built per GET).
type renditionID struct {
	tenantID         int64
	hash, name, mark string
}

func (id renditionID) key() string { return renditionKey(id.hash, id.name, id.mark) }

// rendition is one rendition ready to serve.
type rendition struct {
	id      renditionID
	data    []byte
	modTime time.Time   // when the rendition was stored (Last-Modified)
	base    http.Header // sent with every answer: type, caching, ETag
	full    http.Header // base + length, ranges, Last-Modified: a plain 200 sends this
}

func newRendition(id renditionID, data []byte, modTime time.Time) *rendition {
	one := func(v string) []string { return []string{v} } // len == cap: an Add elsewhere copies
	r := &rendition{id: id, data: data, modTime: modTime, base: http.Header{
		"Cache-Control":          one("private, max-age=86400"),
		"Content-Type":           one("image/jpeg"),
		"X-Content-Type-Options": one("nosniff"),
		"Etag":                   one(`"` + id.name + "-" + id.hash[:16] + "-" + id.mark + `"`), // what the key names
	}}
	r.full = r.base.Clone()
	r.full["Accept-Ranges"] = one("bytes")
	r.full["Content-Length"] = one(strconv.Itoa(len(data)))
	r.full["Last-Modified"] = one(modTime.UTC().Format(http.TimeFormat))
	return r
}

func newRenditionCache(max int64) *renditionCache {
	return &renditionCache{max: max, maxEntry: max / 16, order: list.New(), byID: map[renditionID]*list.Element{}}
}

// get returns rendition id, from memory when it is there, else from bucket (the studio's).
func (rc *renditionCache) get(ctx context.Context, id renditionID, bucket func() blob.Bucket) (*rendition, error) {
	if rc != nil {
		rc.mu.Lock()
		if el, ok := rc.byID[id]; ok {
			rc.order.MoveToFront(el)
			r := el.Value.(*rendition)
			rc.mu.Unlock()
			return r, nil
		}
		rc.mu.Unlock()
	}
	key := id.key()
	rd, info, err := bucket().Get(ctx, key)
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	data := make([]byte, info.Size)
	if _, err := io.ReadFull(rd, data); err != nil {
		return nil, fmt.Errorf("read %s: %w", key, err)
	}
	r := newRendition(id, data, info.ModTime)
	if rc != nil && info.Size <= rc.maxEntry {
		rc.mu.Lock()
		if _, ok := rc.byID[id]; !ok {
			rc.byID[id] = rc.order.PushFront(r)
			rc.size += info.Size
			for rc.size > rc.max {
				old := rc.order.Remove(rc.order.Back()).(*rendition)
				delete(rc.byID, old.id)
				rc.size -= int64(len(old.data))
			}
		}
		rc.mu.Unlock()
	}
	return r, nil
}
