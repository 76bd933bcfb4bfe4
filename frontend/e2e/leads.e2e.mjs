// End-to-end: the lead workspace (issue 4) through the studio UI, in a real Chromium.
//
//   An admin prepares a wedding brand, a branch, a booking group with two bookers (one checked
//   in, one not), a store receptionist and this device; creates a lead; entering the same phone
//   again shows the duplicate warning; the lead is assigned round-robin to the group and goes to
//   the checked-in booker (the other is listed as "not checked in"). The booker signs in, sees the
//   lead after sync and books a visit; the store receptionist checks the customer in and records
//   the deal.
//
//   STUDIO_URL=http://127.0.0.1:PORT   desktop bridge in browser mode (built UI + POST /bridge/call)
//   SERVER_URL=http://127.0.0.1:8640   the StudioDesk server the desktop app signs in to
//   ADMIN_PHONE, ADMIN_PASSWORD        an admin of a studio on that server
//   RESULTS_DIR (default: <repo>/test-results), CHROMIUM_PATH (default: /usr/bin/chromium), TENANT_NAME
//
//   node --test --test-concurrency=1 frontend/e2e/
//
// Every scenario drives the one desktop session of STUDIO_URL, so scenario files must not run in
// parallel (`npm run e2e` passes --test-concurrency=1). Missing settings or a server that is not
// up FAIL the run; nothing here is ever skipped.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'

const here = path.dirname(fileURLToPath(import.meta.url))
const frontendDir = path.resolve(here, '..')
const RESULTS_DIR = process.env.RESULTS_DIR
  ? path.resolve(process.env.RESULTS_DIR)
  : path.resolve(frontendDir, '../test-results')
const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium'
const TIMEOUT = 15_000
/** How long a change may take to reach another user's replica (push, then pull). */
const SYNC_TIMEOUT = 45_000

function env(name) {
  const value = process.env[name]
  if (!value) throw new Error(`${name} is not set; the end-to-end test needs STUDIO_URL, SERVER_URL, ADMIN_PHONE and ADMIN_PASSWORD`)
  return value
}

const STUDIO_URL = () => env('STUDIO_URL').replace(/\/+$/, '')
const SERVER_URL = () => env('SERVER_URL').replace(/\/+$/, '')

/** One call through the desktop bridge, as the signed-in UI makes it; fails on an error answer. */
async function bridge(method, ...args) {
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
  if (!res.ok) throw new Error(`${method}(${JSON.stringify(args)}): HTTP ${res.status} ${JSON.stringify(body)}`)
  return body
}

async function reachable(url) {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(5_000) })
    return { ok: res.ok, status: res.status, text: await res.text() }
  } catch (e) {
    return { ok: false, status: 0, text: String(e?.cause?.message ?? e?.message ?? e) }
  }
}

const stamp = Date.now().toString().slice(-6)
const phoneTail = Date.now().toString().slice(-8)
/** Shared across the steps below, which run in order. */
const state = {
  ready: false,
  brand: null,
  branch: null,
  department: null,
  password: `E2e-${stamp}-Lead!9`,
  bookerA: null, // checked in: round-robin must pick them
  bookerB: null, // not checked in: listed as excluded
  store: null,
  lead: { name: `E2E客户${stamp}`, phone: `137${phoneTail}`, id: 0 },
  assigned: false,
  booked: false,
}
let browser
let shot = 0

async function screenshot(page, name) {
  shot += 1
  const file = path.join(RESULTS_DIR, `e2e-leads-${String(shot).padStart(2, '0')}-${name}.png`)
  await page.screenshot({ path: file, animations: 'disabled' })
  return file
}

/** Runs a UI step; on failure saves a screenshot of where it stopped. */
async function step(page, name, fn) {
  try {
    await fn()
    await screenshot(page, name)
  } catch (e) {
    await screenshot(page, `${name}-FAILED`).catch(() => {})
    throw e
  }
}

