// Calendar days of the studio (Asia/Shanghai, UTC+8 all year: China has no daylight saving).
// The lead list filters by days; the server takes [from, to) instants in RFC 3339, so a day
// range "2026-12-01 … 2026-12-04" becomes [2026-12-01T00:00:00+08:00, 2026-12-05T00:00:00+08:00).
import { WALL_TIME } from '@/shared/format'

/** YYYY-MM-DD */
export type Day = string
/** Inclusive day range as the date picker holds it. */
export type DayRange = [Day, Day]

const SHANGHAI_OFFSET = '+08:00'
const DAY_MS = 24 * 60 * 60 * 1000

// The fields of an instant in the studio's time zone. Taken from formatToParts, never from a
// locale's formatted string: Chromium writes en-CA as YYYY-MM-DD, WebKitGTK (the Linux window)
// does not, and the unparsable day left the lead list blank there.
const wallFormat = new Intl.DateTimeFormat('en-US', WALL_TIME)

function wallParts(d: Date): { day: Day; hour: string; minute: string } {
  const parts = wallFormat.formatToParts(d)
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '00'
  const hour = get('hour') === '24' ? '00' : get('hour')
  return { day: `${get('year')}-${get('month')}-${get('day')}`, hour, minute: get('minute') }
}

/** The studio day of an instant. */
export function dayOf(instant: Date | string): Day {
  return wallParts(typeof instant === 'string' ? new Date(instant) : instant).day
}

export function today(now: Date = new Date()): Day {
  return dayOf(now)
}

export function addDays(day: Day, n: number): Day {
  const t = Date.parse(`${day}T00:00:00Z`) + n * DAY_MS
  return new Date(t).toISOString().slice(0, 10)
}

/** The first instant of a studio day, RFC 3339. */
export function dayStart(day: Day): string {
  return `${day}T00:00:00${SHANGHAI_OFFSET}`
}

/** [from, to) instants of an inclusive day range. */
export function rangeToInstants(range: DayRange): { from: string; to: string } {
  return { from: dayStart(range[0]), to: dayStart(addDays(range[1], 1)) }
}

/** The inclusive day range of [from, to) instants (the inverse of rangeToInstants). */
export function instantsToRange(from: string | undefined, to: string | undefined): DayRange | null {
  if (!from || !to) return null
  const last = new Date(Date.parse(to) - 1)
  if (Number.isNaN(last.getTime()) || Number.isNaN(Date.parse(from))) return null
  return [dayOf(from), dayOf(last)]
}

export const DATE_PRESETS = ['today', 'yesterday', 'last_7_days', 'last_30_days', 'this_month', 'last_month'] as const
export type DatePreset = (typeof DATE_PRESETS)[number]

/** The lead list opens on leads created in the last 30 days (today included). */
export const DEFAULT_CREATED_PRESET: DatePreset = 'last_30_days'

export function presetRange(preset: DatePreset, now: Date = new Date()): DayRange {
  const t = today(now)
  switch (preset) {
    case 'today':
      return [t, t]
    case 'yesterday':
      return [addDays(t, -1), addDays(t, -1)]
    case 'last_7_days':
      return [addDays(t, -6), t]
    case 'last_30_days':
      return [addDays(t, -29), t]
    case 'this_month':
      return [`${t.slice(0, 7)}-01`, t]
    case 'last_month': {
      const firstOfThis = `${t.slice(0, 7)}-01`
      const lastOfPrev = addDays(firstOfThis, -1)
      return [`${lastOfPrev.slice(0, 7)}-01`, lastOfPrev]
    }
  }
}

export function isPreset(v: unknown): v is DatePreset {
  return typeof v === 'string' && (DATE_PRESETS as readonly string[]).includes(v)
}

/** A datetime picker value (local wall time of the studio, "YYYY-MM-DD HH:mm") to RFC 3339. */
export function wallTimeToInstant(v: string | null | undefined): string | undefined {
  if (!v) return undefined
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}):(\d{2})/.exec(v)
  if (!m) return undefined
  return `${m[1]}T${m[2]}:${m[3]}:00${SHANGHAI_OFFSET}`
}

/** An RFC 3339 instant as the studio's wall time "YYYY-MM-DD HH:mm" (for pickers). */
export function instantToWallTime(iso: string | null | undefined): string {
  if (!iso) return ''
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return ''
  const w = wallParts(d)
  return `${w.day} ${w.hour}:${w.minute}`
}
