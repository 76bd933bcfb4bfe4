import { AppError, errorObjectOf, toAppError } from './errors'

type WailsMethod = (...args: unknown[]) => Promise<unknown>

declare global {
  interface Window {
    /** Wails v2 runtime: bound Go methods of `app.App`. Absent in a plain browser. */
    go?: { app?: { App?: Record<string, WailsMethod | undefined> } }
  }
}

/** Same-origin endpoint of the desktop bridge in browser mode (app/bridge). */
export const BRIDGE_URL = '/bridge/call'

type ErrorListener = (err: AppError) => void
const errorListeners = new Set<ErrorListener>()

/** Observe every failed call (the session store uses it to notice a lost session). */
export function onCallError(listener: ErrorListener): () => void {
  errorListeners.add(listener)
  return () => errorListeners.delete(listener)
}

async function callWails(app: Record<string, WailsMethod | undefined>, method: string, args: unknown[]) {
  const fn = app[method]
  if (typeof fn !== 'function') throw new AppError({ code: 'unknown_method', message: method })
  return fn(...args)
}

async function callHTTP(method: string, args: unknown[]): Promise<unknown> {
  const res = await fetch(BRIDGE_URL, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({ method, args }),
  })
  const text = await res.text()
  let body: unknown = null
  if (text.trim() !== '') {
    try {
      body = JSON.parse(text)
    } catch {
      throw new AppError({ code: 'bad_response', message: `HTTP ${res.status}`, params: { status: res.status } })
    }
  }
  if (!res.ok) {
    const obj = errorObjectOf(body)
    throw new AppError(obj ?? { code: 'bad_response', message: `HTTP ${res.status}`, params: { status: res.status } })
  }
  return body
}

/**
 * Calls a bound method of `app.App`: through the Wails runtime when present,
 * otherwise through the desktop bridge's HTTP endpoint. Always rejects with AppError.
 */
export async function call<T>(method: string, args: unknown[] = []): Promise<T> {
  try {
    const app = window.go?.app?.App
    const result = app ? await callWails(app, method, args) : await callHTTP(method, args)
    return (result ?? null) as T
  } catch (e) {
    const err = toAppError(e)
    errorListeners.forEach((listener) => listener(err))
    throw err
  }
}
