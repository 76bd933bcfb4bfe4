// End-to-end: first-run setup through the studio UI, in a real Chromium.
//
//   STUDIO_URL=http://127.0.0.1:PORT   desktop bridge in browser mode (built UI + POST /bridge/call)
//   SERVER_URL=http://127.0.0.1:8640   the StudioDesk server the desktop app signs in to
//   ADMIN_PHONE, ADMIN_PASSWORD        an admin of a studio on that server
//   RESULTS_DIR (default: <repo>/test-results), CHROMIUM_PATH (default: /usr/bin/chromium)
//
//   node --test frontend/e2e/
//
// Missing settings or a server that is not up FAIL the run; nothing here is ever skipped.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import * as e2e from './lib.mjs'
import { assertUp, bridgeCall, byTestId, chooseOption, env, frontendDir, launchBrowser, login, openPage, STUDIO_URL, SERVER_URL } from './lib.mjs'

/** The bound methods of app.App, shared with the TypeScript bridge (src/studio/bridge). */
const METHODS = JSON.parse(await readFile(path.join(frontendDir, 'src/studio/bridge/methods.json'), 'utf8'))

/** Methods that work without a session; every other one must answer `unauthenticated` when signed out. */
const PUBLIC_METHODS = new Set(['Info', 'SetLanguage', 'UIReady', 'Login', 'Logout', 'CurrentSession'])

/** Harmless arguments for probing each method while signed out. */
const PROBE_ARGS = {
  SetLanguage: ['zh-CN'],
  ChangePassword: ['', ''],
  SaveBrand: [{ id: 0 }],
  SaveBranch: [{ id: 0 }],
  SaveDepartment: [{ id: 0 }],
  SaveRole: [{ id: 0 }],
  DeleteRole: [0],
  SaveStaff: [{ id: 0 }],
  SetStaffDisabled: [0, false],
  ResetStaffPassword: [0],
  SaveChannelGroup: [{ id: 0 }],
  SaveChannel: [{ id: 0 }],
  BindDevice: ['', []],
  ListAudit: [{ limit: 1 }],
  // The lead workspace (signed out, each must answer "unauthenticated").
  ListLeads: [{}],
  GetLead: [0],
  LeadTimeline: [0],
  CheckDuplicate: [0, ''],
  CreateLead: [{}],
  UpdateLead: [0, {}],
  TransitionLead: [{}],
  CorrectLead: [{}],
  RecordCall: [{}],
  AddFollowUp: [{}],
  RefundLead: [{}],
  RevealPhone: [0],
  Assignees: [0, 'manual'],
  AssignLeads: [{}],
  TransferLeads: [{}],
  BatchLeads: [{}],
  CheckIn: [0, false],
  Pool: [{}],
  ClaimLead: [0],
  Notifications: [false],
  ReadNotifications: [[]],
  DiscardMutation: [''],
  RetryMutation: ['', {}],
  RetryUploads: [0, []],
  SaveView: [{ name: 'x' }],
  DeleteView: [''],
  CustomFields: [0],
  StaffNames: [],
  // Pocket album (issue 5).
  CreditLedger: [0, 0],
  BuyCredits: [0, ''],
  ListOrders: [{}],
  GetOrder: [0],
  SaveOrder: [{ id: 0 }],
  CorrectOrderPhone: [0, '', ''],
  SaveAlbum: [0, { id: 0 }],
  AlbumPhotos: [0],
  UploadPaths: [0, []],
  ShareLinks: [0],
  CreateShareLink: [0, {}],
  RevokeShareLink: [0],
  DeletePhoto: [0, 0],
  SaveNotifySettings: [{}],
  NotifyAlbum: [0],
  AlbumNotifications: [0],
  ExtendAlbum: [0, 1],
  AlbumAnalytics: [0],
  RequestTransfer: [0, '', ''],
  TransferRequests: ['', false],
  DecideTransfer: [0, false, ''],
  TestNotify: [{ channel: 'email', to: '' }],
  SetStudioLogo: [''],
  // Watched folders and upload settings (issue 6).
  BindFolder: [{ path: '', order_id: 0 }],
  UnbindFolder: [0],
  PauseFolder: [0, false],
  SetShootsRoot: [''],
  FolderFailures: [0],
  PickFolder: [''],
  SetUploadSettings: [{ paused: false, limit_kbps: 0 }],
}

// Shared across the steps below, which run in order.
const state = {
  contractOK: false,
  deviceCode: '',
  stamp: Date.now().toString().slice(-6),
  brandName: '',
  branchName: '',
  staff: null, // { phone, name, password }
}
let browser
const { step } = e2e.recorder('setup')
const newPage = () => e2e.newPage(browser, { width: 1366, height: 900 })

