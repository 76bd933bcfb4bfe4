// Desktop UI timings in Chromium against the real desktop binary in browser mode (the same Go
// methods the Wails window binds) and a real server on loopback:
//
//   - app start to first rendered page: from starting bin/studiodesk (signed in, replica
//     already synced) to the lead list showing its first rows;
//   - keystroke to rendered result: from the input event of the last character typed in the
//     search box to the table showing that query's answer (phone suffix, name prefix, name
//     substring), read with performance.now() in the page.
//
//   node bench/desk/ui.mjs [--leads 20000] [--runs 10] [--keys 60]
//
// Builds nothing: needs bin/studiodesk-server, bin/studiodesk (make build) and frontend's
// node_modules. Prints a Markdown table. It is a measurement, not a test: nothing fails on a
// slow number.
import { spawn, execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const { chromium } = createRequire(path.join(root, 'frontend/package.json'))('playwright-core')
const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? Number(process.argv[i + 1]) : def
}
const LEADS = arg('leads', 20000)
const RUNS = arg('runs', 10)
const KEYS = arg('keys', 60)

const tmp = mkdtempSync(path.join(os.tmpdir(), 'desk-ui-bench-'))
const procs = []
function start(bin, args, marker) {
  const p = spawn(path.join(root, bin), args, { stdio: ['ignore', 'pipe', 'pipe'] })
  procs.push(p)
  return new Promise((resolve, reject) => {
    let out = ''
    const onData = (b) => {
      out += b
      const m = new RegExp(`${marker}.*?(http://127\\.0\\.0\\.1:\\d+)`).exec(out)
      if (m) resolve({ p, url: m[1] })
    }
    p.stdout.on('data', onData)
    p.stderr.on('data', onData)
    p.on('exit', (code) => reject(new Error(`${bin} exited (${code}): ${out.slice(-500)}`)))
  })
}
const stop = async (p) => {
  p.kill('SIGTERM')
  await new Promise((r) => (p.exitCode !== null ? r() : p.on('exit', r)))
}
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))]
const ms = (v) => `${v.toFixed(0)} ms`

async function call(url, method, ...args) {
  const res = await fetch(`${url}/bridge/call`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ method, args }) })
  const body = await res.json()
  if (!res.ok) throw new Error(`${method}: ${JSON.stringify(body)}`)
  return body
}

