// End-to-end: the lead workspace (issue 4) through the studio UI, in a real Chromium.
//
//   An admin prepares a wedding brand (claim-pool rules: 2 hours to follow up, 3 claimed leads
//   at most), a branch, a booking group with two bookers (one checked in on their behalf, one
//   not), a store receptionist and this device; creates a lead; entering the same phone again
//   shows the duplicate warning; two leads are assigned round-robin to the group in one batch
//   and both go to the checked-in booker (the other is listed as "not checked in"); one is then
//   transferred to the other booker with a reason, and a batch status change marks it valid,
//   each with its per-lead result. The booker signs in, sees the lead after sync, logs a call
//   result and a follow-up and books a visit. The second booker checks in from the header,
//   claims a lead from the pool and finds the reminder the sweep left for the lead they hold.
//   The store receptionist checks the customer in and records the deal. Last, the server is
//   stopped: offline, the booker is warned about a duplicate phone from the replica, creates and
//   edits a lead, and when the server is back the change syncs and the indicator shows online
//   with nothing pending.
//
// Settings: see lib.mjs, plus for the offline part SERVER_PID (the server process to stop),
// SERVER_BIN and SERVER_DATA (to start it again on the same address and data).
//
// Every scenario drives the one desktop session of STUDIO_URL, so scenario files must not run in
// parallel (`npm run e2e` passes --test-concurrency=1). Missing settings or a server that is not
// up FAIL the run; nothing here is ever skipped.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import * as e2e from './lib.mjs'
import { assertUp, bridge, byTestId, chooseTestId, env, inputOf, launchBrowser, login, logout, openPage, reachable, SERVER_URL } from './lib.mjs'

/** How long a change may take to reach another user's replica (push, then pull). */
const SYNC_TIMEOUT = 45_000
/** The server sweeps each studio every minute; a reminder may take that long (plus a sync). */
const SWEEP_TIMEOUT = 90_000

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
  bookerB: null, // not checked in: listed as excluded; later gets the transferred lead
  store: null,
  // Both names start with `family`, so one search lists both for the batch.
  family: `E2E客户${stamp}`,
  lead: { name: `E2E客户${stamp}甲`, phone: `137${phoneTail}`, id: 0 },
  second: { name: `E2E客户${stamp}乙`, phone: `158${phoneTail}`, id: 0 },
  pooled: { name: `E2E公海${stamp}`, phone: `159${phoneTail}`, id: 0 },
  offline: { name: `E2E离线${stamp}`, phone: `152${phoneTail}`, id: 0 },
  assigned: false,
  booked: false,
  dealt: false,
}
let browser
/** The server started again by the offline step (stopped in after()). */
let restarted = null
const { step } = e2e.recorder('leads')
const newPage = () => e2e.newPage(browser)

function requireReady() {
  if (!state.ready) throw new Error('the lead scenario setup failed; see the first test')
}

/** A fresh page signed in as a member made by the setup step (after the step `after`). */
async function signedIn(who, after) {
  requireReady()
  if (after) assert.ok(state[after], `the ${after} step did not finish`)
  const page = await newPage()
  await login(page, who.phone, who.password)
  return page
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

/** A lead's row in the list, searching by its name (or `query`); syncs and retries until the replica has it. */
async function findLeadRow(page, { name = state.lead.name, query = name, mustMatch } = {}) {
  const deadline = Date.now() + SYNC_TIMEOUT
  const search = byTestId(page, 'lead-search')
  for (;;) {
    await search.fill(query)
    const row = byTestId(page, 'lead-table').locator('.el-table__body tr', { hasText: name })
    try {
      await row.first().waitFor({ timeout: 2_000 })
      if (!mustMatch || (await mustMatch(row.first()))) return row.first()
    } catch {
      // not in this replica yet
    }
    if (Date.now() > deadline) {
      const banner = await byTestId(page, 'lead-range-banner').innerText()
      throw new Error(`lead "${name}" not in the list after ${SYNC_TIMEOUT} ms (${banner})`)
    }
    await bridge('SyncNow').catch(() => null)
    await search.fill('')
    await page.waitForTimeout(700)
  }
}

/** Opens a lead's detail drawer from the list. */
async function openLead(page, opts = {}) {
  const row = await findLeadRow(page, opts)
  await row.locator('[data-testid="lead-row-name"]').click()
  await byTestId(page, 'lead-drawer').waitFor()
  await byTestId(page, 'lead-detail-name').filter({ hasText: opts.name ?? state.lead.name }).waitFor()
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
  browser = await launchBrowser()
})

after(async () => {
  await browser?.close()
  restarted?.kill()
})

