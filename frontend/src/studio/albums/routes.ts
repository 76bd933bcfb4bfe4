import type { RouteRecordRaw } from 'vue-router'

/** Pocket-album pages reached from other pages rather than the side menu. */
export const ALBUM_ROUTES: RouteRecordRaw[] = [
  {
    path: 'orders/:id(\\d+)',
    name: 'order',
    component: () => import('./OrderDetailPage.vue'),
    meta: { perm: ['order.manage', 'album.manage'] },
  },
]
