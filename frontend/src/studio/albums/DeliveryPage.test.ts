import { describe, expect, it } from 'vitest'
import DeliveryPage from './DeliveryPage.vue'
import { fakeSession, mountStudio, settle } from '@/test/mount'
import { installFakeWails, wailsError } from '@/test/fakeWails'

const SETTINGS = {
  email: { enabled: true, host: 'smtp.exmail.qq.com', port: 465, security: 'tls', username: 'photos@studio.cn', password: '****9x2a', from: '甲影楼 <photos@studio.cn>' },
  webhook: { enabled: false, url: '', secret: '' },
  sms: { enabled: false, provider: '' },
  on_upload: true,
  on_finish: false,
}

function backend(save: (s: typeof SETTINGS) => unknown, more: Record<string, (...args: never[]) => unknown> = {}) {
  return installFakeWails({
    StudioLogo: () => ({ data_url: '' }),
    ...more,
    NotifySettings: () => ({ settings: SETTINGS, sms_providers: [] }),
    SaveNotifySettings: save,
    MyPhotosPage: () => ({ path: '/my/Abc123' }),
    Info: () => ({ server_url: 'http://192.168.1.10:8640/' }),
  })
}

describe('DeliveryPage', () => {
  it('shows the my-photos address with its QR code and the saved setup with secrets masked', async () => {
    backend(() => ({}))
    await mountStudio(DeliveryPage, { session: fakeSession(['settings.manage']), route: '/delivery' })
    await settle()
    expect(document.querySelector('[data-testid="myphotos-url"]')!.textContent).toBe('http://192.168.1.10:8640/my/Abc123')
    expect((document.querySelector('[data-testid="myphotos-qr"]') as HTMLImageElement).src).toMatch(/^data:image\/png;base64,/)
    expect((document.querySelector('[data-testid="notify-email-host"]') as HTMLInputElement).value).toBe('smtp.exmail.qq.com')
    expect(document.body.textContent).toContain('本服务器未开通短信服务商')
  })

  it('saves the form and puts the server’s error under the field it names', async () => {
    const app = backend((s) =>
      s.webhook.enabled
        ? Promise.reject(wailsError({ code: 'notify_secret_short', field: 'webhook.secret', message: '「Webhook 签名密钥」至少 16 个字符' }))
        : { settings: s, sms_providers: [] },
    )
    await mountStudio(DeliveryPage, { session: fakeSession(['settings.manage']), route: '/delivery' })
    await settle()
    ;(document.querySelector('[data-testid="notify-webhook-enabled"]') as HTMLElement).click()
    await settle()
    const url = document.querySelector('[data-testid="notify-webhook-url"]') as HTMLInputElement
    url.value = 'https://hooks.studio.cn/x'
    url.dispatchEvent(new Event('input'))
    ;(document.querySelector('[data-testid="notify-save"]') as HTMLButtonElement).click()
    await settle()
    expect(app.SaveNotifySettings).toHaveBeenCalledWith(expect.objectContaining({ webhook: expect.objectContaining({ enabled: true, url: 'https://hooks.studio.cn/x' }) }))
    expect(document.body.textContent).toContain('至少 16 个字符')
    expect(document.querySelector('[data-testid="notify-saved"]')).toBeNull()
  })

  it('without settings.manage the form is read-only', async () => {
    backend(() => ({}))
    await mountStudio(DeliveryPage, { session: fakeSession(['album.manage']), route: '/delivery' })
    await settle()
    expect((document.querySelector('[data-testid="notify-save"]') as HTMLButtonElement).disabled).toBe(true)
  })

  it('sends a test message and shows where it went, or the provider’s reason under the recipient', async () => {
    const app = backend(() => ({}), {
      TestNotify: (req: { to: string }) =>
        req.to === 'bad@example.com'
          ? Promise.reject(wailsError({ code: 'notify_test_failed', field: 'channel', message: '测试消息发送失败：550 no such mailbox。' }))
          : { channel: 'email', to: 'w***@example.com' },
    })
    await mountStudio(DeliveryPage, { session: fakeSession(['settings.manage']), route: '/delivery' })
    await settle()
    const to = document.querySelector('[data-testid="notify-test-to"]') as HTMLInputElement
    to.value = 'bad@example.com'
    to.dispatchEvent(new Event('input'))
    ;(document.querySelector('[data-testid="notify-test-send"]') as HTMLButtonElement).click()
    await settle()
    expect(app.TestNotify).toHaveBeenCalledWith({ channel: 'email', to: 'bad@example.com' })
    expect(document.body.textContent).toContain('550 no such mailbox')
    to.value = 'wang@example.com'
    to.dispatchEvent(new Event('input'))
    ;(document.querySelector('[data-testid="notify-test-send"]') as HTMLButtonElement).click()
    await settle()
    expect(document.querySelector('[data-testid="notify-test-result"]')!.textContent).toContain('w***@example.com')
  })

  it('uploads a logo read from the file picker and shows it, with the server’s refusal otherwise', async () => {
    let stored = ''
    const app = backend(() => ({}), {
      StudioLogo: () => ({ data_url: stored }),
      SetStudioLogo: (b64: string) => {
        if (atob(b64) === 'not an image') return Promise.reject(wailsError({ code: 'logo_not_media', field: 'logo', message: '「影楼标志」不是图片' }))
        stored = 'data:image/png;base64,' + b64
        return { width: 120, height: 40, size: 9, content_type: 'image/png' }
      },
    })
    await mountStudio(DeliveryPage, { session: fakeSession(['settings.manage']), route: '/delivery' })
    await settle()
    expect(document.querySelector('[data-testid="logo-none"]')).not.toBeNull()
    const input = document.querySelector('[data-testid="logo-file"]') as HTMLInputElement
    const pick = async (content: string) => {
      Object.defineProperty(input, 'files', { value: [new File([content], 'logo.png', { type: 'image/png' })], configurable: true })
      input.dispatchEvent(new Event('change'))
      for (let i = 0; i < 5; i++) await settle() // FileReader is asynchronous
    }
    await pick('not an image')
    expect(document.querySelector('[data-testid="logo-error"]')!.textContent).toContain('不是图片')
    await pick('PNG fake')
    expect(app.SetStudioLogo).toHaveBeenLastCalledWith(btoa('PNG fake'))
    expect(document.querySelector('[data-testid="logo-saved"]')!.textContent).toContain('120×40')
    expect((document.querySelector('[data-testid="logo-image"]') as HTMLImageElement).src).toMatch(/^data:image\/png;base64,/)
  })
})
