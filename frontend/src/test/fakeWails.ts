import { vi, type Mock } from 'vitest'
import type { BridgeMethod } from '@/studio/bridge'

type Impl = (...args: any[]) => unknown

/**
 * Installs a fake Wails runtime (`window.go.app.App`) whose methods are vi.fn()s.
 * Methods not given resolve to null, as Go's nil would.
 */
export function installFakeWails(impl: Partial<Record<BridgeMethod, Impl>> = {}) {
  const app = {} as Record<BridgeMethod, Mock>
  const handler: ProxyHandler<Record<string, Mock>> = {
    get(target, name: string) {
      target[name] ??= vi.fn(async (...args: unknown[]) => (impl[name as BridgeMethod] ? impl[name as BridgeMethod]!(...args) : null))
      return target[name]
    },
  }
  const proxy = new Proxy(app as Record<string, Mock>, handler)
  window.go = { app: { App: proxy } }
  return proxy as Record<BridgeMethod, Mock>
}

/** What a Wails binding rejects with when the Go method returns an AppError. */
export function wailsError(obj: { code: string; field?: string; message?: string; params?: Record<string, unknown> }) {
  return JSON.stringify(obj)
}
