import { join } from 'node:path'

import Database from 'better-sqlite3'
import pg from 'pg'

import { SKIP_REASON, TEST_DATABASE_URL, TestSchemas } from './postgres-test-db.js'

export type TestStore = 'sqlite' | 'postgres'

/**
 * The store this test process runs against. vitest.config.ts runs the HTTP, client
 * and reliability suites once per store in `DOCK_TEST_STORES` (a separate project
 * each, with `DOCK_TEST_STORE` set), so one test file covers both backends without
 * a loop of its own.
 */
export const TEST_STORE: TestStore = process.env['DOCK_TEST_STORE'] === 'postgres' ? 'postgres' : 'sqlite'

if (TEST_STORE === 'postgres' && TEST_DATABASE_URL === '') {
  throw new Error(`DOCK_TEST_STORE=postgres needs a database: ${SKIP_REASON}`)
}

/** Where a test server keeps its data: nothing extra on SQLite, a fresh schema on PostgreSQL. */
export interface TestStoreHandle {
  readonly databaseUrl: string | undefined
  drop(): Promise<void>
}

export function openTestStore(label: string, store: TestStore = TEST_STORE): TestStoreHandle {
  if (store === 'sqlite') return { databaseUrl: undefined, drop: async () => {} }
  const schemas = new TestSchemas(label)
  return { databaseUrl: schemas.url(schemas.next()), drop: () => schemas.dropAll() }
}

/**
 * Runs one statement directly against a test server's store, behind Dock's back: how
 * tests tamper with stored records. Write it with `$1, $2 …` placeholders, each used
 * once and in order (SQLite gets `?`).
 */
export async function storeSql<TRow = Record<string, unknown>>(
  where: { readonly dataDir: string; readonly databaseUrl: string | undefined },
  text: string,
  values: readonly unknown[] = [],
): Promise<TRow[]> {
  if (where.databaseUrl === undefined) {
    const db = new Database(join(where.dataDir, 'dock.db'))
    try {
      const stmt = db.prepare(text.replace(/\$\d+/g, '?'))
      return stmt.reader ? (stmt.all(...values) as TRow[]) : (stmt.run(...values), [])
    } finally {
      db.close()
    }
  }
  const url = new URL(where.databaseUrl)
  const schema = url.searchParams.get('schema')
  url.searchParams.delete('schema')
  const client = new pg.Client({ connectionString: url.toString() })
  await client.connect()
  try {
    if (schema !== null) await client.query(`SET search_path TO "${schema.replace(/"/g, '""')}"`)
    return (await client.query(text, [...values])).rows as TRow[]
  } finally {
    await client.end()
  }
}
