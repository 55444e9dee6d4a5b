/**
 * Claim intervals per agent, from the log: a claim starts at `row.claimed` and
 * ends at the next `row.released`, `row.transitioned` (leaving the claim) or
 * `row.lease_expired` for the same row.
 */
import type { DockEvent, Row } from '../../domain/types.js'

export type ClaimEnd = 'released' | 'transitioned' | 'lease_expired' | 'open' | 'superseded'

export interface ClaimInterval {
  readonly actor: string
  readonly table: string
  readonly rowId: string
  /** The row's title (or name) when the claim started, else its id. */
  readonly label: string
  readonly start: number
  /** null while the claim is still open. */
  readonly end: number | null
  readonly endKind: ClaimEnd
  /** Status the row went to when the claim ended. */
  readonly endStatus: string | null
  readonly startRevision: number
  readonly endRevision: number | null
}

export const CLAIM_EVENT_TYPES = ['row.claimed', 'row.released', 'row.transitioned', 'row.lease_expired'] as const

function labelOf(row: Partial<Row> | null, id: string): string {
  for (const k of ['title', 'name', 'summary']) {
    const v = row?.values?.[k]
    if (typeof v === 'string' && v.trim()) return v
  }
  return id
}

export function claimIntervals(events: readonly DockEvent[]): ClaimInterval[] {
  const open = new Map<string, { actor: string; table: string; label: string; start: number; startRevision: number }>()
  const out: ClaimInterval[] = []
  const sorted = [...events].sort((a, b) => a.revision - b.revision)
  const close = (key: string, e: DockEvent, endKind: ClaimEnd) => {
    const o = open.get(key)
    if (!o) return
    open.delete(key)
    const after = e.after as Partial<Row> | null
    out.push({
      actor: o.actor,
      table: o.table,
      rowId: key.slice(key.indexOf('\u0000') + 1),
      label: o.label,
      start: o.start,
      end: Date.parse(e.ts),
      endKind,
      endStatus: after?.status ?? e.target.status ?? null,
      startRevision: o.startRevision,
      endRevision: e.revision,
    })
  }
  for (const e of sorted) {
    if (e.target.kind !== 'row') continue
    const table = e.target.table ?? ''
    const key = `${table}\u0000${e.target.id}`
    const after = e.after as Partial<Row> | null
    switch (e.type) {
      case 'row.claimed': {
        if (open.has(key)) close(key, e, 'superseded')
        const actor = (after?.owner as string | undefined) ?? e.actor
        open.set(key, {
          actor,
          table,
          label: labelOf(after, e.target.id),
          start: Date.parse(e.ts),
          startRevision: e.revision,
        })
        break
      }
      case 'row.released':
        close(key, e, 'released')
        break
      case 'row.lease_expired':
        close(key, e, 'lease_expired')
        break
      case 'row.transitioned':
        // A transition that keeps the row claimed (owner still set) does not end the claim.
        if (!after || after.owner == null) close(key, e, 'transitioned')
        break
      default:
        break
    }
  }
  for (const [key, o] of open) {
    out.push({
      actor: o.actor,
      table: o.table,
      rowId: key.slice(key.indexOf('\u0000') + 1),
      label: o.label,
      start: o.start,
      end: null,
      endKind: 'open',
      endStatus: null,
      startRevision: o.startRevision,
      endRevision: null,
    })
  }
  return out.sort((a, b) => a.start - b.start)
}
