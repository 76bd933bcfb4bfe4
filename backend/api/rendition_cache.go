package api

import (
	"container/list"
	"context"
	"fmt"
	"io"
	"sync"

	"github.com/studiodesk/studiodesk/backend/blob"
)

// renditionCache keeps recently served renditions in memory. Rendition keys name their
// content (the original's hash, the rendition and the watermark fingerprint), so an entry
// never goes stale; it is only reached after the link, grant and photo checks, so a revoked
// link or a deleted photo is refused before the cache is asked. Thumbnails of an album being
// browsed are read again and again: this saves two blob-store round trips per GET.
type renditionCache struct {
	mu       sync.Mutex
	max      int64 // bytes
	maxEntry int64
	size     int64
	order    *list.List // front = most recently used; values are *cached
	byKey    map[string]*list.Element
}

type cached struct {
	key  string
	data []byte
}

func newRenditionCache(max int64) *renditionCache {
	return &renditionCache{max: max, maxEntry: max / 16, order: list.New(), byKey: map[string]*list.Element{}}
}

// get returns the object at key of bucket (cacheKey names it across studios), from memory
// when it is there.
func (rc *renditionCache) get(ctx context.Context, b blob.Bucket, cacheKey, key string) ([]byte, error) {
	if rc != nil {
		rc.mu.Lock()
		if el, ok := rc.byKey[cacheKey]; ok {
			rc.order.MoveToFront(el)
			data := el.Value.(*cached).data
			rc.mu.Unlock()
			return data, nil
		}
		rc.mu.Unlock()
	}
	r, info, err := b.Get(ctx, key)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	data := make([]byte, info.Size)
	if _, err := io.ReadFull(r, data); err != nil {
		return nil, fmt.Errorf("read %s: %w", key, err)
	}
	if rc != nil && info.Size <= rc.maxEntry {
		rc.mu.Lock()
		if _, ok := rc.byKey[cacheKey]; !ok {
			rc.byKey[cacheKey] = rc.order.PushFront(&cached{cacheKey, data})
			rc.size += info.Size
			for rc.size > rc.max {
				old := rc.order.Remove(rc.order.Back()).(*cached)
				delete(rc.byKey, old.key)
				rc.size -= int64(len(old.data))
			}
		}
		rc.mu.Unlock()
	}
	return data, nil
}
