// The customer pages' door to the server: the public share-link endpoints
// (docs/api.md, "Pocket album" → customer). Failures throw ShareError carrying the server's
// localized message and stable code.

export type DownloadRight = 'original' | 'compressed' | 'none'

export interface PublicAlbum {
  studio: string
  title: string
  kind: 'raw' | 'retouched' | 'video'
  photo_count: number
  expires_at: string
  needs_code: boolean
  download: DownloadRight
  /** A live album: the page follows its event stream and shows the newest photos first. */
  live: boolean
}

export interface PublicPhoto {
  id: number
  filename: string
  kind: 'image' | 'video'
  content_type: string
  width?: number
  height?: number
  size: number
  /** Live events only: the studio deleted this photo (the other fields are empty). */
  removed?: boolean
}

export class ShareError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly params: Record<string, unknown> = {},
  ) {
    super(message)
    this.name = 'ShareError'
  }
}

/** The share API of one link token. */
export function shareApi(token: string, lang: string) {
  const base = `/api/v1/public/links/${encodeURIComponent(token)}`

  function call<T>(path: string, init: RequestInit = {}): Promise<T> {
    return publicCall<T>(base + path, lang, init)
  }

  return {
    album: () => call<PublicAlbum>(''),
    unlock: (code: string) =>
      call<{ unlocked: boolean }>('/unlock', { method: 'POST', body: JSON.stringify({ code }), headers: { 'Content-Type': 'application/json' } }),
    photos: async () => (await call<PublicPhoto[] | null>('/photos')) ?? [],
    thumbURL: (id: number) => `${base}/photos/${id}/thumb`,
    previewURL: (id: number) => `${base}/photos/${id}/preview`,
    videoURL: (id: number) => `${base}/photos/${id}/video`,
    downloadURL: (id: number) => `${base}/photos/${id}/download`,
    zipURL: () => `${base}/zip`,
    /** Server-sent events of the album's newly ready photos ("photo", data: a PublicPhoto). */
    eventsURL: () => `${base}/events`,
  }
}

export type ShareApi = ReturnType<typeof shareApi>

/** The token of a share page's address (/s/<token>), or '' on other pages. */
export function tokenFromPath(path: string): string {
  const m = /^\/s\/([A-Za-z0-9_-]{16,100})\/?$/.exec(path)
  return m ? m[1] : ''
}

/** One album of a "my photos" lookup; path opens it (/s/<token>). */
export interface MyAlbum {
  title: string
  kind: 'raw' | 'retouched' | 'video'
  photo_count: number
  expires_at: string
  path: string
}

export interface MyPhotos {
  studio: string
  customer: string
  albums: MyAlbum[]
}

async function publicCall<T>(url: string, lang: string, init: RequestInit = {}): Promise<T> {
  let res: Response
  try {
    res = await fetch(url, {
      ...init,
      credentials: 'same-origin',
      headers: { Accept: 'application/json', 'Accept-Language': lang, ...(init.headers ?? {}) },
    })
  } catch (e) {
    throw new ShareError(0, 'network', String(e))
  }
  const body = (await res.json().catch(() => null)) as { error?: { code: string; message: string; params?: Record<string, unknown> } } | null
  if (!res.ok) {
    const err = body?.error
    throw new ShareError(res.status, err?.code ?? 'unexpected_response', err?.message ?? res.statusText, err?.params ?? {})
  }
  return body as T
}

/** The studio's "my photos" page (/my/<slug>): phone + order code list the customer's albums. */
export function myPhotosApi(slug: string, lang: string) {
  const base = `/api/v1/public/studios/${encodeURIComponent(slug)}`
  return {
    studio: () => publicCall<{ studio: string }>(base, lang),
    lookup: (phone: string, code: string) =>
      publicCall<MyPhotos>(`${base}/lookup`, lang, {
        method: 'POST',
        body: JSON.stringify({ phone, code }),
        headers: { 'Content-Type': 'application/json' },
      }),
  }
}

/** The slug of a "my photos" address (/my/<slug>), or '' on other pages. */
export function slugFromPath(path: string): string {
  const m = /^\/my\/([A-Za-z0-9_-]{8,64})\/?$/.exec(path)
  return m ? m[1] : ''
}
