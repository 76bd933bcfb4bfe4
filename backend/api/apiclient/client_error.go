package apiclient

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
)

// CodeUnexpectedResponse is the code of an *Error the client makes itself when the server's
// answer is not StudioDesk's (an HTML error page of a proxy, a wrong port, a truncated body).
const CodeUnexpectedResponse = "unexpected_response"

// Error is a failed request the server answered: the HTTP status and the server's error
// object {code, field, message, params} (docs/api.md, "Errors"). Message is already localized
// in the client's language. Branch on Code, never on Message.
type Error struct {
	Status  int            `json:"-"`
	Code    string         `json:"code"`
	Field   string         `json:"field,omitempty"`
	Message string         `json:"message"`
	Params  map[string]any `json:"params,omitempty"`
}

var _ error = (*Error)(nil)

func (e *Error) Error() string {
	s := fmt.Sprintf("server answered %d %s", e.Status, e.Code)
	if e.Field != "" {
		s += " (field " + e.Field + ")"
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s
}

// CodeOf returns the code of the *Error in err's chain, or "" when there is none.
func CodeOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// decodeError reads the server's error envelope; anything else becomes CodeUnexpectedResponse.
func decodeError(res *http.Response, raw []byte) error {
	var env struct {
		Error *Error `json:"error"`
	}
	if err := json.Unmarshal(raw, &env); err != nil || env.Error == nil || env.Error.Code == "" {
		return unexpected(res, "")
	}
	env.Error.Status = res.StatusCode
	return env.Error
}

func unexpected(res *http.Response, detail string) *Error {
	msg := res.Status
	if detail != "" {
		msg += ": " + detail
	}
	return &Error{Status: res.StatusCode, Code: CodeUnexpectedResponse, Message: msg,
		Params: map[string]any{"status": res.StatusCode, "content_type": res.Header.Get("Content-Type")}}
}
