/** How a row is named on a card: its first text-ish value, else its id. */
import type { Row, Table } from '../../domain/types.js'

const TITLE_COLUMNS = ['title', 'name', 'summary', 'subject', 'task']

export function rowTitle(row: Row, table?: Table): string {
  for (const c of TITLE_COLUMNS) {
    const v = row.values[c]
    if (typeof v === 'string' && v.trim()) return v
  }
  const statusColumn = table?.workflow.statusColumn ?? 'status'
  for (const col of table?.columns ?? []) {
    if (col.name === statusColumn) continue
    const v = row.values[col.name]
    if (col.type === 'text' && typeof v === 'string' && v.trim()) return v
  }
  return row.id
}
