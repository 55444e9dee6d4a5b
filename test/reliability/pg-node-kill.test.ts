/**
 * Promises 5 and 9 with several nodes: two Dock nodes share one PostgreSQL
 * schema and both take writes; node A (its own process) is SIGKILLed at random
 * moments and restarted. Node B keeps working throughout, every acknowledged
 * write through either node is in the store, the log stays gap-free and the
 * chain verifies.
 */
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { startDockServer, type DockServer } from '../../src/http/serve.js'
import { startDockChild, type DockChild } from './child.js'
import { call, ok, readLog, readRows, sleep } from './http.js'
import { SKIP_REASON, TEST_DATABASE_URL, TestSchemas } from '../helpers/postgres-test-db.js'

const OP = 'op-pg-kill-secret'
const KILLS = 6
const WRITERS_PER_NODE = 4

const suite = TEST_DATABASE_URL === '' ? describe.skip : describe
const title =
  TEST_DATABASE_URL === ''
    ? `node kills on PostgreSQL (${SKIP_REASON})`
    : 'SIGKILL of one of two PostgreSQL nodes under write load'

suite(title, () => {
  const schemas = new TestSchemas('rel_kill')
  let url = ''
  let dataDir = ''
  let nodeA: DockChild | null = null
  let nodeB: DockServer

  beforeAll(async () => {
    url = schemas.url(schemas.next())
    dataDir = await mkdtemp(join(tmpdir(), 'dock-pg-kill-'))
    nodeB = await startDockServer({
      host: '127.0.0.1',
      port: 0,
      dataDir,
      operatorToken: OP,
      webRoot: null,
      databaseUrl: url,
    })
  })

  afterAll(async () => {
    await nodeA?.kill()
    await nodeB?.close()
    await schemas.dropAll()
    if (dataDir !== '') await rm(dataDir, { recursive: true, force: true })
  })

  it(`keeps every acknowledged write through ${KILLS} kills of a node`, async () => {
    const B = nodeB.url
    await ok(B, 'POST', '/v1/workspaces/default/tables', {
      key: OP,
      body: {
        name: 'items',
        columns: [
          { name: 'title', type: 'text', required: true },
          { name: 'n', type: 'integer' },
        ],
        workflow: { statuses: ['open'] },
      },
    })
    const counter = await ok(B, 'POST', '/v1/workspaces/default/tables/items/rows', {
      key: OP,
      body: { values: { title: 'counter', n: 1 } },
    })
    const acked = new Map<string, string>()
    let counterAcked = 1
    let cutMidRequest = 0
    let writesOnB = 0

    const writer = async (
      base: string,
      label: string,
      stop: { stopped: boolean },
      mustSurvive: boolean,
    ): Promise<void> => {
      for (let i = 0; i < 5_000 && !stop.stopped; i++) {
        try {
          if (i % 3 === 2) {
            const cur = await ok(base, 'GET', `/v1/workspaces/default/tables/items/rows/${counter.id}`, { key: OP })
            const r = await call(base, 'PATCH', `/v1/workspaces/default/tables/items/rows/${counter.id}`, {
              key: OP,
              body: { values: { n: cur.version + 1 }, expectedVersion: cur.version },
            })
            if (r.status === 409) continue
            if (r.status !== 200) throw new Error(`patch via ${label} → ${r.status} ${r.text}`)
            counterAcked = Math.max(counterAcked, r.body.version)
          } else {
            const title = `${label}-${i}-${randomBytes(3).toString('hex')}`
            const r = await call(base, 'POST', '/v1/workspaces/default/tables/items/rows', {
              key: OP,
              body: { values: { title, n: i } },
            })
            if (r.status !== 201) throw new Error(`create via ${label} → ${r.status} ${r.text}`)
            acked.set(r.body.id, title)
          }
          if (mustSurvive) writesOnB++
        } catch (err) {
          // Only the killed node may fail a request; node B must answer every one.
          if (!mustSurvive && stop.stopped) {
            cutMidRequest++
            return
          }
          throw err
        }
      }
    }

    for (let cycle = 0; cycle < KILLS; cycle++) {
      nodeA = await startDockChild(dataDir, { DOCK_OPERATOR_TOKEN: OP, DOCK_DATABASE_URL: url })
      const stopA = { stopped: false }
      const stopB = { stopped: false }
      const onA = Array.from({ length: WRITERS_PER_NODE }, (_, w) => writer(nodeA!.url, `a${cycle}w${w}`, stopA, false))
      const onB = Array.from({ length: WRITERS_PER_NODE }, (_, w) => writer(B, `b${cycle}w${w}`, stopB, true))
      await sleep(100 + Math.random() * 500)
      stopA.stopped = true
      await nodeA.kill()
      await Promise.all(onA)
      // Node B goes on writing after the kill (the dead node's transaction must not hold the workspace).
      await sleep(200)
      stopB.stopped = true
      await Promise.all(onB)
    }

    const rows = await readRows(B, OP, 'items')
    const byId = new Map(rows.map((r) => [r.id as string, r]))
    for (const [id, title] of acked) expect(byId.get(id)?.values.title, `acknowledged row ${id}`).toBe(title)
    const c = byId.get(counter.id)
    expect(c.version).toBeGreaterThanOrEqual(counterAcked)
    expect(c.values.n).toBe(c.version)
    const { events, revision } = await readLog(B, OP)
    expect(events.length).toBe(revision)
    events.forEach((e, i) => expect(e.revision).toBe(i + 1))
    const audit = await ok(B, 'GET', '/v1/workspaces/default/audit/verify', { key: OP })
    expect(audit).toMatchObject({ ok: true, checked: revision })
    expect(writesOnB).toBeGreaterThan(KILLS)
    console.info(
      `pg node kills: ${KILLS} kills, ${acked.size} acknowledged creates, ${writesOnB} writes through the surviving node, ${cutMidRequest} requests cut on the killed node`,
    )
  }, 120_000)
})