function requireContract() {
  if (!state.contractOK) throw new Error('the bridge contract check failed; see the first test')
}

/** Saves the open dialog of a CRUD page and waits until it closed without an error. */
async function saveDialog(page, testid) {
  const dialog = byTestId(page, `${testid}-dialog`)
  await byTestId(page, `${testid}-save`).click()
  try {
    await dialog.waitFor({ state: 'hidden' })
  } catch {
    const errors = await page.locator('.el-form-item__error, .el-message').allInnerTexts()
    throw new Error(`saving ${testid} failed: ${errors.join(' | ') || 'the dialog stayed open'}`)
  }
}

function tableRow(page, testid, text) {
  return byTestId(page, `${testid}-table`).locator('.el-table__body tr', { hasText: text })
}

before(async () => {
  browser = await launchBrowser()
})

after(async () => {
  await browser?.close()
})

test('bridge contract: the server is up and the desktop bridge serves every bound method', async () => {
  await assertUp(assert)

  // Start signed out, so every protected method must refuse the same way.
  const logout = await bridgeCall('Logout')
  assert.equal(logout.status, 200, `Logout: HTTP ${logout.status} ${JSON.stringify(logout.body)}`)
  const current = await bridgeCall('CurrentSession')
  assert.equal(current.status, 200)
  assert.equal(current.body, null, 'CurrentSession must be null after Logout')

  const info = await bridgeCall('Info')
  assert.equal(info.status, 200, `Info: HTTP ${info.status} ${JSON.stringify(info.body)}`)
  for (const key of ['version', 'device_id', 'device_name', 'device_code', 'server_url', 'language']) {
    assert.ok(key in info.body, `Info() lacks "${key}": ${JSON.stringify(info.body)}`)
  }
  assert.ok(info.body.device_code, 'Info().device_code is empty')
  state.deviceCode = String(info.body.device_code)

  for (const [method, args] of [['SetLanguage', ['zh-CN']], ['UIReady', ['login']]]) {
    const res = await bridgeCall(method, args)
    assert.equal(res.status, 200, `${method}: HTTP ${res.status} ${JSON.stringify(res.body)}`)
  }

  // An unbound name shows what "no such method" looks like; no real method may answer like it.
  const bogus = await bridgeCall('NoSuchMethodForContractCheck')
  assert.ok(bogus.status >= 400, `an unknown method must fail, got HTTP ${bogus.status}`)
  const bogusCode = bogus.body?.error?.code
  assert.ok(bogusCode, `an unknown method must answer {"error": {"code": …}}, got ${JSON.stringify(bogus.body)}`)

  const problems = []
  for (const method of METHODS) {
    if (['Info', 'SetLanguage', 'UIReady', 'Logout', 'CurrentSession'].includes(method)) continue
    const args = method === 'Login' ? [{ server_url: SERVER_URL(), phone: '', password: '' }] : (PROBE_ARGS[method] ?? [])
    const { status, body } = await bridgeCall(method, args)
    const code = body?.error?.code
    if (status < 400 || !code) problems.push(`${method}: expected an error object, got HTTP ${status} ${JSON.stringify(body)}`)
    else if (code === bogusCode) problems.push(`${method}: not bound (answers like an unknown method: ${code})`)
    else if (!PUBLIC_METHODS.has(method) && code !== 'unauthenticated')
      problems.push(`${method}: signed out, expected "unauthenticated", got "${code}"`)
  }
  assert.deepEqual(problems, [], `bridge contract:\n${problems.join('\n')}`)
  state.contractOK = true
})

