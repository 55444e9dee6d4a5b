/**
 * Promises 1–5 under random sequences: agents claim, heartbeat, release,
 * transition and patch a few rows with fresh, stale, foreign or made-up
 * fencing tokens and versions, with leases short enough to lapse mid-sequence.
 * After every call: a refusal changed nothing; a success appended events that
 * all carry this request's id and end with the caller's own; claim tokens only
 * grow per row; a token older than one already issued never gets a write in.
 */
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { call, ok } from './http.js'
import { OPERATOR_KEY, startTestServer, tasksTable, type TestServer } from '../helpers/test-world.js'

const OP = OPERATOR_KEY
const RUNS = Number(process.env['DOCK_MODEL_RUNS'] ?? 120)

type Op =
  | { kind: 'claim'; agent: number; row: number; leaseMs: number }
  | { kind: 'claim-next'; agent: number; leaseMs: number }
  | { kind: 'heartbeat'; agent: number; row: number; token: TokenPick; leaseMs: number }
  | { kind: 'release'; agent: number; row: number; token: TokenPick }
  | { kind: 'transition'; agent: number; row: number; to: string; token: TokenPick | null; version: VersionPick | null }
  | { kind: 'patch'; agent: number; row: number; token: TokenPick | null; version: VersionPick | null; n: number }

/** Which fencing token to send: the agent's latest for the row, an older one, or one never issued. */
type TokenPick = 'mine' | 'stale' | 'future' | 'zero'
type VersionPick = 'current' | 'old' | 'future'

const AGENTS = 3
const ROWS = 3
const STATUSES = ['todo', 'in_progress', 'ready_for_review', 'done', 'failed']

const tokenArb = fc.constantFrom<TokenPick>('mine', 'mine', 'mine', 'stale', 'future', 'zero')
const versionArb = fc.constantFrom<VersionPick>('current', 'current', 'old', 'future')
const leaseArb = fc.constantFrom(1, 25, 60_000, 60_000)
const agentArb = fc.integer({ min: 0, max: AGENTS - 1 })
const rowArb = fc.integer({ min: 0, max: ROWS - 1 })

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('claim' as const), agent: agentArb, row: rowArb, leaseMs: leaseArb }),
  fc.record({ kind: fc.constant('claim-next' as const), agent: agentArb, leaseMs: leaseArb }),
  fc.record({
    kind: fc.constant('heartbeat' as const),
    agent: agentArb,
    row: rowArb,
    token: tokenArb,
    leaseMs: leaseArb,
  }),
  fc.record({ kind: fc.constant('release' as const), agent: agentArb, row: rowArb, token: tokenArb }),
  fc.record({
    kind: fc.constant('transition' as const),
    agent: agentArb,
    row: rowArb,
    to: fc.constantFrom(...STATUSES),
    token: fc.option(tokenArb, { nil: null }),
    version: fc.option(versionArb, { nil: null }),
  }),
  fc.record({
    kind: fc.constant('patch' as const),
    agent: agentArb,
    row: rowArb,
    token: fc.option(tokenArb, { nil: null }),
    version: fc.option(versionArb, { nil: null }),
    n: fc.integer({ min: 0, max: 1000 }),
  }),
)

