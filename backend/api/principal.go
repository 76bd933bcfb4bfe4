package api

import (
	"slices"
	"sync"
	"time"

	"github.com/studiodesk/studiodesk/backend/account"
	"github.com/studiodesk/studiodesk/backend/store"
)

// principal is what authenticate builds for a session from the database: the studio, the
// member and what they may do. Building it reads the studio, the member, each of their roles
// and (for channel-group staff) the channels: most of an authenticated request's reads.
type principal struct {
	gen    int64 // the studio's authorization generation it was built under
	built  time.Time
	tenant account.Tenant
	staff  account.Staff
	actor  account.Actor
}

// principals keeps the principal of recent sessions. An entry serves a request only while
// the session lookup (done on every request: logout and expiry act at once) returns the
// generation the entry was built under; the database changes that generation itself, by
// triggers, whenever the studio, its staff, their roles or channel groups, its roles or its
// channels change (migration 0015), so every replica sees a change on its next request.
// Entries also age out, a bound on anything a trigger might not cover.
type principals struct {
	mu sync.Mutex
	m  map[string]principal // by session token hash
}

const (
	principalMaxAge  = 30 * time.Second
	principalMaxKept = 10_000 // sessions; past it the map starts over
)

// get returns the principal built for sess under its current generation.
func (ps *principals) get(sess store.Session, now time.Time) (principal, bool) {
	ps.mu.Lock()
	p, ok := ps.m[string(sess.TokenHash)]
	ps.mu.Unlock()
	if !ok || p.gen != sess.AuthzGen || p.tenant.ID != sess.TenantID || p.staff.ID != sess.StaffID ||
		now.Sub(p.built) > principalMaxAge || now.Before(p.built) {
		return principal{}, false
	}
	return p.clone(), true
}

// put keeps p for sess.
func (ps *principals) put(sess store.Session, p principal) {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	if ps.m == nil || len(ps.m) >= principalMaxKept {
		ps.m = make(map[string]principal)
	}
	ps.m[string(sess.TokenHash)] = p.clone()
}

// clone copies the slices, so no request can change what another one reads.
func (p principal) clone() principal {
	p.staff.RoleIDs = slices.Clone(p.staff.RoleIDs)
	p.staff.ChannelGroupIDs = slices.Clone(p.staff.ChannelGroupIDs)
	p.actor.Grant.Permissions = slices.Clone(p.actor.Grant.Permissions)
	p.actor.ChannelIDs = slices.Clone(p.actor.ChannelIDs)
	return p
}
