import type { Row, Table } from '../../domain/types.js'
import { rowTitle } from '../lib/rows.js'

interface Props {
  readonly blockedBy: readonly string[]
  readonly rowsById: ReadonlyMap<string, Row>
  readonly table: Table
}

export function RowBlockers({ blockedBy, rowsById, table }: Props) {
  return (
    <div className="blockers">
      <span className="blockers-label">Blocked by</span>
      <ul>
        {blockedBy.map((id) => {
          const r = rowsById.get(id)
          const done = r ? table.workflow.done.includes(r.status) : false
          return (
            <li key={id} className={done ? 'blocker blocker-done' : 'blocker'}>
              <span className="blocker-mark" aria-hidden="true" /> {r ? rowTitle(r, table) : id}
              <span className="visually-hidden">{r ? ` (${r.status}${done ? ', done' : ''})` : ' (other table)'}</span>
              {r && (
                <span className="muted small" aria-hidden="true">
                  {' '}
                  · {r.status}
                </span>
              )}
            </li>
          )
        })}
      </ul>
    </div>
  )
}
