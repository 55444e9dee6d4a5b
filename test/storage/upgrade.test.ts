/**
 * Stores written by release 0.1.0 open, migrate and keep everything: the
 * SQLite fixture is a store that release wrote (fixtures/release-0.1.0), the
 * PostgreSQL one is that release's schema verbatim (fixtures/postgres-0.1.0-schema.sql)
 * filled with the same records.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import Database from 'better-sqlite3'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'

import { DockService, type Caller } from '../../src/service/dock-service.js'
import { PostgresStorage } from '../../src/storage/postgres/postgres-storage.js'
import { POSTGRES } from '../../src/storage/sql/dialect.js'
import { MIGRATIONS, migrationSql } from '../../src/storage/sql/migrations.js'
import { SqliteStorage } from '../../src/storage/sqlite/sqlite-storage.js'
import type { Storage } from '../../src/storage/storage.js'
import { adminQuery, SKIP_REASON, TEST_DATABASE_URL, TestSchemas } from '../helpers/postgres-test-db.js'
import { FIXTURE_OPERATOR_TOKEN } from './fixtures/release-0.1.0.js'
import { expectFiltersLikeTheLog } from './storage-conformance.case.js'

const FIXTURES = join(import.meta.dirname, 'fixtures')
const LATEST = MIGRATIONS[MIGRATIONS.length - 1]!.id
const RECORD_TABLES = ['workspaces', 'principals', 'tables', 'rows', 'docs', 'events'] as const

const copies: string[] = []
afterAll(() => {
  for (const dir of copies.splice(0)) rmSync(dir, { recursive: true, force: true })
})

/**
 * A fresh copy of the 0.1.0 store's directory. The committed file is never
 * opened itself: even a read-only open of a WAL database leaves -shm/-wal files beside it.
 */
function fixtureCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'dock-upgrade-'))
  copies.push(dir)
  cpSync(join(FIXTURES, 'release-0.1.0', 'dock.db'), join(dir, 'dock.db'))
  return dir
}

/** Every record of the 0.1.0 fixture, as stored (JSON text), by table. */
function fixtureRecords(): Record<(typeof RECORD_TABLES)[number], Record<string, unknown>[]> {
  const db = new Database(join(fixtureCopy(), 'dock.db'), { readonly: true, fileMustExist: true })
  try {
    const all = (sql: string): Record<string, unknown>[] => db.prepare(sql).all() as Record<string, unknown>[]
    return {
      workspaces: all('SELECT id, name, revision, head_hash, frozen, created_at, row_seq FROM workspaces ORDER BY id'),
      principals: all(
        'SELECT workspace_id, id, name, key_hash, created_at, data FROM principals ORDER BY workspace_id, id',
      ),
      tables: all('SELECT workspace_id, name, id, data FROM tables ORDER BY workspace_id, name'),
      rows: all(
        'SELECT workspace_id, id, table_name, status, owner, lease_expires_at, priority, seq, data FROM rows ORDER BY workspace_id, id',
      ),
      docs: all('SELECT workspace_id, id, title, created_at, data FROM docs ORDER BY workspace_id, id'),
      events: all('SELECT workspace_id, revision, data FROM events ORDER BY workspace_id, revision'),
    }
  } finally {
    db.close()
  }
}

/** Copies a SQLite fixture's records, column for column, into a PostgreSQL schema (SQLite's 0/1 `frozen` as a boolean). */
async function insertRecords(
  client: pg.Client,
  records: Record<(typeof RECORD_TABLES)[number], Record<string, unknown>[]>,
): Promise<void> {
  for (const table of RECORD_TABLES) {
    for (const record of records[table]) {
      const columns = Object.keys(record)
      const values = columns.map((c) => (table === 'workspaces' && c === 'frozen' ? record[c] === 1 : record[c]))
      await client.query(
        `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`,
        values,
      )
    }
  }
}

