import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { makeApi, revisionOf, startTestServer, tasksTable, TEST_STORE, type TestServer } from '../helpers/test-world.js'
import { storeSql } from '../helpers/test-stores.js'

const W = '/v1/workspaces/default'

describe('bad input is harmless', () => {
  let server: TestServer

  beforeAll(async () => {
    server = await startTestServer({ bodyLimit: 64 * 1024 })
    await server.op('POST', `${W}/tables`, tasksTable())
  })
  afterAll(() => server.close())

  const cases: {
    name: string
    method: string
    path: string
    body?: unknown
    headers?: Record<string, string>
    status: number
    code: string
  }[] = [
    {
      name: 'malformed JSON',
      method: 'POST',
      path: `${W}/tables/tasks/rows`,
      body: '{"values": {',
      status: 400,
      code: 'invalid_input',
    },
    {
      name: 'array instead of object',
      method: 'POST',
      path: `${W}/tables/tasks/rows`,
      body: '[1,2]',
      status: 400,
      code: 'invalid_input',
    },
    {
      name: 'wrong column type',
      method: 'POST',
      path: `${W}/tables/tasks/rows`,
      body: { values: { title: 42 } },
      status: 400,
      code: 'invalid_input',
    },
    {
      name: 'unknown column',
      method: 'POST',
      path: `${W}/tables/tasks/rows`,
      body: { values: { title: 'x', nope: 1 } },
      status: 400,
      code: 'invalid_input',
    },
    {
      name: 'missing required column',
      method: 'POST',
      path: `${W}/tables/tasks/rows`,
      body: { values: {} },
      status: 400,
      code: 'invalid_input',
    },
    {
      name: 'unknown body field',
      method: 'POST',
      path: `${W}/tables/tasks/rows`,
      body: { values: { title: 'x' }, sneaky: true },
      status: 400,
      code: 'invalid_input',
    },
    {
      name: 'huge number',
      method: 'POST',
      path: `${W}/tables/tasks/rows`,
      body: '{"values":{"title":"x","count":1e400}}',
      status: 400,
      code: 'invalid_input',
    },
    {
      name: 'non-integer integer',
      method: 'POST',
      path: `${W}/tables/tasks/rows`,
      body: { values: { title: 'x', count: 1.5 } },
      status: 400,
      code: 'invalid_input',
    },
    {
      name: 'negative lease',
      method: 'POST',
      path: `${W}/tables/tasks/claim-next`,
      body: { leaseMs: -5 },
      status: 400,
      code: 'invalid_input',
    },
    {
      name: 'blockedBy unknown row',
      method: 'POST',
      path: `${W}/tables/tasks/rows`,
      body: { values: { title: 'x' }, blockedBy: ['r_nope'] },
      status: 400,
      code: 'invalid_input',
    },
    {
      name: 'workflow naming unknown status',
      method: 'POST',
      path: `${W}/tables`,
      body: { name: 'bad', workflow: { statuses: ['a'], claim: { to: 'zzz' } } },
      status: 400,
      code: 'invalid_input',
    },
    {
      name: 'bad If-Match',
      method: 'PATCH',
      path: `${W}/tables/tasks/rows/r_x`,
      body: {},
      headers: { 'if-match': 'garbage' },
      status: 400,
      code: 'invalid_input',
    },
    {
      name: 'oversized body',
      method: 'POST',
      path: `${W}/docs`,
      body: { title: 'big', content: 'x'.repeat(100 * 1024) },
      status: 413,
      code: 'payload_too_large',
    },
    { name: 'unknown route', method: 'GET', path: '/v1/nothing/here', status: 404, code: 'not_found' },
    { name: 'unknown table', method: 'GET', path: `${W}/tables/ghost/rows`, status: 404, code: 'not_found' },
    { name: 'bad query', method: 'GET', path: `${W}/events?since=-1`, status: 400, code: 'invalid_input' },
    {
      name: 'bad section key',
      method: 'PUT',
      path: `${W}/docs/x/sections/${encodeURIComponent('a b')}`,
      body: { body: 'x' },
      status: 400,
      code: 'invalid_input',
    },
    {
      name: 'text/plain body',
      method: 'POST',
      path: `${W}/tables/tasks/rows`,
      body: 'values',
      headers: { 'content-type': 'text/plain' },
      status: 400,
      code: 'invalid_input',
    },
    {
      name: 'unsupported media type',
      method: 'POST',
      path: `${W}/tables/tasks/rows`,
      body: '<values/>',
      headers: { 'content-type': 'application/xml' },
      status: 415,
      code: 'invalid_input',
    },
  ]

  for (const c of cases) {
    it(`${c.name} → ${c.status} ${c.code}, nothing changes`, async () => {
      const before = await revisionOf(server.op)
      const res = await server.op(c.method, c.path, c.body, c.headers)
      expect(res.status).toBe(c.status)
      expect(res.headers.get('content-type')).toContain('application/problem+json')
      expect(res.body.code).toBe(c.code)
      expect(res.body.status).toBe(c.status)
      expect(await revisionOf(server.op)).toBe(before)
    })
  }

  it('a __proto__ key anywhere in a body is refused, so it can neither vanish nor bump a version (finding 4)', async () => {
    const row = await server.op('POST', `${W}/tables/tasks/rows`, { values: { title: 'target' } })
    const before = await revisionOf(server.op)
    for (const [method, path, raw] of [
      // Used to be a 200 no-op that bumped the version and logged an event.
      ['PATCH', `${W}/tables/tasks/rows/${row.body.id}`, '{"values":{"__proto__":{"title":"smuggled"}}}'],
      // Used to be silently dropped.
      ['POST', `${W}/tables/tasks/rows`, '{"values":{"title":"x","__proto__":{"area":"a"}}}'],
      // The escaped spelling is the same key once parsed.
      ['POST', `${W}/tables/tasks/rows`, '{"values":{"title":"x","\\u005f_proto__":{"area":"a"}}}'],
      ['POST', `${W}/docs`, '{"title":"t","content":"c","__proto__":{}}'],
    ] as const) {
      const res = await server.op(method, path, raw)
      expect(res.status, `${method} ${raw}`).toBe(400)
      expect(res.body.code).toBe('invalid_input')
    }
    expect(await revisionOf(server.op)).toBe(before)
    expect((await server.op('GET', `${W}/tables/tasks/rows/${row.body.id}`)).body.version).toBe(row.body.version)
  })

  it('no key → 401 unauthorized; wrong key → 401', async () => {
    expect((await makeApi(server.url, null)('GET', W)).body.code).toBe('unauthorized')
    expect((await makeApi(server.url, 'dock_wrong')('GET', W)).status).toBe(401)
  })

  it('health and OpenAPI need no key', async () => {
    const health = await makeApi(server.url, null)('GET', '/v1/health')
    expect(health.body).toMatchObject({ ok: true, storage: TEST_STORE })
    const doc = await makeApi(server.url, null)('GET', '/v1/openapi.json')
    expect(doc.body.openapi).toBe('3.1.0')
    expect(Object.keys(doc.body.paths)).toContain('/v1/workspaces/{ws}/tables/{table}/claim-next')
  })
})

