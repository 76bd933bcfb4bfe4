// What every end-to-end scenario shares: settings from the environment, calls through the
// desktop bridge, Chromium, screenshots per step, and the studio UI's common moves (sign in,
// open a page, pick an option).
//
//   STUDIO_URL=http://127.0.0.1:PORT   desktop bridge in browser mode (built UI + POST /bridge/call)
//   SERVER_URL=http://127.0.0.1:8640   the StudioDesk server the desktop app signs in to
//   ADMIN_PHONE, ADMIN_PASSWORD        an admin of a studio on that server
//   RESULTS_DIR (default: <repo>/test-results), CHROMIUM_PATH (default: /usr/bin/chromium), TENANT_NAME
//
// Missing settings or a server that is not up FAIL the run; nothing here is ever skipped.
import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'

const here = path.dirname(fileURLToPath(import.meta.url))
export const frontendDir = path.resolve(here, '..')
export const RESULTS_DIR = process.env.RESULTS_DIR
  ? path.resolve(process.env.RESULTS_DIR)
  : path.resolve(frontendDir, '../test-results')
const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium'
export const TIMEOUT = 15_000

export function env(name) {
  const value = process.env[name]
  if (!value) throw new Error(`${name} is not set; the end-to-end test needs STUDIO_URL, SERVER_URL, ADMIN_PHONE and ADMIN_PASSWORD`)
  return value
}

export const STUDIO_URL = () => env('STUDIO_URL').replace(/\/+$/, '')
export const SERVER_URL = () => env('SERVER_URL').replace(/\/+$/, '')

/** One call through the desktop bridge, as the UI makes it in browser mode: `{status, body}`. */
export async function bridgeCall(method, args = []) {
  const res = await fetch(`${STUDIO_URL()}/bridge/call`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ method, args }),
    signal: AbortSignal.timeout(TIMEOUT),
  })
  const text = await res.text()
  let body
  try {
    body = text === '' ? null : JSON.parse(text)
  } catch {
    throw new Error(`${method}: HTTP ${res.status} with a body that is not JSON: ${text.slice(0, 200)}`)
  }
  return { status: res.status, body }
}

/** One call through the bridge that must succeed; answers the method's result. */
export async function bridge(method, ...args) {
  const { status, body } = await bridgeCall(method, args)
  if (status >= 400) throw new Error(`${method}(${JSON.stringify(args)}): HTTP ${status} ${JSON.stringify(body)}`)
  return body
}

export async function reachable(url) {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(5_000) })
    return { ok: res.ok, status: res.status, text: await res.text() }
  } catch (e) {
    return { ok: false, status: 0, text: String(e?.cause?.message ?? e?.message ?? e) }
  }
}

/** Fails unless the server answers /healthz and the bridge serves the studio UI. */
export async function assertUp(assert) {
  const server = await reachable(`${SERVER_URL()}/healthz`)
  assert.ok(server.ok, `server ${SERVER_URL()}/healthz is not up (HTTP ${server.status}: ${server.text})`)
  const ui = await reachable(`${STUDIO_URL()}/`)
  assert.ok(ui.ok && ui.text.includes('id="app"'), `${STUDIO_URL()}/ does not serve the studio UI (HTTP ${ui.status})`)
}

export async function launchBrowser() {
  await mkdir(RESULTS_DIR, { recursive: true })
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    // Without the background-networking flags Chromium keeps dialing out of a closed network.
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
}

/**
 * Screenshots named `e2e-<prefix>-NN-<step>.png` in RESULTS_DIR, numbered in the order taken.
 * `step` runs a UI step and keeps a picture of its end, or of where it stopped (`-FAILED`).
 */
export function recorder(prefix) {
  let shot = 0
  async function screenshot(page, name) {
    shot += 1
    const file = path.join(RESULTS_DIR, `e2e-${prefix}-${String(shot).padStart(2, '0')}-${name}.png`)
    await page.screenshot({ path: file, animations: 'disabled' })
    return file
  }
  async function step(page, name, fn) {
    try {
      await fn()
      await screenshot(page, name)
    } catch (e) {
      await screenshot(page, `${name}-FAILED`).catch(() => {})
      throw e
    }
  }
  return { screenshot, step }
}

