/**
 * The statements written once, rendered for each dialect: where the dialects
 * differ, and only there, the text differs.
 */
import { describe, expect, it } from 'vitest'

import { POSTGRES, SQLITE } from '../../src/storage/sql/dialect.js'
import * as sql from '../../src/storage/sql/statements.js'

describe('SQL statements through the dialect seam', () => {
  it('one status is a plain equality on both; several are an array parameter on PostgreSQL and an IN list on SQLite', () => {
    const one = { workspaceId: 'w1', table: 'tasks', statuses: ['todo'], order: 'seq', limit: 50 } as const
    for (const d of [POSTGRES, SQLITE]) {
      expect(sql.queryRows(d, one)).toEqual({
        text: 'SELECT data FROM rows WHERE workspace_id = $1 AND table_name = $2 AND status = $3 ORDER BY seq ASC LIMIT $4',
        values: ['w1', 'tasks', 'todo', 50],
      })
    }
    const several = { ...one, statuses: ['todo', 'doing'] }
    expect(sql.queryRows(POSTGRES, several)).toEqual({
      text: 'SELECT data FROM rows WHERE workspace_id = $1 AND table_name = $2 AND status = ANY($3::text[]) ORDER BY seq ASC LIMIT $4',
      values: ['w1', 'tasks', ['todo', 'doing'], 50],
    })
    expect(sql.queryRows(SQLITE, several)).toEqual({
      text: 'SELECT data FROM rows WHERE workspace_id = $1 AND table_name = $2 AND status IN ($3, $4) ORDER BY seq ASC LIMIT $5',
      values: ['w1', 'tasks', 'todo', 'doing', 50],
    })
    expect(sql.queryRows(SQLITE, { ...one, statuses: [] })).toBeNull()
  })

  it('the claim order pages on (priority, seq) with one parameter for the priority', () => {
    const q = {
      workspaceId: 'w1',
      table: 'tasks',
      order: 'claim',
      afterKey: { priority: 2, seq: 9 },
      unownedAt: 1000,
      limit: 1,
    } as const
    expect(sql.queryRows(POSTGRES, q)).toEqual({
      text: 'SELECT data FROM rows WHERE workspace_id = $1 AND table_name = $2 AND (owner IS NULL OR lease_expires_at < $3) AND (priority < $4 OR (priority = $4 AND seq > $5)) ORDER BY priority DESC, seq ASC LIMIT $6',
      values: ['w1', 'tasks', 1000, 2, 9, 1],
    })
  })

  it('log filters become conditions on the indexed columns; a type prefix is a substring test, not LIKE', () => {
    expect(
      sql.listEvents(SQLITE, 'w1', 5, 100, { tables: ['bugs'], rows: ['r1', 'r2'], types: ['row.*', 'doc.created'] }),
    ).toEqual({
      text: 'SELECT data FROM events WHERE workspace_id = $1 AND revision > $2 AND table_name = $3 AND row_id IN ($4, $5) AND (type = $6 OR substr(type, 1, 4) = $7) ORDER BY revision LIMIT $8',
      values: ['w1', 5, 'bugs', 'r1', 'r2', 'doc.created', 'row.', 100],
    })
    expect(sql.listEvents(POSTGRES, 'w1', 0, 10, { actors: ['p1', 'p2'] })?.text).toBe(
      'SELECT data FROM events WHERE workspace_id = $1 AND revision > $2 AND actor = ANY($3::text[]) ORDER BY revision LIMIT $4',
    )
    expect(sql.listEvents(POSTGRES, 'w1', 0, 10, { docs: [] })).toBeNull()
    expect(sql.listEvents(SQLITE, 'w1', 0, 10)).toEqual({
      text: 'SELECT data FROM events WHERE workspace_id = $1 AND revision > $2 ORDER BY revision LIMIT $3',
      values: ['w1', 0, 10],
    })
  })

  it('JSON paths for migrations: PostgreSQL casts the text record, SQLite reads it as is', () => {
    expect(POSTGRES.jsonText('data', ['target', 'table'])).toBe("(data::json #>> '{target,table}')")
    expect(SQLITE.jsonText('data', ['target', 'table'])).toBe("json_extract(data, '$.target.table')")
  })
})
