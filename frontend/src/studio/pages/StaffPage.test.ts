import { describe, expect, it } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import StaffPage from './StaffPage.vue'
import { fakeSession, mountStudio, settle } from '@/test/mount'
import { installFakeWails, wailsError } from '@/test/fakeWails'

const BRANCHES = [{ id: 1, brand_id: 1, name: '旗舰店', address: '', phone: '' }]
const ROLES = [
  { id: 3, key: 'intake', name: 'intake', builtin: true, permissions: ['lead.create'], data_scope: 'own' },
  { id: 9, key: '', name: '夜班客服', builtin: false, permissions: [], data_scope: 'group' },
]

function backend(save: () => unknown) {
  return installFakeWails({
    ListStaff: () => [],
    ListBranches: () => BRANCHES,
    ListDepartments: () => null, // Go's nil slice
    ListRoles: () => ROLES,
    SaveStaff: save,
  })
}

async function openCreate(wrapper: Awaited<ReturnType<typeof mountStudio>>['wrapper']) {
  await wrapper.get('[data-testid="staff-create"]').trigger('click')
  await flushPromises()
  await wrapper.get('[data-testid="staff-phone"]').setValue('13900001111')
  await wrapper.get('[data-testid="staff-name"]').setValue('小李')
}

describe('StaffPage', () => {
  it('shows a save error under the field it names', async () => {
    const app = backend(() =>
      Promise.reject(
        wailsError({
          code: 'staff_phone_taken',
          field: 'phone',
          message: '该手机号已是品牌「蜜糖婚纱」的员工「张三」',
          params: { brand: '蜜糖婚纱', staff: '张三' },
        }),
      ),
    )
    const { wrapper } = await mountStudio(StaffPage, { session: fakeSession(['staff.manage']), route: '/staff' })
    await openCreate(wrapper)
    await wrapper.get('[data-testid="staff-save"]').trigger('click')
    await settle()

    expect(app.SaveStaff).toHaveBeenCalledTimes(1)
    expect(app.SaveStaff.mock.calls[0][0]).toMatchObject({ id: 0, phone: '13900001111', name: '小李', branch_id: 1 })
    const error = wrapper.get('[data-testid="field-phone"] .el-form-item__error')
    expect(error.text()).toBe('该手机号已是品牌「蜜糖婚纱」的员工「张三」')
    expect(wrapper.find('[data-testid="field-name"] .el-form-item__error').exists()).toBe(false)
    // The dialog stays open with the input kept.
    expect((wrapper.get('[data-testid="staff-phone"]').element as HTMLInputElement).value).toBe('13900001111')
  })

  it('shows the generated one-time password after creating', async () => {
    backend(() => ({ staff: { id: 20, phone: '13900001111', name: '小李', role_ids: [3], disabled: false }, password: 'Xy7-kP9q' }))
    const { wrapper } = await mountStudio(StaffPage, { session: fakeSession(['staff.manage']), route: '/staff' })
    await openCreate(wrapper)
    await wrapper.get('[data-testid="staff-save"]').trigger('click')
    await settle()

    expect(wrapper.get('[data-testid="otp-password"]').text()).toBe('Xy7-kP9q')
    expect(wrapper.get('[data-testid="otp-dialog"]').text()).toContain('小李')
  })

  it('disables creating staff without staff.manage', async () => {
    backend(() => null)
    const { wrapper } = await mountStudio(StaffPage, { session: fakeSession(['lead.create']), route: '/' })
    expect(wrapper.get('[data-testid="staff-create"]').attributes('disabled')).toBeDefined()
  })
})
