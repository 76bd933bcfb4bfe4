package apiclient

import (
	"context"
	"net/http"

	"github.com/studiodesk/studiodesk/backend/api"
)

// Health checks liveness (GET /healthz).
func (c *Client) Health(ctx context.Context) error {
	return c.do(ctx, http.MethodGet, "/healthz", nil, nil, nil)
}

// Ready checks that the server reaches its database (GET /readyz).
func (c *Client) Ready(ctx context.Context) error {
	return c.do(ctx, http.MethodGet, "/readyz", nil, nil, nil)
}

// Login starts a session (POST /api/v1/auth/login); the answer carries the token.
func (c *Client) Login(ctx context.Context, req api.LoginRequest) (api.Session, error) {
	return send[api.Session](ctx, c, http.MethodPost, "/api/v1/auth/login", req)
}

// Logout ends this client's session (POST /api/v1/auth/logout).
func (c *Client) Logout(ctx context.Context) error {
	return c.do(ctx, http.MethodPost, "/api/v1/auth/logout", nil, nil, nil)
}

// Me returns the session of this client's token, without the token (GET /api/v1/me).
func (c *Client) Me(ctx context.Context) (api.Session, error) {
	return send[api.Session](ctx, c, http.MethodGet, "/api/v1/me", nil)
}

// ChangePassword changes the caller's password; other sessions end (POST /api/v1/me/password).
func (c *Client) ChangePassword(ctx context.Context, req api.PasswordChange) error {
	return c.do(ctx, http.MethodPost, "/api/v1/me/password", nil, req, nil)
}

// Permissions returns the permission catalog and data scopes (GET /api/v1/permissions).
func (c *Client) Permissions(ctx context.Context) (api.PermissionCatalog, error) {
	return send[api.PermissionCatalog](ctx, c, http.MethodGet, "/api/v1/permissions", nil)
}

// SetupStatus returns the counts of the first-run checklist (GET /api/v1/setup/status).
func (c *Client) SetupStatus(ctx context.Context) (api.SetupStatus, error) {
	return send[api.SetupStatus](ctx, c, http.MethodGet, "/api/v1/setup/status", nil)
}
