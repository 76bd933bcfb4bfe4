// Shapes of the lead-workspace bindings (docs/api.md, "Desktop bindings — lead workspace").
// They mirror backend/lead (Lead, Event, CustomField, Summary, Decision), backend/api
// (LeadDetail, LeadPage, TransitionArgs, Assignees, BatchReport, …), backend/distribution
// (Candidate, Exclusion) and backend/store (CheckIn, Notification).
// Money is in fen (1/100 yuan) on the wire; times are RFC 3339 strings (UTC).
import type { ErrorObject } from './types'

export type SourceType = 'ad' | 'walk_in' | 'referral' | 'returning' | 'event' | 'partner'
export type Axis = 'validity' | 'booking' | 'store'
export type ValidityState = 'pending' | 'valid' | 'invalid'
export type BookingState = 'unassigned' | 'to_call' | 'calling' | 'booked' | 'visited' | 'no_show' | 'postponed' | 'lost'
export type StoreState = 'awaiting' | 'negotiating' | 'revisit' | 'deal' | 'lost'
/** "" = no approval was needed. */
export type Approval = '' | 'pending' | 'approved' | 'rejected'
export type DealKind = 'deposit' | 'full'
export type CallResult = 'no_answer' | 'powered_off' | 'refused' | 'thinking' | 'added_wechat' | 'booked'
export type FollowUpKind = 'note' | 'message' | 'appointment'
export type Milestone = 'full_month' | 'hundred_days' | 'first_birthday' | 'other'
export type Gender = 'girl' | 'boy'
export type AssignMethod = 'manual' | 'round_robin' | 'weighted' | 'least_loaded'
export type ExclusionReason =
  | 'disabled'
  | 'not_checked_in'
  | 'daily_cap'
  | 'holding_cap'
  | 'out_of_scope'
  | 'cooldown'
  | 'no_claimer'
export type NotificationKind =
  | 'recycle_warning'
  | 'appointment_due'
  | 'follow_up_due'
  | 'untouched'
  | 'pending_validity'
  | 'recycled'
  | 'transfer_request'
  | 'transfer_request_decided'
export type CustomFieldType = 'text' | 'number' | 'date' | 'single' | 'multi'

export interface WeddingFields {
  partner_name?: string
  partner_phone?: string
  /** YYYY-MM-DD */
  wedding_date?: string
}

export interface ChildrenFields {
  child_name?: string
  /** YYYY-MM-DD */
  birth_date?: string
  milestone?: Milestone | string
  gender?: Gender | string
  guardian2_name?: string
}

/** backend/lead.Lead */
export interface Lead {
  id: number
  brand_id: number
  branch_id?: number
  channel_id?: number
  source_type: SourceType | string
  referrer_staff_id?: number
  referrer_name?: string
  referrer_phone?: string
  approval?: Approval
  name: string
  /** Full for people taking part in the lead, masked (138****8000) for everyone else. */
  phone: string
  /** Children: the second guardian's phone. */
  phone2?: string
  notes?: string
  wedding?: WeddingFields | null
  children?: ChildrenFields | null
  /** Custom field values by CustomField.key. */
  custom?: Record<string, unknown> | null
  validity: ValidityState
  invalid_reason?: string
  booking: BookingState
  booked_branch_id?: number
  booked_at?: string | null
  no_shows: number
  lost_reason?: string
  store: StoreState
  /** Fen, net of refunds. */
  deal_amount?: number
  store_lost_reason?: string
  owner_id?: number
  intake_owner_id?: number
  booking_owner_id?: number
  store_owner_id?: number
  owner_department_id?: number
  in_pool: boolean
  prev_owner_id?: number
  released_at?: string | null
  locked: boolean
  protected_until?: string | null
  assigned_at?: string | null
  next_follow_up?: string | null
  last_follow_up?: string | null
  repeat_count: number
  created_by: number
  created_at: string
  updated_at: string
  version: number
  deleted?: boolean
  /** Replica only: how many of this user's changes to the lead still wait for the server. */
  pending?: number
}

/** A lead as the form sends it to CreateLead: the server fills statuses, owners and times. */
export type LeadInput = Partial<Lead> & Pick<Lead, 'brand_id' | 'name' | 'phone' | 'source_type'>

