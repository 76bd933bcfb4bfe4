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
  StaffName,
} from './types'
import type {
  Assignees,
  AssignMethod,
  AssignRequest,
  BatchReport,
  BatchRequest,
  CallArgs,
  CheckIn,
  CustomField,
  DuplicateCheck,
  FollowUpArgs,
  Lead,
  LeadDetail,
  LeadEvent,
  LeadInput,
  LeadPage,
  LeadPatch,
  LeadQuery,
  Notification,
  OutboxEntry,
  RefundArgs,
  RevealedPhones,
  SavedView,
  SyncStatus,
  TransferRequestStatus,
  TransferRequestView,
  TransitionArgs,
} from './leadTypes'
import type {
  Album,
  CreditsView,
  FolderBinding,
  FolderFailed,
  FoldersView,
  LedgerPage,
  NewShare,
  Order,
  OrderDetail,
  OrderPage,
  OrderQuery,
  Photo,
  Purchase,
  ShareLink,
  UploadReport,
  UploadSettings,
} from './albumTypes'
import type {
  AlbumAnalytics,
  LogoInfo,
  MyPhotosPage,
  NotifySettings,
  NotifySettingsView,
  NotifyTest,
  NotifyTestResult,
  OutboxMessage,
  StudioLogo,
} from './deliveryTypes'

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
  StaffNames: () => call<StaffName[]>('StaffNames'),
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

  // Lead workspace (issue 4). Reads come from the local replica; writes apply locally at once
  // and wait in the outbox. Assign, transfer, batch, reveal, pool and assignees need the
  // server and fail offline with `server_unreachable`.
  SyncStatus: () => call<SyncStatus>('SyncStatus'),
  SyncNow: () => call<SyncStatus>('SyncNow'),
  ListLeads: (q: LeadQuery) => call<LeadPage>('ListLeads', [q]),
  GetLead: (id: number) => call<LeadDetail>('GetLead', [id]),
  LeadTimeline: (id: number) => call<LeadEvent[]>('LeadTimeline', [id]),
  CheckDuplicate: (brandId: number, phone: string) => call<DuplicateCheck>('CheckDuplicate', [brandId, phone]),
  CreateLead: (lead: LeadInput) => call<Lead>('CreateLead', [lead]),
  UpdateLead: (id: number, patch: LeadPatch) => call<Lead>('UpdateLead', [id, patch]),
  TransitionLead: (args: TransitionArgs) => call<Lead>('TransitionLead', [args]),
  CorrectLead: (args: TransitionArgs) => call<Lead>('CorrectLead', [args]),
  RecordCall: (args: CallArgs) => call<Lead>('RecordCall', [args]),
  AddFollowUp: (args: FollowUpArgs) => call<Lead>('AddFollowUp', [args]),
  RefundLead: (args: RefundArgs) => call<Lead>('RefundLead', [args]),
  RevealPhone: (id: number) => call<RevealedPhones>('RevealPhone', [id]),
  /** departmentId 0 = everyone in the caller's scope. */
  Assignees: (departmentId: number, method: AssignMethod) => call<Assignees>('Assignees', [departmentId, method]),
  AssignLeads: (req: AssignRequest) => call<BatchReport>('AssignLeads', [req]),
  TransferLeads: (req: AssignRequest) => call<BatchReport>('TransferLeads', [req]),
  /** Asks for a lead owned out of sight (the duplicate of the phone typed); online only. */
  RequestTransfer: (leadId: number, phone: string, reason: string) =>
    call<TransferRequestView>('RequestTransfer', [leadId, phone, reason]),
  /** mine: this user's own requests; else those they may see and decide (lead.transfer). */
  TransferRequests: (status: TransferRequestStatus | '', mine: boolean) =>
    call<TransferRequestView[]>('TransferRequests', [status, mine]),
  /** Approve (transfers the lead to the requester) or reject (reason required). */
  DecideTransfer: (id: number, approve: boolean, reason: string) =>
    call<TransferRequestView>('DecideTransfer', [id, approve, reason]),
  BatchLeads: (req: BatchRequest) => call<BatchReport>('BatchLeads', [req]),
  /** staffId 0 = oneself; returns the day's check-ins. */
  CheckIn: (staffId: number, out: boolean) => call<CheckIn[]>('CheckIn', [staffId, out]),
  CheckIns: () => call<CheckIn[]>('CheckIns'),
  Pool: (q: LeadQuery) => call<LeadPage>('Pool', [q]),
  ClaimLead: (id: number) => call<Lead>('ClaimLead', [id]),
  Notifications: (unread: boolean) => call<Notification[]>('Notifications', [unread]),
  ReadNotifications: (ids: number[]) => call<null>('ReadNotifications', [ids]),
  Outbox: () => call<OutboxEntry[]>('Outbox'),
  DiscardMutation: (mutationId: string) => call<null>('DiscardMutation', [mutationId]),
  /** Replaces a rejected mutation's arguments and queues it again. */
  RetryMutation: (mutationId: string, args: unknown) => call<unknown>('RetryMutation', [mutationId, args]),
  SavedViews: () => call<SavedView[]>('SavedViews'),
  SaveView: (view: SavedView) => call<SavedView>('SaveView', [view]),
  DeleteView: (id: number | string) => call<null>('DeleteView', [id]),
  CustomFields: (brandId: number) => call<CustomField[]>('CustomFields', [brandId]),

  // Pocket album: credits.
  Credits: () => call<CreditsView>('Credits'),
  /** before 0 = the newest page. */
  CreditLedger: (before: number, limit: number) => call<LedgerPage>('CreditLedger', [before, limit]),
  CreditPurchases: () => call<Purchase[]>('CreditPurchases'),
  BuyCredits: (credits: number, provider: string) => call<Purchase>('BuyCredits', [credits, provider]),

  // Pocket album: orders and albums.
  ListOrders: (q: OrderQuery) => call<OrderPage>('ListOrders', [q]),
  GetOrder: (id: number) => call<OrderDetail>('GetOrder', [id]),
  /** id 0 creates; an edit never changes the phone (CorrectOrderPhone does, with a reason). */
  SaveOrder: (o: Order) => call<Order>('SaveOrder', [o]),
  CorrectOrderPhone: (id: number, phone: string, reason: string) => call<Order>('CorrectOrderPhone', [id, phone, reason]),
  /** id 0 creates (spends credits). */
  SaveAlbum: (orderId: number, a: Album) => call<Album>('SaveAlbum', [orderId, a]),
  AlbumPhotos: (albumId: number) => call<Photo[]>('AlbumPhotos', [albumId]),
  /** Files and folders on this computer; progress arrives as the upload:progress event. */
  UploadPaths: (albumId: number, paths: string[]) => call<UploadReport>('UploadPaths', [albumId, paths]),
  /** Sends failed files (ids from an UploadReport) again; reports like UploadPaths. */
  RetryUploads: (albumId: number, ids: number[]) => call<UploadReport>('RetryUploads', [albumId, ids]),
  UploadSettings: () => call<UploadSettings>('UploadSettings'),
  /** Pause/resume and the bandwidth cap act at once, also on uploads in flight. */
  SetUploadSettings: (s: UploadSettings) => call<UploadSettings>('SetUploadSettings', [s]),
  ShareLinks: (albumId: number) => call<ShareLink[]>('ShareLinks', [albumId]),
  CreateShareLink: (albumId: number, req: NewShare) => call<ShareLink>('CreateShareLink', [albumId, req]),
  RevokeShareLink: (id: number) => call<ShareLink>('RevokeShareLink', [id]),
  DeletePhoto: (albumID: number, photoID: number) => call<void>('DeletePhoto', [albumID, photoID]),

  // Watched folders: bound to orders, uploaded by sub-folder; progress as folders:progress.
  ListFolders: () => call<FoldersView>('ListFolders'),
  BindFolder: (req: { path: string; order_id: number }) => call<FolderBinding>('BindFolder', [req]),
  UnbindFolder: (id: number) => call<null>('UnbindFolder', [id]),
  PauseFolder: (id: number, paused: boolean) => call<FolderBinding>('PauseFolder', [id, paused]),
  /** '' turns the <order code>_<name> rule off. */
  SetShootsRoot: (path: string) => call<FoldersView>('SetShootsRoot', [path]),
  FolderFailures: (id: number) => call<FolderFailed[]>('FolderFailures', [id]),
  /** The system's folder dialog (window only); '' when cancelled. */
  PickFolder: (title: string) => call<string>('PickFolder', [title]),

  // Pocket album: delivery (notifications, "my photos").
  NotifySettings: () => call<NotifySettingsView>('NotifySettings'),
  SaveNotifySettings: (s: NotifySettings) => call<NotifySettingsView>('SaveNotifySettings', [s]),
  /** Sends one test message through the SAVED settings; fails with the provider's reason. */
  TestNotify: (req: NotifyTest) => call<NotifyTestResult>('TestNotify', [req]),
  /** The watermark logo as a data: URL ('' when the studio has none). */
  StudioLogo: () => call<StudioLogo>('StudioLogo'),
  /** A PNG or JPEG, base64; albums with a watermark are re-rendered with it. */
  SetStudioLogo: (imageBase64: string) => call<LogoInfo>('SetStudioLogo', [imageBase64]),
  DeleteStudioLogo: () => call<void>('DeleteStudioLogo'),
  NotifyAlbum: (albumId: number) => call<OutboxMessage[]>('NotifyAlbum', [albumId]),
  AlbumNotifications: (albumId: number) => call<OutboxMessage[]>('AlbumNotifications', [albumId]),
  MyPhotosPage: () => call<MyPhotosPage>('MyPhotosPage'),
  /** Buys months × retention.month credits of retention; a hidden album is shown again. */
  ExtendAlbum: (albumId: number, months: number) => call<Album>('ExtendAlbum', [albumId, months]),
  AlbumAnalytics: (albumId: number) => call<AlbumAnalytics>('AlbumAnalytics', [albumId]),
}

export type Bridge = typeof bridge
export type BridgeMethod = keyof Bridge

export { AppError, toAppError, AUTH_LOST_CODES } from './errors'
export { onCallError } from './transport'
export { BACKEND_EVENTS, hasBackendEvents, onBackendEvent, type BackendEvent } from './events'
export type * from './types'
export type * from './leadTypes'
export type * from './albumTypes'
export type * from './deliveryTypes'
