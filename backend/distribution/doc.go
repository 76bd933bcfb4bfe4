// Package distribution decides who gets a lead (分配): who may be offered one and why not,
// round-robin / weighted / least-loaded choice inside a group, routing rules that pick the
// group, the returning-customer shortcut, and the claim pool (公海) timers.
//
// It is pure: callers load plain values (candidates, the group's persisted State, the
// policy, the current time), call these functions inside their transaction, and persist what
// comes back. Nothing here reads a clock, a database or a global, so the server
// (authoritative) and the desktop (optimistic, offline) reach the same decision from the same
// inputs, and every decision can be replayed for an audit.
package distribution
