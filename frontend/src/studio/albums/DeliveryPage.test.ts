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

function backend(save: (s: typeof SETTINGS) => unknown) {
  return installFakeWails({
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
})