test('lead workspace setup: the admin prepares a brand, a booking group, bookers, a store receptionist and this device', async () => {
  await assertUp(assert)

  const page = await newPage()
  await step(page, 'admin-login', async () => {
    await login(page, env('ADMIN_PHONE'), env('ADMIN_PASSWORD'))
  })

  // Reference data through the same bridge the UI uses (the setup screens have their own e2e).
  // Two hours to follow a lead up: an assigned lead's protection ends within the sweep's
  // 6-hour warning, so its owner gets a reminder at the next sweep.
  state.brand = await bridge('SaveBrand', {
    id: 0,
    name: `E2E客资婚纱${stamp}`,
    type: 'wedding',
    duplicate_policy: 'reject',
    timezone: 'Asia/Shanghai',
    settings: { no_follow_up_hours: 2, holding_cap: 3 },
  })
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


/** Creates a lead through the bridge as the lead form does, and waits for the server's id. */
async function createByBridge(page, lead) {
  const local = await bridge('CreateLead', { brand_id: state.brand.id, branch_id: state.branch.id, name: lead.name, phone: lead.phone, source_type: 'ad' })
  assert.ok(local.id !== 0, `CreateLead answered no id: ${JSON.stringify(local)}`)
  await waitSynced(page)
  const found = (await bridge('ListLeads', { q: lead.name, limit: 5 })).leads.find((l) => l.name === lead.name)
  assert.ok(found && found.id > 0, `lead "${lead.name}" has no server id after sync: ${JSON.stringify(found)}`)
  lead.id = found.id
}

/** Ticks the rows of the given leads in the list (searching by `query`). */
async function selectRows(page, query, leads) {
  for (const l of leads) await findLeadRow(page, { name: l.name, query })
  for (const l of leads) {
    const row = byTestId(page, 'lead-table').locator('.el-table__body tr', { hasText: l.name }).first()
    await row.locator('.el-checkbox').first().click()
  }
  await byTestId(page, 'lead-batch-bar').filter({ hasText: `${leads.length}` }).waitFor()
}

/** The open batch report (inside `scope`): applied, and naming every lead and `who`. */
async function expectReport(scope, leads, who) {
  const report = scope.locator('[data-testid="batch-report"]')
  await report.waitFor()
  const text = await report.innerText()
  assert.equal(await report.getAttribute('data-applied'), 'true', `the batch was not applied: ${text}`)
  for (const l of leads) assert.ok(text.includes(l.name), `the report has no line for ${l.name}: ${text}`)
  if (who) assert.ok(text.includes(who), `the report does not name ${who}: ${text}`)
}

test('the admin creates a lead, sees the duplicate warning, assigns two leads round-robin, transfers one and changes its status', async () => {
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

  // Two more leads (the form is proven above): one for the batch, one released to the pool.
  await createByBridge(page, state.second)
  await createByBridge(page, state.pooled)
  const pooled = await bridge('BatchLeads', { lead_ids: [state.pooled.id], op: 'pool' })
  assert.equal(pooled.applied, true, `releasing a lead to the pool failed: ${JSON.stringify(pooled)}`)

  await step(page, 'assigned-round-robin', async () => {
    await selectRows(page, state.family, [state.lead, state.second])
    await byTestId(page, 'lead-batch-assign').click()
    const dialog = byTestId(page, 'assign-dialog')
    await dialog.waitFor()
    await byTestId(dialog, 'assign-target-group').click()
    await chooseTestId(page, 'assign-department', `assign-dept-${state.department.id}`, dialog)
    await byTestId(dialog, 'assign-method-round_robin').click()
    const offered = byTestId(dialog, `assign-offered-${state.bookerA.id}`)
    await offered.waitFor()
    await offered.locator('[data-testid="assign-next"]').waitFor()
    const excluded = byTestId(dialog, `assign-excluded-${state.bookerB.id}`)
    await excluded.waitFor()
    assert.equal(await excluded.getAttribute('data-reason'), 'not_checked_in')
    assert.equal((await excluded.locator('[data-testid="assign-excluded-reason"]').innerText()).trim(), '今天未签到')
    await byTestId(dialog, 'assign-submit').click()
    // Only the checked-in booker may get leads: both go to them.
    await expectReport(dialog, [state.lead, state.second], state.bookerA.name)
    await byTestId(dialog, 'assign-close').click()
    await dialog.waitFor({ state: 'hidden' })
    assert.equal(await byTestId(page, 'batch-report-dialog').filter({ visible: true }).count(), 0, 'the result must not be shown twice')
  })

  await step(page, 'transferred', async () => {
    await selectRows(page, state.second.name, [state.second])
    await byTestId(page, 'lead-batch-transfer').click()
    const dialog = byTestId(page, 'transfer-dialog')
    await dialog.waitFor()
    await byTestId(dialog, `assign-offered-${state.bookerB.id}`).click()
    await inputOf(dialog, 'assign-reason').fill('客户要求换邀约')
    await byTestId(dialog, 'assign-submit').click()
    await expectReport(dialog, [state.second], state.bookerB.name)
    await byTestId(dialog, 'assign-close').click()
    await dialog.waitFor({ state: 'hidden' })
  })

  await step(page, 'batch-status', async () => {
    await selectRows(page, state.second.name, [state.second])
    await byTestId(page, 'lead-batch-status').click()
    const dialog = byTestId(page, 'transition-dialog')
    await dialog.waitFor()
    await byTestId(page, 'transition-axis-validity').click()
    await chooseTestId(page, 'transition-to', 'transition-to-valid', dialog)
    await confirmTransition(page)
    const reportDialog = byTestId(page, 'batch-report-dialog')
    await expectReport(reportDialog, [state.second])
    await byTestId(reportDialog, 'batch-report-close').click()
    await reportDialog.waitFor({ state: 'hidden' })
  })

  state.assigned = true
  await logout(page)
  await page.context().close()
})

test('the booker sees the lead after sync, logs a call and a follow-up, and books a store visit', async () => {
  const page = await signedIn(state.bookerA, 'assigned')

  await step(page, 'booker-sees-lead', async () => {
    await openPage(page, 'leads')
    await openLead(page)
    await expectState(page, 'booking', 'to_call')
  })

  await step(page, 'booker-call-and-follow-up', async () => {
    await inputOf(page, 'lead-call-note').fill('下午再打')
    await byTestId(page, 'lead-call-thinking').click()
    await byTestId(page, 'lead-follow-up-kind-note').click()
    await inputOf(page, 'lead-follow-up-text').fill(`E2E跟进${stamp}：客户想看样片`)
    await byTestId(page, 'lead-follow-up-submit').click()
    await byTestId(page, 'lead-timeline').filter({ hasText: `E2E跟进${stamp}` }).waitFor()
    await expectState(page, 'booking', 'to_call') // a call result does not move the status
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

test('the second booker checks in, claims a lead from the pool and finds the reminder for the lead they hold', async () => {
  const page = await signedIn(state.bookerB, 'assigned')

  await step(page, 'self-checkin', async () => {
    const toggle = byTestId(page, 'header-checkin')
    assert.equal(await toggle.getAttribute('data-checked-in'), 'false', 'the second booker starts the day not checked in')
    await toggle.click()
    await page.locator('[data-testid="header-checkin"][data-checked-in="true"]').waitFor()
  })

  await step(page, 'pool-claimed', async () => {
    await openPage(page, 'pool')
    const row = byTestId(page, 'pool-table').locator('.el-table__body tr', { hasText: state.pooled.name })
    await row.waitFor()
    // Masked until claimed.
    assert.ok((await row.locator('[data-testid="pool-phone"]').innerText()).includes('****'), 'a pooled lead\'s phone is masked')
    await row.locator('[data-testid="pool-claim"]').click()
    await row.waitFor({ state: 'detached' })
    await openPage(page, 'leads')
    await findLeadRow(page, { name: state.pooled.name })
  })

  await step(page, 'reminder', async () => {
    await openPage(page, 'reminders')
    const deadline = Date.now() + SWEEP_TIMEOUT
    const row = byTestId(page, 'reminders-table').locator('.el-table__body tr', { hasText: state.second.name })
    for (;;) {
      if ((await row.count()) > 0) break
      if (Date.now() > deadline) throw new Error(`no reminder for ${state.second.name} after ${SWEEP_TIMEOUT} ms`)
      await page.waitForTimeout(3_000)
      await byTestId(page, 'reminders-refresh').click()
    }
    assert.equal(await row.first().locator('[data-testid="reminder-kind"]').getAttribute('data-kind'), 'recycle_warning')
    await row.first().locator('[data-testid="reminder-open"]').click()
    await byTestId(page, 'lead-detail-name').filter({ hasText: state.second.name }).waitFor()
  })

  await logout(page)
  await page.context().close()
})

test('the store receptionist checks the customer in and records the deal', async () => {
  const page = await signedIn(state.store, 'booked')

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

  state.dealt = true
  await logout(page)
  await page.context().close()
})

/** Stops the server the desktop talks to and waits until it no longer answers. */
async function stopServer() {
  const pid = Number(env('SERVER_PID'))
  process.kill(pid, 'SIGTERM')
  const deadline = Date.now() + 15_000
  while ((await reachable(`${SERVER_URL()}/healthz`)).ok) {
    if (Date.now() > deadline) throw new Error(`the server (pid ${pid}) still answers 15 s after SIGTERM`)
    await new Promise((r) => setTimeout(r, 200))
  }
}

/** Starts the server again on the same address and data, and waits until it answers. */
async function startServer() {
  const addr = new URL(SERVER_URL()).host
  restarted = spawn(env('SERVER_BIN'), ['serve', '--data', env('SERVER_DATA'), '--addr', addr], { stdio: 'ignore' })
  const deadline = Date.now() + 30_000
  while (!(await reachable(`${SERVER_URL()}/healthz`)).ok) {
    if (restarted.exitCode !== null) throw new Error(`the restarted server exited with ${restarted.exitCode}`)
    if (Date.now() > deadline) throw new Error('the restarted server does not answer after 30 s')
    await new Promise((r) => setTimeout(r, 200))
  }
}

test('offline: with the server stopped the receptionist is warned about a duplicate, creates and edits a lead, and it syncs when the server is back', async () => {
  const page = await signedIn(state.store, 'dealt')
  await openPage(page, 'leads')
  await findLeadRow(page) // the replica holds the branch's leads

  await step(page, 'offline', async () => {
    await stopServer()
    await bridge('SyncNow').catch(() => null)
    await page.locator('[data-testid="sync-indicator"][data-online="false"]').waitFor({ timeout: SYNC_TIMEOUT })
  })

  await step(page, 'offline-duplicate-warning', async () => {
    await byTestId(page, 'lead-create').click()
    const dialog = byTestId(page, 'lead-form-dialog')
    await dialog.waitFor()
    await chooseTestId(page, 'lead-brand', `lead-brand-${state.brand.id}`, dialog)
    await byTestId(page, 'lead-phone').fill(state.lead.phone)
    const warning = byTestId(page, 'lead-duplicate')
    await warning.waitFor()
    assert.ok((await warning.innerText()).includes('该手机号已有客资'), 'offline, the replica still knows the phone')
  })

  await step(page, 'offline-created', async () => {
    const dialog = byTestId(page, 'lead-form-dialog')
    await byTestId(page, 'lead-phone').fill(state.offline.phone)
    await byTestId(page, 'lead-duplicate').waitFor({ state: 'detached' })
    await byTestId(page, 'lead-name').fill(state.offline.name)
    await chooseTestId(page, 'lead-branch', `lead-branch-${state.branch.id}`, dialog)
    await byTestId(page, 'lead-form-save').click()
    await dialog.waitFor({ state: 'hidden' })
    const row = await findLeadRow(page, { name: state.offline.name })
    await row.locator('[data-testid="lead-row-pending"]').waitFor()
    await page.locator('[data-testid="sync-indicator"][data-pending="1"]').waitFor()
  })

  await step(page, 'offline-edited', async () => {
    await openLead(page, { name: state.offline.name })
    await byTestId(page, 'lead-edit').click()
    // The list's form (for new leads) stays in the page, hidden: take the drawer's.
    const dialog = byTestId(page, 'lead-form-dialog').filter({ hasText: '编辑客资' })
    await dialog.waitFor()
    await inputOf(dialog, 'lead-notes').fill(`离线补充${stamp}`)
    await byTestId(dialog, 'lead-form-save').click()
    await dialog.waitFor({ state: 'hidden' })
    await byTestId(page, 'lead-pending').waitFor()
    const pending = Number(await byTestId(page, 'sync-indicator').getAttribute('data-pending'))
    assert.ok(pending >= 1, `the edit is not waiting for the server (pending ${pending})`)
  })

  await step(page, 'back-online', async () => {
    await startServer()
    await waitSynced(page)
    await page.locator('[data-testid="sync-indicator"][data-online="true"][data-pending="0"]').waitFor({ timeout: SYNC_TIMEOUT })
    await byTestId(page, 'lead-pending').waitFor({ state: 'detached', timeout: SYNC_TIMEOUT })
    // The server has it, edited: the replica now holds the server's copy under its id.
    const found = (await bridge('ListLeads', { q: state.offline.name, limit: 5 })).leads.find((l) => l.name === state.offline.name)
    assert.ok(found && found.id > 0 && !found.pending, `after sync the lead is not the server's: ${JSON.stringify(found)}`)
    assert.equal(found.notes, `离线补充${stamp}`)
  })

  await logout(page)
  await page.context().close()
})