/** What the store serves after the upgrade, in the fixture's JSON text, for a byte-exact comparison. */
async function servedRecords(storage: Storage): Promise<Record<string, string[]>> {
  return storage.read(async (tx) => {
    const out: Record<string, string[]> = { principals: [], tables: [], rows: [], docs: [], events: [] }
    for (const ws of await tx.listWorkspaces()) {
      out['principals']!.push(...(await tx.listPrincipals(ws.id)).map((r) => JSON.stringify(r)))
      for (const t of await tx.listTables(ws.id)) {
        out['tables']!.push(JSON.stringify(t))
        out['rows']!.push(
          ...(await tx.queryRows({ workspaceId: ws.id, table: t.name, order: 'seq', limit: 10_000 })).map((r) =>
            JSON.stringify(r),
          ),
        )
      }
      out['docs']!.push(...(await tx.listDocs(ws.id)).map((r) => JSON.stringify(r)))
      out['events']!.push(...(await tx.listEvents(ws.id, 0, 10_000)).map((r) => JSON.stringify(r)))
    }
    for (const list of Object.values(out)) list.sort()
    return out
  })
}

/** Opens the upgraded store through the service and checks it serves, verifies and writes like a new one. */
async function checkUpgraded(storage: Storage): Promise<void> {
  const fixture = fixtureRecords()
  const service = new DockService({ storage })
  try {
    expect(await service.identity.bootstrap(FIXTURE_OPERATOR_TOKEN)).toEqual({ created: false, operatorKey: null })
    const op: Caller = { principal: await service.identity.authenticate(FIXTURE_OPERATOR_TOKEN) }

    const served = await servedRecords(storage)
    for (const table of ['principals', 'tables', 'rows', 'docs', 'events'] as const) {
      expect(served[table], table).toEqual(fixture[table].map((r) => r['data'] as string).sort())
    }
    const heads = await storage.read((tx) => tx.listWorkspaces())
    expect(heads.map((w) => [w.id, w.revision, w.headHash])).toEqual(
      fixture.workspaces.map((w) => [w['id'], w['revision'], w['head_hash']]),
    )

    // The filter columns were backfilled from the stored records: filtered reads answer as the log filters would.
    for (const ws of heads) {
      await storage.read(async (tx) => expectFiltersLikeTheLog(tx, ws.id, await tx.listEvents(ws.id, 0, 10_000)))
    }
    for (const ws of heads) {
      // Each workspace's own operator (the fixture kept only the default one's key; a caller is its principal).
      const owner = (await storage.read((tx) => tx.listPrincipals(ws.id))).find((p) => p.roles.includes('operator'))!
      const audit = await service.events.verifyAudit({ principal: owner }, ws.id)
      expect(audit).toEqual({ ok: true, checked: ws.revision, headRevision: ws.revision, firstBreak: null })
    }
    // The row counter carried over: a new row takes the next seq, and the chain still verifies after it.
    const before = heads.find((w) => w.name === 'default')!
    const created = await service.rows.createRow(op, 'default', 'tasks', { values: { title: 'after the upgrade' } })
    const maxSeq = Math.max(...fixture.rows.filter((r) => r['workspace_id'] === before.id).map((r) => Number(r['seq'])))
    expect(created.seq).toBe(maxSeq + 1)
    expect(await service.events.verifyAudit(op, 'default')).toEqual({
      ok: true,
      checked: before.revision + 1,
      headRevision: before.revision + 1,
      firstBreak: null,
    })
    // The in-flight claim of the fixture is still a live claim, found by the indexes the migrations rebuilt.
    const claimed = await service.rows.listRows(op, 'default', 'tasks', { statuses: ['in_progress'], limit: 10 })
    expect(claimed.items).toHaveLength(1)
  } finally {
    await service.close()
  }
}

