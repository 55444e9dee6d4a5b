import { DockError } from '../domain/errors.js'
import type { Doc, Row, Table } from '../domain/types.js'
import type { PrincipalRecord, Tx } from '../storage/storage.js'

/** Reads that must find their record: a miss is the 404 the edges answer with. */
export async function findPrincipal(tx: Tx, workspaceId: string, idOrName: string): Promise<PrincipalRecord> {
  const p = (await tx.getPrincipal(workspaceId, idOrName)) ?? (await tx.getPrincipalByName(workspaceId, idOrName))
  if (p === null) throw new DockError('not_found', `no principal ${idOrName}`)
  return p
}

export async function findTable(tx: Tx, workspaceId: string, name: string): Promise<Table> {
  const t = await tx.getTable(workspaceId, name)
  if (t === null) throw new DockError('not_found', `no table ${name}`)
  return t
}

export async function findRow(tx: Tx, workspaceId: string, table: string, id: string): Promise<Row> {
  const r = await tx.getRow(workspaceId, id)
  if (r === null || r.table !== table) throw new DockError('not_found', `no row ${id} in table ${table}`)
  return r
}

export async function findDoc(tx: Tx, workspaceId: string, idOrTitle: string): Promise<Doc> {
  const d = await tx.getDoc(workspaceId, idOrTitle)
  if (d === null) throw new DockError('not_found', `no doc ${idOrTitle}`)
  return d
}
