/** The trail's filters, applied the same way the server applies them, for live events. */
import type { DockEvent } from '../../domain/types.js'

/** The trail's filters as the form holds them: comma-separated strings, sent as-is to the API. */
export interface EventFilters {
  readonly table?: string
  readonly doc?: string
  readonly actor?: string
  readonly type?: string
  readonly status?: string
  readonly row?: string
}

export function matchesFilters(e: DockEvent, f: EventFilters): boolean {
  if (f.actor && !f.actor.split(',').includes(e.actor)) return false
  if (f.table && !f.table.split(',').includes(e.target.table ?? '')) return false
  if (f.doc && !f.doc.split(',').includes(e.target.doc ?? (e.target.kind === 'doc' ? e.target.id : ''))) return false
  if (f.row && !(e.target.kind === 'row' && f.row.split(',').includes(e.target.id))) return false
  if (f.type) {
    const ok = f.type.split(',').some((t) => (t.endsWith('.*') ? e.type.startsWith(t.slice(0, -1)) : e.type === t))
    if (!ok) return false
  }
  return true
}

export function describeTarget(e: DockEvent, nameOf: (id: string) => string = (id) => id): string {
  const t = e.target
  const after = e.after as { title?: unknown; values?: Record<string, unknown> } | null
  switch (t.kind) {
    case 'row': {
      const title = typeof after?.values?.title === 'string' ? ` “${after.values.title}”` : ''
      return `${t.table ?? '?'} / ${t.id}${title}${t.status ? ` → ${t.status}` : ''}`
    }
    case 'doc':
      return `doc ${typeof after?.title === 'string' ? after.title : (t.doc ?? t.id)}${t.section ? ` § ${t.section}` : ''}`
    case 'principal':
      return `principal ${nameOf(t.id)}`
    case 'table':
      return `table ${t.table ?? t.id}`
    default:
      return `${t.kind} ${t.id}`
  }
}
