import { afterEach, describe, expect, it } from 'vitest'
import { enableAutoUnmount, flushPromises } from '@vue/test-utils'
import LeadDetail from './LeadDetail.vue'
import { fakeSession, mountStudio, settle } from '@/test/mount'
import { installFakeWails, wailsError } from '@/test/fakeWails'
import { REFERENCE, makeDetail, makeLead } from '@/test/leadFixtures'
import type { LeadDetail as Detail } from '@/studio/bridge'

enableAutoUnmount(afterEach)

const NEXT: Detail['next'] = [
  { axis: 'validity', states: ['valid', 'invalid'] },
  { axis: 'booking', states: ['calling', 'booked', 'postponed', 'lost'] },
  { axis: 'store', states: [] },
]

function backend(detail: Detail, extra: Record<string, (...a: any[]) => unknown> = {}) {
  return installFakeWails({
    ...REFERENCE,
    GetLead: () => detail,
    LeadTimeline: () => [
      { id: 1, lead_id: detail.lead.id, type: 'created', actor_id: 7, at: '2026-12-03T02:00:00Z' },
      {
        id: 2,
        lead_id: detail.lead.id,
        type: 'status',
        axis: 'validity',
        from: 'pending',
        to: 'invalid',
        reason: 'empty_number',
        actor_id: 7,
        at: '2026-12-03T03:00:00Z',
      },
      { id: 3, lead_id: detail.lead.id, type: 'call', actor_id: 7, data: { result: 'no_answer' }, at: '2026-12-03T04:00:00Z' },
    ],
    ...extra,
  })
}

const mountDetail = (perms: string[] = [], id = 5) =>
  mountStudio(LeadDetail, { session: fakeSession(perms), route: '/leads', props: { leadId: id } })

const buttons = (wrapper: Awaited<ReturnType<typeof mountDetail>>['wrapper'], axis: string) =>
  wrapper.findAll(`[data-testid="lead-next-${axis}"] button`).map((b) => b.attributes('data-testid'))

