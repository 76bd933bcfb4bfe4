import type { Component } from 'vue'
import {
  AlarmClock,
  Cellphone,
  Coin,
  Collection,
  Document,
  FolderOpened,
  House,
  Message,
  OfficeBuilding,
  Picture,
  Postcard,
  Share,
  Shop,
  Stamp,
  Switch,
  Tickets,
  User,
  UserFilled,
} from '@element-plus/icons-vue'
import type { PermissionNeed } from './composables/usePermission'

export interface NavItem {
  /** Route name, i18n key `nav.<name>`, data-testid `nav-<name>`. */
  name: string
  path: string
  icon: Component
  /** Needed to see the page at all; pages gate their write actions themselves. */
  perm?: PermissionNeed
  component: () => Promise<Component>
}

/**
 * The side menu and the signed-in routes, in menu order. The lead list is for everyone: every
 * session has a data scope, and everyone sees the leads they take part in. Home shows the setup
 * checklist to admins (settings.manage) and the lead list to everyone else.
 */
export const NAV: readonly NavItem[] = [
  { name: 'home', path: '', icon: House, component: () => import('./pages/SetupHome.vue') },
  { name: 'leads', path: 'leads', icon: Tickets, component: () => import('./pages/LeadsPage.vue') },
  { name: 'pool', path: 'pool', icon: Postcard, perm: 'pool.claim', component: () => import('./pages/PoolPage.vue') },
  { name: 'reminders', path: 'reminders', icon: AlarmClock, component: () => import('./pages/RemindersPage.vue') },
  { name: 'transfers', path: 'transfer-requests', icon: Switch, component: () => import('./pages/TransferRequestsPage.vue') },
  { name: 'checkins', path: 'checkins', icon: Stamp, perm: 'checkin.others', component: () => import('./pages/CheckInsPage.vue') },
  { name: 'brands', path: 'brands', icon: Collection, component: () => import('./pages/BrandsPage.vue') },
  { name: 'branches', path: 'branches', icon: Shop, component: () => import('./pages/BranchesPage.vue') },
  { name: 'departments', path: 'departments', icon: OfficeBuilding, component: () => import('./pages/DepartmentsPage.vue') },
  { name: 'staff', path: 'staff', icon: User, perm: 'staff.manage', component: () => import('./pages/StaffPage.vue') },
  { name: 'roles', path: 'roles', icon: UserFilled, perm: 'settings.manage', component: () => import('./pages/RolesPage.vue') },
  { name: 'channels', path: 'channels', icon: Share, component: () => import('./pages/ChannelsPage.vue') },
  { name: 'devices', path: 'devices', icon: Cellphone, perm: 'settings.manage', component: () => import('./pages/DevicesPage.vue') },
  {
    name: 'orders',
    path: 'orders',
    icon: Picture,
    perm: ['order.manage', 'album.manage'],
    component: () => import('./albums/OrdersPage.vue'),
  },
  {
    name: 'folders',
    path: 'folders',
    icon: FolderOpened,
    perm: 'album.manage',
    component: () => import('./albums/FoldersPage.vue'),
  },
  { name: 'credits', path: 'credits', icon: Coin, perm: 'credits.view', component: () => import('./albums/CreditsPage.vue') },
  { name: 'delivery', path: 'delivery', icon: Message, perm: 'settings.manage', component: () => import('./albums/DeliveryPage.vue') },
  {
    name: 'audit',
    path: 'audit',
    icon: Document,
    perm: ['settings.manage', 'staff.manage'],
    component: () => import('./pages/AuditPage.vue'),
  },
]

export function navItem(name: string): NavItem | undefined {
  return NAV.find((item) => item.name === name)
}
