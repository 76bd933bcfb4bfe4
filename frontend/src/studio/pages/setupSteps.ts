import type { SetupStatus } from '../bridge'

/** One line of the first-run checklist; `key` is also the route name and the i18n key. */
export interface SetupStep {
  key: 'brands' | 'branches' | 'departments' | 'roles' | 'staff' | 'channels' | 'devices'
  /** How many of the step's things exist. */
  count: (s: SetupStatus) => number
}

/** In the order a studio sets itself up. */
export const SETUP_STEPS: readonly SetupStep[] = [
  { key: 'brands', count: (s) => s.brands },
  { key: 'branches', count: (s) => s.branches },
  { key: 'departments', count: (s) => s.departments },
  // Built-in roles are ready to use, so this step starts done.
  { key: 'roles', count: (s) => s.roles },
  // The admin doing the setup is staff too; the step is about adding colleagues.
  { key: 'staff', count: (s) => Math.max(0, s.staff - 1) },
  { key: 'channels', count: (s) => s.channels },
  { key: 'devices', count: (s) => s.bound_devices },
]
