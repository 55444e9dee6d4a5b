/**
 * Promise 9 (durability) and 5 (one log): a Dock process under concurrent
 * write load is SIGKILLed at random moments; after every restart on the same
 * data directory each acknowledged write is there, the log is gap-free from 1
 * to the workspace revision, and the hash chain verifies.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { afterAll, describe, expect, it } from 'vitest'

import { startDockChild, type DockChild } from './child.js'
import { call, ok, readLog, readRows, sleep } from './http.js'

const KEY = 'op-crash-secret'
const KILLS = 20
const WRITERS = 6
const COUNTERS = 4

interface AckedCreate {
  readonly title: string
  readonly n: number
  readonly revision: number
}

describe('crash durability (SIGKILL under write load)', () => {
  let dataDir = ''
  let server: DockChild | null = null

  afterAll(async () => {
    await server?.kill()
    if (dataDir !== '') await rm(dataDir, { recursive: true, force: true })
  })

  it(`keeps every acknowledged write across ${KILLS} kill -9s`, async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'dock-crash-'))
    const env = { DOCK_OPERATOR_TOKEN: KEY }
    server = await startDockChild(dataDir, env)
    let base = server.url

    await ok(base, 'POST', '/v1/workspaces/default/tables', {
      key: KEY,
      body: {
        name: 'items',
        columns: [
          { name: 'title', type: 'text', required: true },
          { name: 'n', type: 'integer' },
        ],
        workflow: { statuses: ['open', 'closed'] },
      },
    })
    const counterIds: string[] = []
    for (let i = 0; i < COUNTERS; i++) {
      const row = await ok(base, 'POST', '/v1/workspaces/default/tables/items/rows', {
        key: KEY,
        body: { values: { title: `counter-${i}`, n: 1 } },
      })
      counterIds.push(row.id)
    }

    const doc = await ok(base, 'POST', '/v1/workspaces/default/docs', {
      key: KEY,
      body: { title: 'journal', content: '# Journal\n\nstart\n' },
    })
    /** Per writer's own section: the highest acknowledged section version and the body it wrote. */
    const sectionAcked = new Map<string, { version: number; body: string }>()

    const creates = new Map<string, AckedCreate>()
    /** Highest version acknowledged per counter row (its `n` always equals its version). */
    const counterAcked = new Map<string, number>(counterIds.map((id) => [id, 1]))
    /** Every acknowledged write: the revision it produced and the row it touched. */
    const ackedRevisions: { revision: number; rowId: string; version: number }[] = []
    let acked = 0
    let refusedConflicts = 0
    let lostInFlight = 0

    const writer = async (w: number, cycle: number, stop: { stopped: boolean }): Promise<void> => {
      for (let i = 0; i < 10_000 && !stop.stopped; i++) {
        try {
          const dice = Math.random()
          if (dice < 0.2) {
            const key = `w${w}`
            const body = `cycle ${cycle} step ${i}`
            const r = await call(base, 'PUT', `/v1/workspaces/default/docs/${doc.id}/sections/${key}`, {
              key: KEY,
              body: { body },
            })
            if (r.status !== 200) throw new Error(`section → ${r.status} ${r.text}`)
            sectionAcked.set(key, { version: r.body.section.version, body })
            acked++
          } else if (dice < 0.6) {
            const title = `w${w}-c${cycle}-${i}`
            const r = await call(base, 'POST', '/v1/workspaces/default/tables/items/rows', {
              key: KEY,
              body: { values: { title, n: i } },
            })
            if (r.status !== 201) throw new Error(`create → ${r.status} ${r.text}`)
            creates.set(r.body.id, { title, n: i, revision: r.body.revision })
            ackedRevisions.push({ revision: r.body.revision, rowId: r.body.id, version: 1 })
            acked++
          } else {
            const id = counterIds[Math.floor(Math.random() * counterIds.length)]!
            const cur = await ok(base, 'GET', `/v1/workspaces/default/tables/items/rows/${id}`, { key: KEY })
            const r = await call(base, 'PATCH', `/v1/workspaces/default/tables/items/rows/${id}`, {
              key: KEY,
              body: { values: { n: cur.version + 1 }, expectedVersion: cur.version },
            })
            if (r.status === 409 && r.body?.code === 'version_conflict') {
              refusedConflicts++
              continue
            }
            if (r.status !== 200) throw new Error(`patch → ${r.status} ${r.text}`)
            counterAcked.set(id, Math.max(counterAcked.get(id) ?? 0, r.body.version))
            ackedRevisions.push({ revision: r.body.revision, rowId: id, version: r.body.version })
            acked++
          }
        } catch (err) {
          // Connection refused or reset: the server is gone; nothing was acknowledged.
          if (stop.stopped) {
            lostInFlight++
            return
          }
          throw err
        }
      }
    }

    const verify = async (): Promise<void> => {
      const rows = await readRows(base, KEY, 'items')
      const byId = new Map(rows.map((r) => [r.id as string, r]))
      for (const [id, want] of creates) {
        const row = byId.get(id)
        expect(row, `acknowledged row ${id} (${want.title}) is missing`).toBeDefined()
        expect(row.values.title).toBe(want.title)
        expect(row.values.n).toBe(want.n)
      }
      for (const [id, version] of counterAcked) {
        const row = byId.get(id)
        expect(row.version, `counter ${id} went back from acknowledged version ${version}`).toBeGreaterThanOrEqual(
          version,
        )
        expect(row.values.n).toBe(row.version)
      }
      const journal = await ok(base, 'GET', `/v1/workspaces/default/docs/${doc.id}`, { key: KEY })
      for (const [key, want] of sectionAcked) {
        const section = journal.sections.find((x: { key: string }) => x.key === key)
        expect(section, `acknowledged section ${key} is missing`).toBeDefined()
        expect(
          section.version,
          `section ${key} went back from acknowledged version ${want.version}`,
        ).toBeGreaterThanOrEqual(want.version)
        if (section.version === want.version) expect(section.body).toBe(want.body)
      }
      const { events, revision } = await readLog(base, KEY)
      expect(events.length).toBe(revision)
      events.forEach((e, i) => expect(e.revision).toBe(i + 1))
      for (const a of ackedRevisions) {
        const e = events[a.revision - 1]
        expect(e?.target.id, `event at acknowledged revision ${a.revision}`).toBe(a.rowId)
        expect(e?.after.version).toBe(a.version)
      }
      expect(events.filter((e) => e.type === 'doc.section_written').length).toBeGreaterThanOrEqual(
        [...sectionAcked.values()].reduce((n, a) => n + a.version, 0),
      )
      const audit = await ok(base, 'GET', '/v1/workspaces/default/audit/verify', { key: KEY })
      expect(audit).toMatchObject({ ok: true, checked: revision, headRevision: revision, firstBreak: null })
    }

    for (let cycle = 0; cycle < KILLS; cycle++) {
      const stop = { stopped: false }
      const writers = Array.from({ length: WRITERS }, (_, w) => writer(w, cycle, stop))
      // A random moment: mid-transaction, mid-fsync, mid-reply — wherever it lands.
      await sleep(40 + Math.random() * 400)
      stop.stopped = true
      await server.kill()
      await Promise.all(writers)
      server = await startDockChild(dataDir, env)
      base = server.url
      await verify()
    }

    console.info(
      `crash durability: ${KILLS} kills, ${acked} acknowledged writes (${creates.size} creates, ${sectionAcked.size} sections), ${refusedConflicts} version conflicts, ${lostInFlight} writers cut mid-request`,
    )
    expect(acked).toBeGreaterThan(KILLS)
  }, 120_000)
})
