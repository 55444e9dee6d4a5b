/** Events as plain sentences, and row changes as value diffs instead of JSON dumps. */
import type { DockEvent, Row } from '../../domain/types.js'

export interface ValueChange {
  readonly key: string
  readonly before: unknown
  readonly after: unknown
}

export function show(v: unknown): string {
  if (v === null || v === undefined) return '—'
  if (typeof v === 'string') return v
  return JSON.stringify(v)
}

function asRow(v: unknown): Row | null {
  return v !== null &&
    typeof v === 'object' &&
    typeof (v as Row).id === 'string' &&
    typeof (v as Row).values === 'object'
    ? (v as Row)
    : null
}

/** Values that differ between an event's before and after (status column included: a move shows as a change). */
export function valueChanges(e: DockEvent, statusColumn?: string): ValueChange[] {
  const before = asRow(e.before)
  const after = asRow(e.after)
  if (!after || !before) return []
  const keys = new Set([...Object.keys(before.values), ...Object.keys(after.values)])
  const out: ValueChange[] = []
  for (const k of keys) {
    if (k === statusColumn) continue
    const b = before.values[k]
    const a = after.values[k]
    if (JSON.stringify(b) !== JSON.stringify(a)) out.push({ key: k, before: b, after: a })
  }
  return out
}

export function titleOf(v: unknown): string | null {
  const r = asRow(v)
  if (!r) return null
  for (const c of ['title', 'name', 'summary', 'subject', 'task']) {
    const t = r.values[c]
    if (typeof t === 'string' && t.trim()) return t
  }
  return null
}

export interface Sentence {
  /** Who did it (a name, or "Dock" for the lease sweeper). */
  readonly actor: string
  /** The verb phrase, without the object. */
  readonly verb: string
  /** What it was done to, shown as a link where there is one. */
  readonly object: string
  /** Trailing detail: "to in_progress", "lease until …", a note's text. */
  readonly detail: string
}

/** "worker-4 claimed “Write the spec” in tasks" — the parts, so the view can link the object. */
export function sentenceOf(
  e: DockEvent,
  nameOf: (id: string) => string,
  docTitle: (id: string) => string = (id) => id,
): Sentence {
  const actor = e.actor === 'system' ? 'Dock' : nameOf(e.actor)
  const t = e.target
  const after = e.after as Record<string, unknown> | null
  const before = e.before as Record<string, unknown> | null
  const rowName = titleOf(e.after) ?? titleOf(e.before) ?? t.id
  const row = (verb: string, detail = ''): Sentence => ({ actor, verb, object: `“${rowName}”`, detail })
  switch (e.type) {
    case 'row.created':
      return row('created', `in ${t.table ?? '?'} (${t.status ?? ''})`)
    case 'row.updated':
      return row('edited')
    case 'row.claimed':
      return row(
        'claimed',
        `lease until ${typeof after?.['leaseExpiresAt'] === 'string' ? new Date(after['leaseExpiresAt']).toLocaleTimeString() : '?'}`,
      )
    case 'row.heartbeat':
      return row('extended the lease on')
    case 'row.released':
      return row('released', `back to ${t.status ?? '?'}`)
    case 'row.transitioned':
      return row('moved', `from ${String(before?.['status'] ?? '?')} to ${t.status ?? '?'}`)
    case 'row.lease_expired': {
      const owner = typeof before?.['owner'] === 'string' ? nameOf(before['owner']) : 'its claimant'
      const dead = after?.['deadLettered'] === true
      return {
        actor,
        verb: dead ? 'dead-lettered' : 'returned',
        object: `“${rowName}”`,
        detail: `: the lease of ${owner} expired${dead ? ` (${t.status ?? 'dead letter'})` : ` (back to ${t.status ?? '?'})`}`,
      }
    }
    case 'row.note_added':
      return {
        actor,
        verb: 'noted on',
        object: `“${rowName === t.id ? t.id : rowName}”`,
        detail: `: ${String(after?.['text'] ?? '')}`,
      }
    case 'row.requeued':
      return row('requeued', `to ${t.status ?? '?'}, attempts reset`)
    case 'doc.created':
      return { actor, verb: 'created doc', object: `“${String(after?.['title'] ?? docTitle(t.id))}”`, detail: '' }
    case 'doc.replaced':
      return { actor, verb: 'rewrote doc', object: `“${docTitle(t.doc ?? t.id)}”`, detail: '' }
    case 'doc.section_written':
      return { actor, verb: 'edited', object: `§ ${t.section ?? '?'}`, detail: `of “${docTitle(t.doc ?? t.id)}”` }
    case 'doc.locked':
      return { actor, verb: 'locked doc', object: `“${docTitle(t.doc ?? t.id)}”`, detail: '' }
    case 'doc.unlocked':
      return { actor, verb: 'unlocked doc', object: `“${docTitle(t.doc ?? t.id)}”`, detail: '' }
    case 'principal.created':
      return {
        actor,
        verb: 'added',
        object: nameOf(t.id),
        detail: typeof after?.['kind'] === 'string' ? `(${after['kind']})` : '',
      }
    case 'principal.updated':
      return { actor, verb: 'updated', object: nameOf(t.id), detail: '' }
    case 'principal.suspended':
      return { actor, verb: 'suspended', object: nameOf(t.id), detail: '' }
    case 'principal.resumed':
      return { actor, verb: 'resumed', object: nameOf(t.id), detail: '' }
    case 'table.created':
      return { actor, verb: 'created table', object: t.table ?? t.id, detail: '' }
    case 'table.schema_published':
      return { actor, verb: 'published a new contract for', object: t.table ?? t.id, detail: '' }
    case 'workspace.created':
      return { actor, verb: 'created the workspace', object: '', detail: '' }
    case 'workspace.frozen':
      return { actor, verb: 'froze the workspace', object: '', detail: '' }
    case 'workspace.unfrozen':
      return { actor, verb: 'unfroze the workspace', object: '', detail: '' }
    default:
      return { actor, verb: String(e.type), object: t.id, detail: '' }
  }
}

/** "lease expired 3× under worker-4": why a row is in the dead letter, from its own events. */
export function deadLetterReason(events: readonly DockEvent[], nameOf: (id: string) => string): string {
  const expiries = events.filter((e) => e.type === 'row.lease_expired')
  if (expiries.length === 0) return 'moved here by a transition'
  const owners = new Map<string, number>()
  for (const e of expiries) {
    const o = (e.before as { owner?: unknown } | null)?.owner
    if (typeof o === 'string') owners.set(o, (owners.get(o) ?? 0) + 1)
  }
  const who = [...owners.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([id, n]) => (owners.size > 1 ? `${nameOf(id)} ×${n}` : nameOf(id)))
  return `lease expired ${expiries.length}× under ${who.join(', ') || 'unknown claimants'}`
}
