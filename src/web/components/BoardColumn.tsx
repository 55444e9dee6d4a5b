import { useId } from 'react'
import type { Row, Table } from '../../domain/types.js'
import { RowCard } from './RowCard.js'

interface Props {
  readonly table: Table
  readonly status: string
  readonly rows: readonly Row[]
  readonly rowsById: ReadonlyMap<string, Row>
  readonly asOfRevision?: number | undefined
}

export function BoardColumn({ table, status, rows, rowsById, asOfRevision }: Props) {
  const headingId = useId()
  const wf = table.workflow
  const kind = wf.done.includes(status) ? 'done' : wf.claim?.deadLetter === status ? 'dead' : wf.claim?.to === status ? 'active' : 'open'
  return (
    <section className={`board-column column-${kind}`} aria-labelledby={headingId} data-status={status}>
      <h2 id={headingId} className="column-title">
        <span>{status.replace(/_/g, ' ')}</span>
        <span className="count">{rows.length}<span className="visually-hidden"> {rows.length === 1 ? 'row' : 'rows'}</span></span>
      </h2>
      {rows.length === 0 ? (
        <p className="column-empty muted">Nothing here</p>
      ) : (
        <ul className="cards">
          {rows.map((r) => (
            <li key={r.id}>
              <RowCard row={r} table={table} rowsById={rowsById} asOfRevision={asOfRevision} />
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}
