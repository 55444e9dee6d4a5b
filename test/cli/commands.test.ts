import { writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { join } from 'node:path'

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'

import type { Claim, CreatedPrincipal } from '../../src/client/index.js'
import type { Doc, Row, Table } from '../../src/domain/types.js'
import { dock, json, startCliServer, startDock, type CliServer } from './cli-harness.js'

const TASKS_FLAGS = [
  'table',
  'create',
  'tasks',
  '-c',
  'title:text!',
  '-c',
  'points:integer=1',
  '-c',
  'kind:enum(bug|feature)',
  '--statuses',
  'todo,in_progress,ready_for_review,done',
  '--lease',
  '45s',
  '-t',
  'in_progress->ready_for_review by owner',
  '-t',
  'ready_for_review->done by reviewer require not:author',
]

describe('dock CLI against a running server', () => {
  let srv: CliServer
  let workerKey: string
  let reviewerKey: string

  beforeAll(async () => {
    srv = await startCliServer()
  })

  afterAll(async () => {
    await srv.close()
  })

  it('adds principals and lists them', async () => {
    const added = await srv.run(['principal', 'add', 'worker-1', '--skills', 'backend,ts', '--json'])
    expect(added.code).toBe(0)
    const created = json<CreatedPrincipal>(added)
    expect(created.principal.name).toBe('worker-1')
    expect(created.principal.skills).toEqual(['backend', 'ts'])
    expect(created.key).toMatch(/\S{16,}/)
    workerKey = created.key

    const human = await srv.run(['principal', 'add', 'rita', '--kind', 'human', '--role', 'reviewer'])
    expect(human.code).toBe(0)
    expect(human.stdout).toMatch(/^created human rita \(p_\S+\) roles reviewer skills -$/m)
    const key = /^key: (\S+)$/m.exec(human.stdout)?.[1]
    expect(key).toBeDefined()
    reviewerKey = key ?? ''

    const list = await srv.run(['principal', 'list'])
    expect(list.code).toBe(0)
    const lines = list.stdout.trimEnd().split('\n')
    expect(lines[0]).toMatch(/^NAME\s+ID\s+KIND\s+ROLES\s+SKILLS\s+STATUS\s+CLAIMS$/)
    expect(lines.find((l) => l.startsWith('worker-1 '))).toMatch(/agent\s+member\s+backend,ts\s+active/)
    expect(lines.find((l) => l.startsWith('rita '))).toMatch(/human\s+reviewer\s+-\s+active/)
    expect(lines.find((l) => l.startsWith('operator '))).toMatch(/operator/)

    const asJson = json<{ name: string }[]>(await srv.run(['principal', 'list', '--json']))
    expect(asJson.map((p) => p.name).sort()).toEqual(['operator', 'rita', 'worker-1'])
  })

  it('refuses bad flags before any request', async () => {
    const bad = await srv.run(['principal', 'add', 'x', '--role', 'boss'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toBe('error usage: unknown role boss (one of operator, reviewer, member)\n')
  })

  it('creates a table from flags and shows its contract', async () => {
    const created = await srv.run([...TASKS_FLAGS, '--json'])
    expect(created.code).toBe(0)
    const table = json<Table>(created)
    expect(table.name).toBe('tasks')
    expect(table.columns.map((c) => c.name)).toEqual(expect.arrayContaining(['title', 'points', 'kind']))
    expect(table.columns.find((c) => c.name === 'points')?.default).toBe(1)
    expect(table.columns.find((c) => c.name === 'kind')?.values).toEqual(['bug', 'feature'])
    expect(table.workflow.claim).toMatchObject({ from: ['todo'], to: 'in_progress', leaseMs: 45_000 })
    expect(table.workflow.transitions).toEqual([
      { from: 'in_progress', to: 'ready_for_review', by: ['owner'] },
      { from: 'ready_for_review', to: 'done', by: ['reviewer'], require: ['not:author'] },
    ])

    const shown = await srv.run(['table', 'show', 'tasks'])
    expect(shown.code).toBe(0)
    expect(shown.stdout).toMatch(/^table tasks \(\S+\), contract v1$/m)
    expect(shown.stdout).toMatch(/^kind\s+enum\(bug\|feature\)/m)
    expect(shown.stdout).toContain('ready_for_review → done by reviewer require not:author')
  })

  it('creates a table the way the README shows', async () => {
    const created = await srv.run([
      'table',
      'create',
      'readme',
      '--statuses',
      'todo,in_progress,ready_for_review,done,failed',
      '--claim',
      'todo:in_progress',
      '--columns',
      'title:text',
      '--json',
    ])
    expect(created.code).toBe(0)
    expect(json<Table>(created)).toMatchObject({
      name: 'readme',
      columns: expect.arrayContaining([{ name: 'title', type: 'text' }]),
      workflow: {
        statuses: ['todo', 'in_progress', 'ready_for_review', 'done', 'failed'],
        claim: { from: ['todo'], to: 'in_progress' },
      },
    })
    const unclaimable = await srv.run(['table', 'create', 'log-only', '--no-claim', '--json'])
    expect(json<Table>(unclaimable).workflow.claim).toBeNull()
  })

  it('creates a table from a JSON file', async () => {
    const file = join(srv.dataDir, 'notes.json')
    await writeFile(
      file,
      JSON.stringify({
        name: 'notes',
        columns: [{ name: 'text', type: 'text' }],
        workflow: { statuses: ['open', 'closed'], claim: null },
      }),
    )
    const created = await srv.run(['table', 'create', '--file', file, '--json'])
    expect(created.code).toBe(0)
    expect(json<Table>(created)).toMatchObject({
      name: 'notes',
      workflow: { statuses: ['open', 'closed'], claim: null },
    })
    const list = await srv.run(['table', 'list'])
    expect(list.stdout).toMatch(/^notes\s+v1\s+/m)
    expect(list.stdout).toMatch(/^tasks\s+v1\s+/m)
  })

  let firstId: string
  let secondId: string

  it('adds rows with typed values and lists them', async () => {
    const first = await srv.run(['row', 'add', 'tasks', 'title=Fix the login', 'points=3', 'kind=bug', '--json'])
    expect(first.code).toBe(0)
    const row = json<Row>(first)
    expect(row.values).toMatchObject({ title: 'Fix the login', points: 3, kind: 'bug' })
    expect(row.status).toBe('todo')
    firstId = row.id

    const second = await srv.run(['row', 'add', 'tasks', 'title=Ship it', '--blocked-by', firstId, '--priority', '5'])
    expect(second.code).toBe(0)
    const match = /^created tasks\/(\S+) \(todo, v1\)$/m.exec(second.stdout)
    expect(match).not.toBeNull()
    secondId = match?.[1] ?? ''

    const listed = json<{ items: Row[]; nextCursor: string | null }>(await srv.run(['row', 'list', 'tasks', '--json']))
    expect(listed.items.map((r) => r.id)).toEqual([firstId, secondId])
    expect(listed.items[1]).toMatchObject({
      blockedBy: [firstId],
      priority: 5,
      values: { title: 'Ship it', points: 1 },
    })

    const human = await srv.run(['row', 'list', 'tasks'])
    const lines = human.stdout.trimEnd().split('\n')
    expect(lines[0]).toMatch(/^ID\s+STATUS\s+OWNER\s+TITLE\s+POINTS\s+KIND\s+PRIO\s+BLOCKED BY\s+V$/)
    expect(lines[1]).toMatch(new RegExp(`^${firstId}\\s+todo\\s+-\\s+Fix the login\\s+3\\s+bug\\s+0\\s+-\\s+1$`))

    const ready = json<{ items: Row[] }>(await srv.run(['row', 'list', 'tasks', '--ready', '--json']))
    expect(ready.items.map((r) => r.id)).toEqual([firstId])
  })

  let token: number

  it('claims the next eligible row, heartbeats and moves it along the workflow', async () => {
    const claimed = await srv.run(['claim-next', 'tasks', '--json'], workerKey)
    expect(claimed.code).toBe(0)
    const claim = json<Claim>(claimed)
    // The blocked row has the higher priority, but only the unblocked one is eligible.
    expect(claim.row.id).toBe(firstId)
    expect(claim.row.status).toBe('in_progress')
    token = claim.lease.token
    expect(token).toBeGreaterThan(0)

    const nothing = await srv.run(['claim-next', 'tasks'], workerKey)
    expect(nothing).toEqual({ code: 8, stdout: 'nothing to claim in tasks\n', stderr: '' })

    const listed = await srv.run(['row', 'list', 'tasks', '--status', 'in_progress'])
    expect(listed.stdout).toMatch(new RegExp(`^${firstId}\\s+in_progress\\s+worker-1\\s`, 'm'))

    const beat = await srv.run(['heartbeat', 'tasks', firstId, '--fencing', String(token)], workerKey)
    expect(beat.code).toBe(0)
    expect(beat.stdout).toMatch(
      new RegExp(
        `^extended tasks/${firstId} \\(in_progress\\): fencing token ${token}, lease until \\S+ \\(in \\d+s\\)$`,
        'm',
      ),
    )

    const set = await srv.run(
      ['row', 'set', 'tasks', firstId, 'points=5', '--fencing', String(token), '--json'],
      workerKey,
    )
    expect(set.code).toBe(0)
    expect(json<Row>(set).values['points']).toBe(5)

    const moved = await srv.run(['move', 'tasks', firstId, 'ready_for_review', '--fencing', String(token)], workerKey)
    expect(moved.code).toBe(0)
    expect(moved.stdout).toMatch(new RegExp(`^moved tasks/${firstId} to ready_for_review \\(v\\d+\\)$`, 'm'))
  })

  it('prints the review gate refusal with its code and a conflict exit status', async () => {
    const own = await srv.run(['move', 'tasks', firstId, 'done'], workerKey)
    expect(own.code).toBe(3)
    expect(own.stdout).toBe('')
    expect(own.stderr).toMatch(/^error transition_not_allowed: .+\n$/)

    const approved = await srv.run(['move', 'tasks', firstId, 'done', '--json'], reviewerKey)
    expect(approved.code).toBe(0)
    expect(json<Row>(approved).status).toBe('done')

    const got = await srv.run(['row', 'get', 'tasks', firstId])
    expect(got.stdout).toMatch(/^status:\s+done$/m)
    expect(got.stdout).toMatch(/^updated:\s+\S+ by rita$/m)
  })

  it('refuses a stale row write with version_conflict', async () => {
    const stale = await srv.run(['row', 'set', 'tasks', secondId, 'points=2', '--expect-version', '7'])
    expect(stale.code).toBe(3)
    expect(stale.stderr).toMatch(/^error version_conflict: .*\n$/)
    const row = json<Row>(await srv.run(['row', 'get', 'tasks', secondId, '--json']))
    expect(row.values['points']).toBe(1)
  })

  it('writes docs and sections, and refuses a stale section write', async () => {
    const put = await srv.run(['doc', 'put', 'plan', '--content', '# Plan\n\nWhy we do this.\n\n## Goal\n\nShip it.\n'])
    expect(put.code).toBe(0)
    expect(put.stdout).toMatch(/^created doc plan \(\S+\), 2 sections, v1$/m)

    const wrote = await srv.run(['doc', 'section', 'plan', 'goal', '--body', 'Ship it on Friday.', '--json'])
    expect(wrote.code).toBe(0)
    expect(json<{ section: { key: string; version: number; body: string } }>(wrote).section).toMatchObject({
      key: 'goal',
      version: 2,
      body: 'Ship it on Friday.',
    })

    const stale = await srv.run(
      ['doc', 'section', 'plan', 'goal', '--body', 'Ship it never.', '--expect-version', '1'],
      workerKey,
    )
    expect(stale.code).toBe(3)
    expect(stale.stdout).toBe('')
    expect(stale.stderr).toMatch(/^error version_conflict: .+\n$/)

    const file = join(srv.dataDir, 'risks.md')
    await writeFile(file, 'None known.\n')
    const appended = await srv.run(['doc', 'section', 'plan', 'risks', file, '--heading', 'Risks'], workerKey)
    expect(appended.code).toBe(0)
    expect(appended.stdout).toMatch(/^wrote plan#risks \(section v1, doc v3, revision \d+\)$/m)

    const read = await srv.run(['doc', 'section', 'plan', 'goal'])
    expect(read.stdout).toBe('Ship it on Friday.\n')

    const doc = await srv.run(['doc', 'get', 'plan'])
    expect(doc.stdout).toContain('## Goal\n\nShip it on Friday.')
    expect(doc.stdout).toContain('Risks')
    expect(doc.stdout).toContain('None known.')

    const sections = await srv.run(['doc', 'get', 'plan', '--sections'])
    expect(sections.stdout).toMatch(/^goal\s+## Goal\s+2\s+operator\s/m)
    expect(sections.stdout).toMatch(/^risks\s+.*Risks\s+1\s+worker-1\s/m)

    const blind = await srv.run(['doc', 'put', 'plan', '--content', '# Plan\n\nAll new.\n'])
    expect(blind.code).toBe(2)
    expect(blind.stderr).toMatch(/^error precondition_required: /)

    const replaced = await srv.run([
      'doc',
      'put',
      'plan',
      '--content',
      '# Plan\n\nAll new.\n',
      '--expect-version',
      '3',
      '--json',
    ])
    expect(replaced.code).toBe(0)
    expect(json<Doc>(replaced).sections.map((s) => s.body)).toEqual(['All new.'])
  })

  it('shows the log with names, and verifies the audit chain', async () => {
    const log = await srv.run(['log', '--type', 'row.*'])
    expect(log.code).toBe(0)
    expect(log.stdout).toMatch(new RegExp(`^#\\d+ \\S+ worker-1 row.claimed tasks/${firstId} → in_progress$`, 'm'))
    expect(log.stdout).toMatch(new RegExp(`^#\\d+ \\S+ rita row.transitioned tasks/${firstId} → done$`, 'm'))
    expect(log.stdout).not.toMatch(/doc\./)

    const all = json<{ items: { revision: number }[]; revision: number }>(
      await srv.run(['log', '--all', '--limit', '7', '--json']),
    )
    expect(all.items.map((e) => e.revision)).toEqual(Array.from({ length: all.revision }, (_, i) => i + 1))

    const audit = await srv.run(['audit', 'verify'])
    expect(audit.code).toBe(0)
    expect(audit.stdout).toMatch(/^audit ok: (\d+) events checked, chain intact to revision \1$/m)
    const report = json<{ ok: boolean; firstBreak: unknown }>(await srv.run(['audit', 'verify', '--json']))
    expect(report).toMatchObject({ ok: true, firstBreak: null })
  })

  it('freezes and unfreezes the workspace', async () => {
    expect((await srv.run(['freeze'])).stdout).toMatch(/^workspace default is frozen/)
    const refused = await srv.run(['row', 'add', 'tasks', 'title=x'])
    expect(refused.code).toBe(6)
    expect(refused.stderr).toMatch(/^error workspace_frozen: /)
    expect((await srv.run(['row', 'list', 'tasks'])).code).toBe(0)
    expect((await srv.run(['unfreeze'])).stdout).toMatch(/^workspace default is open for writes/)
    expect((await srv.run(['row', 'add', 'tasks', 'title=x'])).code).toBe(0)
  })

  it('suspends and resumes a principal', async () => {
    expect((await srv.run(['principal', 'suspend', 'worker-1'])).stdout).toMatch(/^worker-1 \(\S+\) is suspended$/m)
    const refused = await srv.run(['row', 'list', 'tasks'], workerKey)
    expect(refused.code).not.toBe(0)
    expect(refused.stderr).toMatch(/^error (principal_suspended|unauthorized): /)
    expect((await srv.run(['principal', 'resume', 'worker-1'])).stdout).toMatch(/is active$/m)
    expect((await srv.run(['row', 'list', 'tasks'], workerKey)).code).toBe(0)
  })

  it('streams events with watch until aborted', async () => {
    const stop = new AbortController()
    const since = json<{ revision: number }>(await srv.run(['log', '--limit', '1', '--json'])).revision
    const watch = startDock(['watch', '--since', String(since), '--table', 'tasks', '--json'], {
      env: srv.env,
      signal: stop.signal,
    })
    const added = json<Row>(await srv.run(['row', 'add', 'tasks', 'title=Watched', '--json']))
    await srv.run(['doc', 'section', 'plan', 'plan', '--body', 'not a tasks event'])
    const claimed = json<Claim>(await srv.run(['claim', 'tasks', added.id, '--json'], workerKey))
    expect(claimed.row.id).toBe(added.id)

    await vi.waitFor(() => expect(watch.stdout().split('\n').filter(Boolean)).toHaveLength(2), {
      timeout: 20_000,
      interval: 50,
    })
    stop.abort()
    const result = await watch.done
    expect(result.code).toBe(0)
    const events = result.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; revision: number; target: { id: string } })
    expect(events.map((e) => [e.type, e.target.id])).toEqual([
      ['row.created', added.id],
      ['row.claimed', added.id],
    ])
    expect(events[0]?.revision).toBe(since + 1)
  })

  it('streams human-readable lines with names', async () => {
    const stop = new AbortController()
    const watch = startDock(['watch', '--type', 'doc.*'], { env: srv.env, signal: stop.signal })
    await vi.waitFor(() => expect(watch.stderr()).toContain('watching default'), { timeout: 20_000, interval: 20 })
    // "From now on": the stream may connect after the write, so write until one arrives.
    await vi.waitFor(
      async () => {
        await srv.run(['doc', 'section', 'plan', 'plan', '--body', 'watched'], workerKey)
        expect(watch.stdout()).toMatch(/^#\d+ \S+ worker-1 doc.section_written doc plan#plan$/m)
      },
      { timeout: 20_000, interval: 200 },
    )
    stop.abort()
    expect((await watch.done).code).toBe(0)
  })

  it('claims a given row, refuses a second claimant, and releases', async () => {
    const row = json<Row>(await srv.run(['row', 'add', 'tasks', 'title=Contended', '--json']))
    const claimed = await srv.run(['claim', 'tasks', row.id, '--lease', '90s'], workerKey)
    expect(claimed.code).toBe(0)
    const token = /fencing token (\d+), lease until \S+ \(in (\d+)s\)/.exec(claimed.stdout)
    expect(token).not.toBeNull()
    expect(Number(token?.[2])).toBeGreaterThan(60)

    // The second claimant is the operator: a reviewer-only key may not claim at all (403 forbidden).
    const second = await srv.run(['claim', 'tasks', row.id])
    expect(second.code).toBe(3)
    expect(second.stderr).toMatch(/^error already_claimed: /)

    const shown = await srv.run(['principal', 'show', 'worker-1'])
    expect(shown.stdout).toMatch(new RegExp(`^tasks\\s+${row.id}\\s+in_progress\\s+\\S+\\s+${token?.[1]}$`, 'm'))

    const stale = await srv.run(['release', 'tasks', row.id, '--fencing', String(Number(token?.[1]) - 1)], workerKey)
    expect(stale.code).toBe(3)
    expect(stale.stderr).toMatch(/^error stale_fencing_token: /)

    const released = await srv.run(['release', 'tasks', row.id, '--fencing', token?.[1] ?? ''], workerKey)
    expect(released).toMatchObject({ code: 0, stdout: `released tasks/${row.id} (now todo)\n` })
    expect((await srv.run(['claim', 'tasks', row.id], reviewerKey)).stderr).toMatch(/^error forbidden: /)
    expect((await srv.run(['claim', 'tasks', row.id])).code).toBe(0)
  })

  it('creates a workspace and works in it with --workspace', async () => {
    const created = await srv.run(['workspace', 'create', 'team-b', '--json'])
    expect(created.code).toBe(0)
    const { workspace, operator } = json<{ workspace: { name: string }; operator: { key: string } }>(created)
    expect(workspace.name).toBe('team-b')

    const asB = (argv: string[]) =>
      dock(argv, { env: { DOCK_URL: srv.url, DOCK_TOKEN: operator.key, DOCK_WORKSPACE: 'team-b' } })
    expect((await asB(['table', 'create', 'bugs'])).code).toBe(0)
    expect((await asB(['row', 'add', 'bugs'])).code).toBe(0)
    const shown = await asB(['workspace', 'show'])
    expect(shown.stdout).toMatch(/^name:\s+team-b$/m)
    expect(shown.stdout).toMatch(/^frozen:\s+false$/m)

    // The default workspace has no table "bugs", and team-b's key does not reach it.
    expect((await srv.run(['row', 'list', 'bugs'])).stderr).toMatch(/^error not_found: /)
    const crossing = await dock(['row', 'list', 'tasks', '--workspace', 'default'], {
      env: { DOCK_URL: srv.url, DOCK_TOKEN: operator.key },
    })
    expect(crossing.code).not.toBe(0)
    expect(crossing.stderr).toMatch(/^error (not_found|forbidden|unauthorized): /)
  })

  it('says so when there is no key, or no server', async () => {
    const noKey = await dock(['row', 'list', 'tasks'], { env: { DOCK_URL: srv.url } })
    expect(noKey.code).toBe(4)
    expect(noKey.stderr).toMatch(/^error missing_token: /)

    const badKey = await srv.run(['row', 'list', 'tasks'], 'not-a-key')
    expect(badKey.code).toBe(4)
    expect(badKey.stderr).toMatch(/^error unauthorized: /)

    const nowhere = await dock([
      'row',
      'list',
      'tasks',
      '--url',
      `http://127.0.0.1:${await closedPort()}`,
      '--token',
      'x',
    ])
    expect(nowhere.code).toBe(1)
    expect(nowhere.stderr).toMatch(/^error unreachable: cannot reach the Dock server \(ECONNREFUSED\)/)

    const missing = await srv.run(['row', 'get', 'nope', 'r_1'])
    expect(missing.code).toBe(5)
    expect(missing.stderr).toMatch(/^error not_found: /)

    const unknown = await dock(['bogus'])
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain("unknown command 'bogus'")
  })
})

/** A port nothing listens on: bound once, then released. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  if (address === null || typeof address === 'string') throw new Error('no port')
  return address.port
}
