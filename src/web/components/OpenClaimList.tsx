import { useEffect, useState } from 'react'
import type { OpenClaim } from '../../client/api-types.js'
import { rowHref } from '../hooks/useHashRoute.js'
import { useWorkspace } from '../hooks/useWorkspace.js'
import { rowTitle } from '../lib/rows.js'
import { LeaseCountdown } from './LeaseCountdown.js'

/** Titles rarely change; one read per claimed row per page load is enough. */
const titles = new Map<string, string>()

function ClaimTitle({ claim }: { readonly claim: OpenClaim }) {
  const { api } = useWorkspace()
  const key = `${claim.table}/${claim.id}`
  const [title, setTitle] = useState(titles.get(key) ?? null)
  useEffect(() => {
    if (title !== null) return
    let cancelled = false
    api.getRow(claim.table, claim.id).then(
      (r) => {
        const t = rowTitle(r)
        titles.set(key, t)
        if (!cancelled) setTitle(t)
      },
      () => undefined,
    )
    return () => {
      cancelled = true
    }
  }, [api, claim.table, claim.id, key, title])
  return <a href={rowHref(claim.table, claim.id)}>{title ?? claim.id}</a>
}

export function OpenClaimList({ claims }: { readonly claims: readonly OpenClaim[] }) {
  if (claims.length === 0) return <p className="muted small">No open claims.</p>
  return (
    <div className="open-claims">
      <h4>Open claims ({claims.length})</h4>
      <ul>
        {claims.map((c) => (
          <li key={`${c.table}/${c.id}`}>
            <ClaimTitle claim={c} />{' '}
            <span className="muted small">
              {c.table} · {c.status}
            </span>
            {c.leaseExpiresAt && (
              <>
                {' '}
                · <LeaseCountdown expiresAt={c.leaseExpiresAt} />
              </>
            )}
          </li>
        ))}
      </ul>
    </div>
  )
}
