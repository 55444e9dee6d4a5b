import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { createAgent, startTestServer, tasksTable, type TestServer } from '../helpers/test-world.js'

const W = '/v1/workspaces/default'
const T = `${W}/tables/tasks`

async function until<T>(fn: () => Promise<T | null | undefined | false>, ms = 10_000): Promise<T> {
  const end = Date.now() + ms
  for (;;) {
    const v = await fn()
    if (v) return v
    if (Date.now() > end) throw new Error('condition not met in time')
    await new Promise((r) => setTimeout(r, 50))
  }
}

describe('console routes: notes, requeue, row filter, stats, metrics', () => {
  let server: TestServer
  let agent: Awaited<ReturnType<typeof createAgent>>
  let reviewer: Awaited<ReturnType<typeof createAgent>>

  beforeAll(async () => {
    server = await startTestServer({ sweepIntervalMs: 50 })
    expect((await server.op('POST', `${W}/tables`, tasksTable())).status).toBe(201)
    expect((await server.op('POST', `${W}/tables`, tasksTable({ name: 'fragile', maxAttempts: 1 }))).status).toBe(201)
    agent = await createAgent(server, 'worker-4', { roles: ['member'] })
    reviewer = await createAgent(server, 'rev', { roles: ['reviewer'], kind: 'human' })
  })
  afterAll(() => server.close())

  it('a note is an attributed event: it advances the revision, not the row version, and reads back in order', async () => {
    const row = (await server.op('POST', `${T}/rows`, { values: { title: 'noted' } })).body
    const before = (await server.op('GET', W)).body.revision
    const added = await reviewer.api('POST', `${T}/rows/${row.id}/notes`, { text: '  needs a test  ' })
    expect(added.status).toBe(201)
    expect(added.body).toMatchObject({ actor: reviewer.id, text: 'needs a test', rowId: row.id, revision: before + 1 })
    await agent.api('POST', `${T}/rows/${row.id}/notes`, { text: 'on it' })

    const after = (await server.op('GET', `${T}/rows/${row.id}`)).body
    expect(after.version).toBe(row.version)
    const notes = await server.op('GET', `${T}/rows/${row.id}/notes`)
    expect(notes.status).toBe(200)
    expect(notes.body.items.map((n: { text: string; actor: string }) => [n.actor, n.text])).toEqual([
      [reviewer.id, 'needs a test'],
      [agent.id, 'on it'],
    ])
    const log = await server.op('GET', `${W}/events?since=${before}&type=row.note_added`)
    expect(log.body.items).toHaveLength(2)
    expect(log.body.items[0]).toMatchObject({
      actor: reviewer.id,
      target: { kind: 'row', id: row.id, table: 'tasks' },
      after: { text: 'needs a test' },
    })
  })

  it('refuses empty, oversized and misplaced notes with stable codes, changing nothing', async () => {
    const row = (await server.op('POST', `${T}/rows`, { values: { title: 'quiet' } })).body
    const rev = (await server.op('GET', W)).body.revision
    expect((await server.op('POST', `${T}/rows/${row.id}/notes`, { text: '   ' })).body.code).toBe('invalid_input')
    expect((await server.op('POST', `${T}/rows/${row.id}/notes`, { text: 'x'.repeat(4001) })).body.code).toBe(
      'invalid_input',
    )
    expect((await server.op('POST', `${T}/rows/${row.id}/notes`, { text: 'x', extra: 1 })).body.code).toBe(
      'invalid_input',
    )
    const missing = await server.op('POST', `${T}/rows/r_nope/notes`, { text: 'x' })
    expect([missing.status, missing.body.code]).toEqual([404, 'not_found'])
    expect((await server.op('GET', `${W}/tables/fragile/rows/${row.id}/notes`)).status).toBe(404)
    expect((await server.op('GET', W)).body.revision).toBe(rev)
  })

  it('filters the log and the watch by row', async () => {
    const a = (await server.op('POST', `${T}/rows`, { values: { title: 'a' } })).body
    const b = (await server.op('POST', `${T}/rows`, { values: { title: 'b' } })).body
    await server.op('PATCH', `${T}/rows/${a.id}`, { values: { area: 'x' } })
    await server.op('PATCH', `${T}/rows/${b.id}`, { values: { area: 'y' } })
    await server.op('POST', `${T}/rows/${a.id}/notes`, { text: 'hi' })
    const onlyA = await server.op('GET', `${W}/events?row=${a.id}`)
    expect(onlyA.body.items.map((e: { type: string }) => e.type)).toEqual([
      'row.created',
      'row.updated',
      'row.note_added',
    ])
    expect(onlyA.body.items.every((e: { target: { id: string } }) => e.target.id === a.id)).toBe(true)
    const both = await server.op('GET', `${W}/events?row=${a.id},${b.id}&type=row.updated`)
    expect(both.body.items.map((e: { target: { id: string } }) => e.target.id)).toEqual([a.id, b.id])

    const ac = new AbortController()
    const res = await fetch(`${server.url}${W}/watch?since=0&row=${b.id}`, {
      headers: { authorization: 'Bearer op-test-key' },
      signal: ac.signal,
    })
    const reader = res.body!.getReader()
    let text = ''
    while ((text.match(/^id: /gm) ?? []).length < 2) text += new TextDecoder().decode((await reader.read()).value)
    ac.abort()
    const ids = [...text.matchAll(/"target":\{"kind":"row","id":"([^"]+)"/g)].map((m) => m[1])
    expect(new Set(ids)).toEqual(new Set([b.id]))
  })

  it('requeue: operator only, dead letters only, back to claimable with attempts reset, logged', async () => {
    const row = (await server.op('POST', `${W}/tables/fragile/rows`, { values: { title: 'flaky' } })).body
    await agent.api('POST', `${W}/tables/fragile/rows/${row.id}/claim`, { leaseMs: 50 })
    const dead = await until(async () => {
      const r = (await server.op('GET', `${W}/tables/fragile/rows/${row.id}`)).body
      return r.status === 'failed' ? r : null
    })
    expect(dead.attempts).toBe(1)

    const byAgent = await agent.api('POST', `${W}/tables/fragile/rows/${row.id}/requeue`, {})
    expect([byAgent.status, byAgent.body.code]).toEqual([403, 'forbidden'])
    const stale = await server.op('POST', `${W}/tables/fragile/rows/${row.id}/requeue`, {
      expectedVersion: dead.version - 1,
    })
    expect([stale.status, stale.body.code]).toEqual([409, 'version_conflict'])

    const ok = await server.op('POST', `${W}/tables/fragile/rows/${row.id}/requeue`, { expectedVersion: dead.version })
    expect(ok.status).toBe(200)
    expect(ok.body).toMatchObject({ status: 'todo', attempts: 0, owner: null, version: dead.version + 1 })
    const log = await server.op('GET', `${W}/events?row=${row.id}&type=row.requeued`)
    expect(log.body.items).toHaveLength(1)
    expect(log.body.items[0]).toMatchObject({ before: { status: 'failed' }, after: { status: 'todo', attempts: 0 } })

    const again = await server.op('POST', `${W}/tables/fragile/rows/${row.id}/requeue`, {})
    expect([again.status, again.body.code]).toEqual([409, 'transition_not_allowed'])
    expect((await agent.api('POST', `${W}/tables/fragile/claim-next`, {})).body.row.id).toBe(row.id)
  })

  it('stats: review backlog with age, leases expiring soon, dead letters, principal states, done per hour', async () => {
    const done = (await server.op('POST', `${T}/rows`, { values: { title: 'to review' } })).body
    const claim = (await agent.api('POST', `${T}/rows/${done.id}/claim`, {})).body
    await agent.api('POST', `${T}/rows/${done.id}/transition`, {
      to: 'ready_for_review',
      fencingToken: claim.lease.token,
    })
    const waiting = (await server.op('POST', `${T}/rows`, { values: { title: 'waits' } })).body
    const c2 = (await agent.api('POST', `${T}/rows/${waiting.id}/claim`, {})).body
    await agent.api('POST', `${T}/rows/${waiting.id}/transition`, {
      to: 'ready_for_review',
      fencingToken: c2.lease.token,
    })
    expect((await reviewer.api('POST', `${T}/rows/${done.id}/transition`, { to: 'done' })).status).toBe(200)
    const held = (await server.op('POST', `${T}/rows`, { values: { title: 'held' } })).body
    await agent.api('POST', `${T}/rows/${held.id}/claim`, { leaseMs: 30_000 })

    const s = await reviewer.api('GET', `${W}/stats`)
    expect(s.status).toBe(200)
    expect(s.body.review.waiting).toBe(1)
    expect(s.body.review.rows[0]).toMatchObject({ id: waiting.id, title: 'waits', status: 'ready_for_review' })
    expect(s.body.review.oldestAgeMs).toBeGreaterThanOrEqual(0)
    expect(s.body.leasesExpiringSoon.rows.map((r: { id: string }) => r.id)).toContain(held.id)
    expect(s.body.deadLetters.total).toBe(0)
    const tasks = s.body.tables.find((t: { table: string }) => t.table === 'tasks')
    expect(tasks.reviewStatuses).toEqual(['ready_for_review'])
    expect(tasks.byStatus.done).toBe(1)
    const me = s.body.agents.find((a: { name: string }) => a.name === 'worker-4')
    expect(me).toMatchObject({ state: 'working', openClaims: 2, doneLastHour: 1 })
    expect(me.leaseExpiries).toBe(1)
    expect(s.body.agents.find((a: { name: string }) => a.name === 'rev').state).toBe('idle')
    expect(s.body.window.toRevision).toBe(s.body.revision)
  })

  it('metrics: Prometheus text for an operator key; 401 without a key, 403 for others', async () => {
    const anon = await fetch(`${server.url}/metrics`)
    expect(anon.status).toBe(401)
    expect((await anon.json()).code).toBe('unauthorized')
    const member = await agent.api('GET', '/metrics')
    expect([member.status, member.body.code]).toEqual([403, 'forbidden'])
    const res = await server.op('GET', '/metrics')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
    const text = res.body as string
    expect(text).toContain('# TYPE dock_rows gauge')
    expect(text).toMatch(/^dock_rows\{table="tasks",status="done"\} 1$/m)
    expect(text).toMatch(/^dock_review_waiting 1$/m)
    expect(text).toMatch(/^dock_tasks_done_last_hour\{principal="worker-4"\} 1$/m)
    expect(text).toMatch(/^dock_principals\{state="working"\} 1$/m)
    // Every sample line is `name{labels} number`.
    for (const line of text
      .trim()
      .split('\n')
      .filter((l) => !l.startsWith('#')))
      expect(line).toMatch(/^[a-z_]+(\{[^}]*\})? -?[0-9.e+]+$/)
  })

  it('compresses JSON when the client accepts it', async () => {
    for (let i = 0; i < 20; i++) await server.op('POST', `${T}/rows`, { values: { title: `bulk ${i}` } })
    const res = await fetch(`${server.url}${T}/rows?limit=100`, {
      headers: { authorization: 'Bearer op-test-key', 'accept-encoding': 'gzip' },
    })
    expect(res.headers.get('content-encoding')).toBe('gzip')
    expect((await res.json()).items.length).toBeGreaterThan(20)
  })
})
