import type { DockEvent } from '../../domain/types.js'
import { routeHref, rowHref } from '../hooks/useHashRoute.js'
import { useWorkspace } from '../hooks/useWorkspace.js'
import { sentenceOf, show, valueChanges } from '../lib/sentences.js'
import { formatTime } from '../lib/time.js'

interface Props {
  readonly event: DockEvent
  readonly docTitle?: (id: string) => string
  /** Offered on row events: show the row's table as of this event's revision. */
  readonly onTimeTravel?: ((table: string, revision: number) => void) | undefined
}

/** One event as a sentence with names and links; a row's value changes as a diff; the hashes behind a disclosure. */
export function EventItem({ event: e, docTitle, onTimeTravel }: Props) {
  const { nameOf } = useWorkspace()
  const s = sentenceOf(e, nameOf, docTitle)
  const t = e.target
  const href =
    t.kind === 'row' && t.table
      ? rowHref(t.table, t.id)
      : t.kind === 'doc'
        ? routeHref('docs', t.doc ?? t.id)
        : t.kind === 'table' && t.table
          ? routeHref('board', t.table)
          : t.kind === 'principal'
            ? routeHref('agents')
            : null
  const changes = e.type === 'row.updated' || e.type === 'row.transitioned' ? valueChanges(e, 'status') : []
  return (
    <li className={`event event-${e.type.split('.')[0]}`} data-type={e.type} data-revision={e.revision}>
      <p className="event-sentence">
        <time className="event-time muted small" dateTime={e.ts}>
          {formatTime(e.ts)}
        </time>{' '}
        <strong className="event-actor">{s.actor}</strong> {s.verb}{' '}
        {s.object && (href ? <a href={href}>{s.object}</a> : <span>{s.object}</span>)} {s.detail}
        <span className="event-rev mono muted small"> #{e.revision}</span>
      </p>
      {changes.length > 0 && (
        <ul className="diff">
          {changes.map((c) => (
            <li key={c.key}>
              <span className="diff-key">{c.key}</span>: <del>{show(c.before)}</del> → <ins>{show(c.after)}</ins>
            </li>
          ))}
        </ul>
      )}
      <details className="event-more">
        <summary className="small">
          Details<span className="visually-hidden"> of event {e.revision}</span>
        </summary>
        <dl className="event-detail">
          <div>
            <dt>type</dt>
            <dd className="mono small">{e.type}</dd>
          </div>
          <div>
            <dt>hash</dt>
            <dd className="mono small">{e.hash}</dd>
          </div>
          <div>
            <dt>prev</dt>
            <dd className="mono small">{e.prevHash}</dd>
          </div>
          {e.requestId && (
            <div>
              <dt>request</dt>
              <dd className="mono small">{e.requestId}</dd>
            </div>
          )}
          {e.signature && (
            <div>
              <dt>signed</dt>
              <dd className="mono small">{e.signature.slice(0, 32)}…</dd>
            </div>
          )}
        </dl>
        {onTimeTravel && t.kind === 'row' && t.table && (
          <p className="event-actions">
            <button type="button" onClick={() => onTimeTravel(t.table!, e.revision)}>
              Show {t.table} as of #{e.revision}
            </button>
          </p>
        )}
      </details>
    </li>
  )
}
