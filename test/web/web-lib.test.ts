/** Unit tests for the web UI's pure logic: SSE parsing, time travel, swimlanes, markdown escaping. */
import { describe, expect, it } from 'vitest'
import type { DockEvent, Row } from '../../src/domain/types.js'
import type { Principal, Table } from '../../src/domain/types.js'
import { moveOptions, reviewMoves } from '../../src/web/lib/workflow.js'
import { deadLetterReason, sentenceOf, valueChanges } from '../../src/web/lib/sentences.js'
import { applyRowEvent, rowsAsOf } from '../../src/web/lib/replay.js'
import { claimIntervals } from '../../src/web/lib/swimlanes.js'
import { renderMarkdown, safeUrl } from '../../src/web/lib/markdown.js'
import { matchesFilters } from '../../src/web/lib/eventFilter.js'
import { formatRemaining } from '../../src/web/lib/time.js'

function row(id: string, over: Partial<Row> = {}): Row {
  return {
    id,
    workspaceId: 'w',
    table: 't',
    values: {},
    status: 'todo',
    version: 1,
    revision: 1,
    contractVersion: 1,
    createdBy: 'p',
    updatedBy: 'p',
    createdAt: '',
    updatedAt: '',
    owner: null,
    leaseExpiresAt: null,
    fencingToken: 0,
    attempts: 0,
    author: 'p',
    claimedFrom: null,
    blockedBy: [],
    requiredSkills: [],
    priority: 0,
    seq: 1,
    ...over,
  }
}

function ev(revision: number, type: DockEvent['type'], after: unknown, over: Partial<DockEvent> = {}): DockEvent {
  const r = after as Row | null
  return {
    workspaceId: 'w',
    revision,
    ts: new Date(Date.UTC(2026, 0, 1, 0, 0, revision)).toISOString(),
    actor: r?.owner ?? 'p',
    type,
    target: { kind: 'row', id: r?.id ?? 'x', table: 't', ...(r?.status ? { status: r.status } : {}) },
    before: null,
    after,
    requestId: null,
    signature: null,
    prevHash: '',
    hash: '',
    ...over,
  }
}

describe('workflow: moves and review gates as the UI predicts them', () => {
  const table = {
    name: 't',
    workflow: {
      statusColumn: 'status',
      statuses: ['todo', 'in_progress', 'ready_for_review', 'done'],
      initial: 'todo',
      done: ['done'],
      claim: null,
      transitions: [
        { from: 'in_progress', to: 'ready_for_review', by: ['owner'] },
        { from: 'ready_for_review', to: 'done', by: ['reviewer'], require: ['not:author'] },
        { from: 'ready_for_review', to: 'todo', by: ['reviewer'], require: ['not:author'] },
      ],
    },
  } as unknown as Table
  const reviewer = { id: 'rv', roles: ['reviewer'] } as unknown as Principal
  const author = { id: 'p', roles: ['reviewer', 'member'] } as unknown as Principal

  it("offers one move per target, with the gate's refusal for the author", () => {
    const r = row('a', { status: 'ready_for_review', author: 'p' })
    expect(moveOptions(table, r, reviewer, 0)).toEqual([
      { to: 'done', refusal: null },
      { to: 'todo', refusal: null },
    ])
    expect(moveOptions(table, r, author, 0).map((o) => o.refusal)).toEqual([
      'the author cannot approve its own work',
      'the author cannot approve its own work',
    ])
  })

  it('lets only the live owner take owner moves', () => {
    const mine = row('b', { status: 'in_progress', owner: 'rv', leaseExpiresAt: new Date(10_000).toISOString() })
    expect(moveOptions(table, mine, reviewer, 5_000).map((o) => o.to)).toEqual(['ready_for_review'])
    expect(moveOptions(table, mine, reviewer, 20_000)).toEqual([])
  })

  it('splits a review status into approve (to done) and send back', () => {
    expect(reviewMoves(table, reviewer, 'ready_for_review')).toEqual({ approve: 'done', sendBack: 'todo' })
    expect(reviewMoves(table, { id: 'm', roles: ['member'] } as unknown as Principal, 'ready_for_review')).toEqual({
      approve: null,
      sendBack: null,
    })
  })
})

describe('sentences and diffs', () => {
  it('says what happened with names, and diffs values', () => {
    const before = row('a', { values: { title: 'Spec', area: 'x' } })
    const after = row('a', { values: { title: 'Spec', area: 'y' }, version: 2 })
    const e = ev(5, 'row.updated', after, { actor: 'u1', before })
    expect(sentenceOf(e, (id) => (id === 'u1' ? 'ada' : id))).toMatchObject({
      actor: 'ada',
      verb: 'edited',
      object: '“Spec”',
    })
    expect(valueChanges(e)).toEqual([{ key: 'area', before: 'x', after: 'y' }])
  })

  it("explains a dead letter from the row's lease expiries", () => {
    const exp = (rev: number, owner: string) => ev(rev, 'row.lease_expired', row('a'), { before: row('a', { owner }) })
    expect(deadLetterReason([exp(1, 'w4'), exp(2, 'w4'), exp(3, 'w4')], (id) => (id === 'w4' ? 'worker-4' : id))).toBe(
      'lease expired 3× under worker-4',
    )
    expect(deadLetterReason([], (id) => id)).toBe('moved here by a transition')
  })

  it('leaves rows alone on notes when rebuilding a past table', () => {
    const created = ev(1, 'row.created', row('a', { values: { title: 'x' } }))
    const note = ev(
      2,
      'row.note_added',
      { text: 'hi' },
      { target: { kind: 'row', id: 'a', table: 't', status: 'todo' } },
    )
    expect(rowsAsOf([created, note], 't', 2).map((r) => r.values['title'])).toEqual(['x'])
  })
})

