import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { Button, Empty, Field } from 'vant'
import { createAppI18n } from '@/shared/i18n'
import { slugFromPath } from '@/shared/api/shareApi'
import MyPhotosPage from './MyPhotosPage.vue'

const SLUG = 'Q2xhc3NpY1N0dWRpbzEy'
const RESULT = {
  studio: '蜜糖影楼',
  customer: '王小姐',
  albums: [
    { title: '精修', kind: 'retouched', photo_count: 30, expires_at: '2027-12-01T00:00:00Z', path: '/s/tokenA' },
    { title: '底片', kind: 'raw', photo_count: 800, expires_at: '2027-03-01T00:00:00Z', path: '/s/tokenB' },
  ],
}

function json(status: number, body: unknown) {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
}

function mountPage() {
  return mount(MyPhotosPage, { props: { slug: SLUG }, attachTo: document.body, global: { plugins: [createAppI18n('zh-CN'), Button, Empty, Field] } })
}

async function type(w: ReturnType<typeof mountPage>, testid: string, value: string) {
  await w.get(`[data-testid="${testid}"] input`).setValue(value)
}

afterEach(() => {
  vi.unstubAllGlobals()
  sessionStorage.clear()
  document.body.innerHTML = ''
})

describe('MyPhotosPage', () => {
  it('shows the server’s message for a wrong code, then the customer’s albums as links', async () => {
    const fetchMock = vi.fn(async (url: string, init?: RequestInit) => {
      if (url === `/api/v1/public/studios/${SLUG}`) return json(200, { studio: '蜜糖影楼' })
      const { phone, code } = JSON.parse(String(init?.body))
      if (code !== 'ABCD2345') {
        return json(403, { error: { code: 'order_lookup_failed', field: 'order_code', message: '手机号或订单码不正确，还可以尝试 9 次。' } })
      }
      expect(phone).toBe('13600000001')
      return json(200, RESULT)
    })
    vi.stubGlobal('fetch', fetchMock)
    const w = mountPage()
    await flushPromises()
    expect(w.get('[data-testid="myphotos-studio"]').text()).toBe('蜜糖影楼')

    await w.get('[data-testid="myphotos-submit"]').trigger('submit')
    await flushPromises()
    expect(w.text()).toContain('请填写手机号和订单码')
    expect(fetchMock).toHaveBeenCalledTimes(1) // nothing sent for an empty form

    await type(w, 'myphotos-phone', '13600000001')
    await type(w, 'myphotos-code', 'WRONG123')
    await w.get('form').trigger('submit')
    await flushPromises()
    expect(w.text()).toContain('还可以尝试 9 次')

    await type(w, 'myphotos-code', 'ABCD2345')
    await w.get('form').trigger('submit')
    await flushPromises()
    const albums = w.findAll('[data-testid="myphotos-album"]')
    expect(albums.map((a) => a.attributes('href'))).toEqual(['/s/tokenA', '/s/tokenB'])
    expect(albums[0].text()).toContain('精修')
    expect(albums[0].text()).toContain('30 个文件')
    expect(w.get('[data-testid="myphotos-hello"]').text()).toContain('王小姐')
    expect(JSON.parse(sessionStorage.getItem(`myphotos:${SLUG}`)!).albums).toHaveLength(2)

    await w.get('[data-testid="myphotos-forget"]').trigger('click')
    expect(w.find('[data-testid="myphotos-form"]').exists()).toBe(true)
    expect(sessionStorage.getItem(`myphotos:${SLUG}`)).toBeNull()
  })

  it('an unknown page says so', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => json(404, { error: { code: 'page_not_found', message: '页面不存在。请向影楼确认地址是否完整。' } })))
    const w = mountPage()
    await flushPromises()
    expect(w.get('[data-testid="myphotos-missing"]').text()).toContain('页面不存在')
  })

  it('reads the slug from the address', () => {
    expect(slugFromPath(`/my/${SLUG}`)).toBe(SLUG)
    expect(slugFromPath('/my/../etc')).toBe('')
    expect(slugFromPath('/s/abc')).toBe('')
  })
})
