import { existsSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'

import type { CreatedPrincipal, CreatedWorkspace } from '../../src/client/index.js'
import type { Row, Workspace } from '../../src/domain/types.js'
import { dock, json, startCliServer, startDock, type CliServer } from './cli-harness.js'

describe('dock backup and dock restore', () => {
  let srv: CliServer
  let root: string
  let workerKey: string

  beforeAll(async () => {
    srv = await startCliServer()
    root = await mkdtemp(join(tmpdir(), 'dock-cli-backup-'))
    expect((await srv.run(['table', 'create', 'tasks', '-c', 'title:text'])).code).toBe(0)
    workerKey = json<CreatedPrincipal>(await srv.run(['principal', 'add', 'worker-1', '--json'])).key
    for (let i = 0; i < 20; i++)
      expect((await srv.run(['row', 'add', 'tasks', `title=task ${i}`], workerKey)).code).toBe(0)
  })

  afterAll(async () => {
    await srv.close()
    await rm(root, { recursive: true, force: true })
  })

  it('a backup from the running server restores as the same workspace, with the same keys, and its audit verifies', async () => {
    const file = join(root, 'live.db')
    const at = json<Workspace>(await srv.run(['workspace', 'show', '--json']))
    const taken = await srv.run(['backup', file])
    expect(taken.code).toBe(0)
    expect(taken.stdout).toMatch(new RegExp(`^backup of ${srv.url} written to ${file} \\(\\d+ bytes\\)$`, 'm'))
    // Written after the backup: must not be in the restored store.
    expect((await srv.run(['row', 'add', 'tasks', 'title=after the backup'], workerKey)).code).toBe(0)
    expect(existsSync(`${file}.partial`)).toBe(false)

    const dataDir = join(root, 'restored')
    const restored = await dock(['restore', file, '--data', dataDir])
    expect(restored.code).toBe(0)
    expect(restored.stdout).toContain(`restored ${file} into ${dataDir}`)

    const stop = new AbortController()
    const serve = startDock(['serve', '--port', '0', '--data', dataDir], { signal: stop.signal })
    await vi.waitFor(() => expect(serve.stdout()).toContain('Ctrl-C to stop'), { timeout: 30_000, interval: 20 })
    try {
      // Not a first start: no new key, and the old keys work.
      expect(serve.stdout()).not.toContain('operator key')
      const url = /^dock serving (\S+) /m.exec(serve.stdout())?.[1] ?? ''
      const asOperator = { DOCK_URL: url, DOCK_TOKEN: srv.env.DOCK_TOKEN }
      const ws = json<Workspace>(await dock(['workspace', 'show', '--json'], { env: asOperator }))
      expect(ws).toMatchObject({ id: at.id, name: 'default', revision: at.revision })
      const rows = json<{ items: Row[] }>(
        await dock(['row', 'list', 'tasks', '--json', '--limit', '100'], {
          env: { DOCK_URL: url, DOCK_TOKEN: workerKey },
        }),
      )
      expect(rows.items.map((r) => r.values['title'])).toEqual(Array.from({ length: 20 }, (_, i) => `task ${i}`))
      const audit = await dock(['audit', 'verify'], { env: asOperator })
      expect(audit.stdout).toMatch(new RegExp(`^audit ok: ${at.revision} events checked`))
    } finally {
      stop.abort()
      expect((await serve.done).code).toBe(0)
    }
  })

  it('a backup read from the data directory while its server runs restores the same state', async () => {
    const file = join(root, 'from-dir.db')
    const taken = await dock(['backup', file, '--data', srv.dataDir, '--json'])
    expect(taken.code).toBe(0)
    expect(json<{ file: string; bytes: number }>(taken)).toMatchObject({ file, source: `sqlite in ${srv.dataDir}` })
    const at = json<Workspace>(await srv.run(['workspace', 'show', '--json']))

    const dataDir = join(root, 'from-dir')
    expect((await dock(['restore', file, '--data', dataDir])).code).toBe(0)
    const stop = new AbortController()
    const serve = startDock(['serve', '--port', '0', '--data', dataDir], { signal: stop.signal })
    await vi.waitFor(() => expect(serve.stdout()).toContain('Ctrl-C to stop'), { timeout: 30_000, interval: 20 })
    try {
      const url = /^dock serving (\S+) /m.exec(serve.stdout())?.[1] ?? ''
      const ws = json<Workspace>(
        await dock(['workspace', 'show', '--json'], { env: { DOCK_URL: url, DOCK_TOKEN: workerKey } }),
      )
      expect(ws.revision).toBe(at.revision)
      expect(
        (await dock(['audit', 'verify'], { env: { DOCK_URL: url, DOCK_TOKEN: srv.env.DOCK_TOKEN } })).stdout,
      ).toMatch(/^audit ok: /)
    } finally {
      stop.abort()
      await serve.done
    }
  })

  it('restore refuses a non-empty data directory without --force, and files that are not Dock backups', async () => {
    const file = join(root, 'again.db')
    expect((await srv.run(['backup', file])).code).toBe(0)
    const again = await srv.run(['backup', file])
    expect(again).toMatchObject({
      code: 3,
      stderr: `error already_exists: ${file} exists; a backup never overwrites a file\n`,
    })

    const dataDir = join(root, 'occupied')
    expect((await dock(['restore', file, '--data', dataDir])).code).toBe(0)
    const refused = await dock(['restore', file, '--data', dataDir])
    expect(refused.code).toBe(3)
    expect(refused.stderr).toMatch(
      /^error already_exists: .+ is not empty \(dock\.db.*\); stop its server and pass --force to replace it\n$/,
    )
    expect((await dock(['restore', file, '--data', dataDir, '--force'])).code).toBe(0)

    const junk = join(root, 'junk.db')
    await writeFile(junk, 'not a database at all, just text that is long enough to not be empty')
    const bad = await dock(['restore', junk, '--data', join(root, 'junk-dir')])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/^error invalid_input: .+junk\.db is not a Dock backup: /)
    expect(existsSync(join(root, 'junk-dir'))).toBe(false)
  })

  it('only an operator of workspace "default" may take a backup over HTTP', async () => {
    const member = await srv.run(['backup', join(root, 'member.db')], workerKey)
    expect(member).toMatchObject({
      code: 4,
      stderr: 'error forbidden: store.backup needs one of roles operator; worker-1 has member\n',
    })
    const other = json<CreatedWorkspace>(await srv.run(['workspace', 'create', 'elsewhere', '--json']))
    const foreign = await dock(['backup', join(root, 'foreign.db')], {
      env: { DOCK_URL: srv.url, DOCK_TOKEN: other.operator.key },
    })
    expect(foreign.code).toBe(4)
    expect(foreign.stderr).toBe(
      'error forbidden: a backup holds every workspace: only an operator of workspace "default" may take one\n',
    )
    expect(existsSync(join(root, 'foreign.db'))).toBe(false)
    expect(existsSync(join(root, 'foreign.db.partial'))).toBe(false)
  })
})
