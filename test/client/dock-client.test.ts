import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DockApiError, DockClient, isDockApiError, isMergeConflictError } from '../../src/client/index.js'
import type { DockFixture } from '../helpers/test-world.js'
import { OPERATOR_KEY, startFixture, tasksTable } from '../helpers/test-world.js'

/** Awaits a rejection and hands back the DockApiError it must be. */
async function refusal(promise: Promise<unknown>): Promise<DockApiError> {
  try {
    await promise
  } catch (err) {
    if (isDockApiError(err)) return err
    throw err
  }
  throw new Error('expected a refusal, the call succeeded')
}

let fx: DockFixture

beforeAll(async () => {
  fx = await startFixture()
  await fx.op.createTable(tasksTable())
})

afterAll(async () => {
  await fx?.close()
})

describe('DockClient: service and identity', () => {
  it('reads health without a key and me with one', async () => {
    const anon = new DockClient({ baseUrl: fx.url })
    expect((await anon.health()).ok).toBe(true)
    const me = await fx.op.me()
    expect(me.principal.roles).toContain('operator')
    expect(me.workspace.name).toBe('default')
  })

  it('accepts a base URL with a trailing /v1', async () => {
    const client = new DockClient({ baseUrl: `${fx.url}/v1/`, token: OPERATOR_KEY })
    expect((await client.me()).workspace.name).toBe('default')
  })

  it('raises a branded DockApiError for a bad key', async () => {
    const bad = new DockClient({ baseUrl: fx.url, token: 'nope' })
    const err = await refusal(bad.me())
    expect(err.code).toBe('unauthorized')
    expect(err.status).toBe(401)
    expect(err).toBeInstanceOf(DockApiError)
    // Brand check survives a structural copy (another bundle's error looks like this).
    expect(isDockApiError({ name: 'DockApiError', code: 'unauthorized', status: 401 })).toBe(true)
    expect(isDockApiError(new Error('x'))).toBe(false)
  })

  it('creates, lists and reads principals', async () => {
    const { id } = await fx.principal('scout', ['member'], ['ts'])
    const view = await fx.op.getPrincipal('scout')
    expect(view.id).toBe(id)
    expect(view.skills).toEqual(['ts'])
    expect(view.openClaims).toEqual([])
    const page = await fx.op.listPrincipals()
    expect(page.items.map((p) => p.name)).toContain('scout')
  })

  it('creates a workspace whose operator key works only there', async () => {
    const created = await fx.op.createWorkspace('annex')
    expect(created.workspace.name).toBe('annex')
    const annexOp = new DockClient({ baseUrl: fx.url, token: created.operator.key, workspace: 'annex' })
    expect((await annexOp.getWorkspace()).id).toBe(created.workspace.id)
    expect((await annexOp.me()).workspace.name).toBe('annex')
    const err = await refusal(annexOp.withWorkspace('default').listTables())
    expect(['forbidden', 'not_found', 'unauthorized']).toContain(err.code)
  })
})

