package replica

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/studiodesk/studiodesk/backend/account"
	"github.com/studiodesk/studiodesk/backend/api"
	"github.com/studiodesk/studiodesk/backend/lead"
)

// Mutation names, as the server's push accepts them (docs/sync.md).
const (
	MutCreate     = "lead.create"     // args lead.Lead
	MutUpdate     = "lead.update"     // args api.UpdateLeadArgs
	MutTransition = "lead.transition" // args api.TransitionArgs
	MutCorrect    = "lead.correct"    // args api.TransitionArgs (reason required)
	MutCall       = "lead.call"       // args api.CallArgs
	MutRefund     = "lead.refund"     // args api.RefundArgs
	MutFollowUp   = "lead.follow_up"  // args api.FollowUpArgs
	MutCheckIn    = "checkin"         // args api.CheckInRequest (no lead; queued for the server)
)

// Outbox states.
const (
	StatePending  = "pending"  // waiting to be pushed or acknowledged
	StateRejected = "rejected" // the server refused it; the user fixes or discards it
)

// Mutation is a local change to enqueue: a push name and its arguments. Build one with
// CreateLead, UpdateLead, TransitionLead, CorrectLead, RecordCall or RefundLead.
type Mutation struct {
	Name string          `json:"name"`
	Args json.RawMessage `json:"args"`
}

func mutation(name string, args any) Mutation {
	b, _ := json.Marshal(args) // plain structs of the lead model: cannot fail
	return Mutation{Name: name, Args: b}
}

// CreateLead enters a new lead (lead.create).
func CreateLead(l lead.Lead) Mutation { return mutation(MutCreate, l) }

// UpdateLead edits the plain fields a patch names (lead.update).
func UpdateLead(id int64, p lead.Patch) Mutation {
	return mutation(MutUpdate, api.UpdateLeadArgs{ID: id, Patch: p})
}

// TransitionLead moves one status axis (lead.transition).
func TransitionLead(a api.TransitionArgs) Mutation { return mutation(MutTransition, a) }

// CorrectLead fixes a wrong status with a reason (lead.correct; lead.correct_status).
func CorrectLead(a api.TransitionArgs) Mutation { return mutation(MutCorrect, a) }

// RecordCall logs a call attempt (lead.call).
func RecordCall(a api.CallArgs) Mutation { return mutation(MutCall, a) }

// RefundLead reduces a deal (lead.refund).
func RefundLead(a api.RefundArgs) Mutation { return mutation(MutRefund, a) }

// AddFollowUp records a note, message or appointment (lead.follow_up).
func AddFollowUp(a api.FollowUpArgs) Mutation { return mutation(MutFollowUp, a) }

// CheckIn queues a check-in or check-out of the user (or, with checkin.others, someone
// else) for the server; it changes no lead.
func CheckIn(a api.CheckInRequest) Mutation { return mutation(MutCheckIn, a) }

// Reason is the server's answer to a rejected mutation: its error object, message localized.
type Reason struct {
	Code    string         `json:"code"`
	Field   string         `json:"field,omitempty"`
	Message string         `json:"message"`
	Params  map[string]any `json:"params,omitempty"`
}

// Entry is one outbox row.
type Entry struct {
	MutationID  string          `json:"mutation_id"`
	Name        string          `json:"name"`
	LeadID      int64           `json:"lead_id"`
	Args        json.RawMessage `json:"args"`
	BaseVersion int64           `json:"base_version,omitempty"`
	CreatedAt   time.Time       `json:"created_at"`
	State       string          `json:"state"`
	Error       *Reason         `json:"error,omitempty"`
	seq         int64
}

// Enqueued is what Enqueue did: the mutation's id and the lead as it now looks locally.
type Enqueued struct {
	MutationID string `json:"mutation_id"`
	Lead       Item   `json:"lead"`
	// Duplicate is set when the phone of a created lead matches a lead in the replica whose
	// brand records repeat inquiries (the server will add an inquiry to that lead), or whose
	// phone is masked here and matches in its visible digits (maybe the same customer).
	Duplicate *Duplicate `json:"duplicate,omitempty"`
}

// Duplicate describes an existing lead with the phone being entered, masked.
type Duplicate struct {
	Summary lead.Summary `json:"summary"`
	// Certain: the full phone matched; otherwise only its visible digits did.
	Certain bool `json:"certain"`
}

