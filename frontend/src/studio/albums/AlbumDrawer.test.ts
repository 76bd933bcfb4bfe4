import { afterEach, describe, expect, it } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import OrderDetailPage from './OrderDetailPage.vue'
import { defaultSettings } from './albumForm'
import { fakeSession, mountStudio, settle } from '@/test/mount'
import { installFakeWails, wailsError } from '@/test/fakeWails'

const ORDER = { id: 4, branch_id: 1, customer_name: '王小姐', phone: '13600000001', package: '', shoot_date: '', code: 'ABCD2345', note: '' }
const ALBUM = { id: 9, order_id: 4, kind: 'retouched', title: '精修', sort_order: 0, settings: defaultSettings('retouched'), status: 'open' }
const PHOTOS = [
  { id: 1, album_id: 9, hash: 'a', size: 2 << 20, filename: 'IMG_1.JPG', content_type: 'image/jpeg', kind: 'image', status: 'ready', created_at: '' },
  { id: 2, album_id: 9, hash: 'b', size: 1 << 20, filename: 'cut.jpg', content_type: 'image/jpeg', kind: 'image', status: 'failed', fail_reason: 'image_corrupt', created_at: '' },
]
const LINK = {
  id: 3, album_id: 9, token: 'tok', path: '/s/tok', has_code: true, label: '客户', expires_at: '2027-01-01T00:00:00Z',
  allow_download: true, views: 5, downloads: 2, state: 'active', created_at: '',
}

afterEach(() => {
  document.body.innerHTML = ''
})

