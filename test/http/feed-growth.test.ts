/**
 * The feed's cost as history and audience grow (issue "Cost that stays flat as
 * history grows"): a long scan of the log must let other requests run between
 * its pages, and a write must cost the store one read per node whatever the
 * number of watchers. Nothing here is timed: the tests count store reads and
 * observe the order in which replies arrive.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { createDockApp } from '../../src/http/app.js'
import { DockService } from '../../src/service/dock-service.js'
import { SqliteStorage } from '../../src/storage/sqlite/sqlite-storage.js'
import type { Storage } from '../../src/storage/storage.js'
import { readSse } from '../helpers/sse.js'
import { makeApi, OPERATOR_KEY, tasksTable, type Api } from '../helpers/test-world.js'

/** A server over a store the test can see (to count its reads); the service keeps its store private. */
interface TestServer {
  readonly url: string
  readonly op: Api
  readonly service: DockService
  readonly storage: Storage
  close(): Promise<void>
}

async function startTestServer(options: { maxStreamsPerPrincipal?: number } = {}): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'dock-growth-'))
  const storage = new SqliteStorage({ dataDir })
  await storage.init()
  const service = new DockService({ storage })
  await service.identity.bootstrap(OPERATOR_KEY)
  const app = await createDockApp({ service, webRoot: null, ...options })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const address = app.server.address()
  const url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`
  return {
    url,
    op: makeApi(url, OPERATOR_KEY),
    service,
    storage,
    async close() {
      await app.close()
      await service.close()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

const W = '/v1/workspaces/default'

/** Counts every read transaction the service opens on `storage` (the hub's, the routes', all of them). */
function countReads(storage: Storage): { readonly count: number } {
  const counter = { count: 0 }
  const read = storage.read.bind(storage)
  storage.read = ((fn) => {
    counter.count++
    return read(fn)
  }) as Storage['read']
  return counter
}

/** History written through the service (not HTTP) in parallel, so the store batches the commits. */
async function writeRows(server: TestServer, n: number): Promise<void> {
  const caller = { principal: await server.service.identity.authenticate(OPERATOR_KEY) }
  for (let done = 0; done < n; done += 500) {
    await Promise.all(
      Array.from({ length: Math.min(500, n - done) }, (_, i) =>
        server.service.rows.createRow(caller, 'default', 'tasks', {
          values: { title: `history ${done + i} ${'x'.repeat(200)}` },
        }),
      ),
    )
  }
}

describe('long reads share the event loop', () => {
  let server: TestServer
  let reads: { readonly count: number }
  const HISTORY = 4000

  beforeAll(async () => {
    server = await startTestServer()
    await server.op('POST', `${W}/tables`, tasksTable())
    await writeRows(server, HISTORY)
    reads = countReads(server.storage)
  }, 120_000)
  afterAll(() => server.close())

  /** Starts `long`, and once the store has served two of its reads, a short request; returns which reply came first. */
  async function race(long: () => Promise<unknown>): Promise<string[]> {
    const order: string[] = []
    const base = reads.count
    const longDone = long().then(() => order.push('long'))
    // Only runs between the long read's pages if the server yields between them (same process, one event loop).
    while (reads.count < base + 2 && order.length === 0) await new Promise((resolve) => setImmediate(resolve))
    const shortDone = server.op('GET', '/v1/me').then((r) => {
      expect(r.status).toBe(200)
      order.push('short')
    })
    await Promise.all([longDone, shortDone])
    return order
  }

  // Filtered scans through history are one indexed read in the store now; an unfiltered catch-up
  // still reads the whole log, 200 events at a time.
  it('an SSE catch-up from revision 0 lets another request finish before it is done', async () => {
    const head = (await server.op('GET', W)).body.revision as number
    const order = await race(async () => {
      const abort = new AbortController()
      try {
        for await (const ev of readSse(`${server.url}${W}/watch?since=0`, {
          key: OPERATOR_KEY,
          signal: abort.signal,
        })) {
          if (Number(ev.id) >= head) break
        }
      } finally {
        abort.abort()
      }
    })
    expect(order).toEqual(['short', 'long'])
  })

  it('the audit check over the whole log lets another request finish before it does', async () => {
    const order = await race(async () => {
      const res = await server.op('GET', `${W}/audit/verify`)
      expect(res.body).toMatchObject({ ok: true, firstBreak: null })
    })
    expect(order).toEqual(['short', 'long'])
  })
})

describe('fan-out: each new event is read once per node, whatever the number of watchers', () => {
  let server: TestServer
  const WATCHERS = 200
  const WRITES = 10

  beforeAll(async () => {
    server = await startTestServer({ maxStreamsPerPrincipal: WATCHERS + 10 })
    await server.op('POST', `${W}/tables`, tasksTable())
  })
  afterAll(() => server.close())

  it(`${WATCHERS} SSE watchers: store reads per write stay O(1), not O(watchers)`, async () => {
    const since = (await server.op('GET', W)).body.revision as number
    const abort = new AbortController()
    const seen = Array.from({ length: WATCHERS }, () => new Set<number>())
    let connected = 0
    const streams = seen.map(async (mine) => {
      try {
        const events = readSse(`${server.url}${W}/watch?since=${since}&table=tasks`, {
          key: OPERATOR_KEY,
          signal: abort.signal,
        })
        connected++
        for await (const ev of events) mine.add(Number(ev.id))
      } catch (err) {
        if (!abort.signal.aborted) throw err
      }
    })
    const allSaw = (revision: number): boolean => seen.every((s) => s.has(revision))
    const bounded = async (done: () => boolean): Promise<void> => {
      for (let i = 0; i < 1500 && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 10))
    }
    try {
      // Every stream is open and has made its first (fresh) look at the log before counting starts.
      const warm = await server.op('POST', `${W}/tables/tasks/rows`, { values: { title: 'warm-up' } })
      await bounded(() => connected === WATCHERS && allSaw(warm.body.revision))
      expect(allSaw(warm.body.revision)).toBe(true)

      const reads = countReads(server.storage)
      for (let i = 0; i < WRITES; i++) {
        const row = await server.op('POST', `${W}/tables/tasks/rows`, { values: { title: `fan-out ${i}` } })
        expect(row.status).toBe(201)
        await bounded(() => allSaw(row.body.revision))
        expect(allSaw(row.body.revision)).toBe(true)
      }
      // Per write: the writer's key check and the hub's one read of the new event (a few more at most),
      // where the old hub read the log once per watcher per event.
      expect(reads.count / WRITES).toBeLessThanOrEqual(5)
    } finally {
      abort.abort()
      await Promise.allSettled(streams)
    }
  }, 120_000)
})
