import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { enableAutoUnmount, flushPromises } from '@vue/test-utils'
import LeadsPage from './LeadsPage.vue'
import { fakeSession, mountStudio, settle } from '@/test/mount'
import { installFakeWails } from '@/test/fakeWails'
import { REFERENCE, makeLead } from '@/test/leadFixtures'
import type { LeadQuery } from '@/studio/bridge'

enableAutoUnmount(afterEach)

const NOW = new Date('2026-12-04T10:00:00+08:00')

beforeEach(() => {
  // Only Date is faked: debounces and Element Plus keep real timers.
  vi.useFakeTimers({ toFake: ['Date'] })
  vi.setSystemTime(NOW)
})
afterEach(() => {
  vi.useRealTimers()
})

function backend(list: (q: LeadQuery) => unknown = () => ({ leads: [makeLead({ id: 1, name: '张三' })] })) {
  return installFakeWails({ ...REFERENCE, ListLeads: list })
}

async function mountPage(perms: string[] = ['lead.create']) {
  return mountStudio(LeadsPage, { session: fakeSession(perms), route: '/leads' })
}

const lastQuery = (app: ReturnType<typeof backend>) => app.ListLeads.mock.calls.at(-1)?.[0] as LeadQuery

// Mounting the page (Element Plus table in jsdom) takes seconds on a shared 2-core machine.
describe('LeadsPage', { timeout: 20_000 }, () => {
  it('always shows the active date range, starting with the default last 30 days', async () => {
    const app = backend()
    const { wrapper } = await mountPage()

    const banner = wrapper.get('[data-testid="lead-range-banner"]')
    expect(banner.isVisible()).toBe(true)
    expect(banner.get('[data-testid="lead-range-created"]').text()).toContain('显示 2026-11-05 至 2026-12-04 创建的客资（最近 30 天 · 默认）')
    expect(banner.text()).toContain('清除')
    expect(lastQuery(app)).toMatchObject({ created_from: '2026-11-05T00:00:00+08:00', created_to: '2026-12-05T00:00:00+08:00', limit: 50 })
    expect(wrapper.findAll('[data-testid="lead-row-name"]').map((w) => w.text())).toEqual(['张三'])
  })

  it('updates the banner and the query when the range changes, and says so when it is cleared', async () => {
    const app = backend()
    const { wrapper } = await mountPage()

    await wrapper.get('[data-testid="lead-preset-yesterday"] input').setValue(true)
    await settle(20)
    const banner = wrapper.get('[data-testid="lead-range-banner"]')
    expect(banner.get('[data-testid="lead-range-created"]').text()).toContain('显示 2026-12-03 至 2026-12-03 创建的客资（昨天）')
    expect(lastQuery(app)).toMatchObject({ created_from: '2026-12-03T00:00:00+08:00', created_to: '2026-12-04T00:00:00+08:00' })

    await wrapper.get('[data-testid="lead-range-clear-created"]').trigger('click')
    await settle(20)
    expect(wrapper.get('[data-testid="lead-range-banner"]').text()).toContain('显示所有日期创建的客资（未限制日期）')
    expect(lastQuery(app).created_from).toBeUndefined()
    expect(lastQuery(app).created_to).toBeUndefined()
  })

  it('searches as you type, once, 30 ms after the last keystroke', async () => {
    const app = backend()
    const { wrapper } = await mountPage()
    const before = app.ListLeads.mock.calls.length

    const input = wrapper.get('[data-testid="lead-search"]')
    // Keys pressed together (one tick) make one search, for the last text.
    void input.setValue('8')
    void input.setValue('80')
    await input.setValue('8000')
    expect(app.ListLeads.mock.calls.length).toBe(before)

    await settle(200)
    expect(app.ListLeads.mock.calls.length).toBe(before + 1)
    expect(lastQuery(app)).toMatchObject({ q: '8000', created_from: '2026-11-05T00:00:00+08:00' })
    expect(wrapper.get('[data-testid="lead-active-filters"]').text()).toContain('搜索“8000”')
  })

  it('ignores an older answer that arrives after a newer search', async () => {
    let resolveSlow: (v: unknown) => void = () => {}
    const app = backend((q) =>
      q.q === '1'
        ? new Promise((r) => (resolveSlow = r))
        : { leads: q.q ? [makeLead({ id: 2, name: `找到${q.q}` })] : [makeLead({ id: 1, name: '张三' })] },
    )
    const { wrapper } = await mountPage()
    const input = wrapper.get('[data-testid="lead-search"]')
    await input.setValue('1')
    await settle(200)
    await input.setValue('12')
    await settle(200)
    resolveSlow({ leads: [makeLead({ id: 3, name: '旧结果' })] })
    await settle(20)
    expect(app.ListLeads).toHaveBeenCalled()
    expect(wrapper.findAll('[data-testid="lead-row-name"]').map((w) => w.text())).toEqual(['找到12'])
  })

  it('renders a page of 50 rows and loads the next page with the cursor', async () => {
    const page1 = Array.from({ length: 50 }, (_, i) => makeLead({ id: 1000 + i, name: `客户${i}` }))
    const app = backend((q) => (q.cursor === 'c2' ? { leads: [makeLead({ id: 2000, name: '第51位' })] } : { leads: page1, next: 'c2' }))
    const { wrapper } = await mountPage()
    // The first frame shows the first 20 rows (more than a window holds), the rest right after.
    // How fast it renders is measured by bench/desk/ui.mjs in Chromium, never by a timed test.
    await settle(50)
    expect(wrapper.findAll('[data-testid="lead-row-name"]')).toHaveLength(50)

    await wrapper.get('[data-testid="lead-load-more"]').trigger('click')
    await flushPromises()
    expect(lastQuery(app)).toMatchObject({ cursor: 'c2', limit: 50 })
    expect(wrapper.findAll('[data-testid="lead-row-name"]')).toHaveLength(51)
    expect(wrapper.find('[data-testid="lead-load-more"]').exists()).toBe(false)
  })

  it('keeps the selected leads a new answer still shows, and drops the others', async () => {
    backend((q) => ({
      leads: (q.q ? [2, 3, 4] : [1, 2, 3]).map((id) => makeLead({ id, name: `客户${id}` })),
    }))
    const { wrapper } = await mountPage(['lead.assign'])
    const boxes = () => wrapper.findAll('.el-table__body .el-checkbox input')
    await boxes()[0].setValue(true)
    await boxes()[1].setValue(true)
    await flushPromises()
    expect(wrapper.get('[data-testid="lead-batch-bar"]').text()).toContain('已选 2 条')

    await wrapper.get('[data-testid="lead-search"] input, input[data-testid="lead-search"]').setValue('客户')
    await settle(100)
    expect(wrapper.findAll('[data-testid="lead-row-name"]').map((w) => w.text())).toEqual(['客户2', '客户3', '客户4'])
    // Lead 2 is still shown and still selected; lead 1 left the list and the selection.
    expect(wrapper.get('[data-testid="lead-batch-bar"]').text()).toContain('已选 1 条')
    expect(boxes().map((b) => (b.element as HTMLInputElement).checked)).toEqual([true, false, false])
  })

  it('offers batch actions for the selection, disabled with the permission named when missing', async () => {
    backend(() => ({ leads: [makeLead({ id: 1 }), makeLead({ id: 2 })] }))
    const { wrapper } = await mountPage(['lead.assign'])
    expect(wrapper.find('[data-testid="lead-batch-bar"]').exists()).toBe(false)

    await wrapper.findAll('.el-table__body .el-checkbox input')[0].setValue(true)
    await flushPromises()
    const bar = wrapper.get('[data-testid="lead-batch-bar"]')
    expect(bar.text()).toContain('已选 1 条')
    expect(bar.get('[data-testid="lead-batch-assign"]').attributes('disabled')).toBeUndefined()
    expect(bar.get('[data-testid="lead-batch-delete"]').attributes('disabled')).toBeDefined()
    const reasons = bar.findAll('[data-testid="guard-denied"]').map((g) => g.attributes('data-guard-reason'))
    expect(reasons).toContain('需要权限：转移客资')
    expect(reasons).toContain('需要权限：批量编辑客资')
  })
})
