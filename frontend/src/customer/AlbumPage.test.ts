import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { Button, Empty, Field, ImagePreview, Loading } from 'vant'
import { createAppI18n } from '@/shared/i18n'
import { tokenFromPath } from '@/shared/api/shareApi'
import AlbumPage from './AlbumPage.vue'

const TOKEN = 'AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abcde'
const ALBUM = { studio: '蜜糖影楼', title: '精修', kind: 'retouched', photo_count: 2, expires_at: '2027-06-01T00:00:00Z', needs_code: true, download: 'original' }
const PHOTOS = [
  { id: 11, filename: 'IMG_1.JPG', kind: 'image', content_type: 'image/jpeg', width: 2048, height: 1365, size: 100 },
  { id: 12, filename: '快剪.mp4', kind: 'video', content_type: 'video/mp4', size: 5000 },
]

function json(status: number, body: unknown) {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
}

function mountPage() {
  return mount(AlbumPage, {
    props: { token: TOKEN },
    attachTo: document.body,
    global: { plugins: [createAppI18n('zh-CN'), Button, Empty, Field, ImagePreview, Loading] },
  })
}

afterEach(() => {
  vi.unstubAllGlobals()
  document.body.innerHTML = ''
})

describe('AlbumPage', () => {
  it('asks for the code, shows the server’s message for a wrong one, then the album', async () => {
    let unlocked = false
    const fetchMock = vi.fn(async (url: string, init?: RequestInit) => {
      const path = url.replace(`/api/v1/public/links/${TOKEN}`, '')
      if (path === '/unlock') {
        const { code } = JSON.parse(String(init?.body))
        if (code !== '2580') return json(403, { error: { code: 'access_code_wrong', field: 'code', message: '访问码不正确，还可以尝试 9 次。' } })
        unlocked = true
        return json(200, { unlocked: true })
      }
      if (path === '') return json(200, { ...ALBUM, needs_code: !unlocked })
      if (path === '/photos') return json(200, PHOTOS)
      return json(404, {})
    })
    vi.stubGlobal('fetch', fetchMock)
    const w = mountPage()
    await flushPromises()
    expect(w.get('[data-testid="album-title"]').text()).toBe('精修')
    expect(w.get('[data-testid="album-studio"]').text()).toBe('蜜糖影楼')
    expect(w.find('[data-testid="album-grid"]').exists()).toBe(false)

    await w.get('[data-testid="album-code"] input').setValue('1111')
    await w.get('[data-testid="album-code-form"]').trigger('submit')
    await flushPromises()
    expect(w.text()).toContain('访问码不正确，还可以尝试 9 次。')

    await w.get('[data-testid="album-code"] input').setValue('2580')
    await w.get('[data-testid="album-code-form"]').trigger('submit')
    await flushPromises()
    const img = w.get('[data-testid="album-photo"] img')
    expect(img.attributes('src')).toBe(`/api/v1/public/links/${TOKEN}/photos/11/thumb`)
    expect(img.attributes('srcset')).toContain('/photos/11/preview 2048w')
    expect(img.attributes('loading')).toBe('lazy')
    expect(w.get('[data-testid="album-video"]').attributes('src')).toContain('/photos/12/video')
    expect(w.get('[data-testid="album-zip"]').attributes('href')).toBe(`/api/v1/public/links/${TOKEN}/zip`)
  })

  it('an expired link shows why', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => json(410, { error: { code: 'link_expired', message: '链接已过期，相册不再开放。如需查看，请联系影楼。' } })))
    const w = mountPage()
    await flushPromises()
    expect(w.get('[data-testid="album-error"]').text()).toContain('链接已过期')
  })

  it('a view-only album offers no downloads', async () => {
    vi.stubGlobal('fetch', vi.fn(async (url: string) => (url.endsWith('/photos') ? json(200, PHOTOS) : json(200, { ...ALBUM, needs_code: false, download: 'none' }))))
    const w = mountPage()
    await flushPromises()
    expect(w.find('[data-testid="album-zip"]').exists()).toBe(false)
    expect(w.findAll('[data-testid="album-photo"]')).toHaveLength(1)
  })

  it('reads the token from the address', () => {
    expect(tokenFromPath(`/s/${TOKEN}`)).toBe(TOKEN)
    expect(tokenFromPath('/s/short')).toBe('')
    expect(tokenFromPath('/')).toBe('')
  })
})

describe('AlbumPage live', () => {
  function stubLive(live: boolean) {
    vi.stubGlobal('fetch', vi.fn(async (url: string) => {
      const path = url.replace(`/api/v1/public/links/${TOKEN}`, '')
      if (path === '') return json(200, { ...ALBUM, needs_code: false, live })
      if (path === '/photos') return json(200, PHOTOS)
      return json(404, {})
    }))
    const sources: FakeEventSource[] = []
    class FakeEventSource extends EventTarget {
      constructor(readonly url: string) {
        super()
        sources.push(this)
      }
      close() {}
    }
    vi.stubGlobal('EventSource', FakeEventSource)
    return sources
  }

  it('opens no event stream and shows no badge for an album that is not live', async () => {
    const sources = stubLive(false)
    const w = mountPage()
    await flushPromises()
    expect(w.find('[data-testid="album-title"]').text()).toBe('精修')
    expect(sources).toEqual([])
    expect(w.find('[data-testid="album-live"]').exists()).toBe(false)
  })

  it('puts a photo that becomes ready first in the grid of a live album, without a reload', async () => {
    const sources = stubLive(true)
    const w = mountPage()
    await flushPromises()
    expect(w.get('[data-testid="album-live"]').text()).toBe('直播中')
    expect(sources.map((s) => s.url)).toEqual([`/api/v1/public/links/${TOKEN}/events`])
    expect(w.findAll('[data-testid="album-photo"]').map((b) => b.attributes('data-id'))).toEqual(['11'])
    const p = { id: 13, filename: '现场_001.JPG', kind: 'image', content_type: 'image/jpeg', width: 640, height: 480, size: 10 }
    sources[0].dispatchEvent(new MessageEvent('photo', { data: JSON.stringify(p) }))
    sources[0].dispatchEvent(new MessageEvent('photo', { data: JSON.stringify(p) })) // once only
    await flushPromises()
    expect(w.findAll('[data-testid="album-photo"]').map((b) => b.attributes('data-id'))).toEqual(['13', '11'])
    // The studio deleted one: its tile goes.
    sources[0].dispatchEvent(new MessageEvent('photo', { data: JSON.stringify({ id: 11, removed: true }) }))
    await flushPromises()
    expect(w.findAll('[data-testid="album-photo"]').map((b) => b.attributes('data-id'))).toEqual(['13'])
  })
})
