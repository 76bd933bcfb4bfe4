import { afterEach, describe, expect, it, vi } from 'vitest'
import { AppError, BACKEND_EVENTS, bridge, onBackendEvent, onCallError } from './index'
import methods from './methods.json'
import events from './events.json'
import { installFakeWails, wailsError } from '@/test/fakeWails'

function mockFetch(status: number, body: string) {
  const fetchMock = vi.fn(async () => new Response(body, { status, headers: { 'Content-Type': 'application/json' } }))
  vi.stubGlobal('fetch', fetchMock)
  return fetchMock
}

afterEach(() => {
  vi.unstubAllGlobals()
})

describe('bridge', () => {
  it('wraps exactly the methods of the contract', () => {
    expect(Object.keys(bridge).sort()).toEqual([...methods].sort())
  })

  describe('Wails transport', () => {
    it('calls window.go.app.App with the arguments in order', async () => {
      const app = installFakeWails({ BindDevice: () => ({ id: 'dev-3', branch_ids: [1, 2] }) })
      await expect(bridge.BindDevice('dev-3', [1, 2])).resolves.toEqual({ id: 'dev-3', branch_ids: [1, 2] })
      expect(app.BindDevice).toHaveBeenCalledWith('dev-3', [1, 2])
    })

    it('turns a rejection carrying the error JSON into an AppError', async () => {
      installFakeWails({
        SaveStaff: () =>
          Promise.reject(
            wailsError({ code: 'staff_phone_taken', field: 'phone', message: '手机号已被使用', params: { brand: '蜜糖婚纱' } }),
          ),
      })
      const err = await bridge.SaveStaff({ id: 0, phone: '138', name: 'x', role_ids: [], disabled: false }).catch((e) => e)
      expect(err).toBeInstanceOf(AppError)
      expect(err).toMatchObject({ code: 'staff_phone_taken', field: 'phone', message: '手机号已被使用', params: { brand: '蜜糖婚纱' } })
    })

    it('turns a plain error string into an unknown AppError', async () => {
      installFakeWails({ ListBrands: () => Promise.reject('database is locked') })
      const err = await bridge.ListBrands().catch((e) => e)
      expect(err).toBeInstanceOf(AppError)
      expect(err).toMatchObject({ code: 'unknown', message: 'database is locked', field: '', params: {} })
    })

    it('reports a method the runtime does not bind', async () => {
      window.go = { app: { App: {} } }
      await expect(bridge.Info()).rejects.toMatchObject({ code: 'unknown_method', message: 'Info' })
    })
  })

  describe('HTTP transport (browser mode)', () => {
    it('POSTs {method, args} to /bridge/call and returns the JSON result', async () => {
      const fetchMock = mockFetch(200, JSON.stringify([{ id: 1, name: '婚纱' }]))
      await expect(bridge.ListBrands()).resolves.toEqual([{ id: 1, name: '婚纱' }])
      await bridge.ChangePassword('old', 'new')
      const [url, init] = fetchMock.mock.calls[1] as unknown as [string, RequestInit]
      expect(url).toBe('/bridge/call')
      expect(init.method).toBe('POST')
      expect(JSON.parse(init.body as string)).toEqual({ method: 'ChangePassword', args: ['old', 'new'] })
    })

    it('returns null for a null or empty body', async () => {
      mockFetch(200, 'null')
      await expect(bridge.CurrentSession()).resolves.toBeNull()
      mockFetch(200, '')
      await expect(bridge.Logout()).resolves.toBeNull()
    })

    it('turns an error envelope into an AppError', async () => {
      const tenants = [
        { id: 1, name: '甲' },
        { id: 2, name: '乙' },
      ]
      mockFetch(409, JSON.stringify({ error: { code: 'tenant_required', message: '请选择影楼', params: { tenants } } }))
      const err = await bridge.Login({ server_url: 'http://x', phone: '1', password: 'p' }).catch((e) => e)
      expect(err).toBeInstanceOf(AppError)
      expect(err).toMatchObject({ code: 'tenant_required', field: '', message: '请选择影楼', params: { tenants } })
    })

    it('keeps the field of a validation error', async () => {
      mockFetch(400, JSON.stringify({ error: { code: 'required', field: 'name', message: '请填写名称' } }))
      await expect(bridge.SaveBrand({ id: 0, name: '', type: 'wedding', duplicate_policy: 'reject', timezone: 'Asia/Shanghai' })).rejects.toMatchObject({
        code: 'required',
        field: 'name',
        message: '请填写名称',
      })
    })

    it('reports an unreadable error response as bad_response', async () => {
      mockFetch(502, '<html>Bad Gateway</html>')
      await expect(bridge.ListStaff()).rejects.toMatchObject({ code: 'bad_response', params: { status: 502 } })
    })

    it('reports a failed connection as network', async () => {
      vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))))
      const err = await bridge.Info().catch((e) => e)
      expect(err).toBeInstanceOf(AppError)
      expect(err).toMatchObject({ code: 'network', message: 'Failed to fetch' })
      expect(err.isClientError).toBe(true)
    })
  })

  it('mirrors the backend event names, and delivers Wails events', () => {
    expect(Object.values(BACKEND_EVENTS).sort()).toEqual([...events].sort())

    const listeners = new Map<string, (...data: unknown[]) => void>()
    const off = vi.fn()
    window.runtime = {
      EventsOn: (name, cb) => {
        listeners.set(name, cb)
        return off
      },
    }
    const seen: unknown[] = []
    const unsubscribe = onBackendEvent(BACKEND_EVENTS.languageChanged, (p) => seen.push(p))
    listeners.get('language:changed')?.('en')
    unsubscribe()
    expect(seen).toEqual(['en'])
    expect(off).toHaveBeenCalled()
    delete window.runtime
    expect(() => onBackendEvent(BACKEND_EVENTS.sessionChanged, () => {})()).not.toThrow()
  })

  it('tells error listeners about every failure', async () => {
    const seen: string[] = []
    const off = onCallError((e) => seen.push(e.code))
    mockFetch(401, JSON.stringify({ error: { code: 'session_expired', message: '登录已过期' } }))
    await bridge.ListRoles().catch(() => {})
    off()
    await bridge.ListRoles().catch(() => {})
    expect(seen).toEqual(['session_expired'])
  })
})