describe('time travel', () => {
  const events = [
    ev(1, 'row.created', row('a', { version: 1, seq: 1 })),
    ev(2, 'row.created', row('b', { version: 1, seq: 2 })),
    ev(3, 'row.claimed', row('a', { version: 2, status: 'in_progress', owner: 'agent', seq: 1 })),
    ev(4, 'row.transitioned', row('a', { version: 3, status: 'done', seq: 1 })),
    ev(5, 'row.created', row('c', { version: 1, seq: 3 }), { target: { kind: 'row', id: 'c', table: 'other' } }),
  ]
  it('takes the latest after per row at or below the revision', () => {
    expect(rowsAsOf(events, 't', 0)).toEqual([])
    expect(rowsAsOf(events, 't', 1).map((r) => [r.id, r.status])).toEqual([['a', 'todo']])
    expect(rowsAsOf(events, 't', 3).map((r) => [r.id, r.status, r.owner])).toEqual([
      ['a', 'in_progress', 'agent'],
      ['b', 'todo', null],
    ])
    expect(rowsAsOf(events, 't', 99).map((r) => [r.id, r.status])).toEqual([
      ['a', 'done'],
      ['b', 'todo'],
    ])
  })
  it('is independent of event order and ignores other tables', () => {
    expect(rowsAsOf([...events].reverse(), 't', 3).map((r) => r.status)).toEqual(['in_progress', 'todo'])
  })
  it('live merge keeps the newest version', () => {
    const rows = [row('a', { version: 3, status: 'done' })]
    expect(applyRowEvent(rows, ev(9, 'row.claimed', row('a', { version: 2, status: 'in_progress' })))[0]!.status).toBe(
      'done',
    )
    expect(applyRowEvent(rows, ev(9, 'row.updated', row('a', { version: 4, status: 'todo' })))[0]!.status).toBe('todo')
    expect(applyRowEvent(rows, ev(9, 'row.created', row('z', { seq: 0 }))).map((r) => r.id)).toEqual(['z', 'a'])
  })
})

describe('swimlanes', () => {
  it('turns claim events into intervals per agent', () => {
    const out = claimIntervals([
      ev(1, 'row.claimed', row('a', { owner: 'ag1', status: 'in_progress' })),
      ev(2, 'row.claimed', row('b', { owner: 'ag2', status: 'in_progress' })),
      ev(3, 'row.transitioned', row('a', { owner: null, status: 'ready_for_review' })),
      ev(4, 'row.lease_expired', row('b', { owner: null, status: 'todo' }), { actor: 'system' }),
      ev(5, 'row.claimed', row('b', { owner: 'ag1', status: 'in_progress' })),
    ])
    expect(out.map((c) => [c.actor, c.rowId, c.endKind, c.endStatus, c.end === null])).toEqual([
      ['ag1', 'a', 'transitioned', 'ready_for_review', false],
      ['ag2', 'b', 'lease_expired', 'todo', false],
      ['ag1', 'b', 'open', null, true],
    ])
    expect(out[0]!.end! - out[0]!.start).toBe(2000)
  })
  it('a transition that keeps the owner does not end the claim', () => {
    const out = claimIntervals([
      ev(1, 'row.claimed', row('a', { owner: 'ag1', status: 'in_progress' })),
      ev(2, 'row.transitioned', row('a', { owner: 'ag1', status: 'testing' })),
      ev(3, 'row.released', row('a', { owner: null, status: 'todo' })),
    ])
    expect(out.map((c) => c.endKind)).toEqual(['released'])
  })
})

describe('markdown', () => {
  it('escapes raw HTML instead of rendering it', () => {
    const html = renderMarkdown(
      'Hello <script>alert(1)</script>\n\n<div onclick="x()">block</div>\n\n<img src=x onerror=alert(1)>',
    )
    expect(html).not.toMatch(/<script|<div|<img/i)
    expect(html).toContain('&lt;script&gt;')
  })
  it('renders markdown and drops unsafe link schemes', () => {
    const html = renderMarkdown('# T\n\n**b** [ok](https://x.dev) [bad](javascript:alert(1)) ![i](data:text/html,x)')
    expect(html).toContain('<strong>b</strong>')
    expect(html).toContain('href="https://x.dev"')
    expect(html).not.toMatch(/javascript:|data:text/)
    expect(safeUrl(' JaVa\tscript:alert(1)')).toBeNull()
    expect(safeUrl('/relative#x')).toBe('/relative#x')
  })
})

describe('trail filters and formatting', () => {
  it('matches like the server: comma lists and type prefixes', () => {
    const e = ev(1, 'row.claimed', row('a', { owner: 'ag1' }))
    expect(matchesFilters(e, { type: 'row.*' })).toBe(true)
    expect(matchesFilters(e, { type: 'doc.*,row.claimed' })).toBe(true)
    expect(matchesFilters(e, { type: 'doc.*' })).toBe(false)
    expect(matchesFilters(e, { actor: 'ag2,ag1', table: 't' })).toBe(true)
    expect(matchesFilters(e, { table: 'other' })).toBe(false)
  })
  it('formats countdowns', () => {
    expect(formatRemaining(-1)).toBe('expired')
    expect(formatRemaining(4_500)).toBe('5s')
    expect(formatRemaining(125_000)).toBe('2m 05s')
    expect(formatRemaining(3_700_000)).toBe('1h 01m')
  })
})
