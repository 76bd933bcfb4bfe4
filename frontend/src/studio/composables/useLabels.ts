import { useI18n } from 'vue-i18n'
import type { Role } from '../bridge'

/**
 * Localized names of catalog values that the backend sends as keys
 * (permissions, scopes, built-in roles, kinds). Unknown keys show as themselves,
 * so a newer backend never breaks the UI.
 */
export function useLabels() {
  const { t, te } = useI18n()
  const label = (prefix: string, key: string | null | undefined) =>
    key && te(`${prefix}.${key}`) ? t(`${prefix}.${key}`) : (key ?? '')

  return {
    permissionName: (key: string) => label('permission', key),
    permissionGroupName: (group: string) => label('permissionGroup', group),
    scopeName: (scope: string) => label('scope', scope),
    roleName: (role: Pick<Role, 'key' | 'name' | 'builtin'>) =>
      role.builtin && role.key && te(`builtinRole.${role.key}`) ? t(`builtinRole.${role.key}`) : role.name,
    departmentKindName: (kind: string) => label('departmentKind', kind),
    brandTypeName: (type: string) => label('brandType', type),
    duplicatePolicyName: (policy: string) => label('duplicatePolicy', policy),
    entityName: (entity: string) => label('entity', entity),
  }
}
