import { memo, useId } from 'react'
import type { Row, Table } from '../../domain/types.js'
import { rowHref } from '../hooks/useHashRoute.js'
import { rowTitle } from '../lib/rows.js'
import { formatTime } from '../lib/time.js'
import { LeaseCountdown } from './LeaseCountdown.js'

interface Props {
  readonly row: Row
  readonly table: Table
  /** Unfinished blockers, counted by the board (blockers in both directions are in the drawer). */
  readonly blockedBy: number
  readonly nameOf: (id: string | null | undefined) => string
  readonly asOfRevision?: number | undefined
  readonly selected?: boolean
}

/**
 * A card is a link to the row's drawer and a few facts. It stays small on
 * purpose (about a dozen DOM nodes): values, history and actions live in the
 * drawer, so a 2,000-row board stays light.
 */
export const RowCard = memo(function RowCard({ row, table, blockedBy, nameOf, asOfRevision, selected }: Props) {
  const titleId = useId()
  const title = rowTitle(row, table)
  const maxAttempts = table.workflow.claim?.maxAttempts
  return (
    <article
      className={`card${row.owner ? ' card-claimed' : ''}${selected ? ' card-selected' : ''}`}
      aria-labelledby={titleId}
      data-row-id={row.id}
      data-testid="row-card"
    >
      <h3 id={titleId} className="card-title">
        {asOfRevision === undefined ? <a href={rowHref(table.name, row.id)}>{title}</a> : title}
      </h3>
      <p className="card-facts small">
        <span data-testid="card-owner">{row.owner ? nameOf(row.owner) : <span className="muted">unclaimed</span>}</span>
        {row.owner && row.leaseExpiresAt && (
          <>
            {' '}
            ·{' '}
            {asOfRevision === undefined ? (
              <LeaseCountdown expiresAt={row.leaseExpiresAt} />
            ) : (
              <span>until {formatTime(row.leaseExpiresAt)}</span>
            )}
          </>
        )}
        {row.attempts > 0 && (
          <>
            {' '}
            · try {row.attempts}
            {maxAttempts ? `/${maxAttempts}` : ''}
          </>
        )}
        {row.priority !== 0 && <> · p{row.priority}</>}
        {blockedBy > 0 && (
          <>
            {' '}
            · <span className="badge badge-blocked">blocked by {blockedBy}</span>
          </>
        )}
      </p>
    </article>
  )
})
