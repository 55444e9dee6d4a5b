import { mkdirSync } from 'node:fs'
import { join } from 'node:path'

import Database from 'better-sqlite3'

import { DockError } from '../../domain/errors.js'
import { AsyncMutex } from '../async-mutex.js'
import { SQLITE } from '../sql/dialect.js'
import { MIGRATIONS, migrationSql } from '../sql/migrations.js'
import { SqlRecordStore, type SqlSession } from '../sql/sql-record-store.js'
import type { Statement } from '../sql/statements.js'
import type { Storage, Tx } from '../storage.js'

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
  readonly #writerTx: SqlRecordStore
  readonly #readerTx: SqlRecordStore

  constructor(options: SqliteStorageOptions) {
    mkdirSync(options.dataDir, { recursive: true })
    const file = join(options.dataDir, 'dock.db')
    this.#writer = openDb(file)
    migrate(this.#writer)
    this.#reader = openDb(file)
    this.#writerTx = new SqlRecordStore(new SqliteSession(this.#writer), SQLITE)
    this.#readerTx = new SqlRecordStore(new SqliteSession(this.#reader), SQLITE)
  }

  async init(): Promise<void> {
    // Migrated in the constructor: both connections need the schema before use.
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
    /**
     * A refusal may describe state an earlier write of this batch left (a 409's
     * current record): it waits for the commit too, so it never reports state
     * that a failed commit then took back.
     */
    const refused: { job: WriteJob<unknown>; err: unknown }[] = []
    const revisions = new Map<string, number>()
    this.#writer.exec('BEGIN IMMEDIATE')
    try {
      while (this.#queue.length > 0 && done.length + refused.length < MAX_BATCH) {
        const job = this.#queue.shift()!
        this.#writer.exec('SAVEPOINT job')
        try {
          const value = await job.fn(this.#writerTx)
          this.#writer.exec('RELEASE job')
          done.push({ job, value })
          if (job.workspaceId !== null) {
            const ws = await this.#writerTx.getWorkspace(job.workspaceId)
            if (ws !== null) revisions.set(ws.id, ws.revision)
          }
        } catch (err) {
          this.#writer.exec('ROLLBACK TO job')
          this.#writer.exec('RELEASE job')
          refused.push({ job, err })
        }
      }
      this.#writer.exec('COMMIT')
    } catch (err) {
      if (this.#writer.inTransaction) this.#writer.exec('ROLLBACK')
      const lost = new DockError('unavailable', 'the store could not commit the write; nothing was applied, retry', {
        cause: err,
      })
      for (const { job } of [...done, ...refused]) job.reject(lost)
      return
    }
    for (const { job, err } of refused) job.reject(err)
    for (const { job, value } of done) job.resolve(value)
    for (const [workspaceId, revision] of revisions)
      for (const listener of this.#listeners) listener(workspaceId, revision)
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
  // Takes effect only when the file is new (an existing store keeps its pages). With 8 KB pages a
  // ~1.5 KB event record and its index entries take ~1.75 KB on disk; with 4 KB, ~2.2 KB.
  db.pragma('page_size = 8192')
  db.pragma('journal_mode = WAL')
  // FULL: the WAL is fsynced at every commit, so an acknowledged write survives kill -9 and power loss.
  db.pragma('synchronous = FULL')
  db.pragma('busy_timeout = 5000')
  db.pragma('foreign_keys = ON')
  return db
}

/**
 * Applies the migrations past `user_version`, each in its own transaction
 * with its new version, so a crash leaves the store at a whole version.
 * IMMEDIATE takes the write lock first: a second process opening the same
 * file waits, then finds the version moved and skips what is done.
 */
export function migrate(db: Db): void {
  for (const m of MIGRATIONS) {
    db.exec('BEGIN IMMEDIATE')
    try {
      if ((db.pragma('user_version', { simple: true }) as number) < m.id) {
        db.exec(migrationSql(m, SQLITE))
        // A pragma takes no parameters; the id is a number from our own list.
        db.pragma(`user_version = ${m.id}`)
      }
      db.exec('COMMIT')
    } catch (err) {
      if (db.inTransaction) db.exec('ROLLBACK')
      throw err
    }
  }
}

/** A statement prepared for SQLite: `$n` placeholders became `?`, bound from these value indexes. */
interface Prepared {
  readonly stmt: Database.Statement
  readonly order: readonly number[]
}

/**
 * Runs the record store's statements on one connection. Statements are
 * prepared once per SQL text (preparing is the expensive part). SQLite binds
 * `?` positionally, so a `$n` used twice is bound twice; it has no boolean
 * type, so booleans bind as 1/0.
 */
class SqliteSession implements SqlSession {
  readonly #db: Db
  readonly #prepared = new Map<string, Prepared>()

  constructor(db: Db) {
    this.#db = db
  }

  #bind(statement: Statement): { stmt: Database.Statement; values: unknown[] } {
    let prepared = this.#prepared.get(statement.text)
    if (prepared === undefined) {
      const order: number[] = []
      const text = statement.text.replace(/\$(\d+)/g, (_, n: string) => {
        order.push(Number(n) - 1)
        return '?'
      })
      prepared = { stmt: this.#db.prepare(text), order }
      this.#prepared.set(statement.text, prepared)
    }
    const values = prepared.order.map((i) => {
      const v = statement.values[i]
      return typeof v === 'boolean' ? (v ? 1 : 0) : v
    })
    return { stmt: prepared.stmt, values }
  }

  async all<R>(statement: Statement): Promise<R[]> {
    const { stmt, values } = this.#bind(statement)
    return stmt.all(...values) as R[]
  }

  async run(statement: Statement): Promise<void> {
    const { stmt, values } = this.#bind(statement)
    stmt.run(...values)
  }

  async allMany<R>(statements: readonly Statement[]): Promise<R[][]> {
    return statements.map((s) => {
      const { stmt, values } = this.#bind(s)
      return stmt.all(...values) as R[]
    })
  }
}
