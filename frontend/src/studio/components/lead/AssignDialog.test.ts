import { afterEach, describe, expect, it } from 'vitest'
import { enableAutoUnmount } from '@vue/test-utils'
import AssignDialog from './AssignDialog.vue'
import BatchReportView from './BatchReportView.vue'
import { fakeSession, mountStudio, settle } from '@/test/mount'
import { installFakeWails } from '@/test/fakeWails'
import { REFERENCE } from '@/test/leadFixtures'

enableAutoUnmount(afterEach)

const ASSIGNEES = {
  offered: [
    { staff_id: 31, name: '小李', active: true, checked_in: true, in_scope: true, assigned_today: 3, daily_cap: 20, holding: 40, holding_cap: 0, weight: 1, open_leads: 12 },
  ],
  excluded: [
    { staff_id: 32, name: '小张', reason: 'not_checked_in' },
    { staff_id: 33, name: '小赵', reason: 'daily_cap' },
    { staff_id: 34, name: '老周', reason: 'disabled' },
    { staff_id: 35, name: '小孙', reason: 'holding_cap' },
    { staff_id: 36, name: '小吴', reason: 'out_of_scope' },
  ],
  next: 31,
}

const el = (id: string) => document.querySelector(`[data-testid="${id}"]`) as HTMLElement | null
const text = (id: string) => el(id)?.textContent?.replace(/\s+/g, ' ').trim() ?? ''

describe('AssignDialog', () => {
  it('lists who is offered and, apart, who is not with the localized reason', async () => {
    const app = installFakeWails({ ...REFERENCE, Assignees: () => ASSIGNEES })
    await mountStudio(AssignDialog, { session: fakeSession(['lead.assign']), route: '/leads', props: { modelValue: true, leadIds: [1, 2] } })
    await settle(20)

    expect(app.Assignees).toHaveBeenCalledWith(0, 'manual')
    expect(text('assign-offered-31')).toContain('小李')
    expect(text('assign-offered-31')).toContain('今日已分 3 / 上限 20')
    expect(text('assign-offered-31')).toContain('已签到')
    const excluded = [...document.querySelectorAll('[data-testid^="assign-excluded-"][data-reason]')].map(
      (li) => `${li.querySelector('.pick')?.textContent} · ${li.querySelector('[data-testid="assign-excluded-reason"]')?.textContent?.trim()}`,
    )
    expect(excluded).toEqual(['小张 · 今天未签到', '小赵 · 已达今日分配上限', '老周 · 账号已停用', '小孙 · 已达持有上限', '小吴 · 不在你的数据范围内'])
    // Nobody excluded is offered.
    expect(el('assign-offered-32')).toBeNull()
    expect(el('assign-dialog')!.textContent).toContain('不会分配给以下人员（5）')
  })

  it('assigns to the chosen person and shows the result per lead', async () => {
    const app = installFakeWails({
      ...REFERENCE,
      Assignees: () => ASSIGNEES,
      AssignLeads: () => ({ applied: true, results: [{ lead_id: 1, ok: true, staff_id: 31 }, { lead_id: 2, ok: true, staff_id: 31 }] }),
    })
    await mountStudio(AssignDialog, { session: fakeSession(['lead.assign']), route: '/leads', props: { modelValue: true, leadIds: [1, 2] } })
    await settle(20)
    el('assign-submit')!.click()
    await settle(20)
    expect(app.AssignLeads).not.toHaveBeenCalled()
    expect(text('assign-error')).toContain('请在「可分配的人」中选择一个人')

    el('assign-offered-31')!.click()
    await settle(20)
    el('assign-submit')!.click()
    await settle(20)
    expect(app.AssignLeads).toHaveBeenCalledWith({ lead_ids: [1, 2], staff_id: 31 })
    expect(el('batch-report')!.getAttribute('data-applied')).toBe('true')
    expect(text('batch-report-summary')).toContain('全部完成：2 条客资已处理')
    expect(text('batch-result-1')).toContain('→ 小李')
  })

  it('requires a reason to transfer', async () => {
    const app = installFakeWails({ ...REFERENCE, Assignees: () => ASSIGNEES, TransferLeads: () => ({ applied: true, results: [] }) })
    await mountStudio(AssignDialog, {
      session: fakeSession(['lead.transfer']),
      route: '/leads',
      props: { modelValue: true, leadIds: [1], mode: 'transfer' },
    })
    await settle(20)
    expect(el('assign-target')).toBeNull()
    el('assign-offered-31')!.click()
    await settle(20)
    el('assign-submit')!.click()
    await settle()
    expect(app.TransferLeads).not.toHaveBeenCalled()
    expect(el('field-reason')!.querySelector('.el-form-item__error')?.textContent).toContain('请填写转移原因')
  })
})

describe('BatchReportView', () => {
  it('says nothing changed and shows each refused lead with code and message', async () => {
    const report = {
      applied: false,
      results: [
        { lead_id: 1, ok: false },
        { lead_id: 2, ok: false, code: 'lead_owned', message: '客资已有负责人，请用「转移」。' },
        { lead_id: 3, ok: false, code: 'lead_deleted', message: '客资已删除。' },
      ],
    }
    installFakeWails(REFERENCE)
    const names: Record<number, string> = { 1: '张三', 2: '李四' }
    const { wrapper } = await mountStudio(BatchReportView, {
      session: fakeSession([]),
      route: '/leads',
      props: { report, leadName: (id: number) => names[id] ?? '' },
    })
    expect(wrapper.get('[data-testid="batch-report"]').attributes('data-applied')).toBe('false')
    expect(wrapper.get('[data-testid="batch-report-summary"]').text()).toContain('没有执行：其中 2 条不能处理')
    const row = (id: number) => wrapper.get(`[data-testid="batch-result-${id}"]`)
    expect(row(1).text()).toBe('可以处理')
    expect(row(2).attributes('data-code')).toBe('lead_owned')
    expect(row(2).text()).toContain('客资已有负责人，请用「转移」。')
    expect(row(3).text()).toContain('lead_deleted')
    expect(wrapper.text()).toContain('李四')
    expect(wrapper.text()).toContain('客资 #3')
  })
})
