// Shapes of the delivery bindings (issue 5, P4): customer notifications, the "my photos"
// page; mirrors backend/notify (Settings), backend/store (OutboxMessage) and backend/api.

export type NotifyChannel = 'log' | 'email' | 'webhook' | 'sms'
export type NotifyKind = 'photos_uploaded' | 'album_finished' | 'album_ready' | 'retention_warning'

export interface NotifySettings {
  email: {
    enabled: boolean
    host: string
    port: number
    security: 'starttls' | 'tls' | 'none'
    username: string
    /** Write-only: answered masked ("****abcd"); sent back empty or masked, the stored one stays. */
    password?: string
    from: string
  }
  webhook: { enabled: boolean; url: string; secret?: string }
  sms: { enabled: boolean; provider: string }
  on_upload: boolean
  on_finish: boolean
}

export interface NotifySettingsView {
  settings: NotifySettings
  /** SMS senders this server offers (none unless the operator added one). */
  sms_providers: string[]
}

export interface OutboxMessage {
  id: number
  album_id?: number
  kind: NotifyKind
  channel: NotifyChannel
  recipient: string
  subject: string
  body: string
  status: 'pending' | 'sent' | 'failed'
  attempts: number
  last_error?: string
  created_at: string
  sent_at?: string
}

/** A test message over one channel the studio set up (POST /api/v1/notify/test). */
export interface NotifyTest {
  channel: 'email' | 'sms' | 'webhook'
  /** E-mail address or mobile number; empty for the webhook. */
  to: string
}

export interface NotifyTestResult {
  channel: string
  /** The recipient, masked. */
  to?: string
}

export interface StudioLogo {
  data_url: string
}

export interface LogoInfo {
  width: number
  height: number
  size: number
  content_type: string
}

export interface MyPhotosPage {
  path: string
  url?: string
}

export interface LinkStats {
  id: number
  label: string
  state: 'active' | 'expired' | 'revoked'
  created_at: string
  views: number
  /** Distinct browsers (a random id in a cookie, stored hashed per link). */
  visitors: number
  /** Single downloads and zips. */
  downloads: number
}

export interface AlbumAnalytics {
  views: number
  visitors: number
  downloads: number
  links: LinkStats[]
  /** Photos downloaded at least once, most downloaded first. */
  photos: { photo_id: number; filename: string; downloads: number }[]
}
