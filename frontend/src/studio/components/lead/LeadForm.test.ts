import { afterEach, describe, expect, it } from 'vitest'
import { DOMWrapper, enableAutoUnmount, flushPromises } from '@vue/test-utils'
import LeadForm from './LeadForm.vue'
import { fakeSession, mountStudio, settle } from '@/test/mount'
import { installFakeWails, wailsError } from '@/test/fakeWails'
import { REFERENCE, makeDetail, makeLead } from '@/test/leadFixtures'

enableAutoUnmount(afterEach)

const DUPLICATE = {
  duplicate: true,
  phone: '+8613812348000',
  decision: {
    action: 'reject',
    summary: { lead_id: 42, phone: '138****8000', owner_id: 7, stage_axis: 'booking', stage: 'booked', last_follow_up: '2026-12-03T06:30:00Z' },
    can_request_transfer: false,
    can_reopen: false,
  },
}

function backend(extra: Record<string, (...a: any[]) => unknown> = {}) {
  return installFakeWails({
    ...REFERENCE,
    CustomFields: () => [
      { key: 'style', label: '风格', type: 'single', options: ['韩式', '中式'], required: true },
      { key: 'budget', label: '预算', type: 'number' },
    ],
    CheckDuplicate: (_brand: number, phone: string) => (phone.endsWith('8000') ? DUPLICATE : { duplicate: false, phone }),
    GetLead: () => makeDetail(makeLead({ id: 42 })),
    ...extra,
  })
}

async function openForm(perms = ['lead.create']) {
  const mounted = await mountStudio(LeadForm, { session: fakeSession(perms), route: '/leads', props: { modelValue: true } })
  await settle(20)
  return mounted
}

const el = (id: string) => document.querySelector(`[data-testid="${id}"]`) as HTMLElement | null
/** The dialog is teleported to <body>: reach its inputs through the document. */
const input = (id: string) => new DOMWrapper(el(id)!)

describe('LeadForm', () => {
  it('shows the existing lead, masked, while the phone is typed', async () => {
    const app = backend()
    await openForm()
    const phone = input('lead-phone')

    await phone.setValue('1381234')
    await settle(350)
    expect(app.CheckDuplicate).not.toHaveBeenCalled()
    expect(el('lead-duplicate')).toBeNull()

    await phone.setValue('13812348000')
    await settle(350)
    expect(app.CheckDuplicate).toHaveBeenCalledTimes(1)
    expect(app.CheckDuplicate).toHaveBeenCalledWith(1, '13812348000')
    const notice = el('lead-duplicate')!
    expect(notice.textContent).toContain('该手机号已有客资，不能重复录入。')
    expect(el('lead-duplicate-phone')!.textContent).toBe('138****8000')
    expect(el('lead-duplicate-owner')!.textContent).toContain('负责人：小王')
    expect(el('lead-duplicate-stage')!.textContent).toContain('当前阶段：邀约 · 已预约')
    expect(notice.textContent).toContain('最近跟进：2026/12/03 14:30')
    // The lead is in this user's replica, so it can be opened; no transfer request is needed.
    await flushPromises()
    expect(el('lead-duplicate-open')).not.toBeNull()
    expect(el('lead-duplicate-transfer')).toBeNull()

    await phone.setValue('13812349999')
    await settle(350)
    expect(el('lead-duplicate')).toBeNull()
  })

  it('offers "request transfer" for a lead someone else owns out of sight', async () => {
    backend({
      CheckDuplicate: () => ({ ...DUPLICATE, decision: { ...DUPLICATE.decision, action: 'repeat', can_request_transfer: true } }),
      GetLead: () => Promise.reject(wailsError({ code: 'out_of_scope', message: '无权查看' })),
    })
    await openForm()
    await input('lead-phone').setValue('13812348000')
    await settle(350)
    expect(el('lead-duplicate')!.getAttribute('data-action')).toBe('repeat')
    expect(el('lead-duplicate')!.textContent).toContain('保存后不会新建')
    expect(el('lead-duplicate-transfer')!.textContent).toContain('申请转移')
    expect(el('lead-duplicate-open')).toBeNull()
  })

  it('sends a transfer request with a reason and the phone typed, and says when the server refuses', async () => {
    let refuse = true
    const app = backend({
      CheckDuplicate: () => ({ ...DUPLICATE, decision: { ...DUPLICATE.decision, can_request_transfer: true } }),
      GetLead: () => Promise.reject(wailsError({ code: 'out_of_scope', message: '无权查看' })),
      RequestTransfer: () =>
        refuse
          ? Promise.reject(wailsError({ code: 'transfer_request_pending', message: '你已申请过这条客资的转移，正在等待审批。' }))
          : { id: 5, lead_id: 42, status: 'pending', reason: '老客户', can_decide: false, phone: '138****8000' },
    })
    await openForm()
    await input('lead-phone').setValue('13812348000')
    await settle(350)
    el('lead-duplicate-transfer')!.click()
    await settle()
    expect(el('lead-transfer-request')!.textContent).toContain('这条客资由「小王」负责')

    // No reason: refused here, nothing sent.
    el('lead-transfer-request-submit')!.click()
    await settle()
    expect(app.RequestTransfer).not.toHaveBeenCalled()
    expect(el('lead-transfer-request')!.textContent).toContain('请填写申请原因')

    await input('lead-transfer-request-reason').setValue('  客户是我接待过的老客户  ')
    el('lead-transfer-request-submit')!.click()
    await settle()
    expect(app.RequestTransfer).toHaveBeenCalledWith(42, '13812348000', '客户是我接待过的老客户')
    expect(el('lead-transfer-request')!.textContent).toContain('正在等待审批')

    refuse = false
    el('lead-transfer-request-submit')!.click()
    await settle()
    expect(document.body.textContent).toContain('已提交转移申请')
    expect(el('lead-duplicate-transfer')!.textContent).toContain('已申请转移')
    expect((el('lead-duplicate-transfer') as HTMLButtonElement).disabled).toBe(true)
  })

  it('shows the brand fields and custom fields, and a nested server error under its field', async () => {
    const app = backend({
      CreateLead: () => Promise.reject(wailsError({ code: 'required', field: 'custom.style', message: '请选择「风格」' })),
    })
    await openForm()
    expect(el('field-wedding.partner_name')).not.toBeNull()
    expect(el('field-custom.style')!.classList.contains('is-required')).toBe(true)
    expect(el('field-custom.budget')!.classList.contains('is-required')).toBe(false)

    await input('lead-name').setValue('李娜')
    await input('lead-phone').setValue('13900001111')
    await input('lead-partner-name').setValue('王强')
    el('lead-form-save')!.click()
    await settle()

    expect(app.CreateLead).toHaveBeenCalledWith({
      brand_id: 1,
      name: '李娜',
      phone: '13900001111',
      source_type: 'ad',
      wedding: { partner_name: '王强' },
    })
    expect(el('field-custom.style')!.querySelector('.el-form-item__error')?.textContent).toContain('请选择「风格」')
  })

  it('limits the source to referral without lead.create', async () => {
    backend()
    await openForm(['lead.create_referral'])
    expect(el('lead-form-dialog')!.textContent).toContain('只能录入转介绍客资')
    ;(document.querySelector('[data-testid="lead-source"]') as HTMLElement).click()
    await flushPromises()
    const options = [...document.querySelectorAll('[data-testid^="lead-source-"]')].map((o) => o.getAttribute('data-testid'))
    expect(options).toEqual(['lead-source-referral'])
  })
})
