import { describe, expect, it } from 'vitest'

import { buildTableInput } from '../../src/cli/commands/table-create.js'
import { formatCell, renderTable } from '../../src/cli/format.js'
import { parseAssignments, parseColumnSpec, parseDuration, parseTransitionSpec } from '../../src/cli/parse.js'

describe('CLI argument parsing', () => {
  it.each([
    ['title', { name: 'title', type: 'text' }],
    ['title:text!', { name: 'title', type: 'text', required: true }],
    ['points:integer=1', { name: 'points', type: 'integer', default: 1 }],
    ['kind:enum(bug|feature)!', { name: 'kind', type: 'enum', values: ['bug', 'feature'], required: true }],
    ['parent:ref(tasks)', { name: 'parent', type: 'ref', table: 'tasks' }],
    ['done:boolean=false', { name: 'done', type: 'boolean', default: false }],
  ])('column spec %s', (spec, column) => {
    expect(parseColumnSpec(spec)).toEqual(column)
  })

  it('refuses bad column specs with a usage error', () => {
    expect(() => parseColumnSpec('x:varchar')).toThrow(expect.objectContaining({ code: 'usage' }))
    expect(() => parseColumnSpec('x:text(a)')).toThrow(expect.objectContaining({ code: 'usage' }))
    expect(() => parseColumnSpec('9lives')).toThrow(expect.objectContaining({ code: 'usage' }))
  })

  it('parses transitions', () => {
    expect(parseTransitionSpec('in_progress->ready_for_review by owner')).toEqual({
      from: 'in_progress',
      to: 'ready_for_review',
      by: ['owner'],
    })
    expect(parseTransitionSpec('ready_for_review -> done by reviewer,operator require not:author')).toEqual({
      from: 'ready_for_review',
      to: 'done',
      by: ['reviewer', 'operator'],
      require: ['not:author'],
    })
    expect(parseTransitionSpec('*->failed')).toEqual({ from: '*', to: 'failed', by: ['any'] })
    expect(() => parseTransitionSpec('todo done')).toThrow(expect.objectContaining({ code: 'usage' }))
  })

  it('parses durations', () => {
    expect(parseDuration('1500ms')).toBe(1500)
    expect(parseDuration('10')).toBe(10_000)
    expect(parseDuration('30s')).toBe(30_000)
    expect(parseDuration('5m')).toBe(300_000)
    expect(parseDuration('1.5h')).toBe(5_400_000)
    expect(() => parseDuration('soon')).toThrow(expect.objectContaining({ code: 'usage' }))
  })

  it('types assignments by the columns', () => {
    const columns = [
      { name: 'points', type: 'integer' as const },
      { name: 'urgent', type: 'boolean' as const },
      { name: 'meta', type: 'json' as const },
    ]
    expect(parseAssignments(['points=3', 'urgent=yes', 'meta={"a":1}', 'title=a=b', 'tags:=["x"]'], columns)).toEqual({
      points: 3,
      urgent: true,
      meta: { a: 1 },
      title: 'a=b',
      tags: ['x'],
    })
    expect(() => parseAssignments(['points=many'], columns)).toThrow(expect.objectContaining({ code: 'usage' }))
    expect(() => parseAssignments(['oops'], columns)).toThrow(expect.objectContaining({ code: 'usage' }))
  })

  it('builds a default claimable workflow when no workflow flag is given', () => {
    expect(buildTableInput('bugs', {})).toEqual({
      name: 'bugs',
      columns: [],
      workflow: {
        statuses: ['todo', 'in_progress', 'done'],
        claim: { from: ['todo'], to: 'in_progress' },
        transitions: [{ from: 'in_progress', to: 'done', by: ['owner'] }],
      },
    })
    expect(buildTableInput('notes', { claim: false, statuses: ['open', 'closed'] }).workflow).toEqual({
      statuses: ['open', 'closed'],
      claim: null,
    })
    expect(() => buildTableInput(undefined, {})).toThrow(expect.objectContaining({ code: 'usage' }))
  })

  it('takes the claim rule as from:to and columns as specs (the README session)', () => {
    expect(
      buildTableInput('tasks', {
        statuses: ['todo', 'in_progress', 'ready_for_review', 'done', 'failed'],
        claim: 'todo:in_progress',
        columns: 'title:text!,points:integer=1',
        lease: '45s',
      }),
    ).toEqual({
      name: 'tasks',
      columns: [
        { name: 'title', type: 'text', required: true },
        { name: 'points', type: 'integer', default: 1 },
      ],
      workflow: {
        statuses: ['todo', 'in_progress', 'ready_for_review', 'done', 'failed'],
        claim: { from: ['todo'], to: 'in_progress', leaseMs: 45_000 },
      },
    })
    expect(
      buildTableInput('t', { claim: 'todo,blocked:doing', statuses: ['todo', 'blocked', 'doing'] }).workflow.claim,
    ).toEqual({
      from: ['todo', 'blocked'],
      to: 'doing',
    })
    expect(() => buildTableInput('t', { claim: 'in_progress' })).toThrow(expect.objectContaining({ code: 'usage' }))
  })
})

describe('CLI output formatting', () => {
  it('aligns columns and shows empty cells as -', () => {
    expect(
      renderTable(
        ['id', 'status', 'skills'],
        [
          ['r_1', 'todo', []],
          ['r_22', 'in_progress', ['ts', 'sql']],
        ],
      ),
    ).toBe('ID    STATUS       SKILLS\nr_1   todo         -\nr_22  in_progress  ts,sql\n')
  })

  it('keeps cells on one line', () => {
    expect(formatCell('a\nb')).toBe('a ⏎ b')
    expect(formatCell({ a: 1 })).toBe('{"a":1}')
    expect(formatCell('x'.repeat(80))).toHaveLength(60)
  })
})