describe('the hash-chained log', () => {
  let server: TestServer

  beforeAll(async () => {
    server = await startTestServer()
    await server.op('POST', `${W}/tables`, tasksTable())
    for (let i = 0; i < 20; i++) await server.op('POST', `${W}/tables/tasks/rows`, { values: { title: `r${i}` } })
  })
  afterAll(() => server.close())

  it('keeps revisions gap-free and verifies end to end', async () => {
    const log = await server.op('GET', `${W}/events?limit=1000`)
    const revs = log.body.items.map((e: { revision: number }) => e.revision)
    expect(revs).toEqual(Array.from({ length: revs.length }, (_, i) => i + 1))
    expect(log.body.items.every((e: { actor: string }) => e.actor !== '')).toBe(true)
    const report = await server.op('GET', `${W}/audit/verify`)
    expect(report.body).toMatchObject({ ok: true, checked: revs.length, headRevision: revs.length, firstBreak: null })
  })

  it('detects a tampered event', async () => {
    const [row] = await storeSql<{ data: string }>(server, 'SELECT data FROM events WHERE revision = 10')
    const forged = row!.data.replace(/"title":"r\d+"/, '"title":"forged"')
    expect(forged).not.toBe(row!.data)
    await storeSql(server, 'UPDATE events SET data = $1 WHERE revision = 10', [forged])
    const report = await server.op('GET', `${W}/audit/verify`)
    expect(report.body.ok).toBe(false)
    expect(report.body.firstBreak.revision).toBe(10)
  })
})
