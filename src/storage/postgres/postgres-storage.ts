import pg from 'pg'
import type { ClientConfig, Notification, PoolClient, QueryResult, QueryResultRow } from 'pg'

import { DockError } from '../../domain/errors.js'
import { POSTGRES } from '../sql/dialect.js'
import { MIGRATIONS, migrationSql } from '../sql/migrations.js'
import { SqlRecordStore, type SqlSession, toWorkspace, type WorkspaceDbRow } from '../sql/sql-record-store.js'
import { type Statement, WORKSPACE_COLUMNS } from '../sql/statements.js'
import type { Table } from '../../domain/types.js'
import type { PrincipalRecord, Storage, Tx, WorkspaceRecord } from '../storage.js'

export interface PostgresStorageOptions {
  /** `postgres://user:pass@host:port/db`; a `schema=<name>` query parameter is read (and removed) like the `schema` option. */
  readonly url: string
  /** Connections per node for reads and writes (default 10); LISTEN uses one more. */
  readonly poolSize?: number
  /**
   * Schema holding Dock's tables, created on `init()` if missing. Lets several
   * Dock deployments (or test suites) share one database. Default: the
   * connection's own search_path (usually `public`).
   */
  readonly schema?: string
  /**
   * A transaction left idle this long is aborted by the server, so a node that
   * hangs mid-write cannot hold a workspace's write lock for long (default 10 s, 0 = never);
   * its cut requests answer 503 `unavailable`.
   */
  readonly idleInTransactionTimeoutMs?: number
  /**
   * Write batches of one workspace this node lets into PostgreSQL at once
   * (default 1): one holds the row lock, any others wait on it there, a
   * connection each. With 2 the lock could pass on at commit without a trip
   * through this process, but bench/claims-nodes.ts measured no difference, so
   * the default spends no connections on it. Correctness never depends on it:
   * the row lock serialises.
   */
  readonly writersPerWorkspace?: number
  /** Shown in pg_stat_activity (default `dock`). */
  readonly applicationName?: string
}

/**
 * The NOTIFY channel every node listens on. Channels are database-wide, so the
 * payload names the schema too: `<workspaceId>:<revision>:<schema>`; a node
 * ignores commits of other Dock deployments (other schemas) in the database.
 */
export const COMMIT_CHANNEL = 'dock_commits'

/** Serialises `init()` across every node and process sharing the database. */
const MIGRATION_LOCK_KEY = 0x646f636b // 'dock'

/** Applied migrations (`MIGRATIONS` ids), as release 0.1.0 already kept them. */
const MIGRATIONS_TABLE_SQL = `
CREATE TABLE IF NOT EXISTS dock_migrations (
  version INTEGER PRIMARY KEY,
  description TEXT NOT NULL,
  applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
)`

/** The lock every write batch of a workspace takes first; the rest of the statement is the escaped id. */
const LOCK_SQL_PREFIX = `SELECT ${WORKSPACE_COLUMNS} FROM workspaces WHERE id = `

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/
const RECONNECT_MIN_MS = 100
const RECONNECT_MAX_MS = 5_000

type CommitListener = (workspaceId: string, revision: number) => void

/**
 * Networked store: several stateless Dock nodes share one PostgreSQL database.
 *
 * Writes to one workspace are serialised by `SELECT … FOR UPDATE` on its
 * workspace row, taken first in every write transaction (READ COMMITTED, so
 * every later statement of the transaction sees what the previous holder
 * committed). That lock is what keeps revisions gap-free and the hash chain
 * linear across nodes. Inside one node, writes of a workspace queue in process
 * and run in batches (group commit): one transaction takes the lock once, runs
 * the queued writes one after another, each in its own savepoint, and commits
 * them together — one lock hand-over and one WAL flush for the batch instead of
 * one per write. A burst of writes waits without holding pooled connections and
 * never starves reads of them.
 *
 * Reads run in REPEATABLE READ READ ONLY transactions: one snapshot for every
 * statement of the read.
 *
 * Each commit that moved a workspace's revision calls `pg_notify` inside the
 * transaction (delivered on commit); one dedicated LISTEN connection per
 * instance hears the commits of all nodes and wakes local watchers.
 */