function requireReady() {
  if (!state.ready) throw new Error('the lead scenario setup failed; see the first test')
}

async function newPage() {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' })
  const page = await context.newPage()
  page.setDefaultTimeout(TIMEOUT)
  page.on('pageerror', (err) => console.error('[page error]', err.message))
  return page
}

const byTestId = (page, id) => page.locator(`[data-testid="${id}"]`)
/** Element Plus puts some data-testids on the input itself and some on a wrapper; take the input either way. */
const inputOf = (page, id) => page.locator(`input[data-testid="${id}"], textarea[data-testid="${id}"], [data-testid="${id}"] input`).first()
/** Opens a select and picks the option with the given data-testid. */
async function chooseTestId(page, selectId, optionId, scope = page) {
  await scope.locator(`[data-testid="${selectId}"]`).first().click()
  await page.locator(`[data-testid="${optionId}"]:visible`).first().click()
}

async function login(page, phone, password) {
  // One desktop session serves every page: end whoever is signed in (the setup scenario's
  // last user) so the login screen shows.
  await bridge('Logout').catch(() => null)
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

async function logout(page) {
  await byTestId(page, 'header-logout').click()
  await byTestId(page, 'login-page').waitFor()
}

async function openPage(page, name) {
  await byTestId(page, `nav-${name}`).click()
  await page.waitForURL(new RegExp(`#/${name}(\\?.*)?$`))
}

/** Waits until this desktop has pushed every local change (nothing pending or refused). */
async function waitSynced(page) {
  const deadline = Date.now() + SYNC_TIMEOUT
  for (;;) {
    const status = await bridge('SyncNow').catch(() => null)
    const ind = byTestId(page, 'sync-indicator')
    const pending = Number(await ind.getAttribute('data-pending'))
    const rejected = Number(await ind.getAttribute('data-rejected'))
    if (rejected > 0) {
      const outbox = await bridge('Outbox')
      throw new Error(`the server refused a change: ${JSON.stringify(outbox)}`)
    }
    if (status && status.pending === 0 && pending === 0 && status.online) return
    if (Date.now() > deadline) throw new Error(`changes still pending after ${SYNC_TIMEOUT} ms: ${JSON.stringify(status)}`)
    await page.waitForTimeout(500)
  }
}

/** The lead's row in the list, searching by its name; syncs and retries until the replica has it. */
async function findLeadRow(page, { mustMatch } = {}) {
  const deadline = Date.now() + SYNC_TIMEOUT
  const search = byTestId(page, 'lead-search')
  for (;;) {
    await search.fill(state.lead.name)
    const row = byTestId(page, 'lead-table').locator('.el-table__body tr', { hasText: state.lead.name })
    try {
      await row.first().waitFor({ timeout: 2_000 })
      if (!mustMatch || (await mustMatch(row.first()))) return row.first()
    } catch {
      // not in this replica yet
    }
    if (Date.now() > deadline) {
      const banner = await byTestId(page, 'lead-range-banner').innerText()
      throw new Error(`lead "${state.lead.name}" not in the list after ${SYNC_TIMEOUT} ms (${banner})`)
    }
    await bridge('SyncNow').catch(() => null)
    await search.fill('')
    await page.waitForTimeout(700)
  }
}

/** Opens the lead's detail drawer from the list. */
async function openLead(page, opts) {
  const row = await findLeadRow(page, opts)
  await row.locator('[data-testid="lead-row-name"]').click()
  await byTestId(page, 'lead-drawer').waitFor()
  await byTestId(page, 'lead-detail-name').filter({ hasText: state.lead.name }).waitFor()
  return byTestId(page, 'lead-drawer')
}

async function expectState(page, axis, value) {
  await page.locator(`[data-testid="lead-state-${axis}"][data-state="${value}"]`).waitFor({ timeout: SYNC_TIMEOUT })
}

/** Confirms the open status dialog and waits until it closed without an error. */
async function confirmTransition(page) {
  const dialog = byTestId(page, 'transition-dialog')
  await byTestId(page, 'transition-save').click()
  try {
    await dialog.waitFor({ state: 'hidden' })
  } catch {
    const errors = await page.locator('[data-testid="transition-dialog"] .el-form-item__error, [data-testid="transition-error"]').allInnerTexts()
    throw new Error(`the status change failed: ${errors.join(' | ') || 'the dialog stayed open'}`)
  }
}

/** Tomorrow 15:00 in China time, as the date-time picker takes it. */
function tomorrowAt15() {
  const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    new Date(Date.now() + 24 * 3600 * 1000),
  )
  return `${day} 15:00`
}

