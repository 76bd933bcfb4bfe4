import { afterEach, describe, expect, it } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import FoldersPage from './FoldersPage.vue'
import { fakeSession, mountStudio, settle } from '@/test/mount'
import { installFakeWails, wailsError } from '@/test/fakeWails'

const P0 = { queued: 0, done: 0, failed: 0, queued_bytes: 0, done_bytes: 0, speed: 0, eta_seconds: 0, waiting: 0 }
const BINDING = {
  id: 7,
  path: 'D:\\拍摄\\D8K2M4PQ_张三李四',
  order_id: 4,
  order_code: 'D8K2M4PQ',
  customer_name: '张三李四',
  by_rule: true,
  paused: false,
  created_at: '2026-12-05T01:00:00Z',
  albums: [
    { folder: '', album_id: 21, kind: 'raw', title: '底片', rule: 'default' },
    { folder: '精修', album_id: 0, kind: 'retouched', title: '精修', rule: 'named' },
    { folder: '花絮', album_id: 0, kind: 'raw', title: '花絮', rule: 'other' },
  ],
  problem: null,
  progress: { ...P0, binding_id: 7, queued: 3, done: 1 },
}
const VIEW = {
  root: 'D:\\拍摄',
  bindings: [BINDING],
  unmatched: [{ path: 'D:\\拍摄\\随便', name: '随便', error: { code: 'folder_name_no_order', message: '文件夹名「随便」不符合「订单号_名称」规则' } }],
  progress: { overall: { ...P0, binding_id: 0, queued: 3, done: 1 }, folders: [BINDING.progress], offline: false },
}

afterEach(() => {
  document.body.innerHTML = ''
  delete window.runtime
})