export async function newPage(browser, viewport = { width: 1440, height: 900 }) {
  const context = await browser.newContext({ viewport, locale: 'zh-CN' })
  const page = await context.newPage()
  page.setDefaultTimeout(TIMEOUT)
  page.on('pageerror', (err) => console.error('[page error]', err.message))
  return page
}

/** A 240×160 JPEG (four coloured quadrants); bytes after its end marker make each copy distinct. */
export const JPEG = Buffer.from('/9j/2wCEAAIBAQEBAQIBAQECAgICAgQDAgICAgUEBAMEBgUGBgYFBgYGBwkIBgcJBwYGCAsICQoKCgoKBggLDAsKDAkKCgoBAgICAgICBQMDBQoHBgcKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCv/AABEIAKAA8AMBIgACEQEDEQH/xAGiAAABBQEBAQEBAQAAAAAAAAAAAQIDBAUGBwgJCgsQAAIBAwMCBAMFBQQEAAABfQECAwAEEQUSITFBBhNRYQcicRQygZGhCCNCscEVUtHwJDNicoIJChYXGBkaJSYnKCkqNDU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVmZ2hpanN0dXZ3eHl6g4SFhoeIiYqSk5SVlpeYmZqio6Slpqeoqaqys7S1tre4ubrCw8TFxsfIycrS09TV1tfY2drh4uPk5ebn6Onq8fLz9PX29/j5+gEAAwEBAQEBAQEBAQAAAAAAAAECAwQFBgcICQoLEQACAQIEBAMEBwUEBAABAncAAQIDEQQFITEGEkFRB2FxEyIygQgUQpGhscEJIzNS8BVictEKFiQ04SXxFxgZGiYnKCkqNTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqCg4SFhoeIiYqSk5SVlpeYmZqio6Slpqeoqaqys7S1tre4ubrCw8TFxsfIycrS09TV1tfY2dri4+Tl5ufo6ery8/T19vf4+fr/2gAMAwEAAhEDEQA/APi+iiiv5TP9/AooooAKKKKACiiigAooooAKKKKACiiigAr9KK/Nev0or8t8Sv8AmF/7f/8AbD/Cv9tR/wA0H/3VP/ecFFFFflp/hWFFFFABRRRQAUUUUAFFFFABRRRQAUUUUAfmvRRRX9SH/dQFFFFABRRRQAUUUUAFFFFABRRRQAUUUUAFfpRX5r1+lFflviV/zC/9v/8Ath/hX+2o/wCaD/7qn/vOCiiivy0/wrCiiigAooooAKKKKACiiigAooooAKKKKAPzXooor+pD/uoCiiigAooooAKKKKACiiigAooooAKKKKACv0or816/Sivy3xK/5hf+3/8A2w/wr/bUf80H/wB1T/3nBRRRX5af4VhRRRQAUUUUAFFFFABRRRQAUUUUAFFFFAH5r0UUV/Uh/wB1AUUUUAFFFFABRRRQAUUUUAFFFFABRRRQAV+lFfmvX6UV+W+JX/ML/wBv/wDth/hX+2o/5oP/ALqn/vOCiiivy0/wrCiiigAooooAKKKKACiiigAooooAKKKKAPzXooor+pD/ALqAooooAKKKKACiiigAooooAKKKKACiiigAr9KK/Nev0or8t8Sv+YX/ALf/APbD/Cv9tR/zQf8A3VP/AHnBRRRX5af4VhRRRQAUUUUAFFFFABRRRQAUUUUAFFFFAH4N0UUV/wBph/qwFFFFABRRRQAUUUUAFFFFABRRRQAUUUUAFf3EV/DvX9xFfwD9Ob/mn/8Aub/91j6rhn/l7/27/wC3BRRRX8An1QUUUUAFFFFABRRRQAUUUUAFFFFABRRRQB/DvRRRX+/h+VhRRRQAUUUUAFFFFABRRRQAUUUUAFFFFABX9xFfw71/cRX8A/Tm/wCaf/7m/wD3WPquGf8Al7/27/7cFFFFfwCfVBRRRQAUUUUAFFFFABRRRQAUUUUAFFFFAH8O9FFFf7+H5WFFFFABRRRQAUUUUAFFFFABRRRQAUUUUAFf3EV/DvX9xFfwD9Ob/mn/APub/wDdY+q4Z/5e/wDbv/twUUUV/AJ9UFFFFABRRRQAUUUUAFFFFABRRRQAUUUUAfw70UUV/v4flYUUUUAFFFFABRRRQAUUUUAFFFFABRRRQAV/cRX8O9f3EV/AP05v+af/AO5v/wB1j6rhn/l7/wBu/wDtwUUUV/AJ9UFFFFABRRRQAUUUUAFFFFABRRRQAUUUUAfw70UUV/v4flYUUUUAFFFFABRRRQAUUUUAFFFFABRRRQAV/cRX8O9f3EV/AP05v+af/wC5v/3WPquGf+Xv/bv/ALcFFFFfwCfVBRRRQAUUUUAFFFFABRRRQAUUUUAFFFFAH//Z', 'base64')

