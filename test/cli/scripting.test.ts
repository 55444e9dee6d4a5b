import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'

import type { CreatedPrincipal, CreatedWorkspace } from '../../src/client/index.js'
import type { DockEvent, Row, Workspace } from '../../src/domain/types.js'
import { dock, json, startCliServer, startDock, type CliServer } from './cli-harness.js'

const TABLE = [
  'table',
  'create',
  'jobs',
  '-c',
  'title:text!',
  '--statuses',
  'todo,in_progress,done',
  '-t',
  'in_progress->done by owner',
]

describe('the CLI for scripts and first sessions', () => {
  let srv: CliServer
  let workerKey: string

  beforeAll(async () => {
    srv = await startCliServer()
    expect((await srv.run(TABLE)).code).toBe(0)
    workerKey = json<CreatedPrincipal>(await srv.run(['principal', 'add', 'worker-1', '--json'])).key
  })

  afterAll(async () => {
    await srv.close()
  })

  it('--json prints a refusal as {code, message, details} on stderr, with the current record on a conflict', async () => {
    const row = json<Row>(await srv.run(['row', 'add', 'jobs', 'title=First', '--json']))
    const moved = json<Row>(
      await srv.run(['row', 'set', 'jobs', row.id, 'title=Second', '--expect-version', String(row.version), '--json']),
    )
    expect(moved.version).toBe(row.version + 1)

    const stale = await srv.run([
      'row',
      'set',
      'jobs',
      row.id,
      'title=Third',
      '--expect-version',
      String(row.version),
      '--json',
    ])
    expect(stale.code).toBe(3)
    expect(stale.stdout).toBe('')
    const problem = JSON.parse(stale.stderr) as { code: string; message: string; details: { current: Row } }
    expect(Object.keys(problem).sort()).toEqual(['code', 'details', 'message'])
    expect(problem.code).toBe('version_conflict')
    expect(problem.details.current).toMatchObject({ id: row.id, version: moved.version, values: { title: 'Second' } })

    // Without --json the same refusal is one line that names the current version.
    const human = await srv.run(['row', 'set', 'jobs', row.id, 'title=Third', '--expect-version', String(row.version)])
    expect(human.stderr).toMatch(
      new RegExp(
        `^error version_conflict: .+ \\(current version ${moved.version}; --json prints the current record\\)\\n$`,
      ),
    )

    // Usage errors and the CLI's own refusals take the same shape.
    const usage = await srv.run(['row', 'set', 'jobs', row.id, '--expect-version', 'x', '--json'])
    expect(usage.code).toBe(2)
    expect(JSON.parse(usage.stderr)).toEqual({
      code: 'usage',
      message: '--expect-version must be an integer, not x',
      details: null,
    })
    const unknown = await dock(['principal', 'list', '--bogus', '--json'], { env: srv.env })
    expect(unknown.code).toBe(2)
    expect(JSON.parse(unknown.stderr)).toMatchObject({ code: 'usage', details: null })
    const noKey = await dock(['table', 'list', '--json'], { env: { DOCK_URL: srv.url } })
    expect(noKey.code).toBe(4)
    expect(JSON.parse(noKey.stderr)).toMatchObject({ code: 'missing_token', details: null })
  })

  it('claim-next says when there is nothing to claim, with exit status 8', async () => {
    // Drain what is claimable first.
    while ((await srv.run(['claim-next', 'jobs'], workerKey)).code === 0);
    const nothing = await srv.run(['claim-next', 'jobs', '--json'], workerKey)
    expect(nothing).toEqual({ code: 8, stdout: 'null\n', stderr: '' })
  })

  it('claim-next --wait claims a row created after the wait began', async () => {
    while ((await srv.run(['claim-next', 'jobs'], workerKey)).code === 0);
    const waiting = startDock(['claim-next', 'jobs', '--wait', '2m'], { env: { ...srv.env, DOCK_TOKEN: workerKey } })
    // The note comes after the first try found nothing: the row below is created while it waits.
    await vi.waitFor(
      () => expect(waiting.stderr()).toBe('nothing to claim in jobs yet; waiting up to 2m for work (Ctrl-C to stop)\n'),
      { timeout: 20_000, interval: 20 },
    )
    const created = json<Row>(await srv.run(['row', 'add', 'jobs', 'title=Late', '--json']))
    const result = await waiting.done
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(new RegExp(`^claimed jobs/${created.id} \\(in_progress\\): fencing token \\d+, `))
  })

  it('claim-next --wait ends with exit 8 when nothing comes within the duration', async () => {
    while ((await srv.run(['claim-next', 'jobs'], workerKey)).code === 0);
    const result = await srv.run(['claim-next', 'jobs', '--wait', '300ms'], workerKey)
    expect(result).toEqual({
      code: 8,
      stdout: 'nothing to claim in jobs\n',
      stderr: 'nothing to claim in jobs yet; waiting up to 300ms for work (Ctrl-C to stop)\n',
    })
  })

  it('watch starts from now by default; --since 0 replays the whole log', async () => {
    const stop = new AbortController()
    const watch = startDock(['watch'], { env: srv.env, signal: stop.signal })
    // The head is read before this line is printed: what is written after it is shown, nothing before.
    await vi.waitFor(
      () => expect(watch.stderr()).toMatch(/^watching default at \S+ from now \(revision \d+\) \(Ctrl-C to stop\)\n$/),
      { timeout: 20_000, interval: 20 },
    )
    const row = json<Row>(await srv.run(['row', 'add', 'jobs', 'title=Watched', '--json']))
    await vi.waitFor(() => expect(watch.stdout()).toContain(row.id), { timeout: 20_000, interval: 20 })
    stop.abort()
    const lines = (await watch.done).stdout.trimEnd().split('\n')
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(new RegExp(`^#${row.revision} .*row\\.created.*${row.id}`))

    const stopAll = new AbortController()
    const all = startDock(['watch', '--since', '0', '--json'], { env: srv.env, signal: stopAll.signal })
    await vi.waitFor(
      () => expect(all.stdout().split('\n').filter(Boolean).length).toBeGreaterThanOrEqual(row.revision),
      { timeout: 20_000, interval: 20 },
    )
    stopAll.abort()
    const replayed = (await all.done).stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as DockEvent)
    expect(replayed.slice(0, row.revision).map((e) => e.revision)).toEqual(
      Array.from({ length: row.revision }, (_, i) => i + 1),
    )
  })

  it('accepts DOCK_URL without a scheme', async () => {
    const bare = srv.url.replace(/^http:\/\//, '')
    const listed = await dock(['table', 'list', '--json'], { env: { DOCK_URL: bare, DOCK_TOKEN: srv.env.DOCK_TOKEN } })
    expect(listed.code).toBe(0)
    expect(json<{ name: string }[]>(listed).map((t) => t.name)).toContain('jobs')
    const slash = await dock(['table', 'list', '--json', '--url', `${bare}/`], {
      env: { DOCK_TOKEN: srv.env.DOCK_TOKEN },
    })
    expect(slash.code).toBe(0)
    const bad = await dock(['table', 'list', '--url', 'ftp://x'], { env: { DOCK_TOKEN: srv.env.DOCK_TOKEN } })
    expect(bad).toMatchObject({ code: 2, stderr: 'error usage: not an http(s) URL: ftp://x\n' })
  })

  it('workspace create prints a key that works there on its own; workspace list shows where a key belongs', async () => {
    const mine = await srv.run(['workspace', 'list'])
    expect(mine.stdout).toMatch(/^NAME\s+ID\s+REVISION\s+FROZEN\s+CREATED\n(default)\s+w_\S+\s+\d+\s+false\s+\S+\n$/)

    const created = await srv.run(['workspace', 'create', 'team-b'])
    expect(created.code).toBe(0)
    const key = /^operator key: (\S+)$/m.exec(created.stdout)?.[1] ?? ''
    expect(created.stdout).toContain(`export DOCK_TOKEN=${key}`)

    // The new key works without naming the workspace: the CLI asks the server where the key belongs.
    const asNew = { DOCK_URL: srv.url, DOCK_TOKEN: key }
    expect((await dock(['table', 'create', 'tasks'], { env: asNew })).code).toBe(0)
    expect(
      json<{ name: string }[]>(await dock(['table', 'list', '--json'], { env: asNew })).map((t) => t.name),
    ).toEqual(['tasks'])
    expect(json<Workspace[]>(await dock(['workspace', 'list', '--json'], { env: asNew })).map((w) => w.name)).toEqual([
      'team-b',
    ])
    expect(json<{ name: string }[]>(await srv.run(['table', 'list', '--json'])).map((t) => t.name)).toEqual(['jobs'])

    // The creator's own key does not reach the new workspace, and the refusal says why.
    const crossing = await srv.run(['table', 'list', '--workspace', 'team-b'])
    expect(crossing.code).toBe(5)
    expect(crossing.stderr).toContain('error not_found: no workspace team-b')
    expect(crossing.stderr).toContain('a key reaches only its own workspace')

    const asJson = json<CreatedWorkspace>(await srv.run(['workspace', 'create', 'team-c', '--json']))
    expect(asJson.workspace.name).toBe('team-c')
  })

  it('dock demo runs on the server named by DOCK_URL / DOCK_TOKEN', async () => {
    const run = await dock(['demo', '--fast', '--json'], { env: srv.env })
    expect(run.code).toBe(0)
    expect(run.stderr).toContain(`server:   ${srv.url}\n`)
    expect(run.stderr).not.toContain('in-process')
    const summary = json<{ allDone: boolean; audit: { ok: boolean } }>(run)
    expect(summary).toMatchObject({ allDone: true, audit: { ok: true } })
    const names = json<Workspace[]>(await srv.run(['workspace', 'list', '--json'])).map((w) => w.name)
    expect(names).toEqual(['default'])
  })
})
