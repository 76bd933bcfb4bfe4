import { afterEach, describe, expect, it } from 'vitest'
import { DOMWrapper, enableAutoUnmount } from '@vue/test-utils'
import TransferRequestsPage from './TransferRequestsPage.vue'
import { fakeSession, mountStudio, settle } from '@/test/mount'
import { installFakeWails, wailsError } from '@/test/fakeWails'
import { REFERENCE } from '@/test/leadFixtures'
import type { TransferRequestView } from '@/studio/bridge'

enableAutoUnmount(afterEach)

const PENDING: TransferRequestView = {
  id: 5,
  lead_id: 42,
  requester_id: 8,
  owner_id: 9,
  reason: '客户是我接待过的老客户',
  status: 'pending',
  created_at: '2026-12-04T02:00:00Z',
  phone: '138****8000',
  lead_name: '王小姐',
  can_decide: true,
}

const el = (id: string) => document.querySelector(`[data-testid="${id}"]`) as HTMLElement | null
const input = (id: string) => new DOMWrapper(el(id)!)

function backend(extra: Record<string, (...a: any[]) => unknown> = {}) {
  return installFakeWails({
    ...REFERENCE,
    StaffNames: () => [
      { id: 7, name: '小王' },
      { id: 8, name: '小李' },
      { id: 9, name: '邀约小张' },
    ],
    TransferRequests: (status: string, mine: boolean) => (mine ? [{ ...PENDING, lead_name: undefined, can_decide: false }] : status === 'pending' ? [PENDING] : []),
    ...extra,
  })
}

describe('TransferRequestsPage', () => {
  it('lets a manager approve a pending request, saying what the transfer does', async () => {
    const app = backend({ DecideTransfer: () => ({ ...PENDING, status: 'approved', can_decide: false }) })
    await mountStudio(TransferRequestsPage, { session: fakeSession(['lead.transfer']), route: '/transfer-requests' })
    await settle(20)
    expect(app.TransferRequests).toHaveBeenCalledWith('pending', false)
    const table = el('transfers-table')!.textContent!
    for (const s of ['王小姐 138****8000', '小李', '邀约小张', '客户是我接待过的老客户', '待审批']) expect(table).toContain(s)

    el('transfer-approve')!.click()
    await settle()
    expect(el('transfer-decision-body')!.textContent).toContain('将从「邀约小张」转给「小李」')
    el('transfer-decision-confirm')!.click()
    await settle()
    expect(app.DecideTransfer).toHaveBeenCalledWith(5, true, '')
    expect(document.body.textContent).toContain('已同意，客资已转给「小李」')
  })

  it('needs a reason to reject and shows the server refusal in the dialog', async () => {
    const app = backend({
      DecideTransfer: () => Promise.reject(wailsError({ code: 'transfer_request_decided', message: '这条转移申请已经处理过了（已同意）。请刷新列表。' })),
    })
    await mountStudio(TransferRequestsPage, { session: fakeSession(['lead.transfer']), route: '/transfer-requests' })
    await settle(20)
    el('transfer-reject')!.click()
    await settle()
    el('transfer-decision-confirm')!.click()
    await settle()
    expect(app.DecideTransfer).not.toHaveBeenCalled()
    expect(el('transfer-decision')!.textContent).toContain('请填写拒绝原因')

    await input('transfer-reject-reason').setValue('邀约已在跟进')
    el('transfer-decision-confirm')!.click()
    await settle()
    expect(app.DecideTransfer).toHaveBeenCalledWith(5, false, '邀约已在跟进')
    expect(el('transfer-decision')!.textContent).toContain('已经处理过了（已同意）')
  })

  it('shows staff without lead.transfer only their own requests, and the offline error', async () => {
    const app = backend()
    await mountStudio(TransferRequestsPage, { session: fakeSession(['lead.create']), route: '/transfer-requests' })
    await settle(20)
    expect(el('transfers-tab-decide')).toBeNull()
    expect(app.TransferRequests).toHaveBeenCalledWith('', true)
    expect(el('transfers-table')!.textContent).toContain('138****8000')
    expect(el('transfers-table')!.textContent).not.toContain('王小姐')
    expect(el('transfer-approve')).toBeNull()

    app.TransferRequests.mockImplementation(() => Promise.reject(wailsError({ code: 'server_unreachable', message: '连不上服务器' })))
    el('transfers-refresh')!.click()
    await settle()
    expect(el('transfers-error')!.textContent).toContain('连不上服务器')
  })
})