describe('FoldersPage', () => {
  it('lists bindings with their sub-folder albums, follows pushed progress, and retries failed files by album', async () => {
    const listeners: Record<string, (...data: unknown[]) => void> = {}
    window.runtime = {
      EventsOn: (name, cb) => {
        listeners[name] = cb
        return () => delete listeners[name]
      },
    }
    const app = installFakeWails({
      ListFolders: () => VIEW,
      FolderFailures: () => [
        { id: 31, album_id: 21, file: 'IMG_1.JPG', error: { code: 'file_type_unsupported', message: '不支持的文件类型' } },
        { id: 32, album_id: 22, file: '精修/IMG_2.JPG', error: { code: 'file_unreadable', message: '无法读取' } },
      ],
      RetryUploads: (_album: number, ids: number[]) => ({ uploaded: ids.length, duplicates: 0, failed: [] }),
      PauseFolder: () => ({ ...BINDING, paused: true }),
    })
    const { wrapper } = await mountStudio(FoldersPage, { session: fakeSession(['album.manage']), route: '/folders' })
    await settle()
    const card = wrapper.get('[data-testid="folder-binding"]')
    expect(card.get('[data-testid="folder-path"]').text()).toBe(BINDING.path)
    expect(card.text()).toContain('自动绑定')
    const rows = card.get('[data-testid="folder-albums"]').text()
    expect(rows).toContain('（直接放在文件夹里的文件）')
    expect(rows).toContain('新建同名相册')
    expect(rows).toContain('收到第一个文件时创建')
    expect(wrapper.get('[data-testid="folder-miss"]').text()).toContain('随便')
    expect(card.get('[data-testid="folder-progress"]').text()).toContain('已完成 1 · 排队 3 · 失败 0')

    // Pushed progress updates the numbers without another ListFolders.
    const calls = app.ListFolders.mock.calls.length
    listeners['folders:progress']({
      overall: { ...P0, binding_id: 0, queued: 1, done: 2, failed: 2, speed: 2 << 20, eta_seconds: 65, queued_bytes: 1 },
      folders: [{ ...P0, binding_id: 7, queued: 1, done: 2, failed: 2, speed: 2 << 20, eta_seconds: 65, queued_bytes: 1 }],
      offline: true,
    })
    await flushPromises()
    expect(app.ListFolders.mock.calls.length).toBe(calls)
    expect(card.get('[data-testid="folder-progress"]').text()).toContain('已完成 2 · 排队 1 · 失败 2')
    expect(card.get('[data-testid="folder-progress"]').text()).toContain('剩余 1:05')
    expect(wrapper.find('[data-testid="folders-offline"]').exists()).toBe(true)
    expect(wrapper.find('[data-testid="folders-elsewhere"]').exists()).toBe(false)
    // A command-line upload holds the queue: the window says it waits for it.
    listeners['folders:progress']({
      overall: { ...P0, binding_id: 0, queued: 1, done: 2, failed: 2, speed: 2 << 20, eta_seconds: 65, queued_bytes: 1 },
      folders: [{ ...P0, binding_id: 7, queued: 1, done: 2, failed: 2, speed: 2 << 20, eta_seconds: 65, queued_bytes: 1 }],
      offline: false,
      elsewhere: true,
    })
    await flushPromises()
    expect(wrapper.get('[data-testid="folders-elsewhere"]').text()).toContain('命令行')

    await card.get('[data-testid="folder-failures"]').trigger('click')
    await flushPromises()
    expect(card.findAll('[data-testid="folder-failed"]').map((p) => p.text())).toEqual([
      expect.stringContaining('IMG_1.JPG：不支持的文件类型'),
      expect.stringContaining('精修/IMG_2.JPG：无法读取'),
    ])
    await card.get('[data-testid="folder-retry-all"]').trigger('click')
    await settle()
    expect(app.RetryUploads.mock.calls).toEqual([
      [21, [31]],
      [22, [32]],
    ])
    expect(card.get('[data-testid="folder-retried"]').text()).toContain('上传 2 个')

    await card.get('[data-testid="folder-pause"]').trigger('click')
    await flushPromises()
    expect(app.PauseFolder).toHaveBeenCalledWith(7, true)
  })

  it('binds a typed folder to a searched order and shows a refusal under the field it names', async () => {
    let bound = false
    const app = installFakeWails({
      ListFolders: () => ({ ...VIEW, bindings: bound ? [BINDING] : [], unmatched: [] }),
      ListOrders: () => ({ orders: [{ id: 4, branch_id: 1, customer_name: '张三李四', phone: '13600000001', code: 'D8K2M4PQ', package: '', shoot_date: '', note: '' }] }),
      BindFolder: (req: { path: string }) => {
        if (req.path.includes('精修')) {
          throw wailsError({ code: 'folder_nested', field: 'path', message: '「D:\\拍摄\\x\\精修」与已绑定的文件夹「D:\\拍摄\\x」互相包含。' })
        }
        bound = true
        return BINDING
      },
      PickFolder: () => {
        throw wailsError({ code: 'folder_picker_unavailable', field: 'path', message: '这里无法打开文件夹选择框，请直接输入文件夹路径。' })
      },
    })
    const { wrapper } = await mountStudio(FoldersPage, { session: fakeSession(['album.manage']), route: '/folders' })
    await settle()
    expect(wrapper.text()).toContain('还没有绑定文件夹。')

    await wrapper.get('[data-testid="folders-path"]').setValue('D:\\拍摄\\x\\精修')
    await wrapper.get('[data-testid="folders-bind"]').trigger('click')
    await settle()
    expect(wrapper.text()).toContain('互相包含')
    expect(bound).toBe(false)

    await wrapper.get('[data-testid="folders-path"]').setValue('  D:\\拍摄\\D8K2M4PQ_张三李四 ')
    await wrapper.get('[data-testid="folders-bind"]').trigger('click')
    await settle()
    expect(app.BindFolder).toHaveBeenLastCalledWith({ path: 'D:\\拍摄\\D8K2M4PQ_张三李四', order_id: 0 })
    expect(wrapper.findAll('[data-testid="folder-binding"]')).toHaveLength(1)
  })

  it('pauses and resumes this computer’s uploads and saves the bandwidth cap, with the refusal shown', async () => {
    let saved = { paused: false, limit_kbps: 0 }
    const app = installFakeWails({
      ListFolders: () => VIEW,
      UploadSettings: () => ({ ...saved }),
      SetUploadSettings: (s: { paused: boolean; limit_kbps: number }) => {
        if (s.limit_kbps > 10485760) throw wailsError({ code: 'invalid_value', field: 'limit_kbps', message: '「限速」超出范围' })
        saved = { ...s }
        return { ...s }
      },
    })
    const { wrapper } = await mountStudio(FoldersPage, { session: fakeSession(['album.manage']), route: '/folders' })
    await settle()
    await wrapper.get('[data-testid="uploads-pause"]').trigger('click')
    await settle()
    expect(app.SetUploadSettings).toHaveBeenLastCalledWith({ paused: true, limit_kbps: 0 })
    expect(wrapper.find('[data-testid="uploads-paused"]').exists()).toBe(true)
    expect(wrapper.get('[data-testid="uploads-pause"]').text()).toBe('继续上传')

    await wrapper.get('[data-testid="uploads-limit"] input').setValue('2048')
    await wrapper.get('[data-testid="uploads-limit-save"]').trigger('click')
    await settle()
    expect(app.SetUploadSettings).toHaveBeenLastCalledWith({ paused: true, limit_kbps: 2048 })
    expect(wrapper.find('[data-testid="uploads-limit-saved"]').exists()).toBe(true)

    await wrapper.get('[data-testid="uploads-limit"] input').setValue('99999999')
    await wrapper.get('[data-testid="uploads-limit-save"]').trigger('click')
    await settle()
    expect(wrapper.get('[data-testid="uploads-error"]').text()).toContain('超出范围')
    expect(saved.limit_kbps).toBe(2048)
  })
})
