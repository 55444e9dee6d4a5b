import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { createAgent, revisionOf, startTestServer, type TestServer } from '../helpers/test-world.js'

const D = '/v1/workspaces/default/docs'

describe('docs: scoped and preconditioned writes', () => {
  let server: TestServer

  beforeAll(async () => {
    server = await startTestServer()
  })
  afterAll(() => server.close())

  it('splits markdown into sections with stable keys, versions and editors', async () => {
    const res = await server.op('POST', D, {
      title: 'spec',
      content:
        'Intro line\n\n# Goals\n\nShip it.\n\n## Risks\n\nNone.\n\n```\n# not a heading\n```\n\n## Risks\n\nTwice.',
    })
    expect(res.status).toBe(201)
    expect(res.body.sections.map((s: { key: string }) => s.key)).toEqual(['_preamble', 'goals', 'risks', 'risks-2'])
    expect(res.body.sections[2].body).toContain('# not a heading')
    expect(
      res.body.sections.every((s: { version: number; editedBy: string }) => s.version === 1 && s.editedBy !== ''),
    ).toBe(true)
    const md = await fetch(`${server.url}${D}/spec?format=markdown`, {
      headers: { authorization: 'Bearer op-test-key' },
    })
    expect(await md.text()).toContain('## Risks\n\nNone.')
  })

  it('8 agents writing 8 sections of one doc concurrently never conflict', async () => {
    const sections = Array.from({ length: 8 }, (_, i) => `part-${i}`)
    const doc = await server.op('POST', D, {
      title: 'shared',
      content: sections.map((k) => `## ${k}\n\nempty`).join('\n\n'),
    })
    const agents = await Promise.all(sections.map((_, i) => createAgent(server, `writer-${i}`)))
    let conflicts = 0
    await Promise.all(
      agents.map(async ({ api }, i) => {
        for (let round = 1; round <= 10; round++) {
          const cur = await api('GET', `${D}/${doc.body.id}/sections/part-${i}`)
          const res = await api('PUT', `${D}/${doc.body.id}/sections/part-${i}`, {
            body: `agent ${i} round ${round}`,
            expectedVersion: cur.body.version,
          })
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
    const ok = await server.op('PUT', `${D}/whole`, {
      content: '## keep\n\nsame\n\n## change\n\nnew\n\n## added\n\nhi',
      expectedVersion: doc.body.version,
    })
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
    const replaced = await other.api('PUT', `${D}/laned`, {
      content: '## mine\n\nstolen\n\n## open\n\nfine',
      expectedVersion: cur.body.version,
    })
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

  it('a stale lock holder cannot write or unlock once its lock ended, even after the successor unlocked (finding 11)', async () => {
    const a = await createAgent(server, 'stale-holder')
    const b = await createAgent(server, 'successor-holder')
    await server.op('POST', D, { title: 'relay', content: '## baton\n\nstart' })
    const first = await a.api('POST', `${D}/relay/lock`, { leaseMs: 100 })
    const t1 = first.body.lock.token as number
    // The holder must carry the token: a tokenless write under its own live lock is refused.
    const tokenless = await a.api('PUT', `${D}/relay/sections/baton`, { body: 'no token' })
    expect(tokenless.status).toBe(428)
    expect(tokenless.body.code).toBe('precondition_required')
    await new Promise((r) => setTimeout(r, 250))
    const second = await b.api('POST', `${D}/relay/lock`, { leaseMs: 60_000 })
    expect(second.status).toBe(200)
    const t2 = second.body.lock.token as number
    expect(t2).toBeGreaterThan(t1)
    // While the successor holds it: locked.
    expect((await a.api('PUT', `${D}/relay/sections/baton`, { body: 'late', lockToken: t1 })).body.code).toBe(
      'doc_locked',
    )
    expect((await a.api('POST', `${D}/relay/unlock`, { token: t1 })).body.code).toBe('doc_locked')
    // A wrong token from the holder itself is refused too.
    expect((await b.api('PUT', `${D}/relay/sections/baton`, { body: 'x', lockToken: t1 })).body.code).toBe(
      'lease_expired',
    )
    expect((await b.api('PUT', `${D}/relay/sections/baton`, { body: 'relayed', lockToken: t2 })).status).toBe(200)
    expect((await b.api('POST', `${D}/relay/unlock`, {})).body.code).toBe('precondition_required')
    expect((await b.api('POST', `${D}/relay/unlock`, { token: t2 })).status).toBe(200)
    // After the successor unlocked, the stale holder's write under its old lock is still refused.
    const before = await revisionOf(server.op)
    const late = await a.api('PUT', `${D}/relay/sections/baton`, { body: 'clobber', lockToken: t1 })
    expect(late.status).toBe(409)
    expect(late.body.code).toBe('lease_expired')
    const lateReplace = await a.api('PUT', `${D}/relay`, {
      content: '## baton\n\nclobber',
      expectedVersion: (await server.op('GET', `${D}/relay`)).body.version,
      lockToken: t1,
    })
    expect(lateReplace.body.code).toBe('lease_expired')
    expect(await revisionOf(server.op)).toBe(before)
    expect((await server.op('GET', `${D}/relay/sections/baton`)).body.body).toBe('relayed')
  })

  it('a section body cannot forge the doc structure: headings and unclosed fences are refused (finding 10)', async () => {
    await server.op('POST', D, { title: 'forge', content: '## first\n\none\n\n## second\n\ntwo' })
    const before = await revisionOf(server.op)
    for (const body of [
      'fine\n\n## injected\n\nnew section',
      '# top',
      '```\nnever closed\n\n## still code?',
      '~~~\nopen',
    ]) {
      const res = await server.op('PUT', `${D}/forge/sections/first`, { body })
      expect(res.status, body).toBe(400)
      expect(res.body.code).toBe('invalid_input')
      expect(['heading_in_section_body', 'unclosed_code_fence']).toContain(res.body.details.reason)
    }
    expect(await revisionOf(server.op)).toBe(before)
    // A heading inside a closed fence is code, not structure.
    expect((await server.op('PUT', `${D}/forge/sections/first`, { body: '```md\n## example\n```' })).status).toBe(200)
    const md = await fetch(`${server.url}${D}/forge?format=markdown`, {
      headers: { authorization: 'Bearer op-test-key' },
    }).then((r) => r.text())
    const reparsed = await server.op('POST', D, { title: 'forge-copy', content: md })
    expect(reparsed.body.sections.map((s: { key: string }) => s.key)).toEqual(['first', 'second'])
  })

  it('reads a section history from the log', async () => {
    await server.op('POST', D, { title: 'hist', content: '## s\n\nv1' })
    await server.op('PUT', `${D}/hist/sections/s`, { body: 'v2' })
    await server.op('PUT', `${D}/hist/sections/other`, { body: 'elsewhere' })
    await server.op('PUT', `${D}/hist/sections/s`, { body: 'v3' })
    const h = await server.op('GET', `${D}/hist/sections/s/history`)
    expect(h.body.items.map((e: { type: string }) => e.type)).toEqual([
      'doc.created',
      'doc.section_written',
      'doc.section_written',
    ])
    expect(h.body.items[2].after.body).toBe('v3')
    expect(h.body.items[2].before.body).toBe('v2')
  })
})