export class PostgresStorage implements Storage {
  readonly kind = 'postgres' as const
  /** The schema the tables live in, when one was chosen. */
  readonly schema: string | null
  readonly #config: ClientConfig
  readonly #pool: pg.Pool
  readonly #listeners = new Set<CommitListener>()
  readonly #writersPerWorkspace: number
  /** Writes waiting per workspace, and how many batches of it run now. */
  readonly #queues = new Map<string, WriteQueue>()
  #listenClient: pg.Client | null = null
  #listenStarting: Promise<void> | null = null
  #reconnectTimer: NodeJS.Timeout | null = null
  #reconnectDelay = RECONNECT_MIN_MS
  #initialised = false
  #closed = false
  /** The schema the tables really live in (current_schema() after init); scopes NOTIFY payloads. */
  #scope = ''

  constructor(options: PostgresStorageOptions) {
    const { config, schema } = connectionConfig(options)
    this.schema = schema
    this.#config = config
    this.#pool = new pg.Pool({ ...config, max: options.poolSize ?? 10 })
    this.#writersPerWorkspace = Math.max(1, Math.trunc(options.writersPerWorkspace ?? 1))
    // An idle pooled client whose connection dies emits here; the pool drops it and
    // the next checkout opens a fresh one. Without a handler the process would crash.
    this.#pool.on('error', () => undefined)
  }

