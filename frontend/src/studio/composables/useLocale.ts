import { computed } from 'vue'
import { useI18n } from 'vue-i18n'
import { applyLocale, type AppLocale } from '@/shared/i18n'
import { bridge } from '../bridge'
import { useNotifyError } from './useErrors'

/** The studio UI language: i18n + localStorage + the backend (so its error messages match). */
export function useLocale() {
  const { locale } = useI18n({ useScope: 'global' })
  const notify = useNotifyError()
  const current = computed(() => locale.value as AppLocale)

  async function tellBackend() {
    try {
      await bridge.SetLanguage(current.value)
    } catch (e) {
      notify(e)
    }
  }

  async function switchTo(next: AppLocale) {
    applyLocale(locale, next)
    await tellBackend()
  }

  return { current, switchTo, tellBackend }
}
