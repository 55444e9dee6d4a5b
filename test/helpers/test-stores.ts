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

export function openTestStore(label: string): TestStoreHandle {
  if (TEST_STORE === 'sqlite') return { databaseUrl: undefined, drop: async () => {} }
  const schemas = new TestSchemas(label)
  return { databaseUrl: schemas.url(schemas.next()), drop: () => schemas.dropAll() }
}
