import type { Doc, DockEvent, Row, Table } from '../../domain/types.js'
import type { ClaimCandidates, EventQueryFilter, PrincipalRecord, RowQuery, Tx, WorkspaceRecord } from '../storage.js'
import type { Dialect } from './dialect.js'
import * as sql from './statements.js'
import type { Statement } from './statements.js'

/**
 * What a driver lends the record store for one transaction: a way to run the
 * statements of `statements.ts`. The driver owns placeholders, value binding,
 * and when a write actually travels (PostgreSQL buffers writes until the next
 * read or COMMIT); the store owns what is said.
 */
export interface SqlSession {
  /** Runs a statement and returns its result rows; every write run before it is visible to it. */
  all<R>(statement: Statement): Promise<R[]>
  /** Runs a statement whose result is not needed; it may be sent later, but before the next `all` or the commit. */
  run(statement: Statement): Promise<void>
  /** Runs several reads (after any buffered writes) and returns each one's rows; a driver may send them together. */
  allMany<R>(statements: readonly Statement[]): Promise<R[][]>
}

interface DataRow {
  readonly data: string
}

/** A workspace row as either driver returns it: BIGINT arrives as a string from pg, BOOLEAN as 0/1 from SQLite. */
export interface WorkspaceDbRow {
  readonly id: string
  readonly name: string
  readonly revision: number | string
  readonly head_hash: string
  readonly frozen: boolean | number
  readonly created_at: string
}

export function toWorkspace(row: WorkspaceDbRow): WorkspaceRecord {
  return {
    id: row.id,
    name: row.name,
    revision: Number(row.revision),
    headHash: row.head_hash,
    frozen: row.frozen === true || row.frozen === 1,
    createdAt: row.created_at,
  }
}

/**
 * The `Tx` port over SQL, for both databases: records go in as JSON text plus
 * the columns queries need, and come out parsed from `data`.
 */
export class SqlRecordStore implements Tx {
  protected readonly session: SqlSession
  readonly #dialect: Dialect

  constructor(session: SqlSession, dialect: Dialect) {
    this.session = session
    this.#dialect = dialect
  }

