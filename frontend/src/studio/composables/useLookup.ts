import { computed, onMounted, shallowRef } from 'vue'
import { useNotifyError } from './useErrors'

/** A reference list (brands, branches, …) for selects and for showing names by id. */
export function useLookup<T extends { id: number; name: string }>(load: () => Promise<T[] | null>, opts = { immediate: true }) {
  const items = shallowRef<T[]>([])
  const notify = useNotifyError()
  const byId = computed(() => new Map(items.value.map((item) => [item.id, item])))

  async function reload() {
    try {
      items.value = (await load()) ?? []
    } catch (e) {
      notify(e)
    }
  }

  /** The item's name, '' when the id is empty or unknown. */
  const nameOf = (id: number | null | undefined) => (id ? (byId.value.get(id)?.name ?? `#${id}`) : '')

  if (opts.immediate) onMounted(reload)
  return { items, byId, nameOf, reload }
}
