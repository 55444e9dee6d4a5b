/**
 * What Dock is measured against: the bare storage doing the same kind of
 * durable write with no server, no HTTP, no log and no hash chain.
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'

import Database from 'better-sqlite3'
import pg from 'pg'

import { percentile } from './support.js'

export interface Throughput {
  /** Committed write transactions per second. */
  readonly writesPerSec: number
  /** The benchmark's own unit per second (claim+complete pairs, updates …). */
  readonly opsPerSec: number
  readonly ops: number
  readonly seconds: number
  readonly note?: string
}

export interface Latency {
  readonly p50: number
  readonly p99: number
  readonly samples: number
}

/**
 * A compare-and-set loop on better-sqlite3 the way Dock opens its file (WAL,
 * synchronous=FULL): read a row's version, then `UPDATE … WHERE id=? AND
 * version=?` in its own IMMEDIATE transaction, fsynced at commit.
 */
export function sqliteCasLoop(dir: string, durationMs: number): { throughput: Throughput; commit: Latency } {
  mkdirSync(dir, { recursive: true })
  const db = new Database(join(dir, 'baseline.db'))
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = FULL')
  db.exec('CREATE TABLE IF NOT EXISTS rows (id INTEGER PRIMARY KEY, version INTEGER NOT NULL, data TEXT NOT NULL)')
  const insert = db.prepare('INSERT OR IGNORE INTO rows (id, version, data) VALUES (?, 1, ?)')
  db.transaction(() => {
    for (let i = 1; i <= 100; i++) insert.run(i, JSON.stringify({ title: `row ${i}`, n: 0 }))
  })()
  const read = db.prepare('SELECT version FROM rows WHERE id = ?')
  const cas = db.prepare('UPDATE rows SET version = version + 1, data = ? WHERE id = ? AND version = ?')
  const tx = db.transaction((id: number, version: number, data: string) => cas.run(data, id, version).changes).immediate
  const latencies: number[] = []
  const start = performance.now()
  const end = start + durationMs
  let n = 0
  while (performance.now() < end) {
    const id = (n % 100) + 1
    const t0 = performance.now()
    const { version } = read.get(id) as { version: number }
    if (tx(id, version, JSON.stringify({ title: `row ${id}`, n })) !== 1)
      throw new Error('CAS lost in a single-writer loop')
    latencies.push(performance.now() - t0)
    n++
  }
  const seconds = (performance.now() - start) / 1000
  db.close()
  latencies.sort((a, b) => a - b)
  return {
    throughput: { writesPerSec: n / seconds, opsPerSec: n / seconds, ops: n, seconds },
    commit: { p50: percentile(latencies, 50), p99: percentile(latencies, 99), samples: latencies.length },
  }
}

async function withSchema<T>(url: string, fn: (schema: string, admin: pg.Client) => Promise<T>): Promise<T> {
  const schema = `dock_bench_base_${process.pid}_${Date.now()}`
  const admin = new pg.Client({ connectionString: url })
  await admin.connect()
  try {
    await admin.query(`CREATE SCHEMA ${schema}`)
    return await fn(schema, admin)
  } finally {
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined)
    await admin.end()
  }
}

async function clients(url: string, n: number, schema: string): Promise<pg.Client[]> {
  return Promise.all(
    Array.from({ length: n }, async () => {
      const c = new pg.Client({ connectionString: url })
      await c.connect()
      await c.query(`SET search_path TO ${schema}`)
      return c
    }),
  )
}

/**
 * The classic queue on bare PostgreSQL: each worker claims the next row with
 * `SELECT … FOR UPDATE SKIP LOCKED` and marks it in_progress in one
 * transaction, then completes it with a second one.
 */