  async #one<T>(statement: Statement): Promise<T | null> {
    const rows = await this.session.all<DataRow>(statement)
    return rows[0] === undefined ? null : (JSON.parse(rows[0].data) as T)
  }

  async #all<T>(statement: Statement): Promise<T[]> {
    return (await this.session.all<DataRow>(statement)).map((r) => JSON.parse(r.data) as T)
  }

  async getWorkspace(idOrName: string): Promise<WorkspaceRecord | null> {
    const rows = await this.session.all<WorkspaceDbRow>(sql.getWorkspace(idOrName))
    return rows[0] === undefined ? null : toWorkspace(rows[0])
  }

  async listWorkspaces(): Promise<WorkspaceRecord[]> {
    return (await this.session.all<WorkspaceDbRow>(sql.listWorkspaces())).map(toWorkspace)
  }

  async countWorkspacesCreatedBy(principalId: string, homeWorkspaceId: string, quotaRoot: string): Promise<number> {
    const rows = await this.session.all<{ n: number | string }>(
      sql.countWorkspacesCreatedBy(this.#dialect, principalId, homeWorkspaceId, quotaRoot),
    )
    return Number(rows[0]?.n ?? 0)
  }

  insertWorkspace(ws: WorkspaceRecord): Promise<void> {
    return this.session.run(sql.insertWorkspace(ws))
  }

  updateWorkspace(ws: WorkspaceRecord): Promise<void> {
    return this.session.run(sql.updateWorkspace(ws))
  }

  getPrincipal(workspaceId: string, id: string): Promise<PrincipalRecord | null> {
    return this.#one(sql.getPrincipal(workspaceId, id))
  }

  getPrincipalByName(workspaceId: string, name: string): Promise<PrincipalRecord | null> {
    return this.#one(sql.getPrincipalByName(workspaceId, name))
  }

  getPrincipalByKeyHash(keyHash: string): Promise<PrincipalRecord | null> {
    return this.#one(sql.getPrincipalByKeyHash(keyHash))
  }

  listPrincipals(workspaceId: string): Promise<PrincipalRecord[]> {
    return this.#all(sql.listPrincipals(workspaceId))
  }

  insertPrincipal(p: PrincipalRecord): Promise<void> {
    return this.session.run(sql.insertPrincipal(p, JSON.stringify(p)))
  }

  updatePrincipal(p: PrincipalRecord): Promise<void> {
    return this.session.run(sql.updatePrincipal(p, JSON.stringify(p)))
  }

  getTable(workspaceId: string, name: string): Promise<Table | null> {
    return this.#one(sql.getTable(workspaceId, name))
  }

  listTables(workspaceId: string): Promise<Table[]> {
    return this.#all(sql.listTables(workspaceId))
  }

  insertTable(t: Table): Promise<void> {
    return this.session.run(sql.insertTable(t, JSON.stringify(t)))
  }

  updateTable(t: Table): Promise<void> {
    return this.session.run(sql.updateTable(t, JSON.stringify(t)))
  }

  getRow(workspaceId: string, id: string): Promise<Row | null> {
    return this.#one(sql.getRow(workspaceId, id))
  }

  async getRows(workspaceId: string, ids: readonly string[]): Promise<Row[]> {
    if (ids.length === 0) return []
    if (ids.length === 1) {
      const row = await this.getRow(workspaceId, ids[0]!)
      return row === null ? [] : [row]
    }
    const found = await this.#all<Row>(sql.getRows(this.#dialect, workspaceId, ids))
    // In the order asked, missing ids left out.
    const byId = new Map(found.map((r) => [r.id, r]))
    return ids.flatMap((id) => {
      const row = byId.get(id)
      return row === undefined ? [] : [row]
    })
  }

  async queryRows(q: RowQuery): Promise<Row[]> {
    const statement = sql.queryRows(this.#dialect, q)
    return statement === null ? [] : this.#all(statement)
  }

  listExpiredLeases(workspaceId: string, now: number, limit: number): Promise<Row[]> {
    return this.#all(sql.listExpiredLeases(workspaceId, now, limit))
  }

  async listWorkspacesWithExpiredLeases(now: number, limit: number): Promise<string[]> {
    return (
      await this.session.all<{ workspace_id: string }>(sql.listWorkspacesWithExpiredLeases(this.#dialect, now, limit))
    ).map((r) => r.workspace_id)
  }

  async countRowsByStatus(workspaceId: string, table: string): Promise<Record<string, number>> {
    const rows = await this.session.all<{ status: string; n: number | string }>(
      sql.countRowsByStatus(workspaceId, table),
    )
    return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]))
  }

  async claimCandidates(q: RowQuery, lapsedBefore: number, lapsedLimit: number): Promise<ClaimCandidates> {
    const scan = sql.queryRows(this.#dialect, q)
    // The workspace's lapsed leases, filtered to the table here: with `table_name` in the WHERE, a
    // PostgreSQL without statistics (autovacuum off, or a young table) plans a scan of the table's
    // rows by the status index; without it, only the lease index fits.
    const lapsed = sql.listExpiredLeases(q.workspaceId, lapsedBefore, lapsedLimit)
    const [lapsedRows = [], candidateRows = []] = await this.session.allMany<DataRow>(
      scan === null ? [lapsed] : [lapsed, scan],
    )
    const parse = (rows: DataRow[]): Row[] => rows.map((r) => JSON.parse(r.data) as Row)
    return { lapsed: parse(lapsedRows).filter((r) => r.table === q.table), candidates: parse(candidateRows) }
  }

  async insertRow(r: Row): Promise<void> {
    const columns = rowColumns(r)
    await this.session.run(sql.insertRow(columns, JSON.stringify(r)))
    await this.session.run(sql.countInsertedRow(columns))
  }

  async updateRow(r: Row): Promise<void> {
    const columns = rowColumns(r)
    for (const statement of sql.countStatusChange(columns)) await this.session.run(statement)
    await this.session.run(sql.updateRow(columns, JSON.stringify(r)))
  }

  async setRowBlockers(
    workspaceId: string,
    rowId: string,
    blockerIds: readonly string[],
    unfinished: number,
  ): Promise<void> {
    await this.session.run(sql.deleteRowBlockers(workspaceId, rowId))
    if (blockerIds.length > 0) await this.session.run(sql.insertRowBlockers(workspaceId, rowId, blockerIds))
    await this.session.run(sql.setBlockersLeft(workspaceId, rowId, unfinished))
  }

  adjustDependents(workspaceId: string, blockerId: string, delta: number): Promise<void> {
    return this.session.run(sql.adjustDependents(workspaceId, blockerId, delta))
  }

  async adjustDependentsOfTable(
    workspaceId: string,
    table: string,
    statuses: readonly string[],
    delta: number,
  ): Promise<void> {
    if (statuses.length === 0) return
    await this.session.run(sql.adjustDependentsOfTable(this.#dialect, workspaceId, table, statuses, delta))
  }

  async nextRowSeq(workspaceId: string): Promise<number> {
    const rows = await this.session.all<{ row_seq: number | string }>(sql.nextRowSeq(workspaceId))
    if (rows[0] === undefined) throw new Error(`workspace ${workspaceId} vanished`)
    return Number(rows[0].row_seq)
  }

  getDoc(workspaceId: string, idOrTitle: string): Promise<Doc | null> {
    return this.#one(sql.getDoc(workspaceId, idOrTitle))
  }

  listDocs(workspaceId: string): Promise<Doc[]> {
    return this.#all(sql.listDocs(workspaceId))
  }

  insertDoc(d: Doc): Promise<void> {
    return this.session.run(sql.insertDoc(d, JSON.stringify(d)))
  }

  updateDoc(d: Doc): Promise<void> {
    return this.session.run(sql.updateDoc(d, JSON.stringify(d)))
  }

  appendEvent(e: DockEvent): Promise<void> {
    return this.session.run(sql.appendEvent(eventColumns(e), JSON.stringify(e)))
  }

  async listEvents(workspaceId: string, since: number, limit: number, filter?: EventQueryFilter): Promise<DockEvent[]> {
    const statement = sql.listEvents(this.#dialect, workspaceId, since, limit, filter)
    return statement === null ? [] : this.#all(statement)
  }
}

/** What migration 4 backfills for stored events, computed the same way for new ones. */
function eventColumns(e: DockEvent): sql.EventColumns {
  return {
    workspaceId: e.workspaceId,
    revision: e.revision,
    table: e.target.table ?? null,
    status: e.target.status ?? null,
    doc: e.target.doc ?? null,
    row: e.target.kind === 'row' ? e.target.id : null,
    actor: e.actor,
    type: e.type,
  }
}

function rowColumns(r: Row): sql.RowColumns {
  return {
    workspaceId: r.workspaceId,
    id: r.id,
    table: r.table,
    status: r.status,
    owner: r.owner,
    leaseExpiresAt: r.leaseExpiresAt === null ? null : Date.parse(r.leaseExpiresAt),
    priority: r.priority,
    seq: r.seq,
  }
}
