import { mount, flushPromises } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { createMemoryHistory } from 'vue-router'
import type { Component } from 'vue'
import { createAppI18n } from '@/shared/i18n'
import { createSessionStore } from '@/studio/composables/useSession'
import { createStudioRouter } from '@/studio/router'
import type { Session } from '@/studio/bridge'

export function fakeSession(permissions: string[], overrides: Partial<Session> = {}): Session {
  return {
    expires_at: '2030-01-01T00:00:00Z',
    tenant: { id: 1, name: '测试影楼' },
    staff: {
      id: 7,
      phone: '+8613800001234',
      name: '小王',
      branch_id: 1,
      department_id: null,
      role_ids: [3],
      disabled: false,
    },
    permissions,
    data_scope: 'own',
    device: { id: 'b7e1c2d4-0000-4000-8000-000000000001', name: 'PC-1', code: 'B7E1C2D4' },
    ...overrides,
  }
}

/**
 * Mounts a studio component the way main.ts assembles the app (zh-CN, Element Plus,
 * session store, memory-history router), attached to the document for teleports.
 */
export async function mountStudio(component: Component, opts: { session?: Session | null; route?: string; props?: Record<string, unknown> } = {}) {
  const i18n = createAppI18n('zh-CN')
  const session = createSessionStore()
  session.set(opts.session ?? null)
  const router = createStudioRouter(session, createMemoryHistory())
  await router.push(opts.route ?? (opts.session ? '/' : '/login'))
  await router.isReady()
  const wrapper = mount(component, {
    props: opts.props,
    attachTo: document.body,
    global: { plugins: [i18n, ElementPlus, session, router] },
  })
  await flushPromises()
  return { wrapper, router, session, i18n }
}

/** Lets promises and Element Plus' debounced form-item errors (100 ms) settle. */
export async function settle(ms = 150) {
  await flushPromises()
  await new Promise((resolve) => setTimeout(resolve, ms))
  await flushPromises()
}
