import { mkdirSync } from 'node:fs'
import { join } from 'node:path'

import Database from 'better-sqlite3'

import type { Doc, DockEvent, Row, Table } from '../../domain/types.js'
import { AsyncMutex } from '../async-mutex.js'
import type { PrincipalRecord, RowQuery, Storage, Tx, WorkspaceRecord } from '../storage.js'
import { SQLITE_MIGRATIONS } from './sqlite-migrations.js'

export interface SqliteStorageOptions {
  /** Directory holding `dock.db`; `:memory:` is refused because writer and reader need one file. */
  readonly dataDir: string
}

type Db = Database.Database

interface WriteJob<T> {
  readonly workspaceId: string | null
  readonly fn: (tx: Tx) => Promise<T>
  readonly resolve: (value: T) => void
  readonly reject: (err: unknown) => void
}

/** Writes sharing one commit; bounded so one batch cannot hold the writer for long. */
const MAX_BATCH = 128

/**
 * Embedded store. One writer connection runs all writes in order (SQLite
 * allows one writer anyway) and commits them in groups; a second connection
 * serves reads so they see committed state only, never a half-done write.
 */
export class SqliteStorage implements Storage {
  readonly kind = 'sqlite' as const
  readonly #writer: Db
  readonly #reader: Db
  readonly #mutex = new AsyncMutex()
  readonly #listeners = new Set<(workspaceId: string, revision: number) => void>()
  readonly #writerTx: SqliteTx
  readonly #readerTx: SqliteTx

  constructor(options: SqliteStorageOptions) {
    mkdirSync(options.dataDir, { recursive: true })
    const file = join(options.dataDir, 'dock.db')
    this.#writer = openDb(file)
    this.#writer.exec(SQLITE_MIGRATIONS)
    this.#reader = openDb(file)
    this.#writerTx = new SqliteTx(this.#writer)
    this.#readerTx = new SqliteTx(this.#reader)
  }

  async init(): Promise<void> {
    // Schema is applied in the constructor: both connections need it before use.
  }

  async close(): Promise<void> {
    await this.#mutex.run(async () => {
      this.#closed = true
      this.#reader.close()
      this.#writer.close()
    })
  }

  write<T>(workspaceId: string | null, fn: (tx: Tx) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ workspaceId, fn, resolve, reject } as WriteJob<unknown>)
      if (!this.#draining) {
        this.#draining = true
        // Let the current burst of requests enqueue before the first batch starts.
        setImmediate(() => void this.#drain())
      }
    })
  }

  readonly #queue: WriteJob<unknown>[] = []
  #draining = false
  #closed = false

  /**
   * Group commit: queued writes run one after another, each inside its own
   * savepoint of one shared transaction, and the batch commits with a single
   * fsync. Nobody hears "done" before that commit, so durability holds; a
   * write that throws rolls back to its savepoint and is refused alone.
   */
  async #drain(): Promise<void> {
    try {
      while (this.#queue.length > 0) {
        await this.#mutex.run(() => this.#runBatch())
        // Yield to I/O so requests that arrived during the fsync join the next batch.
        await new Promise<void>((r) => setImmediate(r))
      }
    } finally {
      this.#draining = false
      if (this.#queue.length > 0) {
        this.#draining = true
        setImmediate(() => void this.#drain())
      }
    }
  }

  async #runBatch(): Promise<void> {
    if (this.#closed) {
      for (const job of this.#queue.splice(0)) job.reject(new Error('storage is closed'))
      return
    }
    const done: { job: WriteJob<unknown>; value: unknown }[] = []
    const revisions = new Map<string, number>()
    this.#writer.exec('BEGIN IMMEDIATE')
    try {
      while (this.#queue.length > 0 && done.length < MAX_BATCH) {
        const job = this.#queue.shift()!
        this.#writer.exec('SAVEPOINT job')
        try {
          const value = await job.fn(this.#writerTx)
          this.#writer.exec('RELEASE job')
          done.push({ job, value })
          if (job.workspaceId !== null) {
            const rev = this.#writerTx.workspaceRevision(job.workspaceId)
            if (rev !== null) revisions.set(job.workspaceId, rev)
          }
        } catch (err) {
          this.#writer.exec('ROLLBACK TO job')
          this.#writer.exec('RELEASE job')
          // Nothing of this job was applied, so it may hear its refusal before the batch commits.
          job.reject(err)
        }
      }
      this.#writer.exec('COMMIT')
    } catch (err) {
      if (this.#writer.inTransaction) this.#writer.exec('ROLLBACK')
      for (const { job } of done) job.reject(err)
      return
    }
    for (const { job, value } of done) job.resolve(value)
    for (const [workspaceId, revision] of revisions) for (const listener of this.#listeners) listener(workspaceId, revision)
  }

  async read<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    // better-sqlite3 runs each statement synchronously, so a read spread over
    // several awaits could straddle a commit; a read transaction pins one snapshot.
    // Concurrent async readers share the connection, so they queue on their own lane.
    return this.#readLane.run(async () => {
      this.#reader.exec('BEGIN')
      try {
        return await fn(this.#readerTx)
      } finally {
        this.#reader.exec('COMMIT')
      }
    })
  }

  readonly #readLane = new AsyncMutex()

  onCommit(listener: (workspaceId: string, revision: number) => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }
}

