import type { ErrorObject } from './types'

/**
 * Codes the UI itself produces when the backend could not answer with an error object.
 * Their text comes from i18n (`errors.<code>`), not from `message`.
 */
export const CLIENT_ERROR_CODES = ['network', 'bad_response', 'unknown', 'unknown_method'] as const
export type ClientErrorCode = (typeof CLIENT_ERROR_CODES)[number]

/** Codes meaning "this session is gone": the UI returns to the login page. */
export const AUTH_LOST_CODES = ['unauthenticated', 'session_expired', 'staff_disabled'] as const

/** A failed binding call, whatever the transport: the server's `{code, field, message, params}`. */
export class AppError extends Error {
  readonly code: string
  readonly field: string
  readonly params: Record<string, unknown>

  constructor(obj: ErrorObject) {
    super(obj.message ?? '')
    this.name = 'AppError'
    this.code = obj.code
    this.field = obj.field ?? ''
    this.params = obj.params ?? {}
  }

  get isClientError(): boolean {
    return (CLIENT_ERROR_CODES as readonly string[]).includes(this.code)
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** Accepts `{code, …}` or the HTTP envelope `{error: {code, …}}`. */
export function errorObjectOf(v: unknown): ErrorObject | null {
  if (!isRecord(v)) return null
  if (isRecord(v.error)) return errorObjectOf(v.error)
  if (typeof v.code !== 'string' || v.code === '') return null
  return {
    code: v.code,
    field: typeof v.field === 'string' ? v.field : undefined,
    message: typeof v.message === 'string' ? v.message : undefined,
    params: isRecord(v.params) ? v.params : undefined,
  }
}

function parseJSON(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/**
 * Normalizes anything a binding call can throw into an AppError:
 * a Wails rejection (a string holding the error JSON, or a plain Go error text),
 * an HTTP error body, a fetch TypeError, or an AppError already.
 */
export function toAppError(e: unknown): AppError {
  if (e instanceof AppError) return e
  if (typeof e === 'string') {
    const obj = errorObjectOf(parseJSON(e))
    return new AppError(obj ?? { code: 'unknown', message: e })
  }
  const obj = errorObjectOf(e)
  if (obj) return new AppError(obj)
  if (e instanceof TypeError) return new AppError({ code: 'network', message: e.message })
  if (e instanceof Error) return new AppError({ code: 'unknown', message: e.message })
  return new AppError({ code: 'unknown', message: String(e) })
}
