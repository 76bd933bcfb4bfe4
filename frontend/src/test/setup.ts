import { afterEach } from 'vitest'

// jsdom lacks ResizeObserver, which Element Plus' table and tooltip use.
class ResizeObserverStub {
  observe() {}
  unobserve() {}
  disconnect() {}
}
globalThis.ResizeObserver ??= ResizeObserverStub as unknown as typeof ResizeObserver

afterEach(() => {
  delete window.go
  delete window.runtime
  localStorage.clear()
  document.body.innerHTML = ''
})