describe('LeadDetail', () => {
  it('offers exactly the valid next states of each axis', async () => {
    backend(makeDetail(makeLead({ id: 5 }), NEXT))
    const { wrapper } = await mountDetail()

    expect(buttons(wrapper, 'validity')).toEqual(['lead-next-validity-valid', 'lead-next-validity-invalid'])
    expect(buttons(wrapper, 'booking')).toEqual([
      'lead-next-booking-calling',
      'lead-next-booking-booked',
      'lead-next-booking-postponed',
      'lead-next-booking-lost',
    ])
    expect(buttons(wrapper, 'store')).toEqual([])
    expect(wrapper.get('[data-testid="lead-next-store"]').text()).toContain('当前状态没有可选的下一步')
    expect(wrapper.get('[data-testid="lead-next-booking"]').text()).toBe('邀约中已预约延期跟进邀约流失')
    expect(wrapper.get('[data-testid="lead-state-booking"]').text()).toBe('待邀约')
  })

  it('labels the store check-in and sends check_in with it', async () => {
    const lead = makeLead({ id: 5, booking: 'booked', booked_branch_id: 11 })
    const app = backend(makeDetail(lead, [{ axis: 'validity', states: [] }, { axis: 'booking', states: [] }, { axis: 'store', states: ['negotiating'] }]), {
      TransitionLead: () => ({ ...lead, booking: 'visited', store: 'negotiating' }),
    })
    const { wrapper } = await mountDetail()
    const checkIn = wrapper.get('[data-testid="lead-next-store-negotiating"]')
    expect(checkIn.text()).toBe('到店签到')
    await checkIn.trigger('click')
    await flushPromises()
    ;(document.querySelector('[data-testid="transition-save"]') as HTMLElement).click()
    await settle(20)
    expect(app.TransitionLead).toHaveBeenCalledWith({ id: 5, axis: 'store', to: 'negotiating', check_in: true, branch_id: 11 })
  })

  it('asks for a localized invalid reason and sends the key', async () => {
    const lead = makeLead({ id: 5 })
    const app = backend(makeDetail(lead, NEXT), { TransitionLead: () => ({ ...lead, validity: 'invalid' }) })
    const { wrapper } = await mountDetail()
    await wrapper.get('[data-testid="lead-next-validity-invalid"]').trigger('click')
    await flushPromises()

    const dialog = document.querySelector('[data-testid="transition-dialog"]') as HTMLElement
    expect(dialog.textContent).toContain('有效性：待判定 → 无效')
    ;(dialog.querySelector('[data-testid="transition-save"]') as HTMLElement).click()
    await settle()
    expect(app.TransitionLead).not.toHaveBeenCalled()
    expect(dialog.querySelector('[data-testid="field-reason"] .el-form-item__error')?.textContent).toContain('请填写此项')

    const options = [...document.querySelectorAll('[data-testid^="transition-reason-"]')].map((o) => o.textContent?.trim())
    expect(options).toEqual(['空号', '号码错误', '重复客资', '同行/骚扰', '非服务区域', '非目标客户', '测试'])
    ;(document.querySelector('[data-testid="transition-reason-empty_number"]') as HTMLElement).click()
    await flushPromises()
    ;(dialog.querySelector('[data-testid="transition-save"]') as HTMLElement).click()
    await settle(20)
    expect(app.TransitionLead).toHaveBeenCalledWith({ id: 5, axis: 'validity', to: 'invalid', reason: 'empty_number' })
  })

  it('shows a server refusal of the move in the dialog, with its message', async () => {
    const lead = makeLead({ id: 5 })
    backend(makeDetail(lead, NEXT), {
      TransitionLead: () =>
        Promise.reject(wailsError({ code: 'transition_invalid', field: 'to', message: '门店已成交，不能再改为已预约。请刷新后重试。' })),
    })
    const { wrapper } = await mountDetail()
    await wrapper.get('[data-testid="lead-next-booking-calling"]').trigger('click')
    await flushPromises()
    ;(document.querySelector('[data-testid="transition-save"]') as HTMLElement).click()
    await settle()
    expect(document.querySelector('[data-testid="transition-error"]')?.textContent).toContain('门店已成交，不能再改为已预约。请刷新后重试。')
  })

  it('renders the timeline with localized names, actor and China time', async () => {
    backend(makeDetail(makeLead({ id: 5 }), NEXT))
    const { wrapper } = await mountDetail()
    const events = wrapper.findAll('[data-testid="timeline-event"]')
    expect(events.map((e) => e.attributes('data-type'))).toEqual(['call', 'status', 'created'])
    expect(events[1].text()).toContain('状态变更 · 有效性：待判定 → 无效')
    expect(events[1].text()).toContain('原因：空号')
    expect(events[1].text()).toContain('小王')
    expect(events[1].text()).toContain('2026/12/03 11:00')
    expect(events[0].text()).toContain('结果：未接通')
  })

  it('guards the phone reveal and shows the number after the call', async () => {
    const app = backend(makeDetail(makeLead({ id: 5 }), NEXT), { RevealPhone: () => ({ phone: '+8613812348000' }) })
    const denied = await mountDetail([])
    const guard = denied.wrapper.get('[data-testid="lead-reveal"]')
    expect(guard.attributes('disabled')).toBeDefined()
    expect(denied.wrapper.find('[data-guard-reason="需要权限：查看完整手机号"]').exists()).toBe(true)
    denied.wrapper.unmount()

    const { wrapper } = await mountDetail(['lead.reveal_phone'])
    expect(wrapper.get('[data-testid="lead-detail-phone"]').text()).toBe('138****8000')
    await wrapper.get('[data-testid="lead-reveal"]').trigger('click')
    await flushPromises()
    expect(app.RevealPhone).toHaveBeenCalledWith(5)
    expect(wrapper.get('[data-testid="lead-detail-phone"]').text()).toBe('+8613812348000')
    expect(wrapper.find('[data-testid="lead-reveal"]').exists()).toBe(false)
  })

  it('marks a lead waiting to sync and offers retry / discard for a refused change', async () => {
    const lead = makeLead({ id: 5 })
    const rejected = [
      {
        mutation_id: 'm-1',
        name: 'lead.transition',
        args: { id: 5, axis: 'booking', to: 'booked' },
        state: 'rejected' as const,
        error: { code: 'transition_invalid', message: '该客资已成交，不能改为已预约。' },
        created_at: '2026-12-04T01:00:00Z',
      },
    ]
    backend(makeDetail(lead, NEXT, { pending: true, rejected }))
    const { wrapper } = await mountDetail()
    expect(wrapper.get('[data-testid="lead-pending"]').text()).toBe('待同步')
    const notice = wrapper.get('[data-testid="lead-rejected"]')
    expect(notice.text()).toContain('服务器拒绝了本机的一次修改：修改状态')
    expect(notice.get('[data-testid="lead-rejected-message"]').text()).toBe('该客资已成交，不能改为已预约。')
    expect(notice.find('[data-testid="lead-rejected-retry"]').text()).toBe('修改后重试')
    expect(notice.find('[data-testid="lead-rejected-discard"]').text()).toBe('放弃')
  })

  it('disables correcting without lead.correct_status, naming the permission', async () => {
    backend(makeDetail(makeLead({ id: 5 }), NEXT))
    const { wrapper } = await mountDetail(['lead.create'])
    expect(wrapper.get('[data-testid="lead-correct"]').attributes('disabled')).toBeDefined()
    expect(wrapper.find('[data-guard-reason="需要权限：更正客资状态"]').exists()).toBe(true)
  })
})
