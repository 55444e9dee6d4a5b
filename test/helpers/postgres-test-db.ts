import { randomBytes } from 'node:crypto'

import pg from 'pg'

/** Set by .ci/run; without it the PostgreSQL suites are skipped. */
export const TEST_DATABASE_URL = process.env['DOCK_TEST_DATABASE_URL'] ?? ''

export const SKIP_REASON = 'skipped: set DOCK_TEST_DATABASE_URL=postgres://… (see .ci/run) to run against PostgreSQL'

/** Unique, valid schema names for one test file; drops every one it handed out. */
export class TestSchemas {
  readonly #prefix: string
  readonly #made: string[] = []

  constructor(label: string) {
    this.#prefix = `dock_test_${label}_${process.pid}_${randomBytes(3).toString('hex')}`
  }

  next(): string {
    const name = `${this.#prefix}_${this.#made.length + 1}`
    this.#made.push(name)
    return name
  }

  /** The test URL with `?schema=<name>` (PostgresStorage reads and strips it). */
  url(schema: string): string {
    const u = new URL(TEST_DATABASE_URL)
    u.searchParams.set('schema', schema)
    return u.toString()
  }

  async dropAll(): Promise<void> {
    if (this.#made.length === 0) return
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL })
    await client.connect()
    try {
      for (const name of this.#made.splice(0)) await client.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`)
    } finally {
      await client.end()
    }
  }
}

/** One-off admin queries against the test database. */
export async function adminQuery<R extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL })
  await client.connect()
  try {
    return (await client.query<R>(text, values)).rows
  } finally {
    await client.end()
  }
}
