import type { Album, AlbumKind, AlbumSettings } from '../bridge'

export const ALBUM_KINDS: AlbumKind[] = ['raw', 'retouched', 'video']
export const WATERMARK_POSITIONS = ['bottom_right', 'bottom_left', 'top_right', 'top_left', 'center', 'tiled'] as const

/**
 * The settings a new album of a kind starts with — the same defaults as the server's
 * (backend/album DefaultSettings): raw proofs download compressed and watermarked and stay
 * 90 days; retouched photos and videos allow originals and stay a year.
 */
export function defaultSettings(kind: AlbumKind): AlbumSettings {
  const raw = kind === 'raw'
  return {
    download: raw ? 'compressed' : 'original',
    watermark: { enabled: raw, position: 'bottom_right', opacity: 60 },
    keep_exif: false,
    keep_gps: false,
    retention_days: raw ? 90 : 365,
  }
}

export function blankAlbum(kind: AlbumKind = 'raw', sortOrder = 0): Album {
  return { id: 0, kind, title: '', sort_order: sortOrder, settings: defaultSettings(kind), status: 'open' }
}

/** Whole megabytes or gigabytes for the album list. */
export function formatBytes(n: number | undefined): string {
  const v = n ?? 0
  if (v >= 1 << 30) return `${(v / (1 << 30)).toFixed(1)} GB`
  return `${Math.ceil(v / (1 << 20))} MB`
}
