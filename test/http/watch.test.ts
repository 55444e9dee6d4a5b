import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { readSse } from '../helpers/sse.js'
import { createAgent, OPERATOR_KEY, startTestServer, tasksTable, type TestServer } from '../helpers/test-world.js'

const W = '/v1/workspaces/default'

describe('the change feed: SSE watch and long-poll', () => {
  let server: TestServer

  beforeAll(async () => {
    server = await startTestServer()
    await server.op('POST', `${W}/tables`, tasksTable())
  })
  afterAll(() => server.close())

  it('delivers every revision once, in order, to a watcher that reconnects with Last-Event-ID during 1,000 writes', async () => {
    const start = (await server.op('GET', W)).body.revision as number
    const total = 1000
    const writer = (async () => {
      for (let i = 0; i < total; i++) {
        const res = await server.op('POST', `${W}/tables/tasks/rows`, { values: { title: `w${i}` } })
        expect(res.status).toBe(201)
      }
    })()
    const seen: number[] = []
    let lastId = String(start)
    let reconnects = 0
    while (seen.length < total) {
      const abort = new AbortController()
      // Drop the connection after a random number of events.
      const dropAfter = 50 + Math.floor(Math.random() * 200)
      let got = 0
      try {
        for await (const ev of readSse(`${server.url}${W}/watch`, {
          key: OPERATOR_KEY,
          lastEventId: lastId,
          signal: abort.signal,
        })) {
          seen.push(Number(ev.id))
          lastId = ev.id!
          if (++got >= dropAfter || seen.length >= total) {
            abort.abort()
            break
          }
        }
      } catch (err) {
        if (!abort.signal.aborted) throw err
      }
      reconnects++
    }
    await writer
    expect(reconnects).toBeGreaterThan(1)
    expect(seen).toEqual(Array.from({ length: total }, (_, i) => start + 1 + i))
  })

  it('a filtered watcher sees only matching events', async () => {
    await server.op('POST', `${W}/tables`, tasksTable({ name: 'other' }))
    const since = (await server.op('GET', W)).body.revision
    const abort = new AbortController()
    const got: { type: string; table: string }[] = []
    const reader = (async () => {
      try {
        for await (const ev of readSse(`${server.url}${W}/watch?since=${since}&table=tasks&type=row.claimed`, {
          key: OPERATOR_KEY,
          signal: abort.signal,
        })) {
          const e = JSON.parse(ev.data)
          got.push({ type: e.type, table: e.target.table })
          if (got.length === 2) abort.abort()
        }
      } catch (err) {
        if (!abort.signal.aborted) throw err
      }
    })()
    for (const table of ['other', 'tasks', 'other', 'tasks']) {
      const row = await server.op('POST', `${W}/tables/${table}/rows`, { values: { title: 'f' } })
      await server.op('POST', `${W}/tables/${table}/rows/${row.body.id}/claim`, {})
    }
    await reader
    expect(got).toEqual([
      { type: 'row.claimed', table: 'tasks' },
      { type: 'row.claimed', table: 'tasks' },
    ])
  })

  it('long-poll returns as soon as a matching event is written', async () => {
    const since = (await server.op('GET', W)).body.revision
    let answered = false
    const poll = server.op('GET', `${W}/events?since=${since}&wait=30&type=doc.created`).then((r) => {
      answered = true
      return r
    })
    await server.op('POST', `${W}/tables/tasks/rows`, { values: { title: 'not a doc' } })
    await new Promise((r) => setTimeout(r, 200))
    expect(answered).toBe(false)
    await server.op('POST', `${W}/docs`, { title: 'wake', content: 'hello' })
    const res = await poll
    expect(res.status).toBe(200)
    expect(res.body.items).toHaveLength(1)
    expect(res.body.items[0].type).toBe('doc.created')
    expect(res.body.items[0].revision).toBe(since + 2)
  })

  it("closes a suspended principal's stream at once", async () => {
    const agent = await createAgent(server, 'watcher-to-suspend')
    const events: string[] = []
    const reading = (async () => {
      for await (const ev of readSse(`${server.url}${W}/watch?type=row.*`, { key: agent.key }))
        events.push(ev.event ?? '')
      return 'ended'
    })()
    await new Promise((r) => setTimeout(r, 100))
    await server.op('POST', `${W}/principals/${agent.id}/suspend`)
    expect(await reading).toBe('ended')
    const again = await fetch(`${server.url}${W}/watch`, { headers: { authorization: `Bearer ${agent.key}` } })
    expect(again.status).toBe(403)
  })
})
