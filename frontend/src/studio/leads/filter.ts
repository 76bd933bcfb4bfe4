// The lead list's filter as the UI holds it, and its translation to ListLeads' LeadQuery.
// Date ranges are inclusive studio days here and [from, to) instants on the wire.
import type { LeadQuery, SavedViewQuery } from '../bridge'
import {
  DEFAULT_CREATED_PRESET,
  instantsToRange,
  isPreset,
  presetRange,
  rangeToInstants,
  type DatePreset,
  type DayRange,
} from './dates'

export const PAGE_SIZE = 50

export interface LeadFilter {
  brand_id: number | null
  branch_id: number | null
  channel_id: number | null
  owner_id: number | null
  validity: string
  booking: string
  store: string
  /** Created in this day range; null = any time. */
  created: DayRange | null
  /** The preset `created` follows (re-applied each day), '' when picked by hand or cleared. */
  created_preset: DatePreset | ''
  updated: DayRange | null
  follow_up: DayRange | null
  q: string
}

/** The three date filters, in the order the banner lists them. */
export const DATE_FIELDS = ['created', 'updated', 'follow_up'] as const
export type DateField = (typeof DATE_FIELDS)[number]

export function defaultFilter(now: Date = new Date()): LeadFilter {
  return {
    brand_id: null,
    branch_id: null,
    channel_id: null,
    owner_id: null,
    validity: '',
    booking: '',
    store: '',
    created: presetRange(DEFAULT_CREATED_PRESET, now),
    created_preset: DEFAULT_CREATED_PRESET,
    updated: null,
    follow_up: null,
    q: '',
  }
}

function putRange(q: LeadQuery, field: DateField, range: DayRange | null) {
  if (!range) return
  const { from, to } = rangeToInstants(range)
  if (field === 'created') Object.assign(q, { created_from: from, created_to: to })
  else if (field === 'updated') Object.assign(q, { updated_from: from, updated_to: to })
  else Object.assign(q, { follow_up_from: from, follow_up_to: to })
}

/** The ListLeads query of a filter; empty criteria are left out. */
export function toQuery(f: LeadFilter, extra: Pick<LeadQuery, 'cursor' | 'limit'> = {}): LeadQuery {
  const q: LeadQuery = {}
  if (f.brand_id) q.brand_id = f.brand_id
  if (f.branch_id) q.branch_id = f.branch_id
  if (f.channel_id) q.channel_id = f.channel_id
  if (f.owner_id) q.owner_id = f.owner_id
  if (f.validity) q.validity = f.validity
  if (f.booking) q.booking = f.booking
  if (f.store) q.store = f.store
  for (const field of DATE_FIELDS) putRange(q, field, f[field])
  const text = f.q.trim()
  if (text) q.q = text
  q.limit = extra.limit ?? PAGE_SIZE
  if (extra.cursor) q.cursor = extra.cursor
  return q
}

/** What a saved view stores: the query without paging, plus the relative preset if any. */
export function toViewQuery(f: LeadFilter): SavedViewQuery {
  const q: SavedViewQuery = toQuery(f)
  delete q.limit
  delete q.cursor
  if (f.created_preset) q.created_preset = f.created_preset
  return q
}

/** A saved view's query back into a filter; a relative preset is re-applied to today. */
export function fromViewQuery(q: SavedViewQuery | null | undefined, now: Date = new Date()): LeadFilter {
  const f = defaultFilter(now)
  const v = q ?? {}
  f.brand_id = v.brand_id || null
  f.branch_id = v.branch_id || null
  f.channel_id = v.channel_id || null
  f.owner_id = v.owner_id || null
  f.validity = v.validity ?? ''
  f.booking = v.booking ?? ''
  f.store = v.store ?? ''
  f.q = v.q ?? ''
  if (isPreset(v.created_preset)) {
    f.created_preset = v.created_preset
    f.created = presetRange(v.created_preset, now)
  } else {
    f.created_preset = ''
    f.created = instantsToRange(v.created_from, v.created_to)
  }
  f.updated = instantsToRange(v.updated_from, v.updated_to)
  f.follow_up = instantsToRange(v.follow_up_from, v.follow_up_to)
  return f
}
