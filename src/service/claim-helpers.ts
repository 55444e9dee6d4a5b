import { MAX_LEASE_MS } from '../domain/contract.js'
import { DockError } from '../domain/errors.js'
import type { Row, Table } from '../domain/types.js'
import type { Caller } from './service-types.js'
import { type WriteScope } from './write-scope.js'

export function claimRule(table: Table): NonNullable<Table['workflow']['claim']> {
  if (table.workflow.claim === null) throw new DockError('invalid_input', `table ${table.name} has no claim rule`)
  return table.workflow.claim
}

export function clampLease(ms: number): number {
  return Math.min(Math.max(Math.trunc(ms), 1), MAX_LEASE_MS)
}

export function bump(
  row: Row,
  scope: WriteScope,
  caller: Caller | null,
): Pick<Row, 'version' | 'revision' | 'updatedAt' | 'updatedBy'> {
  return {
    version: row.version + 1,
    revision: scope.nextRevision,
    updatedAt: scope.nowIso,
    updatedBy: caller?.principal.id ?? scope.actor,
  }
}

export function rowTarget(row: Row): { kind: 'row'; id: string; table: string; status: string } {
  return { kind: 'row', id: row.id, table: row.table, status: row.status }
}
