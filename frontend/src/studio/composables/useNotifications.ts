import { computed, getCurrentInstance, inject, onBeforeUnmount, onMounted, provide, ref, shallowRef, type InjectionKey } from 'vue'
import { useI18n } from 'vue-i18n'
import { ElNotification } from 'element-plus'
import { BACKEND_EVENTS, bridge, hasBackendEvents, onBackendEvent, type Notification as Reminder } from '../bridge'
import { useLeadLabels } from './useLeadLabels'
import { useOpenLead } from './useLeadBus'

/** Browser mode has no `notifications:new` event: the inbox is polled this often instead. */
export const NOTIFICATION_POLL_MS = 10_000

type DesktopPermission = 'default' | 'granted' | 'denied' | 'unsupported'

/**
 * The HTML5 Notification API, in browser mode only: in the Wails window the app shows urgent
 * reminders in the OS's notification centre itself (app/toast), and the webviews do not grant
 * the web permission there (WebKitGTK denies what Wails does not handle).
 */
function desktopApi(): typeof window.Notification | null {
  if (hasBackendEvents()) return null
  return typeof window !== 'undefined' && 'Notification' in window ? window.Notification : null
}

/**
 * The reminder inbox (header bell, reminders page). New reminders arrive as the
 * `notifications:new` event in the window, or by polling in browser mode; each one shows an
 * in-app notification; the window's native notifications come from the app (app/toast), in
 * browser mode from the HTML5 Notification API when the user allowed it.
 */
export function createNotificationStore() {
  const { t } = useI18n()
  const { notificationKindName, time } = useLeadLabels()
  const openLead = useOpenLead()
  const items = shallowRef<Reminder[]>([])
  const loading = ref(false)
  const error = ref('')
  const desktop = ref<DesktopPermission>(desktopApi()?.permission ?? 'unsupported')
  const seen = new Set<number>()
  let timer: ReturnType<typeof setInterval> | undefined
  let off: (() => void) | undefined
  let started = false

  const unread = computed(() => items.value.filter((n) => !n.read_at).length)

  /** The line under the title: who, and the time the reminder is about. */
  function describe(n: Reminder): string {
    const d = n.data ?? {}
    const who = [d.name, d.phone].filter((v) => typeof v === 'string' && v).join(' ')
    const dueKey = n.kind === 'appointment_due' ? 'booked_at' : n.kind === 'recycle_warning' ? 'protected_until' : n.kind === 'follow_up_due' ? 'next_follow_up' : ''
    const due = dueKey && typeof d[dueKey] === 'string' ? t(`reminders.due.${dueKey}`, { time: time(d[dueKey] as string) }) : ''
    return [who, due, transferLine(n)].filter(Boolean).join(' · ')
  }

  /** What a transfer request notification is about: who asked and why, or the outcome. */
  function transferLine(n: Reminder): string {
    const d = n.data ?? {}
    const str = (k: string) => (typeof d[k] === 'string' ? (d[k] as string) : '')
    if (n.kind === 'transfer_request') return t('reminders.transfer.request', { name: str('requester_name'), reason: str('reason') })
    if (n.kind !== 'transfer_request_decided') return ''
    return d.status === 'approved' ? t('reminders.transfer.approved') : t('reminders.transfer.rejected', { reason: str('reason') })
  }

  function announce(n: Reminder) {
    const title = notificationKindName(n.kind)
    const body = describe(n)
    const open = () => {
      if (n.lead_id) void openLead(n.lead_id)
      void markRead([n.id])
    }
    ElNotification({ title, message: body, type: 'warning', duration: 8000, onClick: open, customClass: 'reminder-notification' })
    const api = desktopApi()
    if (api && api.permission === 'granted') {
      try {
        const native = new api(title, { body, tag: `studiodesk-${n.id}` })
        native.onclick = () => {
          window.focus()
          open()
        }
      } catch (e) {
        console.warn('desktop notification', e)
      }
    }
  }

  function merge(list: Reminder[], announceNew: boolean) {
    const byId = new Map(items.value.map((n) => [n.id, n]))
    for (const n of list) {
      if (announceNew && !seen.has(n.id) && !n.read_at) announce(n)
      seen.add(n.id)
      byId.set(n.id, n)
    }
    items.value = [...byId.values()].sort((a, b) => b.created_at.localeCompare(a.created_at))
  }

  async function load() {
    loading.value = true
    try {
      const list = (await bridge.Notifications(false)) ?? []
      list.forEach((n) => seen.add(n.id))
      items.value = [...list].sort((a, b) => b.created_at.localeCompare(a.created_at))
      error.value = ''
    } catch (e) {
      error.value = (e as Error).message
    } finally {
      loading.value = false
    }
  }

  async function poll() {
    try {
      merge((await bridge.Notifications(true)) ?? [], true)
    } catch {
      // Offline: the next poll tries again.
    }
  }

  async function markRead(ids: number[]) {
    if (!ids.length) return
    await bridge.ReadNotifications(ids)
    const now = new Date().toISOString()
    items.value = items.value.map((n) => (ids.includes(n.id) && !n.read_at ? { ...n, read_at: now } : n))
  }

  async function askDesktopPermission() {
    const api = desktopApi()
    if (!api) return
    if (api.permission === 'default') {
      try {
        desktop.value = await api.requestPermission()
      } catch {
        desktop.value = api.permission
      }
    } else desktop.value = api.permission
  }

  function start() {
    if (started) return
    started = true
    void load()
    if (hasBackendEvents()) {
      off = onBackendEvent(BACKEND_EVENTS.notificationsNew, (p) => {
        const list = Array.isArray(p) ? (p as Reminder[]) : p ? [p as Reminder] : []
        merge(list, true)
      })
    } else {
      timer = setInterval(poll, NOTIFICATION_POLL_MS)
    }
  }

  function stop() {
    started = false
    off?.()
    off = undefined
    if (timer) clearInterval(timer)
    timer = undefined
  }

  return { items, unread, loading, error, desktop, load, merge, markRead, describe, askDesktopPermission, start, stop }
}

export type NotificationStore = ReturnType<typeof createNotificationStore>
export const notificationsKey: InjectionKey<NotificationStore> = Symbol('notifications')

export function useNotifications(): NotificationStore {
  const shared = inject(notificationsKey, null)
  if (shared) return shared
  const local = createNotificationStore()
  if (getCurrentInstance()) {
    provide(notificationsKey, local)
    onMounted(local.start)
    onBeforeUnmount(local.stop)
  }
  return local
}
