/**
 * Promises 7 and 8, table-driven over every route the server's OpenAPI
 * document lists: no key, a wrong key, another workspace's key and a suspended
 * principal's key are refused with the right code and change nothing; a frozen
 * workspace refuses every write and still serves every read.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { call, ok, workspaceRevision, type HttpReply } from './http.js'
import { buildWorld, pathOf, routeKeysOf, ROUTES, type RouteCase, type World } from './route-table.js'
import { OPERATOR_KEY, startTestServer, type TestServer } from '../helpers/test-world.js'

const OP = OPERATOR_KEY

describe('security over every route', () => {
  let server: TestServer
  let world: World
  let routeKeys: string[] = []
  let other: { key: string; name: string; id: string }
  let suspendedKey = ''
  let defaultId = ''

  beforeAll(async () => {
    server = await startTestServer({ sweepIntervalMs: 3_600_000 })
    world = await buildWorld(server.url, OP)
    routeKeys = routeKeysOf(await ok(server.url, 'GET', '/v1/openapi.json'))
    const created = await ok(server.url, 'POST', '/v1/workspaces', { key: OP, body: { name: 'elsewhere' } })
    other = { key: created.operator.key, name: created.workspace.name, id: created.workspace.id }
    // The other workspace has the same shapes, so a leak would find something to hit.
    await buildWorld(server.url, other.key).catch(() => undefined)
    const victim = await ok(server.url, 'POST', '/v1/workspaces/default/principals', {
      key: OP,
      body: { name: 'victim', roles: ['operator', 'member'] },
    })
    suspendedKey = victim.key
    await ok(server.url, 'POST', '/v1/workspaces/default/principals/victim/suspend', { key: OP })
    defaultId = (await ok(server.url, 'GET', '/v1/workspaces/default', { key: OP })).id
  })

  afterAll(async () => {
    await server?.close()
  })

  async function send(routeKey: string, rc: RouteCase, key: string | null, ws = 'default'): Promise<HttpReply> {
    const method = routeKey.slice(0, routeKey.indexOf(' '))
    const path = pathOf(routeKey, world, ws) + (rc.query ? `?${rc.query}` : '')
    const abort = new AbortController()
    const timer = setTimeout(() => abort.abort(), 15_000)
    try {
      if (rc.stream) {
        // Read the head only: a refused watch is an ordinary problem reply, an accepted one an open stream.
        const res = await fetch(server.url + path, {
          headers: key === null ? {} : { authorization: `Bearer ${key}` },
          signal: abort.signal,
        })
        const contentType = res.headers.get('content-type') ?? ''
        if (contentType.startsWith('text/event-stream')) {
          abort.abort()
          return { status: res.status, headers: res.headers, contentType, text: '', body: null }
        }
        const text = await res.text()
        return { status: res.status, headers: res.headers, contentType, text, body: JSON.parse(text) }
      }
      return await call(server.url, method, path, {
        key,
        ...(rc.body ? { body: rc.body() } : method === 'GET' ? {} : { body: {} }),
        ...(rc.headers ? { headers: rc.headers } : {}),
        signal: abort.signal,
      })
    } finally {
      clearTimeout(timer)
    }
  }

  function expectProblem(r: HttpReply, status: number, code: string, what: string): void {
    expect({ what, status: r.status, code: r.body?.code }).toEqual({ what, status, code })
    expect(r.contentType, what).toMatch(/^application\/problem\+json/)
    expect(r.body.status, what).toBe(status)
  }

  it('the route table covers every route the OpenAPI document lists', () => {
    expect(routeKeys.length).toBeGreaterThan(30)
    expect(routeKeys.filter((k) => ROUTES[k] === undefined)).toEqual([])
    expect(Object.keys(ROUTES).filter((k) => !routeKeys.includes(k))).toEqual([])
  })

  it('public routes answer without a key', async () => {
    for (const k of routeKeys.filter((k) => ROUTES[k]!.scope === 'public')) {
      expect((await send(k, ROUTES[k]!, null)).status, k).toBe(200)
    }
  })

  it('no key, a wrong key and a suspended key are refused on every authenticated route, changing nothing', async () => {
    const before = await workspaceRevision(server.url, OP)
    const otherBefore = await workspaceRevision(server.url, other.key, other.name)
    let checked = 0
    for (const k of routeKeys) {
      const rc = ROUTES[k]!
      if (rc.scope === 'public') continue
      expectProblem(await send(k, rc, null), 401, 'unauthorized', `${k} without a key`)
      expectProblem(await send(k, rc, 'not-a-key-of-anyone'), 401, 'unauthorized', `${k} with a wrong key`)
      expectProblem(await send(k, rc, `${OP}x`), 401, 'unauthorized', `${k} with a near-miss key`)
      expectProblem(await send(k, rc, suspendedKey), 403, 'principal_suspended', `${k} with a suspended key`)
      checked += 4
    }
    expect(checked).toBeGreaterThan(120)
    expect(await workspaceRevision(server.url, OP)).toBe(before)
    expect(await workspaceRevision(server.url, other.key, other.name)).toBe(otherBefore)
  })

  it("another workspace's operator key finds nothing here, by name or by id", async () => {
    const before = await workspaceRevision(server.url, OP)
    for (const k of routeKeys) {
      const rc = ROUTES[k]!
      if (rc.scope !== 'workspace') continue
      for (const ws of ['default', defaultId]) {
        expectProblem(await send(k, rc, other.key, ws), 404, 'not_found', `${k} in ${ws} with the key of ${other.name}`)
      }
      // And the reverse: this workspace's operator cannot reach the other one.
      expectProblem(await send(k, rc, OP, other.id), 404, 'not_found', `${k} in ${other.name} with the key of default`)
    }
    expect(await workspaceRevision(server.url, OP)).toBe(before)
    // Global routes act in the caller's own workspace only.
    const me = await ok(server.url, 'GET', '/v1/me', { key: other.key })
    expect(me.workspace.id).toBe(other.id)
  })

  it('a frozen workspace refuses every write with 423 and keeps every read at 200', async () => {
    await ok(server.url, 'POST', '/v1/workspaces/default/freeze', { key: OP })
    try {
      const before = await workspaceRevision(server.url, OP)
      let writes = 0
      let reads = 0
      for (const k of routeKeys) {
        const rc = ROUTES[k]!
        if (rc.scope !== 'workspace') continue
        if (!rc.write) {
          for (const key of [OP, world.memberKey]) {
            const r = await send(k, rc, key)
            expect(r.status, `${k} while frozen: ${r.text.slice(0, 300)}`).toBe(200)
            reads++
          }
          continue
        }
        if (rc.evenWhenFrozen) continue
        for (const key of rc.operatorOnly ? [OP] : [OP, world.memberKey]) {
          expectProblem(await send(k, rc, key), 423, 'workspace_frozen', `${k} while frozen`)
          writes++
        }
      }
      expect(writes).toBeGreaterThan(15)
      expect(reads).toBeGreaterThan(20)
      expect(await workspaceRevision(server.url, OP)).toBe(before)
      // Operator authority still works while frozen: suspend, resume, unfreeze.
      await ok(server.url, 'POST', '/v1/workspaces/default/principals/target/suspend', { key: OP })
      await ok(server.url, 'POST', '/v1/workspaces/default/principals/target/resume', { key: OP })
      expect(await workspaceRevision(server.url, OP)).toBe(before + 2)
    } finally {
      await ok(server.url, 'POST', '/v1/workspaces/default/unfreeze', { key: OP })
    }
    // Unfrozen, the same writes go through again.
    const row = await call(server.url, 'POST', '/v1/workspaces/default/tables/tasks/rows', {
      key: world.memberKey,
      body: { values: { title: 'after thaw' } },
    })
    expect(row.status).toBe(201)
  })

  it('the audit chain of both workspaces verifies after all of it', async () => {
    expect(await ok(server.url, 'GET', '/v1/workspaces/default/audit/verify', { key: OP })).toMatchObject({ ok: true })
    expect(await ok(server.url, 'GET', `/v1/workspaces/${other.name}/audit/verify`, { key: other.key })).toMatchObject({
      ok: true,
    })
  })
})