  async init(): Promise<void> {
    this.#assertOpen()
    if (!this.#initialised) {
      const { client, done } = await this.#checkout()
      let broken: Error | undefined
      try {
        await client.query('BEGIN')
        await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY])
        await ensureSchema(client, this.schema)
        await client.query(MIGRATIONS_TABLE_SQL)
        const applied = new Set(
          (await client.query<{ version: number }>('SELECT version FROM dock_migrations')).rows.map((r) => r.version),
        )
        for (const m of MIGRATIONS) {
          if (applied.has(m.id)) continue
          await client.query(migrationSql(m, POSTGRES))
          await client.query('INSERT INTO dock_migrations (version, description) VALUES ($1, $2)', [m.id, m.name])
        }
        const current = await client.query<{ schema: string }>('SELECT current_schema() AS schema')
        this.#scope = current.rows[0]?.schema ?? ''
        await client.query('COMMIT')
      } catch (err) {
        broken = await rollback(client)
        throw err
      } finally {
        done(broken)
      }
      this.#initialised = true
    }
    await this.#ensureListening()
  }

  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    if (this.#reconnectTimer !== null) clearTimeout(this.#reconnectTimer)
    this.#reconnectTimer = null
    await this.#listenStarting?.catch(() => undefined)
    const listener = this.#listenClient
    this.#listenClient = null
    if (listener !== null) await listener.end().catch(() => undefined)
    this.#listeners.clear()
    await this.#pool.end()
  }

  async write<T>(workspaceId: string | null, fn: (tx: Tx) => Promise<T>): Promise<T> {
    this.#assertOpen()
    if (workspaceId === null) return this.#writeAlone(fn)
    // The id travels as a literal inside a simple-protocol message, which cannot carry NUL.
    if (workspaceId.includes('\u0000')) throw new DockError('invalid_input', 'text must not contain NUL characters')
    return new Promise<T>((resolve, reject) => {
      let queue = this.#queues.get(workspaceId)
      if (queue === undefined) {
        queue = { jobs: [], batches: 0 }
        this.#queues.set(workspaceId, queue)
      }
      queue.jobs.push({ fn, resolve: resolve as (value: unknown) => void, reject })
      if (queue.batches < this.#writersPerWorkspace) {
        queue.batches++
        void this.#drain(workspaceId, queue).catch(() => undefined)
      }
    })
  }

  /** A write outside any workspace (creating one): its own transaction, no workspace lock. */
  async #writeAlone<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    const { client, done } = await this.#checkout()
    let broken: Error | undefined
    try {
      await client.query('BEGIN')
      const tx = new PgTx(client, null, null, true)
      const value = await fn(tx)
      // The writes still buffered travel with COMMIT; if one fails, the server skips the COMMIT.
      await client.query([...tx.takeBuffered(), 'COMMIT'].join(';\n'))
      return value
    } catch (err) {
      broken = await rollback(client)
      throw mapError(err)
    } finally {
      done(broken)
    }
  }

  /** Runs a workspace's queued writes, batch after batch, until its queue is empty. */
  async #drain(workspaceId: string, queue: WriteQueue): Promise<void> {
    try {
      while (queue.jobs.length > 0) await this.#runBatch(workspaceId, queue.jobs)
    } finally {
      // Nothing awaits between the emptiness check above and here: a write arriving
      // later finds either this queue with a free batch place or no queue at all.
      queue.batches--
      if (queue.batches === 0 && queue.jobs.length === 0 && this.#queues.get(workspaceId) === queue)
        this.#queues.delete(workspaceId)
    }
  }

  /**
   * Group commit for one workspace: one transaction takes the workspace lock
   * once, then runs queued writes one after another, each inside a savepoint
   * (jobs that arrive meanwhile join, up to MAX_BATCH). A write that throws, or
   * whose statements fail, is rolled back to its savepoint and refused alone;
   * the next one starts from the state the previous successful one left (same
   * transaction, same cached workspace row). One NOTIFY with the final revision
   * and one COMMIT (one WAL flush) end the batch. Nobody hears anything before
   * that COMMIT — not success, and not a refusal either: a refusal may carry
   * state an earlier write of the batch left (a 409's `details.current`), which
   * would never have existed if the COMMIT then failed or the node died first.
   * If the COMMIT fails, every write of the batch is refused, its refusals as
   * `unavailable` (retryable: what they described was taken back).
   *
   * Round trips under the lock: BEGIN+lock(+SAVEPOINT) once per batch; per
   * write, its reads and one message with its buffered writes, RELEASE and the
   * next write's SAVEPOINT; the last write's buffered writes and RELEASE travel
   * with NOTIFY and COMMIT, so a batch of one costs what an unbatched write did.
   */
  async #runBatch(workspaceId: string, queue: WriteJob[]): Promise<void> {
    let checkout: Checkout
    try {
      checkout = await this.#checkout()
    } catch (err) {
      for (const job of queue.splice(0, MAX_BATCH)) job.reject(err)
      return
    }
    const { client, done } = checkout
    let broken: Error | undefined
    /** Ran and released, waiting for COMMIT. */
    const finished: { job: WriteJob; value: unknown }[] = []
    /** Refused and undone, their refusals waiting for the batch's end too. */
    const refused: { job: WriteJob; err: unknown }[] = []
    /** Taken from the queue, not yet finished nor refused. */
    let current: WriteJob | null = null
    let committedRevision: number | null = null
    try {
      let before: WorkspaceRecord | null
      try {
        // One round trip: BEGIN, the lock and the first write's savepoint travel in one
        // simple-protocol message.
        const replies = (await client.query(
          `BEGIN; ${LOCK_SQL_PREFIX}${client.escapeLiteral(workspaceId)} FOR UPDATE; ${SAVEPOINT_JOB}`,
        )) as unknown as QueryResult<WorkspaceDbRow>[]
        const locked = replies[1]?.rows[0]
        before = locked === undefined ? null : toWorkspace(locked)
      } catch (err) {
        // No transaction to run them in: refuse the writes this batch would have taken, so a
        // broken server does not spin the queue.
        for (const job of queue.splice(0, MAX_BATCH)) job.reject(mapError(err))
        throw err
      }
      const tx = new PgTx(client, workspaceId, before, true)
      let taken = 0
      /** The last write of the batch, ended together with COMMIT. */
      let last: { job: WriteJob; value: unknown; mark: JobMark } | null = null
      while (taken < MAX_BATCH) {
        const job = queue.shift()
        if (job === undefined) break
        taken++
        current = job
        const mark = tx.mark()
        let value: unknown
        try {
          value = await job.fn(tx)
          if (queue.length > 0 && taken < MAX_BATCH) await tx.endJob()
          else {
            last = { job, value, mark }
            current = null
            break
          }
        } catch (err) {
          // Undo this write alone (if that fails too, the connection is gone: the outer catch
          // refuses everyone). The job hears its own error either way.
          current = null
          refused.push({ job, err: mapError(err) })
          // If this fails too, the connection is gone: the outer catch refuses everyone.
          await tx.undoJob(mark)
          continue
        }
        finished.push({ job, value })
        current = null
      }
      const closing = (): string[] => {
        const after = tx.lockedWorkspace
        const moved = after !== null && after.revision !== before?.revision
        committedRevision = moved ? after.revision : null
        // NOTIFY only when the revision moved; it is delivered on commit. synchronous_commit
        // stays at its default (on): COMMIT returns once the WAL is flushed.
        return moved
          ? [
              `SELECT pg_notify('${COMMIT_CHANNEL}', ${client.escapeLiteral(`${after.id}:${after.revision}:${this.#scope}`)})`,
              'COMMIT',
            ]
          : ['COMMIT']
      }
      let committed = false
      if (last !== null) {
        current = last.job
        try {
          // One round trip: the last write's buffered statements, its RELEASE, NOTIFY and COMMIT.
          // If any statement fails, the server skips the rest, COMMIT included.
          await client.query([...tx.takeBuffered(), RELEASE_JOB, ...closing()].join(';\n'))
          committed = true
          finished.push({ job: last.job, value: last.value })
        } catch (err) {
          // Its own statements failed if its savepoint still stands (ROLLBACK TO works): refuse it
          // alone and commit the others. Otherwise RELEASE, NOTIFY or COMMIT failed: everyone is refused.
          try {
            await tx.undoJob(last.mark)
          } catch {
            throw err
          }
          refused.push({ job: last.job, err: mapError(err) })
        }
        current = null
      }
      if (!committed) {
        if (finished.length > 0) await client.query(closing().join(';\n'))
        else {
          committedRevision = null
          await client.query('ROLLBACK')
        }
      }
    } catch (err) {
      broken = await rollback(client)
      const refusal = mapError(err)
      current?.reject(refusal)
      for (const { job } of finished) job.reject(refusal)
      const lost = new DockError(
        'unavailable',
        'the batch this write ran in did not commit; nothing was applied, retry',
        { cause: err },
      )
      for (const { job } of refused) job.reject(lost)
      return
    } finally {
      done(broken)
    }
    if (committedRevision !== null) this.#emit(workspaceId, committedRevision)
    for (const { job, err } of refused) job.reject(err)
    for (const { job, value } of finished) job.resolve(value)
  }

  async read<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    this.#assertOpen()
    const { client, done } = await this.#checkout()
    let broken: Error | undefined
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY')
      const value = await fn(new PgTx(client, null, null, false))
      await client.query('COMMIT')
      return value
    } catch (err) {
      broken = await rollback(client)
      throw mapError(err)
    } finally {
      done(broken)
    }
  }

  onCommit(listener: CommitListener): () => void {
    this.#listeners.add(listener)
    if (this.#initialised && !this.#closed) void this.#ensureListening().catch(() => undefined)
    return () => this.#listeners.delete(listener)
  }

  /** Whether the LISTEN connection is up (for health checks and tests). */
  get listening(): boolean {
    return this.#listenClient !== null
  }

  /**
   * A pooled connection plus its return. While checked out, a connection the
   * server drops (restart, pg_terminate_backend, network) emits 'error' on the
   * client with nobody listening, which would crash the process: listen here,
   * and destroy such a connection on return instead of pooling it again.
   */
  async #checkout(): Promise<Checkout> {
    const client = await this.#pool.connect()
    let lost: Error | undefined
    const onError = (err: Error): void => {
      lost = err
    }
    client.on('error', onError)
    return {
      client,
      done: (err) => {
        client.off('error', onError)
        client.release(err ?? lost)
      },
    }
  }

  #assertOpen(): void {
    if (this.#closed) throw new Error('PostgresStorage is closed')
  }

  #emit(workspaceId: string, revision: number): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(workspaceId, revision)
      } catch {
        // A listener's failure is its own; the commit stands and the others still hear it.
      }
    }
  }

  #ensureListening(): Promise<void> {
    if (this.#listenClient !== null || this.#closed) return Promise.resolve()
    if (this.#listenStarting !== null) return this.#listenStarting
    this.#listenStarting = this.#listen().finally(() => {
      this.#listenStarting = null
    })
    return this.#listenStarting
  }

  async #listen(): Promise<void> {
    const client = new pg.Client({ ...this.#config, keepAlive: true })
    client.on('notification', (msg: Notification) => this.#onNotification(msg))
    client.on('error', () => this.#listenerLost(client))
    client.on('end', () => this.#listenerLost(client))
    try {
      await client.connect()
      await client.query(`LISTEN ${COMMIT_CHANNEL}`)
    } catch (err) {
      await client.end().catch(() => undefined)
      throw err
    }
    if (this.#closed) {
      await client.end().catch(() => undefined)
      return
    }
    this.#listenClient = client
    this.#reconnectDelay = RECONNECT_MIN_MS
  }

  #onNotification(msg: Notification): void {
    if (msg.channel !== COMMIT_CHANNEL || msg.payload === undefined) return
    const parsed = parseCommitPayload(msg.payload)
    if (parsed === null || parsed.schema !== this.#scope) return
    this.#emit(parsed.workspaceId, parsed.revision)
  }

  #listenerLost(client: pg.Client): void {
    if (this.#listenClient !== client) return
    this.#listenClient = null
    client.end().catch(() => undefined)
    this.#scheduleReconnect()
  }

  #scheduleReconnect(): void {
    if (this.#closed || this.#reconnectTimer !== null) return
    const delay = this.#reconnectDelay
    this.#reconnectDelay = Math.min(delay * 2, RECONNECT_MAX_MS)
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = null
      this.#ensureListening()
        .then(() => this.#hintAll())
        .catch(() => this.#scheduleReconnect())
    }, delay)
    this.#reconnectTimer.unref()
  }

  /** After a gap in LISTEN, commits may have been missed: hint every workspace's head so watchers catch up from the log. */
  async #hintAll(): Promise<void> {
    if (this.#closed || this.#listeners.size === 0) return
    const heads = await this.read((tx) => tx.listWorkspaces())
    for (const ws of heads) this.#emit(ws.id, ws.revision)
  }
}

// ------------------------------------------------------------------ connection and errors

/** Reads `<workspaceId>:<revision>:<schema>` (workspace ids hold no ':'; the schema may). */
export function parseCommitPayload(payload: string): { workspaceId: string; revision: number; schema: string } | null {
  const a = payload.indexOf(':')
  const b = a < 0 ? -1 : payload.indexOf(':', a + 1)
  if (a <= 0 || b < 0) return null
  const revision = Number(payload.slice(a + 1, b))
  if (!Number.isSafeInteger(revision) || revision < 0) return null
  return { workspaceId: payload.slice(0, a), revision, schema: payload.slice(b + 1) }
}

function connectionConfig(options: PostgresStorageOptions): { config: ClientConfig; schema: string | null } {
  let url: URL
  try {
    url = new URL(options.url)
  } catch {
    throw new Error('the PostgreSQL URL is not a valid URL (postgres://user@host:5432/db)')
  }
  const fromUrl = url.searchParams.get('schema')
  url.searchParams.delete('schema')
  const schema = options.schema ?? (fromUrl === null || fromUrl === '' ? null : fromUrl)
  if (schema !== null && !SCHEMA_NAME.test(schema)) {
    throw new Error(`schema ${JSON.stringify(schema)} must be a lower-case identifier (a-z, 0-9, _; at most 63 chars)`)
  }
  // The connection string overrides explicit settings in pg, so fold its `options` into ours.
  const startupOptions = [url.searchParams.get('options'), schema === null ? null : `-c search_path=${schema}`].filter(
    (o): o is string => o !== null && o !== '',
  )
  url.searchParams.delete('options')
  const idle = options.idleInTransactionTimeoutMs ?? 10_000
  const config: ClientConfig = {
    connectionString: url.toString(),
    application_name: options.applicationName ?? 'dock',
    keepAlive: true,
    // An unreachable database fails requests after 10 s instead of leaving them hanging.
    connectionTimeoutMillis: 10_000,
    ...(idle > 0 ? { idle_in_transaction_session_timeout: idle } : {}),
    ...(startupOptions.length > 0 ? { options: startupOptions.join(' ') } : {}),
  }
  return { config, schema }
}

/** Creates the target schema: the chosen one, or the first of the search_path when it does not exist yet. */
async function ensureSchema(client: PoolClient, schema: string | null): Promise<void> {
  if (schema !== null) {
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`)
    return
  }
  const { rows } = await client.query<{ current: string | null; path: string }>(
    "SELECT current_schema() AS current, current_setting('search_path') AS path",
  )
  if (rows[0] === undefined || rows[0].current !== null) return
  const first = rows[0].path
    .split(',')
    .map((s) => s.trim().replace(/^"(.*)"$/, '$1'))
    .find((s) => s !== '' && s !== '$user')
  if (first === undefined) throw new Error('the search_path names no schema to create Dock tables in')
  await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(first)}`)
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`
}

/** Rolls back; returns the error to destroy the connection with when even that failed. */
async function rollback(client: PoolClient): Promise<Error | undefined> {
  try {
    await client.query('ROLLBACK')
    return undefined
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err))
  }
}

/**
 * Turns the database's refusals that callers can cause into domain errors:
 * a workspace name taken by a concurrent creation (the service checked first,
 * but another node may commit in between) and text PostgreSQL cannot store
 * (NUL characters). Everything else passes through unchanged.
 */
function mapError(err: unknown): unknown {
  if (!(err instanceof pg.DatabaseError)) {
    // The connection itself went away mid-transaction: nothing committed.
    const code = (err as { code?: unknown }).code
    const lost =
      err instanceof Error &&
      (/^Connection terminated|connection error and is not queryable/.test(err.message) ||
        ['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT'].includes(String(code)))
    return lost
      ? new DockError(
          'unavailable',
          'the database connection was lost before the write committed; nothing was applied, retry',
          { cause: err },
        )
      : err
  }
  if (err.code === '23505' && err.constraint === 'workspaces_name_key') {
    return new DockError('already_exists', 'a workspace with this name exists', { cause: err })
  }
  if (err.code === '22021' || err.code === '22P05') {
    return new DockError('invalid_input', 'text must not contain NUL characters', { cause: err })
  }
  // Connection exceptions, admin shutdowns, an aborted idle transaction, serialization failures:
  // the transaction did not commit, so the write can be retried as a whole.
  if (/^(08|57P0|40001|40P01|25P03)/.test(err.code ?? '')) {
    return new DockError(
      'unavailable',
      'the database ended the transaction before it committed; nothing was applied, retry',
      { cause: err },
    )
  }
  return err
}

// ------------------------------------------------------------------ per-workspace queue

interface Checkout {
  readonly client: PoolClient
  readonly done: (err?: Error) => void
}

interface WriteJob {
  readonly fn: (tx: Tx) => Promise<unknown>
  readonly resolve: (value: unknown) => void
  readonly reject: (err: unknown) => void
}

interface WriteQueue {
  readonly jobs: WriteJob[]
  /** Batches of this workspace running now (at most `writersPerWorkspace`). */
  batches: number
}

/**
 * Writes sharing one transaction and one COMMIT. Also keeps a transaction's
 * subtransactions within PostgreSQL's per-backend cache of 64, beyond which
 * every snapshot taken on the server gets slower until it ends.
 */
const MAX_BATCH = 64

// ------------------------------------------------------------------ the transaction

/** Statement names by SQL text: each pooled connection prepares a statement once, then reuses it. */
const statementNames = new Map<string, string>()

function statementName(text: string): string {
  let name = statementNames.get(text)
  if (name === undefined) {
    name = `dock_${statementNames.size + 1}`
    statementNames.set(text, name)
  }
  return name
}

/** `text` with each `$n` replaced by its value as an SQL literal (for the simple protocol). */
function inlineValues(client: PoolClient, text: string, values: readonly unknown[]): string {
  return text.replace(/\$(\d+)/g, (_, n: string) => sqlLiteral(client, values[Number(n) - 1]))
}

function sqlLiteral(client: PoolClient, value: unknown): string {
  if (value === null || value === undefined) return 'NULL'
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE'
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : `'${String(value)}'`
  if (typeof value === 'string') {
    // A simple-protocol message cannot carry NUL; PostgreSQL text cannot hold it either.
    if (value.includes('\u0000')) throw new DockError('invalid_input', 'text must not contain NUL characters')
    return client.escapeLiteral(value)
  }
  // The dialect casts list parameters itself (`= ANY($n::text[])`), so an empty list needs no type here.
  if (Array.isArray(value)) return `ARRAY[${value.map((v) => sqlLiteral(client, v)).join(', ')}]`
  throw new TypeError(`cannot write a ${typeof value} to PostgreSQL`)
}

/**
 * Each write of a batch runs inside this savepoint, set before it starts. A
 * write that ends releases it and sets the next write's at once (one level
 * only); a write undone rolls back to it, which keeps it set for the next one.
 */
const SAVEPOINT_JOB = 'SAVEPOINT dock_job'
const RELEASE_JOB = 'RELEASE SAVEPOINT dock_job'
const UNDO_JOB = 'ROLLBACK TO SAVEPOINT dock_job'

/** Where a write of a batch started: what to restore when it is undone. */
interface JobMark {
  readonly locked: WorkspaceRecord | null
}

/**
 * Runs the record store's statements on one pooled connection, as named
 * prepared statements. In a write, inserts and updates are not sent one by
 * one: they wait here, as statements with their values inlined as escaped
 * literals, and go in one message before the next read of the transaction (so
 * it sees them) or with COMMIT. The workspace lock is then held for fewer
 * round trips. A failing statement fails the read or the commit it travels
 * with, and with it the whole write.
 */
class PgSession implements SqlSession {
  readonly client: PoolClient
  readonly #buffered: boolean
  #buffer: string[] = []

  constructor(client: PoolClient, buffered: boolean) {
    this.client = client
    this.#buffered = buffered
  }

  /** The writes not sent yet, to travel with COMMIT; the buffer is empty afterwards. */
  takeBuffered(): string[] {
    const statements = this.#buffer
    this.#buffer = []
    return statements
  }

  dropBuffered(): void {
    this.#buffer = []
  }

  async all<R>(statement: Statement): Promise<R[]> {
    if (this.#buffer.length > 0) await this.client.query(this.takeBuffered().join(';\n'))
    const result = await this.client.query<QueryResultRow>({
      name: statementName(statement.text),
      text: statement.text,
      values: [...statement.values],
    })
    return result.rows as R[]
  }

  async run(statement: Statement): Promise<void> {
    if (this.#buffered) this.#buffer.push(inlineValues(this.client, statement.text, statement.values))
    else await this.all(statement)
  }

  /** Buffered writes and the reads, inlined, in one simple-protocol message: one round trip for all of them. */
  async allMany<R>(statements: readonly Statement[]): Promise<R[][]> {
    const buffered = this.takeBuffered()
    const texts = [...buffered, ...statements.map((s) => inlineValues(this.client, s.text, s.values))]
    const replies = (await this.client.query(texts.join(';\n'))) as unknown as
      QueryResult<QueryResultRow>[] | QueryResult<QueryResultRow>
    const list = Array.isArray(replies) ? replies : [replies]
    return list.slice(buffered.length).map((r) => r.rows as R[])
  }
}

/**
 * The record store plus what a PostgreSQL write transaction adds: the locked
 * workspace row served from memory, and the savepoint steps of a batch.
 */
class PgTx extends SqlRecordStore {
  readonly #session: PgSession
  /** The workspace whose row this (write) transaction locked, if any. */
  readonly #lockedId: string | null
  #locked: WorkspaceRecord | null

  /**
   * In a write, `locked` is the workspace row as `FOR UPDATE` returned it: no
   * other transaction can change it until this one ends, so it is served from
   * here and kept current through insert/updateWorkspace.
   */
  constructor(client: PoolClient, lockedId: string | null, locked: WorkspaceRecord | null, buffered: boolean) {
    const session = new PgSession(client, buffered)
    super(session, POSTGRES)
    this.#session = session
    this.#lockedId = lockedId
    this.#locked = locked
  }

  takeBuffered(): string[] {
    return this.#session.takeBuffered()
  }

  /**
   * Where the next write of a batch starts. Its savepoint is already set and
   * the buffer is empty: the previous write was ended (sent) or undone (dropped).
   */
  mark(): JobMark {
    return { locked: this.#locked }
  }

  /**
   * Ends a write of a batch that more writes follow, in one round trip: its
   * buffered statements, RELEASE, and the next write's SAVEPOINT. If one of its
   * statements fails, its savepoint still stands and `undoJob` takes it back.
   */
  async endJob(): Promise<void> {
    await this.#session.client.query([...this.takeBuffered(), RELEASE_JOB, SAVEPOINT_JOB].join(';\n'))
  }

  /**
   * Takes a write of a batch back: its statements not sent yet are dropped,
   * those sent are rolled back to its savepoint (which stays set, for the next
   * write), and the cached workspace row is what it was before the write.
   * Throws if the savepoint cannot be rolled back to (the transaction is lost).
   */
  async undoJob(mark: JobMark): Promise<void> {
    this.#session.dropBuffered()
    this.#locked = mark.locked
    this.#principals.clear()
    this.#tables.clear()
    await this.#session.client.query(UNDO_JOB)
  }

  /** The locked workspace as this transaction leaves it (null if it does not exist). */
  get lockedWorkspace(): WorkspaceRecord | null {
    return this.#locked
  }

  override async getWorkspace(idOrName: string): Promise<WorkspaceRecord | null> {
    if (this.#locked !== null && idOrName === this.#lockedId) return this.#locked
    return super.getWorkspace(idOrName)
  }

  /**
   * The locked workspace's principals and tables, as JSON text, once read in this
   * batch. Every write that changes them holds the same workspace lock, so nothing
   * can change them before the batch commits except the batch itself (whose writes
   * drop the entry, and whose undone writes drop them all). Every write reads its
   * caller and its table: after the first write of a batch those reads cost no round
   * trip under the lock. A fresh object is parsed per read, as from the database.
   */
  readonly #principals = new Map<string, string | null>()
  readonly #tables = new Map<string, string | null>()

  async #cached<T>(
    cache: Map<string, string | null>,
    workspaceId: string,
    key: string,
    read: () => Promise<T | null>,
  ): Promise<T | null> {
    if (workspaceId !== this.#lockedId) return read()
    let text = cache.get(key)
    if (text === undefined) {
      const found = await read()
      text = found === null ? null : JSON.stringify(found)
      cache.set(key, text)
    }
    return text === null ? null : (JSON.parse(text) as T)
  }

  override getPrincipal(workspaceId: string, id: string): Promise<PrincipalRecord | null> {
    return this.#cached(this.#principals, workspaceId, id, () => super.getPrincipal(workspaceId, id))
  }

  override async insertPrincipal(p: PrincipalRecord): Promise<void> {
    this.#principals.delete(p.id)
    await super.insertPrincipal(p)
  }

  override async updatePrincipal(p: PrincipalRecord): Promise<void> {
    this.#principals.delete(p.id)
    await super.updatePrincipal(p)
  }

  override getTable(workspaceId: string, name: string): Promise<Table | null> {
    return this.#cached(this.#tables, workspaceId, name, () => super.getTable(workspaceId, name))
  }

  override async insertTable(t: Table): Promise<void> {
    this.#tables.delete(t.name)
    await super.insertTable(t)
  }

  override async updateTable(t: Table): Promise<void> {
    this.#tables.delete(t.name)
    await super.updateTable(t)
  }

  override async insertWorkspace(ws: WorkspaceRecord): Promise<void> {
    await super.insertWorkspace(ws)
    if (ws.id === this.#lockedId) this.#locked = pickWorkspace(ws)
  }

  override async updateWorkspace(ws: WorkspaceRecord): Promise<void> {
    await super.updateWorkspace(ws)
    // Only the three columns the UPDATE writes change; id, name and createdAt stay as stored.
    if (ws.id === this.#lockedId && this.#locked !== null) {
      this.#locked = { ...this.#locked, revision: ws.revision, headHash: ws.headHash, frozen: ws.frozen }
    }
  }
}

/** A copy with exactly the stored fields (callers may pass objects with more). */
function pickWorkspace(ws: WorkspaceRecord): WorkspaceRecord {
  return {
    id: ws.id,
    name: ws.name,
    revision: ws.revision,
    headHash: ws.headHash,
    frozen: ws.frozen,
    createdAt: ws.createdAt,
  }
}
