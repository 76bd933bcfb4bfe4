import type { Component } from 'vue'
import {
  Cellphone,
  Collection,
  Document,
  House,
  OfficeBuilding,
  Share,
  Shop,
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

/** The side menu and the signed-in routes, in menu order. */
export const NAV: readonly NavItem[] = [
  { name: 'home', path: '', icon: House, component: () => import('./pages/SetupHome.vue') },
  { name: 'brands', path: 'brands', icon: Collection, component: () => import('./pages/BrandsPage.vue') },
  { name: 'branches', path: 'branches', icon: Shop, component: () => import('./pages/BranchesPage.vue') },
  { name: 'departments', path: 'departments', icon: OfficeBuilding, component: () => import('./pages/DepartmentsPage.vue') },
  { name: 'staff', path: 'staff', icon: User, perm: 'staff.manage', component: () => import('./pages/StaffPage.vue') },
  { name: 'roles', path: 'roles', icon: UserFilled, perm: 'settings.manage', component: () => import('./pages/RolesPage.vue') },
  { name: 'channels', path: 'channels', icon: Share, component: () => import('./pages/ChannelsPage.vue') },
  { name: 'devices', path: 'devices', icon: Cellphone, perm: 'settings.manage', component: () => import('./pages/DevicesPage.vue') },
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
