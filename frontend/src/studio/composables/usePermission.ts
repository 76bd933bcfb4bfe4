import { useI18n } from 'vue-i18n'
import { useSession } from './useSession'
import { useLabels } from './useLabels'

/** One permission key, or several of which any one suffices. */
export type PermissionNeed = string | readonly string[]

export function needList(need: PermissionNeed): readonly string[] {
  return typeof need === 'string' ? [need] : need
}

export function hasPermission(granted: readonly string[] | undefined, need: PermissionNeed): boolean {
  const list = needList(need)
  return list.length === 0 || list.some((p) => granted?.includes(p))
}

/** Permission checks against the signed-in session (Session.permissions). */
export function usePermission() {
  const { session } = useSession()
  const { t } = useI18n()
  const { permissionName } = useLabels()

  const can = (need: PermissionNeed) => hasPermission(session.value?.permissions, need)

  /** Why an action is unavailable, e.g. "需要权限：管理员工"; '' when allowed. */
  const deniedReason = (need: PermissionNeed) =>
    can(need) ? '' : t('guard.requires', { name: needList(need).map(permissionName).join(t('guard.or')) })

  return { can, deniedReason }
}
