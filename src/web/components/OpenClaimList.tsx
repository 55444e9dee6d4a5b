import type { OpenClaim } from '../api/dock.js'
import { routeHref } from '../hooks/useHashRoute.js'
import { LeaseCountdown } from './LeaseCountdown.js'

export function OpenClaimList({ claims }: { readonly claims: readonly OpenClaim[] }) {
  if (claims.length === 0) return <p className="muted small">No open claims.</p>
  return (
    <div className="open-claims">
      <h3>Open claims ({claims.length})</h3>
      <ul>
        {claims.map((c) => (
          <li key={`${c.table}/${c.id}`}>
            <a href={routeHref('board', c.table)}>{c.table}</a> <span className="mono small">{c.id}</span> · {c.status}
            {c.leaseExpiresAt && <> · <LeaseCountdown expiresAt={c.leaseExpiresAt} /></>}
          </li>
        ))}
      </ul>
    </div>
  )
}
