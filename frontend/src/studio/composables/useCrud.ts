import { onMounted, reactive, ref, shallowRef, type Ref } from 'vue'
import { useFormErrors, useNotifyError } from './useErrors'

export interface CrudOptions<T, I> {
  list: () => Promise<T[] | null>
  save: (input: I) => Promise<unknown>
  /** A new record (id 0 creates). */
  blank: () => I
  /** The editable copy of a row; a deep copy of the row by default. */
  toInput?: (row: T) => I
}

/** A list with a create/edit dialog: loading, saving, and errors mapped to fields. */
export function useCrud<T extends { id: number | string }, I extends object>(opts: CrudOptions<T, I>) {
  const rows = shallowRef<T[]>([])
  const loading = ref(false)
  const notify = useNotifyError()
  const form = useFormErrors()
  const dialog = reactive({ visible: false, isNew: true, readonly: false, saving: false })
  const model = ref(opts.blank()) as Ref<I>

  async function reload() {
    loading.value = true
    try {
      rows.value = (await opts.list()) ?? []
    } catch (e) {
      notify(e)
    } finally {
      loading.value = false
    }
  }

  function open(row?: T, readonly = false) {
    form.clear()
    dialog.isNew = !row
    dialog.readonly = readonly
    model.value = row ? (opts.toInput?.(row) ?? (JSON.parse(JSON.stringify(row)) as I)) : opts.blank()
    dialog.visible = true
  }

  /** Saves the dialog's model; on success closes it, reloads and returns `{ result }`. */
  async function submit(hasField: (field: string) => boolean): Promise<{ result: unknown } | null> {
    dialog.saving = true
    form.clear()
    try {
      const result = await opts.save(model.value)
      dialog.visible = false
      await reload()
      return { result }
    } catch (e) {
      form.show(e, hasField)
      return null
    } finally {
      dialog.saving = false
    }
  }

  onMounted(reload)
  return { rows, loading, reload, dialog, model, open, submit, errors: form.errors }
}
