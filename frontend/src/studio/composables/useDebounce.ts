import { onBeforeUnmount } from 'vue'

/**
 * A debounced call: `run(...)` waits `ms` of quiet, then calls `fn` with the last arguments.
 * Cancelled when the component unmounts.
 */
export function useDebounced<A extends unknown[]>(fn: (...args: A) => void, ms: number) {
  let timer: ReturnType<typeof setTimeout> | undefined
  const cancel = () => {
    if (timer !== undefined) clearTimeout(timer)
    timer = undefined
  }
  const run = (...args: A) => {
    cancel()
    timer = setTimeout(() => {
      timer = undefined
      fn(...args)
    }, ms)
  }
  onBeforeUnmount(cancel)
  return { run, cancel }
}
