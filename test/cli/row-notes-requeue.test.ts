import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import type { RowNote, RowNotePage } from '../../src/client/index.js'
import type { Row } from '../../src/domain/types.js'
import { json, startCliServer, type CliServer } from './cli-harness.js'

describe('dock row note|notes|requeue and dock log --row', () => {
  let srv: CliServer
  let row: Row

  beforeAll(async () => {
    srv = await startCliServer()
    const table = await srv.run([
      'table',
      'create',
      'jobs',
      '-c',
      'title:text!',
      '--statuses',
      'todo,in_progress,done,failed',
      '--max-attempts',
      '1',
      '--json',
    ])
    expect(table.code, table.stderr).toBe(0)
    row = json<Row>(await srv.run(['row', 'add', 'jobs', 'title=flaky', '--json']))
  })

  afterAll(() => srv.close())

  it('adds a note and lists it, attributed', async () => {
    const added = await srv.run(['row', 'note', 'jobs', row.id, 'needs', 'a', 'retry', '--json'])
    expect(added.code, added.stderr).toBe(0)
    expect(json<RowNote>(added)).toMatchObject({ text: 'needs a retry', rowId: row.id })
    const listed = await srv.run(['row', 'notes', 'jobs', row.id])
    expect(listed.stdout).toMatch(/operator: needs a retry/)
    expect(json<RowNotePage>(await srv.run(['row', 'notes', 'jobs', row.id, '--json'])).items).toHaveLength(1)
  })

  it("log --row shows only that row's events", async () => {
    await srv.run(['row', 'add', 'jobs', 'title=other', '--json'])
    const log = json<{ items: { target: { id: string }; type: string }[] }>(
      await srv.run(['log', '--row', row.id, '--json']),
    )
    expect(log.items.map((e) => e.type)).toEqual(['row.created', 'row.note_added'])
    expect(log.items.every((e) => e.target.id === row.id)).toBe(true)
  })

  it('requeue refuses a live row, and returns a dead letter to todo', async () => {
    const refused = await srv.run(['row', 'requeue', 'jobs', row.id])
    expect(refused.code).not.toBe(0)
    expect(refused.stderr).toContain('transition_not_allowed')
    await srv.run(['claim', 'jobs', row.id, '--lease', '0.05'])
    let status = ''
    for (let i = 0; i < 100 && status !== 'failed'; i++) {
      await new Promise((r) => setTimeout(r, 50))
      status = json<Row>(await srv.run(['row', 'get', 'jobs', row.id, '--json'])).status
    }
    expect(status).toBe('failed')
    const ok = await srv.run(['row', 'requeue', 'jobs', row.id])
    expect(ok.code, ok.stderr).toBe(0)
    expect(ok.stdout).toContain(`requeued jobs/${row.id} to todo`)
  })
})
