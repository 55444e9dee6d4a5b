/**
 * Every route × every role, with the status each must get. The role matrix lives
 * in src/domain/roles.ts; this table is its check from the outside. A route the
 * OpenAPI document serves and this table lacks fails the suite.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { PERMISSIONS } from '../../src/domain/roles.js'
import {
  type Api,
  createAgent,
  OPERATOR_KEY,
  startTestServer,
  tasksTable,
  TEST_STORE,
  type TestServer,
} from '../helpers/test-world.js'

type RoleName = 'operator' | 'member' | 'reviewer' | 'reviewer+member'
const ROLE_NAMES: readonly RoleName[] = ['operator', 'member', 'reviewer', 'reviewer+member']

const W = '/v1/workspaces/default'
const T = `${W}/tables/tasks`

interface Request {
  readonly path: string
  readonly body?: unknown
  /** Read the response head of a stream, then hang up. */
  readonly stream?: boolean
}

interface Case {
  /** Builds a fresh request for this caller (fresh rows, docs, claims), so cases never interfere. */
  readonly setup: (as: Actor) => Promise<Request>
  readonly expect: Record<RoleName, number>
  /** Undo what an accepted call changed that later cases would trip over. */
  readonly cleanup?: () => Promise<void>
}

interface Actor {
  readonly role: RoleName
  readonly id: string
  readonly key: string
  readonly api: Api
}

const all = (status: number): Record<RoleName, number> => ({
  operator: status,
  member: status,
  reviewer: status,
  'reviewer+member': status,
})
const operatorOnly = (status: number): Record<RoleName, number> => ({
  operator: status,
  member: 403,
  reviewer: 403,
  'reviewer+member': 403,
})
const writers = (status: number): Record<RoleName, number> => ({
  operator: status,
  member: status,
  reviewer: 403,
  'reviewer+member': status,
})

