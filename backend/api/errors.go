package api

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/studiodesk/studiodesk/backend/store"
)

// Error is an API error: an HTTP status, a stable code, the offending field and parameters
// for the localized message.
type Error struct {
	Status int
	Code   string
	Field  string
	Params map[string]any
	cause  error
}

func (e *Error) Error() string {
	if e.cause != nil {
		return e.Code + ": " + e.cause.Error()
	}
	return e.Code
}

func (e *Error) Unwrap() error { return e.cause }

func apiErr(status int, code, field string, params map[string]any) *Error {
	return &Error{Status: status, Code: code, Field: field, Params: params}
}

// fieldError is what domain validation errors offer (account.FieldError and its kin), matched
// structurally so domain packages need not import the API.
type fieldError interface {
	error
	Field() string
	Code() string
	Params() map[string]any
}

// errorBody is the JSON every failed request returns.
type errorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail is the error object of every failed request and rejected mutation.
type ErrorDetail struct {
	Code    string         `json:"code"`
	Field   string         `json:"field,omitempty"`
	Message string         `json:"message"`
	Params  map[string]any `json:"params,omitempty"`
}

// toAPIError classifies any error a handler returned.
func toAPIError(err error) *Error {
	var ae *Error
	var fe fieldError
	switch {
	case errors.As(err, &ae):
		return ae
	case errors.As(err, &fe):
		return &Error{Status: http.StatusBadRequest, Code: fe.Code(), Field: fe.Field(), Params: fe.Params(), cause: err}
	case errors.Is(err, store.ErrNotFound):
		return &Error{Status: http.StatusNotFound, Code: "not_found", cause: err}
	case errors.Is(err, store.ErrConflict):
		return &Error{Status: http.StatusConflict, Code: "conflict", cause: err}
	}
	return &Error{Status: http.StatusInternalServerError, Code: "internal", cause: err}
}

// writeError sends err localized; internal errors are logged with the request id and never
// shown in detail to the caller.
func writeError(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	ae := toAPIError(err)
	params := ae.Params
	if ae.Status >= 500 {
		id := requestID(r)
		log.ErrorContext(r.Context(), "request failed", "request_id", id, "method", r.Method, "path", r.URL.Path, "err", err)
		params = map[string]any{"request_id": id}
	}
	l := langFrom(r.Header.Get("Accept-Language"))
	body := errorBody{Error: ErrorDetail{Code: ae.Code, Field: ae.Field, Params: params,
		Message: Localize(ae.Code, ae.Field, params, l)}}
	if ae.Code == "rate_limited" {
		if s, ok := params["retry_after_seconds"]; ok {
			w.Header().Set("Retry-After", jsonNumber(s))
		}
	}
	writeJSON(w, ae.Status, body)
}

func jsonNumber(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if e, ok := v.(encodedJSON); ok {
		b, err := e.encodedJSON()
		if err != nil {
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(b)+1))
		w.WriteHeader(status)
		_, _ = w.Write(append(b, '\n'))
		return
	}
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v) // the client went away if this fails; nothing to do
}

// encodedJSON is a response that writes its own JSON: hot paths that splice JSON the
// database already holds (pulls). writeJSON sends the bytes as they are.
type encodedJSON interface{ encodedJSON() ([]byte, error) }