// DuplicateError refuses a local create whose phone a lead of the same brand already has
// (the brand's reject policy): nothing is stored. Code is "lead_duplicate", as the server's.
type DuplicateError struct {
	Duplicate
}

func (e *DuplicateError) Error() string {
	return fmt.Sprintf("phone: lead_duplicate (lead %d)", e.Summary.LeadID)
}

// Field names the offending input, like the server's errors.
func (e *DuplicateError) Field() string { return "phone" }

// Code is the server's code for the same refusal.
func (e *DuplicateError) Code() string { return "lead_duplicate" }

// Params are the server's params of lead_duplicate.
func (e *DuplicateError) Params() map[string]any {
	return map[string]any{"phone": e.Summary.Phone, "summary": e.Summary}
}

// ForbiddenError refuses a local change the user's role lacks the permission for.
type ForbiddenError struct{ Permission account.Permission }

func (e *ForbiddenError) Error() string { return "forbidden: " + string(e.Permission) }

// Field is empty: the refusal is about the user, not an input.
func (e *ForbiddenError) Field() string { return "" }

// Code is the server's code for the same refusal.
func (e *ForbiddenError) Code() string { return "forbidden" }

// Params name the missing permission, like the server's.
func (e *ForbiddenError) Params() map[string]any {
	return map[string]any{"permission": string(e.Permission)}
}

// ErrUnknownBrand refuses a change to a lead of a brand the replica has no settings for
// (reference data not synced yet).
var ErrUnknownBrand = errors.New("brand not in the replica yet: sync first")

// Enqueue applies m to the local lead with the lead rules and stores it in the outbox, in
// one transaction. A create gets a local negative id until the server answers. The base
// version (the server version the change was made on) is written into the args. Rule
// violations come back as the rules' errors (*lead.Error, *account.FieldError, with
// Field/Code/Params), a duplicate phone under the reject policy as *DuplicateError, a missing
// permission as *ForbiddenError; nothing is stored then.
func (r *Replica) Enqueue(ctx context.Context, m Mutation) (Enqueued, error) {
	var out Enqueued
	id, err := uuid.NewRandom()
	if err != nil {
		return out, fmt.Errorf("mutation id: %w", err)
	}
	out.MutationID = id.String()
	now := r.now().UTC()
	err = r.write(ctx, func(tx querier) error {
		e := Entry{MutationID: out.MutationID, Name: m.Name, Args: m.Args, CreatedAt: now, State: StatePending}
		var rw row
		switch m.Name {
		case MutCreate:
			if err := r.checkCreate(ctx, tx, m.Args, &out); err != nil {
				return err
			}
			lid, err := r.nextLocalID(ctx, tx)
			if err != nil {
				return err
			}
			e.LeadID, rw.id = lid, lid
		case MutCheckIn:
			var a api.CheckInRequest
			if err := json.Unmarshal(m.Args, &a); err != nil {
				return fmt.Errorf("decode checkin args: %w", err)
			}
			if a.StaffID != 0 && a.StaffID != r.sess.Staff.ID && !r.can(account.PermCheckinOthers) {
				return &ForbiddenError{Permission: account.PermCheckinOthers}
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO outbox (mutation_id, name, lead_id, args, base_version, created_at, state)
				VALUES (?, ?, 0, ?, 0, ?, 'pending')`, e.MutationID, e.Name, string(e.Args), now.UnixMilli()); err != nil {
				return fmt.Errorf("store mutation in the outbox: %w", err)
			}
			return nil
		case MutUpdate, MutTransition, MutCorrect, MutCall, MutRefund, MutFollowUp:
			if m.Name == MutCorrect && !r.can(account.PermLeadCorrectStatus) {
				return &ForbiddenError{Permission: account.PermLeadCorrectStatus}
			}
			lid, err := argsID(m.Args)
			if err != nil {
				return err
			}
			if lid, err = mapID(ctx, tx, lid); err != nil {
				return err
			}
			var found bool
			if rw, found, err = loadRow(ctx, tx, lid); err != nil {
				return err
			}
			if !found {
				return fmt.Errorf("lead %d: %w", lid, ErrNotFound)
			}
			e.LeadID = lid
			e.BaseVersion = rw.doc.Version
			if e.Args, err = setArgs(m.Args, map[string]any{"id": lid, "base_version": e.BaseVersion}, m.Name); err != nil {
				return err
			}
		default:
			return fmt.Errorf("%w: %q", errUnknownMutation, m.Name)
		}
		after, events, err := r.apply(ctx, tx, rw.doc, e)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO outbox (mutation_id, name, lead_id, args, base_version, created_at, state)
			VALUES (?, ?, ?, ?, ?, ?, 'pending')`, e.MutationID, e.Name, e.LeadID, string(e.Args), e.BaseVersion, now.UnixMilli()); err != nil {
			return fmt.Errorf("store mutation in the outbox: %w", err)
		}
		rw.doc = &after
		rw.pending++
		if err := putRow(ctx, tx, rw); err != nil {
			return err
		}
		if err := r.addLocalEvents(ctx, tx, e, events); err != nil {
			return err
		}
		out.Lead = Item{Lead: after, Pending: rw.pending}
		return nil
	})
	if err != nil {
		return Enqueued{}, err
	}
	return out, nil
}

var errUnknownMutation = errors.New("unknown mutation")

// checkCreate refuses a create the user may not make or whose phone the brand has.
func (r *Replica) checkCreate(ctx context.Context, tx querier, args json.RawMessage, out *Enqueued) error {
	var in lead.Lead
	if err := json.Unmarshal(args, &in); err != nil {
		return fmt.Errorf("decode lead.create args: %w", err)
	}
	if in.Source != lead.SourceReferral && !r.can(account.PermLeadCreate) {
		return &ForbiddenError{Permission: account.PermLeadCreate}
	}
	b, err := brandInfo(ctx, tx, in.BrandID)
	if err != nil {
		return err
	}
	norm, err := lead.Normalize(in, b.Type, b.Fields)
	if err != nil {
		return err
	}
	d, err := findDuplicate(ctx, tx, norm.BrandID, norm.Phone)
	if err != nil || d == nil {
		return err
	}
	if d.Certain && b.DuplicatePolicy != account.DupRepeat {
		return &DuplicateError{Duplicate: *d}
	}
	out.Duplicate = d
	return nil
}

// findDuplicate looks for a lead of the brand with this phone (full, or as masked here).
func findDuplicate(ctx context.Context, q querier, brandID int64, phone string) (*Duplicate, error) {
	if phone == "" {
		return nil, nil
	}
	masked := account.MaskPhone(phone)
	var id int64
	var p string
	err := q.QueryRowContext(ctx, `SELECT lead_id, phone FROM lead_phones WHERE brand_id = ? AND phone IN (?, ?)
		ORDER BY phone = ? DESC LIMIT 1`, brandID, phone, masked, phone).Scan(&id, &p)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("look for duplicate phones: %w", err)
	}
	rw, found, err := loadRow(ctx, q, id)
	if err != nil || !found {
		return nil, err
	}
	return &Duplicate{Summary: lead.Summarize(*rw.doc), Certain: p == phone}, nil
}