describe('route × role', () => {
  let server: TestServer
  const actors = new Map<RoleName, Actor>()
  /** A member that does the claiming and authoring the cases need from a third party. */
  let worker: Actor
  let seq = 0
  const next = (p: string): string => `${p}-${++seq}`

  const op = (method: string, path: string, body?: unknown): Promise<any> =>
    server.op(method, path, body).then((r) => {
      if (r.status >= 300) throw new Error(`${method} ${path} → ${r.status} ${JSON.stringify(r.body)}`)
      return r.body
    })
  const newRow = async (): Promise<string> =>
    (await op('POST', `${T}/rows`, { values: { title: next('row') } })).id as string
  const claimAs = async (a: Actor, rowId: string): Promise<number> => {
    const r = await a.api('POST', `${T}/rows/${rowId}/claim`, { leaseMs: 60_000 })
    if (r.status !== 200) throw new Error(`claim as ${a.role}: ${r.status} ${JSON.stringify(r.body)}`)
    return r.body.lease.token as number
  }
  /** The caller's own claim, or, for a role that cannot claim, the worker's (the refusal must be the role's). */
  const ownClaim = async (a: Actor): Promise<{ rowId: string; token: number }> => {
    const rowId = await newRow()
    const claimant = a.role === 'reviewer' ? worker : a
    return { rowId, token: await claimAs(claimant, rowId) }
  }
  const newDoc = async (): Promise<{ id: string; version: number }> =>
    op('POST', `${W}/docs`, { title: next('doc'), content: '## one\n\nbody\n' })

  const CASES: Record<string, Case> = {
    'GET /v1/me': { setup: async () => ({ path: '/v1/me' }), expect: all(200) },
    'GET /v1/workspaces': { setup: async () => ({ path: '/v1/workspaces' }), expect: all(200) },
    // PostgreSQL stores have no snapshot endpoint (pg_dump): the operator gets 404 there.
    'GET /v1/backup': {
      setup: async () => ({ path: '/v1/backup' }),
      expect: operatorOnly(TEST_STORE === 'postgres' ? 404 : 200),
    },
    'POST /v1/workspaces': {
      setup: async () => ({ path: '/v1/workspaces', body: { name: next('ws') } }),
      expect: operatorOnly(201),
    },
    'GET /v1/workspaces/{ws}': { setup: async () => ({ path: W }), expect: all(200) },
    'POST /v1/workspaces/{ws}/freeze': {
      setup: async () => ({ path: `${W}/freeze` }),
      expect: operatorOnly(200),
      cleanup: async () => void (await op('POST', `${W}/unfreeze`)),
    },
    'POST /v1/workspaces/{ws}/unfreeze': { setup: async () => ({ path: `${W}/unfreeze` }), expect: operatorOnly(200) },
    'POST /v1/workspaces/{ws}/principals': {
      setup: async () => ({ path: `${W}/principals`, body: { name: next('p') } }),
      expect: operatorOnly(201),
    },
    'GET /v1/workspaces/{ws}/principals': { setup: async () => ({ path: `${W}/principals` }), expect: all(200) },
    'GET /v1/workspaces/{ws}/principals/{id}': {
      setup: async () => ({ path: `${W}/principals/worker` }),
      expect: all(200),
    },
    'POST /v1/workspaces/{ws}/principals/{id}/suspend': {
      setup: async () => ({ path: `${W}/principals/target/suspend` }),
      expect: operatorOnly(200),
      cleanup: async () => void (await op('POST', `${W}/principals/target/resume`)),
    },
    'POST /v1/workspaces/{ws}/principals/{id}/resume': {
      setup: async () => ({ path: `${W}/principals/target/resume` }),
      expect: operatorOnly(200),
    },
    'POST /v1/workspaces/{ws}/tables': {
      setup: async () => ({ path: `${W}/tables`, body: tasksTable({ name: next('t') }) }),
      expect: operatorOnly(201),
    },
    'GET /v1/workspaces/{ws}/tables': { setup: async () => ({ path: `${W}/tables` }), expect: all(200) },
    'GET /v1/workspaces/{ws}/tables/{table}': { setup: async () => ({ path: T }), expect: all(200) },
    // Finding 2: a member published `* → done by any` and approved its own row. Only operators publish.
    'PUT /v1/workspaces/{ws}/tables/{table}/schema': {
      setup: async () => ({
        path: `${T}/schema`,
        body: { columns: tasksTable().columns, workflow: tasksTable().workflow },
      }),
      expect: operatorOnly(200),
    },
    'POST /v1/workspaces/{ws}/tables/{table}/rows': {
      setup: async () => ({ path: `${T}/rows`, body: { values: { title: 'new' } } }),
      expect: writers(201),
    },
    'GET /v1/workspaces/{ws}/tables/{table}/rows': {
      setup: async () => ({ path: `${T}/rows?limit=5` }),
      expect: all(200),
    },
    'GET /v1/workspaces/{ws}/tables/{table}/rows/{id}': {
      setup: async () => ({ path: `${T}/rows/${await newRow()}` }),
      expect: all(200),
    },
    // Finding 3: a reviewer-only key got 200 on PATCH, claim, section write, doc replace and lock.
    'PATCH /v1/workspaces/{ws}/tables/{table}/rows/{id}': {
      setup: async () => ({ path: `${T}/rows/${await newRow()}`, body: { values: { area: 'edited' } } }),
      expect: writers(200),
    },
    'POST /v1/workspaces/{ws}/tables/{table}/rows/{id}/claim': {
      setup: async () => ({ path: `${T}/rows/${await newRow()}/claim`, body: { leaseMs: 60_000 } }),
      expect: writers(200),
    },
    'POST /v1/workspaces/{ws}/tables/{table}/claim-next': {
      setup: async () => {
        await newRow()
        return { path: `${T}/claim-next`, body: { leaseMs: 60_000 } }
      },
      expect: writers(200),
    },
    'POST /v1/workspaces/{ws}/tables/{table}/rows/{id}/heartbeat': {
      setup: async (a) => {
        const { rowId, token } = await ownClaim(a)
        return { path: `${T}/rows/${rowId}/heartbeat`, body: { fencingToken: token } }
      },
      expect: writers(200),
    },
    'POST /v1/workspaces/{ws}/tables/{table}/rows/{id}/release': {
      setup: async (a) => {
        const { rowId, token } = await ownClaim(a)
        return { path: `${T}/rows/${rowId}/release`, body: { fencingToken: token } }
      },
      expect: writers(200),
    },
    // Transitions are open to every role; the workflow gate decides. `ready_for_review → done`
    // is granted to reviewers (not the author): a member or an operator without the reviewer role gets 409.
    'POST /v1/workspaces/{ws}/tables/{table}/rows/{id}/transition': {
      setup: async () => {
        const { rowId, token } = await ownClaim({ ...worker, role: 'reviewer' })
        const moved = await worker.api('POST', `${T}/rows/${rowId}/transition`, {
          to: 'ready_for_review',
          fencingToken: token,
        })
        if (moved.status !== 200) throw new Error(`to review: ${moved.status}`)
        return { path: `${T}/rows/${rowId}/transition`, body: { to: 'done' } }
      },
      expect: { operator: 409, member: 409, reviewer: 200, 'reviewer+member': 200 },
    },
    // Notes are remarks, not work: reviewers need them for their send-backs.
    'GET /v1/workspaces/{ws}/tables/{table}/rows/{id}/notes': {
      setup: async () => ({ path: `${T}/rows/${await newRow()}/notes` }),
      expect: all(200),
    },
    'POST /v1/workspaces/{ws}/tables/{table}/rows/{id}/notes': {
      setup: async () => ({ path: `${T}/rows/${await newRow()}/notes`, body: { text: 'why' } }),
      expect: all(201),
    },
    // The role is checked before the row's state: a live row gets the operator a 409, everyone else a 403.
    'POST /v1/workspaces/{ws}/tables/{table}/rows/{id}/requeue': {
      setup: async () => ({ path: `${T}/rows/${await newRow()}/requeue`, body: {} }),
      expect: { operator: 409, member: 403, reviewer: 403, 'reviewer+member': 403 },
    },
    'GET /v1/workspaces/{ws}/stats': { setup: async () => ({ path: `${W}/stats` }), expect: all(200) },
    'GET /metrics': { setup: async () => ({ path: '/metrics' }), expect: operatorOnly(200) },
    'POST /v1/workspaces/{ws}/docs': {
      setup: async () => ({ path: `${W}/docs`, body: { title: next('doc'), content: '# x\n' } }),
      expect: writers(201),
    },
    'GET /v1/workspaces/{ws}/docs': { setup: async () => ({ path: `${W}/docs` }), expect: all(200) },
    'GET /v1/workspaces/{ws}/docs/{doc}': {
      setup: async () => ({ path: `${W}/docs/${(await newDoc()).id}` }),
      expect: all(200),
    },
    'PUT /v1/workspaces/{ws}/docs/{doc}': {
      setup: async () => {
        const d = await newDoc()
        return { path: `${W}/docs/${d.id}`, body: { content: '## one\n\nreplaced\n', expectedVersion: d.version } }
      },
      expect: writers(200),
    },
    'GET /v1/workspaces/{ws}/docs/{doc}/sections/{key}': {
      setup: async () => ({ path: `${W}/docs/${(await newDoc()).id}/sections/one` }),
      expect: all(200),
    },
    'PUT /v1/workspaces/{ws}/docs/{doc}/sections/{key}': {
      setup: async () => ({ path: `${W}/docs/${(await newDoc()).id}/sections/one`, body: { body: 'rewritten' } }),
      expect: writers(200),
    },
    'GET /v1/workspaces/{ws}/docs/{doc}/sections/{key}/history': {
      setup: async () => ({ path: `${W}/docs/${(await newDoc()).id}/sections/one/history` }),
      expect: all(200),
    },
    'POST /v1/workspaces/{ws}/docs/{doc}/lock': {
      setup: async () => ({ path: `${W}/docs/${(await newDoc()).id}/lock`, body: { leaseMs: 60_000 } }),
      expect: writers(200),
    },
    'POST /v1/workspaces/{ws}/docs/{doc}/unlock': {
      setup: async (a) => {
        const d = await newDoc()
        const holder = a.role === 'reviewer' ? worker : a
        const lock = await holder.api('POST', `${W}/docs/${d.id}/lock`, { leaseMs: 60_000 })
        if (lock.status !== 200) throw new Error(`lock: ${lock.status}`)
        return { path: `${W}/docs/${d.id}/unlock`, body: { token: lock.body.lock.token } }
      },
      expect: writers(200),
    },
    'GET /v1/workspaces/{ws}/events': {
      setup: async () => ({ path: `${W}/events?since=0&limit=5` }),
      expect: all(200),
    },
    'GET /v1/workspaces/{ws}/watch': {
      setup: async () => ({ path: `${W}/watch?since=0`, stream: true }),
      expect: all(200),
    },
    'GET /v1/workspaces/{ws}/audit/verify': { setup: async () => ({ path: `${W}/audit/verify` }), expect: all(200) },
  }

  beforeAll(async () => {
    server = await startTestServer()
    expect((await server.op('POST', `${W}/tables`, tasksTable())).status).toBe(201)
    const me = await server.op('GET', '/v1/me')
    actors.set('operator', { role: 'operator', id: me.body.principal.id, key: OPERATOR_KEY, api: server.op })
    for (const [role, roles] of [
      ['member', ['member']],
      ['reviewer', ['reviewer']],
      ['reviewer+member', ['reviewer', 'member']],
    ] as const) {
      const a = await createAgent(server, role.replace('+', '-'), { roles })
      actors.set(role, { role, id: a.id, key: a.key, api: a.api })
    }
    const w = await createAgent(server, 'worker', { roles: ['member'] })
    worker = { role: 'member', id: w.id, key: w.key, api: w.api }
    await createAgent(server, 'target', { roles: ['member'] })
  })
  afterAll(() => server.close())

  it('covers every route the API serves', async () => {
    const openapi = (await server.op('GET', '/v1/openapi.json')).body as {
      paths: Record<string, Record<string, unknown>>
    }
    const served = Object.entries(openapi.paths)
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`))
      // Public routes take no key; /mcp tools call the same service methods, so the same checks apply.
      .filter((k) => k.startsWith('GET /v1/health') === false && k !== 'GET /v1/openapi.json' && !k.includes(' /mcp'))
    expect(served.filter((k) => !(k in CASES))).toEqual([])
  })

  for (const [key, c] of Object.entries(CASES)) {
    const method = key.slice(0, key.indexOf(' '))
    it.each(ROLE_NAMES.map((r) => [r]))(`${key} as %s → ${JSON.stringify(c.expect)}`, async (role) => {
      const actor = actors.get(role as RoleName)!
      const req = await c.setup(actor)
      let status: number
      let body: unknown
      if (req.stream === true) {
        const abort = new AbortController()
        const res = await fetch(server.url + req.path, {
          headers: { authorization: `Bearer ${actor.key}` },
          signal: abort.signal,
        })
        status = res.status
        abort.abort()
      } else {
        const res = await actor.api(method, req.path, req.body)
        status = res.status
        body = res.body
      }
      try {
        expect(status, JSON.stringify(body)).toBe(c.expect[role as RoleName])
        if (status === 403) expect((body as { code?: string } | undefined)?.code ?? 'forbidden').toBe('forbidden')
      } finally {
        if (status < 300 && c.cleanup) await c.cleanup()
      }
    })
  }

  it('the matrix is data: every operation lists roles, and reviewers write nothing but transitions and notes', () => {
    for (const [op, roles] of Object.entries(PERMISSIONS)) {
      expect(roles.length, op).toBeGreaterThan(0)
      const reviewerMay = (roles as readonly string[]).includes('reviewer')
      expect(reviewerMay, op).toBe(op === 'read' || op === 'row.transition' || op === 'row.note')
    }
  })
})