export async function pgSkipLockedClaims(url: string, workers: number, durationMs: number): Promise<Throughput> {
  return withSchema(url, async (schema, admin) => {
    await admin.query(
      `CREATE TABLE ${schema}.jobs (id bigserial PRIMARY KEY, status text NOT NULL, owner text, version int NOT NULL DEFAULT 1)`,
    )
    await admin.query(`CREATE INDEX ON ${schema}.jobs (status, id)`)
    await admin.query(`INSERT INTO ${schema}.jobs (status) SELECT 'todo' FROM generate_series(1, 100000)`)
    await admin.query(`ANALYZE ${schema}.jobs`)
    const cs = await clients(url, workers, schema)
    let pairs = 0
    const start = performance.now()
    const end = start + durationMs
    await Promise.all(
      cs.map(async (c, w) => {
        while (performance.now() < end) {
          await c.query('BEGIN')
          const r = await c.query<{ id: string }>(
            "SELECT id FROM jobs WHERE status = 'todo' ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED",
          )
          const id = r.rows[0]?.id
          if (id === undefined) {
            await c.query('ROLLBACK')
            break
          }
          await c.query("UPDATE jobs SET status = 'in_progress', owner = $1, version = version + 1 WHERE id = $2", [
            `w${w}`,
            id,
          ])
          await c.query('COMMIT')
          const done = await c.query(
            "UPDATE jobs SET status = 'done', version = version + 1 WHERE id = $1 AND owner = $2 AND status = 'in_progress'",
            [id, `w${w}`],
          )
          if (done.rowCount !== 1) throw new Error('a claimed job was taken by another worker')
          pairs++
        }
      }),
    )
    const seconds = (performance.now() - start) / 1000
    await Promise.all(cs.map((c) => c.end()))
    return { writesPerSec: (2 * pairs) / seconds, opsPerSec: pairs / seconds, ops: pairs, seconds }
  })
}

/** `UPDATE … WHERE id=$1 AND version=$2` by `workers` connections on rows of their own (no contention). */
export async function pgCasLoop(url: string, workers: number, durationMs: number): Promise<Throughput> {
  return withSchema(url, async (schema, admin) => {
    await admin.query(`CREATE TABLE ${schema}.rows (id int PRIMARY KEY, version int NOT NULL, data jsonb NOT NULL)`)
    await admin.query(`INSERT INTO ${schema}.rows SELECT g, 1, '{}'::jsonb FROM generate_series(1, ${workers}) g`)
    const cs = await clients(url, workers, schema)
    let n = 0
    const start = performance.now()
    const end = start + durationMs
    await Promise.all(
      cs.map(async (c, w) => {
        const id = w + 1
        while (performance.now() < end) {
          const { rows } = await c.query<{ version: number }>('SELECT version FROM rows WHERE id = $1', [id])
          const r = await c.query('UPDATE rows SET version = version + 1, data = $3 WHERE id = $1 AND version = $2', [
            id,
            rows[0]!.version,
            JSON.stringify({ n }),
          ])
          if (r.rowCount !== 1) throw new Error('CAS lost on an uncontended row')
          n++
        }
      }),
    )
    const seconds = (performance.now() - start) / 1000
    await Promise.all(cs.map((c) => c.end()))
    return { writesPerSec: n / seconds, opsPerSec: n / seconds, ops: n, seconds }
  })
}

/** Commit-to-listener latency of bare LISTEN/NOTIFY: an UPDATE plus pg_notify committed on one connection, heard on another. */
export async function pgNotifyLatency(url: string, samples: number): Promise<Latency> {
  return withSchema(url, async (schema, admin) => {
    await admin.query(`CREATE TABLE ${schema}.heads (id int PRIMARY KEY, revision int NOT NULL)`)
    await admin.query(`INSERT INTO ${schema}.heads VALUES (1, 0)`)
    const [listener, writer] = await clients(url, 2, schema)
    const channel = `${schema}_ch`
    await listener!.query(`LISTEN ${channel}`)
    const waiting = new Map<string, (t: number) => void>()
    listener!.on('notification', (msg) => waiting.get(msg.payload ?? '')?.(performance.now()))
    const latencies: number[] = []
    for (let i = 0; i < samples; i++) {
      const heard = new Promise<number>((resolve) => waiting.set(String(i), resolve))
      const t0 = performance.now()
      await writer!.query('BEGIN')
      await writer!.query('UPDATE heads SET revision = revision + 1 WHERE id = 1')
      await writer!.query('SELECT pg_notify($1, $2)', [channel, String(i)])
      await writer!.query('COMMIT')
      latencies.push((await heard) - t0)
      waiting.delete(String(i))
    }
    await listener!.end()
    await writer!.end()
    latencies.sort((a, b) => a - b)
    return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), samples: latencies.length }
  })
}