// CheckDuplicate tells the lead form, as the phone is typed, whether the brand already has a
// lead with it in the replica (nil when not).
func (r *Replica) CheckDuplicate(ctx context.Context, brandID int64, phone string) (*Duplicate, error) {
	p, err := account.NormalizePhone("phone", phone)
	if err != nil {
		return nil, err
	}
	return findDuplicate(ctx, r.r, brandID, p)
}

func (r *Replica) nextLocalID(ctx context.Context, tx querier) (int64, error) {
	v, err := r.meta(ctx, tx, metaNextLocalID)
	if err != nil {
		return 0, err
	}
	id := int64(-1)
	if v != "" {
		if _, err := fmt.Sscan(v, &id); err != nil {
			return 0, fmt.Errorf("read next local id %q: %w", v, err)
		}
	}
	return id, setMeta(ctx, tx, metaNextLocalID, fmt.Sprint(id-1))
}

// mapID follows a local id the server has answered for.
func mapID(ctx context.Context, q querier, id int64) (int64, error) {
	if id >= 0 {
		return id, nil
	}
	var sid int64
	err := q.QueryRowContext(ctx, "SELECT server_id FROM id_map WHERE local_id = ?", id).Scan(&sid)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return id, nil
	case err != nil:
		return 0, fmt.Errorf("map local id %d: %w", id, err)
	}
	return sid, nil
}

