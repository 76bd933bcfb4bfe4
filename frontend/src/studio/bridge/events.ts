// Events the desktop backend pushes (app/events.go declares the names; events.json mirrors them).
// Only the Wails window delivers them; in browser mode nothing is pushed.

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
} as const

export type BackendEvent = (typeof BACKEND_EVENTS)[keyof typeof BACKEND_EVENTS]

export function onBackendEvent(name: BackendEvent, callback: (payload: unknown) => void): () => void {
  const off = window.runtime?.EventsOn?.(name, (...data) => callback(data[0] ?? null))
  return typeof off === 'function' ? off : () => {}
}
