import { useCallback, useMemo } from 'react'
import type { Row, Table } from '../../domain/types.js'
import { useWorkspace } from '../hooks/useWorkspace.js'
import { BoardColumn } from './BoardColumn.js'

interface Props {
  readonly table: Table
  readonly rows: readonly Row[]
  /** Every row of the table (the filter may hide blockers; blocked counts still see them). */
  readonly allRows?: readonly Row[]
  /** Set when showing a past state: lease countdowns are shown as fixed times. */
  readonly asOfRevision?: number
  readonly selectedId?: string | null
  readonly compact?: boolean
}

/** Columns by workflow status; rows in a status the workflow no longer lists get their own column. */
export function Board({ table, rows, allRows, asOfRevision, selectedId, compact }: Props) {
  const { nameOf } = useWorkspace()
  const byId = useMemo(() => new Map((allRows ?? rows).map((r) => [r.id, r])), [allRows, rows])
  const blockersOf = useCallback(
    (r: Row) =>
      r.blockedBy.filter((id) => {
        const b = byId.get(id)
        return !b || !table.workflow.done.includes(b.status)
      }).length,
    [byId, table],
  )
  const columns = useMemo(() => {
    const statuses = [...table.workflow.statuses]
    const by = new Map<string, Row[]>(statuses.map((s) => [s, []]))
    for (const r of rows) {
      let list = by.get(r.status)
      if (!list) {
        list = []
        by.set(r.status, list)
        statuses.push(r.status)
      }
      list.push(r)
    }
    return statuses.map((status) => ({
      status,
      rows: (by.get(status) ?? []).sort((a, b) => b.priority - a.priority || a.seq - b.seq),
    }))
  }, [table, rows])

  return (
    <div
      className={`board${compact ? ' board-compact' : ''}`}
      data-testid={asOfRevision === undefined ? 'board' : 'board-as-of'}
      data-table={table.name}
    >
      {columns.map((c) => (
        <BoardColumn
          key={c.status}
          table={table}
          status={c.status}
          rows={c.rows}
          blockersOf={blockersOf}
          nameOf={nameOf}
          asOfRevision={asOfRevision}
          selectedId={selectedId ?? null}
        />
      ))}
    </div>
  )
}
