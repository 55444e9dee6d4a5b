/**
 * Promise 6 across nodes: two Dock nodes share one PostgreSQL schema; writers
 * go through node A while a watcher on node B keeps dropping its SSE stream at
 * random moments (mid-event too) and resuming with Last-Event-ID. It must see
 * every revision exactly once, in order, with an unbroken hash chain.
 */
import { afterAll, beforeAll, expect, it } from 'vitest'

import { SseParser } from '../../src/client/sse-parser.js'
import {
  describeTwoNodes,
  OPERATOR_KEY,
  startTwoNodes,
  tasksTable,
  twoNodeTitle,
  type TwoNodes,
} from '../helpers/test-world.js'
import { call, ok, sleep } from './http.js'

const OP = OPERATOR_KEY
const WRITERS = 6
const WRITES_PER_WRITER = 100

interface Seen {
  readonly revision: number
  readonly hash: string
  readonly prevHash: string
}

describeTwoNodes(twoNodeTitle('feed completeness across two nodes with random disconnects'), () => {
  let nodes: TwoNodes

  beforeAll(async () => {
    nodes = await startTwoNodes('rel_feed')
  })

  afterAll(async () => {
    await nodes?.close()
  })

  it('a watcher on node B that keeps reconnecting sees every revision written on node A once, in order', async () => {
    const A = nodes.a.url
    await ok(A, 'POST', '/v1/workspaces/default/tables', { key: OP, body: tasksTable({ maxAttempts: 100 }) })
    const doc = await ok(A, 'POST', '/v1/workspaces/default/docs', {
      key: OP,
      body: { title: 'log', content: '# A\n\na\n\n# B\n\nb\n' },
    })

    const seen: Seen[] = []
    let lastId = 0
    let reconnects = 0
    let writersDone = false
    let finalRevision = Number.POSITIVE_INFINITY

    const watcher = async (): Promise<void> => {
      const deadline = Date.now() + 50_000
      while (lastId < finalRevision && Date.now() < deadline) {
        // Mostly node B; now and then node A, since any node must serve any resume.
        const base = Math.random() < 0.8 ? nodes.b.url : nodes.a.url
        const abort = new AbortController()
        // Hang up after a random while, or after a random number of events, whichever comes first.
        const cutAfterMs = 20 + Math.random() * 300
        const cutAfterEvents = 1 + Math.floor(Math.random() * 25)
        const timer = setTimeout(() => abort.abort(), cutAfterMs)
        try {
          const res = await fetch(`${base}/v1/workspaces/default/watch`, {
            headers: { authorization: `Bearer ${OP}`, 'last-event-id': String(lastId) },
            signal: abort.signal,
          })
          expect(res.status).toBe(200)
          const parser = new SseParser()
          const decoder = new TextDecoder()
          let n = 0
          for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
            for (const m of parser.push(decoder.decode(chunk, { stream: true }))) {
              if (m.event === 'error') throw new Error(`stream error: ${m.data}`)
              if (m.id === undefined || m.data === '') continue
              const e = JSON.parse(m.data) as Seen
              expect(Number(m.id)).toBe(e.revision)
              seen.push({ revision: e.revision, hash: (e as any).hash, prevHash: (e as any).prevHash })
              lastId = e.revision
              if (++n >= cutAfterEvents) abort.abort()
            }
            if (abort.signal.aborted || lastId >= finalRevision) break
          }
        } catch (err) {
          if (!abort.signal.aborted) throw err
        } finally {
          clearTimeout(timer)
          abort.abort()
        }
        reconnects++
        if (writersDone && lastId >= finalRevision) break
      }
    }

    const writer = async (w: number): Promise<void> => {
      for (let i = 0; i < WRITES_PER_WRITER; i++) {
        const kind = (w + i) % 3
        if (kind === 0) {
          await ok(A, 'POST', '/v1/workspaces/default/tables/tasks/rows', {
            key: OP,
            body: { values: { title: `w${w}-${i}` } },
          })
        } else if (kind === 1) {
          await ok(A, 'PUT', `/v1/workspaces/default/docs/${doc.id}/sections/w${w}`, {
            key: OP,
            body: { body: `writer ${w} step ${i}` },
          })
        } else {
          const created = await ok(A, 'POST', '/v1/workspaces/default/tables/tasks/rows', {
            key: OP,
            body: { values: { title: `p${w}-${i}` } },
          })
          const r = await call(A, 'PATCH', `/v1/workspaces/default/tables/tasks/rows/${created.id}`, {
            key: OP,
            body: { values: { n: i }, expectedVersion: created.version },
          })
          expect(r.status).toBe(200)
        }
        if (Math.random() < 0.05) await sleep(Math.random() * 30)
      }
    }

    const watching = watcher()
    await Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w)))
    finalRevision = (await ok(A, 'GET', '/v1/workspaces/default', { key: OP })).revision
    writersDone = true
    await watching

    expect(seen.length, `saw ${seen.length} of ${finalRevision} after ${reconnects} connections`).toBe(finalRevision)
    seen.forEach((e, i) => expect(e.revision).toBe(i + 1))
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.prevHash).toBe(seen[i - 1]!.hash)
    expect(reconnects).toBeGreaterThan(5)
    const audit = await ok(nodes.b.url, 'GET', '/v1/workspaces/default/audit/verify', { key: OP })
    expect(audit).toMatchObject({ ok: true, headRevision: finalRevision })
    console.info(`feed: ${finalRevision} revisions over ${reconnects} connections, each seen once, in order`)
  }, 90_000)
})
