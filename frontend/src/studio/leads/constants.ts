// Catalog values of the lead model (backend/lead), in display order. The UI translates each
// key (i18n `leadEnum.*`); unknown keys from a newer backend show as themselves.
import type { Axis, CallResult, FollowUpKind } from '../bridge'

export const AXES: readonly Axis[] = ['validity', 'booking', 'store']

export const STATES: Record<Axis, readonly string[]> = {
  validity: ['pending', 'valid', 'invalid'],
  booking: ['unassigned', 'to_call', 'calling', 'booked', 'visited', 'no_show', 'postponed', 'lost'],
  store: ['awaiting', 'negotiating', 'revisit', 'deal', 'lost'],
}

export const SOURCE_TYPES = ['ad', 'walk_in', 'referral', 'returning', 'event', 'partner'] as const

/** lead.DefaultInvalidReasons keys (brands may add their own; those show as typed). */
export const INVALID_REASONS = ['empty_number', 'wrong_number', 'duplicate', 'competitor_spam', 'out_of_area', 'not_target', 'test'] as const

/** lead.StoreLostReasons */
export const STORE_LOST_REASONS = ['price', 'competitor', 'date', 'style', 'decision_maker_absent', 'other'] as const

export const CALL_RESULTS: readonly CallResult[] = ['no_answer', 'powered_off', 'refused', 'thinking', 'added_wechat', 'booked']

export const FOLLOW_UP_KINDS: readonly FollowUpKind[] = ['note', 'message', 'appointment']

export const MILESTONES = ['full_month', 'hundred_days', 'first_birthday', 'other'] as const

export const GENDERS = ['girl', 'boy'] as const

export const DEAL_KINDS = ['deposit', 'full'] as const

export const NOTIFICATION_KINDS = [
  'appointment_due',
  'follow_up_due',
  'untouched',
  'pending_validity',
  'recycle_warning',
  'recycled',
  'transfer_request',
  'transfer_request_decided',
] as const

/** The status tag colour of a state. */
export function stateTagType(state: string): 'success' | 'warning' | 'danger' | 'info' | 'primary' {
  switch (state) {
    case 'valid':
    case 'visited':
    case 'deal':
      return 'success'
    case 'booked':
    case 'negotiating':
    case 'calling':
      return 'primary'
    case 'invalid':
    case 'lost':
    case 'no_show':
      return 'danger'
    case 'postponed':
    case 'revisit':
    case 'to_call':
      return 'warning'
    default:
      return 'info'
  }
}

/**
 * What a move needs from the user (backend/lead Edge.Need), so the status dialog asks for it.
 * `checkIn`: store -> negotiating is the store's check-in (booking -> visited with it).
 */
export interface MoveNeeds {
  /** `correct`: a correction's required free-text reason. */
  reason: 'none' | 'optional' | 'invalid' | 'booking_lost' | 'store_lost' | 'correct'
  booking?: boolean
  followUp?: 'required' | 'optional'
  deal?: boolean
  checkIn?: boolean
}

export function moveNeeds(axis: Axis, to: string): MoveNeeds {
  if (axis === 'validity') return to === 'invalid' ? { reason: 'invalid' } : { reason: 'none' }
  if (axis === 'booking') {
    switch (to) {
      case 'booked':
        return { reason: 'optional', booking: true }
      case 'postponed':
        return { reason: 'optional', followUp: 'required' }
      case 'lost':
        return { reason: 'booking_lost' }
      case 'to_call':
        return { reason: 'none' }
      default:
        return { reason: 'optional' }
    }
  }
  switch (to) {
    case 'negotiating':
      return { reason: 'optional', checkIn: true }
    case 'deal':
      return { reason: 'optional', deal: true }
    case 'revisit':
      return { reason: 'optional', followUp: 'optional' }
    case 'lost':
      return { reason: 'store_lost' }
    default:
      return { reason: 'optional' }
  }
}

/**
 * The valid next states of an axis from GetLead's `next`. The contract sends
 * `[{axis, states}]`; a map `{axis: {states}}` or `{axis: [...]}` is read the same way.
 */
export function nextStatesOf(next: unknown, axis: Axis): string[] {
  if (Array.isArray(next)) {
    const entry = next.find((n) => (n as { axis?: string })?.axis === axis) as { states?: unknown } | undefined
    return Array.isArray(entry?.states) ? (entry.states as string[]) : []
  }
  if (next && typeof next === 'object') {
    const entry = (next as Record<string, unknown>)[axis]
    if (Array.isArray(entry)) return entry as string[]
    const states = (entry as { states?: unknown } | undefined)?.states
    return Array.isArray(states) ? (states as string[]) : []
  }
  return []
}
