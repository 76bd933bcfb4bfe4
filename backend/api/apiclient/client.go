// Package apiclient is a typed Go client of the StudioDesk server's JSON API (docs/api.md).
// It reuses the server's request and response types, so the two cannot disagree on a shape.
// The desktop app (package app) is its main user; tests and tools use it too.
package apiclient

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// ErrUnreachable marks a request that never got an HTTP answer: connection refused, DNS
// failure, timeout, TLS failure. Callers check it with errors.Is.
var ErrUnreachable = errors.New("server unreachable")

// ErrBaseURL is returned by New for an address that is not an http(s) URL with a host.
var ErrBaseURL = errors.New("invalid server address")

// Config configures a Client. A Client is immutable; build another one to change the token
// or the language (cheap: the HTTP client and its connections are shared).
type Config struct {
	// BaseURL is the server's address, e.g. "http://192.168.1.10:8640" (a path prefix is kept,
	// for servers behind a reverse proxy under a sub-path).
	BaseURL string
	// Token is the session token from Login; empty for public endpoints.
	Token string
	// Language is sent as Accept-Language and picks the language of error messages
	// ("zh-CN" default, "en").
	Language string
	// HTTPClient sends the requests; default http.DefaultClient. Deadlines come from ctx.
	HTTPClient *http.Client
	// UserAgent names the caller in the server's logs; default "StudioDesk-apiclient".
	UserAgent string
}

// Client calls one StudioDesk server as one user (or anonymously).
type Client struct {
	base  string // scheme://host[/prefix], no trailing slash
	token string
	lang  string
	ua    string
	hc    *http.Client
}

// maxResponse bounds what the client reads of a response body.
const maxResponse = 32 << 20

// New checks the base URL and returns a client.
func New(cfg Config) (*Client, error) {
	base, err := ParseBaseURL(cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	c := &Client{base: base, token: cfg.Token, lang: cfg.Language, ua: cfg.UserAgent, hc: cfg.HTTPClient}
	if c.lang == "" {
		c.lang = "zh-CN"
	}
	if c.ua == "" {
		c.ua = "StudioDesk-apiclient"
	}
	if c.hc == nil {
		c.hc = http.DefaultClient
	}
	return c, nil
}

// ParseBaseURL normalizes a server address the way users type it: surrounding space and a
// trailing slash are dropped and a missing scheme means http. It fails with ErrBaseURL unless
// the result is an http(s) URL with a host and without query or fragment.
func ParseBaseURL(raw string) (string, error) {
	s := strings.TrimSpace(raw)
	if s != "" && !strings.Contains(s, "://") {
		s = "http://" + s
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Hostname() == "" ||
		u.User != nil || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" {
		return "", fmt.Errorf("%w: %q (want e.g. http://192.168.1.10:8640)", ErrBaseURL, raw)
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return u.String(), nil
}

// BaseURL returns the normalized server address.
func (c *Client) BaseURL() string { return c.base }

// do sends one request. path is already escaped; in (when not nil) is sent as JSON; a 2xx
// answer is decoded into out (when not nil). Failures are *Error (the server answered) or
// wrap ErrUnreachable (it did not).
func (c *Client) do(ctx context.Context, method, path string, query url.Values, in, out any) error {
	var body io.Reader
	ctype := ""
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return fmt.Errorf("%s %s: encode request: %w", method, path, err)
		}
		body, ctype = bytes.NewReader(b), "application/json"
	}
	res, raw, err := c.exchange(ctx, method, path, query, body, ctype)
	if err != nil {
		return err
	}
	if out == nil || res.StatusCode == http.StatusNoContent {
		return nil
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return unexpected(res, fmt.Sprintf("decode %s %s: %v", method, path, err))
	}
	return nil
}

// exchange sends one request with a body of the given type and reads a 2xx answer whole
// (a non-2xx one becomes *Error).
func (c *Client) exchange(ctx context.Context, method, path string, query url.Values, body io.Reader, ctype string) (*http.Response, []byte, error) {
	target := c.base + path
	if len(query) > 0 {
		target += "?" + query.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, method, target, body)
	if err != nil {
		return nil, nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Accept-Language", c.lang)
	req.Header.Set("User-Agent", c.ua)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	res, err := c.hc.Do(req)
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return nil, nil, fmt.Errorf("%s %s: %w", method, path, err)
		}
		// The *url.Error names the URL, never the Authorization header.
		return nil, nil, fmt.Errorf("%w: %s %s: %w", ErrUnreachable, method, path, err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(res.Body, maxResponse))
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %s %s: read response: %w", ErrUnreachable, method, path, err)
	}
	if res.StatusCode < 200 || res.StatusCode > 299 {
		return nil, nil, decodeError(res, raw)
	}
	return res, raw, nil
}

// send is do for endpoints that answer with one value.
func send[T any](ctx context.Context, c *Client, method, path string, in any) (T, error) {
	var out T
	err := c.do(ctx, method, path, nil, in, &out)
	return out, err
}

// list is do for endpoints that answer with an array; an empty answer is an empty slice, so
// callers (and the UI they feed) never see null.
func list[T any](ctx context.Context, c *Client, path string, query url.Values) ([]T, error) {
	out := []T{}
	if err := c.do(ctx, http.MethodGet, path, query, nil, &out); err != nil {
		return nil, err
	}
	if out == nil {
		out = []T{}
	}
	return out, nil
}

// idPath is base + "/" + id, with the id escaped as a path segment.
func idPath(base string, id any, rest ...string) string {
	p := base + "/" + url.PathEscape(fmt.Sprint(id))
	for _, r := range rest {
		p += "/" + r
	}
	return p
}
