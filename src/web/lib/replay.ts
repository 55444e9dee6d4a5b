/**
 * Time travel: the state of a table as of a revision, rebuilt from the log.
 * For the table's row events with revision ≤ R, the latest `after` per row id is
 * that row's state at R.
 */
import type { DockEvent, Row } from '../../domain/types.js'

export function isRowEvent(e: DockEvent): boolean {
  return e.type.startsWith('row.') && e.target.kind === 'row'
}

export function rowsAsOf(events: readonly DockEvent[], table: string, revision: number): Row[] {
  const latest = new Map<string, { revision: number; row: Row }>()
  for (const e of events) {
    if (!isRowEvent(e) || e.target.table !== table || e.revision > revision) continue
    const after = e.after as Row | null | undefined
    const prev = latest.get(e.target.id)
    if (prev && prev.revision > e.revision) continue
    // Notes carry `{text}`, not a row: they leave the row as it was.
    if (e.type === 'row.note_added') continue
    if (after && typeof after === 'object') latest.set(e.target.id, { revision: e.revision, row: after })
    else latest.delete(e.target.id)
  }
  return [...latest.values()].map((v) => v.row).sort((a, b) => a.seq - b.seq)
}

/** Merges a live row event into a list of rows (newer versions win). */
export function applyRowEvent(rows: readonly Row[], e: DockEvent): Row[] {
  const after = e.after as Row | null | undefined
  if (!after || typeof after !== 'object' || typeof after.id !== 'string') return rows as Row[]
  const i = rows.findIndex((r) => r.id === after.id)
  if (i === -1) return [...rows, after].sort((a, b) => a.seq - b.seq)
  const current = rows[i]!
  if (current.version > after.version) return rows as Row[]
  const next = rows.slice()
  next[i] = after
  return next
}