before(async () => {
  await mkdir(RESULTS_DIR, { recursive: true })
  browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
})

after(async () => {
  await browser?.close()
})

test('lead workspace setup: the admin prepares a brand, a booking group, bookers, a store receptionist and this device', async () => {
  const server = await reachable(`${SERVER_URL()}/healthz`)
  assert.ok(server.ok, `server ${SERVER_URL()}/healthz is not up (HTTP ${server.status}: ${server.text})`)
  const ui = await reachable(`${STUDIO_URL()}/`)
  assert.ok(ui.ok && ui.text.includes('id="app"'), `${STUDIO_URL()}/ does not serve the studio UI (HTTP ${ui.status})`)

  const page = await newPage()
  await step(page, 'admin-login', async () => {
    await login(page, env('ADMIN_PHONE'), env('ADMIN_PASSWORD'))
  })

  // Reference data through the same bridge the UI uses (the setup screens have their own e2e).
  state.brand = await bridge('SaveBrand', { id: 0, name: `E2E客资婚纱${stamp}`, type: 'wedding', duplicate_policy: 'reject', timezone: 'Asia/Shanghai' })
  state.branch = await bridge('SaveBranch', { id: 0, brand_id: state.brand.id, name: `E2E客资店${stamp}`, address: '上海市徐汇区测试路 2 号', phone: '021-55550001' })
  state.department = await bridge('SaveDepartment', { id: 0, branch_id: state.branch.id, name: `E2E邀约组${stamp}`, kind: 'booking' })
  const roles = await bridge('ListRoles')
  const bookingRole = roles.find((r) => r.key === 'booking')
  assert.ok(bookingRole, `the built-in booking role is missing: ${JSON.stringify(roles.map((r) => r.key))}`)
  // Store reception sees the leads of its branch (the built-in store role sees only its own).
  const storeRole = await bridge('SaveRole', { id: 0, key: '', name: `E2E门店接待${stamp}`, builtin: false, permissions: ['lead.create'], data_scope: 'branch' })

  const staff = async (prefix, digit, roleId, departmentId) => {
    const phone = `13${digit}${phoneTail}`
    const saved = await bridge('SaveStaff', {
      id: 0,
      phone,
      name: `${prefix}${stamp}`,
      branch_id: state.branch.id,
      department_id: departmentId,
      role_ids: [roleId],
      disabled: false,
      password: state.password,
    })
    return { id: saved.staff.id, name: saved.staff.name, phone, password: saved.password || state.password }
  }
  state.bookerA = await staff('E2E邀约甲', 6, bookingRole.id, state.department.id)
  state.bookerB = await staff('E2E邀约乙', 5, bookingRole.id, state.department.id)
  state.store = await staff('E2E门店', 3, storeRole.id, null)

  // Staff sign in only on devices bound to their branch.
  const info = await bridge('Info')
  const devices = await bridge('ListDevices')
  const device = devices.find((d) => d.id === info.device_id)
  assert.ok(device, `this desktop (${info.device_code}) is not in ListDevices`)
  await bridge('BindDevice', device.id, [...new Set([...(device.branch_ids ?? []), state.branch.id])])

  await step(page, 'checkin-on-behalf', async () => {
    await openPage(page, 'checkins')
    const row = byTestId(page, 'checkins-table').locator('.el-table__body tr', { hasText: state.bookerA.name })
    await row.waitFor()
    await row.locator('[data-testid="checkin-in"]').click()
    await row.locator('[data-testid="checkin-state"][data-state="onDuty"]').waitFor()
    const other = byTestId(page, 'checkins-table').locator('.el-table__body tr', { hasText: state.bookerB.name })
    await other.locator('[data-testid="checkin-state"][data-state="absent"]').waitFor()
  })

  state.ready = true
  await page.context().close()
})

