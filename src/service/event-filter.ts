import type { DockEvent } from '../domain/types.js'

/** Watch and log filters; every present field must match, any value within a field may. */
export interface EventFilter {
  readonly tables?: readonly string[] | undefined
  readonly statuses?: readonly string[] | undefined
  readonly docs?: readonly string[] | undefined
  readonly actors?: readonly string[] | undefined
  /** Exact types, or prefixes written `row.*`. */
  readonly types?: readonly string[] | undefined
  /** Row ids: events whose target is one of these rows (a row's own timeline and notes). */
  readonly rows?: readonly string[] | undefined
}

export function eventMatches(e: DockEvent, f: EventFilter): boolean {
  if (f.tables !== undefined && (e.target.table === undefined || !f.tables.includes(e.target.table))) return false
  if (f.statuses !== undefined && (e.target.status === undefined || !f.statuses.includes(e.target.status))) return false
  if (f.docs !== undefined && (e.target.doc === undefined || !f.docs.includes(e.target.doc))) return false
  if (f.rows !== undefined && (e.target.kind !== 'row' || !f.rows.includes(e.target.id))) return false
  if (f.actors !== undefined && !f.actors.includes(e.actor)) return false
  if (
    f.types !== undefined &&
    !f.types.some((t) => (t.endsWith('.*') ? e.type.startsWith(t.slice(0, -1)) : e.type === t))
  )
    return false
  return true
}
