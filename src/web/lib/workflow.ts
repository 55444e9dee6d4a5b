/** What the signed-in principal may do to a row, predicted from the contract the server enforces. */
import { isWriter } from '../../domain/roles.js'
import type { Principal, Row, Table, Transition } from '../../domain/types.js'

export interface MoveOption {
  readonly to: string
  /** Why the gate will refuse, when it will; the server has the last word either way. */
  readonly refusal: string | null
}

/**
 * One option per target status reachable from the row's status whose `by`
 * names the principal (a role it holds, `owner` while it holds the claim, or
 * `any`). A `require` that fails still yields the option, with the reason, so
 * a human sees why rather than a missing button.
 */
export function moveOptions(table: Table, row: Row, me: Principal, now: number): MoveOption[] {
  const byTarget = new Map<string, MoveOption>()
  for (const t of table.workflow.transitions) {
    if (t.from !== row.status && t.from !== '*') continue
    if (t.to === row.status || !admits(t, row, me, now)) continue
    const refusal = requireRefusal(t, row, me)
    const prev = byTarget.get(t.to)
    if (prev === undefined || (prev.refusal !== null && refusal === null)) byTarget.set(t.to, { to: t.to, refusal })
  }
  return [...byTarget.values()]
}

function admits(t: Transition, row: Row, me: Principal, now: number): boolean {
  return t.by.some((who) => {
    // `any` means any worker (src/domain/roles.ts): a reviewer-only principal is not admitted by it.
    if (who === 'any') return isWriter(me.roles)
    if (who === 'owner')
      return row.owner === me.id && row.leaseExpiresAt !== null && Date.parse(row.leaseExpiresAt) > now
    return (me.roles as readonly string[]).includes(who)
  })
}

function requireRefusal(t: Transition, row: Row, me: Principal): string | null {
  for (const r of t.require ?? []) {
    if (r === 'not:author' && row.author === me.id) return 'the author cannot approve its own work'
    if (r === 'not:owner' && row.owner === me.id) return 'the owner cannot make this move'
  }
  return null
}

/** Review gates the principal's roles open: transitions out of a status that keep the author out. */
export function reviewTransitions(table: Table, me: Principal): Transition[] {
  return table.workflow.transitions.filter(
    (t) =>
      t.from !== '*' &&
      (t.require ?? []).includes('not:author') &&
      t.by.some((who) => (me.roles as readonly string[]).includes(who)),
  )
}

/** For one review status: the approving move (into a done status) and the sending-back one. */
export function reviewMoves(
  table: Table,
  me: Principal,
  status: string,
): { approve: string | null; sendBack: string | null } {
  const ts = reviewTransitions(table, me).filter((t) => t.from === status)
  const approve = ts.find((t) => table.workflow.done.includes(t.to))?.to ?? null
  const sendBack = ts.find((t) => !table.workflow.done.includes(t.to))?.to ?? null
  return { approve, sendBack }
}

/** The fencing token to send when the principal holds the row's claim (owners must show it). */
export function tokenFor(row: Row, me: Principal): number | undefined {
  return row.owner === me.id ? row.fencingToken : undefined
}
