import { useId } from 'react'
import type { Row, Table } from '../../domain/types.js'
import { useWorkspace } from '../hooks/useWorkspace.js'
import { rowTitle } from '../lib/rows.js'
import { formatTime } from '../lib/time.js'
import { LeaseCountdown } from './LeaseCountdown.js'
import { RowBlockers } from './RowBlockers.js'
import { RowValues } from './RowValues.js'

interface Props {
  readonly row: Row
  readonly table: Table
  readonly rowsById: ReadonlyMap<string, Row>
  readonly asOfRevision?: number | undefined
}

export function RowCard({ row, table, rowsById, asOfRevision }: Props) {
  const { nameOf } = useWorkspace()
  const titleId = useId()
  const title = rowTitle(row, table)
  const maxAttempts = table.workflow.claim?.maxAttempts
  return (
    <article className={`card${row.owner ? ' card-claimed' : ''}`} aria-labelledby={titleId} data-row-id={row.id} data-testid="row-card">
      <h3 id={titleId} className="card-title">{title}</h3>
      <dl className="card-facts">
        <div>
          <dt>Owner</dt>
          <dd data-testid="card-owner">{row.owner ? nameOf(row.owner) : <span className="muted">unclaimed</span>}</dd>
        </div>
        {row.owner && row.leaseExpiresAt && (
          <div>
            <dt>Lease</dt>
            <dd>
              {asOfRevision === undefined
                ? <LeaseCountdown expiresAt={row.leaseExpiresAt} />
                : <span title="Lease expiry at that revision">until {formatTime(row.leaseExpiresAt)}</span>}
            </dd>
          </div>
        )}
        {(row.attempts > 0 || maxAttempts) && (
          <div>
            <dt>Attempts</dt>
            <dd>{row.attempts}{maxAttempts ? ` / ${maxAttempts}` : ''}</dd>
          </div>
        )}
        {row.priority !== 0 && (
          <div>
            <dt>Priority</dt>
            <dd>{row.priority}</dd>
          </div>
        )}
        {row.requiredSkills.length > 0 && (
          <div>
            <dt>Skills</dt>
            <dd>{row.requiredSkills.join(', ')}</dd>
          </div>
        )}
      </dl>
      {row.blockedBy.length > 0 && <RowBlockers blockedBy={row.blockedBy} rowsById={rowsById} table={table} />}
      <RowValues row={row} table={table} />
    </article>
  )
}