describe('AlbumDrawer', () => {
  it('lists photos with why one cannot be shown, uploads paths, and shares with a QR code', async () => {
    let links: unknown[] = []
    const listeners: Record<string, (...data: unknown[]) => void> = {}
    window.runtime = {
      EventsOn: (name, cb) => {
        listeners[name] = cb
        return () => delete listeners[name]
      },
    }
    let finish: (r: unknown) => void = () => {}
    const app = installFakeWails({
      GetOrder: () => ({ order: ORDER, albums: [ALBUM] }),
      AlbumPhotos: () => PHOTOS,
      ShareLinks: () => links,
      Info: () => ({ server_url: 'http://192.168.1.10:8640' }),
      UploadPaths: () => new Promise((resolve) => (finish = resolve)),
      RetryUploads: () => ({ uploaded: 1, duplicates: 0, failed: [] }),
      CreateShareLink: (_id: number, req: { code?: string }) => {
        if (req.code === '12') return Promise.reject(wailsError({ code: 'access_code_invalid', field: 'code', message: '访问码需为 4–8 位字母或数字。' }))
        links = [LINK]
        return LINK
      },
      RevokeShareLink: () => ({ ...LINK, state: 'revoked' }),
    })
    const { wrapper } = await mountStudio(OrderDetailPage, { session: fakeSession(['order.manage', 'album.manage']), route: '/orders/4' })
    await settle()
    await wrapper.get('[data-testid="album-open"]').trigger('click')
    await settle()
    const table = document.querySelector('[data-testid="photos-table"]')!.textContent!
    expect(table).toContain('IMG_1.JPG')
    expect(table).toContain('文件不完整或已损坏')

    const paths = document.querySelector('[data-testid="upload-paths"]') as HTMLTextAreaElement
    paths.value = 'D:\\婚礼\\精修\n'
    paths.dispatchEvent(new Event('input'))
    ;(document.querySelector('[data-testid="upload-start"]') as HTMLButtonElement).click()
    await settle()
    expect(app.UploadPaths).toHaveBeenCalledWith(9, ['D:\\婚礼\\精修'])
    // Progress is pushed by the desktop while the queue works: files, speed, time left, offline.
    listeners['upload:progress']({ album_id: 9, file: 'IMG_2.JPG', files_done: 1, files_failed: 1, files_total: 4, bytes_sent: 50, bytes_total: 100,
      speed: 2 << 20, eta_seconds: 75, offline: true, files_shown: 2 })
    await settle()
    const shown = document.querySelector('[data-testid="upload-progress"]')!.textContent!
    expect(shown).toContain('2/4 · IMG_2.JPG')
    expect(shown).toContain('剩余 1:15')
    expect(shown).toContain('无法连接服务器')
    expect(shown).toContain('2 张客户已可查看')
    finish({ uploaded: 1, duplicates: 2, failed: [{ id: 7, file: '说明.txt', error: { code: 'file_type_unsupported', message: '「说明.txt」不是支持的照片或视频' } }] })
    await settle()
    expect(document.querySelector('[data-testid="upload-report"]')!.textContent).toContain('「说明.txt」不是支持的照片或视频')
    ;(document.querySelector('[data-testid="upload-retry"]') as HTMLButtonElement).click()
    await settle()
    expect(app.RetryUploads).toHaveBeenCalledWith(9, [7])
    expect(document.querySelector('[data-testid="upload-report"]')!.textContent).toContain('已上传 1 个')
    expect(document.querySelector('[data-testid="upload-failed"]')).toBeNull()

    const code = document.querySelector('[data-testid="share-code"]') as HTMLInputElement
    code.value = '12'
    code.dispatchEvent(new Event('input'))
    ;(document.querySelector('[data-testid="share-create"]') as HTMLButtonElement).click()
    await settle()
    expect(document.body.textContent).toContain('访问码需为 4–8 位字母或数字。')
    code.value = '2580'
    code.dispatchEvent(new Event('input'))
    ;(document.querySelector('[data-testid="share-create"]') as HTMLButtonElement).click()
    await settle()
    expect(app.CreateShareLink).toHaveBeenLastCalledWith(9, expect.objectContaining({ code: '2580', allow_download: true }))
    expect(document.querySelector('[data-testid="share-url"]')!.textContent).toBe('http://192.168.1.10:8640/s/tok')
    expect((document.querySelector('[data-testid="share-qr"]') as HTMLImageElement).src).toMatch(/^data:image\/png;base64,/)
    expect(document.querySelector('[data-testid="share-links"]')!.textContent).toContain('5 / 2')
    ;(document.querySelector('[data-testid="share-revoke"]') as HTMLButtonElement).click()
    await flushPromises()
    expect(app.RevokeShareLink).toHaveBeenCalledWith(3)
  }, 30_000) // a long scenario: the shared machine may be busy

  it('turns the album live with an explanation and the badge; a refusal puts the switch back', async () => {
    let refuse = false
    const app = installFakeWails({
      GetOrder: () => ({ order: ORDER, albums: [ALBUM] }),
      AlbumPhotos: () => PHOTOS,
      ShareLinks: () => [],
      Info: () => ({ server_url: 'http://192.168.1.10:8640' }),
      SaveAlbum: (_order: number, a: { live: boolean }) => {
        if (refuse) return Promise.reject(wailsError({ code: 'forbidden', message: '没有权限' }))
        return { ...ALBUM, live: a.live }
      },
    })
    const { wrapper } = await mountStudio(OrderDetailPage, { session: fakeSession(['order.manage', 'album.manage']), route: '/orders/4' })
    await settle()
    await wrapper.get('[data-testid="album-open"]').trigger('click')
    await settle()
    const box = () => document.querySelector('[data-testid="album-live"]')!
    expect(box().textContent).toContain('无需刷新')
    expect(box().textContent).not.toContain('直播中')
    ;(document.querySelector('[data-testid="album-live-switch"]') as HTMLElement).click()
    await settle()
    expect(app.SaveAlbum).toHaveBeenLastCalledWith(4, expect.objectContaining({ id: 9, title: '精修', live: true }))
    expect(box().textContent).toContain('直播中')
    expect(document.querySelector('[data-testid="album-live-note"]')!.textContent).toContain('已开启直播')
    refuse = true
    ;(document.querySelector('[data-testid="album-live-switch"]') as HTMLElement).click()
    await settle()
    expect(app.SaveAlbum).toHaveBeenLastCalledWith(4, expect.objectContaining({ live: false }))
    expect(box().textContent).toContain('直播中') // still live: the change was refused
  }, 30_000)

  it('sets a ready photo as the cover and deletes a photo after asking', async () => {
    const app = installFakeWails({
      GetOrder: () => ({ order: ORDER, albums: [ALBUM] }),
      AlbumPhotos: () => PHOTOS,
      ShareLinks: () => [],
      Info: () => ({ server_url: 'http://192.168.1.10:8640' }),
      SaveAlbum: (_order: number, a: { cover_photo_id?: number }) => ({ ...ALBUM, cover_photo_id: a.cover_photo_id }),
      DeletePhoto: () => undefined,
    })
    const { wrapper } = await mountStudio(OrderDetailPage, { session: fakeSession(['order.manage', 'album.manage']), route: '/orders/4' })
    await settle()
    await wrapper.get('[data-testid="album-open"]').trigger('click')
    await settle()
    // Only the ready photo can be the cover.
    expect(document.querySelectorAll('[data-testid="photo-set-cover"]').length).toBe(1)
    ;(document.querySelector('[data-testid="photo-set-cover"]') as HTMLButtonElement).click()
    await settle()
    expect(app.SaveAlbum).toHaveBeenLastCalledWith(4, expect.objectContaining({ id: 9, cover_photo_id: 1 }))
    expect(document.querySelector('[data-testid="photo-cover"]')!.textContent).toContain('封面')

    const table = () => document.querySelector('[data-testid="photos-table"]')!.textContent!
    ;(document.querySelectorAll('[data-testid="photo-delete"]')[1] as HTMLButtonElement).click()
    await settle()
    expect(document.querySelector('.el-message-box')!.textContent).toContain('cut.jpg')
    expect(app.DeletePhoto).not.toHaveBeenCalled()
    ;(document.querySelector('.el-message-box__btns .el-button--primary') as HTMLButtonElement).click()
    await settle()
    await flushPromises()
    expect(app.DeletePhoto).toHaveBeenCalledWith(9, 2)
    expect(table()).not.toContain('cut.jpg')
    expect(table()).toContain('IMG_1.JPG')
  }, 30_000)

  it('notifies the customer and shows each message with its outcome', async () => {
    let sent = [
      { id: 1, album_id: 9, kind: 'photos_uploaded', channel: 'webhook', recipient: '13600000001', subject: '', body: '', status: 'failed', attempts: 6, last_error: 'webhook answered 503 Service Unavailable', created_at: '2026-12-04T02:00:00Z' },
    ]
    const app = installFakeWails({
      GetOrder: () => ({ order: ORDER, albums: [ALBUM] }),
      AlbumPhotos: () => PHOTOS,
      ShareLinks: () => [],
      Info: () => ({ server_url: 'http://192.168.1.10:8640' }),
      AlbumNotifications: () => sent,
      NotifyAlbum: () => {
        const m = { id: 2, album_id: 9, kind: 'album_ready', channel: 'sms', recipient: '13600000001', subject: '', body: '', status: 'pending', attempts: 0, last_error: '', created_at: '2026-12-04T03:00:00Z' }
        sent = [m, ...sent]
        return [m]
      },
    })
    const { wrapper } = await mountStudio(OrderDetailPage, { session: fakeSession(['order.manage', 'album.manage']), route: '/orders/4' })
    await settle()
    await wrapper.get('[data-testid="album-open"]').trigger('click')
    await settle()
    ;(document.querySelector('#tab-notify') as HTMLElement).click()
    await settle()
    expect(app.AlbumNotifications).toHaveBeenCalledWith(9)
    const table = () => document.querySelector('[data-testid="album-messages"]')!.textContent!
    expect(table()).toContain('新照片')
    expect(table()).toContain('失败')
    expect(table()).toContain('webhook answered 503')
    ;(document.querySelector('[data-testid="album-notify"]') as HTMLButtonElement).click()
    await settle()
    expect(app.NotifyAlbum).toHaveBeenCalledWith(9)
    expect(document.querySelector('[data-testid="album-notified"]')!.textContent).toContain('1')
    expect(table()).toContain('可以查看')
    expect(table()).toContain('短信')
  }, 30_000)

  it('shows views, visitors and downloads per link and per photo', async () => {
    const app = installFakeWails({
      GetOrder: () => ({ order: ORDER, albums: [ALBUM] }),
      AlbumPhotos: () => PHOTOS,
      ShareLinks: () => [LINK],
      Info: () => ({ server_url: 'http://192.168.1.10:8640' }),
      AlbumAnalytics: () => ({
        views: 17,
        visitors: 6,
        downloads: 9,
        links: [{ id: 3, label: '客户', state: 'active', created_at: '', views: 17, visitors: 6, downloads: 9 }],
        photos: [{ photo_id: 1, filename: 'IMG_1.JPG', downloads: 5 }],
      }),
    })
    const { wrapper } = await mountStudio(OrderDetailPage, { session: fakeSession(['order.manage']), route: '/orders/4' })
    await settle()
    await wrapper.get('[data-testid="album-open"]').trigger('click')
    await settle()
    ;(document.querySelector('#tab-stats') as HTMLElement).click()
    await settle()
    expect(app.AlbumAnalytics).toHaveBeenCalledWith(9)
    expect(document.querySelector('[data-testid="stats-visitors"]')!.textContent).toContain('6')
    expect(document.querySelector('[data-testid="stats-views"]')!.textContent).toContain('17')
    const links = document.querySelector('[data-testid="stats-links"]')!.textContent!
    expect(links).toContain('客户')
    expect(links).toContain('有效')
    expect(document.querySelector('[data-testid="stats-photos"]')!.textContent).toContain('IMG_1.JPG')
  }, 30_000)
})
