import type { Row, Table } from '../domain/types.js'
import { formatUntil, renderRecord, renderTable } from './format.js'
import type { Names } from './names.js'

/** Rows as an aligned table: id, status, owner, then the value columns. */
export async function renderRows(rows: readonly Row[], table: Table | undefined, names: Names): Promise<string> {
  if (rows.length === 0) return '(no rows)\n'
  await names.loadPrincipals(rows.map((r) => r.owner))
  const statusColumn = table?.workflow.statusColumn ?? 'status'
  const valueColumns = (
    table?.columns.map((c) => c.name) ?? [...new Set(rows.flatMap((r) => Object.keys(r.values)))]
  ).filter((c) => c !== statusColumn)
  const anyBlocked = rows.some((r) => r.blockedBy.length > 0)
  const anySkills = rows.some((r) => r.requiredSkills.length > 0)
  const anyPriority = rows.some((r) => r.priority !== 0)
  const headers = [
    'id',
    'status',
    'owner',
    ...valueColumns,
    ...(anyPriority ? ['prio'] : []),
    ...(anyBlocked ? ['blocked by'] : []),
    ...(anySkills ? ['skills'] : []),
    'v',
  ]
  return renderTable(
    headers,
    rows.map((r) => [
      r.id,
      r.status,
      names.principal(r.owner),
      ...valueColumns.map((c) => r.values[c]),
      ...(anyPriority ? [r.priority] : []),
      ...(anyBlocked ? [r.blockedBy] : []),
      ...(anySkills ? [r.requiredSkills] : []),
      r.version,
    ]),
  )
}

/** One row as `key: value` lines. */
export async function renderRow(row: Row, names: Names): Promise<string> {
  await names.loadPrincipals([row.owner, row.createdBy, row.updatedBy, row.author])
  return renderRecord([
    ['id', row.id],
    ['table', row.table],
    ['status', row.status],
    ...Object.entries(row.values).map(([k, v]) => [`  ${k}`, v] as const),
    [
      'owner',
      row.owner === null
        ? null
        : `${names.principal(row.owner)} (lease ${formatUntil(row.leaseExpiresAt)}, token ${row.fencingToken})`,
    ],
    ['version', row.version],
    ['revision', row.revision],
    ['contract', `v${row.contractVersion}`],
    ['attempts', row.attempts],
    ['blocked by', row.blockedBy],
    ['skills', row.requiredSkills],
    ['priority', row.priority],
    ['created', `${row.createdAt} by ${names.principal(row.createdBy)}`],
    ['updated', `${row.updatedAt} by ${names.principal(row.updatedBy)}`],
  ])
}