describe('DockClient: tables and rows', () => {
  it('lists and reads tables and publishes a new contract', async () => {
    await fx.op.createTable(tasksTable({ name: 'scratch' }))
    expect((await fx.op.listTables()).map((t) => t.name)).toEqual(expect.arrayContaining(['tasks', 'scratch']))
    const before = await fx.op.getTable('scratch')
    const { name: _n, ...rest } = tasksTable({ name: 'scratch' })
    const after = await fx.op.publishSchema('scratch', {
      ...rest,
      columns: [...(rest.columns ?? []), { name: 'extra', type: 'text' }],
    })
    expect(after.contractVersion).toBe(before.contractVersion + 1)
    const stale = await refusal(
      fx.op.createRow('scratch', { values: { title: 'x' }, contractVersion: before.contractVersion }),
    )
    expect(stale.code).toBe('contract_changed')
  })

  it('refuses a stale expectedVersion with 409 and the current row, and a stale If-Match with 412', async () => {
    const row = await fx.op.createRow('tasks', { values: { title: 'stale check' } })
    await fx.op.patchRow('tasks', row.id, { values: { notes: 'first' }, expectedVersion: row.version })
    const err = await refusal(
      fx.op.patchRow('tasks', row.id, { values: { notes: 'second' }, expectedVersion: row.version }),
    )
    expect(err.code).toBe('version_conflict')
    expect(err.status).toBe(409)
    expect((err.current as { values: { notes: string } }).values.notes).toBe('first')
    const err412 = await refusal(
      fx.op.patchRow('tasks', row.id, { values: { notes: 'third' } }, { ifMatch: row.version }),
    )
    expect(err412.code).toBe('precondition_failed')
    expect(err412.status).toBe(412)
    expect((await fx.op.getRow('tasks', row.id)).values['notes']).toBe('first')
  })

  it('updateRow re-applies the change on top of a concurrent write', async () => {
    const row = await fx.op.createRow('tasks', { values: { title: 'counter', points: 0 } })
    // Someone else's write lands just before our first PATCH.
    const client = racing('PATCH', 1, () =>
      fx.op.patchRow('tasks', row.id, { values: { points: 100 } }).then(() => undefined),
    )
    let calls = 0
    const updated = await client.updateRow('tasks', row.id, (values) => {
      calls += 1
      return { points: (values['points'] as number) + 1 }
    })
    expect(calls).toBe(2)
    expect(updated.values['points']).toBe(101)
    expect(updated.version).toBe(row.version + 2)
  })

  it('updateRow gives up with version_conflict after maxAttempts', async () => {
    const row = await fx.op.createRow('tasks', { values: { title: 'contended', points: 0 } })
    let n = 0
    const client = racing('PATCH', Infinity, () =>
      fx.op.patchRow('tasks', row.id, { values: { points: ++n * 100 } }).then(() => undefined),
    )
    let calls = 0
    const err = await refusal(
      client.updateRow('tasks', row.id, (v) => ((calls += 1), { points: (v['points'] as number) + 1 }), {
        maxAttempts: 3,
      }),
    )
    expect(err.code).toBe('version_conflict')
    expect(calls).toBe(3)
    expect((await fx.op.getRow('tasks', row.id)).values['points']).toBe(300)
  })

  it('lists rows by status and readiness, with pagination', async () => {
    await fx.op.createTable(tasksTable({ name: 'paged' }))
    for (let i = 0; i < 5; i++) await fx.op.createRow('paged', { values: { title: `t${i}` } })
    const first = await fx.op.listRows('paged', { status: 'todo', limit: 2 })
    expect(first.items).toHaveLength(2)
    expect(first.nextCursor).not.toBeNull()
    const second = await fx.op.listRows('paged', {
      status: ['todo', 'done'],
      limit: 10,
      cursor: first.nextCursor ?? undefined,
    })
    expect(second.items).toHaveLength(3)
    expect(new Set([...first.items, ...second.items].map((r) => r.id)).size).toBe(5)
    expect((await fx.op.listRows('paged', { ready: true })).items).toHaveLength(5)
  })
})