function openDb(file: string): Db {
  const db = new Database(file)
  db.pragma('journal_mode = WAL')
  // FULL: the WAL is fsynced at every commit, so an acknowledged write survives kill -9 and power loss.
  db.pragma('synchronous = FULL')
  db.pragma('busy_timeout = 5000')
  db.pragma('foreign_keys = ON')
  return db
}

interface JsonRow {
  readonly data: string
}

/** Statement cache keyed by SQL text: preparing is the expensive part. */
class SqliteTx implements Tx {
  readonly #db: Db
  readonly #stmts = new Map<string, Database.Statement>()

  constructor(db: Db) {
    this.#db = db
  }

  #stmt(sql: string): Database.Statement {
    let stmt = this.#stmts.get(sql)
    if (stmt === undefined) {
      stmt = this.#db.prepare(sql)
      this.#stmts.set(sql, stmt)
    }
    return stmt
  }

  #one<T>(sql: string, ...params: unknown[]): T | null {
    const row = this.#stmt(sql).get(...params) as JsonRow | undefined
    return row === undefined ? null : (JSON.parse(row.data) as T)
  }

  #all<T>(sql: string, ...params: unknown[]): T[] {
    return (this.#stmt(sql).all(...params) as JsonRow[]).map((r) => JSON.parse(r.data) as T)
  }

  #run(sql: string, ...params: unknown[]): number {
    return this.#stmt(sql).run(...params).changes
  }

  workspaceRevision(id: string): number | null {
    const row = this.#stmt('SELECT revision FROM workspaces WHERE id = ?').get(id) as { revision: number } | undefined
    return row?.revision ?? null
  }

  async getWorkspace(idOrName: string): Promise<WorkspaceRecord | null> {
    const row = this.#stmt(
      'SELECT id, name, revision, head_hash, frozen, created_at FROM workspaces WHERE id = ? OR name = ? LIMIT 1',
    ).get(idOrName, idOrName) as WorkspaceDbRow | undefined
    return row === undefined ? null : toWorkspace(row)
  }

  async listWorkspaces(): Promise<WorkspaceRecord[]> {
    const rows = this.#stmt(
      'SELECT id, name, revision, head_hash, frozen, created_at FROM workspaces ORDER BY created_at, id',
    ).all() as WorkspaceDbRow[]
    return rows.map(toWorkspace)
  }

  async countWorkspacesCreatedBy(principalId: string, homeWorkspaceId: string): Promise<number> {
    const row = this.#stmt(
      "SELECT COUNT(DISTINCT workspace_id) AS n FROM principals WHERE workspace_id <> ? AND json_extract(data, '$.createdBy') = ?",
    ).get(homeWorkspaceId, principalId) as { n: number }
    return row.n
  }

  async insertWorkspace(ws: WorkspaceRecord): Promise<void> {
    this.#run(
      'INSERT INTO workspaces (id, name, revision, head_hash, frozen, created_at, row_seq) VALUES (?, ?, ?, ?, ?, ?, 0)',
      ws.id,
      ws.name,
      ws.revision,
      ws.headHash,
      ws.frozen ? 1 : 0,
      ws.createdAt,
    )
  }

  async updateWorkspace(ws: WorkspaceRecord): Promise<void> {
    this.#run(
      'UPDATE workspaces SET revision = ?, head_hash = ?, frozen = ? WHERE id = ?',
      ws.revision,
      ws.headHash,
      ws.frozen ? 1 : 0,
      ws.id,
    )
  }

  async getPrincipal(workspaceId: string, id: string): Promise<PrincipalRecord | null> {
    return this.#one('SELECT data FROM principals WHERE workspace_id = ? AND id = ?', workspaceId, id)
  }

  async getPrincipalByName(workspaceId: string, name: string): Promise<PrincipalRecord | null> {
    return this.#one('SELECT data FROM principals WHERE workspace_id = ? AND name = ?', workspaceId, name)
  }

  async getPrincipalByKeyHash(keyHash: string): Promise<PrincipalRecord | null> {
    return this.#one('SELECT data FROM principals WHERE key_hash = ?', keyHash)
  }

  async listPrincipals(workspaceId: string): Promise<PrincipalRecord[]> {
    return this.#all('SELECT data FROM principals WHERE workspace_id = ? ORDER BY created_at, id', workspaceId)
  }

  async insertPrincipal(p: PrincipalRecord): Promise<void> {
    this.#run(
      'INSERT INTO principals (workspace_id, id, name, key_hash, created_at, data) VALUES (?, ?, ?, ?, ?, ?)',
      p.workspaceId,
      p.id,
      p.name,
      p.keyHash,
      p.createdAt,
      JSON.stringify(p),
    )
  }

  async updatePrincipal(p: PrincipalRecord): Promise<void> {
    this.#run(
      'UPDATE principals SET name = ?, key_hash = ?, data = ? WHERE workspace_id = ? AND id = ?',
      p.name,
      p.keyHash,
      JSON.stringify(p),
      p.workspaceId,
      p.id,
    )
  }

  async getTable(workspaceId: string, name: string): Promise<Table | null> {
    return this.#one('SELECT data FROM tables WHERE workspace_id = ? AND name = ?', workspaceId, name)
  }

  async listTables(workspaceId: string): Promise<Table[]> {
    return this.#all('SELECT data FROM tables WHERE workspace_id = ? ORDER BY name', workspaceId)
  }

  async insertTable(t: Table): Promise<void> {
    this.#run(
      'INSERT INTO tables (workspace_id, name, id, data) VALUES (?, ?, ?, ?)',
      t.workspaceId,
      t.name,
      t.id,
      JSON.stringify(t),
    )
  }

  async updateTable(t: Table): Promise<void> {
    this.#run('UPDATE tables SET data = ? WHERE workspace_id = ? AND name = ?', JSON.stringify(t), t.workspaceId, t.name)
  }

  async getRow(workspaceId: string, id: string): Promise<Row | null> {
    return this.#one('SELECT data FROM rows WHERE workspace_id = ? AND id = ?', workspaceId, id)
  }

  async getRows(workspaceId: string, ids: readonly string[]): Promise<Row[]> {
    if (ids.length === 0) return []
    const out: Row[] = []
    for (const id of ids) {
      const row = await this.getRow(workspaceId, id)
      if (row !== null) out.push(row)
    }
    return out
  }

  async queryRows(q: RowQuery): Promise<Row[]> {
    const where: string[] = ['workspace_id = ?', 'table_name = ?']
    const params: unknown[] = [q.workspaceId, q.table]
    if (q.statuses !== undefined) {
      if (q.statuses.length === 0) return []
      where.push(`status IN (${q.statuses.map(() => '?').join(', ')})`)
      params.push(...q.statuses)
    }
    if (q.owner !== undefined) {
      where.push('owner = ?')
      params.push(q.owner)
    }
    if (q.unownedAt !== undefined) {
      where.push('(owner IS NULL OR lease_expires_at < ?)')
      params.push(q.unownedAt)
    }
    let order: string
    if (q.order === 'claim') {
      if (q.afterKey !== undefined) {
        where.push('(priority < ? OR (priority = ? AND seq > ?))')
        params.push(q.afterKey.priority, q.afterKey.priority, q.afterKey.seq)
      }
      order = 'priority DESC, seq ASC'
    } else {
      if (q.afterSeq !== undefined) {
        where.push('seq > ?')
        params.push(q.afterSeq)
      }
      order = 'seq ASC'
    }
    params.push(q.limit)
    return this.#all(`SELECT data FROM rows WHERE ${where.join(' AND ')} ORDER BY ${order} LIMIT ?`, ...params)
  }

  async listWorkspacesWithExpiredLeases(now: number, limit: number): Promise<string[]> {
    // INDEXED BY: without statistics SQLite would scan every claimed row via rows_by_lease for the DISTINCT.
    const rows = this.#stmt('SELECT DISTINCT workspace_id FROM rows INDEXED BY rows_by_lease_due WHERE owner IS NOT NULL AND lease_expires_at < ? LIMIT ?').all(now, limit) as {
      workspace_id: string
    }[]
    return rows.map((r) => r.workspace_id)
  }

  async listExpiredLeases(workspaceId: string, now: number, limit: number): Promise<Row[]> {
    return this.#all(
      'SELECT data FROM rows WHERE workspace_id = ? AND owner IS NOT NULL AND lease_expires_at < ? ORDER BY lease_expires_at LIMIT ?',
      workspaceId,
      now,
      limit,
    )
  }

  async insertRow(r: Row): Promise<void> {
    this.#run(
      'INSERT INTO rows (workspace_id, id, table_name, status, owner, lease_expires_at, priority, seq, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ...rowColumns(r),
    )
  }

  async updateRow(r: Row): Promise<void> {
    const [ws, id, table, status, owner, lease, priority, seq, data] = rowColumns(r)
    this.#run(
      'UPDATE rows SET table_name = ?, status = ?, owner = ?, lease_expires_at = ?, priority = ?, seq = ?, data = ? WHERE workspace_id = ? AND id = ?',
      table,
      status,
      owner,
      lease,
      priority,
      seq,
      data,
      ws,
      id,
    )
  }

  async nextRowSeq(workspaceId: string): Promise<number> {
    const row = this.#stmt('UPDATE workspaces SET row_seq = row_seq + 1 WHERE id = ? RETURNING row_seq').get(workspaceId) as
      | { row_seq: number }
      | undefined
    if (row === undefined) throw new Error(`workspace ${workspaceId} vanished`)
    return row.row_seq
  }

  async getDoc(workspaceId: string, idOrTitle: string): Promise<Doc | null> {
    return this.#one(
      'SELECT data FROM docs WHERE workspace_id = ? AND (id = ? OR title = ?) ORDER BY id = ? DESC LIMIT 1',
      workspaceId,
      idOrTitle,
      idOrTitle,
      idOrTitle,
    )
  }

  async listDocs(workspaceId: string): Promise<Doc[]> {
    return this.#all('SELECT data FROM docs WHERE workspace_id = ? ORDER BY created_at, id', workspaceId)
  }

  async insertDoc(d: Doc): Promise<void> {
    this.#run(
      'INSERT INTO docs (workspace_id, id, title, created_at, data) VALUES (?, ?, ?, ?, ?)',
      d.workspaceId,
      d.id,
      d.title,
      d.createdAt,
      JSON.stringify(d),
    )
  }

  async updateDoc(d: Doc): Promise<void> {
    this.#run('UPDATE docs SET title = ?, data = ? WHERE workspace_id = ? AND id = ?', d.title, JSON.stringify(d), d.workspaceId, d.id)
  }

  async appendEvent(e: DockEvent): Promise<void> {
    this.#run(
      'INSERT INTO events (workspace_id, revision, data) VALUES (?, ?, ?)',
      e.workspaceId,
      e.revision,
      JSON.stringify(e),
    )
  }

  async listEvents(workspaceId: string, since: number, limit: number): Promise<DockEvent[]> {
    return this.#all(
      'SELECT data FROM events WHERE workspace_id = ? AND revision > ? ORDER BY revision LIMIT ?',
      workspaceId,
      since,
      limit,
    )
  }
}

interface WorkspaceDbRow {
  readonly id: string
  readonly name: string
  readonly revision: number
  readonly head_hash: string
  readonly frozen: number
  readonly created_at: string
}

function toWorkspace(row: WorkspaceDbRow): WorkspaceRecord {
  return {
    id: row.id,
    name: row.name,
    revision: row.revision,
    headHash: row.head_hash,
    frozen: row.frozen === 1,
    createdAt: row.created_at,
  }
}

function rowColumns(r: Row): [string, string, string, string, string | null, number | null, number, number, string] {
  return [
    r.workspaceId,
    r.id,
    r.table,
    r.status,
    r.owner,
    r.leaseExpiresAt === null ? null : Date.parse(r.leaseExpiresAt),
    r.priority,
    r.seq,
    JSON.stringify(r),
  ]
}