// argsID reads the lead id of a mutation's args.
func argsID(args json.RawMessage) (int64, error) {
	var a struct {
		ID int64 `json:"id"`
	}
	if err := json.Unmarshal(args, &a); err != nil {
		return 0, fmt.Errorf("decode mutation args: %w", err)
	}
	return a.ID, nil
}

// setArgs rewrites top-level fields of a mutation's args (base_version only where the
// server's args type has it).
func setArgs(args json.RawMessage, set map[string]any, name string) (json.RawMessage, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(args, &m); err != nil {
		return nil, fmt.Errorf("decode mutation args: %w", err)
	}
	for k, v := range set {
		if k == "base_version" && name != MutUpdate && name != MutTransition && name != MutCorrect {
			continue
		}
		b, err := json.Marshal(v)
		if err != nil {
			return nil, err
		}
		m[k] = b
	}
	return json.Marshal(m)
}

// apply runs one mutation through the lead rules on cur (nil for a create) at the
// mutation's creation time, as the server would.
func (r *Replica) apply(ctx context.Context, q querier, cur *lead.Lead, e Entry) (lead.Lead, []lead.Event, error) {
	now := e.CreatedAt
	if e.Name == MutCreate {
		var in lead.Lead
		if err := json.Unmarshal(e.Args, &in); err != nil {
			return lead.Lead{}, nil, fmt.Errorf("decode lead.create args: %w", err)
		}
		b, err := brandInfo(ctx, q, in.BrandID)
		if err != nil {
			return lead.Lead{}, nil, err
		}
		l, err := lead.Normalize(in, b.Type, b.Fields)
		if err != nil {
			return lead.Lead{}, nil, err
		}
		l.ID, l.Version = e.LeadID, 0
		l.CreatedBy = r.sess.Staff.ID
		if l.BranchID == 0 && r.sess.Staff.BranchID != 0 {
			l.BranchID = r.sess.Staff.BranchID
		}
		if l.IntakeOwnerID == 0 && l.OwnerID == 0 {
			l.IntakeOwnerID = r.sess.Staff.ID
		}
		created, ev := lead.New(l, r.can(account.PermLeadCreateReferral), now)
		return created, []lead.Event{ev}, nil
	}
	if cur == nil {
		return lead.Lead{}, nil, fmt.Errorf("lead %d: %w", e.LeadID, ErrNotFound)
	}
	var (
		after lead.Lead
		ev    lead.Event
		err   error
	)
	switch e.Name {
	case MutUpdate:
		var a api.UpdateLeadArgs
		if err := json.Unmarshal(e.Args, &a); err != nil {
			return *cur, nil, fmt.Errorf("decode %s args: %w", e.Name, err)
		}
		b, err := brandInfo(ctx, q, cur.BrandID)
		if err != nil {
			return *cur, nil, err
		}
		after, changed, err := lead.Edit(*cur, a.Patch, b.Type, b.Fields, now)
		if err != nil || len(changed) == 0 {
			return after, nil, err
		}
		return after, []lead.Event{lead.EditedEvent(after, changed, now)}, nil
	case MutTransition, MutCorrect:
		var a api.TransitionArgs
		if err := json.Unmarshal(e.Args, &a); err != nil {
			return *cur, nil, fmt.Errorf("decode %s args: %w", e.Name, err)
		}
		if e.Name == MutCorrect {
			after, ev, err = lead.Correct(*cur, a.Axis, a.To, a.Reason, now)
		} else {
			after, ev, err = lead.Transition(*cur, a.Axis, a.To, a.TransitionInput, now)
		}
	case MutCall:
		var a api.CallArgs
		if err := json.Unmarshal(e.Args, &a); err != nil {
			return *cur, nil, fmt.Errorf("decode %s args: %w", e.Name, err)
		}
		after, ev, err = lead.RecordCall(*cur, a.Result, a.Note, now)
	case MutFollowUp:
		var a api.FollowUpArgs
		if err := json.Unmarshal(e.Args, &a); err != nil {
			return *cur, nil, fmt.Errorf("decode %s args: %w", e.Name, err)
		}
		after, ev, err = lead.FollowUp(*cur, a.Kind, a.Text, a.At, now)
	case MutRefund:
		var a api.RefundArgs
		if err := json.Unmarshal(e.Args, &a); err != nil {
			return *cur, nil, fmt.Errorf("decode %s args: %w", e.Name, err)
		}
		after, ev, err = lead.Refund(*cur, a.Amount, a.Reason, now)
	default:
		return *cur, nil, fmt.Errorf("%w: %q", errUnknownMutation, e.Name)
	}
	if err != nil {
		return *cur, nil, err
	}
	return after, []lead.Event{ev}, nil
}