describe('DockClient: claims', () => {
  it('claims, heartbeats, transitions through review, and keeps one owner', async () => {
    await fx.op.createTable(tasksTable({ name: 'work' }))
    const a = await fx.principal('worker-a')
    const b = await fx.principal('worker-b')
    const reviewer = await fx.principal('reviewer-r', ['reviewer'])
    const row = await fx.op.createRow('work', { values: { title: 'only task' } })

    const claim = await a.client.claimNext('work', { leaseMs: 30_000 })
    expect(claim?.row.id).toBe(row.id)
    expect(claim?.row.owner).toBe(a.id)
    expect(claim?.row.status).toBe('in_progress')
    expect(await b.client.claimNext('work')).toBeNull()
    const taken = await refusal(b.client.claim('work', row.id))
    expect(taken.code).toBe('already_claimed')

    const token = claim!.lease.token
    const beat = await a.client.heartbeat('work', row.id, { fencingToken: token, leaseMs: 45_000 })
    expect(beat.lease.token).toBe(token)
    expect(Date.parse(beat.lease.expiresAt)).toBeGreaterThanOrEqual(Date.parse(claim!.lease.expiresAt))
    expect((await fx.op.getPrincipal('worker-a')).openClaims.map((c) => c.id)).toEqual([row.id])

    await a.client.patchRow('work', row.id, { values: { notes: 'done it' }, fencingToken: token })
    const ready = await a.client.transition('work', row.id, { to: 'ready_for_review', fencingToken: token })
    expect(ready.status).toBe('ready_for_review')
    expect(ready.owner).toBeNull()

    const selfApprove = await refusal(a.client.transition('work', row.id, { to: 'done' }))
    expect(['transition_not_allowed', 'forbidden']).toContain(selfApprove.code)
    const done = await reviewer.client.transition('work', row.id, { to: 'done', expectedVersion: ready.version })
    expect(done.status).toBe('done')
  })

  it('refuses a stale fencing token after the row changed hands', async () => {
    await fx.op.createTable(tasksTable({ name: 'fenced' }))
    const a = await fx.principal('fence-a')
    const b = await fx.principal('fence-b')
    const row = await fx.op.createRow('fenced', { values: { title: 'handoff' } })
    const first = await a.client.claim('fenced', row.id)
    const released = await a.client.release('fenced', row.id, { fencingToken: first.lease.token })
    expect(released.status).toBe('todo')
    expect(released.owner).toBeNull()
    const second = await b.client.claim('fenced', row.id)
    expect(second.lease.token).toBeGreaterThan(first.lease.token)
    const late = await refusal(
      a.client.patchRow('fenced', row.id, { values: { notes: 'late' }, fencingToken: first.lease.token }),
    )
    expect(late.code).toBe('stale_fencing_token')
    expect((await fx.op.getRow('fenced', row.id)).values['notes']).toBeUndefined()
  })
})

