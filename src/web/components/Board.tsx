import { useMemo } from 'react'
import type { Row, Table } from '../../domain/types.js'
import { BoardColumn } from './BoardColumn.js'

interface Props {
  readonly table: Table
  readonly rows: readonly Row[]
  /** Set when showing a past state: lease countdowns are shown as fixed times. */
  readonly asOfRevision?: number
}

/** Columns by workflow status; rows in a status the workflow no longer lists get their own column. */
export function Board({ table, rows, asOfRevision }: Props) {
  const byId = useMemo(() => new Map(rows.map((r) => [r.id, r])), [rows])
  const columns = useMemo(() => {
    const statuses = [...table.workflow.statuses]
    for (const r of rows) if (!statuses.includes(r.status)) statuses.push(r.status)
    return statuses.map((status) => ({
      status,
      rows: rows.filter((r) => r.status === status).sort((a, b) => b.priority - a.priority || a.seq - b.seq),
    }))
  }, [table, rows])

  return (
    <div className="board" data-testid={asOfRevision === undefined ? 'board' : 'board-as-of'} data-table={table.name}>
      {columns.map((c) => (
        <BoardColumn key={c.status} table={table} status={c.status} rows={c.rows} rowsById={byId} asOfRevision={asOfRevision} />
      ))}
    </div>
  )
}
