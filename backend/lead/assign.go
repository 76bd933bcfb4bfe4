package lead

import "time"

// AssignTo gives l to a staff member (assign or transfer): the owner and the stage owner
// that the member's department works (intake, booking or store; booking when unknown)
// change, a lead waiting for a booker moves to "to call", and it leaves the pool. Earlier
// stage owners keep their credit in the events already written. Pool timers are recomputed
// by the caller from the distribution policy on every owner change.
func AssignTo(l Lead, staffID, departmentID int64, departmentKind string, now time.Time) Lead {
	l.OwnerID, l.OwnerDepartmentID = staffID, departmentID
	switch departmentKind {
	case "intake":
		l.IntakeOwnerID = staffID
	case "store":
		l.StoreOwnerID = staffID
	default:
		l.BookingOwnerID = staffID
		if l.Booking == BookingUnassigned {
			l.Booking = BookingToCall
		}
	}
	l.InPool = false
	at := now
	l.AssignedAt = &at
	return l
}

// Booked reports whether a lead is past the point where pool recycling applies: booked or
// visited, or in the store's hands.
func Booked(l Lead) bool {
	return l.Booking == BookingBooked || l.Booking == BookingVisited || l.Store != StoreAwaiting
}
