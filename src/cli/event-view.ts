import type { EventFilters } from '../client/index.js'
import type { DockEvent } from '../domain/types.js'
import type { Names } from './names.js'

/** One event as a line: `#42 12:03:04.120 worker-2 row.claimed tasks/r_1 → in_progress`. */
export function renderEventLine(event: DockEvent, names: Names): string {
  const time = event.ts.length >= 23 ? event.ts.slice(11, 23) : event.ts
  return `#${event.revision} ${time} ${names.principal(event.actor)} ${event.type} ${describeTarget(event, names)}\n`
}

/** Loads the names `renderEventLine` shows for these events. */
export async function loadEventNames(events: readonly DockEvent[], names: Names): Promise<void> {
  await Promise.all([
    names.loadPrincipals(events.map((e) => e.actor)),
    names.loadDocs(
      events.filter((e) => e.target.kind === 'doc' && titleOf(e) === undefined).map((e) => e.target.doc ?? e.target.id),
    ),
  ])
}

export function describeTarget(event: DockEvent, names: Names): string {
  const t = event.target
  switch (t.kind) {
    case 'row':
      return `${t.table ?? '?'}/${t.id}${t.status === undefined ? '' : ` → ${t.status}`}`
    case 'doc':
      return `doc ${titleOf(event) ?? names.doc(t.doc ?? t.id)}${t.section === undefined ? '' : `#${t.section}`}`
    case 'table':
      return `table ${t.table ?? t.id}`
    case 'principal':
      return `principal ${nameOf(event.after) ?? t.id}`
    case 'workspace':
      return `workspace ${nameOf(event.after) ?? t.id}`
  }
}

function titleOf(event: DockEvent): string | undefined {
  const after = event.after as { title?: unknown; doc?: { title?: unknown } } | null
  if (typeof after?.title === 'string') return after.title
  return typeof after?.doc?.title === 'string' ? after.doc.title : undefined
}

function nameOf(value: unknown): string | undefined {
  const v = value as { name?: unknown } | null
  return typeof v?.name === 'string' ? v.name : undefined
}

/** Filter flags shared by `watch` and `log`. */
export interface FilterOptions {
  table?: string[]
  status?: string[]
  doc?: string[]
  actor?: string[]
  type?: string[]
  row?: string[]
}

export function filtersFrom(opts: FilterOptions): EventFilters {
  return {
    ...(opts.table === undefined ? {} : { table: opts.table }),
    ...(opts.status === undefined ? {} : { status: opts.status }),
    ...(opts.doc === undefined ? {} : { doc: opts.doc }),
    ...(opts.actor === undefined ? {} : { actor: opts.actor }),
    ...(opts.type === undefined ? {} : { type: opts.type as EventFilters['type'] & string[] }),
    ...(opts.row === undefined ? {} : { row: opts.row }),
  }
}