export const byTestId = (page, id) => page.locator(`[data-testid="${id}"]`)

/** The input or textarea of a field, whether the data-testid sits on it or on a wrapper. */
export const inputOf = (page, id) =>
  page.locator(`input[data-testid="${id}"], textarea[data-testid="${id}"], [data-testid="${id}"] input, [data-testid="${id}"] textarea`).first()

/** Opens a select and picks the option with the given data-testid. */
export async function chooseTestId(page, selectId, optionId, scope = page) {
  await scope.locator(`[data-testid="${selectId}"]`).first().click()
  await page.locator(`[data-testid="${optionId}"]:visible`).first().click()
}

/** Opens a select and picks the option with the given visible text. */
export async function chooseOption(page, selectTestId, text, scope = page) {
  await scope.locator(`[data-testid="${selectTestId}"]`).click()
  await page.getByRole('option', { name: text, exact: true }).click()
}

/**
 * Signs in through the login screen. One desktop session serves every page, so whoever is
 * signed in (an earlier step's user) is signed out first and the login screen shows.
 */
export async function login(page, phone, password) {
  await bridgeCall('Logout').catch(() => null)
  await page.goto(`${STUDIO_URL()}/#/login`)
  await byTestId(page, 'login-page').waitFor()
  await byTestId(page, 'login-server').fill(SERVER_URL())
  await byTestId(page, 'login-phone').fill(phone)
  await byTestId(page, 'login-password').fill(password)
  await byTestId(page, 'login-submit').click()
  const outcome = page.locator(
    ['app-layout', 'login-tenant', 'login-error', 'login-device-alert', 'login-rate-limited'].map((id) => `[data-testid="${id}"]`).join(', '),
  )
  await outcome.first().waitFor()
  if (await byTestId(page, 'login-tenant').isVisible()) {
    // The phone belongs to several studios: take the one named by TENANT_NAME, else the first.
    await byTestId(page, 'login-tenant').click()
    const options = page.locator('[data-testid^="login-tenant-"]:visible')
    const wanted = process.env.TENANT_NAME ? options.filter({ hasText: process.env.TENANT_NAME }) : options
    await wanted.first().click()
  }
  try {
    await byTestId(page, 'app-layout').waitFor()
  } catch {
    const alerts = await page.locator('.el-alert, .el-form-item__error, .el-message').allInnerTexts()
    throw new Error(`login as ${phone} did not reach the app: ${alerts.join(' | ') || 'no message shown'}`)
  }
}

/** Signs out with the header button (closing an open drawer or dialog first, as a person would). */
export async function logout(page) {
  for (let i = 0; i < 3 && (await page.locator('.el-overlay:visible').count()) > 0; i++) {
    await page.keyboard.press('Escape')
    await page.waitForTimeout(300)
  }
  await byTestId(page, 'header-logout').click()
  await byTestId(page, 'login-page').waitFor()
}

/** Opens a page from the menu. */
export async function openPage(page, name) {
  await byTestId(page, `nav-${name}`).click()
  await page.waitForURL(new RegExp(`#/${name}(\\?.*)?$`))
}
