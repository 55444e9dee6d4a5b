/**
 * The edge's answers to malformed requests (issue "Permissions and hardening",
 * findings 9 and 10): strict bodies on every route, strict numbers in query
 * strings, JSON problems for unknown API and well-known paths, no double
 * decoding of asset paths, and the UI's security headers.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import {
  createAgent,
  makeApi,
  revisionOf,
  startTestServer,
  tasksTable,
  type TestServer,
} from '../helpers/test-world.js'

const W = '/v1/workspaces/default'

describe('strict bodies and query numbers', () => {
  let server: TestServer
  let agentId = ''
  let lockToken = 0

  beforeAll(async () => {
    server = await startTestServer()
    await server.op('POST', `${W}/tables`, tasksTable())
    await server.op('POST', `${W}/docs`, { title: 'plan', content: '# A\n\na\n' })
    lockToken = (await server.op('POST', `${W}/docs/plan/lock`, {})).body.lock.token as number
    agentId = (await createAgent(server, 'bystander')).id
  })
  afterAll(() => server.close())

  const bodyless = (): { name: string; path: string }[] => [
    { name: 'freeze', path: `${W}/freeze` },
    { name: 'unfreeze', path: `${W}/unfreeze` },
    { name: 'suspend', path: `${W}/principals/${agentId}/suspend` },
    { name: 'resume', path: `${W}/principals/${agentId}/resume` },
    { name: 'unlock', path: `${W}/docs/plan/unlock` },
  ]
  const badBodies: { name: string; body: string; type?: string }[] = [
    { name: 'an array', body: '[1,2]' },
    { name: 'an unknown field', body: '{"force":true}' },
    { name: 'null', body: 'null' },
    { name: 'a JSON string', body: '"go"' },
    { name: 'a text/plain body', body: 'please', type: 'text/plain' },
  ]

  it.each(badBodies)(
    'freeze, unfreeze, suspend, resume and unlock refuse $name with invalid_input and change nothing',
    async ({ body, type }) => {
      for (const route of bodyless()) {
        const before = await revisionOf(server.op)
        const res = await server.op('POST', route.path, body, { 'content-type': type ?? 'application/json' })
        expect(res.status, `${route.name} with ${body}`).toBe(400)
        expect(res.body.code).toBe('invalid_input')
        expect(await revisionOf(server.op), route.name).toBe(before)
      }
      expect((await server.op('GET', W)).body.frozen).toBe(false)
    },
  )

  it('they still act on an empty object or no body at all', async () => {
    expect((await server.op('POST', `${W}/freeze`, {})).status).toBe(200)
    expect((await server.op('POST', `${W}/unfreeze`)).status).toBe(200)
    expect((await server.op('GET', W)).body.frozen).toBe(false)
    expect((await server.op('POST', `${W}/docs/plan/unlock`, { token: lockToken })).status).toBe(200)
  })

  it.each(['0x10', '1e1', '+1', '-0', ' 16', '16 ', '1.0', '', '0b1', 'Infinity', '16&since=17'])(
    'events?since=%j is refused, not read as a number',
    async (since) => {
      const res = await server.op(
        'GET',
        `${W}/events?since=${encodeURIComponent(since).replace('%26', '&').replace('%3D', '=')}`,
      )
      expect(res.status).toBe(400)
      expect(res.body.code).toBe('invalid_input')
    },
  )

  it('limit and wait are strict too; plain decimal digits (and a decimal wait) are accepted', async () => {
    for (const q of ['limit=0x10', 'limit=1e2', 'wait=0x1', 'wait=1e0', 'wait=.5']) {
      expect((await server.op('GET', `${W}/events?${q}`)).status, q).toBe(400)
    }
    expect((await server.op('GET', `${W}/tables/tasks/rows?limit=0x10`)).status).toBe(400)
    const ok = await server.op('GET', `${W}/events?since=2&limit=16&wait=0.01`)
    expect(ok.status).toBe(200)
    expect(ok.body.items[0].revision).toBe(3)
    expect(ok.body.items.length).toBeLessThanOrEqual(16)
    expect((await server.op('GET', `${W}/tables/tasks/rows?limit=10`)).status).toBe(200)
  })
})

describe('unknown paths and the UI', () => {
  let server: TestServer
  let webRoot = ''

  beforeAll(async () => {
    webRoot = mkdtempSync(join(tmpdir(), 'dock-web-'))
    mkdirSync(join(webRoot, 'assets'))
    writeFileSync(
      join(webRoot, 'index.html'),
      '<!doctype html><title>Dock</title><script type="module" src="/assets/app.js"></script>',
    )
    writeFileSync(join(webRoot, 'assets', 'app.js'), 'export {}\n')
    server = await startTestServer({ webRoot })
  })
  afterAll(async () => {
    await server.close()
    rmSync(webRoot, { recursive: true, force: true })
  })

  const anonymous = (): ReturnType<typeof makeApi> => makeApi(server.url, null)

  it.each([
    '/v1/nothing/here',
    '/v1/workspaces/default/nope/deeper',
    '/v1',
    '/.well-known/oauth-protected-resource',
    '/.well-known/oauth-authorization-server',
    '/.well-known/openid-configuration',
  ])('GET %s → 404 not_found as a JSON problem, not the UI', async (path) => {
    for (const api of [anonymous(), server.op]) {
      const res = await api('GET', path)
      expect(res.status).toBe(404)
      expect(res.headers.get('content-type')).toContain('application/problem+json')
      expect(res.body.code).toBe('not_found')
    }
  })

  it('a percent-escape that decodes to another escape is decoded once (no 500)', async () => {
    for (const path of ['/%25E0%25A4', '/assets/%25E0%25A4.js', '/%25']) {
      const res = await anonymous()('GET', path)
      expect(res.status, path).toBeLessThan(500)
    }
    const res = await anonymous()('GET', '/%25E0%25A4')
    expect(res.status).toBe(200)
    expect(res.body).toContain('<title>Dock</title>')
  })

  it('paths outside the UI root are a JSON 404', async () => {
    const res = await anonymous()('GET', '/assets/..%2F..%2F..%2Fetc%2Fpasswd')
    expect(res.status).toBe(404)
    expect(res.body.code).toBe('not_found')
  })

  it('UI responses carry a CSP that forbids framing, nosniff and X-Frame-Options', async () => {
    for (const path of ['/', '/board/tasks', '/assets/app.js']) {
      const res = await anonymous()('GET', path)
      expect(res.status, path).toBe(200)
      const csp = res.headers.get('content-security-policy') ?? ''
      expect(csp).toContain("frame-ancestors 'none'")
      expect(csp).toContain("script-src 'self'")
      expect(csp).toContain("object-src 'none'")
      expect(res.headers.get('x-content-type-options')).toBe('nosniff')
      expect(res.headers.get('x-frame-options')).toBe('DENY')
    }
  })
})
