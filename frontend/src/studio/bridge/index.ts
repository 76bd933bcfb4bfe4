// The studio UI's only door to the backend: typed wrappers named exactly like the
// bound Go methods of app.App (docs/api.md, "Desktop bindings"). methods.json lists
// the same names for the end-to-end contract check.
import { call } from './transport'
import type {
  AuditEntry,
  AuditFilter,
  Branch,
  Brand,
  Channel,
  ChannelGroup,
  Department,
  Device,
  Info,
  Locale,
  LoginRequest,
  OneTimePassword,
  PermissionCatalog,
  Role,
  SaveStaffResult,
  Session,
  SetupStatus,
  Staff,
  StaffInput,
} from './types'

export const bridge = {
  Info: () => call<Info>('Info'),
  SetLanguage: (lang: Locale) => call<null>('SetLanguage', [lang]),
  /** Records the screen just shown (desktop smoke test); diagnostics only. */
  UIReady: (screen: string) => call<null>('UIReady', [screen]),
  Login: (req: LoginRequest) => call<Session>('Login', [req]),
  Logout: () => call<null>('Logout'),
  CurrentSession: () => call<Session | null>('CurrentSession'),
  ChangePassword: (oldPassword: string, newPassword: string) =>
    call<null>('ChangePassword', [oldPassword, newPassword]),
  Permissions: () => call<PermissionCatalog>('Permissions'),
  SetupStatus: () => call<SetupStatus>('SetupStatus'),

  ListBrands: () => call<Brand[]>('ListBrands'),
  SaveBrand: (b: Brand) => call<Brand>('SaveBrand', [b]),
  ListBranches: () => call<Branch[]>('ListBranches'),
  SaveBranch: (b: Branch) => call<Branch>('SaveBranch', [b]),
  ListDepartments: () => call<Department[]>('ListDepartments'),
  SaveDepartment: (d: Department) => call<Department>('SaveDepartment', [d]),
  ListRoles: () => call<Role[]>('ListRoles'),
  SaveRole: (r: Role) => call<Role>('SaveRole', [r]),
  DeleteRole: (id: number) => call<null>('DeleteRole', [id]),

  ListStaff: () => call<Staff[]>('ListStaff'),
  SaveStaff: (s: StaffInput) => call<SaveStaffResult>('SaveStaff', [s]),
  SetStaffDisabled: (id: number, disabled: boolean) => call<Staff>('SetStaffDisabled', [id, disabled]),
  ResetStaffPassword: (id: number) => call<OneTimePassword>('ResetStaffPassword', [id]),

  ListChannelGroups: () => call<ChannelGroup[]>('ListChannelGroups'),
  SaveChannelGroup: (g: ChannelGroup) => call<ChannelGroup>('SaveChannelGroup', [g]),
  ListChannels: () => call<Channel[]>('ListChannels'),
  SaveChannel: (c: Channel) => call<Channel>('SaveChannel', [c]),
  ListDevices: () => call<Device[]>('ListDevices'),
  BindDevice: (id: string, branchIds: number[]) => call<Device>('BindDevice', [id, branchIds]),
  ListAudit: (filter: AuditFilter) => call<AuditEntry[]>('ListAudit', [filter]),
}

export type Bridge = typeof bridge
export type BridgeMethod = keyof Bridge

export { AppError, toAppError, AUTH_LOST_CODES } from './errors'
export { onCallError } from './transport'
export { BACKEND_EVENTS, onBackendEvent, type BackendEvent } from './events'
export type * from './types'
