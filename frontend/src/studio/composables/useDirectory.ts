import { computed, getCurrentInstance, inject, onMounted, provide, shallowRef, type InjectionKey } from 'vue'
import { useI18n } from 'vue-i18n'
import { bridge, type Branch, type Brand, type Channel, type Department } from '../bridge'
import { useSession } from './useSession'

export interface StaffRef {
  id: number
  name: string
}

/**
 * Reference data the lead screens show names from: brands, branches, channels, departments
 * and the staff the session may know. Loaded once per layout and quietly: offline or without
 * the permission a name falls back to "#id" instead of an error on every screen.
 *
 * Staff names come from StaffNames (any member; the app keeps a copy for offline use), plus
 * the names the screens learn (assignees, check-ins).
 */
export function createDirectory(self: () => StaffRef | null) {
  const brands = shallowRef<Brand[]>([])
  const branches = shallowRef<Branch[]>([])
  const channels = shallowRef<Channel[]>([])
  const departments = shallowRef<Department[]>([])
  const staffMap = shallowRef(new Map<number, string>())
  let loading: Promise<void> | null = null


  function learn(people: readonly { staff_id?: number; id?: number; name: string }[] | null | undefined) {
    if (!people?.length) return
    const next = new Map(staffMap.value)
    let changed = false
    for (const p of people) {
      const id = p.staff_id ?? p.id
      if (id && p.name && next.get(id) !== p.name) {
        next.set(id, p.name)
        changed = true
      }
    }
    if (changed) staffMap.value = next
  }

  async function quiet<T>(load: () => Promise<T>): Promise<T | null> {
    try {
      return await load()
    } catch (e) {
      console.warn('directory', e)
      return null
    }
  }

  async function loadAll() {
    const me = self()
    if (me) learn([me])
    const [b, br, ch, dep] = await Promise.all([
      quiet(bridge.ListBrands),
      quiet(bridge.ListBranches),
      quiet(bridge.ListChannels),
      quiet(bridge.ListDepartments),
    ])
    if (b) brands.value = b
    if (br) branches.value = br
    if (ch) channels.value = ch
    if (dep) departments.value = dep
    // Every member's name, for everyone (and offline, as last fetched): owners and actors
    // show as names on any role's screens.
    learn(await quiet(bridge.StaffNames))
  }

  /** Loads once; `force` reloads (after settings changed). */
  function load(force = false): Promise<void> {
    if (!loading || force) loading = loadAll()
    return loading
  }

  const byId = <T extends { id: number }>(list: T[]) => new Map(list.map((x) => [x.id, x]))
  const brandMap = computed(() => byId(brands.value))
  const branchMap = computed(() => byId(branches.value))
  const channelMap = computed(() => byId(channels.value))
  const departmentMap = computed(() => byId(departments.value))
  const staff = computed<StaffRef[]>(() => [...staffMap.value].map(([id, name]) => ({ id, name })))

  return {
    brands,
    branches,
    channels,
    departments,
    staff,
    load,
    learn,
    brand: (id: number | null | undefined) => (id ? brandMap.value.get(id) : undefined),
    brandName: (id: number | null | undefined) => (id ? (brandMap.value.get(id)?.name ?? `#${id}`) : ''),
    branchName: (id: number | null | undefined) => (id ? (branchMap.value.get(id)?.name ?? `#${id}`) : ''),
    channelName: (id: number | null | undefined) => (id ? (channelMap.value.get(id)?.name ?? `#${id}`) : ''),
    departmentName: (id: number | null | undefined) => (id ? (departmentMap.value.get(id)?.name ?? `#${id}`) : ''),
    /** The staff member's name, or undefined when this session does not know it. */
    knownStaffName: (id: number | null | undefined) => (id ? staffMap.value.get(id) : undefined),
  }
}

export type Directory = ReturnType<typeof createDirectory>
export const directoryKey: InjectionKey<Directory> = Symbol('directory')

/** Creates the layout's directory (AppLayout) and provides it. */
export function provideDirectory(): Directory {
  const store = useSession()
  const dir = createDirectory(() => (store.session.value ? { id: store.session.value.staff.id, name: store.session.value.staff.name } : null))
  provide(directoryKey, dir)
  return dir
}

/** The layout's directory, with a staff-name helper; components on their own get a private one. */
export function useDirectory() {
  const { t } = useI18n()
  let dir = inject(directoryKey, null)
  if (!dir) {
    dir = provideDirectory()
    const d = dir
    if (getCurrentInstance()) onMounted(() => void d.load())
  }
  const d = dir
  return {
    ...d,
    /** The staff member's name, "员工 #12" when unknown, '' for none. */
    staffName: (id: number | null | undefined) => (id ? (d.knownStaffName(id) ?? t('lead.staffNo', { id })) : ''),
  }
}
