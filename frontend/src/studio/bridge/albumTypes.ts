// Shapes of the pocket-album bindings (credits, orders, albums); mirrors the Go JSON of
// backend/credit, backend/store (Purchase) and backend/api (CreditsView, LedgerPage).

export type CreditItem = 'album.create' | 'storage.gb_month' | 'video.upload' | 'retention.month'
export type CreditKind = 'topup' | 'spend' | 'refund' | 'grant'

export interface CreditPrices {
  items: Partial<Record<CreditItem, number>>
  fen_per_credit: number
}

export interface CreditsView {
  balance: number
  prices: CreditPrices
  providers: string[]
}

export interface CreditEntry {
  id: number
  kind: CreditKind
  item?: CreditItem
  quantity?: number
  /** Signed: negative for spends. */
  amount: number
  /** The balance right after this entry. */
  balance: number
  ref_type?: string
  ref_id?: number
  provider?: string
  provider_ref?: string
  actor_id?: number
  note?: string
  created_at: string
}

export interface LedgerPage {
  entries: CreditEntry[]
  /** `before` of the next (older) page; absent on the last page. */
  next?: number
}

export interface Purchase {
  id: number
  provider: string
  provider_ref: string
  credits: number
  amount_fen: number
  status: 'pending' | 'paid'
  pay_url?: string
  instructions?: string
  created_by: number
  created_at: string
  paid_at?: string
}

export type AlbumKind = 'raw' | 'retouched' | 'video'
export type AlbumStatus = 'open' | 'finished'
export type DownloadRight = 'original' | 'compressed' | 'none'
export type WatermarkPosition = 'bottom_right' | 'bottom_left' | 'top_right' | 'top_left' | 'center' | 'tiled'

export interface Order {
  id: number
  brand_id?: number
  branch_id: number
  owner_id?: number
  department_id?: number
  customer_name: string
  phone: string
  /** Optional: where e-mail notifications go. */
  email?: string
  package: string
  /** YYYY-MM-DD or ''. */
  shoot_date: string
  lead_id?: number
  /** Given by the server: the customer types it with their phone on "my photos". */
  code?: string
  note: string
  created_by?: number
  created_at?: string
  updated_at?: string
}

export interface OrderQuery {
  q?: string
  branch_id?: number
  before?: number
  limit?: number
}

export interface OrderPage {
  orders: Order[]
  next?: number
}

export interface AlbumSettings {
  download: DownloadRight
  watermark: { enabled: boolean; position: WatermarkPosition; opacity: number }
  keep_exif: boolean
  keep_gps: boolean
  retention_days: number
}

export interface Album {
  id: number
  order_id?: number
  kind: AlbumKind
  title: string
  cover_photo_id?: number
  sort_order: number
  settings: AlbumSettings
  status: AlbumStatus
  /** Live: guests' pages show new photos as they arrive, newest first. */
  live?: boolean
  retain_until?: string
  /** The retention ended: guests no longer see it (extending shows it again). */
  hidden_at?: string
  /** Its files were deleted after the grace period. */
  purged_at?: string
  photo_count?: number
  bytes?: number
  created_at?: string
}

export interface OrderDetail {
  order: Order
  albums: Album[]
}

export interface Photo {
  id: number
  album_id: number
  hash: string
  size: number
  filename: string
  content_type: string
  kind: 'image' | 'video'
  width?: number
  height?: number
  status: 'processing' | 'ready' | 'failed'
  /** Why a file cannot be shown: image_corrupt, image_too_large, format_unsupported, render_failed. */
  fail_reason?: string
  created_at: string
}

export interface NewShare {
  code?: string
  label?: string
  /** RFC 3339; empty = until the album's retention ends. */
  expires_at?: string
  allow_download?: boolean
}

export interface ShareLink {
  id: number
  album_id: number
  token: string
  /** Path on the server: the full link is server_url + path. */
  path: string
  has_code: boolean
  label: string
  expires_at: string
  revoked_at?: string
  allow_download: boolean
  views: number
  downloads: number
  state: 'active' | 'expired' | 'revoked'
  created_at: string
}

export interface UploadProgress {
  album_id: number
  /** A file being sent now. */
  file: string
  files_done: number
  files_failed: number
  files_total: number
  /** Bytes of the finished files. */
  bytes_sent: number
  bytes_total: number
  /** Recent upload speed, bytes per second. */
  speed: number
  /** Time left at that speed, seconds (0: unknown). */
  eta_seconds: number
  /** The server cannot be reached; the upload waits and resumes by itself. */
  offline: boolean
  /** Uploads are paused on this computer (SetUploadSettings). */
  paused: boolean
  /** A `studiodesk upload|watch` command is sending the queue; the window waits for it. */
  elsewhere?: boolean
  /** Of the files not done, those guests already see (renditions first, original on its way). */
  files_shown?: number
}

/** This computer's upload settings, kept across restarts. */
export interface UploadSettings {
  paused: boolean
  /** KiB per second over all uploads; 0: no cap. */
  limit_kbps: number
}

export interface UploadReport {
  uploaded: number
  duplicates: number
  /** Files that did not reach the album; their ids go to RetryUploads. */
  failed: { id: number; file: string; error: { code: string; message: string } }[]
}

// Watched folders (app/app_folders.go).

export interface FolderProgress {
  binding_id: number
  /** Waiting or being uploaded. */
  queued: number
  done: number
  failed: number
  queued_bytes: number
  done_bytes: number
  /** Bytes per second now. */
  speed: number
  /** Seconds left (0: unknown or nothing left). */
  eta_seconds: number
  /** Complete files waiting for their album (see the binding's problem). */
  waiting: number
}

export interface FoldersProgress {
  overall: FolderProgress
  folders: FolderProgress[]
  offline: boolean
  paused: boolean
  /** A `studiodesk upload|watch` command is sending the queue; the window waits for it. */
  elsewhere?: boolean
}

export interface FolderAlbum {
  /** First-level sub-folder; '' = the files in the bound folder itself. */
  folder: string
  /** 0: found or created when its first file arrives. */
  album_id: number
  kind: AlbumKind
  title: string
  rule: 'named' | 'default' | 'other'
}

export interface FolderError {
  code: string
  field?: string
  message: string
  params?: Record<string, unknown>
}

export interface FolderBinding {
  id: number
  path: string
  order_id: number
  order_code: string
  customer_name: string
  by_rule: boolean
  paused: boolean
  created_at: string
  albums: FolderAlbum[]
  problem: FolderError | null
  progress: FolderProgress
}

export interface FolderMiss {
  path: string
  name: string
  error: FolderError
}

export interface FoldersView {
  root: string
  bindings: FolderBinding[]
  unmatched: FolderMiss[]
  progress: FoldersProgress
}

export interface FolderFailed {
  id: number
  album_id: number
  /** Relative to the bound folder. */
  file: string
  error: FolderError
}
