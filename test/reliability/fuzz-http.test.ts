/**
 * Promise 10 by property-based fuzzing of the HTTP API: random bodies,
 * headers, paths, unicode, huge numbers, deep nesting and wrong types on every
 * route pattern. Never a 5xx; every 4xx is application/problem+json with a
 * string `code`; a refused request leaves the workspace revision unchanged.
 */
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import fc from 'fast-check'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { startDockServer, type DockServer } from '../../src/http/serve.js'
import { ok } from './http.js'
import { buildWorld, pathOf, routeKeysOf, ROUTES, type World } from './route-table.js'

const OP = 'op-fuzz-secret'
/** Runs per route pattern, and per cross-cutting property. */
const RUNS_PER_ROUTE = Number(process.env['DOCK_FUZZ_RUNS_PER_ROUTE'] ?? 100)
const RUNS = Number(process.env['DOCK_FUZZ_RUNS'] ?? 300)

interface FuzzRequest {
  readonly method: string
  readonly path: string
  readonly key: string | null
  readonly headers: Record<string, string>
  /** Raw request body text (undefined: none). */
  readonly body?: string
}

interface Outcome {
  readonly status: number
  readonly contentType: string
  readonly body: any
  readonly revisionBefore: number
  readonly revisionAfter: number
}

// ------------------------------------------------------------------ generators

const HUGE_LITERALS = [
  '1e400',
  '-1e400',
  '123456789012345678901234567890',
  '9007199254740993',
  '-0',
  '0.0000000000000000000001',
  '1E+308',
  '2e-324',
]
const JUNK_SEGMENTS = [
  '..',
  '.',
  '%',
  '%zz',
  '%00',
  '%2F',
  '%2e%2e',
  '%C0%AF',
  '%E2%80%AE',
  '~',
  'default',
  'DEFAULT',
  ' ',
  '%20',
  '\u0000',
  '😀',
  'null',
  '-1',
  '0',
  '1e9',
]

/** Strings with everything in them: any code point, long runs, lookalikes. */
const weirdString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom(
    '',
    ' ',
    '\n',
    '\u0000',
    '\uFEFF',
    '\u202E',
    'ÿ',
    '😀'.repeat(50),
    'a'.repeat(300),
    'x'.repeat(70_000),
    '__proto__',
    'constructor',
    'todo',
    'done',
    'in_progress',
  ),
)

/** A JSON value of a wrong or extreme kind, with placeholders that become literal huge numbers. */
const weirdValue: fc.Arbitrary<unknown> = fc.oneof(
  weirdString,
  fc.double(),
  fc.integer(),
  fc.constantFrom(Number.MAX_SAFE_INTEGER + 2, -1, 0, 1, 2 ** 31, 2 ** 53, 1.5, -0.0001, Number.MAX_VALUE),
  fc.constantFrom(...HUGE_LITERALS.map((h) => `__HUGE_${h}__`)),
  fc
    .tuple(fc.integer({ min: 1, max: 60_000 }), fc.constantFrom('array', 'object'))
    .map(([d, k]) => `__DEEP_${d}_${k}__`),
  fc.boolean(),
  fc.constant(null),
  fc.jsonValue({ maxDepth: 4 }),
  fc.array(weirdString, { maxLength: 5 }),
  fc.dictionary(weirdString, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 5 }),
)

const KNOWN_FIELDS = [
  'name',
  'kind',
  'roles',
  'skills',
  'budget',
  'publicKey',
  'columns',
  'workflow',
  'values',
  'blockedBy',
  'requiredSkills',
  'priority',
  'contractVersion',
  'expectedVersion',
  'fencingToken',
  'leaseMs',
  'where',
  'to',
  'title',
  'content',
  'body',
  'heading',
  'lane',
  'token',
  'statuses',
  'claim',
  'transitions',
  '__proto__',
  'constructor',
]

/** JSON text with the placeholders of `weirdValue` spelled out: literal huge numbers, nesting too deep to build as a value. */
function toJsonText(value: unknown): string {
  return JSON.stringify(value)
    .replace(/"__HUGE_([^"]+)__"/g, '$1')
    .replace(/"__DEEP_(\d+)_(array|object)__"/g, (_, d: string, k: string) =>
      nested(Number(d), k as 'array' | 'object'),
    )
}

