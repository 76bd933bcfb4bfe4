import { reactive, type InjectionKey } from 'vue'
import { useI18n } from 'vue-i18n'
import { ElMessage } from 'element-plus'
import { toAppError, type AppError } from '../bridge'

/** The text to show for a failed call: the server's localized message, or ours for client-side failures. */
export function useErrorText() {
  const { t } = useI18n()
  return (e: unknown): string => {
    const err = toAppError(e)
    if (err.isClientError) return t(`errors.${err.code}`, { detail: err.message })
    return err.message || t('errors.unknown', { detail: err.code })
  }
}

/** For actions outside a form: show the error as a message, never swallow it. */
export function useNotifyError() {
  const text = useErrorText()
  return (e: unknown): AppError => {
    const err = toAppError(e)
    ElMessage.error({ message: text(err), showClose: true })
    return err
  }
}

/**
 * Errors of a form: an error whose `field` names an input of the form is shown under
 * that input; any other error goes to `fallback` (a message by default).
 */
export function useFormErrors() {
  const text = useErrorText()
  const errors = reactive<Record<string, string>>({})

  function clear() {
    for (const k of Object.keys(errors)) delete errors[k]
  }

  function show(
    e: unknown,
    hasField: (field: string) => boolean,
    fallback: (message: string) => void = (message) => ElMessage.error({ message, showClose: true }),
  ): AppError {
    const err = toAppError(e)
    clear()
    if (err.field && hasField(err.field)) errors[err.field] = text(err)
    else fallback(text(err))
    return err
  }

  return { errors, clear, show }
}

/** Errors of the enclosing form, keyed by JSON field name; FormField reads its own entry. */
export const formErrorsKey: InjectionKey<Record<string, string>> = Symbol('formErrors')
