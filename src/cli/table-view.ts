import type { Column, Table } from '../domain/types.js'
import { renderTable } from './format.js'

/** A table's columns and workflow, for humans. */
export function describeTable(t: Table): string {
  const columns = renderTable(
    ['column', 'type', 'required', 'default'],
    t.columns.map((c) => [c.name, typeLabel(c), c.required === true ? 'yes' : null, c.default]),
  )
  const w = t.workflow
  const lines = [
    `statuses: ${w.statuses.join(' → ')}  (initial ${w.initial}; done ${w.done.join(',') || '-'})`,
    w.claim === null
      ? 'claim: not claimable'
      : `claim: ${w.claim.from.join(',')} → ${w.claim.to}, lease ${w.claim.leaseMs / 1000}s, ${w.claim.maxAttempts} attempts, then ${w.claim.deadLetter}`,
    ...w.transitions.map(
      (tr) =>
        `  ${tr.from} → ${tr.to} by ${tr.by.join('|')}${tr.require?.length ? ` require ${tr.require.join(',')}` : ''}`,
    ),
  ]
  return `${columns}${lines.join('\n')}\n`
}

function typeLabel(c: Column): string {
  if (c.type === 'enum' && c.values !== undefined) return `enum(${c.values.join('|')})`
  if (c.type === 'ref' && c.table !== undefined) return `ref(${c.table})`
  return c.type
}