function nested(depth: number, kind: 'array' | 'object'): string {
  return kind === 'array'
    ? `${'['.repeat(depth)}1${']'.repeat(depth)}`
    : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`
}

/** Nested arrays or objects `depth` deep, inside an otherwise valid row body. */
function deepText(depth: number, kind: 'array' | 'object'): string {
  return `{"values":{"title":"deep","blob":${nested(depth, kind)}}}`
}

const rawBody: fc.Arbitrary<string | undefined> = fc.oneof(
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 6 }).map((v) => JSON.stringify(v)) },
  {
    weight: 4,
    arbitrary: fc
      .dictionary(fc.oneof(fc.constantFrom(...KNOWN_FIELDS), weirdString), weirdValue, { maxKeys: 6 })
      .map(toJsonText),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 60 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '',
      'null',
      '[]',
      '{',
      '{"a":}',
      '"str"',
      '1',
      'true',
      '{"values":',
      '\u0000',
      '{"__proto__":{"x":1}}',
      '{"values":{"__proto__":{"status":"done"}}}',
    ),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.integer({ min: 1, max: 120_000 }), fc.constantFrom('array' as const, 'object' as const))
      .map(([d, k]) => deepText(d, k)),
  },
  { weight: 1, arbitrary: fc.constant(undefined) },
)

const latin1 = fc.string({
  unit: fc
    .integer({ min: 0x20, max: 0xff })
    .filter((c) => c < 0x7f || c >= 0xa0)
    .map((c) => String.fromCharCode(c)),
  maxLength: 60,
})

const headersArb: fc.Arbitrary<Record<string, string>> = fc.record(
  {
    'content-type': fc.constantFrom(
      'application/json',
      'application/json; charset=utf-8',
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/problem+json',
      'application/json; charset=latin1',
    ),
    'if-match': fc.oneof(
      fc.constantFrom('"1"', '"2"', 'W/"1"', '1', '*', '"99999999999999999999"', '""', '"-1"', '"1.5"'),
      latin1,
    ),
    'last-event-id': fc.oneof(fc.constantFrom('0', '1', '999999999', '-1', '1e3', '99999999999999999999'), latin1),
    'x-request-id': latin1,
    'x-dock-signature': latin1,
    accept: fc.constantFrom('application/json', 'text/event-stream', '*/*', 'text/html'),
  },
  { requiredKeys: [] },
)

function fuzzSegment(valid: string): fc.Arbitrary<{ raw: boolean; value: string }> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constant({ raw: false, value: valid }) },
    { weight: 2, arbitrary: weirdString.filter((s) => s.length <= 400).map((value) => ({ raw: false, value })) },
    { weight: 1, arbitrary: fc.constantFrom(...JUNK_SEGMENTS).map((value) => ({ raw: true, value })) },
  )
}

// ------------------------------------------------------------------ suite

const DATABASE_URL = process.env['DOCK_TEST_DATABASE_URL'] ?? ''

/** SQLite always; PostgreSQL too when DOCK_TEST_DATABASE_URL is set (NUL bytes, jsonb and numeric limits differ there). */
const BACKENDS: { name: string; databaseUrl: string | null }[] = [
  { name: 'SQLite', databaseUrl: null },
  ...(DATABASE_URL === '' ? [] : [{ name: 'PostgreSQL', databaseUrl: DATABASE_URL }]),
]

if (DATABASE_URL === '') {
  describe.skip('HTTP API fuzzing on PostgreSQL (skipped: set DOCK_TEST_DATABASE_URL=postgres://… to run it)', () => {
    it('every property above, against Dock on PostgreSQL', () => undefined)
  })
}

describe.each(BACKENDS)('HTTP API fuzzing on $name', ({ databaseUrl }) => {
  const schema = `dock_rel_fuzz_${process.pid}_${randomBytes(3).toString('hex')}`
  let dataDir = ''
  let server: DockServer
  let world: World
  let routeKeys: string[] = []
  let refused = 0
  let accepted = 0

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'dock-fuzz-'))
    // No sweeper: an expiring lease would move the revision under an unrelated refused request.
    let url: string | undefined
    if (databaseUrl !== null) {
      const u = new URL(databaseUrl)
      u.searchParams.set('schema', schema)
      url = u.toString()
    }
    server = await startDockServer({
      host: '127.0.0.1',
      port: 0,
      dataDir,
      operatorToken: OP,
      webRoot: null,
      sweepIntervalMs: 3_600_000,
      ...(url ? { databaseUrl: url } : {}),
    })
    world = await buildWorld(server.url, OP)
    await ok(server.url, 'POST', '/v1/workspaces/default/tables', {
      key: OP,
      body: {
        name: 'blobs',
        columns: [
          { name: 'title', type: 'text' },
          { name: 'blob', type: 'json' },
        ],
        workflow: { statuses: ['open'] },
      },
    })
    routeKeys = routeKeysOf(await ok(server.url, 'GET', '/v1/openapi.json'))
  })

  afterAll(async () => {
    console.info(`fuzz: ${accepted} requests accepted, ${refused} refused`)
    await server?.close()
    if (dataDir !== '') await rm(dataDir, { recursive: true, force: true })
    if (databaseUrl !== null) {
      const client = new pg.Client({ connectionString: databaseUrl })
      await client.connect()
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).finally(() => client.end())
    }
  })

  async function revision(): Promise<{ revision: number; frozen: boolean }> {
    const w = await ok(server.url, 'GET', '/v1/workspaces/default', { key: OP })
    return { revision: w.revision, frozen: w.frozen }
  }

  async function send(req: FuzzRequest): Promise<Outcome> {
    const before = await revision()
    if (before.frozen) await ok(server.url, 'POST', '/v1/workspaces/default/unfreeze', { key: OP })
    const revisionBefore = before.frozen ? (await revision()).revision : before.revision
    const headers: Record<string, string> = { ...req.headers }
    if (req.key !== null) headers['authorization'] = `Bearer ${req.key}`
    const abort = new AbortController()
    const timer = setTimeout(() => abort.abort(), 20_000)
    let status = 0
    let contentType = ''
    let body: any = null
    try {
      const canHaveBody = req.method !== 'GET' && req.method !== 'HEAD'
      const res = await fetch(server.url + req.path, {
        method: req.method,
        headers,
        ...(canHaveBody && req.body !== undefined ? { body: req.body } : {}),
        signal: abort.signal,
      })
      status = res.status
      contentType = res.headers.get('content-type') ?? ''
      if (contentType.startsWith('text/event-stream')) abort.abort()
      else {
        const text = await res.text()
        try {
          body = text === '' ? null : JSON.parse(text)
        } catch {
          body = text
        }
      }
    } finally {
      clearTimeout(timer)
    }
    const revisionAfter = (await revision()).revision
    if (status >= 400) refused++
    else accepted++
    return { status, contentType, body, revisionBefore, revisionAfter }
  }

  function check(req: FuzzRequest, o: Outcome): void {
    const what = `${req.method} ${req.path.slice(0, 300)} key=${req.key === null ? 'none' : req.key === OP ? 'op' : req.key === world.memberKey ? 'member' : 'junk'} headers=${JSON.stringify(req.headers).slice(0, 300)} body=${(req.body ?? '').slice(0, 300)} → ${o.status} ${JSON.stringify(o.body)?.slice(0, 300)}`
    expect(o.status, what).toBeGreaterThanOrEqual(200)
    expect(o.status, what).toBeLessThan(500)
    if (o.status >= 400) {
      // fetch resolves dot segments before sending ("/../mcp" arrives as "/mcp"), so judge the path the server saw.
      // Resolved as send() builds it (origin + path): a path starting "//" is no authority here.
      const sentPath = new URL('http://127.0.0.1' + req.path).pathname
      if (
        sentPath.startsWith('/mcp') &&
        (o.body?.jsonrpc === '2.0' || (req.method === 'HEAD' && o.contentType.startsWith('application/json')))
      ) {
        // /mcp speaks JSON-RPC: the MCP transport answers protocol errors (405, 406, 400) as JSON-RPC errors.
        if (req.method !== 'HEAD') expect(typeof o.body.error?.code, what).toBe('number')
        expect(o.revisionAfter, `refused request changed the workspace: ${what}`).toBe(o.revisionBefore)
        return
      }
      expect(o.contentType, what).toMatch(/^application\/problem\+json/)
      if (req.method !== 'HEAD') {
        expect(typeof o.body?.code, what).toBe('string')
        expect(o.body.status, what).toBe(o.status)
      }
      expect(o.revisionAfter, `refused request changed the workspace: ${what}`).toBe(o.revisionBefore)
    }
  }

  const keyArb = (): fc.Arbitrary<string | null> =>
    fc.oneof(
      { weight: 4, arbitrary: fc.constant(OP) },
      { weight: 3, arbitrary: fc.constant(world.memberKey) },
      { weight: 1, arbitrary: fc.constant(null) },
      { weight: 1, arbitrary: latin1.filter((s) => s.trim() !== '') },
    )

  const queryArb = (routeKey: string): fc.Arbitrary<string> => {
    const known = [
      'since',
      'limit',
      'status',
      'owner',
      'ready',
      'cursor',
      'table',
      'doc',
      'actor',
      'type',
      'format',
      'wait',
      'where',
      '__proto__',
    ]
    const value = fc.oneof(
      weirdString,
      fc.constantFrom(
        '0',
        '-1',
        '1',
        '1000',
        '1001',
        'true',
        'yes',
        'NaN',
        'Infinity',
        '1e400',
        '99999999999999999999',
        'todo,done',
        'row.*',
        'markdown',
        '',
      ),
    )
    return fc
      .dictionary(
        fc.oneof(
          fc.constantFrom(...known),
          weirdString.filter((s) => s.length < 50),
        ),
        value,
        { maxKeys: 4 },
      )
      .map((q) => {
        const params = new URLSearchParams()
        for (const [k, v] of Object.entries(q)) {
          // A long-poll would legitimately hold the request; keep any valid wait tiny.
          params.append(k, k === 'wait' && /^\s*\d/.test(v) ? '0.01' : v)
        }
        const s = params.toString()
        return s === '' || routeKey.startsWith('POST') ? '' : `?${s}`
      })
  }

  function requestArb(routeKey: string): fc.Arbitrary<FuzzRequest> {
    const method = routeKey.slice(0, routeKey.indexOf(' '))
    const template = routeKey.slice(routeKey.indexOf(' ') + 1)
    const names = [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!)
    const filled = pathOf(routeKey, world)
    // The valid value of each parameter, read back from the filled template.
    const parts = template.split('/')
    const filledParts = filled.split('/')
    const valid: Record<string, string> = {}
    parts.forEach((p, i) => {
      const m = /^\{(\w+)\}$/.exec(p)
      if (m) valid[m[1]!] = decodeURIComponent(filledParts[i]!)
    })
    const segs = fc.tuple(...names.map((n) => fuzzSegment(valid[n]!)))
    return fc
      .record({ segs, key: keyArb(), headers: headersArb, body: rawBody, query: queryArb(routeKey) })
      .map(({ segs, key, headers, body, query }) => {
        let path = template
        names.forEach((n, i) => {
          const s = segs[i]!
          path = path.replace(`{${n}}`, s.raw ? s.value : encodeURIComponent(s.value))
        })
        return { method, path: path + query, key, headers, ...(body !== undefined ? { body } : {}) }
      })
  }

  it('every route pattern survives random requests', async () => {
    expect(routeKeys.length).toBeGreaterThan(30)
    for (const routeKey of routeKeys) {
      await fc.assert(
        fc.asyncProperty(requestArb(routeKey), async (req) => check(req, await send(req))),
        { numRuns: RUNS_PER_ROUTE, endOnFailure: true },
      )
    }
  }, 300_000)

  it('concurrent bursts: a refused request leaves no event behind, even among accepted ones', async () => {
    const writeRoutes = routeKeys.filter((k) => !k.startsWith('GET ') && ROUTES[k]?.scope === 'workspace')
    const burst = fc.array(
      fc.constantFrom(...writeRoutes).chain((k) => requestArb(k)),
      { minLength: 4, maxLength: 16 },
    )
    let batch = 0
    let refusedInBursts = 0
    await fc.assert(
      fc.asyncProperty(burst, async (reqs) => {
        batch++
        const w = await revision()
        if (w.frozen) await ok(server.url, 'POST', '/v1/workspaces/default/unfreeze', { key: OP })
        const since = (await revision()).revision
        const outcomes = await Promise.all(
          reqs.map(async (req, i) => {
            const requestId = `burst-${batch}-${i}`
            const headers: Record<string, string> = { ...req.headers, 'x-request-id': requestId }
            if (req.key !== null) headers['authorization'] = `Bearer ${req.key}`
            const res = await fetch(server.url + req.path, {
              method: req.method,
              headers,
              ...(req.body !== undefined ? { body: req.body } : {}),
            })
            const text = await res.text()
            return { requestId, status: res.status, text, req }
          }),
        )
        const page = await ok(server.url, 'GET', `/v1/workspaces/default/events?since=${since}&limit=1000`, { key: OP })
        const logged = new Set(page.items.map((e: { requestId: string | null }) => e.requestId))
        for (const o of outcomes) {
          const what = `${o.req.method} ${o.req.path.slice(0, 200)} body=${(o.req.body ?? '').slice(0, 200)} → ${o.status} ${o.text.slice(0, 200)}`
          expect(o.status, what).toBeLessThan(500)
          if (o.status >= 400) {
            refusedInBursts++
            expect(logged.has(o.requestId), `a refused request left an event: ${what}`).toBe(false)
          }
        }
        // Every event of the burst belongs to one of its accepted requests.
        const accepted = new Set(outcomes.filter((o) => o.status < 400).map((o) => o.requestId))
        for (const id of logged) expect(accepted.has(id as string), `event with request id ${id}`).toBe(true)
      }),
      { numRuns: Math.max(20, Math.floor(RUNS / 3)), endOnFailure: true },
    )
    expect(refusedInBursts).toBeGreaterThan(0)
  }, 300_000)

  it('random methods on random paths', async () => {
    const segment = fc.oneof(
      fc.constantFrom(
        'v1',
        'workspaces',
        'default',
        'tables',
        'tasks',
        'rows',
        'docs',
        'events',
        'watch',
        'claim',
        'principals',
        'sections',
        'mcp',
        'openapi.json',
        'health',
      ),
      weirdString.filter((s) => s.length < 100).map(encodeURIComponent),
      fc.constantFrom(...JUNK_SEGMENTS),
    )
    const arb = fc.record({
      method: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'),
      segments: fc.array(segment, { minLength: 0, maxLength: 9 }),
      key: keyArb(),
      headers: headersArb,
      body: rawBody,
    })
    await fc.assert(
      fc.asyncProperty(arb, async ({ method, segments, key, headers, body }) => {
        const req: FuzzRequest = {
          method,
          path: '/' + segments.join('/'),
          key,
          headers,
          ...(body !== undefined ? { body } : {}),
        }
        check(req, await send(req))
      }),
      { numRuns: RUNS, endOnFailure: true },
    )
  }, 300_000)

  it('row writes with values of every wrong type and size', async () => {
    const writes = fc.record({
      route: fc.constantFrom('POST rows', 'PATCH row', 'POST transition', 'POST claim-next'),
      values: fc.dictionary(
        fc.oneof(fc.constantFrom('title', 'notes', 'n', 'status', 'blob', 'missing'), weirdString),
        weirdValue,
        { maxKeys: 5 },
      ),
      extra: fc.dictionary(
        fc.constantFrom(
          'expectedVersion',
          'fencingToken',
          'priority',
          'blockedBy',
          'requiredSkills',
          'contractVersion',
          'to',
          'leaseMs',
          'where',
        ),
        weirdValue,
        { maxKeys: 3 },
      ),
      key: keyArb(),
      table: fc.constantFrom('tasks', 'blobs'),
    })
    await fc.assert(
      fc.asyncProperty(writes, async ({ route, values, extra, key, table }) => {
        const rowsPath = `/v1/workspaces/default/tables/${table}`
        const path =
          route === 'POST rows'
            ? `${rowsPath}/rows`
            : route === 'POST claim-next'
              ? `${rowsPath}/claim-next`
              : `${rowsPath}/rows/${world.rowId}${route === 'POST transition' ? '/transition' : ''}`
        const body = route === 'POST claim-next' ? { where: values, ...extra } : { values, ...extra }
        const req: FuzzRequest = {
          method: route.startsWith('PATCH') ? 'PATCH' : 'POST',
          path,
          key,
          headers: { 'content-type': 'application/json' },
          body: toJsonText(body),
        }
        check(req, await send(req))
      }),
      { numRuns: RUNS, endOnFailure: true },
    )
  }, 300_000)

  it('contracts and docs with hostile shapes', async () => {
    const column = fc.record(
      {
        name: weirdString,
        type: fc.oneof(
          fc.constantFrom('text', 'number', 'integer', 'boolean', 'date', 'enum', 'principal', 'ref', 'json'),
          weirdString,
        ),
        required: weirdValue,
        default: weirdValue,
        values: weirdValue,
        table: weirdValue,
      },
      { requiredKeys: ['name', 'type'] },
    )
    const workflow = fc.record(
      {
        statuses: fc.oneof(fc.array(weirdString, { maxLength: 6 }), weirdValue),
        initial: weirdValue,
        done: weirdValue,
        statusColumn: weirdValue,
        claim: fc.oneof(
          fc.record(
            { from: weirdValue, to: weirdValue, leaseMs: weirdValue, maxAttempts: weirdValue, deadLetter: weirdValue },
            { requiredKeys: [] },
          ),
          weirdValue,
        ),
        transitions: fc.oneof(
          fc.array(
            fc.record({ from: weirdValue, to: weirdValue, by: weirdValue, require: weirdValue }, { requiredKeys: [] }),
            { maxLength: 4 },
          ),
          weirdValue,
        ),
      },
      { requiredKeys: ['statuses'] },
    )
    const arb = fc.oneof(
      fc
        .record({
          name: fc.oneof(weirdString, fc.stringMatching(/^[a-z][a-z0-9_]{0,20}$/)),
          columns: fc.array(column, { maxLength: 4 }),
          workflow,
        })
        .map((b) => ({ method: 'POST', path: '/v1/workspaces/default/tables', body: b })),
      fc
        .record(
          { columns: fc.array(column, { maxLength: 4 }), workflow, expectedVersion: weirdValue },
          { requiredKeys: ['workflow'] },
        )
        .map((b) => ({ method: 'PUT', path: '/v1/workspaces/default/tables/tasks/schema', body: b })),
      fc
        .record({
          title: weirdString,
          content: fc.oneof(
            weirdString,
            fc.string({ unit: 'grapheme', maxLength: 400 }).map((s) => `# ${s}\n\n## ${s}\n${s}`),
          ),
        })
        .map((b) => ({ method: 'POST', path: '/v1/workspaces/default/docs', body: b })),
      fc
        .record(
          {
            body: fc.oneof(weirdString, weirdValue),
            heading: weirdValue,
            expectedVersion: weirdValue,
            lane: weirdValue,
          },
          { requiredKeys: ['body'] },
        )
        .map((b) => ({
          method: 'PUT',
          path: `/v1/workspaces/default/docs/${world.docId}/sections/${world.section}`,
          body: b,
        })),
      fc
        .record({ content: fc.oneof(weirdString, weirdValue), expectedVersion: weirdValue }, { requiredKeys: [] })
        .map((b) => ({ method: 'PUT', path: `/v1/workspaces/default/docs/${world.docId}`, body: b })),
    )
    await fc.assert(
      fc.asyncProperty(arb, keyArb(), async (r, key) => {
        const req: FuzzRequest = {
          method: r.method,
          path: r.path,
          key,
          headers: { 'content-type': 'application/json' },
          body: toJsonText(r.body),
        }
        check(req, await send(req))
      }),
      { numRuns: RUNS, endOnFailure: true },
    )
  }, 300_000)

  it('MCP tools with hostile arguments: refusals carry a code, never internal, and change nothing', async () => {
    const mcp = async (
      key: string | null,
      body: unknown,
    ): Promise<{ status: number; body: any; revisionBefore: number; revisionAfter: number; text: string }> => {
      const revisionBefore = (await revision()).revision
      const res = await fetch(`${server.url}/mcp`, {
        method: 'POST',
        headers: {
          ...(key === null ? {} : { authorization: `Bearer ${key}` }),
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
        },
        body: toJsonText(body),
      })
      const text = await res.text()
      let parsed: any = null
      try {
        parsed = JSON.parse(text)
      } catch {
        parsed = null
      }
      const after = await revision()
      if (after.frozen) await ok(server.url, 'POST', '/v1/workspaces/default/unfreeze', { key: OP })
      return { status: res.status, body: parsed, revisionBefore, revisionAfter: after.revision, text }
    }
    const listed = await mcp(OP, { jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} })
    const tools = listed.body.result.tools as { name: string; inputSchema: { properties?: Record<string, unknown> } }[]
    expect(tools.length).toBeGreaterThan(5)
    const valid: Record<string, unknown> = {
      table: world.table,
      id: world.rowId,
      doc: world.docId,
      key: world.section,
      section: world.section,
      to: 'done',
      values: { title: 'x' },
    }
    const argValue = (name: string): fc.Arbitrary<unknown> =>
      fc.oneof({ weight: 6, arbitrary: fc.constant(valid[name] ?? 1) }, { weight: 1, arbitrary: weirdValue })
    const arb = fc.constantFrom(...tools).chain((tool) => {
      const props = Object.keys(tool.inputSchema.properties ?? {})
      const args =
        props.length === 0
          ? fc.constant({})
          : fc.record(Object.fromEntries(props.map((p) => [p, argValue(p)])), { requiredKeys: [] })
      return fc.record({
        tool: fc.constant(tool.name),
        args: fc.oneof({ weight: 5, arbitrary: args }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) }),
        key: keyArb(),
      })
    })
    let codes = 0
    let sdkValidation = 0
    await fc.assert(
      fc.asyncProperty(arb, async ({ tool, args, key }) => {
        // wait_for_events would hold the call for up to its `wait` (30 s by default).
        const safeArgs =
          tool === 'wait_for_events' && args !== null && typeof args === 'object' && !Array.isArray(args)
            ? { ...args, wait: 0 }
            : args
        const r = await mcp(key, {
          jsonrpc: '2.0',
          id: 7,
          method: 'tools/call',
          params: { name: tool, arguments: safeArgs },
        })
        const what = `${tool} ${toJsonText(safeArgs).slice(0, 300)} key=${key === OP ? 'op' : key === world.memberKey ? 'member' : key === null ? 'none' : 'junk'} → ${r.status} ${r.text.slice(0, 400)}`
        expect(r.status, what).toBeLessThan(500)
        if (r.status >= 400) {
          expect(typeof r.body?.code === 'string' || typeof r.body?.error?.code === 'number', what).toBe(true)
          expect(r.revisionAfter, what).toBe(r.revisionBefore)
          return
        }
        if (r.body?.error !== undefined) {
          // A JSON-RPC protocol error (bad params shape): nothing ran.
          expect(r.revisionAfter, what).toBe(r.revisionBefore)
          return
        }
        const result = r.body?.result
        expect(result, what).toBeDefined()
        if (result.isError === true) {
          // MCP tool replies are one compact JSON text block (docs/mcp.md): the refusal is {"error":{code,…}} there.
          const code = JSON.parse(result.content?.[0]?.text ?? '{}')?.error?.code
          // Every refusal carries a Dock code, the SDK's own argument validation included.
          expect(typeof code, what).toBe('string')
          expect(code, what).not.toBe('internal')
          codes++
          if (code === 'invalid_input' && /-32602/.test(result.content?.[0]?.text ?? '')) sdkValidation++
          expect(r.revisionAfter, `refused tool call changed the workspace: ${what}`).toBe(r.revisionBefore)
        }
      }),
      { numRuns: RUNS, endOnFailure: true },
    )
    console.info(
      `mcp fuzz: ${codes} refusals, all with a Dock code (${sdkValidation} of them from the SDK argument validation, as invalid_input)`,
    )
  }, 300_000)

  it('deep nesting is refused at the edge, not by a stack overflow', async () => {
    for (const depth of [5, 120, 200, 5_000, 100_000]) {
      for (const kind of ['array', 'object'] as const) {
        for (const path of [
          '/v1/workspaces/default/tables/blobs/rows',
          `/v1/workspaces/default/tables/blobs/rows/${world.rowId}`,
          '/mcp',
        ]) {
          const req: FuzzRequest = {
            method: 'POST',
            path,
            key: OP,
            headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
            body: deepText(depth, kind),
          }
          const o = await send(req)
          check(req, o)
          if (depth > 128) expect(o.status, `${path} depth ${depth}`).toBe(400)
        }
      }
    }
  })

  it('the hash chain still verifies after the whole fuzz', async () => {
    const audit = await ok(server.url, 'GET', '/v1/workspaces/default/audit/verify', { key: OP })
    expect(audit).toMatchObject({ ok: true, firstBreak: null })
  })
})
