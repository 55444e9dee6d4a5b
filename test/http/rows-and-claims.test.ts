import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { createAgent, revisionOf, startTestServer, tasksTable, type TestServer } from '../helpers/test-world.js'

const T = '/v1/workspaces/default/tables/tasks'

describe('rows, claims, leases and fencing over HTTP', () => {
  let server: TestServer

  beforeAll(async () => {
    server = await startTestServer({ sweepIntervalMs: 100 })
    const res = await server.op('POST', '/v1/workspaces/default/tables', tasksTable())
    expect(res.status).toBe(201)
  })
  afterAll(() => server.close())

  it('loses no update: 16 clients increment one counter with preconditions and retries', async () => {
    const row = await server.op('POST', `${T}/rows`, { values: { title: 'counter', count: 0 } })
    const clients = await Promise.all(Array.from({ length: 16 }, (_, i) => createAgent(server, `inc-${i}`)))
    const perClient = 10
    let conflicts = 0
    await Promise.all(
      clients.map(async ({ api }) => {
        for (let done = 0; done < perClient;) {
          const cur = await api('GET', `${T}/rows/${row.body.id}`)
          const res = await api('PATCH', `${T}/rows/${row.body.id}`, {
            values: { count: cur.body.values.count + 1 },
            expectedVersion: cur.body.version,
          })
          if (res.status === 200) done++
          else {
            expect(res.status).toBe(409)
            expect(res.body.code).toBe('version_conflict')
            expect(res.body.details.current.id).toBe(row.body.id)
            conflicts++
          }
        }
      }),
    )
    const final = await server.op('GET', `${T}/rows/${row.body.id}`)
    expect(final.body.values.count).toBe(16 * perClient)
    expect(final.body.version).toBe(1 + 16 * perClient)
    expect(conflicts).toBeGreaterThan(0)
  })

  it('If-Match mismatch is 412 with the current record; ETag is the version', async () => {
    const row = await server.op('POST', `${T}/rows`, { values: { title: 'etag' } })
    const got = await server.op('GET', `${T}/rows/${row.body.id}`)
    expect(got.headers.get('etag')).toBe('"1"')
    const stale = await server.op('PATCH', `${T}/rows/${row.body.id}`, { values: { area: 'x' } }, { 'if-match': '"7"' })
    expect(stale.status).toBe(412)
    expect(stale.body.code).toBe('precondition_failed')
    expect(stale.body.details.current.version).toBe(1)
    const ok = await server.op('PATCH', `${T}/rows/${row.body.id}`, { values: { area: 'x' } }, { 'if-match': '"1"' })
    expect(ok.status).toBe(200)
    expect(ok.headers.get('etag')).toBe('"2"')
  })

  it('hands each row to exactly one of 32 concurrent claimers over 500 rows', async () => {
    await server.op('POST', '/v1/workspaces/default/tables', tasksTable({ name: 'bulk' }))
    for (let i = 0; i < 500; i++)
      await server.op('POST', '/v1/workspaces/default/tables/bulk/rows', { values: { title: `t${i}` } })
    const claimers = await Promise.all(Array.from({ length: 32 }, (_, i) => createAgent(server, `claimer-${i}`)))
    const claimed: string[][] = await Promise.all(
      claimers.map(async ({ api }) => {
        const mine: string[] = []
        for (;;) {
          const res = await api('POST', '/v1/workspaces/default/tables/bulk/claim-next', {})
          if (res.status === 204) return mine
          expect(res.status).toBe(200)
          mine.push(res.body.row.id)
        }
      }),
    )
    const all = claimed.flat()
    expect(all.length).toBe(500)
    expect(new Set(all).size).toBe(500)
    expect(claimed.filter((c) => c.length > 0).length).toBeGreaterThan(1)
    const tokens = new Set<number>()
    const list = await server.op('GET', '/v1/workspaces/default/tables/bulk/rows?status=in_progress&limit=500')
    for (const r of list.body.items) tokens.add(r.fencingToken)
    expect(tokens.size).toBe(500)
  })

  it('refuses a second claim and lets claim-next skip owned, blocked and unskilled rows by priority', async () => {
    await server.op('POST', '/v1/workspaces/default/tables', tasksTable({ name: 'prio' }))
    const P = '/v1/workspaces/default/tables/prio'
    const a = await createAgent(server, 'prio-a', { skills: ['ts'] })
    const b = await createAgent(server, 'prio-b')
    const low = await a.api('POST', `${P}/rows`, { values: { title: 'low' }, priority: 1 })
    const high = await a.api('POST', `${P}/rows`, { values: { title: 'high' }, priority: 5 })
    const skilled = await a.api('POST', `${P}/rows`, {
      values: { title: 'skilled' },
      priority: 9,
      requiredSkills: ['ts'],
    })
    const blocked = await a.api('POST', `${P}/rows`, {
      values: { title: 'blocked' },
      priority: 10,
      blockedBy: [low.body.id],
    })

    const ready = await b.api('GET', `${P}/rows?ready=true`)
    expect(ready.body.items.map((r: { id: string }) => r.id).sort()).toEqual(
      [low.body.id, high.body.id, skilled.body.id].sort(),
    )

    const first = await b.api('POST', `${P}/claim-next`, {})
    expect(first.body.row.id).toBe(high.body.id)
    const again = await a.api('POST', `${P}/rows/${high.body.id}/claim`, {})
    expect(again.status).toBe(409)
    expect(again.body.code).toBe('already_claimed')
    const second = await b.api('POST', `${P}/claim-next`, {})
    expect(second.body.row.id).toBe(low.body.id)
    expect((await b.api('POST', `${P}/claim-next`, {})).status).toBe(204)
    const bySkill = await a.api('POST', `${P}/claim-next`, {})
    expect(bySkill.body.row.id).toBe(skilled.body.id)

    const early = await a.api('POST', `${P}/rows/${blocked.body.id}/claim`, {})
    expect(early.status).toBe(409)
    await b.api('POST', `${P}/rows/${low.body.id}/transition`, { to: 'done', fencingToken: second.body.lease.token })
    const unblocked = await a.api('POST', `${P}/claim-next`, {})
    expect(unblocked.body.row.id).toBe(blocked.body.id)
  })

  it('ends leases: a successor gets a larger token and the late writer is refused', async () => {
    const a = await createAgent(server, 'slow-agent')
    const b = await createAgent(server, 'successor')
    const row = await server.op('POST', `${T}/rows`, { values: { title: 'lease' } })
    const first = await a.api('POST', `${T}/rows/${row.body.id}/claim`, { leaseMs: 150 })
    expect(first.status).toBe(200)
    const t1 = first.body.lease.token as number
    await new Promise((r) => setTimeout(r, 400))
    const lapsed = await a.api('PATCH', `${T}/rows/${row.body.id}`, { values: { area: 'late' }, fencingToken: t1 })
    expect([409]).toContain(lapsed.status)
    expect(['lease_expired', 'stale_fencing_token', 'not_owner']).toContain(lapsed.body.code)

    const second = await b.api('POST', `${T}/rows/${row.body.id}/claim`, {})
    expect(second.status).toBe(200)
    expect(second.body.lease.token).toBeGreaterThan(t1)
    expect(second.body.row.attempts).toBe(2)

    const before = await revisionOf(server.op)
    for (const [path, body] of [
      [`${T}/rows/${row.body.id}`, { values: { area: 'late' }, fencingToken: t1 }],
      [`${T}/rows/${row.body.id}/heartbeat`, { fencingToken: t1 }],
      [`${T}/rows/${row.body.id}/release`, { fencingToken: t1 }],
      [`${T}/rows/${row.body.id}/transition`, { to: 'ready_for_review', fencingToken: t1 }],
    ] as const) {
      const res = await a.api(path.endsWith(row.body.id) ? 'PATCH' : 'POST', path, body)
      expect(res.status).toBe(409)
      expect(res.body.code).toBe('stale_fencing_token')
    }
    expect(await revisionOf(server.op)).toBe(before)
    const now = await server.op('GET', `${T}/rows/${row.body.id}`)
    expect(now.body.owner).toBe(b.id)
    expect(now.body.values.area).toBeUndefined()
  })

  it('sweeps expired leases back to claimable, then to dead-letter after the attempt limit, and logs it', async () => {
    await server.op('POST', '/v1/workspaces/default/tables', tasksTable({ name: 'flaky', maxAttempts: 2 }))
    const F = '/v1/workspaces/default/tables/flaky'
    const a = await createAgent(server, 'flaky-agent')
    const row = await a.api('POST', `${F}/rows`, { values: { title: 'crashes' } })
    for (const expected of ['todo', 'failed']) {
      const c = await a.api('POST', `${F}/rows/${row.body.id}/claim`, { leaseMs: 50 })
      expect(c.status).toBe(200)
      let status = ''
      for (let i = 0; i < 100 && status !== expected; i++) {
        await new Promise((r) => setTimeout(r, 50))
        status = (await a.api('GET', `${F}/rows/${row.body.id}`)).body.status
      }
      expect(status).toBe(expected)
    }
    const log = await a.api('GET', `/v1/workspaces/default/events?type=row.lease_expired&table=flaky`)
    expect(log.body.items.length, JSON.stringify(log.body).slice(0, 500)).toBe(2)
    expect(log.body.items.every((e: { actor: string }) => e.actor === 'system')).toBe(true)
    expect(log.body.items[1].after.deadLettered).toBe(true)
  })

  it('enforces the review gate: the author cannot approve, a reviewer can', async () => {
    const worker = await createAgent(server, 'gate-worker')
    const reviewer = await createAgent(server, 'gate-reviewer', { roles: ['reviewer'] })
    const selfReviewer = await createAgent(server, 'gate-self', { roles: ['reviewer', 'member'] })
    const row = await server.op('POST', `${T}/rows`, { values: { title: 'gated' } })
    const claim = await worker.api('POST', `${T}/rows/${row.body.id}/claim`, {})
    const skip = await worker.api('POST', `${T}/rows/${row.body.id}/transition`, {
      to: 'failed',
      fencingToken: claim.body.lease.token,
    })
    expect(skip.body.code).toBe('transition_not_allowed')
    const submitted = await worker.api('POST', `${T}/rows/${row.body.id}/transition`, {
      to: 'ready_for_review',
      fencingToken: claim.body.lease.token,
    })
    expect(submitted.status).toBe(200)
    expect(submitted.body.owner).toBeNull()
    const byWorker = await worker.api('POST', `${T}/rows/${row.body.id}/transition`, { to: 'done' })
    expect(byWorker.status).toBe(409)
    expect(byWorker.body.code).toBe('transition_not_allowed')

    // A reviewer who did the work is still its author.
    const row2 = await server.op('POST', `${T}/rows`, { values: { title: 'self-reviewed' } })
    const c2 = await selfReviewer.api('POST', `${T}/rows/${row2.body.id}/claim`, {})
    await selfReviewer.api('POST', `${T}/rows/${row2.body.id}/transition`, {
      to: 'ready_for_review',
      fencingToken: c2.body.lease.token,
    })
    const selfApprove = await selfReviewer.api('POST', `${T}/rows/${row2.body.id}/transition`, { to: 'done' })
    expect(selfApprove.body.code).toBe('transition_not_allowed')

    const approved = await reviewer.api('POST', `${T}/rows/${row.body.id}/transition`, { to: 'done' })
    expect(approved.status).toBe(200)
    expect(approved.body.status).toBe('done')
  })

  it('suspension refuses the next request and releases leases; resume restores access', async () => {
    const agent = await createAgent(server, 'to-suspend')
    const row = await server.op('POST', `${T}/rows`, { values: { title: 'held' } })
    await agent.api('POST', `${T}/rows/${row.body.id}/claim`, {})
    const s = await server.op('POST', `/v1/workspaces/default/principals/${agent.id}/suspend`)
    expect(s.status).toBe(200)
    expect(s.body.status).toBe('suspended')
    const refused = await agent.api('GET', `${T}/rows/${row.body.id}`)
    expect(refused.status).toBe(403)
    expect(refused.body.code).toBe('principal_suspended')
    const released = await server.op('GET', `${T}/rows/${row.body.id}`)
    expect(released.body.owner).toBeNull()
    expect(released.body.status).toBe('todo')
    await server.op('POST', `/v1/workspaces/default/principals/to-suspend/resume`)
    expect((await agent.api('GET', `${T}/rows/${row.body.id}`)).status).toBe(200)
    const notOp = await agent.api('POST', `/v1/workspaces/default/principals/${agent.id}/suspend`)
    expect(notOp.body.code).toBe('forbidden')
  })

  it('keeps workspaces apart: another workspace is invisible to this key', async () => {
    const created = await server.op('POST', '/v1/workspaces', { name: 'other' })
    expect(created.status).toBe(201)
    const other = server.api(created.body.operator.key)
    expect((await other('GET', '/v1/workspaces/other')).status).toBe(200)
    const cross = await other('GET', `${T}/rows`)
    expect(cross.status).toBe(404)
    expect(cross.body.code).toBe('not_found')
    const crossWrite = await other('POST', `${T}/rows`, { values: { title: 'intruder' } })
    expect(crossWrite.status).toBe(404)
    expect((await server.op('GET', '/v1/workspaces/other')).status).toBe(404)
  })

  it('freezing refuses writes and keeps reads', async () => {
    const before = await revisionOf(server.op)
    expect((await server.op('POST', '/v1/workspaces/default/freeze')).body.frozen).toBe(true)
    const w = await server.op('POST', `${T}/rows`, { values: { title: 'frozen' } })
    expect(w.status).toBe(423)
    expect(w.body.code).toBe('workspace_frozen')
    expect((await server.op('GET', `${T}/rows`)).status).toBe(200)
    expect(await revisionOf(server.op)).toBe(before + 1)
    expect((await server.op('POST', '/v1/workspaces/default/unfreeze')).body.frozen).toBe(false)
    expect((await server.op('POST', `${T}/rows`, { values: { title: 'thawed' } })).status).toBe(201)
  })

  it('spends a write budget and answers 429 budget_exceeded with Retry-After', async () => {
    const agent = await createAgent(server, 'thrifty', { budget: { writesPerMinute: 3 } })
    for (let i = 0; i < 3; i++)
      expect((await agent.api('POST', `${T}/rows`, { values: { title: `b${i}` } })).status).toBe(201)
    const over = await agent.api('POST', `${T}/rows`, { values: { title: 'b3' } })
    expect(over.status).toBe(429)
    expect(over.body.code).toBe('budget_exceeded')
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0)
    expect((await agent.api('GET', `${T}/rows?limit=1`)).status).toBe(200)
    const view = await server.op('GET', '/v1/workspaces/default/principals/thrifty')
    expect(view.body.budgetUsed).toBe(3)
  })

  it('refuses writes pinned to an old contract version', async () => {
    const t = await server.op('GET', '/v1/workspaces/default/tables/tasks')
    const v = t.body.contractVersion as number
    const published = await server.op('PUT', '/v1/workspaces/default/tables/tasks/schema', {
      columns: [...tasksTable().columns, { name: 'estimate', type: 'number' }],
      workflow: tasksTable().workflow,
      expectedVersion: v,
    })
    expect(published.status).toBe(200)
    expect(published.body.contractVersion).toBe(v + 1)
    const pinned = await server.op('POST', `${T}/rows`, { values: { title: 'old' }, contractVersion: v })
    expect(pinned.status).toBe(409)
    expect(pinned.body.code).toBe('contract_changed')
    expect(
      (await server.op('POST', `${T}/rows`, { values: { title: 'new', estimate: 2 }, contractVersion: v + 1 })).status,
    ).toBe(201)
  })

  it('a heartbeat extends the lease without bumping the row version, so a pinned write still lands', async () => {
    const a = await createAgent(server, 'beater')
    const row = await server.op('POST', `${T}/rows`, { values: { title: 'long job' } })
    const claim = await a.api('POST', `${T}/rows/${row.body.id}/claim`, { leaseMs: 30_000 })
    const token = claim.body.lease.token as number
    const v = claim.body.row.version as number
    const before = await revisionOf(server.op)
    for (let i = 0; i < 3; i++) {
      const beat = await a.api('POST', `${T}/rows/${row.body.id}/heartbeat`, {
        fencingToken: token,
        leaseMs: 30_000 + i,
      })
      expect(beat.status).toBe(200)
      expect(beat.body.row.version).toBe(v)
    }
    // Each heartbeat is still one logged event.
    expect(await revisionOf(server.op)).toBe(before + 3)
    const write = await a.api('PATCH', `${T}/rows/${row.body.id}`, {
      values: { area: 'progress' },
      fencingToken: token,
      expectedVersion: v,
    })
    expect(write.status).toBe(200)
    expect(write.body.version).toBe(v + 1)
  })

  it('status moves only through the workflow, never through PATCH', async () => {
    const row = await server.op('POST', `${T}/rows`, { values: { title: 'sneaky' } })
    const res = await server.op('PATCH', `${T}/rows/${row.body.id}`, { values: { status: 'done' } })
    expect(res.status).toBe(409)
    expect(res.body.code).toBe('transition_not_allowed')
  })
})