describe('DockClient: docs', () => {
  const content = '# Plan\n\nIntro.\n\n## Goals\n\none\ntwo\nthree\nfour\nfive\n\n## Risks\n\nnone yet\n'

  it('creates, lists, reads and renders docs', async () => {
    const doc = await fx.op.createDoc({ title: 'plan-read', content })
    expect(doc.sections.map((s) => s.key)).toEqual(expect.arrayContaining(['goals', 'risks']))
    expect((await fx.op.listDocs()).map((d) => d.title)).toContain('plan-read')
    expect((await fx.op.getDoc('plan-read')).id).toBe(doc.id)
    const markdown = await fx.op.getDocMarkdown(doc.id)
    expect(markdown).toContain('## Goals')
    expect(markdown).toContain('three')
    expect((await fx.op.getSection(doc.id, 'risks')).body).toBe('none yet')
  })

  it('refuses blind and stale whole-doc replaces', async () => {
    const doc = await fx.op.createDoc({ title: 'plan-replace', content })
    const blind = await refusal(fx.op.replaceDoc(doc.id, { content: '# New\n' }))
    expect(blind.code).toBe('precondition_required')
    expect(blind.status).toBe(428)
    await fx.op.writeSection(doc.id, 'risks', { body: 'one risk' })
    const stale = await refusal(fx.op.replaceDoc(doc.id, { content: '# New\n', expectedVersion: doc.version }))
    expect(stale.code).toBe('version_conflict')
    expect((stale.current as { version: number }).version).toBe(doc.version + 1)
    const replaced = await fx.op.replaceDoc(doc.id, { content: '# New\n\nfresh\n', expectedVersion: doc.version + 1 })
    expect(replaced.version).toBeGreaterThan(doc.version + 1)
  })

  it('writeSection(fn) retries on a concurrent write to the same section', async () => {
    const doc = await fx.op.createDoc({ title: 'plan-fn', content })
    const client = racing('PUT', 1, () =>
      fx.op.writeSection(doc.id, 'risks', { body: 'none yet\nflood' }).then(() => undefined),
    )
    const calls: string[] = []
    const result = await client.writeSection(doc.id, 'risks', (body) => (calls.push(body), `${body}\nfire`))
    expect(calls).toEqual(['none yet', 'none yet\nflood'])
    expect(result.section.body).toBe('none yet\nflood\nfire')
  })

  it('writeSection(fn) creates a missing section', async () => {
    const doc = await fx.op.createDoc({ title: 'plan-new-section', content })
    const result = await fx.op.writeSection(doc.id, 'open-questions', (body, section) => {
      expect(section).toBeNull()
      return `${body}why?`
    })
    expect(result.section.body).toBe('why?')
    expect((await fx.op.getDoc(doc.id)).sections.map((s) => s.key)).toContain('open-questions')
  })

  it('writeSectionMerging merges non-overlapping edits and refuses overlapping ones', async () => {
    const doc = await fx.op.createDoc({ title: 'plan-merge', content })
    const base = await fx.op.getSection(doc.id, 'goals')
    // Theirs lands between our read and our write.
    const theirs = base.body.replace('five', 'FIVE')
    const client = racing('PUT', 1, () => fx.op.writeSection(doc.id, 'goals', { body: theirs }).then(() => undefined))
    const mine = base.body.replace('one', 'ONE')
    const merged = await client.writeSectionMerging(doc.id, 'goals', base.body, mine, { expectedVersion: base.version })
    expect(merged.section.body).toBe('ONE\ntwo\nthree\nfour\nFIVE')
    expect(merged.section.version).toBe(base.version + 2)

    // Without expectedVersion it reads first and merges before writing.
    const again = await fx.op.writeSectionMerging(doc.id, 'goals', base.body, base.body.replace('three', 'THREE'))
    expect(again.section.body).toBe('ONE\ntwo\nTHREE\nfour\nFIVE')

    const err = await fx.op
      .writeSectionMerging(doc.id, 'goals', base.body, base.body.replace('one', 'uno'), {
        expectedVersion: base.version,
      })
      .catch((e: unknown) => e)
    expect(isMergeConflictError(err)).toBe(true)
    if (!isMergeConflictError(err)) return
    expect(err.conflicts[0]).toMatchObject({ base: 'one', mine: 'uno', theirs: 'ONE' })
    expect((await fx.op.getSection(doc.id, 'goals')).body).toBe('ONE\ntwo\nTHREE\nfour\nFIVE')
  })

  it('records section history and locks docs', async () => {
    const doc = await fx.op.createDoc({ title: 'plan-lock', content })
    await fx.op.writeSection(doc.id, 'risks', { body: 'r1' })
    await fx.op.writeSection(doc.id, 'risks', { body: 'r2' })
    const history = await fx.op.sectionHistory(doc.id, 'risks')
    expect(history.map((e) => e.type).filter((t) => t === 'doc.section_written')).toHaveLength(2)

    const other = await fx.principal('doc-writer')
    const locked = await fx.op.lockDoc(doc.id, { leaseMs: 30_000 })
    expect(locked.lock.owner).toBe((await fx.op.me()).principal.id)
    const refused = await refusal(other.client.writeSection(doc.id, 'risks', { body: 'sneaky' }))
    expect(refused.code).toBe('doc_locked')
    expect(refused.status).toBe(423)
    // Writes under the lock carry its token, in both forms of writeSection and in replaceDoc.
    expect((await refusal(fx.op.writeSection(doc.id, 'risks', { body: 'no token' }))).code).toBe(
      'precondition_required',
    )
    await fx.op.writeSection(doc.id, 'risks', { body: 'r3', lockToken: locked.lock.token })
    const updated = await fx.op.writeSection(doc.id, 'risks', (body) => `${body}!`, { lockToken: locked.lock.token })
    expect(updated.section.body).toBe('r3!')
    expect((await refusal(fx.op.unlockDoc(doc.id, { token: locked.lock.token - 1 }))).code).toBe('lease_expired')
    const unlocked = await fx.op.unlockDoc(doc.id, { token: locked.lock.token })
    expect(unlocked.lock).toBeNull()
    // The old token is now a stale holder's: refused rather than written after the unlock.
    expect(
      (await refusal(fx.op.writeSection(doc.id, 'risks', { body: 'late', lockToken: locked.lock.token }))).code,
    ).toBe('lease_expired')
    await other.client.writeSection(doc.id, 'risks', { body: 'allowed now' })
  })
})

