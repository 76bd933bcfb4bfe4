package app

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/studiodesk/studiodesk/backend/api"
	"github.com/studiodesk/studiodesk/backend/api/apiclient"
)

// LoginRequest is what the login form sends. ServerURL may be typed loosely
// ("192.168.1.10:8640"); empty means the current address.
type LoginRequest struct {
	ServerURL string `json:"server_url"`
	Phone     string `json:"phone"`
	Password  string `json:"password"`
	TenantID  int64  `json:"tenant_id,omitempty"`
	BranchID  int64  `json:"branch_id,omitempty"`
}

// Login logs in to the server at req.ServerURL from this computer and remembers the address
// and the session token (never the password). The session returned does not carry the token:
// the UI never needs it. Emits EventSessionChanged.
func (a *App) Login(req LoginRequest) (api.Session, error) {
	s := a.snapshot()
	typed := strings.TrimSpace(req.ServerURL)
	if typed == "" {
		typed = s.ServerURL
	}
	server, err := apiclient.ParseBaseURL(typed)
	if err != nil {
		return api.Session{}, newError(s.Language, http.StatusBadRequest, CodeServerURLInvalid, "server_url",
			map[string]any{"server_url": typed})
	}
	c, err := a.client(server, "", s.Language)
	if err != nil {
		return api.Session{}, a.toError(err, server, s.Language, "server_url")
	}
	ctx, cancel := context.WithTimeout(a.ctx, a.cfg.Timeout)
	defer cancel()
	sess, err := c.Login(ctx, api.LoginRequest{Phone: req.Phone, Password: req.Password, TenantID: req.TenantID,
		BranchID: req.BranchID, DeviceID: a.device.ID, DeviceName: a.device.Name})
	if err != nil {
		return api.Session{}, a.toError(err, server, s.Language, "server_url")
	}
	token := sess.Token
	sess.Token = ""
	// A failed save still leaves this run logged in; the next start asks to log in again.
	_ = a.update(func(s *settings) { s.ServerURL, s.Token, s.Session = server, token, &sess })
	if err := a.openWorkspace(sess, server, token, s.Language); err != nil {
		a.log.Error("open the lead workspace", "err", err)
	}
	a.log.Info("logged in", "server", server, "tenant", sess.Tenant.ID, "staff", sess.Staff.ID)
	a.emit.Emit(EventSessionChanged, &sess)
	return sess, nil
}

// Logout ends the session on the server (when it can be reached) and forgets the token here
// either way: leaving never fails. Emits EventSessionChanged with nil.
func (a *App) Logout() error {
	s := a.snapshot()
	if s.Token == "" {
		return nil
	}
	if c, err := a.client(s.ServerURL, s.Token, s.Language); err == nil {
		ctx, cancel := context.WithTimeout(a.ctx, 5*time.Second)
		if err := c.Logout(ctx); err != nil {
			a.log.Info("server logout failed; forgetting the session here", "err", err)
		}
		cancel()
	}
	a.forget(s.Token)
	return nil
}

// CurrentSession asks the server who the stored token logs in (GET /me). It returns nil
// when no one is logged in here or the server ended the session (which is then forgotten);
// server_unreachable when the server cannot be asked.
func (a *App) CurrentSession() (*api.Session, error) {
	if a.snapshot().Token == "" {
		return nil, nil
	}
	sess, err := call(a, func(ctx context.Context, c *apiclient.Client) (api.Session, error) { return c.Me(ctx) })
	st := a.snapshot()
	if err != nil {
		if e, ok := err.(*Error); ok && e.Status == http.StatusUnauthorized {
			return nil, nil // forgotten by call
		}
		// Offline: carry on with the last confirmed session and the local replica.
		if unreachable(err) && st.Session != nil {
			if oerr := a.openWorkspace(*st.Session, st.ServerURL, st.Token, st.Language); oerr != nil {
				a.log.Error("open the lead workspace offline", "err", oerr)
				return nil, err
			}
			return st.Session, nil
		}
		return nil, err
	}
	_ = a.update(func(s *settings) { s.Session = &sess })
	if err := a.openWorkspace(sess, st.ServerURL, st.Token, st.Language); err != nil {
		a.log.Error("open the lead workspace", "err", err)
	}
	return &sess, nil
}

// ChangePassword changes the logged-in user's password; their other sessions end.
func (a *App) ChangePassword(oldPassword, newPassword string) error {
	return exec(a, func(ctx context.Context, c *apiclient.Client) error {
		return c.ChangePassword(ctx, api.PasswordChange{OldPassword: oldPassword, NewPassword: newPassword})
	})
}

// Permissions returns the permission catalog and data scopes, for editing roles.
func (a *App) Permissions() (api.PermissionCatalog, error) {
	return call(a, func(ctx context.Context, c *apiclient.Client) (api.PermissionCatalog, error) {
		return c.Permissions(ctx)
	})
}

// SetupStatus returns the counts of the first-run checklist.
func (a *App) SetupStatus() (api.SetupStatus, error) {
	return call(a, func(ctx context.Context, c *apiclient.Client) (api.SetupStatus, error) {
		return c.SetupStatus(ctx)
	})
}
