package api

import (
	"sync"
	"time"

	"github.com/studiodesk/studiodesk/backend/account"
	"github.com/studiodesk/studiodesk/backend/album"
)

// linkCache remembers, for Config.LinkCacheTTL, what a thumbnail or preview GET looked up:
// the share link with its album and studio, and the photo. A customer scrolling an album
// sends dozens of these per second; without the cache each costs three database reads.
// The link's state (revoked, expired, retention ended) is still judged on every request
// from the remembered rows and the current time. Revoking a link or changing an album in
// this process empties the cache at once; another replica may serve thumbs and previews
// of a link revoked there for at most the TTL. Info, photo list, downloads and zips never
// use it. Off unless LinkCacheTTL > 0 (the server command sets 1 s).
type linkCache struct {
	ttl    time.Duration
	mu     sync.Mutex
	links  map[string]*cachedLink // by token (in this process's memory only, for the TTL: no hash per GET)
	photos map[[2]int64]cachedPhoto
}

type cachedLink struct {
	link   album.ShareLink
	album  album.Album
	tenant account.Tenant
	until  time.Time
}

type cachedPhoto struct {
	photo album.Photo
	until time.Time
}

// linkCacheMax bounds each map; past it the map starts over (entries live a second anyway).
const linkCacheMax = 50_000

func newLinkCache(ttl time.Duration) *linkCache {
	return &linkCache{ttl: ttl, links: map[string]*cachedLink{}, photos: map[[2]int64]cachedPhoto{}}
}

func (lc *linkCache) link(token string, now time.Time) (*cachedLink, bool) {
	if lc == nil {
		return nil, false
	}
	lc.mu.Lock()
	e, ok := lc.links[token]
	lc.mu.Unlock()
	return e, ok && now.Before(e.until)
}

func (lc *linkCache) putLink(token string, e *cachedLink, now time.Time) {
	if lc == nil {
		return
	}
	e.until = now.Add(lc.ttl)
	lc.mu.Lock()
	defer lc.mu.Unlock()
	if len(lc.links) >= linkCacheMax {
		clear(lc.links)
	}
	lc.links[token] = e
}

func (lc *linkCache) photo(tenantID, id int64, now time.Time) (album.Photo, bool) {
	if lc == nil {
		return album.Photo{}, false
	}
	lc.mu.Lock()
	e, ok := lc.photos[[2]int64{tenantID, id}]
	lc.mu.Unlock()
	return e.photo, ok && now.Before(e.until)
}

func (lc *linkCache) putPhoto(tenantID int64, p album.Photo, now time.Time) {
	if lc == nil {
		return
	}
	lc.mu.Lock()
	defer lc.mu.Unlock()
	if len(lc.photos) >= linkCacheMax {
		clear(lc.photos)
	}
	lc.photos[[2]int64{tenantID, p.ID}] = cachedPhoto{p, now.Add(lc.ttl)}
}

// forget empties the cache (a link was revoked or an album changed here).
func (lc *linkCache) forget() {
	if lc == nil {
		return
	}
	lc.mu.Lock()
	defer lc.mu.Unlock()
	clear(lc.links)
	clear(lc.photos)
}
