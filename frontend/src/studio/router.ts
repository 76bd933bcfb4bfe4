import { nextTick } from 'vue'
import { createRouter, createWebHashHistory, type RouterHistory } from 'vue-router'
import { bridge } from './bridge'
import type { SessionStore } from './composables/useSession'
import { hasPermission, type PermissionNeed } from './composables/usePermission'
import { NAV } from './nav'
import AppLayout from './layouts/AppLayout.vue'
import LoginPage from './pages/LoginPage.vue'
import { ALBUM_ROUTES } from './albums/routes'

declare module 'vue-router' {
  interface RouteMeta {
    /** Reachable without a session. */
    public?: boolean
    perm?: PermissionNeed
  }
}

/** Hash history: Wails serves the UI as files, so the path must stay "/". */
export function createStudioRouter(store: SessionStore, history: RouterHistory = createWebHashHistory()) {
  const router = createRouter({
    history,
    routes: [
      { path: '/login', name: 'login', component: LoginPage, meta: { public: true } },
      {
        path: '/',
        component: AppLayout,
        children: [
          ...NAV.map((item) => ({
            path: item.path,
            name: item.name,
            component: item.component,
            meta: { perm: item.perm },
          })),
          ...ALBUM_ROUTES,
        ],
      },
      { path: '/:pathMatch(.*)*', redirect: '/' },
    ],
  })

  router.beforeEach(async (to) => {
    await store.restore()
    const session = store.session.value
    if (to.meta.public) return session && to.name === 'login' ? { name: 'home' } : true
    if (!session) return { name: 'login', query: to.fullPath === '/' ? {} : { redirect: to.fullPath } }
    if (to.meta.perm && !hasPermission(session.permissions, to.meta.perm)) return { name: 'home' }
    return true
  })

  // Tell the desktop which screen is showing (its smoke test checks the window really rendered).
  // Diagnostics only: a failure is logged, never shown.
  router.afterEach((to, _from, failure) => {
    if (failure || typeof to.name !== 'string') return
    const screen = to.name
    void nextTick(() => bridge.UIReady(screen).catch((e: unknown) => console.warn('UIReady', screen, e)))
  })

  return router
}
