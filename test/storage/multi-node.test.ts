/**
 * Two Dock nodes on one PostgreSQL schema, the way a multi-node deployment
 * runs: claims through both nodes hand each row out once, and a watcher on one
 * node sees every revision written through the other, in order, gap-free.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { startDockServer, type DockServer } from '../../src/http/serve.js'
import { SKIP_REASON, TEST_DATABASE_URL, TestSchemas } from '../helpers/postgres-test-db.js'

const OPERATOR = 'multi-node-operator-token'
const ROWS = 500
const CLAIMERS = 32
/** Rows then moved to done through node A alone. */
const TRANSITIONS = 100

interface Reply {
  readonly status: number
  readonly body: any
}

async function call(base: string, token: string, method: string, path: string, body?: unknown): Promise<Reply> {
  const res = await fetch(`${base}/v1${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  const text = await res.text()
  return { status: res.status, body: text === '' ? null : JSON.parse(text) }
}

async function ok(base: string, token: string, method: string, path: string, body?: unknown): Promise<any> {
  const reply = await call(base, token, method, path, body)
  if (reply.status >= 300) throw new Error(`${method} ${path} → ${reply.status} ${JSON.stringify(reply.body)}`)
  return reply.body
}

/** Runs `fn` over `items` with at most `n` in flight. */
async function pool<T>(items: readonly T[], n: number, fn: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < items.length) {
        const i = next++
        await fn(items[i]!, i)
      }
    }),
  )
}

/** Follows `GET …/watch` and records every event's revision, in arrival order. */
function sseWatcher(
  base: string,
  token: string,
  since: number,
): { revisions: number[]; types: string[]; stop(): void; done: Promise<void> } {
  const revisions: number[] = []
  const types: string[] = []
  const abort = new AbortController()
  const done = (async () => {
    const res = await fetch(`${base}/v1/workspaces/default/watch?since=${since}`, {
      headers: { authorization: `Bearer ${token}` },
      signal: abort.signal,
    })
    if (res.status !== 200 || res.body === null) throw new Error(`watch answered ${res.status}`)
    const decoder = new TextDecoder()
    let buffer = ''
    const reader = res.body.getReader()
    for (;;) {
      const { value, done: ended } = await reader.read()
      if (ended) return
      buffer += decoder.decode(value, { stream: true })
      let cut: number
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, cut)
        buffer = buffer.slice(cut + 2)
        const data = block
          .split('\n')
          .filter((l) => l.startsWith('data:'))
          .map((l) => l.slice(5).replace(/^ /, ''))
          .join('\n')
        if (data === '') continue
        const event = JSON.parse(data) as { revision: number; type: string }
        revisions.push(event.revision)
        types.push(event.type)
      }
    }
  })().catch((err: unknown) => {
    if (!abort.signal.aborted) throw err
  })
  return { revisions, types, stop: () => abort.abort(), done }
}

/** Follows the long-poll form (`events?wait=`), the way simple clients watch. */
function longPollWatcher(
  base: string,
  token: string,
  since: number,
): { revisions: number[]; stop(): void; done: Promise<void> } {
  const revisions: number[] = []
  let stopped = false
  const done = (async () => {
    let cursor = since
    while (!stopped) {
      const page = await ok(base, token, 'GET', `/workspaces/default/events?since=${cursor}&limit=1000&wait=1`)
      for (const e of page.items as { revision: number }[]) revisions.push(e.revision)
      cursor = page.nextSince
    }
  })()
  return {
    revisions,
    stop: () => {
      stopped = true
    },
    done,
  }
}

async function waitFor(check: () => boolean, timeoutMs: number, what: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what()}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i)

if (TEST_DATABASE_URL === '') {
  describe.skip(`Multi-node deployment on PostgreSQL (${SKIP_REASON})`, () => {
    it('two nodes share one database', () => undefined)
  })
} else {
  describe('Multi-node deployment: two Dock nodes on one PostgreSQL schema', () => {
    const schemas = new TestSchemas('nodes')
    let a: DockServer
    let b: DockServer
    /** Open watchers, stopped before the servers close even when a test fails midway. */
    const watchers: { stop(): void; done: Promise<void> }[] = []

    beforeAll(async () => {
      const databaseUrl = schemas.url(schemas.next())
      // Started together on an empty schema: migrations and bootstrap must not trip over each other.
      ;[a, b] = await Promise.all([
        startDockServer({
          databaseUrl,
          host: '127.0.0.1',
          port: 0,
          operatorToken: OPERATOR,
          webRoot: null,
          logger: false,
        }),
        startDockServer({
          databaseUrl,
          host: '127.0.0.1',
          port: 0,
          operatorToken: OPERATOR,
          webRoot: null,
          logger: false,
        }),
      ])
    })

    afterAll(async () => {
      for (const w of watchers) w.stop()
      await Promise.allSettled(watchers.map((w) => w.done))
      await Promise.all([a?.close(), b?.close()])
      await schemas.dropAll()
    })

    it('both nodes serve one workspace bootstrapped once', async () => {
      const health = await (await fetch(`${b.url}/v1/health`)).json()
      expect(health).toMatchObject({ ok: true, storage: 'postgres' })
      const wa = await ok(a.url, OPERATOR, 'GET', '/workspaces/default')
      const wb = await ok(b.url, OPERATOR, 'GET', '/workspaces/default')
      expect(wb.id).toBe(wa.id)
      const principals = await ok(b.url, OPERATOR, 'GET', '/workspaces/default/principals')
      expect(principals.items.filter((p: { roles: string[] }) => p.roles.includes('operator'))).toHaveLength(1)
    })

    it(`${CLAIMERS} claimers split across the nodes claim each of ${ROWS} rows exactly once; a watcher on B sees every revision written through A, in order`, async () => {
      const sse = sseWatcher(b.url, OPERATOR, 0)
      const poll = longPollWatcher(b.url, OPERATOR, 0)
      watchers.push(sse, poll)

      await ok(a.url, OPERATOR, 'POST', '/workspaces/default/tables', {
        name: 'tasks',
        columns: [{ name: 'title', type: 'text', required: true }],
        workflow: {
          statuses: ['todo', 'in_progress', 'done', 'failed'],
          initial: 'todo',
          done: ['done'],
          claim: { from: ['todo'], to: 'in_progress', leaseMs: 120_000, maxAttempts: 3, deadLetter: 'failed' },
          transitions: [{ from: 'in_progress', to: 'done', by: ['owner'] }],
        },
      })
      const rowIds = new Set<string>()
      await pool(range(1, ROWS), 8, async (n) => {
        const row = await ok(a.url, OPERATOR, 'POST', '/workspaces/default/tables/tasks/rows', {
          values: { title: `task ${n}` },
        })
        rowIds.add(row.id)
      })
      const claimers: { key: string; node: DockServer }[] = []
      await pool(range(1, CLAIMERS), 4, async (n) => {
        const node = n % 2 === 0 ? a : b
        const { key } = await ok(node.url, OPERATOR, 'POST', '/workspaces/default/principals', {
          name: `claimer-${n}`,
          kind: 'agent',
        })
        claimers.push({ key, node })
      })

      const claims: { row: string; token: number; key: string; node: 'A' | 'B' }[] = []
      await Promise.all(
        claimers.map(async ({ key, node }) => {
          for (;;) {
            const reply = await call(node.url, key, 'POST', '/workspaces/default/tables/tasks/claim-next', {})
            if (reply.status === 204) return
            if (reply.status !== 200) throw new Error(`claim-next → ${reply.status} ${JSON.stringify(reply.body)}`)
            claims.push({ row: reply.body.row.id, token: reply.body.lease.token, key, node: node === a ? 'A' : 'B' })
          }
        }),
      )
      expect(claims).toHaveLength(ROWS)
      expect(new Set(claims.map((c) => c.row))).toEqual(rowIds)
      expect(new Set(claims.map((c) => c.token)).size).toBe(ROWS)
      expect(claims.some((c) => c.node === 'A') && claims.some((c) => c.node === 'B')).toBe(true)

      // Then writes through A only: B's SSE stream can only learn of them through LISTEN/NOTIFY
      // (its own wake-up without a hint is the 10 s heartbeat, beyond the deadline below).
      const fromA: number[] = []
      await pool(claims.slice(0, TRANSITIONS), 8, async (c) => {
        const row = await ok(a.url, c.key, 'POST', `/workspaces/default/tables/tasks/rows/${c.row}/transition`, {
          to: 'done',
          fencingToken: c.token,
        })
        fromA.push(row.revision)
      })
      const head = (await ok(a.url, OPERATOR, 'GET', '/workspaces/default')).revision as number
      const started = Date.now()
      await waitFor(
        () => sse.revisions.length >= head && poll.revisions.length >= head,
        6_000,
        () =>
          `watchers on B to reach revision ${head} (SSE at ${sse.revisions.at(-1)}, long-poll at ${poll.revisions.at(-1)})`,
      )
      const lag = Date.now() - started
      sse.stop()
      poll.stop()
      await Promise.all([sse.done, poll.done])

      expect(sse.revisions).toEqual(range(1, head))
      expect(poll.revisions).toEqual(range(1, head))
      expect(sse.types.filter((t) => t === 'row.claimed')).toHaveLength(ROWS)
      const seen = new Set(sse.revisions)
      expect(fromA.every((r) => seen.has(r))).toBe(true)
      expect(lag).toBeLessThan(6_000)

      const audit = await ok(b.url, OPERATOR, 'GET', '/workspaces/default/audit/verify')
      expect(audit).toMatchObject({ ok: true, checked: head, headRevision: head })
      const done = await ok(b.url, OPERATOR, 'GET', '/workspaces/default/tables/tasks/rows?status=done&limit=500')
      expect(done.items).toHaveLength(TRANSITIONS)
    })

    it('suspending a principal through node A ends its open stream on node B and refuses it there', async () => {
      const { key, principal } = await ok(a.url, OPERATOR, 'POST', '/workspaces/default/principals', {
        name: 'watcher-to-suspend',
        kind: 'agent',
      })
      const stream = sseWatcher(b.url, key, 0)
      watchers.push(stream)
      await waitFor(
        () => stream.revisions.length > 0,
        5_000,
        () => 'the stream on B to open',
      )
      await ok(a.url, OPERATOR, 'POST', `/workspaces/default/principals/${principal.id}/suspend`)
      const ended = await Promise.race([
        stream.done.then(() => true),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 5_000)),
      ])
      expect(ended).toBe(true)
      const refused = await call(b.url, key, 'GET', '/workspaces/default')
      expect(refused.status).toBe(403)
      expect(refused.body.code).toBe('principal_suspended')
    })
  })
}
