import { describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import OrdersPage from './OrdersPage.vue'
import { fakeSession, mountStudio, settle } from '@/test/mount'
import { installFakeWails } from '@/test/fakeWails'

const ORDER = { id: 4, branch_id: 1, customer_name: '王小姐', phone: '13600000001', package: 'A 套餐', shoot_date: '2026-12-24', code: 'ABCD2345', note: '' }

describe('OrdersPage', () => {
  it('searches, creates an order in the user’s branch and opens it; editing keeps the phone locked', async () => {
    const app = installFakeWails({
      ListOrders: () => ({ orders: [ORDER] }),
      ListBranches: () => [{ id: 1, brand_id: 1, name: '旗舰店' }],
      SaveOrder: () => ({ ...ORDER, id: 5 }),
    })
    const { wrapper, router } = await mountStudio(OrdersPage, { session: fakeSession(['order.manage']), route: '/orders' })
    await settle()
    expect(wrapper.get('[data-testid="orders-table"]').text()).toContain('ABCD2345')
    await wrapper.get('[data-testid="orders-search"]').setValue('1234')
    await wrapper.get('[data-testid="orders-search"]').trigger('keyup', { key: 'Enter' })
    await flushPromises()
    expect(app.ListOrders).toHaveBeenLastCalledWith({ q: '1234', limit: 200 })

    await wrapper.get('[data-testid="orders-create"]').trigger('click')
    await flushPromises()
    await wrapper.get('[data-testid="order-customer"]').setValue('李先生')
    await wrapper.get('[data-testid="order-phone"]').setValue('13600000002')
    await wrapper.get('[data-testid="orders-save"]').trigger('click')
    await settle()
    expect(app.SaveOrder.mock.calls[0][0]).toMatchObject({ id: 0, customer_name: '李先生', phone: '13600000002', branch_id: 1 })
    // The order page is a lazy chunk: on a loaded machine its import outlasts settle().
    await vi.waitFor(() => expect(router.currentRoute.value.fullPath).toBe('/orders/5'), { timeout: 20_000 })

    await router.push('/orders')
    await wrapper.get('[data-testid="orders-edit"]').trigger('click')
    await flushPromises()
    expect(wrapper.get('[data-testid="order-phone"]').attributes('disabled')).toBeDefined()
  }, 30_000)
})
