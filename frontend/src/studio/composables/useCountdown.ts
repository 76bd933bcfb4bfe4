import { onBeforeUnmount, ref } from 'vue'

/** Seconds left before something may be retried (rate limits). */
export function useCountdown() {
  const seconds = ref(0)
  let timer: ReturnType<typeof setInterval> | undefined

  function stop() {
    if (timer) clearInterval(timer)
    timer = undefined
  }

  function start(from: number) {
    stop()
    seconds.value = Math.max(0, Math.ceil(from))
    if (seconds.value === 0) return
    timer = setInterval(() => {
      seconds.value -= 1
      if (seconds.value <= 0) stop()
    }, 1000)
  }

  onBeforeUnmount(stop)
  return { seconds, start, stop }
}