/** backend/lead.Patch: only the fields named change; a custom key mapped to null removes it. */
export interface LeadPatch {
  name?: string
  phone?: string
  phone2?: string
  notes?: string
  channel_id?: number
  branch_id?: number
  wedding?: Partial<WeddingFields>
  children?: Partial<ChildrenFields>
  custom?: Record<string, unknown>
  next_follow_up?: string
  clear_next_follow_up?: boolean
}

export type LeadEventType =
  | 'created'
  | 'edited'
  | 'repeat_inquiry'
  | 'status'
  | 'correction'
  | 'call'
  | 'follow_up'
  | 'assigned'
  | 'transferred'
  | 'pooled'
  | 'claimed'
  | 'refund'
  | 'approval'
  | 'phone_revealed'
  | 'locked'
  | 'deleted'
  | 'restored'
  | 'reopened'

/** backend/lead.Event: one timeline entry. */
export interface LeadEvent {
  id: number
  lead_id: number
  type: LeadEventType | string
  axis?: Axis
  from?: string
  to?: string
  reason?: string
  actor_id: number
  on_behalf_of?: number
  owner_id?: number
  channel_id?: number
  data?: Record<string, unknown> | null
  at: string
}
/** The contract's name for a timeline entry (shadows the DOM's Event only where imported). */
export type { LeadEvent as Event }

/** One axis' valid next states (backend/api.NextStates). */
export interface NextStates {
  axis: Axis
  states: string[]
}

/** GetLead(id): the lead, its next states per axis and its sync state on this computer. */
export interface LeadDetail {
  lead: Lead
  next: NextStates[]
  /** A local change of this lead waits in the outbox. */
  pending?: boolean
  /** Local changes of this lead the server refused. */
  rejected?: OutboxEntry[] | null
}

/** ListLeads / Pool filter. Date ranges are [from, to) in RFC 3339. */
export interface LeadQuery {
  brand_id?: number
  branch_id?: number
  channel_id?: number
  owner_id?: number
  validity?: string
  booking?: string
  store?: string
  created_from?: string
  created_to?: string
  updated_from?: string
  updated_to?: string
  follow_up_from?: string
  follow_up_to?: string
  /** 11 digits = phone, 4+ digits = phone prefix/suffix, else name / notes. */
  q?: string
  in_pool?: boolean
  deleted?: boolean
  cursor?: string
  limit?: number
}

export interface LeadPage {
  leads: Lead[] | null
  /** Cursor of the next page; absent on the last page. */
  next?: string
}

/** TransitionLead / CorrectLead. */
export interface TransitionArgs {
  id: number
  axis: Axis
  to: string
  reason?: string
  branch_id?: number
  booked_at?: string
  next_follow_up?: string
  /** Fen. */
  amount?: number
  deal_kind?: DealKind
  package?: string
  /** The store's check-in: store -> negotiating (and booking -> visited). */
  check_in?: boolean
}

export interface CallArgs {
  id: number
  result: CallResult
  note?: string
}

export interface FollowUpArgs {
  id: number
  kind: FollowUpKind
  text?: string
  /** Appointments: when to follow up (sets next_follow_up). */
  at?: string
}

export interface RefundArgs {
  id: number
  /** Fen. */
  amount: number
  reason: string
}

export interface RevealedPhones {
  phone: string
  phone2?: string
  partner_phone?: string
}

/** backend/lead.Summary: the existing lead of a duplicate phone, masked. */
export interface DuplicateSummary {
  lead_id: number
  phone: string
  owner_id?: number
  stage_axis: Axis
  stage: string
  last_follow_up?: string | null
}

/** backend/lead.Decision */
export interface DuplicateDecision {
  action: 'reject' | 'repeat'
  summary: DuplicateSummary
  can_request_transfer: boolean
  can_reopen: boolean
}

export interface DuplicateCheck {
  duplicate: boolean
  /** Normalized, or "" while the input is not a valid mobile number yet. */
  phone: string
  decision?: DuplicateDecision | null
}

/** backend/distribution.Candidate */
export interface Candidate {
  staff_id: number
  name: string
  active: boolean
  checked_in: boolean
  in_scope: boolean
  assigned_today: number
  daily_cap: number
  holding: number
  holding_cap: number
  weight: number
  open_leads: number
}

