import { afterAll, describe, expect, it, vi } from 'vitest'

import { SKIP_REASON, TEST_DATABASE_URL, TestSchemas } from '../helpers/postgres-test-db.js'
import { dock, json, startDock } from './cli-harness.js'

const suite = TEST_DATABASE_URL === '' ? describe.skip : describe
const title =
  TEST_DATABASE_URL === ''
    ? `dock serve on PostgreSQL (${SKIP_REASON})`
    : 'dock serve on PostgreSQL via DOCK_DATABASE_URL'

suite(title, () => {
  const schemas = new TestSchemas('cli')

  afterAll(() => schemas.dropAll())

  it('stores in PostgreSQL, prints the key on first start only, and keeps data across restarts', async () => {
    const url = new URL(schemas.url(schemas.next()))
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
