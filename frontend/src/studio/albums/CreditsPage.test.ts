import { describe, expect, it } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import CreditsPage from './CreditsPage.vue'
import { fakeSession, mountStudio, settle } from '@/test/mount'
import { installFakeWails, wailsError } from '@/test/fakeWails'

const VIEW = { balance: 70, prices: { items: { 'album.create': 10 }, fen_per_credit: 100 }, providers: ['manual'] }
const ENTRIES = [
  { id: 3, kind: 'spend', item: 'album.create', quantity: 1, amount: -30, balance: 70, created_at: '2026-12-04T02:00:00Z' },
  { id: 1, kind: 'topup', provider: 'manual', amount: 100, balance: 100, note: '转账', created_at: '2026-12-03T02:00:00Z' },
]

function backend(buy: () => unknown = () => ({})) {
  return installFakeWails({
    Credits: () => VIEW,
    CreditLedger: (before: number) => (before ? { entries: [{ ...ENTRIES[1], id: 0 }] } : { entries: ENTRIES, next: 1 }),
    CreditPurchases: () => null,
    BuyCredits: buy,
  })
}

describe('CreditsPage', () => {
  it('shows the balance, prices and the ledger with signed amounts, and pages older entries', async () => {
    const app = backend()
    const { wrapper } = await mountStudio(CreditsPage, { session: fakeSession(['credits.view']), route: '/credits' })
    await settle()
    expect(wrapper.get('[data-testid="credits-balance"]').text()).toContain('70')
    expect(wrapper.get('[data-testid="credits-prices"]').text()).toContain('创建相册')
    const amounts = wrapper.findAll('[data-testid="credits-amount"]').map((w) => w.text())
    expect(amounts).toEqual(['-30', '+100'])
    expect(wrapper.get('[data-testid="credits-ledger"]').text()).toContain('转账')
    await wrapper.get('[data-testid="credits-more"]').trigger('click')
    await flushPromises()
    expect(app.CreditLedger).toHaveBeenLastCalledWith(1, 50)
    expect(wrapper.findAll('[data-testid="credits-amount"]')).toHaveLength(3)
    expect(wrapper.find('[data-testid="credits-more"]').exists()).toBe(false)
  })

  it('without settings.manage the buy button says why it is disabled', async () => {
    backend()
    const { wrapper } = await mountStudio(CreditsPage, { session: fakeSession(['credits.view']), route: '/credits' })
    await settle()
    expect(wrapper.get('[data-testid="guard-denied"]').attributes('data-guard-reason')).toContain('管理设置')
  })

  it('buying shows the manual transfer reference, and a refusal under the field', async () => {
    let fail = true
    const app = backend(() =>
      fail
        ? Promise.reject(wailsError({ code: 'credits_invalid', field: 'credits', message: '「点数」必须是 1 到 10000000 之间的整数。' }))
        : { id: 5, provider: 'manual', provider_ref: 'M12AB', credits: 100, amount_fen: 10000, status: 'pending', created_by: 1, created_at: '2026-12-04T02:00:00Z' },
    )
    const { wrapper } = await mountStudio(CreditsPage, { session: fakeSession(['credits.view', 'settings.manage']), route: '/credits' })
    await settle()
    await wrapper.get('[data-testid="credits-buy"]').trigger('click')
    await flushPromises()
    await wrapper.get('[data-testid="credits-buy-confirm"]').trigger('click')
    await settle()
    expect(document.body.textContent).toContain('必须是 1 到 10000000 之间的整数')
    fail = false
    await wrapper.get('[data-testid="credits-buy-confirm"]').trigger('click')
    await settle()
    expect(app.BuyCredits).toHaveBeenLastCalledWith(100, 'manual')
    expect(document.body.textContent).toContain('M12AB')
    expect(document.body.textContent).toContain('¥100.00')
  })
})
