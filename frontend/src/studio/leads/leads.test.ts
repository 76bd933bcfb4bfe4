import { afterEach, describe, expect, it, vi } from 'vitest'
import { addDays, dayOf, instantToWallTime, presetRange, rangeToInstants, wallTimeToInstant } from './dates'
import { defaultFilter, fromViewQuery, toQuery, toViewQuery } from './filter'
import { formatFen, yuanToFen } from './money'
import { nextStatesOf } from './constants'

// 2026-12-04 10:00 in Shanghai is 02:00 UTC; 2026-12-04 01:00 in Shanghai is still 12-03 in UTC.
const NOW = new Date('2026-12-04T10:00:00+08:00')

afterEach(() => {
  vi.useRealTimers()
})

describe('studio days (Asia/Shanghai)', () => {
  it('cuts days in China time, not UTC', () => {
    expect(dayOf(new Date('2026-12-04T01:00:00+08:00'))).toBe('2026-12-04')
    expect(dayOf('2026-12-03T16:00:00Z')).toBe('2026-12-04')
    expect(dayOf('2026-12-03T15:59:59Z')).toBe('2026-12-03')
  })

  it('reads days from the formatter parts, whatever a locale string looks like', () => {
    // WebKitGTK's en-CA string is not YYYY-MM-DD; nothing may depend on format().
    const proto = Intl.DateTimeFormat.prototype
    const original = Object.getOwnPropertyDescriptor(proto, 'format')!
    Object.defineProperty(proto, 'format', { configurable: true, get: () => () => '12/4/2026, 10:00' })
    try {
      expect(dayOf(NOW)).toBe('2026-12-04')
      expect(presetRange('last_7_days', NOW)).toEqual(['2026-11-28', '2026-12-04'])
      expect(instantToWallTime('2026-12-06T06:30:00Z')).toBe('2026-12-06 14:30')
    } finally {
      Object.defineProperty(proto, 'format', original)
    }
  })

  it('turns an inclusive day range into [from, to) instants', () => {
    expect(rangeToInstants(['2026-12-01', '2026-12-04'])).toEqual({
      from: '2026-12-01T00:00:00+08:00',
      to: '2026-12-05T00:00:00+08:00',
    })
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01')
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28')
  })

  it('computes the presets from today', () => {
    expect(presetRange('last_30_days', NOW)).toEqual(['2026-11-05', '2026-12-04'])
    expect(presetRange('yesterday', NOW)).toEqual(['2026-12-03', '2026-12-03'])
    expect(presetRange('last_month', NOW)).toEqual(['2026-11-01', '2026-11-30'])
    expect(presetRange('this_month', NOW)).toEqual(['2026-12-01', '2026-12-04'])
  })

  it('reads picker wall times as China time', () => {
    expect(wallTimeToInstant('2026-12-06 14:30')).toBe('2026-12-06T14:30:00+08:00')
    expect(instantToWallTime('2026-12-06T06:30:00Z')).toBe('2026-12-06 14:30')
    expect(wallTimeToInstant('')).toBeUndefined()
  })
})

describe('lead filter', () => {
  it('defaults to the last 30 days of creation, newest page of 50', () => {
    const q = toQuery(defaultFilter(NOW))
    expect(q).toEqual({ created_from: '2026-11-05T00:00:00+08:00', created_to: '2026-12-05T00:00:00+08:00', limit: 50 })
  })

  it('leaves empty criteria out and trims the search', () => {
    const f = { ...defaultFilter(NOW), created: null, created_preset: '' as const, brand_id: 3, booking: 'booked', q: ' 8000 ' }
    expect(toQuery(f, { cursor: 'abc' })).toEqual({ brand_id: 3, booking: 'booked', q: '8000', limit: 50, cursor: 'abc' })
  })

  it('keeps a saved view relative: "last 30 days" opens as the last 30 days of that day', () => {
    const view = toViewQuery({ ...defaultFilter(NOW), channel_id: 9 })
    expect(view).toMatchObject({ channel_id: 9, created_preset: 'last_30_days' })
    expect(view.limit).toBeUndefined()
    const later = fromViewQuery(view, new Date('2027-01-10T09:00:00+08:00'))
    expect(later.created).toEqual(['2026-12-12', '2027-01-10'])
    expect(later.channel_id).toBe(9)
  })

  it('restores a fixed range from its instants', () => {
    const f = fromViewQuery({ created_from: '2026-12-01T00:00:00+08:00', created_to: '2026-12-05T00:00:00+08:00' }, NOW)
    expect(f.created).toEqual(['2026-12-01', '2026-12-04'])
    expect(f.created_preset).toBe('')
  })
})

describe('money and next states', () => {
  it('sends fen and shows yuan', () => {
    expect(yuanToFen(12800.5)).toBe(1280050)
    expect(yuanToFen(0.1 + 0.2)).toBe(30)
    expect(formatFen(1280050, 'zh-CN')).toBe('¥12,800.50')
  })

  it('reads next states from the contract list (and a map, to be safe)', () => {
    expect(nextStatesOf([{ axis: 'booking', states: ['calling', 'booked'] }], 'booking')).toEqual(['calling', 'booked'])
    expect(nextStatesOf([{ axis: 'booking', states: ['calling'] }], 'store')).toEqual([])
    expect(nextStatesOf({ store: { states: ['deal'] } }, 'store')).toEqual(['deal'])
    expect(nextStatesOf(null, 'store')).toEqual([])
  })
})
