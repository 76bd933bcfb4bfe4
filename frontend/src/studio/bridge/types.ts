// Shapes of the desktop bindings, mirroring docs/api.md ("Shapes" and the bindings table).
// IDs are int64 on the Go side (safe as JS numbers below 2^53); times are RFC 3339 strings.

export type Locale = 'zh-CN' | 'en'
export type DataScope = 'own' | 'group' | 'branch' | 'brand' | 'all'
export type BrandType = 'wedding' | 'children'
export type DuplicatePolicy = 'reject' | 'repeat'
export type DepartmentKind = 'intake' | 'booking' | 'store' | 'photo' | 'other'

export interface Info {
  version: string
  device_id: string
  device_name: string
  device_code: string
  server_url: string
  language: string
}

export interface LoginRequest {
  server_url: string
  phone: string
  password: string
  tenant_id?: number
  branch_id?: number
}

export interface TenantRef {
  id: number
  name: string
}

export interface DeviceRef {
  /** Installation id (a UUID string); `code` is its short form that staff read out. */
  id: string
  name: string
  code: string
}

export interface Session {
  token?: string
  expires_at: string
  tenant: TenantRef
  staff: Staff
  permissions: string[]
  data_scope: DataScope
  /** 0 / absent when the session is not tied to a branch. */
  branch_id?: number
  device: DeviceRef
}

export interface PermissionCatalog {
  permissions: { key: string; group: string }[]
  scopes: DataScope[]
}

export interface SetupStatus {
  brands: number
  branches: number
  departments: number
  /** All staff, the signed-in admin included. */
  staff: number
  /** All roles, the built-ins included. */
  roles: number
  custom_roles: number
  channels: number
  devices: number
  bound_devices: number
}

export interface Brand {
  id: number
  name: string
  type: BrandType
  duplicate_policy: DuplicatePolicy
  timezone: string
  has_leads?: boolean
  created_at?: string
  updated_at?: string
}

export interface Branch {
  id: number
  brand_id: number
  name: string
  address: string
  phone: string
  created_at?: string
}

export interface Department {
  id: number
  branch_id: number
  name: string
  kind: DepartmentKind
}

export interface Role {
  id: number
  /** "admin", "manager", … for built-ins; "" for custom roles. */
  key: string
  name: string
  builtin: boolean
  permissions: string[]
  data_scope: DataScope
}

export interface Staff {
  id: number
  phone: string
  name: string
  /** 0 / absent: not placed in a branch (null is accepted on save). */
  branch_id?: number | null
  department_id?: number | null
  role_ids: number[]
  disabled: boolean
  created_at?: string
  updated_at?: string
}

/** StaffNames(): what every member may know of a colleague (no phone, no roles). */
export interface StaffName {
  id: number
  name: string
  branch_id?: number
  department_id?: number
  disabled?: boolean
}

/** SaveStaff input: `password` only on create; the backend generates one when empty. */
export interface StaffInput extends Staff {
  password?: string
}

export interface SaveStaffResult {
  staff: Staff
  /** One-time password, present when the backend generated it. */
  password?: string
}

export interface OneTimePassword {
  password: string
}

export interface ChannelGroup {
  id: number
  name: string
}

export interface Channel {
  id: number
  brand_id?: number | null
  group_id?: number | null
  name: string
  active: boolean
}

export interface Device {
  /** Installation id (a UUID string). */
  id: string
  name: string
  code: string
  branch_ids: number[]
  first_seen?: string
  last_seen?: string
}

export interface AuditEntry {
  id: number
  actor_id: number
  actor_name: string
  on_behalf_of?: number
  action: string
  entity: string
  entity_id: string
  before?: unknown
  after?: unknown
  device_id: string
  ip: string
  created_at: string
}

export interface AuditFilter {
  entity?: string
  entity_id?: string
  actor_id?: number
  limit?: number
}

/** The server's error object, as carried by a rejected binding call. */
export interface ErrorObject {
  code: string
  field?: string
  message?: string
  params?: Record<string, unknown>
}
