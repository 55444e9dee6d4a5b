import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { createAgent, revisionOf, startTestServer, type TestServer } from '../helpers/test-server.js'

const D = '/v1/workspaces/default/docs'

describe('docs: scoped and preconditioned writes', () => {
  let server: TestServer

  beforeAll(async () => {
    server = await startTestServer()
  })
  afterAll(() => server.close())

  it('splits markdown into sections with stable keys, versions and editors', async () => {
    const res = await server.op('POST', D, { title: 'spec', content: 'Intro line\n\n# Goals\n\nShip it.\n\n## Risks\n\nNone.\n\n```\n# not a heading\n```\n\n## Risks\n\nTwice.' })
    expect(res.status).toBe(201)
    expect(res.body.sections.map((s: { key: string }) => s.key)).toEqual(['_preamble', 'goals', 'risks', 'risks-2'])
    expect(res.body.sections[2].body).toContain('# not a heading')
    expect(res.body.sections.every((s: { version: number; editedBy: string }) => s.version === 1 && s.editedBy !== '')).toBe(true)
    const md = await fetch(`${server.url}${D}/spec?format=markdown`, { headers: { authorization: 'Bearer op-test-key' } })
    expect(await md.text()).toContain('## Risks\n\nNone.')
  })

  it('8 agents writing 8 sections of one doc concurrently never conflict', async () => {
    const sections = Array.from({ length: 8 }, (_, i) => `part-${i}`)
    const doc = await server.op('POST', D, { title: 'shared', content: sections.map((k) => `## ${k}\n\nempty`).join('\n\n') })
    const agents = await Promise.all(sections.map((_, i) => createAgent(server, `writer-${i}`)))
    let conflicts = 0
    await Promise.all(
      agents.map(async ({ api }, i) => {
        for (let round = 1; round <= 10; round++) {
          const cur = await api('GET', `${D}/${doc.body.id}/sections/part-${i}`)
          const res = await api('PUT', `${D}/${doc.body.id}/sections/part-${i}`, { body: `agent ${i} round ${round}`, expectedVersion: cur.body.version })
          if (res.status !== 200) conflicts++
        }
      }),
    )
    expect(conflicts).toBe(0)
    const final = await server.op('GET', `${D}/${doc.body.id}`)
    for (let i = 0; i < 8; i++) {
      const s = final.body.sections.find((x: { key: string }) => x.key === `part-${i}`)
      expect(s.body).toBe(`agent ${i} round 10`)
      expect(s.version).toBe(11)
      expect(s.editedBy).toBe(agents[i]!.id)
    }
    expect(final.body.version).toBe(81)
  })

  it('refuses a stale section write with the current body', async () => {
    const doc = await server.op('POST', D, { title: 'race', content: '## a\n\none' })
    const w1 = await server.op('PUT', `${D}/race/sections/a`, { body: 'two', expectedVersion: 1 })
    expect(w1.status).toBe(200)
    const w2 = await server.op('PUT', `${D}/race/sections/a`, { body: 'three', expectedVersion: 1 })
    expect(w2.status).toBe(409)
    expect(w2.body.code).toBe('version_conflict')
    expect(w2.body.details.current.body).toBe('two')
    const viaHeader = await server.op('PUT', `${D}/${doc.body.id}/sections/a`, { body: 'three' }, { 'if-match': '"1"' })
    expect(viaHeader.status).toBe(412)
  })

  it('whole-doc replace needs a precondition and refuses a stale one; unchanged sections keep their versions', async () => {
    const doc = await server.op('POST', D, { title: 'whole', content: '## keep\n\nsame\n\n## change\n\nold' })
    const before = await revisionOf(server.op)
    const none = await server.op('PUT', `${D}/whole`, { content: 'x' })
    expect(none.status).toBe(428)
    expect(none.body.code).toBe('precondition_required')
    const stale = await server.op('PUT', `${D}/whole`, { content: 'x', expectedVersion: 9 })
    expect(stale.status).toBe(409)
    expect(stale.body.details.current.version).toBe(1)
    const staleHeader = await server.op('PUT', `${D}/whole`, { content: 'x' }, { 'if-match': '"9"' })
    expect(staleHeader.status).toBe(412)
    expect(await revisionOf(server.op)).toBe(before)
    const ok = await server.op('PUT', `${D}/whole`, { content: '## keep\n\nsame\n\n## change\n\nnew\n\n## added\n\nhi', expectedVersion: doc.body.version })
    expect(ok.status).toBe(200)
    const byKey = Object.fromEntries(ok.body.sections.map((s: { key: string; version: number }) => [s.key, s.version]))
    expect(byKey).toEqual({ keep: 1, change: 2, added: 1 })
  })

  it('lanes: only the lane owner or an operator writes a laned section', async () => {
    const owner = await createAgent(server, 'lane-owner')
    const other = await createAgent(server, 'lane-other')
    await server.op('POST', D, { title: 'laned', content: '## mine\n\nx\n\n## open\n\ny' })
    const assign = await server.op('PUT', `${D}/laned/sections/mine`, { body: 'x', lane: owner.id })
    expect(assign.body.section.lane).toBe(owner.id)
    const refused = await other.api('PUT', `${D}/laned/sections/mine`, { body: 'hijack' })
    expect(refused.status).toBe(403)
    expect(refused.body.code).toBe('lane_owned')
    expect((await other.api('PUT', `${D}/laned/sections/open`, { body: 'fine' })).status).toBe(200)
    expect((await owner.api('PUT', `${D}/laned/sections/mine`, { body: 'mine indeed' })).status).toBe(200)
    const cur = await server.op('GET', `${D}/laned`)
    const replaced = await other.api('PUT', `${D}/laned`, { content: '## mine\n\nstolen\n\n## open\n\nfine', expectedVersion: cur.body.version })
    expect(replaced.body.code).toBe('lane_owned')
  })

  it('doc lock is an exclusive lease', async () => {
    const a = await createAgent(server, 'locker')
    const b = await createAgent(server, 'waiter')
    await server.op('POST', D, { title: 'handoff', content: '## queue\n\n-' })
    const lock = await a.api('POST', `${D}/handoff/lock`, { leaseMs: 60_000 })
    expect(lock.status).toBe(200)
    expect(lock.body.lock.owner).toBe(a.id)
    const second = await b.api('POST', `${D}/handoff/lock`, {})
    expect(second.status).toBe(423)
    expect(second.body.code).toBe('doc_locked')
    const write = await b.api('PUT', `${D}/handoff/sections/queue`, { body: 'cut in' })
    expect(write.body.code).toBe('doc_locked')
    // The holder writes under the lock with its token (issue 11: a tokenless write was accepted).
    const token = lock.body.lock.token as number
    expect((await a.api('PUT', `${D}/handoff/sections/queue`, { body: 'mine', lockToken: token })).status).toBe(200)
    expect((await a.api('POST', `${D}/handoff/unlock`, { token })).status).toBe(200)
    expect((await b.api('POST', `${D}/handoff/lock`, {})).status).toBe(200)
  })

  it('reads a section history from the log', async () => {
    await server.op('POST', D, { title: 'hist', content: '## s\n\nv1' })
    await server.op('PUT', `${D}/hist/sections/s`, { body: 'v2' })
    await server.op('PUT', `${D}/hist/sections/other`, { body: 'elsewhere' })
    await server.op('PUT', `${D}/hist/sections/s`, { body: 'v3' })
    const h = await server.op('GET', `${D}/hist/sections/s/history`)
    expect(h.body.items.map((e: { type: string }) => e.type)).toEqual(['doc.created', 'doc.section_written', 'doc.section_written'])
    expect(h.body.items[2].after.body).toBe('v3')
    expect(h.body.items[2].before.body).toBe('v2')
  })
})