describe('upgrade from release 0.1.0: SQLite', () => {
  it('the fixture is what 0.1.0 wrote: unversioned, events WITHOUT ROWID', () => {
    const db = new Database(join(fixtureCopy(), 'dock.db'), { readonly: true })
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(0)
      expect((db.prepare("SELECT sql FROM sqlite_master WHERE name = 'events'").get() as { sql: string }).sql).toMatch(
        /WITHOUT ROWID/,
      )
    } finally {
      db.close()
    }
  })

  it('opens, migrates to the latest version, loses nothing, and the hash chain verifies through the service', async () => {
    const dir = fixtureCopy()
    await checkUpgraded(new SqliteStorage({ dataDir: dir }))
    const db = new Database(join(dir, 'dock.db'), { readonly: true })
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(LATEST)
      // Migration 4 rebuilt the log as a rowid table (records in the leaves, not one overflow page each).
      expect(
        (db.prepare("SELECT sql FROM sqlite_master WHERE name = 'events'").get() as { sql: string }).sql,
      ).not.toMatch(/WITHOUT ROWID/)
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok')
      expect(db.pragma('foreign_key_check')).toEqual([])
    } finally {
      db.close()
    }
    // A second open finds nothing to do.
    const again = new SqliteStorage({ dataDir: dir })
    await again.init()
    expect(await again.read((tx) => tx.listWorkspaces())).toHaveLength(2)
    await again.close()
  })
})

if (TEST_DATABASE_URL === '') {
  describe.skip(`upgrade from release 0.1.0: PostgreSQL (${SKIP_REASON})`, () => {
    it('migrates a 0.1.0 schema', () => undefined)
  })
} else {
  describe('upgrade from release 0.1.0: PostgreSQL', () => {
    const schemas = new TestSchemas('upgrade')
    afterAll(() => schemas.dropAll())

    /** A schema as release 0.1.0 created it (its migration SQL verbatim), holding the fixture's records. */
    async function legacySchema(): Promise<string> {
      const schema = schemas.next()
      const client = new pg.Client({ connectionString: TEST_DATABASE_URL })
      await client.connect()
      try {
        await client.query(`CREATE SCHEMA "${schema}"`)
        await client.query(`SET search_path TO "${schema}"`)
        await client.query(readFileSync(join(FIXTURES, 'postgres-0.1.0-schema.sql'), 'utf8'))
        await insertRecords(client, fixtureRecords())
      } finally {
        await client.end()
      }
      return schema
    }

    it('opens, applies only the migrations after 1, loses nothing, and the hash chain verifies through the service', async () => {
      const schema = await legacySchema()
      expect(await adminQuery(`SELECT version FROM "${schema}".dock_migrations`)).toEqual([{ version: 1 }])
      const storage = new PostgresStorage({ url: TEST_DATABASE_URL, schema, poolSize: 4 })
      await storage.init()
      await checkUpgraded(storage)
      const applied = await adminQuery<{ version: number }>(
        `SELECT version FROM "${schema}".dock_migrations ORDER BY version`,
      )
      expect(applied.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.id))
    })
  })
}

/**
 * Migration 5 (stored readiness) over a store the release before it wrote
 * (fixtures/store-v4): the backfilled counts are what the service's rule gives,
 * and ready reads and claim-next answer from them.
 */
const V4 = join(FIXTURES, 'store-v4', 'dock.db')

/** The unfinished-blocker count each fixture row's title announces ("2: blocked by …"). */
function expectedBlockersLeft(title: string): number {
  const m = /^(\d+): /.exec(title)
  return m === null ? 0 : Number(m[1])
}

/** A fresh copy of the migration-4 store's directory (the committed file is never opened itself). */
function v4Copy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'dock-upgrade-v4-'))
  copies.push(dir)
  cpSync(V4, join(dir, 'dock.db'))
  return dir
}

function v4Records(): Record<(typeof RECORD_TABLES)[number], Record<string, unknown>[]> {
  const db = new Database(join(v4Copy(), 'dock.db'), { readonly: true, fileMustExist: true })
  try {
    const out = {} as Record<(typeof RECORD_TABLES)[number], Record<string, unknown>[]>
    for (const table of RECORD_TABLES)
      out[table] = db.prepare(`SELECT * FROM ${table}`).all() as Record<string, unknown>[]
    return out
  } finally {
    db.close()
  }
}

