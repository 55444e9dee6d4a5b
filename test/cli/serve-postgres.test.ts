import { randomBytes } from 'node:crypto'

import pg from 'pg'
import { afterAll, describe, expect, it, vi } from 'vitest'

import { dock, json, startDock } from './cli-harness.js'

const DATABASE_URL = process.env['DOCK_TEST_DATABASE_URL'] ?? ''
const suite = DATABASE_URL === '' ? describe.skip : describe
const title =
  DATABASE_URL === ''
    ? 'dock serve on PostgreSQL (skipped: set DOCK_TEST_DATABASE_URL=postgres://… to run)'
    : 'dock serve on PostgreSQL via DOCK_DATABASE_URL'

suite(title, () => {
  const schema = `dock_cli_${process.pid}_${randomBytes(3).toString('hex')}`

  afterAll(async () => {
    const client = new pg.Client({ connectionString: DATABASE_URL })
    await client.connect()
    try {
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
    } finally {
      await client.end()
    }
  })

  it('stores in PostgreSQL, prints the key on first start only, and keeps data across restarts', async () => {
    const url = new URL(DATABASE_URL)
    url.searchParams.set('schema', schema)
    const env = { DOCK_DATABASE_URL: url.toString(), DOCK_PORT: '0' }

    const stop = new AbortController()
    const first = startDock(['serve'], { env, signal: stop.signal })
    await vi.waitFor(() => expect(first.stdout()).toContain('Ctrl-C to stop'), { timeout: 30_000, interval: 20 })
    expect(first.stdout()).toMatch(/^dock serving http:\/\/127\.0\.0\.1:\d+ \(postgres at [^)@]+\)$/m)
    expect(first.stdout()).not.toContain(url.password === '' ? '\u0000' : url.password)
    const key = /^operator key: (\S+)$/m.exec(first.stdout())?.[1] ?? ''
    const firstUrl = /^dock serving (\S+) /m.exec(first.stdout())?.[1] ?? ''
    expect((await dock(['table', 'create', 'tasks'], { env: { DOCK_URL: firstUrl, DOCK_TOKEN: key } })).code).toBe(0)
    stop.abort()
    expect((await first.done).code).toBe(0)

    const stop2 = new AbortController()
    const second = startDock(['serve'], { env, signal: stop2.signal })
    await vi.waitFor(() => expect(second.stdout()).toContain('Ctrl-C to stop'), { timeout: 30_000, interval: 20 })
    expect(second.stdout()).not.toContain('operator key:')
    const secondUrl = /^dock serving (\S+) /m.exec(second.stdout())?.[1] ?? ''
    const tables = await dock(['table', 'list', '--json'], { env: { DOCK_URL: secondUrl, DOCK_TOKEN: key } })
    expect(json<{ name: string }[]>(tables).map((t) => t.name)).toEqual(['tasks'])
    stop2.abort()
    expect((await second.done).code).toBe(0)
  })
})
