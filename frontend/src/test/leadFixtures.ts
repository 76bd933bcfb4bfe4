import type { Lead, LeadDetail } from '@/studio/bridge'

export const BRANDS = [{ id: 1, name: '蜜糖婚纱', type: 'wedding', duplicate_policy: 'reject', timezone: 'Asia/Shanghai' }]
export const BRANCHES = [{ id: 11, brand_id: 1, name: '徐汇店', address: '', phone: '' }]
export const CHANNELS = [{ id: 21, brand_id: 1, group_id: null, name: '抖音', active: true }]

let next = 100

/** A lead as the replica returns it; ids count up from 100. */
export function makeLead(overrides: Partial<Lead> = {}): Lead {
  const id = overrides.id ?? next++
  return {
    id,
    brand_id: 1,
    branch_id: 11,
    channel_id: 21,
    source_type: 'ad',
    name: `客户${id}`,
    phone: '138****8000',
    validity: 'pending',
    booking: 'to_call',
    store: 'awaiting',
    no_shows: 0,
    owner_id: 7,
    in_pool: false,
    locked: false,
    repeat_count: 0,
    created_by: 7,
    created_at: '2026-12-03T02:00:00Z',
    updated_at: '2026-12-03T02:00:00Z',
    version: 1,
    ...overrides,
  }
}

export function makeDetail(lead: Lead, next: LeadDetail['next'] = [], extra: Partial<LeadDetail> = {}): LeadDetail {
  return { lead, next, pending: false, rejected: [], ...extra }
}

/** The reference data every lead screen loads, for installFakeWails. */
export const REFERENCE = {
  ListBrands: () => BRANDS,
  ListBranches: () => BRANCHES,
  ListChannels: () => CHANNELS,
  ListDepartments: () => [],
  ListStaff: () => [{ id: 7, phone: '13800001234', name: '小王', role_ids: [], disabled: false }],
  SyncStatus: () => ({ online: true, pending: 0, rejected: 0, last_sync: '2026-12-04T02:00:00Z', syncing: false }),
  SavedViews: () => [],
  CustomFields: () => [],
}
