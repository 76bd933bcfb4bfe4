package lead

import "strings"

// Error codes of the status rules. The HTTP layer maps each to a localized 400 through
// Field/Code/Params; the field and param names are part of the contract.
const (
	// CodeTransitionInvalid: the move is not in the axis' table. Params: axis, from, to and,
	// when the current state has any way out, allowed (the table's targets, comma-separated).
	CodeTransitionInvalid = "transition_invalid"
	// CodeReasonRequired: invalid, lost, corrections and refunds need a reason. Field "reason".
	CodeReasonRequired = "reason_required"
	// CodeBookingNeedsBranchTime: a booking names the store and the time. Field "branch_id" or
	// "booked_at", whichever is missing.
	CodeBookingNeedsBranchTime = "booking_needs_branch_time"
	// CodeAmountRequired: a deal or refund needs an amount above zero (fen). Field "amount".
	CodeAmountRequired = "amount_required"
	// CodeNoShowTooEarly: no-show before the booked time has passed. Param booked_at.
	CodeNoShowTooEarly = "no_show_too_early"
	// CodeLeadInvalid: an invalid lead cannot be booked or checked in; correct its validity first.
	CodeLeadInvalid = "lead_invalid"
	// CodeOwnerRequired: "to call" means someone holds the lead; assign it first.
	CodeOwnerRequired = "owner_required"
	// CodeFollowUpRequired: postponing needs the next follow-up time. Field "next_follow_up".
	CodeFollowUpRequired = "follow_up_required"
	// CodeFollowUpPast: the next follow-up must lie in the future. Field "next_follow_up".
	CodeFollowUpPast = "follow_up_past"
	// CodeCheckInRequired: "visited" is set by the store's check-in, not from the booking menu.
	CodeCheckInRequired = "check_in_required"
	// CodeNoChange: a correction to the state the lead is already in.
	CodeNoChange = "no_change"
	// CodeRefundNeedsDeal: only a deal can be refunded. Param store (the current store state).
	CodeRefundNeedsDeal = "refund_needs_deal"
	// CodeRefundExceedsDeal: a refund larger than what is left of the deal. Param max (fen).
	CodeRefundExceedsDeal = "refund_exceeds_deal"
	// CodeReopenNotAllowed: only invalid or lost leads are re-opened. Params validity, booking, store.
	CodeReopenNotAllowed = "reopen_not_allowed"
	// CodeWrongBrandType: a wedding field on a children's brand or the reverse. Param brand_type.
	CodeWrongBrandType = "fields_wrong_brand_type"
	// CodeUnknownField: a custom value whose key the brand does not define. Field "custom.<key>".
	CodeUnknownField = "unknown_field"
	// CodeDuplicateKey: two custom field definitions share a key. Field "key".
	CodeDuplicateKey = "duplicate_key"
)

// Error is a refused status change or record action. It offers Field/Code/Params like
// account.FieldError, so the API turns it into a localized 400 without importing this
// package; callers branch on Code(), never on the message.
type Error struct {
	FieldName string
	ErrCode   string
	Values    map[string]any
}

// Error reads "field: code", plus "(from -> to)" for a refused transition, for logs.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.FieldName)
	b.WriteString(": ")
	b.WriteString(e.ErrCode)
	if from, ok := e.Values["from"]; ok {
		b.WriteString(" (")
		b.WriteString(stringOf(from))
		b.WriteString(" -> ")
		b.WriteString(stringOf(e.Values["to"]))
		b.WriteString(")")
	}
	return b.String()
}

// Field names the offending input (e.g. "reason", "booking").
func (e *Error) Field() string { return e.FieldName }

// Code is the stable error code, one of the Code* constants or an account.Code* one.
func (e *Error) Code() string { return e.ErrCode }

// Params fill the localized message's placeholders.
func (e *Error) Params() map[string]any { return e.Values }

func errorf(field, code string, params map[string]any) *Error {
	return &Error{FieldName: field, ErrCode: code, Values: params}
}

func stringOf(v any) string {
	s, _ := v.(string)
	return s
}
