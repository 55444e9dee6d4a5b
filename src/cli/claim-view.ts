import type { Claim } from '../client/index.js'
import { formatUntil } from './format.js'

export function renderClaim(verb: string, claim: Claim): string {
  const { row, lease } = claim
  return `${verb} ${row.table}/${row.id} (${row.status}): fencing token ${lease.token}, lease until ${lease.expiresAt} (${formatUntil(lease.expiresAt)})\n`
}
