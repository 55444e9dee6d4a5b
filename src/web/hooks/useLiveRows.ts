import { useEffect, useRef, useState } from 'react'
import type { DockEvent, Row, Table } from '../../domain/types.js'
import { describeError, listAllRows } from '../lib/dock.js'
import { applyRowEvent, isRowEvent } from '../lib/replay.js'
import { rowTitle } from '../lib/rows.js'
import { useFeed, useWorkspace } from './useWorkspace.js'

export interface LiveRows {
  readonly table: Table | null
  readonly rows: readonly Row[]
  readonly error: string | null
  readonly loading: boolean
}

/**
 * A table and its rows, kept current from the change feed. Events that arrive
 * while the first load is in flight are buffered and applied after it; a row
 * event only replaces a row when it is at least as new (by version).
 */
export function useLiveRows(tableName: string | null, retry = 0): LiveRows {
  const { api, announce, nameOf, epoch } = useWorkspace()
  const [state, setState] = useState<LiveRows>({ table: null, rows: [], error: null, loading: true })
  const buffer = useRef<DockEvent[] | null>(null)
  const tableRef = useRef<Table | null>(null)

  useEffect(() => {
    if (!tableName) {
      setState({ table: null, rows: [], error: null, loading: false })
      return
    }
    let cancelled = false
    buffer.current = []
    // A reload after a reconnect keeps showing the last rows until the fresh ones arrive.
    setState((s) =>
      s.table?.name === tableName ? { ...s, loading: true } : { table: null, rows: [], error: null, loading: true },
    )
    void (async () => {
      try {
        const [table, rows] = await Promise.all([api.getTable(tableName), listAllRows(api, tableName)])
        if (cancelled) return
        const pending = buffer.current ?? []
        buffer.current = null
        tableRef.current = table
        let merged: Row[] = rows.slice().sort((a, b) => a.seq - b.seq)
        for (const e of pending) merged = applyRowEvent(merged, e)
        setState({ table, rows: merged, error: null, loading: false })
      } catch (err) {
        if (!cancelled) {
          buffer.current = null
          setState((s) => ({ ...s, error: describeError(err), loading: false }))
        }
      }
    })()
    return () => {
      cancelled = true
    }
  }, [api, tableName, epoch, retry])

  useFeed((e) => {
    if (!tableName) return
    if (e.type === 'table.schema_published' && e.target.table === tableName) {
      void api.getTable(tableName).then(
        (table) => {
          tableRef.current = table
          setState((s) => ({ ...s, table }))
        },
        () => undefined,
      )
      return
    }
    if (!isRowEvent(e) || e.target.table !== tableName) return
    if (buffer.current) {
      buffer.current.push(e)
      return
    }
    setState((s) => ({ ...s, rows: applyRowEvent(s.rows, e) }))
    const row = e.after as Row | null
    if (row && e.type !== 'row.heartbeat' && e.type !== 'row.updated' && e.type !== 'row.note_added') {
      const title = rowTitle(row, tableRef.current ?? undefined)
      const verb = e.type === 'row.created' ? 'added to' : 'moved to'
      announce(`${title} ${verb} ${row.status} by ${nameOf(e.actor)}`)
    }
  })

  return state
}
