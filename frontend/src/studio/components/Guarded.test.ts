import { beforeEach, describe, expect, it } from 'vitest'
import { h } from 'vue'
import { flushPromises } from '@vue/test-utils'
import { ElButton } from 'element-plus'
import Guarded from './Guarded.vue'
import { fakeSession, mountStudio } from '@/test/mount'
import { installFakeWails } from '@/test/fakeWails'

const Action = {
  name: 'GuardedAction',
  render: () =>
    h(Guarded, { perm: 'staff.manage' }, {
      default: ({ disabled }: { disabled: boolean }) => h(ElButton, { disabled, 'data-testid': 'act' }, () => '新建员工'),
    }),
}

describe('<Guarded>', () => {
  beforeEach(() => {
    installFakeWails()
  })

  it('disables the action and names the missing permission in the tooltip', async () => {
    const { wrapper } = await mountStudio(Action, { session: fakeSession(['lead.create']) })
    const button = wrapper.get('[data-testid="act"]')
    expect(button.attributes('disabled')).toBeDefined()
    const guard = wrapper.get('[data-testid="guard-denied"]')
    expect(guard.attributes('data-guard-reason')).toBe('需要权限：管理员工')

    await guard.trigger('mouseenter')
    await new Promise((r) => setTimeout(r, 50))
    await flushPromises()
    const tip = [...document.querySelectorAll('.el-popper')].map((el) => el.textContent)
    expect(tip).toContain('需要权限：管理员工')
  })

  it('leaves the action alone when the session has the permission', async () => {
    const { wrapper } = await mountStudio(Action, { session: fakeSession(['staff.manage']) })
    expect(wrapper.get('[data-testid="act"]').attributes('disabled')).toBeUndefined()
    expect(wrapper.find('[data-testid="guard-denied"]').exists()).toBe(false)
  })

  it('accepts any one of several permissions, and names them all when none is held', async () => {
    const Either = {
      render: () =>
        h(Guarded, { perm: ['settings.manage', 'staff.manage'] }, {
          default: ({ disabled }: { disabled: boolean }) => h(ElButton, { disabled, 'data-testid': 'act' }, () => 'x'),
        }),
    }
    const denied = await mountStudio(Either, { session: fakeSession([]) })
    expect(denied.wrapper.get('[data-testid="guard-denied"]').attributes('data-guard-reason')).toBe(
      '需要权限：管理设置 或 管理员工',
    )
    denied.wrapper.unmount()
    const allowed = await mountStudio(Either, { session: fakeSession(['staff.manage']) })
    expect(allowed.wrapper.get('[data-testid="act"]').attributes('disabled')).toBeUndefined()
  })
})