func (r *Replica) addLocalEvents(ctx context.Context, tx querier, e Entry, events []lead.Event) error {
	for _, ev := range events {
		ev.LeadID, ev.ActorID = e.LeadID, r.sess.Staff.ID
		b, err := json.Marshal(ev)
		if err != nil {
			return fmt.Errorf("encode local event: %w", err)
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO events (lead_id, mutation_id, at, doc) VALUES (?, ?, ?, ?)",
			e.LeadID, e.MutationID, ev.At.UnixMilli(), b); err != nil {
			return fmt.Errorf("store local event: %w", err)
		}
	}
	return nil
}

// Outbox lists the outbox, oldest first: pending and rejected entries (the UI's "waiting to
// sync" and "refused by the server" lists).
func (r *Replica) Outbox(ctx context.Context) ([]Entry, error) {
	return r.entries(ctx, r.r, "1 = 1", -1)
}

// Pending lists the pending entries, oldest first.
func (r *Replica) Pending(ctx context.Context) ([]Entry, error) {
	return r.entries(ctx, r.r, "state = 'pending'", -1)
}

// Pushable returns up to limit pending mutations ready to push, in outbox order: creates,
// and changes of leads the server knows (a change of a lead created here waits until the
// server has answered its create and the id is mapped).
func (r *Replica) Pushable(ctx context.Context, limit int) ([]api.Mutation, error) {
	es, err := r.entries(ctx, r.r, "state = 'pending' AND (lead_id > 0 OR name IN ('lead.create', 'checkin'))", limit)
	if err != nil {
		return nil, err
	}
	out := make([]api.Mutation, 0, len(es))
	for _, e := range es {
		out = append(out, api.Mutation{ID: e.MutationID, Name: e.Name, Args: e.Args, BaseVersion: e.BaseVersion})
	}
	return out, nil
}

// entries reads outbox rows matching where (a condition with ? placeholders for args).
func (r *Replica) entries(ctx context.Context, q querier, where string, limit int, args ...any) ([]Entry, error) {
	rows, err := q.QueryContext(ctx, `SELECT seq, mutation_id, name, lead_id, args, base_version, created_at, state, error
		FROM outbox WHERE `+where+` ORDER BY seq LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("read the outbox: %w", err)
	}
	defer rows.Close()
	out := []Entry{}
	for rows.Next() {
		var e Entry
		var args string
		var ms int64
		var reason sql.NullString
		if err := rows.Scan(&e.seq, &e.MutationID, &e.Name, &e.LeadID, &args, &e.BaseVersion, &ms, &e.State, &reason); err != nil {
			return nil, fmt.Errorf("read the outbox: %w", err)
		}
		e.Args = json.RawMessage(args)
		e.CreatedAt = time.UnixMilli(ms).UTC()
		if reason.Valid {
			e.Error = new(Reason)
			if err := json.Unmarshal([]byte(reason.String), e.Error); err != nil {
				return nil, fmt.Errorf("decode a rejection: %w", err)
			}
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// Ack stores the server's answers to pushed mutations, each with its lead's rebase, in one
// transaction. Applied: the entry leaves the outbox and the server's lead is taken (a
// create's local id is mapped to the server's, and the entries waiting on it are rewritten
// to the server id). Rejected: the entry stays, rejected with the server's reason, and its
// optimistic change is reverted. Answers for ids no longer in the outbox (discarded
// meanwhile) are ignored.
func (r *Replica) Ack(ctx context.Context, results []api.MutationResult) error {
	return r.write(ctx, func(tx querier) error {
		touched := map[int64]bool{}
		for _, res := range results {
			es, err := r.entries(ctx, tx, "mutation_id = ?", 1, res.ID)
			if err != nil {
				return err
			}
			if len(es) == 0 {
				continue
			}
			e := es[0]
			switch res.Status {
			case "applied":
				id, err := r.acked(ctx, tx, e, res.Result)
				if err != nil {
					return err
				}
				touched[id] = true
			case "rejected":
				reason := Reason{Code: "rejected"}
				if res.Error != nil {
					b, _ := json.Marshal(res.Error)
					_ = json.Unmarshal(b, &reason)
				}
				b, _ := json.Marshal(reason)
				if _, err := tx.ExecContext(ctx, "UPDATE outbox SET state = 'rejected', error = ? WHERE seq = ?", string(b), e.seq); err != nil {
					return fmt.Errorf("mark mutation rejected: %w", err)
				}
				if _, err := tx.ExecContext(ctx, "DELETE FROM events WHERE mutation_id = ?", e.MutationID); err != nil {
					return fmt.Errorf("drop events of a rejected mutation: %w", err)
				}
				if e.Name == MutCreate && e.LeadID < 0 {
					if err := rejectDependants(ctx, tx, e, reason); err != nil {
						return err
					}
				}
				touched[e.LeadID] = true
			default:
				return fmt.Errorf("answer for mutation %s: unknown status %q", res.ID, res.Status)
			}
		}
		for id := range touched {
			if id == 0 {
				continue // check-ins change no lead
			}
			if err := r.recompute(ctx, tx, id); err != nil {
				return err
			}
		}
		return nil
	})
}

// rejectDependants rejects the pending changes of a lead whose create the server refused:
// they can never apply. Each carries the create's reason, with params.depends_on naming it,
// so the UI explains them together (and Discard of the create drops them all).
func rejectDependants(ctx context.Context, tx querier, create Entry, reason Reason) error {
	params := map[string]any{"depends_on": create.MutationID}
	for k, v := range reason.Params {
		params[k] = v
	}
	reason.Params = params
	b, err := json.Marshal(reason)
	if err != nil {
		return fmt.Errorf("encode a rejection: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM events WHERE mutation_id IN
		(SELECT mutation_id FROM outbox WHERE lead_id = ? AND state = 'pending')`, create.LeadID); err != nil {
		return fmt.Errorf("drop events of rejected mutations: %w", err)
	}
	if _, err := tx.ExecContext(ctx, "UPDATE outbox SET state = 'rejected', error = ? WHERE lead_id = ? AND state = 'pending'",
		string(b), create.LeadID); err != nil {
		return fmt.Errorf("reject changes of lead %d: %w", create.LeadID, err)
	}
	return nil
}

