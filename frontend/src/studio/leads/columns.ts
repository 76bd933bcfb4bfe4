// Columns of the lead list: built-in ones by key, custom fields as "custom.<key>".
import type { CustomField } from '../bridge'

export const BASE_COLUMNS = [
  'name',
  'phone',
  'brand',
  'branch',
  'channel',
  'source',
  'owner',
  'validity',
  'booking',
  'store',
  'next_follow_up',
  'last_follow_up',
  'booked_at',
  'deal_amount',
  'created_at',
  'updated_at',
  'wedding_date',
  'partner_name',
  'child_name',
  'birth_date',
  'milestone',
  'notes',
] as const
export type BaseColumn = (typeof BASE_COLUMNS)[number]

export const DEFAULT_COLUMNS: readonly string[] = ['name', 'phone', 'channel', 'owner', 'validity', 'booking', 'store', 'next_follow_up', 'created_at']

/** The i18n key of a built-in column's header. */
export const COLUMN_LABEL: Record<BaseColumn, string> = {
  name: 'lead.name',
  phone: 'lead.phone',
  brand: 'lead.brand',
  branch: 'lead.branch',
  channel: 'lead.channel',
  source: 'lead.source',
  owner: 'lead.owner',
  validity: 'leadEnum.axis.validity',
  booking: 'leadEnum.axis.booking',
  store: 'leadEnum.axis.store',
  next_follow_up: 'lead.nextFollowUp',
  last_follow_up: 'lead.lastFollowUp',
  booked_at: 'lead.bookedAt',
  deal_amount: 'lead.dealAmount',
  created_at: 'lead.createdAt',
  updated_at: 'lead.updatedAt',
  wedding_date: 'lead.weddingDate',
  partner_name: 'lead.partnerName',
  child_name: 'lead.childName',
  birth_date: 'lead.birthDate',
  milestone: 'lead.milestone',
  notes: 'lead.notes',
}

export const COLUMN_WIDTH: Partial<Record<BaseColumn, number>> = {
  name: 110,
  phone: 130,
  validity: 90,
  booking: 96,
  store: 96,
  next_follow_up: 150,
  last_follow_up: 150,
  booked_at: 150,
  created_at: 150,
  updated_at: 150,
  notes: 200,
}

export const customColumnKey = (f: CustomField) => `custom.${f.key}`
export const isBaseColumn = (key: string): key is BaseColumn => (BASE_COLUMNS as readonly string[]).includes(key)

const STORAGE_KEY = 'studiodesk.leads.columns'

/** The columns chosen last time on this computer, else the defaults. */
export function storedColumns(): string[] {
  try {
    const v = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? 'null') as unknown
    if (Array.isArray(v) && v.every((x) => typeof x === 'string') && v.length) return v
  } catch {
    // A damaged value falls back to the defaults.
  }
  return [...DEFAULT_COLUMNS]
}

export function storeColumns(columns: readonly string[]) {
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(columns))
  } catch {
    // Storage unavailable: the choice lasts for this session.
  }
}
