/** Human output: aligned plain-text tables and compact cell values. */

export function formatJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`
}

/** A cell: strings as they are, nothing as `-`, lists comma-joined, records as JSON. */
export function formatCell(value: unknown): string {
  if (value === null || value === undefined) return '-'
  if (typeof value === 'string') return value === '' ? '""' : oneLine(value)
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value)
  if (Array.isArray(value)) return value.length === 0 ? '-' : value.map((v) => formatCell(v)).join(',')
  return oneLine(JSON.stringify(value))
}

function oneLine(text: string): string {
  const flat = text.replace(/\s*\n\s*/g, ' ⏎ ')
  return flat.length > 60 ? `${flat.slice(0, 57)}...` : flat
}

/** Columns padded to their widest cell; the last column is not padded. */
export function renderTable(headers: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const cells = rows.map((row) => headers.map((_, i) => formatCell(row[i])))
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((row) => (row[i] ?? '').length)))
  const line = (row: readonly string[]): string =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd()
  const upper = headers.map((h) => h.toUpperCase())
  return [line(upper), ...cells.map(line)].join('\n') + '\n'
}

/** `key: value` lines with the keys aligned. */
export function renderRecord(entries: readonly (readonly [string, unknown])[]): string {
  const width = Math.max(0, ...entries.map(([k]) => k.length))
  return entries.map(([k, v]) => `${`${k}:`.padEnd(width + 1)}  ${formatCell(v)}`).join('\n') + '\n'
}

/** Time left until an ISO instant, e.g. `in 42s`, or `expired`. */
export function formatUntil(iso: string | null, now: number = Date.now()): string {
  if (iso === null) return '-'
  const ms = Date.parse(iso) - now
  if (Number.isNaN(ms)) return iso
  if (ms <= 0) return 'expired'
  const s = Math.round(ms / 1000)
  if (s < 120) return `in ${s}s`
  const m = Math.round(s / 60)
  return m < 120 ? `in ${m}m` : `in ${Math.round(m / 60)}h`
}