// acked takes an applied mutation's answer and returns the id of the lead to rebase.
func (r *Replica) acked(ctx context.Context, tx querier, e Entry, result json.RawMessage) (int64, error) {
	if _, err := tx.ExecContext(ctx, "DELETE FROM outbox WHERE seq = ?", e.seq); err != nil {
		return 0, fmt.Errorf("remove acknowledged mutation: %w", err)
	}
	// Its local events stay, confirmed, until the server's timeline replaces them.
	if _, err := tx.ExecContext(ctx, "UPDATE events SET mutation_id = NULL WHERE mutation_id = ?", e.MutationID); err != nil {
		return 0, fmt.Errorf("confirm local events: %w", err)
	}
	if e.Name == MutCheckIn {
		return 0, nil // changes no lead
	}
	var server lead.Lead
	visible := true
	if e.Name == MutCreate {
		var c api.LeadCreated
		if err := json.Unmarshal(result, &c); err != nil {
			return 0, fmt.Errorf("decode the answer to mutation %s: %w", e.MutationID, err)
		}
		server = c.Lead
		// A repeat inquiry on a lead this user may not see answers with a stub (no version).
		visible = c.Lead.Version > 0
		if err := r.mapLocal(ctx, tx, e.LeadID, c.Lead.ID); err != nil {
			return 0, err
		}
	} else if err := json.Unmarshal(result, &server); err != nil {
		return 0, fmt.Errorf("decode the answer to mutation %s: %w", e.MutationID, err)
	}
	if !visible || server.ID == 0 {
		return e.LeadID, nil
	}
	return server.ID, r.takeServer(ctx, tx, server)
}

// mapLocal moves everything of local lead id to the server's id.
func (r *Replica) mapLocal(ctx context.Context, tx querier, local, server int64) error {
	if local >= 0 || server == 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, "INSERT OR REPLACE INTO id_map (local_id, server_id) VALUES (?, ?)", local, server); err != nil {
		return fmt.Errorf("map lead %d to %d: %w", local, server, err)
	}
	waiting, err := r.entries(ctx, tx, "lead_id = ?", -1, local)
	if err != nil {
		return err
	}
	for _, w := range waiting {
		// Never pushed (Pushable skips local ids), so rewriting the args is safe.
		args, err := setArgs(w.Args, map[string]any{"id": server}, w.Name)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE outbox SET lead_id = ?, args = ? WHERE seq = ?", server, string(args), w.seq); err != nil {
			return fmt.Errorf("point mutation at lead %d: %w", server, err)
		}
	}
	if _, err := tx.ExecContext(ctx, "UPDATE events SET lead_id = ? WHERE lead_id = ?", server, local); err != nil {
		return fmt.Errorf("move events to lead %d: %w", server, err)
	}
	return putRow(ctx, tx, row{id: local}) // the server's lead replaces it

}

