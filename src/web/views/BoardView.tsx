import { useEffect, useState } from 'react'
import type { Table } from '../../domain/types.js'
import { describeError } from '../api/client.js'
import { routeHref } from '../hooks/useHashRoute.js'
import { useLiveRows } from '../hooks/useLiveRows.js'
import { useFeed, useWorkspace } from '../hooks/useWorkspace.js'
import { Board } from '../components/Board.js'
import { TableSelect } from '../components/TableSelect.js'

/** The live board of one table: a column per workflow status. */
export function BoardView({ tableName }: { readonly tableName: string | null }) {
  const { api } = useWorkspace()
  const [tables, setTables] = useState<readonly Table[] | null>(null)
  const [error, setError] = useState<string | null>(null)

  useEffect(() => {
    let cancelled = false
    api.tables().then((t) => { if (!cancelled) setTables(t) }, (err) => { if (!cancelled) setError(describeError(err)) })
    return () => { cancelled = true }
  }, [api])

  useFeed((e) => {
    if (e.type === 'table.created' || e.type === 'table.schema_published') {
      void api.tables().then(setTables, () => undefined)
    }
  })

  const selected = tableName ?? tables?.[0]?.name ?? null
  const live = useLiveRows(selected)

  return (
    <div className="board-view">
      <div className="view-toolbar">
        <h1>Board</h1>
        {tables && tables.length > 0 && (
          <TableSelect
            tables={tables}
            value={selected}
            onChange={(name) => { window.location.hash = routeHref('board', name) }}
          />
        )}
        {live.table && (
          <span className="muted small">contract v{live.table.contractVersion} · {live.rows.length} rows</span>
        )}
      </div>
      {error && <p className="error" role="alert">{error}</p>}
      {tables && tables.length === 0 && <p className="empty">No tables yet. Create one with the API, the CLI or an agent.</p>}
      {live.error && <p className="error" role="alert">{live.error}</p>}
      {live.loading && selected && <p className="loading" role="status">Loading {selected}…</p>}
      {live.table && <Board table={live.table} rows={live.rows} />}
    </div>
  )
}
