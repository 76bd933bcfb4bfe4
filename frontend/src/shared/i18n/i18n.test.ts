import { describe, expect, it } from 'vitest'
import { messages, SUPPORTED_LOCALES } from './index'

function keys(obj: unknown, prefix = ''): string[] {
  if (typeof obj !== 'object' || obj === null) return [prefix]
  return Object.entries(obj).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k))
}

describe('i18n messages', () => {
  it('zh-CN and en have exactly the same keys', () => {
    const zh = keys(messages['zh-CN']).sort()
    const en = keys(messages.en).sort()
    expect(en.filter((k) => !zh.includes(k))).toEqual([])
    expect(zh.filter((k) => !en.includes(k))).toEqual([])
  })

  it.each(SUPPORTED_LOCALES)('%s has no empty strings', (locale) => {
    const empty = keys(messages[locale]).filter((k) => {
      const v = k.split('.').reduce<unknown>((o, p) => (o as Record<string, unknown>)[p], messages[locale])
      return typeof v !== 'string' || v.trim() === ''
    })
    expect(empty).toEqual([])
  })
})
