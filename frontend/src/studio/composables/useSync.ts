import { getCurrentInstance, inject, onBeforeUnmount, onMounted, provide, shallowRef, type InjectionKey } from 'vue'
import {
  BACKEND_EVENTS,
  bridge,
  hasBackendEvents,
  onBackendEvent,
  type SyncChanged,
  type SyncProgress,
  type SyncStatus,
} from '../bridge'

/** Browser mode has no pushed events: SyncStatus() is polled this often instead. */
export const SYNC_POLL_MS = 2000

/**
 * A status in the contract's shape, whichever spelling the backend used: docs/api.md names
 * `syncing` and `error`, app/syncer sends `state` and `last_error` / `error_code`.
 */
export function normalizeStatus(raw: SyncStatus): SyncStatus {
  const error = raw.error ?? (raw.last_error ? { code: raw.error_code ?? '', message: raw.last_error } : null)
  return {
    ...raw,
    online: !!raw.online,
    pending: raw.pending ?? 0,
    rejected: raw.rejected ?? 0,
    syncing: raw.syncing ?? raw.state === 'syncing',
    error,
  }
}

/** First-sync progress as the indicator shows it: loaded so far, total when known, finished. */
export function progressOf(p: SyncProgress | null | undefined): { loaded: number; total: number; finished: boolean } | null {
  if (!p) return null
  const loaded = typeof p.done === 'number' ? p.done : (p.loaded ?? 0)
  const total = p.total ?? 0
  const finished = p.done === true || (total > 0 && loaded >= total)
  return { loaded, total, finished }
}

/**
 * The replica's sync state for the header indicator, the outbox panel and the lead list.
 * In the Wails window the backend pushes `sync:status`, `sync:progress` and `sync:changed`;
 * in browser mode (desktop bridge, end-to-end tests) nothing is pushed, so SyncStatus() is
 * polled every 2 s and a new last_sync stands for "the replica may have changed".
 */
export function createSyncStore() {
  const status = shallowRef<SyncStatus | null>(null)
  const progress = shallowRef<SyncProgress | null>(null)
  /** Called when a sync finished with a new last_sync: the replica may hold new data. */
  const syncedListeners = new Set<() => void>()
  let timer: ReturnType<typeof setInterval> | undefined
  let offs: (() => void)[] = []
  let running = false
  let pushed = false

  const notifySynced = () => syncedListeners.forEach((l) => l())

  function apply(raw: SyncStatus | null) {
    if (!raw) return
    const next = normalizeStatus(raw)
    const prev = status.value
    status.value = next
    if ('progress' in next) progress.value = next.progress ?? null
    // With pushed events `sync:changed` says precisely when the replica changed.
    if (!pushed && prev && next.last_sync && next.last_sync !== prev.last_sync) notifySynced()
  }

  async function refresh() {
    try {
      apply(await bridge.SyncStatus())
    } catch {
      // The indicator keeps its last state; a lost session is handled by the session store.
    }
  }

  /** Asks for a sync now; rejects with the AppError when it cannot start. */
  async function syncNow() {
    apply(await bridge.SyncNow())
  }

  function start() {
    if (running) return
    running = true
    void refresh()
    if (hasBackendEvents()) {
      pushed = true
      offs = [
        onBackendEvent(BACKEND_EVENTS.syncStatus, (p) => apply(p as SyncStatus)),
        onBackendEvent(BACKEND_EVENTS.syncProgress, (p) => {
          progress.value = (p as SyncProgress | null) ?? null
        }),
        onBackendEvent(BACKEND_EVENTS.syncChanged, (p) => {
          const c = (p ?? {}) as SyncChanged
          if ((c.upserted ?? 0) + (c.removed ?? 0) + (c.acked ?? 0) + (c.rejected ?? 0) > 0) notifySynced()
        }),
      ]
    } else {
      timer = setInterval(refresh, SYNC_POLL_MS)
    }
  }

  function stop() {
    running = false
    pushed = false
    offs.forEach((off) => off())
    offs = []
    if (timer) clearInterval(timer)
    timer = undefined
  }

  function onSynced(listener: () => void): () => void {
    syncedListeners.add(listener)
    return () => syncedListeners.delete(listener)
  }

  return { status, progress, refresh, syncNow, start, stop, onSynced, apply }
}

export type SyncStore = ReturnType<typeof createSyncStore>
export const syncKey: InjectionKey<SyncStore> = Symbol('sync')

/** The layout's sync store; a component mounted on its own (tests) gets a private one. */
export function useSync(): SyncStore {
  const shared = inject(syncKey, null)
  if (shared) return shared
  const local = createSyncStore()
  if (getCurrentInstance()) {
    provide(syncKey, local)
    onMounted(local.start)
    onBeforeUnmount(local.stop)
  }
  return local
}
