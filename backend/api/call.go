package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/studiodesk/studiodesk/backend/account"
	"github.com/studiodesk/studiodesk/backend/auth"
	"github.com/studiodesk/studiodesk/backend/store"
)

// call is one API request as handlers see it.
type call struct {
	ctx     context.Context
	r       *http.Request
	w       http.ResponseWriter
	s       *Server
	now     time.Time
	status  int // success status; 200 unless a handler sets 201
	session store.Session
	staff   account.Staff
	actor   account.Actor
	tenant  account.Tenant
}

// handlerFunc returns the value to send as JSON (nil sends 204) or an error.
type handlerFunc func(c *call) (any, error)

func (s *Server) serve(h handlerFunc, authenticate bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := &call{ctx: r.Context(), r: r, w: w, s: s, now: s.cfg.Now().UTC(), status: http.StatusOK}
		if authenticate {
			if err := c.authenticate(); err != nil {
				writeError(w, r, s.log, err)
				return
			}
		}
		v, err := h(c)
		switch {
		case err != nil:
			writeError(w, r, s.log, err)
		case v == nil:
			w.WriteHeader(http.StatusNoContent)
		default:
			writeJSON(w, c.status, v)
		}
	})
}

func (s *Server) public(h handlerFunc) http.Handler { return s.serve(h, false) }
func (s *Server) authed(h handlerFunc) http.Handler { return s.serve(h, true) }

var (
	errUnauthenticated = apiErr(http.StatusUnauthorized, "unauthenticated", "", nil)
	errSessionExpired  = apiErr(http.StatusUnauthorized, "session_expired", "", nil)
)

// authenticate resolves the bearer token to a live session, its staff member and grant.
func (c *call) authenticate() error {
	h := c.r.Header.Get("Authorization")
	token, ok := strings.CutPrefix(h, "Bearer ")
	if !ok || token == "" || len(token) > 128 {
		return errUnauthenticated
	}
	hash := auth.HashToken(token)
	sess, err := c.s.cfg.Store.SessionByHash(c.ctx, hash)
	if errors.Is(err, store.ErrNotFound) {
		return errUnauthenticated
	}
	if err != nil {
		return err
	}
	if !c.now.Before(sess.ExpiresAt) {
		_ = c.s.cfg.Store.DeleteSession(c.ctx, hash)
		return errSessionExpired
	}
	c.session = sess
	if p, ok := c.s.principals.get(sess, c.now); ok {
		c.tenant, c.staff, c.actor = p.tenant, p.staff, p.actor
	} else {
		err = c.s.cfg.Store.View(c.ctx, sess.TenantID, func(tx store.Tx) error {
			var err error
			if c.tenant, err = tx.Tenant(c.ctx); err != nil {
				return err
			}
			if c.staff, err = tx.GetStaff(c.ctx, sess.StaffID); err != nil {
				return err
			}
			c.actor, err = actorOf(c.ctx, tx, c.staff)
			return err
		})
		if err == nil { // built after the generation was read: never older than it
			c.s.principals.put(sess, principal{gen: sess.AuthzGen, built: c.now, tenant: c.tenant, staff: c.staff, actor: c.actor})
		}
	}
	if errors.Is(err, store.ErrNotFound) || (err == nil && c.staff.Disabled) {
		return errUnauthenticated
	}
	if err != nil {
		return err
	}
	// Sliding expiry, written at most once a minute to keep reads cheap.
	if c.now.Sub(sess.LastSeen) > time.Minute {
		if err := c.s.cfg.Store.TouchSession(c.ctx, hash, c.now, c.now.Add(c.s.cfg.SessionIdle)); err != nil {
			c.s.log.WarnContext(c.ctx, "touch session", "err", err)
		}
	}
	return nil
}

// actorOf builds what a staff member may do from their roles and placement.
func actorOf(ctx context.Context, tx store.Tx, st account.Staff) (account.Actor, error) {
	roles := make([]account.Role, 0, len(st.RoleIDs))
	for _, id := range st.RoleIDs {
		r, err := tx.GetRole(ctx, id)
		if err != nil {
			return account.Actor{}, fmt.Errorf("role %d of staff %d: %w", id, st.ID, err)
		}
		roles = append(roles, r)
	}
	a := account.Actor{StaffID: st.ID, BranchID: st.BranchID, DepartmentID: st.DepartmentID, Grant: account.Merge(roles)}
	if len(st.ChannelGroupIDs) > 0 {
		channels, err := tx.ListChannels(ctx)
		if err != nil {
			return a, err
		}
		a.ChannelIDs = []int64{}
		for _, ch := range channels {
			if ch.GroupID != 0 && slices.Contains(st.ChannelGroupIDs, ch.GroupID) {
				a.ChannelIDs = append(a.ChannelIDs, ch.ID)
			}
		}
	}
	if st.BranchID != 0 {
		br, err := tx.GetBranch(ctx, st.BranchID)
		if err != nil {
			return a, fmt.Errorf("branch of staff %d: %w", st.ID, err)
		}
		a.BrandID = br.BrandID
	}
	return a, nil
}