describe('DockClient: log, watch, audit, operator controls', () => {
  it('reads the log with filters and long-polls for the next event', async () => {
    const start = (await fx.op.getWorkspace()).revision
    const row = await fx.op.createRow('tasks', { values: { title: 'logged' } })
    const page = await fx.op.events({ since: start, table: 'tasks', type: 'row.*' })
    expect(page.items.map((e) => e.type)).toEqual(['row.created'])
    expect(page.items[0]?.target.id).toBe(row.id)
    expect(page.nextSince).toBeGreaterThan(start)

    const waiting = fx.op.events({ since: page.revision, wait: 20, type: 'row.updated' })
    await fx.op.createRow('tasks', { values: { title: 'noise' } })
    await fx.op.patchRow('tasks', row.id, { values: { notes: 'wake up' } })
    const woke = await waiting
    expect(woke.items.map((e) => e.type)).toEqual(['row.updated'])
    expect(woke.items[0]?.target.id).toBe(row.id)
  })

  it('watches over SSE and resumes after a dropped connection without gaps or repeats', async () => {
    const since = (await fx.op.getWorkspace()).revision
    const ids: string[] = []
    for (let i = 0; i < 6; i++) ids.push((await fx.op.createRow('tasks', { values: { title: `w${i}` } })).id)

    // A fetch that cuts the first stream in the middle of the fourth event.
    const lastEventIds: (string | null)[] = []
    let connections = 0
    const flaky: typeof fetch = async (input, init) => {
      connections += 1
      lastEventIds.push(new Headers(init?.headers).get('last-event-id'))
      const response = await fetch(input, init)
      if (connections > 1 || !response.body) return response
      const reader = response.body.getReader()
      const decoder = new TextDecoder()
      let text = ''
      const cut = new ReadableStream<Uint8Array>({
        async pull(controller) {
          for (;;) {
            const ends = [...text.matchAll(/\ndata: [^\n]*\n\n/g)]
            const third = ends[2]
            if (third !== undefined && ends.length >= 4) {
              const upTo = third.index + third[0].length + 15
              controller.enqueue(new TextEncoder().encode(text.slice(0, upTo)))
              controller.error(new TypeError('connection reset'))
              await reader.cancel()
              return
            }
            const { value, done } = await reader.read()
            if (done) throw new Error('stream ended before four events')
            text += decoder.decode(value, { stream: true })
          }
        },
      })
      return new Response(cut, { status: response.status, headers: response.headers })
    }
    const client = new DockClient({ baseUrl: fx.url, token: OPERATOR_KEY, fetch: flaky })
    const ac = new AbortController()
    const seen: number[] = []
    const reconnects: (number | undefined)[] = []
    for await (const event of client.watch({
      since,
      table: 'tasks',
      signal: ac.signal,
      retryMinMs: 10,
      onReconnect: (r) => reconnects.push(r.since),
    })) {
      seen.push(event.revision)
      if (seen.length === 6) ac.abort()
    }
    expect(connections).toBeGreaterThanOrEqual(2)
    expect(reconnects.length).toBeGreaterThanOrEqual(1)
    expect(lastEventIds[0]).toBe(String(since))
    expect(lastEventIds[1]).toBe(String(reconnects[0]))
    expect(reconnects[0]).toBe(seen[2])
    expect(seen).toEqual([...seen].sort((x, y) => x - y))
    expect(new Set(seen).size).toBe(6)
    const page = await fx.op.events({ since, table: 'tasks' })
    expect(seen).toEqual(page.items.map((e) => e.revision).slice(0, 6))
  })

  it('watch ends quietly on abort while waiting for events', async () => {
    const ac = new AbortController()
    const since = (await fx.op.getWorkspace()).revision
    const got: number[] = []
    const loop = (async () => {
      for await (const e of fx.op.watch({ since, doc: 'nothing-here', signal: ac.signal })) got.push(e.revision)
    })()
    await fx.op.createRow('tasks', { values: { title: 'unwatched' } })
    ac.abort()
    await loop
    expect(got).toEqual([])
  })

  it("watch({ since: 'now' }) skips the past and delivers what happens next", async () => {
    const before = await fx.op.createRow('tasks', { values: { title: 'in the past' } })
    let opened!: () => void
    const streamOpened = new Promise<void>((resolve) => (opened = resolve))
    const client = new DockClient({
      baseUrl: fx.url,
      token: OPERATOR_KEY,
      fetch: async (input, init) => {
        const response = await fetch(input, init)
        if (String(input).includes('/watch')) opened()
        return response
      },
    })
    const ac = new AbortController()
    const iterator = client.watch({ since: 'now', table: 'tasks', signal: ac.signal })
    const first = iterator.next()
    await streamOpened
    const after = await fx.op.createRow('tasks', { values: { title: 'in the future' } })
    const { value } = await first
    ac.abort()
    await iterator.return()
    expect(value?.target.id).toBe(after.id)
    expect(value?.target.id).not.toBe(before.id)
  })

  it('pages through the log with limit and nextSince', async () => {
    const since = (await fx.op.getWorkspace()).revision
    for (let i = 0; i < 5; i++) await fx.op.createRow('tasks', { values: { title: `page ${i}` } })
    const seen: number[] = []
    let cursor = since
    for (;;) {
      const page = await fx.op.events({ since: cursor, limit: 2, type: 'row.created' })
      if (page.items.length === 0) break
      expect(page.items.length).toBeLessThanOrEqual(2)
      seen.push(...page.items.map((e) => e.revision))
      cursor = page.nextSince
    }
    expect(seen).toHaveLength(5)
    expect(seen).toEqual([...seen].sort((a, b) => a - b))
  })

  it('ends a watch with principal_suspended when its principal is suspended', async () => {
    const agent = await fx.principal('watcher-to-suspend')
    const since = (await fx.op.getWorkspace()).revision
    const ac = new AbortController()
    const seen: string[] = []
    const outcome = (async () => {
      for await (const e of agent.client.watch({ since, table: 'tasks', signal: ac.signal, retryMinMs: 10 })) {
        seen.push(e.type)
        if (seen.length === 1) await fx.op.suspend('watcher-to-suspend')
      }
    })().then(
      () => 'ended',
      (err: unknown) => err,
    )
    await fx.op.createRow('tasks', { values: { title: 'trigger' } })
    const err = await outcome
    ac.abort()
    await fx.op.resume('watcher-to-suspend')
    expect(isDockApiError(err)).toBe(true)
    expect((err as DockApiError).code).toBe('principal_suspended')
    expect(seen[0]).toBe('row.created')
  })

  it('verifies the audit chain', async () => {
    const report = await fx.op.verifyAudit()
    expect(report.ok).toBe(true)
    expect(report.firstBreak).toBeNull()
    expect(report.checked).toBe(report.headRevision)
  })

  it('freezes the workspace against writes and suspends a principal', async () => {
    const agent = await fx.principal('suspendable')
    await fx.op.freeze()
    try {
      const frozen = await refusal(agent.client.createRow('tasks', { values: { title: 'frozen' } }))
      expect(frozen.code).toBe('workspace_frozen')
      expect((await agent.client.listTables()).length).toBeGreaterThan(0)
    } finally {
      await fx.op.unfreeze()
    }
    await agent.client.createRow('tasks', { values: { title: 'thawed' } })

    const suspended = await fx.op.suspend('suspendable')
    expect(suspended.status).toBe('suspended')
    const refused = await refusal(agent.client.listTables())
    expect(refused.code).toBe('principal_suspended')
    expect((await fx.op.resume('suspendable')).status).toBe('active')
    await agent.client.listTables()
  })
})

/**
 * An operator client whose fetch runs `interfere` before its first `times`
 * requests with `method`: a deterministic stand-in for a concurrent writer.
 */
function racing(method: string, times: number, interfere: () => Promise<void>): DockClient {
  let fired = 0
  return new DockClient({
    baseUrl: fx.url,
    token: OPERATOR_KEY,
    fetch: async (input, init) => {
      if (init?.method === method && fired < times) {
        fired += 1
        await interfere()
      }
      return fetch(input, init)
    },
  })
}
