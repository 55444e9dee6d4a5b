import { useEffect, useRef } from 'react'
import type { DockEvent, Row, Table } from '../../domain/types.js'
import { rowHref } from '../hooks/useHashRoute.js'
import { useResource } from '../hooks/useResource.js'
import { useFeed, useWorkspace } from '../hooks/useWorkspace.js'
import { useConfirmedAction } from '../hooks/useConfirmedAction.js'
import { listAllRows } from '../lib/dock.js'
import { rowTitle } from '../lib/rows.js'
import { deadLetterReason } from '../lib/sentences.js'
import { formatTime } from '../lib/time.js'
import { ConfirmDialog } from '../components/ConfirmDialog.js'
import { LoadProblem, StaleNote } from '../components/LoadProblem.js'

interface DeadRow {
  readonly table: Table
  readonly row: Row
  readonly events: readonly DockEvent[]
}

/** Rows in a dead-letter status, each with why it got there (from its own events) and, for operators, Requeue. */
export function DeadLetterView() {
  const { api } = useWorkspace()
  const dead = useResource(
    async (signal) => {
      const out: DeadRow[] = []
      for (const table of await api.listTables({ signal })) {
        const status = table.workflow.claim?.deadLetter
        if (!status) continue
        for (const row of await listAllRows(api, table.name, { status }, signal)) {
          const page = await api.events(
            { row: row.id, type: ['row.lease_expired', 'row.transitioned'], limit: 1000 },
            { signal },
          )
          out.push({ table, row, events: page.items })
        }
      }
      return out
    },
    [api],
  )
  const reload = dead.reload
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null)
  // One re-read per burst: each dead row costs a log query, so a busy crew must not trigger one per event.
  useFeed((e) => {
    if (e.type !== 'row.lease_expired' && e.type !== 'row.requeued' && e.type !== 'row.transitioned') return
    if (timer.current) return
    timer.current = setTimeout(() => {
      timer.current = null
      reload()
    }, 500)
  })
  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current)
    },
    [],
  )
  const items = dead.data ?? []
  return (
    <div className="dead-view">
      <div className="view-toolbar">
        <h1>Dead letter</h1>
        <span className="muted small">{items.length} rows</span>
        <StaleNote stale={dead.stale} />
      </div>
      {dead.error && <LoadProblem error={dead.error} onRetry={dead.reload} what="the dead letter" />}
      {!dead.data && !dead.error && (
        <p className="loading" role="status">
          Loading…
        </p>
      )}
      {dead.data && items.length === 0 && <p className="empty">No dead letters.</p>}
      {items.length > 0 && (
        <ul className="plain dead-list">
          {items.map((d) => (
            <DeadEntry key={d.row.id} item={d} />
          ))}
        </ul>
      )}
    </div>
  )
}

function DeadEntry({ item }: { readonly item: DeadRow }) {
  const { api, nameOf, isOperator, announce } = useWorkspace()
  const { table, row } = item
  const title = rowTitle(row, table)
  const confirm = useConfirmedAction(
    () => api.requeue(table.name, row.id, { expectedVersion: row.version }),
    () => announce(`${title} requeued`),
  )
  return (
    <li className="panel" data-row-id={row.id}>
      <h2 className="card-title">
        <a href={rowHref(table.name, row.id)}>{title}</a>
      </h2>
      <p>
        <span className="muted small">
          {table.name} · {row.status} since {formatTime(row.updatedAt)} ·{' '}
        </span>
        <span data-testid="dead-reason">{deadLetterReason(item.events, (id) => nameOf(id))}</span>
      </p>
      {isOperator && (
        <button type="button" onClick={confirm.ask}>
          Requeue<span className="visually-hidden"> {title}</span>
        </button>
      )}
      <ConfirmDialog
        open={confirm.open}
        title={`Requeue ${title}?`}
        confirmLabel="Requeue"
        busy={confirm.busy}
        error={confirm.error}
        onConfirm={() => void confirm.confirm()}
        onCancel={confirm.cancel}
      >
        <p>
          It goes back to {table.workflow.claim?.from[0] ?? table.workflow.initial} with its attempts reset, and workers
          may claim it again.
        </p>
      </ConfirmDialog>
    </li>
  )
}
