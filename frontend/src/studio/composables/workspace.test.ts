import { afterEach, describe, expect, it, vi } from 'vitest'
import { defineComponent, h } from 'vue'
import { enableAutoUnmount, flushPromises } from '@vue/test-utils'
import { createSyncStore, normalizeStatus, progressOf, SYNC_POLL_MS } from './useSync'
import { useNotifications } from './useNotifications'
import { fakeSession, mountStudio, settle } from '@/test/mount'
import { installFakeWails } from '@/test/fakeWails'
import SyncIndicator from '../components/workspace/SyncIndicator.vue'

enableAutoUnmount(afterEach)

const STATUS = { online: true, pending: 2, rejected: 1, last_sync: '2026-12-04T02:00:00Z', syncing: false }

/** A fake Wails runtime that records listeners, so a test can push events. */
function fakeRuntime() {
  const listeners = new Map<string, (...data: unknown[]) => void>()
  window.runtime = {
    EventsOn: (name, cb) => {
      listeners.set(name, cb)
      return () => listeners.delete(name)
    },
  }
  return (name: string, payload: unknown) => listeners.get(name)?.(payload)
}

afterEach(() => {
  vi.useRealTimers()
})

describe('sync status', () => {
  it('polls SyncStatus every 2 s in browser mode (no pushed events)', async () => {
    vi.useFakeTimers()
    const app = installFakeWails({ SyncStatus: () => STATUS })
    const store = createSyncStore()
    store.start()
    await vi.advanceTimersByTimeAsync(0)
    expect(app.SyncStatus).toHaveBeenCalledTimes(1)
    await vi.advanceTimersByTimeAsync(SYNC_POLL_MS * 2)
    expect(app.SyncStatus).toHaveBeenCalledTimes(3)
    expect(store.status.value).toEqual({ ...STATUS, error: null })
    store.stop()
    await vi.advanceTimersByTimeAsync(SYNC_POLL_MS * 2)
    expect(app.SyncStatus).toHaveBeenCalledTimes(3)
  })

  it('follows sync:status and sync:progress in the window, and tells listeners when a sync changed the replica', async () => {
    const app = installFakeWails({ SyncStatus: () => STATUS })
    const push = fakeRuntime()
    const store = createSyncStore()
    const synced = vi.fn()
    store.onSynced(synced)
    store.start()
    await flushPromises()
    push('sync:progress', { done: 400, total: 1000 })
    expect(store.progress.value).toEqual({ done: 400, total: 1000 })
    push('sync:status', { ...STATUS, last_sync: '2026-12-04T02:00:05Z', pending: 0 })
    expect(store.status.value?.pending).toBe(0)
    expect(synced).not.toHaveBeenCalled() // the window says what changed with sync:changed
    push('sync:changed', { upserted: 1 })
    expect(synced).toHaveBeenCalledTimes(1)
    expect(app.SyncStatus).toHaveBeenCalledTimes(1)
    store.stop()
  })

  it("reads the syncer's spelling of status and progress as the contract's", () => {
    const s = normalizeStatus({ state: 'syncing', online: false, pending: 1, rejected: 0, last_error: '连不上服务器', error_code: 'server_unreachable' } as never)
    expect(s).toMatchObject({ syncing: true, online: false, error: { code: 'server_unreachable', message: '连不上服务器' } })
    expect(progressOf({ phase: 'snapshot', loaded: 1500, done: false })).toEqual({ loaded: 1500, total: 0, finished: false })
    expect(progressOf({ phase: 'snapshot', loaded: 1500, done: true })?.finished).toBe(true)
    expect(progressOf({ done: 400, total: 1000 })).toEqual({ loaded: 400, total: 1000, finished: false })
  })

  it('reloads lists on sync:changed when the window pushes events', async () => {
    installFakeWails({ SyncStatus: () => STATUS })
    const push = fakeRuntime()
    const store = createSyncStore()
    const synced = vi.fn()
    store.onSynced(synced)
    store.start()
    await flushPromises()
    push('sync:changed', { upserted: 0, removed: 0, acked: 0, rejected: 0 })
    expect(synced).not.toHaveBeenCalled()
    push('sync:changed', { upserted: 3, removed: 1 })
    expect(synced).toHaveBeenCalledTimes(1)
    store.stop()
  })

  it('shows online state, pending and refused counts, and first-sync progress in the header', async () => {
    installFakeWails({ SyncStatus: () => ({ ...STATUS, online: false, progress: { done: 250, total: 1000 } }) })
    const { wrapper } = await mountStudio(SyncIndicator, { session: fakeSession([]), route: '/leads' })
    await settle(20)
    const ind = wrapper.get('[data-testid="sync-indicator"]')
    expect(ind.attributes('data-online')).toBe('false')
    expect(wrapper.get('[data-testid="sync-state"]').text()).toBe('离线')
    expect(wrapper.get('[data-testid="sync-pending"]').text()).toBe('待同步 2')
    expect(wrapper.get('[data-testid="sync-rejected"]').text()).toBe('被拒 1')
    expect(wrapper.get('[data-testid="sync-progress"]').text()).toContain('首次同步客资：250 / 1000')
    const last = wrapper.get('[data-testid="sync-last-short"]')
    expect(last.text()).toBe('上次同步 10:00')
    expect(last.attributes('title')).toBe('上次同步 2026/12/04 10:00')
  })
})

describe('reminders', () => {
  it('announces notifications:new in the app; in the window the OS notification comes from the app, not HTML5', async () => {
    installFakeWails({ Notifications: () => [] })
    const push = fakeRuntime()
    const shown: { title: string; body?: string }[] = []
    class FakeNotification {
      static permission = 'granted'
      static requestPermission = vi.fn(async () => 'granted')
      onclick: (() => void) | null = null
      constructor(title: string, opts?: { body?: string }) {
        shown.push({ title, body: opts?.body })
      }
    }
    vi.stubGlobal('Notification', FakeNotification)

    let inbox: ReturnType<typeof useNotifications> | null = null
    const Probe = defineComponent({
      setup() {
        inbox = useNotifications()
        return () => h('div')
      },
    })
    await mountStudio(Probe, { session: fakeSession([]), route: '/leads' })
    await flushPromises()
    push('notifications:new', [
      {
        id: 9,
        staff_id: 7,
        kind: 'appointment_due',
        lead_id: 5,
        data: { name: '张三', phone: '138****8000', booked_at: '2026-12-04T06:00:00Z' },
        created_at: '2026-12-04T05:00:00Z',
      },
    ])
    await settle(20)
    expect(inbox!.unread.value).toBe(1)
    const inApp = document.querySelector('.reminder-notification')?.textContent
    expect(inApp).toContain('预约即将到店')
    expect(inApp).toContain('张三 138****8000 · 预约到店 2026/12/04 14:00')
    // app/toast shows it in the OS's notification centre; a second, HTML5 one would double it.
    expect(shown).toEqual([])
    expect(inbox!.desktop.value).toBe('unsupported')
    vi.unstubAllGlobals()
  })
})
