import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DockClient, isDockApiError } from '../../src/client/index.js'
import type { DockFixture } from '../helpers/test-world.js'
import { OPERATOR_KEY, startFixture, tasksTable } from '../helpers/test-world.js'

let fx: DockFixture

beforeAll(async () => {
  fx = await startFixture()
  await fx.op.createTable(tasksTable())
})

afterAll(async () => {
  await fx?.close()
})

describe("DockClient: the console's calls", () => {
  it('adds and reads notes; the events filter by row', async () => {
    const a = await fx.op.createRow('tasks', { values: { title: 'a' } })
    const b = await fx.op.createRow('tasks', { values: { title: 'b' } })
    const note = await fx.op.addNote('tasks', a.id, 'look here')
    expect(note).toMatchObject({ rowId: a.id, text: 'look here', table: 'tasks' })
    const page = await fx.op.notes('tasks', a.id)
    expect(page.items.map((n) => n.text)).toEqual(['look here'])
    expect((await fx.op.notes('tasks', b.id)).items).toEqual([])
    const events = await fx.op.events({ row: [a.id] })
    expect(events.items.map((e) => e.type)).toEqual(['row.created', 'row.note_added'])
  })

  it('reads stats for anyone and metrics only with an operator key', async () => {
    const member = await fx.principal('console-member', ['member'])
    const stats = await member.client.stats()
    expect(stats.tables.map((t) => t.table)).toContain('tasks')
    expect(await fx.op.metrics()).toMatch(/^dock_rows\{table="tasks",status="todo"\} \d+$/m)
    const refused = await member.client.metrics().catch((e: unknown) => e)
    expect(isDockApiError(refused) && refused.code).toBe('forbidden')
  })

  it('refuses a requeue of a row that is not dead-lettered, with a stable code', async () => {
    const row = await fx.op.createRow('tasks', { values: { title: 'alive' } })
    const err = await fx.op.requeue('tasks', row.id).catch((e: unknown) => e)
    expect(isDockApiError(err) && err.code).toBe('transition_not_allowed')
  })

  it('watch() tells of each accepted connection, and filters by row', async () => {
    const row = await fx.op.createRow('tasks', { values: { title: 'watched' } })
    const other = await fx.op.createRow('tasks', { values: { title: 'not watched' } })
    await fx.op.addNote('tasks', other.id, 'elsewhere')
    await fx.op.addNote('tasks', row.id, 'here')
    const connections: number[] = []
    const ac = new AbortController()
    const seen: string[] = []
    for await (const e of fx.op.watch({
      since: 0,
      row: row.id,
      signal: ac.signal,
      idleTimeoutMs: 30_000,
      onConnect: (c) => connections.push(c.connection),
    })) {
      expect(e.target.id).toBe(row.id)
      seen.push(e.type)
      if (e.type === 'row.note_added') ac.abort()
    }
    expect(seen).toEqual(['row.created', 'row.note_added'])
    expect(connections).toEqual([1])
  })

  it('an idle timeout drops a silent connection and resumes from the last revision', async () => {
    const row = await fx.op.createRow('tasks', { values: { title: 'idle' } })
    // A server that accepts and then says nothing: the first connection hangs, later ones go to Dock.
    let calls = 0
    const silentFirst: typeof fetch = async (input, init) => {
      calls += 1
      if (calls === 1) {
        const body = new ReadableStream<Uint8Array>({
          start(controller) {
            init?.signal?.addEventListener('abort', () => controller.error(new Error('aborted')))
          },
        })
        return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } })
      }
      return fetch(input, init)
    }
    const client = new DockClient({ baseUrl: fx.url, token: OPERATOR_KEY, fetch: silentFirst })
    const ac = new AbortController()
    const connections: number[] = []
    for await (const e of client.watch({
      since: row.revision - 1,
      signal: ac.signal,
      idleTimeoutMs: 200,
      retryMinMs: 10,
      onConnect: (c) => connections.push(c.connection),
    })) {
      expect(e.revision).toBe(row.revision)
      ac.abort()
    }
    expect(connections).toEqual([1, 2])
  })
})
