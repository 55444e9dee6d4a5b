import type { DockEvent } from '../../domain/types.js'
import { useWorkspace } from '../hooks/useWorkspace.js'
import { describeTarget } from '../lib/eventFilter.js'
import { formatTime } from '../lib/time.js'

interface Props {
  readonly event: DockEvent
  /** Offered on row events: show the row's table as of this event's revision. */
  readonly onTimeTravel?: ((table: string, revision: number) => void) | undefined
}

export function EventItem({ event, onTimeTravel }: Props) {
  const { nameOf } = useWorkspace()
  const e = event
  return (
    <li className={`event event-${e.type.split('.')[0]}`} data-type={e.type} data-revision={e.revision}>
      <details>
        <summary>
          <span className="event-rev mono">#{e.revision}</span>
          <span className="event-type">{e.type}</span>
          <span className="event-actor">{e.actor === 'system' ? 'system' : nameOf(e.actor)}</span>
          <span className="event-target">{describeTarget(e, nameOf)}</span>
          <time className="event-time muted small" dateTime={e.ts}>{formatTime(e.ts)}</time>
        </summary>
        <dl className="event-detail">
          <div><dt>hash</dt><dd className="mono small">{e.hash}</dd></div>
          <div><dt>prev</dt><dd className="mono small">{e.prevHash}</dd></div>
          {e.requestId && <div><dt>request</dt><dd className="mono small">{e.requestId}</dd></div>}
          {e.signature && <div><dt>signed</dt><dd className="mono small">{e.signature.slice(0, 32)}…</dd></div>}
        </dl>
        {onTimeTravel && e.target.kind === 'row' && e.target.table && (
          <p className="event-actions">
            <button type="button" onClick={() => onTimeTravel(e.target.table!, e.revision)}>
              Show {e.target.table} as of #{e.revision}
            </button>
          </p>
        )}
        <div className="event-states">
          {e.before !== null && e.before !== undefined && (
            <div><h4>Before</h4><pre>{JSON.stringify(e.before, null, 2)}</pre></div>
          )}
          <div><h4>After</h4><pre>{JSON.stringify(e.after, null, 2)}</pre></div>
        </div>
      </details>
    </li>
  )
}