// decode reads the JSON body into v with the size and type limits.
func (c *call) decode(v any) error {
	ct := c.r.Header.Get("Content-Type")
	if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != "application/json" {
		return apiErr(http.StatusUnsupportedMediaType, "unsupported_media_type", "body", nil)
	}
	body := http.MaxBytesReader(c.w, c.r.Body, c.s.cfg.MaxBody)
	dec := json.NewDecoder(body)
	if err := dec.Decode(v); err != nil {
		var tooBig *http.MaxBytesError
		var typeErr *json.UnmarshalTypeError
		switch {
		case errors.As(err, &tooBig):
			return apiErr(http.StatusRequestEntityTooLarge, "body_too_large", "body", map[string]any{"max": fmt.Sprintf("%d KiB", c.s.cfg.MaxBody>>10)})
		case errors.As(err, &typeErr):
			return apiErr(http.StatusBadRequest, "invalid_value", typeErr.Field, map[string]any{"allowed": typeErr.Type.String()})
		}
		return apiErr(http.StatusBadRequest, "invalid_json", "body", map[string]any{"detail": err.Error()})
	}
	if dec.More() {
		return apiErr(http.StatusBadRequest, "invalid_json", "body", map[string]any{"detail": "trailing data after the JSON value"})
	}
	return nil
}

// pathID reads an integer path parameter; a malformed id is simply not found.
func (c *call) pathID(name string) (int64, error) {
	v := c.r.PathValue(name)
	if v == "" {
		return 0, nil
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return 0, apiErr(http.StatusNotFound, "not_found", "", nil)
	}
	return id, nil
}

// require fails with 403 when the caller lacks p.
func (c *call) require(p account.Permission) error {
	if c.actor.Can(p) {
		return nil
	}
	return apiErr(http.StatusForbidden, "forbidden", "", map[string]any{"permission": string(p)})
}

// clientIP is the caller's address for rate limits and the audit log.
func (c *call) clientIP() string {
	if c.r == nil { // background work
		return ""
	}
	if c.s.cfg.TrustProxy {
		if f := c.r.Header.Get("X-Forwarded-For"); f != "" {
			return strings.TrimSpace(strings.Split(f, ",")[0])
		}
	}
	host, _, err := net.SplitHostPort(c.r.RemoteAddr)
	if err != nil {
		return c.r.RemoteAddr
	}
	return host
}

// write runs fn in a read-write transaction of the caller's studio.
func (c *call) write(fn func(tx store.Tx) error) error {
	return c.s.cfg.Store.Update(c.ctx, c.tenant.ID, fn)
}

// count runs fn in a counting transaction of the caller's studio (views, downloads): it
// does not wait behind the studio's other writes (store.Store.Count).
func (c *call) count(fn func(tx store.Tx) error) error {
	return c.s.cfg.Store.Count(c.ctx, c.tenant.ID, fn)
}

// view runs fn in a read-only transaction of the caller's studio.
func (c *call) view(fn func(tx store.Tx) error) error {
	return c.s.cfg.Store.View(c.ctx, c.tenant.ID, fn)
}

// audit appends an entry for the caller's change inside tx.
func (c *call) audit(tx store.Tx, action, entity string, id any, before, after any) error {
	return tx.AppendAudit(c.ctx, store.AuditEntry{
		ActorID: c.staff.ID, ActorName: c.staff.Name, Action: action, Entity: entity, EntityID: fmt.Sprint(id),
		Before: rawJSON(before), After: rawJSON(after), DeviceID: c.session.DeviceID, IP: c.clientIP(), CreatedAt: c.now,
	})
}

// denied records a refused attempt in its own transaction (the refused change itself never
// happens) and returns the error to send.
func (c *call) denied(err *Error, action, entity string, id any) error {
	aerr := c.write(func(tx store.Tx) error { return c.auditDenial(tx, err, action, entity, id) })
	if aerr != nil {
		c.s.log.ErrorContext(c.ctx, "audit denial", "err", aerr)
	}
	return err
}

// auditDenial records a refused attempt in tx.
func (c *call) auditDenial(tx store.Tx, err *Error, action, entity string, id any) error {
	return c.audit(tx, action+".denied", entity, id, nil, map[string]any{"code": err.Code, "params": err.Params})
}

func rawJSON(v any) json.RawMessage {
	if v == nil {
		return nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	return b
}