test('the admin creates a lead, sees the duplicate warning, and assigns it round-robin to the checked-in booker', async () => {
  requireReady()
  const page = await newPage()
  await login(page, env('ADMIN_PHONE'), env('ADMIN_PASSWORD'))

  await step(page, 'lead-list', async () => {
    await openPage(page, 'leads')
    await byTestId(page, 'leads-page').waitFor()
    const banner = await byTestId(page, 'lead-range-created').innerText()
    assert.match(banner, /^显示 \d{4}-\d{2}-\d{2} 至 \d{4}-\d{2}-\d{2} 创建的客资（最近 30 天 · 默认）/, `the date range banner reads "${banner}"`)
  })

  await step(page, 'lead-created', async () => {
    await byTestId(page, 'lead-create').click()
    const dialog = byTestId(page, 'lead-form-dialog')
    await dialog.waitFor()
    await chooseTestId(page, 'lead-brand', `lead-brand-${state.brand.id}`, dialog)
    await byTestId(page, 'lead-name').fill(state.lead.name)
    await byTestId(page, 'lead-phone').fill(state.lead.phone)
    await chooseTestId(page, 'lead-branch', `lead-branch-${state.branch.id}`, dialog)
    await byTestId(page, 'lead-partner-name').fill(`E2E伴侣${stamp}`)
    await page.waitForTimeout(600) // the duplicate check answers while typing; a new phone has none
    assert.equal(await byTestId(page, 'lead-duplicate').count(), 0, 'a brand-new phone must not show a duplicate')
    await byTestId(page, 'lead-form-save').click()
    try {
      await dialog.waitFor({ state: 'hidden' })
    } catch {
      const errors = await page.locator('[data-testid="lead-form-dialog"] .el-form-item__error, [data-testid="lead-form-error"]').allInnerTexts()
      throw new Error(`creating the lead failed: ${errors.join(' | ') || 'the dialog stayed open'}`)
    }
    await findLeadRow(page)
    await waitSynced(page)
  })

  await step(page, 'duplicate-warning', async () => {
    await byTestId(page, 'lead-search').fill('')
    await byTestId(page, 'lead-create').click()
    const dialog = byTestId(page, 'lead-form-dialog')
    await dialog.waitFor()
    await chooseTestId(page, 'lead-brand', `lead-brand-${state.brand.id}`, dialog)
    await byTestId(page, 'lead-phone').fill(state.lead.phone)
    const warning = byTestId(page, 'lead-duplicate')
    await warning.waitFor()
    assert.equal(await warning.getAttribute('data-action'), 'reject')
    const text = await warning.innerText()
    assert.ok(text.includes('该手机号已有客资'), `duplicate warning reads "${text}"`)
    await byTestId(page, 'lead-duplicate-open').waitFor() // the admin can see the existing lead
    await byTestId(page, 'lead-form-cancel').click()
    await dialog.waitFor({ state: 'hidden' })
  })

  await step(page, 'assigned-round-robin', async () => {
    const row = await findLeadRow(page)
    await row.locator('.el-checkbox').first().click()
    await byTestId(page, 'lead-batch-bar').waitFor()
    await byTestId(page, 'lead-batch-assign').click()
    const dialog = byTestId(page, 'assign-dialog')
    await dialog.waitFor()
    await byTestId(page, 'assign-target-group').click()
    await chooseTestId(page, 'assign-department', `assign-dept-${state.department.id}`, dialog)
    await byTestId(page, 'assign-method-round_robin').click()
    const offered = byTestId(page, `assign-offered-${state.bookerA.id}`)
    await offered.waitFor()
    await offered.locator('[data-testid="assign-next"]').waitFor()
    const excluded = byTestId(page, `assign-excluded-${state.bookerB.id}`)
    await excluded.waitFor()
    assert.equal(await excluded.getAttribute('data-reason'), 'not_checked_in')
    assert.equal((await excluded.locator('[data-testid="assign-excluded-reason"]').innerText()).trim(), '今天未签到')
    await byTestId(page, 'assign-submit').click()
    const report = byTestId(page, 'batch-report')
    await report.waitFor()
    const summary = await byTestId(page, 'batch-report-summary').innerText()
    assert.equal(await report.getAttribute('data-applied'), 'true', `the assignment was not applied: ${summary} ${await report.innerText()}`)
    assert.ok((await report.innerText()).includes(state.bookerA.name), 'the report names the booker who got the lead')
    await byTestId(page, 'assign-close').click()
  })

  state.assigned = true
  await logout(page)
  await page.context().close()
})

