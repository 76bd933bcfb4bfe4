/** Times arrive in UTC (RFC 3339); the studio reads them in China time. */
export const DISPLAY_TIME_ZONE = 'Asia/Shanghai'

/** Year to minute in China time on a 24-hour clock: how the studio's screens show times. */
export const WALL_TIME: Intl.DateTimeFormatOptions = {
  timeZone: DISPLAY_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
}

/** One formatter per locale: building an Intl.DateTimeFormat costs far more than using one,
 *  and a lead list page formats a hundred times. */
const wallTimeFormats = new Map<string, Intl.DateTimeFormat>()

export function formatTime(iso: string | null | undefined, locale: string): string {
  if (!iso) return ''
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return iso
  let f = wallTimeFormats.get(locale)
  if (!f) wallTimeFormats.set(locale, (f = new Intl.DateTimeFormat(locale, WALL_TIME)))
  return f.format(d)
}

/** The last four digits of a phone number (for the watermark). */
export function phoneTail(phone: string | null | undefined): string {
  return (phone ?? '').replace(/\D/g, '').slice(-4)
}