test('admin sets up a brand, a branch, this device and an intake staff member', async () => {
  requireContract()
  const page = await newPage()
  state.brandName = `E2E婚纱${state.stamp}`
  state.branchName = `E2E分店${state.stamp}`
  const staff = { phone: `139${Date.now().toString().slice(-8)}`, name: `E2E客服${state.stamp}`, password: '' }

  await step(page, 'admin-login', async () => {
    await login(page, env('ADMIN_PHONE'), env('ADMIN_PASSWORD'))
    await byTestId(page, 'setup-page').waitFor()
  })

  await step(page, 'brand-created', async () => {
    await openPage(page, 'brands')
    await byTestId(page, 'brands-create').click()
    await byTestId(page, 'brand-name').fill(state.brandName)
    await byTestId(page, 'brand-type-wedding').click()
    await saveDialog(page, 'brands')
    await tableRow(page, 'brands', state.brandName).waitFor()
  })

  await step(page, 'branch-created', async () => {
    await openPage(page, 'branches')
    await byTestId(page, 'branches-create').click()
    const dialog = byTestId(page, 'branches-dialog')
    await chooseOption(page, 'branch-brand', state.brandName, dialog)
    await byTestId(page, 'branch-name').fill(state.branchName)
    await byTestId(page, 'branch-address').fill('上海市徐汇区测试路 1 号')
    await byTestId(page, 'branch-phone').fill('021-55550000')
    await saveDialog(page, 'branches')
    await tableRow(page, 'branches', state.branchName).waitFor()
  })

  await step(page, 'device-bound', async () => {
    await openPage(page, 'devices')
    const row = tableRow(page, 'devices', state.deviceCode)
    await row.waitFor()
    await row.locator('[data-testid="devices-edit"]').click()
    const dialog = byTestId(page, 'devices-dialog')
    await chooseOption(page, 'device-branches', state.branchName, dialog)
    await dialog.locator('.el-dialog__title').click() // close the multi-select dropdown
    await saveDialog(page, 'devices')
    await tableRow(page, 'devices', state.deviceCode).filter({ hasText: state.branchName }).waitFor()
  })

  await step(page, 'staff-created', async () => {
    await openPage(page, 'staff')
    await byTestId(page, 'staff-create').click()
    const dialog = byTestId(page, 'staff-dialog')
    await byTestId(page, 'staff-phone').fill(staff.phone)
    await byTestId(page, 'staff-name').fill(staff.name)
    await chooseOption(page, 'staff-branch', state.branchName, dialog)
    await dialog.locator('[data-testid="staff-roles"]').click()
    await page.locator('[data-testid="role-opt-intake"]:visible').click()
    await dialog.locator('.el-dialog__title').click()
    await saveDialog(page, 'staff')
    const otp = byTestId(page, 'otp-password')
    await otp.waitFor()
    staff.password = (await otp.innerText()).trim()
    assert.ok(staff.password.length >= 6, `one-time password looks wrong: "${staff.password}"`)
  })

  await step(page, 'admin-logged-out', async () => {
    await byTestId(page, 'otp-close').click()
    await tableRow(page, 'staff', staff.phone).waitFor()
    await byTestId(page, 'header-logout').click()
    await byTestId(page, 'login-page').waitFor()
  })

  state.staff = staff
  await page.context().close()
})

test('the intake staff member signs in and sees no management actions', async () => {
  requireContract()
  assert.ok(state.staff, 'the setup step did not create the staff member')
  const page = await newPage()
  const { phone, name, password } = state.staff

  await step(page, 'staff-login', async () => {
    await login(page, phone, password)
    await byTestId(page, 'nav-home').waitFor()
    assert.equal(await byTestId(page, 'header-staff').innerText(), name)
  })

  await step(page, 'staff-menu', async () => {
    for (const hidden of ['roles', 'staff', 'devices']) {
      assert.equal(await byTestId(page, `nav-${hidden}`).count(), 0, `the menu must not offer "${hidden}" to intake staff`)
    }
    assert.ok(await byTestId(page, 'nav-brands').isVisible(), 'brands stay visible (read-only)')
    const mark = await byTestId(page, 'watermark').getAttribute('data-text')
    assert.equal(mark, `${name} ${phone.slice(-4)}`, 'the watermark names the staff member and the phone tail')
  })

  await step(page, 'staff-route-blocked', async () => {
    await page.goto(`${STUDIO_URL()}/#/staff`)
    await page.waitForURL(/#\/$/)
    await byTestId(page, 'welcome-page').waitFor()
    assert.equal(await byTestId(page, 'setup-page').count(), 0, 'the setup checklist is for admins only')
    assert.equal(await byTestId(page, 'welcome-scope').innerText(), '本人')
  })

  await step(page, 'guarded-action', async () => {
    await openPage(page, 'brands')
    const create = byTestId(page, 'brands-create')
    await create.waitFor()
    assert.ok(await create.isDisabled(), 'creating a brand must be disabled without settings.manage')
    const guard = page.locator('[data-testid="guard-denied"]', { has: create })
    assert.equal(await guard.getAttribute('data-guard-reason'), '需要权限：管理设置')
    await guard.hover()
    const reason = '需要权限：管理设置'
    await page.locator('.el-popper:visible', { hasText: reason }).waitFor()
    // Let the fade-in finish so the screenshot shows the tooltip.
    await page.waitForFunction(
      (text) => [...document.querySelectorAll('.el-popper')].some((el) => el.textContent?.includes(text) && getComputedStyle(el).opacity === '1'),
      reason,
    )
  })

  await page.context().close()
})
