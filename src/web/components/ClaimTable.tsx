import type { ClaimInterval } from '../lib/swimlanes.js'
import { formatDuration, formatTime } from '../lib/time.js'

interface Props {
  readonly intervals: readonly ClaimInterval[]
  readonly nameOf: (id: string) => string
  readonly now: number
}

/** The chart's data as a table: the accessible (and copyable) form of the swimlanes. */
export function ClaimTable({ intervals, nameOf, now }: Props) {
  return (
    <details className="claim-table">
      <summary>Claims as a table ({intervals.length})</summary>
      <div className="table-scroll">
        <table>
          <thead>
            <tr>
              <th scope="col">Agent</th>
              <th scope="col">Row</th>
              <th scope="col">Claimed</th>
              <th scope="col">Held</th>
              <th scope="col">Outcome</th>
            </tr>
          </thead>
          <tbody>
            {[...intervals].reverse().map((c) => (
              <tr key={`${c.table}/${c.rowId}@${c.startRevision}`}>
                <td>{nameOf(c.actor)}</td>
                <td>
                  {c.label}{' '}
                  <span className="mono small muted">
                    {c.table}/{c.rowId}
                  </span>
                </td>
                <td>{formatTime(new Date(c.start).toISOString())}</td>
                <td>{formatDuration((c.end ?? now) - c.start)}</td>
                <td>{c.endKind === 'transitioned' ? `→ ${c.endStatus ?? '?'}` : c.endKind.replace('_', ' ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  )
}