/** backend/distribution.Exclusion: who is not offered, and why. */
export interface Exclusion {
  staff_id: number
  name: string
  reason: ExclusionReason | string
}

export interface Assignees {
  offered: Candidate[] | null
  excluded: Exclusion[] | null
  /** Who the group's method would pick now (0 / absent for manual or nobody). */
  next?: number
}

/** AssignLeads / TransferLeads: to a person (staff_id) or, assigning only, a group. */
export interface AssignRequest {
  lead_ids: number[]
  staff_id?: number
  department_id?: number
  method?: AssignMethod
  /** Transfers only (required there). */
  reason?: string
}

export type BatchOp = 'transition' | 'channel' | 'delete' | 'restore' | 'lock' | 'unlock' | 'pool'

export interface BatchRequest {
  lead_ids: number[]
  op: BatchOp
  /** transition: {axis, to, …TransitionArgs}; channel: {channel_id}. */
  args?: Record<string, unknown>
}

export interface LeadResult {
  lead_id: number
  ok: boolean
  staff_id?: number
  code?: string
  message?: string
}

/** Batches apply all or nothing: applied=false means nothing changed; results say why. */
export interface BatchReport {
  applied: boolean
  results: LeadResult[] | null
}

/** backend/store.CheckIn: one member's day (Asia/Shanghai). */
export interface CheckIn {
  staff_id: number
  day: string
  in_at: string
  out_at?: string | null
  by_id: number
}

/** backend/store.Notification: a reminder in the caller's inbox. */
export interface Notification {
  id: number
  staff_id: number
  kind: NotificationKind | string
  lead_id?: number
  /** {name, phone (masked), booked_at, next_follow_up, protected_until} */
  data?: Record<string, unknown> | null
  created_at: string
  read_at?: string | null
}

/** A local change waiting for (or refused by) the server. */
export interface OutboxEntry {
  mutation_id: string
  /** The lead the change is about (0 for check-ins). */
  lead_id?: number
  /** lead.create, lead.update, lead.transition, lead.correct, lead.call, lead.refund, lead.follow_up, checkin */
  name: string
  args: Record<string, unknown> | null
  state: 'pending' | 'rejected'
  error?: ErrorObject | null
  created_at: string
}

/**
 * First-sync progress (also pushed as `sync:progress`). The contract names `{done, total}`;
 * the syncer (app/syncer) sends `{phase, loaded, done: bool}` without a total. Both are read.
 */
export interface SyncProgress {
  done?: number | boolean
  total?: number
  loaded?: number
  phase?: string
}

export interface SyncStatus {
  online: boolean
  pending: number
  rejected: number
  last_sync?: string | null
  syncing: boolean
  progress?: SyncProgress | null
  /** Why the last sync failed (e.g. server_unreachable). */
  error?: ErrorObject | string | null
  /** app/syncer's spelling: idle | syncing | offline | error, with last_error / error_code. */
  state?: string
  leads?: number
  last_error?: string
  error_code?: string
}

/** `sync:changed`: what a sync round changed in the replica. */
export interface SyncChanged {
  upserted?: number
  removed?: number
  acked?: number
  rejected?: number
}

/** A saved list view, local to this computer. */
export interface SavedView {
  id?: number | string
  name: string
  query: SavedViewQuery
  columns: string[]
}

/** The list filter of a saved view: a LeadQuery plus the relative date preset it was made with. */
export interface SavedViewQuery extends LeadQuery {
  /** e.g. "last_30_days": re-applied relative to today when the view is opened. */
  created_preset?: string
}

/** backend/lead.CustomField: a brand's custom lead field. */
export interface CustomField {
  key: string
  label: string
  type: CustomFieldType
  options?: string[] | null
  required?: boolean
}

export type TransferRequestStatus = 'pending' | 'approved' | 'rejected'

/** backend/api.TransferRequestView: a request as the caller may see it. */
export interface TransferRequestView {
  id: number
  lead_id: number
  requester_id: number
  /** The owner when it was asked. */
  owner_id: number
  reason: string
  status: TransferRequestStatus
  decided_by?: number
  decision_reason?: string
  created_at: string
  decided_at?: string | null
  /** Masked unless the caller works the lead. */
  phone: string
  /** Only for those who may see the lead. */
  lead_name?: string
  can_decide: boolean
}
