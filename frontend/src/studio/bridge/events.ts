// Events the desktop backend pushes (app/events.go declares the names; events.json mirrors them).
// Only the Wails window delivers them; in browser mode nothing is pushed, so the UI polls
// instead (see hasBackendEvents and composables/useSync, useNotifications).

/** Wails v2 runtime: EventsOn returns a function that cancels the listener. */
declare global {
  interface Window {
    runtime?: { EventsOn?: (name: string, callback: (...data: unknown[]) => void) => (() => void) | void }
  }
}

export const BACKEND_EVENTS = {
  /** Payload: the new Session (without token), or null after a logout or when the server ended it. */
  sessionChanged: 'session:changed',
  /** Payload: "zh-CN" or "en". */
  languageChanged: 'language:changed',
  /** Payload: SyncStatus {online, pending, rejected, last_sync, syncing, progress?, error?}. */
  syncStatus: 'sync:status',
  /** Payload: SyncProgress while the first sync pages through the snapshot. */
  syncProgress: 'sync:progress',
  /** Payload: SyncChanged {upserted, removed, acked, rejected} after a round changed the replica. */
  syncChanged: 'sync:changed',
  /** Payload: the new Notification(s) — an array, or one notification. */
  notificationsNew: 'notifications:new',
  /** Payload: UploadProgress while UploadPaths or RetryUploads runs. */
  uploadProgress: 'upload:progress',
  /** Payload: FoldersProgress whenever the watched folders' numbers change. */
  foldersProgress: 'folders:progress',
} as const

export type BackendEvent = (typeof BACKEND_EVENTS)[keyof typeof BACKEND_EVENTS]

export function onBackendEvent(name: BackendEvent, callback: (payload: unknown) => void): () => void {
  const off = window.runtime?.EventsOn?.(name, (...data) => callback(data[0] ?? null))
  return typeof off === 'function' ? off : () => {}
}

/**
 * True in the Wails window, where the backend pushes events. In a browser (the desktop bridge's
 * browser mode, end-to-end tests) nothing is pushed and callers fall back to polling.
 */
export function hasBackendEvents(): boolean {
  return typeof window.runtime?.EventsOn === 'function'
}
