import { DockError } from './errors.js'
import { isWriter } from './roles.js'
import type { Principal, Row, Table, Transition } from './types.js'

/** True when the row has an owner whose lease has not run out at `now`. */
export function hasLiveClaim(row: Row, now: number): boolean {
  return row.owner !== null && row.leaseExpiresAt !== null && Date.parse(row.leaseExpiresAt) > now
}

/**
 * The fencing rule for a write by the row's claimant. Order matters: a token
 * older than the row's newest claim is stale whoever holds the row now, so the
 * late writer learns it was superseded rather than merely "not owner".
 */
export function checkFencing(row: Row, caller: Principal, token: number | undefined, now: number): void {
  if (token !== undefined && token < row.fencingToken) {
    throw new DockError(
      'stale_fencing_token',
      `fencing token ${token} is older than the row's current token ${row.fencingToken}`,
      {
        details: { current: row, currentToken: row.fencingToken },
      },
    )
  }
  if (row.owner !== caller.id) {
    if (token !== undefined && token === row.fencingToken && row.owner === null) {
      throw new DockError('lease_expired', `the lease of token ${token} on row ${row.id} has ended`, {
        details: { current: row },
      })
    }
    if (row.owner !== null && hasLiveClaim(row, now)) {
      throw new DockError('already_claimed', `row ${row.id} is claimed by ${row.owner}`, { details: { current: row } })
    }
    throw new DockError('not_owner', `row ${row.id} is not claimed by ${caller.name}`, { details: { current: row } })
  }
  if (token === undefined) {
    throw new DockError('precondition_required', 'writes by the claimant must carry the fencingToken of the claim', {
      details: { current: row },
    })
  }
  if (token > row.fencingToken) {
    throw new DockError('invalid_input', `fencing token ${token} was never issued for row ${row.id}`)
  }
  if (!hasLiveClaim(row, now)) {
    throw new DockError('lease_expired', `the lease on row ${row.id} expired at ${row.leaseExpiresAt}`, {
      details: { current: row },
    })
  }
}

/** Finds the transition from the row's status to `to` whose gate admits `caller`, or says why none does. */
export function findTransition(table: Table, row: Row, to: string, caller: Principal, now: number): Transition {
  const candidates = table.workflow.transitions.filter((t) => (t.from === row.status || t.from === '*') && t.to === to)
  if (candidates.length === 0) {
    throw new DockError('transition_not_allowed', `table ${table.name} has no transition ${row.status} → ${to}`, {
      details: { current: row, from: row.status, to },
    })
  }
  const reasons: string[] = []
  for (const t of candidates) {
    const why = gateRefusal(t, row, caller, now)
    if (why === null) return t
    reasons.push(why)
  }
  throw new DockError(
    'transition_not_allowed',
    `${caller.name} may not move row ${row.id} ${row.status} → ${to}: ${reasons.join('; ')}`,
    {
      details: { current: row, from: row.status, to, reasons },
    },
  )
}

function gateRefusal(t: Transition, row: Row, caller: Principal, now: number): string | null {
  const admitted = t.by.some((who) => {
    // `any` means any worker (member or operator); a reviewer-only principal takes only
    // the transitions that name a role it holds (src/domain/roles.ts).
    if (who === 'any') return isWriter(caller.roles)
    if (who === 'owner') return row.owner === caller.id && hasLiveClaim(row, now)
    return (caller.roles as readonly string[]).includes(who)
  })
  if (!admitted) return `needs one of [${t.by.join(', ')}]`
  for (const r of t.require ?? []) {
    if (r === 'not:author' && row.author === caller.id) return 'the author cannot approve its own work'
    if (r === 'not:owner' && row.owner === caller.id) return 'the owner cannot make this move'
  }
  return null
}

/** Required skills must all be among the principal's skills. */
export function hasSkills(row: Row, principal: Principal): boolean {
  return row.requiredSkills.every((s) => principal.skills.includes(s))
}