describe('claims, leases and fencing under random operation sequences', () => {
  let server: TestServer
  let base = ''
  const agents: { id: string; key: string }[] = []
  let tableSeq = 0
  let calls = 0
  let successes = 0
  let fenced = 0
  let expiredSettled = 0

  beforeAll(async () => {
    // No sweeper: every lease expiry then happens inside a request and is checked with it.
    server = await startTestServer({ sweepIntervalMs: 3_600_000 })
    base = server.url
    for (let i = 0; i < AGENTS; i++) {
      const roles = i === AGENTS - 1 ? ['member', 'reviewer'] : ['member']
      const r = await ok(base, 'POST', '/v1/workspaces/default/principals', {
        key: OP,
        body: { name: `agent-${i}`, kind: 'agent', roles },
      })
      agents.push({ id: r.principal.id, key: r.key })
    }
  })

  afterAll(async () => {
    console.info(
      `claims model: ${calls} calls, ${successes} accepted, ${fenced} refused as stale_fencing_token, ${expiredSettled} lapsed leases settled inside a request`,
    )
    expect(fenced).toBeGreaterThan(0)
    await server?.close()
  })

  it('keeps one owner, growing tokens, fenced late writes and one event per change', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 8, maxLength: 40, size: 'max' }), async (ops) => {
        const table = `m${++tableSeq}`
        await ok(base, 'POST', '/v1/workspaces/default/tables', {
          key: OP,
          body: tasksTable({ name: table, maxAttempts: 100 }),
        })
        const rowIds: string[] = []
        for (let i = 0; i < ROWS; i++)
          rowIds.push(
            (
              await ok(base, 'POST', `/v1/workspaces/default/tables/${table}/rows`, {
                key: OP,
                body: { values: { title: `row ${i}` } },
              })
            ).id,
          )
        const rowPath = (r: number): string => `/v1/workspaces/default/tables/${table}/rows/${rowIds[r]}`
        /** Every token a claim on the row has returned, ascending. */
        const issued: number[][] = rowIds.map(() => [])
        /** The latest token each agent got for each row. */
        const mine: (number | undefined)[][] = rowIds.map(() => Array.from({ length: AGENTS }, () => undefined))

        for (const [step, op] of ops.entries()) {
          const agent = agents[op.agent]!
          const rowIndex = op.kind === 'claim-next' ? null : op.row
          const before = rowIndex === null ? null : await ok(base, 'GET', rowPath(rowIndex), { key: OP })
          const pickToken = (pick: TokenPick, r: number): number => {
            const all = issued[r]!
            if (pick === 'mine') return mine[r]![op.agent] ?? all[all.length - 1] ?? 0
            if (pick === 'stale') return all.length >= 2 ? all[all.length - 2]! : Math.max(0, (all[0] ?? 1) - 1)
            if (pick === 'future') return (all[all.length - 1] ?? 0) + 1_000_000
            return 0
          }
          const pickVersion = (pick: VersionPick): number =>
            pick === 'current' ? before.version : pick === 'old' ? Math.max(0, before.version - 1) : before.version + 5
          let method = 'POST'
          let path = ''
          let body: Record<string, unknown> = {}
          let sentToken: number | undefined
          switch (op.kind) {
            case 'claim':
              path = `${rowPath(op.row)}/claim`
              body = { leaseMs: op.leaseMs }
              break
            case 'claim-next':
              path = `/v1/workspaces/default/tables/${table}/claim-next`
              body = { leaseMs: op.leaseMs }
              break
            case 'heartbeat':
              sentToken = pickToken(op.token, op.row)
              path = `${rowPath(op.row)}/heartbeat`
              body = { fencingToken: sentToken, leaseMs: op.leaseMs }
              break
            case 'release':
              sentToken = pickToken(op.token, op.row)
              path = `${rowPath(op.row)}/release`
              body = { fencingToken: sentToken }
              break
            case 'transition':
              path = `${rowPath(op.row)}/transition`
              body = { to: op.to }
              if (op.token !== null) body['fencingToken'] = sentToken = pickToken(op.token, op.row)
              if (op.version !== null) body['expectedVersion'] = pickVersion(op.version)
              break
            case 'patch':
              method = 'PATCH'
              path = rowPath(op.row)
              body = { values: { n: op.n } }
              if (op.token !== null) body['fencingToken'] = sentToken = pickToken(op.token, op.row)
              if (op.version !== null) body['expectedVersion'] = pickVersion(op.version)
              break
          }
          const requestId = `model-${tableSeq}-${step}`
          const revBefore = (await ok(base, 'GET', '/v1/workspaces/default', { key: OP })).revision
          const r = await call(base, method, path, { key: agent.key, body, headers: { 'x-request-id': requestId } })
          calls++
          const what = `step ${step} ${JSON.stringify(op)} sent ${JSON.stringify(body)} → ${r.status} ${r.text.slice(0, 300)}`
          expect(r.status, what).toBeLessThan(500)
          const revAfter = (await ok(base, 'GET', '/v1/workspaces/default', { key: OP })).revision

          if (r.body?.code === 'stale_fencing_token') fenced++
          if (r.status >= 400 || r.status === 204) {
            expect(r.status === 204 || r.contentType.startsWith('application/problem+json'), what).toBe(true)
            // A refusal (or an empty claim-next) leaves nothing behind — not even a settled lease expiry.
            expect(revAfter, `refusal changed the workspace: ${what}`).toBe(revBefore)
            continue
          }
          successes++
          expect(revAfter, what).toBeGreaterThan(revBefore)
          // Every event the call appended is its own, and the last one is the caller's change.
          const page = await ok(base, 'GET', `/v1/workspaces/default/events?since=${revBefore}&limit=1000`, { key: OP })
          expect(
            page.items.map((e: { revision: number }) => e.revision),
            what,
          ).toEqual(Array.from({ length: revAfter - revBefore }, (_, i) => revBefore + 1 + i))
          for (const e of page.items) expect(e.requestId, what).toBe(requestId)
          expiredSettled += page.items.filter((e: { type: string }) => e.type === 'row.lease_expired').length
          const last = page.items[page.items.length - 1]
          expect(last.actor, what).toBe(agent.id)

          // Fencing: a write carrying a token older than one already issued for the row never succeeds.
          if (sentToken !== undefined && rowIndex !== null) {
            const newest = issued[rowIndex]![issued[rowIndex]!.length - 1]
            if (newest !== undefined) expect(sentToken, `stale token accepted: ${what}`).toBeGreaterThanOrEqual(newest)
          }
          if (op.kind === 'claim' || op.kind === 'claim-next') {
            const claimed = r.body.row
            const idx = rowIds.indexOf(claimed.id)
            expect(idx, what).toBeGreaterThanOrEqual(0)
            const prior = issued[idx]!
            // One owner and a token larger than any before it for that row.
            if (prior.length > 0) expect(r.body.lease.token, what).toBeGreaterThan(prior[prior.length - 1]!)
            expect(claimed, what).toMatchObject({
              owner: agent.id,
              status: 'in_progress',
              fencingToken: r.body.lease.token,
            })
            prior.push(r.body.lease.token)
            mine[idx]![op.agent] = r.body.lease.token
          }
          if (rowIndex !== null && before !== null) {
            const after = await ok(base, 'GET', rowPath(rowIndex), { key: OP })
            // A heartbeat only extends the lease: the row's content, and so its version, stay.
            if (op.kind === 'heartbeat') expect(after.version, what).toBe(before.version)
            else expect(after.version, what).toBeGreaterThan(before.version)
            expect(after.fencingToken, what).toBeGreaterThanOrEqual(before.fencingToken)
            if (after.owner !== null) expect(after.status, what).toBe('in_progress')
          }
        }
        const audit = await ok(base, 'GET', '/v1/workspaces/default/audit/verify', { key: OP })
        expect(audit.ok).toBe(true)
      }),
      { numRuns: RUNS, endOnFailure: true },
    )
  }, 240_000)
})