async function checkReadiness(
  storage: Storage,
  counts: () => Promise<{ title: string; left: number }[]>,
): Promise<void> {
  const stored = await counts()
  expect(stored.length).toBeGreaterThan(6)
  for (const r of stored) expect(r.left, r.title).toBe(expectedBlockersLeft(r.title))
  const service = new DockService({ storage })
  try {
    const op: Caller = { principal: await service.identity.authenticate(FIXTURE_OPERATOR_TOKEN) }
    // Migration 6 counted the rows by status.
    const byStatus = (await service.stats.stats(op, 'default')).tables.find((t) => t.table === 'tasks')!.byStatus
    expect(byStatus).toEqual({ todo: 7, doing: 0, done: 1 })
    const ready = await service.rows.listRows(op, 'default', 'tasks', { ready: true, limit: 100 })
    expect(ready.items.map((r) => r.values['title']).sort()).toEqual(
      ['open', '0: blocked by a finished task', '0: blocked by an approved spec', '0: not blocked'].sort(),
    )
    // Finishing the open task frees the rows it held back, through the counts the migration wrote.
    const open = (await service.rows.listRows(op, 'default', 'tasks', { limit: 100 })).items.find(
      (r) => r.values['title'] === 'open',
    )!
    await service.rows.transition(op, 'default', 'tasks', open.id, { to: 'done' })
    const after = await service.rows.listRows(op, 'default', 'tasks', { ready: true, limit: 100 })
    expect(after.items.map((r) => r.values['title'])).toContain('1: blocked by an open task')
    expect(after.items.map((r) => r.values['title'])).not.toContain('2: blocked by a draft spec and an open task')
  } finally {
    await service.close()
  }
}

describe('upgrade from migration 4 (before stored readiness): SQLite', () => {
  it('backfills each row’s unfinished-blocker count, and ready reads follow it', async () => {
    const dir = v4Copy()
    const before = new Database(join(dir, 'dock.db'), { readonly: true })
    expect(before.pragma('user_version', { simple: true })).toBe(4)
    before.close()
    const storage = new SqliteStorage({ dataDir: dir })
    await storage.init()
    await checkReadiness(storage, async () => {
      const db = new Database(join(dir, 'dock.db'), { readonly: true })
      try {
        return db
          .prepare(`SELECT json_extract(data, '$.values.title') AS title, blockers_left AS left FROM rows`)
          .all() as { title: string; left: number }[]
      } finally {
        db.close()
      }
    })
  })
})

if (TEST_DATABASE_URL !== '') {
  describe('upgrade from migration 4 (before stored readiness): PostgreSQL', () => {
    const schemas = new TestSchemas('upgrade_v4')
    afterAll(() => schemas.dropAll())

    it('backfills each row’s unfinished-blocker count, and ready reads follow it', async () => {
      const schema = schemas.next()
      const client = new pg.Client({ connectionString: TEST_DATABASE_URL })
      await client.connect()
      try {
        // A schema at migration 4: 0.1.0's, then migrations 2–4 as released, holding the fixture's records.
        await client.query(`CREATE SCHEMA "${schema}"`)
        await client.query(`SET search_path TO "${schema}"`)
        await client.query(readFileSync(join(FIXTURES, 'postgres-0.1.0-schema.sql'), 'utf8'))
        for (const m of MIGRATIONS.filter((m) => m.id > 1 && m.id <= 4)) {
          await client.query(migrationSql(m, POSTGRES))
          await client.query('INSERT INTO dock_migrations (version, description) VALUES ($1, $2)', [m.id, m.name])
        }
        await insertRecords(client, v4Records())
      } finally {
        await client.end()
      }
      const storage = new PostgresStorage({ url: TEST_DATABASE_URL, schema, poolSize: 4 })
      await storage.init()
      await checkReadiness(storage, () =>
        adminQuery<{ title: string; left: number }>(
          `SELECT (data::json #>> '{values,title}') AS title, blockers_left::int AS left FROM "${schema}".rows`,
        ),
      )
    })
  })
}
