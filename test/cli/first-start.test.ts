import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'

import type { DockEvent } from '../../src/domain/types.js'
import { SKIP_REASON, TEST_DATABASE_URL, TestSchemas } from '../helpers/postgres-test-db.js'
import { dock, json, startDock, type RunningCli } from './cli-harness.js'

/** `dock serve` in-process until `stop()`; resolves once it printed its URL. */
async function serve(
  argv: readonly string[],
  env: Record<string, string> = {},
): Promise<{ run: RunningCli; url: string; stop: () => Promise<number> }> {
  const stop = new AbortController()
  const run = startDock(['serve', ...argv], { env, signal: stop.signal })
  await vi.waitFor(
    async () => {
      const ended = await Promise.race([run.done, Promise.resolve(null)])
      if (ended !== null) throw new Error(`serve ended: ${ended.stderr}`)
      expect(run.stdout()).toContain('Ctrl-C to stop')
    },
    { timeout: 30_000, interval: 20 },
  )
  const url = /^dock serving (\S+) /m.exec(run.stdout())?.[1] ?? ''
  return {
    run,
    url,
    stop: async () => {
      stop.abort()
      return (await run.done).code
    },
  }
}

function listenOnFreePort(): Promise<{ server: Server; port: number }> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      resolve({ server, port: typeof address === 'object' && address !== null ? address.port : 0 })
    })
  })
}

describe('first start and the operator key', () => {
  let root: string

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'dock-cli-first-'))
  })

  afterAll(async () => {
    await rm(root, { recursive: true, force: true })
  })

  it('a first start on a taken port creates nothing, so the next start still prints the key', async () => {
    const dataDir = join(root, 'taken')
    const blocker = await listenOnFreePort()
    try {
      const refused = await dock(['serve', '--port', String(blocker.port), '--data', dataDir])
      expect(refused.code).toBe(1)
      expect(refused.stderr).toBe(
        `error address_in_use: 127.0.0.1:${blocker.port} is already in use (another dock serve?); pick another with --port or DOCK_PORT\n`,
      )
      expect(existsSync(dataDir)).toBe(false)
    } finally {
      await new Promise((resolve) => blocker.server.close(resolve))
    }

    const first = await serve(['--port', '0', '--data', dataDir])
    expect(first.run.stdout()).toMatch(/^first start: created workspace "default" and its operator\.$/m)
    const key = /^operator key: (\S+)$/m.exec(first.run.stdout())?.[1] ?? ''
    expect(key).not.toBe('')
    const list = await dock(['principal', 'list', '--json'], { env: { DOCK_URL: first.url, DOCK_TOKEN: key } })
    expect(list.code).toBe(0)
    expect(await first.stop()).toBe(0)
  })

  it('operator reset-key prints a new key once; the old key stops working, a running server takes the new one, the log records it', async () => {
    const dataDir = join(root, 'reset')
    const init = await dock(['init', '--data', dataDir])
    const oldKey = /^operator key: (\S+)$/m.exec(init.stdout)?.[1] ?? ''
    expect(oldKey).not.toBe('')
    const again = await dock(['init', '--data', dataDir])
    expect(again.stdout).toContain(`Lost it? dock operator reset-key --data ${dataDir} issues a new one`)

    const server = await serve(['--port', '0', '--data', dataDir])
    try {
      const env = (token: string): Record<string, string> => ({ DOCK_URL: server.url, DOCK_TOKEN: token })
      expect((await dock(['principal', 'list'], { env: env(oldKey) })).code).toBe(0)

      const reset = await dock(['operator', 'reset-key', '--data', dataDir])
      expect(reset.code).toBe(0)
      expect(reset.stdout).toMatch(/^reset the key of operator \(p_\S+\) in workspace "default" \(sqlite in .+\)\.$/m)
      const newKey = /^operator key: (\S+)$/m.exec(reset.stdout)?.[1] ?? ''
      expect(newKey).not.toBe('')
      expect(newKey).not.toBe(oldKey)

      const refused = await dock(['principal', 'list'], { env: env(oldKey) })
      expect(refused.code).toBe(4)
      expect(refused.stderr).toMatch(/^error unauthorized: /)
      expect((await dock(['principal', 'list'], { env: env(newKey) })).code).toBe(0)

      const log = json<{ items: DockEvent[] }>(await dock(['log', '--json'], { env: env(newKey) }))
      const last = log.items.at(-1)
      expect(last).toMatchObject({
        type: 'principal.updated',
        actor: 'system',
        requestId: 'dock operator reset-key',
        target: { kind: 'principal' },
      })
      expect(JSON.stringify(last)).not.toContain(newKey)
      const audit = await dock(['audit', 'verify'], { env: env(newKey) })
      expect(audit.stdout).toMatch(/^audit ok: /)
    } finally {
      expect(await server.stop()).toBe(0)
    }
  })

  it('reset-key on a directory without a store creates nothing and says so', async () => {
    const missing = join(root, 'missing')
    const result = await dock(['operator', 'reset-key', '--data', missing])
    expect(result.code).toBe(5)
    expect(result.stderr).toBe(`error not_found: no Dock store in ${missing} (--data / DOCK_DATA_DIR)\n`)
    expect(existsSync(missing)).toBe(false)
  })

  it('reset-key refuses a principal that is not an operator', async () => {
    const dataDir = join(root, 'not-operator')
    const init = await dock(['init', '--data', dataDir])
    const key = /^operator key: (\S+)$/m.exec(init.stdout)?.[1] ?? ''
    const server = await serve(['--port', '0', '--data', dataDir])
    try {
      expect(
        (await dock(['principal', 'add', 'worker-1'], { env: { DOCK_URL: server.url, DOCK_TOKEN: key } })).code,
      ).toBe(0)
    } finally {
      await server.stop()
    }
    const result = await dock(['operator', 'reset-key', '--data', dataDir, '--name', 'worker-1'])
    expect(result.code).toBe(4)
    expect(result.stderr).toMatch(/^error forbidden: worker-1 is not an operator of default/)
  })
})

const pgSuite = TEST_DATABASE_URL === '' ? describe.skip : describe
pgSuite(
  TEST_DATABASE_URL === '' ? `operator reset-key on PostgreSQL (${SKIP_REASON})` : 'operator reset-key on PostgreSQL',
  () => {
    const schemas = new TestSchemas('cli_reset')

    afterAll(() => schemas.dropAll())

    it('resets the key through --database-url', async () => {
      const url = schemas.url(schemas.next())
      const init = await dock(['init'], { env: { DOCK_DATABASE_URL: url } })
      const oldKey = /^operator key: (\S+)$/m.exec(init.stdout)?.[1] ?? ''
      const reset = await dock(['operator', 'reset-key', '--database-url', url, '--json'])
      expect(reset.code).toBe(0)
      const { key } = json<{ key: string }>(reset)
      expect(key).not.toBe(oldKey)
      const server = await serve(['--port', '0'], { DOCK_DATABASE_URL: url })
      try {
        expect((await dock(['principal', 'list'], { env: { DOCK_URL: server.url, DOCK_TOKEN: oldKey } })).code).toBe(4)
        expect((await dock(['principal', 'list'], { env: { DOCK_URL: server.url, DOCK_TOKEN: key } })).code).toBe(0)
      } finally {
        await server.stop()
      }
    })
  },
)