try {
  const server = await start('bin/studiodesk-server', ['serve', '--demo', '--data', path.join(tmp, 'server'), '--addr', '127.0.0.1:0'], 'listening on')
  const login = path.join(tmp, 'server', 'demo-login.json')
  for (let i = 0; i < 100 && !readFileSync(login, { flag: 'a+' }).length; i++) await new Promise((r) => setTimeout(r, 100))
  const seedStart = Date.now()
  execFileSync('node', [path.join(root, 'scripts/seed-leads.mjs'), login, String(LEADS)], { stdio: 'inherit' })
  console.error(`seeded in ${((Date.now() - seedStart) / 1000).toFixed(0)} s`)

  const desk = ['--bridge', '127.0.0.1:0', '--config', path.join(tmp, 'desk'), '--demo-login', login]
  // First run: sign in and sync the replica.
  let app = await start('bin/studiodesk', desk, 'browser mode:')
  for (;;) {
    const st = await call(app.url, 'SyncNow').catch(() => null)
    if (st && st.leads >= LEADS && st.pending === 0) break
    await new Promise((r) => setTimeout(r, 500))
  }
  await stop(app.p)

  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
  const firstRows = '[data-testid="lead-table"] .el-table__body tr'

  // App start to first rendered page.
  const starts = []
  let page
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now()
    app = await start('bin/studiodesk', desk, 'browser mode:')
    page = await browser.newPage({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' })
    await page.goto(`${app.url}/#/leads`)
    await page.locator(firstRows).first().waitFor({ timeout: 30_000 })
    starts.push(performance.now() - t0)
    if (i < RUNS - 1) {
      await page.close()
      await stop(app.p)
    }
  }

  // Keystroke to rendered result: type a query, then time its last character.
  const phones = (await call(app.url, 'ListLeads', { limit: 200 })).leads.map((l) => l.phone).filter((p) => /^\d{11}$/.test(p))
  const names = (await call(app.url, 'ListLeads', { limit: 200 })).leads.map((l) => l.name)
  const queries = { 'phone suffix (4 digits)': [], 'name prefix (2 characters)': [], 'name substring (3 characters)': [] }
  const search = page.locator('[data-testid="lead-search"] input, input[data-testid="lead-search"]').first()
  await page.evaluate(() => {
    // When the last character reached the box (an input event: a Chinese character comes from
    // the input method, not a key), and a promise for the next change of the table body.
    window.__keyAt = 0
    document.addEventListener('input', () => (window.__keyAt = performance.now()), true)
    window.__nextRender = (text) =>
      new Promise((resolve) => {
        window.__keyAt = 0 // set by the input this render answers
        const body = document.querySelector('[data-testid="lead-table"] .el-table__body')
        const done = () => {
          if (!window.__keyAt) return
          const rows = [...document.querySelectorAll('[data-testid="lead-table"] .el-table__body tr')]
          if (rows.length && rows.every((r) => r.textContent.includes(text))) {
            obs.disconnect()
            requestAnimationFrame(() => resolve(performance.now() - window.__keyAt))
          }
        }
        const obs = new MutationObserver(done)
        obs.observe(body, { childList: true, subtree: true, characterData: true })
        done()
      })
  })
  for (let i = 0; i < KEYS; i++) {
    const kind = Object.keys(queries)[i % 3]
    const phone = phones[i % phones.length]
    const name = names[i % names.length]
    const [q, expect] =
      kind.startsWith('phone') ? [phone.slice(-4), phone.slice(-4)] : kind.startsWith('name prefix') ? [name.slice(0, 2), name.slice(0, 2)] : [name.slice(0, 3), name.slice(0, 3)]
    if (q.length < (kind.includes('3') ? 3 : 2)) continue
    await search.fill(q.slice(0, -1))
    await page.waitForTimeout(400) // the shorter query's answer has rendered
    // When the shorter query already shows only matching rows, the last character changes
    // nothing on screen (no render to time): skip that sample rather than wait forever.
    const unchanged = await page.evaluate(
      (t) => {
        const rows = [...document.querySelectorAll('[data-testid="lead-table"] .el-table__body tr')]
        return rows.length > 0 && rows.every((r) => r.textContent.includes(t))
      },
      expect,
    )
    if (unchanged) continue
    const waiting = page.evaluate((t) => window.__nextRender(t), expect)
    await search.pressSequentially(q.slice(-1))
    queries[kind].push(await waiting)
  }
  await browser.close()

  const stats = execFileSync('bash', ['-c', 'nproc; uptime'], { encoding: 'utf8' }).trim().split('\n')
  console.log(`Desktop UI in Chromium (browser mode, bin/studiodesk + bin/studiodesk-server on loopback), ${LEADS} leads in the replica; ${stats[0]} cores, load: ${stats[1].replace(/.*load average: /, '')}\n`)
  console.log('| measurement | n | p50 | p95 | max |')
  console.log('|---|---:|---:|---:|---:|')
  console.log(`| app start to first rendered lead list | ${starts.length} | ${ms(pct(starts, 50))} | ${ms(pct(starts, 95))} | ${ms(Math.max(...starts))} |`)
  for (const [k, xs] of Object.entries(queries)) {
    if (xs.length) console.log(`| keystroke to rendered result: ${k} | ${xs.length} | ${ms(pct(xs, 50))} | ${ms(pct(xs, 95))} | ${ms(Math.max(...xs))} |`)
  }
} finally {
  for (const p of procs) if (p.exitCode === null) p.kill('SIGTERM')
  setTimeout(() => rmSync(tmp, { recursive: true, force: true }), 500)
}
