// Seeds leads into a studio through the server's JSON API, as the studio's admin: the desktop
// smoke test uses it to show a lead list with realistic Chinese names.
//
//   node scripts/seed-leads.mjs data/demo-login.json 40
//
// The login file is what `studiodesk-server serve --demo` writes ({server_url, phone,
// password}). Leads go to the studio's first brand and its first branch; phones are random
// mobile numbers, so running it twice adds more leads. Prints the number created.
import { readFile } from 'node:fs/promises'

const [loginFile, countArg = '30'] = process.argv.slice(2)
if (!loginFile) {
  console.error('usage: node scripts/seed-leads.mjs LOGIN_JSON [COUNT]')
  process.exit(2)
}
const { server_url: server, phone, password } = JSON.parse(await readFile(loginFile, 'utf8'))
const count = Number(countArg)

async function api(method, path, token, body) {
  const res = await fetch(`${server}${path}`, {
    method,
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  })
  const text = await res.text()
  if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${text.slice(0, 300)}`)
  return text ? JSON.parse(text) : null
}

const session = await api('POST', '/api/v1/auth/login', null, {
  phone,
  password,
  device_id: 'seed-leads-script',
  device_name: 'seed-leads',
})
const token = session.token
const brand = (await api('GET', '/api/v1/brands', token)).find((b) => b.type === 'wedding')
if (!brand) throw new Error('the studio has no wedding brand to seed leads into')
const branch = (await api('GET', '/api/v1/branches', token)).find((b) => b.brand_id === brand.id)

const surnames = [...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯']
const given = [...'伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚欣怡佳琪晨阳雪婷雨萱梓涵']
const notes = ['想拍海边外景', '预算两万左右', '周末有空', '喜欢韩式风格', '老客户介绍', '']
const pick = (a) => a[Math.floor(Math.random() * a.length)]

let created = 0
for (let i = 0; i < count; i++) {
  const name = pick(surnames) + pick(given) + (i % 2 ? pick(given) : '')
  const mobile = `13${Math.floor(100000000 + Math.random() * 899999999)}`
  try {
    await api('POST', '/api/v1/leads', token, {
      brand_id: brand.id,
      branch_id: branch?.id ?? 0,
      name,
      phone: mobile,
      source_type: 'ad',
      notes: pick(notes),
      wedding: { partner_name: pick(surnames) + pick(given) },
    })
    created++
  } catch (e) {
    if (!String(e.message).includes('lead_duplicate')) throw e // a random phone drawn twice
  }
}
await api('POST', '/api/v1/auth/logout', token)
console.log(`seeded ${created} leads into ${brand.name} at ${server}`)
