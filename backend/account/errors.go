package account

import "strings"

// Error codes of field validation; the API maps them to localized messages.
const (
	CodeRequired     = "required"
	CodeTooLong      = "too_long"
	CodeInvalidValue = "invalid_value"
	CodePhoneInvalid = "phone_invalid"
	CodePasswordWeak = "password_weak"
)

// FieldError is one invalid input. It satisfies the API's field-error interface
// (Field/Code/Params) without importing it.
type FieldError struct {
	FieldName string
	ErrCode   string
	Values    map[string]any
}

func (e *FieldError) Error() string          { return e.FieldName + ": " + e.ErrCode }
func (e *FieldError) Field() string          { return e.FieldName }
func (e *FieldError) Code() string           { return e.ErrCode }
func (e *FieldError) Params() map[string]any { return e.Values }

// FieldErrors collects the invalid inputs of one request; the first is reported, all are kept
// for forms that mark several fields.
type FieldErrors []*FieldError

func (e *FieldErrors) add(field, code string, params map[string]any) {
	*e = append(*e, &FieldError{FieldName: field, ErrCode: code, Values: params})
}

// Err returns nil when there were no errors, else the first error (which is what the API
// reports; the UI highlights that field).
func (e FieldErrors) Err() error {
	if len(e) == 0 {
		return nil
	}
	return e[0]
}

func (e FieldErrors) Error() string {
	parts := make([]string, len(e))
	for i, fe := range e {
		parts[i] = fe.Error()
	}
	return strings.Join(parts, "; ")
}
