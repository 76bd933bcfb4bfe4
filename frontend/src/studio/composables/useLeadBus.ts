import { inject, provide, type InjectionKey } from 'vue'
import { useRoute, useRouter } from 'vue-router'
import type { Lead } from '../bridge'

/**
 * Lead changes made in one place (the detail drawer, a dialog) that lists elsewhere show:
 * the drawer lives in the layout, the list in a page.
 */
export function createLeadBus() {
  const listeners = new Set<(lead: Lead | null) => void>()
  return {
    /** A lead changed (null: something changed, reload). */
    emit(lead: Lead | null) {
      listeners.forEach((l) => l(lead))
    },
    on(listener: (lead: Lead | null) => void): () => void {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  }
}

export type LeadBus = ReturnType<typeof createLeadBus>
export const leadBusKey: InjectionKey<LeadBus> = Symbol('leadBus')

export function useLeadBus(): LeadBus {
  const shared = inject(leadBusKey, null)
  if (shared) return shared
  const local = createLeadBus()
  provide(leadBusKey, local)
  return local
}

/**
 * Opens a lead in the layout's detail drawer: the drawer follows the `lead` query parameter,
 * so any page (list, pool, reminders, notifications) opens it the same way.
 */
export function useOpenLead() {
  const router = useRouter()
  const route = useRoute()
  return (id: number) => router.push({ path: route.path, query: { ...route.query, lead: String(id) } })
}
