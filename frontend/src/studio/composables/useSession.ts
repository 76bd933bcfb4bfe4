import { computed, inject, shallowRef, type App, type InjectionKey } from 'vue'
import {
  AUTH_LOST_CODES,
  BACKEND_EVENTS,
  bridge,
  onBackendEvent,
  onCallError,
  type LoginRequest,
  type Session,
} from '../bridge'

/** Who is signed in. Created once in main.ts, provided to the component tree. */
export function createSessionStore() {
  const session = shallowRef<Session | null>(null)
  let restored: Promise<void> | null = null
  const lostListeners = new Set<() => void>()

  /** The session ended without the user signing out (expired, disabled, revoked). */
  function lost() {
    if (!session.value) return
    session.value = null
    lostListeners.forEach((listener) => listener())
  }

  /** Asks the backend once whether a session survives from a previous run. */
  function restore(): Promise<void> {
    restored ??= bridge.CurrentSession().then(
      (s) => {
        session.value = s
      },
      // Unreachable backend: start signed out; the login page reports the failure on its own calls.
      () => {
        session.value = null
      },
    )
    return restored
  }

  async function login(req: LoginRequest): Promise<Session> {
    const s = await bridge.Login(req)
    set(s)
    return s
  }

  async function logout(): Promise<void> {
    // Cleared first, so the backend's "session changed to null" event is not taken for a loss.
    session.value = null
    await bridge.Logout()
  }

  /** Starts from a known session (after login, in tests). */
  function set(s: Session | null) {
    session.value = s
    restored = Promise.resolve()
  }

  /** Called when the session is gone without a logout; returns an unsubscribe function. */
  function onLost(listener: () => void): () => void {
    lostListeners.add(listener)
    return () => lostListeners.delete(listener)
  }

  onCallError((err) => {
    if ((AUTH_LOST_CODES as readonly string[]).includes(err.code)) lost()
  })
  onBackendEvent(BACKEND_EVENTS.sessionChanged, (payload) => {
    if (payload) set(payload as Session)
    else lost()
  })

  const store = {
    /** The current session, or null when signed out. Change it through the methods. */
    session: computed(() => session.value),
    restore,
    login,
    logout,
    set,
    onLost,
    install(app: App) {
      app.provide(sessionKey, store)
    },
  }
  return store
}

export type SessionStore = ReturnType<typeof createSessionStore>
export const sessionKey: InjectionKey<SessionStore> = Symbol('session')

export function useSession(): SessionStore {
  const store = inject(sessionKey)
  if (!store) throw new Error('useSession: no session store provided')
  return store
}