test('the booker sees the lead after sync and books a store visit', async () => {
  requireReady()
  assert.ok(state.assigned, 'the assignment step did not finish')
  const page = await newPage()
  await login(page, state.bookerA.phone, state.bookerA.password)

  await step(page, 'booker-sees-lead', async () => {
    await openPage(page, 'leads')
    await openLead(page)
    await expectState(page, 'booking', 'to_call')
  })

  await step(page, 'booker-booked', async () => {
    await byTestId(page, 'lead-next-booking-booked').click()
    const dialog = byTestId(page, 'transition-dialog')
    await dialog.waitFor()
    await chooseTestId(page, 'transition-branch', `transition-branch-${state.branch.id}`, dialog)
    const when = inputOf(page, 'transition-booked-at')
    await when.fill(tomorrowAt15())
    await when.press('Enter')
    await confirmTransition(page)
    await expectState(page, 'booking', 'booked')
    await waitSynced(page)
  })

  state.booked = true
  await logout(page)
  await page.context().close()
})

test('the store receptionist checks the customer in and records the deal', async () => {
  requireReady()
  assert.ok(state.booked, 'the booking step did not finish')
  const page = await newPage()
  await login(page, state.store.phone, state.store.password)

  await step(page, 'store-sees-booking', async () => {
    await openPage(page, 'leads')
    await openLead(page, { mustMatch: async (row) => (await row.innerText()).includes('已预约') })
    await expectState(page, 'booking', 'booked')
  })

  await step(page, 'store-visited', async () => {
    const checkIn = byTestId(page, 'lead-next-store-negotiating')
    assert.equal((await checkIn.innerText()).trim(), '到店签到')
    await checkIn.click()
    await byTestId(page, 'transition-dialog').waitFor()
    await confirmTransition(page)
    await expectState(page, 'store', 'negotiating')
    await expectState(page, 'booking', 'visited')
  })

  await step(page, 'store-deal', async () => {
    await byTestId(page, 'lead-next-store-deal').click()
    await byTestId(page, 'transition-dialog').waitFor()
    const amount = inputOf(page, 'transition-amount')
    await amount.fill('12800')
    await amount.press('Tab')
    await byTestId(page, 'transition-deal-deposit').click()
    await byTestId(page, 'transition-package').fill('E2E婚纱套餐')
    await confirmTransition(page)
    await expectState(page, 'store', 'deal')
    await waitSynced(page)
    const timeline = await byTestId(page, 'lead-timeline').innerText()
    assert.ok(timeline.includes('门店：洽谈中 → 已成交'), `the timeline lacks the deal: ${timeline}`)
  })

  await logout(page)
  await page.context().close()
})
