// End-to-end: a live album fed from a watched folder (issue 6), in a real Chromium.
//
//   Through the desktop app (browser mode, the real Go methods): an order, its raw-proofs
//   album 底片 marked live, a share link, and a shoot folder bound to the order. A phone-sized
//   page opens the link: it shows the 直播中 badge and no photos. A JPEG is then written into
//   the folder's 底片 sub-folder slowly, in chunks (as tethering software does); the desktop's
//   watcher hands it on only when complete, the engine uploads it, the server renders it and
//   the page shows it without a reload; a second photo appears before the first (newest
//   first). The studio's 监控文件夹 page then shows the binding with both files done.
//   Screenshots go to test-results/.
//
//   Same settings as setup.e2e.mjs (STUDIO_URL, SERVER_URL, ADMIN_PHONE, ADMIN_PASSWORD); the
//   studio needs credits for one album (e2e.sh tops it up).
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdir, mkdtemp, open, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { JPEG, SERVER_URL, STUDIO_URL, TIMEOUT, bridge, byTestId, env, launchBrowser, newPage, recorder } from './lib.mjs'

const { step } = recorder('live')

/**
 * Writes a distinct copy of the JPEG (a comment segment after its start marker, so it still
 * ends with its end marker as a camera's does) into file in four chunks, pausing between them.
 */
async function writeSlowly(file, n) {
  const note = Buffer.from(`live-${n}`)
  const com = Buffer.from([0xff, 0xfe, 0, note.length + 2])
  const bytes = Buffer.concat([JPEG.subarray(0, 2), com, note, JPEG.subarray(2)])
  const f = await open(file, 'w')
  try {
    const step = Math.ceil(bytes.length / 4)
    for (let off = 0; off < bytes.length; off += step) {
      await f.write(bytes.subarray(off, off + step))
      await f.sync()
      await new Promise((r) => setTimeout(r, 400))
    }
  } finally {
    await f.close()
  }
}

let browser
let folder

before(async () => {
  folder = await mkdtemp(path.join(os.tmpdir(), 'sd-live-'))
  browser = await launchBrowser()
})

after(async () => {
  await browser?.close()
  if (folder) await rm(folder, { recursive: true, force: true })
})

test('a photo written into a watched folder appears on a live album’s phone page without a reload', async () => {
  await bridge('Logout') // another scenario may have left someone signed in
  await bridge('Login', { server_url: SERVER_URL(), phone: env('ADMIN_PHONE'), password: env('ADMIN_PASSWORD') })
  let branches = await bridge('ListBranches')
  if (!branches?.length) {
    const brand = await bridge('SaveBrand', { id: 0, name: `直播品牌${Date.now() % 100000}`, type: 'wedding' })
    branches = [await bridge('SaveBranch', { id: 0, brand_id: brand.id, name: '直播店' })]
  }
  const stamp = Date.now().toString().slice(-6)
  const order = await bridge('SaveOrder', { id: 0, branch_id: branches[0].id, customer_name: `现场${stamp}`, phone: `137${stamp}00`,
    package: '', shoot_date: '', note: '' })
  const created = await bridge('SaveAlbum', order.id, { id: 0, kind: 'raw', title: '底片', sort_order: 0, status: 'open', live: true })
  assert.equal(created.live, true, JSON.stringify(created))
  const link = await bridge('CreateShareLink', created.id, { allow_download: true })
  const shoot = path.join(folder, `${order.code}_现场${stamp}`)
  await mkdir(path.join(shoot, '底片'), { recursive: true })
  const binding = await bridge('BindFolder', { path: shoot, order_id: order.id })
  assert.equal(binding.order_code, order.code)

  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 })
  const page = await context.newPage()
  page.setDefaultTimeout(TIMEOUT)
  page.on('pageerror', (err) => console.error('[page error]', err.message))
  try {
    await step(page, 'phone-empty', async () => {
      await page.goto(`${SERVER_URL()}${link.path}`)
      await byTestId(page, 'album-live').waitFor()
      assert.equal((await byTestId(page, 'album-live').innerText()).trim(), '直播中')
      await byTestId(page, 'album-empty').waitFor()
      await page.evaluate(() => {
        window.__loadedOnce = true // gone if the page reloads
      })
    })

    await step(page, 'phone-first-photo', async () => {
      await writeSlowly(path.join(shoot, '底片', 'LIVE_0001.JPG'), 1)
      // Watcher quiet + stability, upload, renditions from the job queue: allow a minute.
      await byTestId(page, 'album-photo').first().waitFor({ timeout: 60_000 })
      await page.waitForFunction(() => {
        const imgs = [...document.querySelectorAll('[data-testid="album-photo"] img')]
        return imgs.length === 1 && imgs.every((i) => i.complete && i.naturalWidth > 0)
      }, null, { timeout: 30_000 })
      assert.equal(await page.evaluate(() => window.__loadedOnce), true, 'the page reloaded')
    })

    await step(page, 'phone-second-photo-first', async () => {
      const first = await byTestId(page, 'album-photo').first().getAttribute('data-id')
      await writeSlowly(path.join(shoot, '底片', 'LIVE_0002.JPG'), 2)
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="album-photo"]').length === 2, null, { timeout: 60_000 })
      const ids = await byTestId(page, 'album-photo').evaluateAll((els) => els.map((e) => e.getAttribute('data-id')))
      assert.equal(ids[1], first, `the newest photo is not first: ${ids}`)
      assert.equal(await page.evaluate(() => window.__loadedOnce), true, 'the page reloaded')
      const names = (await bridge('AlbumPhotos', created.id)).map((p) => p.filename).sort()
      assert.deepEqual(names, ['LIVE_0001.JPG', 'LIVE_0002.JPG'])
    })
  } finally {
    await context.close()
  }

  // The studio's 监控文件夹 page shows the binding, its sub-folder album and the two files done.
  const studio = await newPage(browser)
  try {
    await step(studio, 'studio-folders', async () => {
      await studio.goto(`${STUDIO_URL()}/#/folders`)
      const card = byTestId(studio, 'folder-binding').filter({ hasText: order.code })
      await card.waitFor()
      assert.equal((await card.locator('[data-testid="folder-path"]').innerText()).trim(), shoot)
      await card.locator('[data-testid="folder-progress"]').getByText('已完成 2').waitFor()
      assert.match(await card.locator('[data-testid="folder-albums"]').innerText(), /底片/)
    })
  } finally {
    await studio.context().close()
    await bridge('UnbindFolder', binding.id).catch(() => {})
  }
})
