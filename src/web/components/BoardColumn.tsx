import { useId, useState } from 'react'
import type { Row, Table } from '../../domain/types.js'
import { RowCard } from './RowCard.js'

/** Cards shown per column before "Show more": keeps a 2,000-row board to a few thousand DOM nodes. */
export const COLUMN_PAGE = 25

interface Props {
  readonly table: Table
  readonly status: string
  readonly rows: readonly Row[]
  readonly blockersOf: (row: Row) => number
  readonly nameOf: (id: string | null | undefined) => string
  readonly asOfRevision?: number | undefined
  readonly selectedId?: string | null
}

export function BoardColumn({ table, status, rows, blockersOf, nameOf, asOfRevision, selectedId }: Props) {
  const headingId = useId()
  const [shown, setShown] = useState(COLUMN_PAGE)
  const wf = table.workflow
  const kind = wf.done.includes(status)
    ? 'done'
    : wf.claim?.deadLetter === status
      ? 'dead'
      : wf.claim?.to === status
        ? 'active'
        : 'open'
  const visible = rows.slice(0, shown)
  const hidden = rows.length - visible.length
  return (
    <section className={`board-column column-${kind}`} aria-labelledby={headingId} data-status={status}>
      <h2 id={headingId} className="column-title">
        <span>{status.replace(/_/g, ' ')}</span>
        <span className="count">
          {rows.length}
          <span className="visually-hidden"> {rows.length === 1 ? 'row' : 'rows'}</span>
        </span>
      </h2>
      {rows.length === 0 ? (
        <p className="column-empty muted">Nothing here</p>
      ) : (
        <ul className="cards">
          {visible.map((r) => (
            <li key={r.id}>
              <RowCard
                row={r}
                table={table}
                blockedBy={blockersOf(r)}
                nameOf={nameOf}
                asOfRevision={asOfRevision}
                selected={r.id === selectedId}
              />
            </li>
          ))}
        </ul>
      )}
      {hidden > 0 && (
        <button type="button" className="show-more" onClick={() => setShown((n) => n + COLUMN_PAGE * 2)}>
          Show more<span className="visually-hidden"> in {status.replace(/_/g, ' ')}</span> ({hidden} hidden)
        </button>
      )}
    </section>
  )
}
