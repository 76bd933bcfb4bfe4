import { afterEach, describe, expect, it } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import OrderDetailPage from './OrderDetailPage.vue'
import { defaultSettings } from './albumForm'
import { fakeSession, mountStudio, settle } from '@/test/mount'
import { installFakeWails, wailsError } from '@/test/fakeWails'

const ORDER = { id: 4, branch_id: 1, customer_name: '王小姐', phone: '13600000001', package: 'A 套餐', shoot_date: '2026-12-24', code: 'ABCD2345', note: '' }
const ALBUM = { id: 9, order_id: 4, kind: 'retouched', title: '精修', sort_order: 0, settings: defaultSettings('retouched'), status: 'open', photo_count: 12, bytes: 3 << 20 }

function backend(over: Record<string, (...a: unknown[]) => unknown> = {}) {
  return installFakeWails({ GetOrder: () => ({ order: ORDER, albums: [ALBUM] }), ...over })
}

const ALL = ['order.manage', 'album.manage']

afterEach(() => {
  document.body.innerHTML = ''
})

describe('OrderDetailPage', () => {
  it('shows the order with its code and albums', async () => {
    backend()
    const { wrapper } = await mountStudio(OrderDetailPage, { session: fakeSession(ALL), route: '/orders/4' })
    await settle()
    expect(wrapper.get('[data-testid="order-info-code"]').text()).toBe('ABCD2345')
    const table = wrapper.get('[data-testid="albums-table"]').text()
    expect(table).toContain('精修')
    expect(table).toContain('可下载原图')
    expect(table).toContain('12 · 3 MB')
  })

  it('a new album starts from its kind’s defaults, and a credit shortage is shown as the server says it', async () => {
    const app = backend({
      SaveAlbum: () =>
        Promise.reject(
          wailsError({ code: 'credits_insufficient', message: '点数不足：需要 10 点，当前余额 0 点。请在「点数」页充值后重试。', params: { need: 10, have: 0 } }),
        ),
    })
    const { wrapper } = await mountStudio(OrderDetailPage, { session: fakeSession(ALL), route: '/orders/4' })
    await settle()
    await wrapper.get('[data-testid="album-create"]').trigger('click')
    await flushPromises()
    await wrapper.get('[data-testid="album-title"]').setValue('底片')
    await wrapper.get('[data-testid="album-save"]').trigger('click')
    await settle()
    const [orderId, sent] = app.SaveAlbum.mock.calls[0] as [number, { kind: string; settings: { download: string; watermark: { enabled: boolean } } }]
    expect(orderId).toBe(4)
    expect(sent).toMatchObject({ id: 0, kind: 'raw', title: '底片', sort_order: 1 })
    expect(sent.settings.download).toBe('compressed')
    expect(sent.settings.watermark.enabled).toBe(true)
    expect(document.body.textContent).toContain('需要 10 点，当前余额 0 点')
  })

  it('phone correction shows a refusal under its field and reloads on success', async () => {
    let fail = true
    const app = backend({
      CorrectOrderPhone: () =>
        fail ? Promise.reject(wailsError({ code: 'reason_required', field: 'reason', message: '请填写原因。' })) : { ...ORDER, phone: '13600000009' },
    })
    const { wrapper } = await mountStudio(OrderDetailPage, { session: fakeSession(ALL), route: '/orders/4' })
    await settle()
    await wrapper.get('[data-testid="order-correct-phone"]').trigger('click')
    await flushPromises()
    await wrapper.get('[data-testid="phone-new"]').setValue('13600000009')
    await wrapper.get('[data-testid="phone-save"]').trigger('click')
    await settle()
    expect(document.body.textContent).toContain('请填写原因。')
    fail = false
    await wrapper.get('[data-testid="phone-reason"]').setValue('客户报错号码')
    await wrapper.get('[data-testid="phone-save"]').trigger('click')
    await settle()
    expect(app.CorrectOrderPhone).toHaveBeenLastCalledWith(4, '13600000009', '客户报错号码')
    expect(app.GetOrder).toHaveBeenCalledTimes(2)
  })

  it('without album.manage the album buttons say which permission is missing', async () => {
    backend()
    const { wrapper } = await mountStudio(OrderDetailPage, { session: fakeSession(['order.manage']), route: '/orders/4' })
    await settle()
    const reasons = wrapper.findAll('[data-testid="guard-denied"]').map((w) => w.attributes('data-guard-reason'))
    expect(reasons.length).toBeGreaterThanOrEqual(2)
    expect(reasons.every((r) => r?.includes('管理相册'))).toBe(true)
  })

  it('extends a hidden album for credits, showing the cost and the server’s refusal when short', async () => {
    let hidden = true
    const app = backend({
      GetOrder: () => ({ order: ORDER, albums: [{ ...ALBUM, retain_until: '2026-12-01T00:00:00Z', hidden_at: hidden ? '2026-12-01T01:00:00Z' : undefined }] }),
      Credits: () => ({ balance: 7, prices: { items: { 'retention.month': 3 }, fen_per_credit: 100 }, providers: ['manual'] }),
      ExtendAlbum: (_id: unknown, months: unknown) => {
        if (Number(months) > 2) return Promise.reject(wailsError({ code: 'credits_insufficient', message: '点数不足：需要 9 点，当前余额 7 点。' }))
        hidden = false
        return { ...ALBUM }
      },
    })
    const { wrapper } = await mountStudio(OrderDetailPage, { session: fakeSession(ALL), route: '/orders/4' })
    await settle()
    expect(wrapper.get('[data-testid="album-hidden"]').text()).toBe('已到期隐藏')
    await wrapper.get('[data-testid="album-extend"]').trigger('click')
    await settle()
    const months = document.querySelector('[data-testid="extend-months"] input') as HTMLInputElement
    months.value = '3'
    months.dispatchEvent(new Event('input'))
    months.dispatchEvent(new Event('change'))
    await settle()
    expect(document.querySelector('[data-testid="extend-cost"]')!.textContent).toContain('需要 9 点（当前余额 7 点）')
    ;(document.querySelector('[data-testid="extend-confirm"]') as HTMLButtonElement).click()
    await settle()
    expect(app.ExtendAlbum).toHaveBeenLastCalledWith(9, 3)
    expect(document.querySelector('[data-testid="extend-dialog"]')!.textContent).toContain('点数不足')
    months.value = '2'
    months.dispatchEvent(new Event('input'))
    months.dispatchEvent(new Event('change'))
    await settle()
    ;(document.querySelector('[data-testid="extend-confirm"]') as HTMLButtonElement).click()
    await settle()
    expect(app.ExtendAlbum).toHaveBeenLastCalledWith(9, 2)
    expect(wrapper.find('[data-testid="album-hidden"]').exists()).toBe(false)
  }, 30_000)
})
