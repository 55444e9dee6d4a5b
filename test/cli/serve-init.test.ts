import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'

import { dock, json, startDock } from './cli-harness.js'

describe('dock init and dock serve', () => {
  let dataDir: string

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'dock-cli-serve-'))
  })

  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true })
  })

  it('init creates the store once and prints the operator key only then', async () => {
    const first = await dock(['init', '--data', dataDir])
    expect(first.code).toBe(0)
    expect(first.stdout).toMatch(/^initialized sqlite in .+: workspace "default" and its operator\.$/m)
    const key = /^operator key: (\S+)$/m.exec(first.stdout)?.[1]
    expect(key).toBeDefined()

    const again = await dock(['init', '--json'], { env: { DOCK_DATA_DIR: dataDir } })
    expect(again.code).toBe(0)
    expect(json(again)).toMatchObject({ created: false, operatorKey: null })

    // serve on the initialized store: no key printed, and the init key works.
    const stop = new AbortController()
    const serve = startDock(['serve', '--port', '0'], { env: { DOCK_DATA_DIR: dataDir }, signal: stop.signal })
    await vi.waitFor(() => expect(serve.stdout()).toMatch(/^dock serving http:\/\/127\.0\.0\.1:\d+ /m), {
      timeout: 20_000,
      interval: 20,
    })
    const url = /^dock serving (\S+) /m.exec(serve.stdout())?.[1] ?? ''
    expect(serve.stdout()).not.toContain('operator key')

    const me = await dock(['principal', 'list', '--json'], { env: { DOCK_URL: url, DOCK_TOKEN: key } })
    expect(me.code).toBe(0)
    expect(json<{ name: string; roles: string[] }[]>(me)).toEqual([
      expect.objectContaining({ name: 'operator', roles: ['operator'] }),
    ])

    stop.abort()
    const ended = await serve.done
    expect(ended.code).toBe(0)
    expect(ended.stdout).toContain('stopping')
    const after = await dock(['principal', 'list'], { env: { DOCK_URL: url, DOCK_TOKEN: key } })
    expect(after.stderr).toMatch(/^error unreachable: /)
  })

  it('serve prints the operator key on first start only, and honours DOCK_HOST and DOCK_OPERATOR_TOKEN', async () => {
    const fresh = join(dataDir, 'fresh')
    const stop = new AbortController()
    const serve = startDock(['serve', '--data', fresh], {
      env: { DOCK_PORT: '0', DOCK_HOST: '127.0.0.1' },
      signal: stop.signal,
    })
    await vi.waitFor(() => expect(serve.stdout()).toContain('Ctrl-C to stop'), { timeout: 20_000, interval: 20 })
    expect(serve.stdout()).toMatch(/^first start: created workspace "default" and its operator\.$/m)
    const key = /^operator key: (\S+)$/m.exec(serve.stdout())?.[1]
    const url = /^dock serving (\S+) \(sqlite in .+fresh\)$/m.exec(serve.stdout())?.[1]
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(serve.stdout()).toContain(`board: ${url}/`)
    const audit = await dock(['audit', 'verify', '--url', url ?? '', '--token', key ?? ''])
    expect(audit.stdout).toMatch(/^audit ok: /)
    stop.abort()
    expect((await serve.done).code).toBe(0)

    const presetDir = join(dataDir, 'preset')
    const stop2 = new AbortController()
    const preset = startDock(['serve', '-p', '0', '-d', presetDir], {
      env: { DOCK_OPERATOR_TOKEN: 'my-chosen-operator-key' },
      signal: stop2.signal,
    })
    await vi.waitFor(() => expect(preset.stdout()).toContain('Ctrl-C to stop'), { timeout: 20_000, interval: 20 })
    expect(preset.stdout()).not.toContain('operator key:')
    const presetUrl = /^dock serving (\S+) /m.exec(preset.stdout())?.[1] ?? ''
    const list = await dock(['principal', 'list', '--json'], {
      env: { DOCK_URL: presetUrl, DOCK_TOKEN: 'my-chosen-operator-key' },
    })
    expect(list.code).toBe(0)
    stop2.abort()
    expect((await preset.done).code).toBe(0)
  })

  it('refuses a bad port', async () => {
    const bad = await dock(['serve', '--port', 'x', '--data', dataDir])
    expect(bad).toMatchObject({ code: 2, stderr: 'error usage: not a port: x\n' })
  })
})
