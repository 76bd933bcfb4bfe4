import { describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import { ElSelect } from 'element-plus'
import LoginPage from './LoginPage.vue'
import { fakeSession, mountStudio, settle } from '@/test/mount'
import { installFakeWails, wailsError } from '@/test/fakeWails'

const INFO = {
  version: '0.1.0',
  device_id: 'dev-1',
  device_name: 'FRONT-DESK',
  device_code: 'K7Q2-9XPL',
  server_url: 'https://studio.example.test',
  language: 'zh-CN',
}

async function fillAndSubmit(wrapper: Awaited<ReturnType<typeof mountStudio>>['wrapper']) {
  await wrapper.get('[data-testid="login-phone"]').setValue('13800001234')
  await wrapper.get('[data-testid="login-password"]').setValue('secret-pass')
  await wrapper.get('form').trigger('submit')
  await settle()
}

describe('LoginPage', () => {
  it('prefills the server address from Info()', async () => {
    installFakeWails({ Info: () => INFO })
    const { wrapper } = await mountStudio(LoginPage)
    expect((wrapper.get('[data-testid="login-server"]').element as HTMLInputElement).value).toBe(INFO.server_url)
  })

  it('asks for the studio on tenant_required and retries with tenant_id', async () => {
    let calls = 0
    const app = installFakeWails({
      Info: () => INFO,
      Login: () => {
        calls++
        if (calls === 1) {
          return Promise.reject(
            wailsError({
              code: 'tenant_required',
              message: '该手机号属于多个影楼',
              params: { tenants: [{ id: 11, name: '蜜糖婚纱' }, { id: 12, name: '小脚丫儿童摄影' }] },
            }),
          )
        }
        return fakeSession(['lead.create'])
      },
    })
    const { wrapper, router } = await mountStudio(LoginPage)
    expect(wrapper.find('[data-testid="login-tenant"]').exists()).toBe(false)

    await fillAndSubmit(wrapper)
    expect(wrapper.find('[data-testid="login-tenant"]').exists()).toBe(true)
    const options = [...document.querySelectorAll('[data-testid^="login-tenant-"]')].map((el) => el.textContent?.trim())
    expect(options).toEqual(['蜜糖婚纱', '小脚丫儿童摄影'])

    const select = wrapper.findComponent(ElSelect)
    select.vm.$emit('update:modelValue', 12)
    select.vm.$emit('change', 12)
    await flushPromises()

    expect(app.Login).toHaveBeenCalledTimes(2)
    expect(app.Login.mock.calls[1][0]).toEqual({
      server_url: INFO.server_url,
      phone: '13800001234',
      password: 'secret-pass',
      tenant_id: 12,
    })
    await vi.waitFor(() => expect(router.currentRoute.value.name).toBe('home'))
  })

  it('shows the device code prominently on device_not_bound', async () => {
    installFakeWails({
      Info: () => INFO,
      Login: () =>
        Promise.reject(
          wailsError({
            code: 'device_not_bound',
            message: '本设备未绑定到你所在的分店',
            params: { device_name: 'FRONT-DESK', device_code: 'K7Q2-9XPL', branch: '旗舰店' },
          }),
        ),
    })
    const { wrapper, router } = await mountStudio(LoginPage)
    await fillAndSubmit(wrapper)

    const alert = wrapper.get('[data-testid="login-device-alert"]')
    expect(alert.text()).toContain('本设备尚未绑定到分店')
    expect(alert.text()).toContain('本设备未绑定到你所在的分店')
    expect(alert.get('[data-testid="login-device-code"]').text()).toBe('K7Q2-9XPL')
    expect(alert.text()).toContain('「设备」页面')
    expect(router.currentRoute.value.name).toBe('login')
  })

  it('marks the offending field with the server message', async () => {
    installFakeWails({
      Info: () => INFO,
      Login: () => Promise.reject(wailsError({ code: 'phone_invalid', field: 'phone', message: '手机号格式不正确' })),
    })
    const { wrapper } = await mountStudio(LoginPage)
    await fillAndSubmit(wrapper)
    expect(wrapper.get('[data-testid="field-phone"] .el-form-item__error').text()).toBe('手机号格式不正确')
    expect(wrapper.find('[data-testid="login-error"]').exists()).toBe(false)
  })

  it('shows errors without a field above the form', async () => {
    installFakeWails({
      Info: () => INFO,
      Login: () => Promise.reject(wailsError({ code: 'invalid_credentials', message: '手机号或密码不正确' })),
    })
    const { wrapper } = await mountStudio(LoginPage)
    await fillAndSubmit(wrapper)
    expect(wrapper.get('[data-testid="login-error"]').text()).toContain('手机号或密码不正确')
  })

  it('shows the wait on rate_limited and blocks the button', async () => {
    installFakeWails({
      Info: () => INFO,
      Login: () => Promise.reject(wailsError({ code: 'rate_limited', message: '太频繁', params: { retry_after_seconds: 30 } })),
    })
    const { wrapper } = await mountStudio(LoginPage)
    await fillAndSubmit(wrapper)
    expect(wrapper.get('[data-testid="login-rate-limited"]').text()).toContain('30 秒')
    expect(wrapper.get('[data-testid="login-submit"]').attributes('disabled')).toBeDefined()
  })
})