// takeServer stores a server copy of a lead unless the replica already has a newer one.
func (r *Replica) takeServer(ctx context.Context, tx querier, l lead.Lead) error {
	rw, found, err := loadRow(ctx, tx, l.ID)
	if err != nil {
		return err
	}
	if found && rw.server != nil && rw.serverVersion > l.Version {
		return nil
	}
	rw.id, rw.server, rw.serverVersion = l.ID, &l, l.Version
	if rw.doc == nil {
		rw.doc = &l
	}
	return putRow(ctx, tx, rw)
}

// Discard drops an outbox entry (pending or rejected) and reverts its change; discarding a
// create also drops the entries waiting on its lead. ErrNotFound when absent. A pending entry
// may already be on its way to the server: if the server applies it, the next pull brings
// the result.
func (r *Replica) Discard(ctx context.Context, mutationID string) error {
	return r.write(ctx, func(tx querier) error {
		es, err := r.entries(ctx, tx, "mutation_id = ?", 1, mutationID)
		if err != nil {
			return err
		}
		if len(es) == 0 {
			return fmt.Errorf("mutation %s: %w", mutationID, ErrNotFound)
		}
		e := es[0]
		where, arg := "seq = ?", e.seq
		if e.Name == MutCreate && e.LeadID < 0 {
			where, arg = "lead_id = ?", e.LeadID
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM events WHERE mutation_id IN (SELECT mutation_id FROM outbox WHERE "+where+")", arg); err != nil {
			return fmt.Errorf("drop events of discarded mutations: %w", err)
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM outbox WHERE "+where, arg); err != nil {
			return fmt.Errorf("discard mutation %s: %w", mutationID, err)
		}
		return r.recompute(ctx, tx, e.LeadID)
	})
}

// Rebase re-derives every lead that has pending mutations from its server copy (after a
// reset or a batch of pulls; ApplyPull and Ack rebase the leads they touch themselves).
func (r *Replica) Rebase(ctx context.Context) error {
	return r.write(ctx, func(tx querier) error {
		ids, err := pendingLeads(ctx, tx)
		if err != nil {
			return err
		}
		for id := range ids {
			if err := r.recompute(ctx, tx, id); err != nil {
				return err
			}
		}
		return nil
	})
}

func pendingLeads(ctx context.Context, q querier) (map[int64]bool, error) {
	rows, err := q.QueryContext(ctx, "SELECT DISTINCT lead_id FROM outbox WHERE state = 'pending'")
	if err != nil {
		return nil, fmt.Errorf("read the outbox: %w", err)
	}
	defer rows.Close()
	out := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("read the outbox: %w", err)
		}
		out[id] = true
	}
	return out, rows.Err()
}

// recompute rebases one lead: its server copy with the pending mutations re-applied in
// order — patches field by field through lead.Edit, transitions re-validated by
// lead.Transition. A mutation that no longer applies stays pending (the server decides) but
// is left out of the local view. A lead with neither a server copy nor a pending create is
// removed.
func (r *Replica) recompute(ctx context.Context, tx querier, id int64) error {
	rw, found, err := loadRow(ctx, tx, id)
	if err != nil {
		return err
	}
	if !found && id > 0 {
		rw = row{id: id} // removed from scope: pending changes stay in the outbox, no row
	}
	es, err := r.entries(ctx, tx, "lead_id = ? AND state = 'pending'", -1, id)
	if err != nil {
		return err
	}
	cur := rw.server
	for _, e := range es {
		if e.Name == MutCreate && cur != nil {
			continue
		}
		after, _, err := r.apply(ctx, tx, cur, e)
		if err != nil {
			continue
		}
		cur = &after
	}
	if cur == nil && !found {
		return nil
	}
	rw.doc, rw.pending = cur, len(es)
	return putRow(ctx, tx, rw)
}
