import { useEffect, useRef } from 'react'
import { rowHref, routeHref } from '../hooks/useHashRoute.js'
import { useResource } from '../hooks/useResource.js'
import { useFeed, useWorkspace } from '../hooks/useWorkspace.js'
import { formatDuration, formatTime } from '../lib/time.js'
import { LeaseCountdown } from '../components/LeaseCountdown.js'
import { LoadProblem, StaleNote } from '../components/LoadProblem.js'

const STATE_LABEL = {
  working: 'working',
  stuck: 'stuck (silent while holding a claim)',
  idle: 'idle',
  suspended: 'suspended',
} as const

/** The home view: how the crew is doing, from GET /v1/workspaces/:ws/stats, refreshed as the log moves. */
export function HealthView() {
  const { api, nameOf } = useWorkspace()
  const stats = useResource((signal) => api.stats({ signal }), [api])
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null)
  const reload = stats.reload
  // At most one re-read per second however busy the crew: the figures are a summary, not a feed.
  useFeed((e) => {
    if (e.type === 'row.heartbeat' || timer.current) return
    timer.current = setTimeout(() => {
      timer.current = null
      reload()
    }, 1000)
  })
  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current)
    },
    [],
  )
  const s = stats.data
  const agents = s?.agents.filter((a) => a.kind === 'agent') ?? []
  const doneTotal = s?.agents.reduce((n, a) => n + a.doneLastHour, 0) ?? 0

  return (
    <div className="health-view">
      <div className="view-toolbar">
        <h1>Crew health</h1>
        {s && (
          <span className="muted small">
            rev {s.revision} · from the last {s.window.events} events
            {s.window.since ? ` (since ${formatTime(s.window.since)})` : ''}
          </span>
        )}
        <StaleNote stale={stats.stale} />
      </div>
      {stats.error && <LoadProblem error={stats.error} onRetry={stats.reload} what="the crew's figures" />}
      {!s && !stats.error && (
        <p className="loading" role="status">
          Loading…
        </p>
      )}
      {s && (
        <>
          <ul className="tiles" aria-label="Summary">
            <li className="tile">
              <a href={routeHref('inbox')}>
                <span className="tile-n" data-testid="review-waiting">
                  {s.review.waiting}
                </span>{' '}
                waiting for review
              </a>
              {s.review.oldestAgeMs !== null && (
                <span className="small muted"> oldest {formatDuration(s.review.oldestAgeMs)}</span>
              )}
            </li>
            <li className="tile">
              <span className="tile-n">{s.leasesExpiringSoon.rows.length}</span> leases expiring within{' '}
              {s.leasesExpiringSoon.soonMs / 1000}s
            </li>
            <li className="tile">
              <span className="tile-n">{agents.filter((a) => a.state === 'stuck').length}</span> stuck ·{' '}
              <span className="tile-n">{agents.filter((a) => a.state === 'idle').length}</span> idle agents
            </li>
            <li className="tile">
              <a href={routeHref('dead')}>
                <span className="tile-n" data-testid="dead-total">
                  {s.deadLetters.total}
                </span>{' '}
                dead letters
              </a>
            </li>
            <li className="tile">
              <span className="tile-n">{doneTotal}</span> tasks done in the last hour
            </li>
          </ul>
          <div className="health-grid">
            <section className="panel" aria-labelledby="h-review">
              <h2 id="h-review">Review backlog</h2>
              {s.review.rows.length === 0 ? (
                <p className="muted">Nothing waits for review.</p>
              ) : (
                <ul className="plain">
                  {s.review.rows.map((r) => (
                    <li key={r.id}>
                      <a href={rowHref(r.table, r.id)}>{r.title}</a>{' '}
                      <span className="muted small">
                        {r.table} · waiting {formatDuration(r.ageMs)}
                      </span>
                    </li>
                  ))}
                </ul>
              )}
            </section>
            <section className="panel" aria-labelledby="h-leases">
              <h2 id="h-leases">Leases about to expire</h2>
              {s.leasesExpiringSoon.rows.length === 0 ? (
                <p className="muted">None within {s.leasesExpiringSoon.soonMs / 1000}s.</p>
              ) : (
                <ul className="plain">
                  {s.leasesExpiringSoon.rows.map((r) => (
                    <li key={r.id}>
                      <a href={rowHref(r.table, r.id)}>{r.title}</a>{' '}
                      <span className="small">
                        {nameOf(r.owner)} · <LeaseCountdown expiresAt={r.expiresAt} />
                      </span>
                    </li>
                  ))}
                </ul>
              )}
            </section>
            <section className="panel wide" aria-labelledby="h-agents">
              <h2 id="h-agents">Agents</h2>
              <table className="data-table">
                <thead>
                  <tr>
                    <th scope="col">Agent</th>
                    <th scope="col">State</th>
                    <th scope="col">Open claims</th>
                    <th scope="col">Done in the last hour</th>
                    <th scope="col">Leases lost</th>
                    <th scope="col">Last active</th>
                  </tr>
                </thead>
                <tbody>
                  {agents.map((a) => (
                    <tr key={a.id} data-agent={a.name}>
                      <th scope="row">{a.name}</th>
                      <td>
                        <span className={`badge state-${a.state}`}>{STATE_LABEL[a.state]}</span>
                      </td>
                      <td>{a.openClaims}</td>
                      <td>{a.doneLastHour}</td>
                      <td>{a.leaseExpiries}</td>
                      <td>
                        {a.lastActiveAt ? formatTime(a.lastActiveAt) : <span className="muted">not in the window</span>}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
            <section className="panel" aria-labelledby="h-dead">
              <h2 id="h-dead">Dead letters</h2>
              {s.deadLetters.rows.length === 0 ? (
                <p className="muted">None.</p>
              ) : (
                <ul className="plain">
                  {s.deadLetters.rows.map((r) => (
                    <li key={r.id}>
                      <a href={rowHref(r.table, r.id)}>{r.title}</a> <span className="muted small">{r.table}</span>
                    </li>
                  ))}
                </ul>
              )}
              <p>
                <a href={routeHref('dead')}>Open the dead letter</a>
              </p>
            </section>
          </div>
        </>
      )}
    </div>
  )
}
