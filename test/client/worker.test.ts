import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import type { IncomingMessage } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { afterEach, beforeEach, describe, expect, it } from 'vitest'

import {
  DockClient,
  planWorker,
  runWorker,
  WorkerConfigError,
  type WorkerEvent,
  type WorkerStop,
} from '../../src/client/index.js'
import { runCommandWorker } from '../../src/client/node/index.js'
import type { Table } from '../../src/domain/types.js'
import {
  addRows,
  createWorkerTable,
  eventually,
  getRow,
  isAlive,
  STAND_IN,
  tableEvents,
} from '../fixtures/worker-fixtures.js'
import { createAgent, startTestServer, type TestServer } from '../helpers/test-world.js'

let server: TestServer
let scratch: string

beforeEach(async () => {
  server = await startTestServer({ sweepIntervalMs: 200 })
  await createWorkerTable(server.op)
  scratch = mkdtempSync(join(tmpdir(), 'dock-sdk-worker-'))
})

afterEach(async () => {
  await server.close()
  rmSync(scratch, { recursive: true, force: true })
})

async function agentClient(name: string): Promise<{ id: string; key: string; client: DockClient }> {
  const agent = await createAgent(server, name)
  return { ...agent, client: new DockClient({ baseUrl: server.url, token: agent.key }) }
}

function recorder(): {
  events: WorkerEvent[]
  onEvent: (e: WorkerEvent) => void
  saw: (kind: WorkerEvent['kind']) => boolean
} {
  const events: WorkerEvent[] = []
  return { events, onEvent: (e) => events.push(e), saw: (kind) => events.some((e) => e.kind === kind) }
}

describe('planWorker', () => {
  const table = async (): Promise<Table> =>
    (await server.op('GET', '/v1/workspaces/default/tables/tasks')).body as Table

  it('takes the first move out of the claim status its owner may take, and the result column when there is one', async () => {
    expect(planWorker(await table(), { roles: ['member'] })).toEqual({
      claimStatus: 'in_progress',
      doneStatus: 'ready_for_review',
      failStatus: null,
      resultColumn: 'result',
      maxAttempts: 3,
      deadLetter: 'failed',
    })
    expect(
      planWorker(
        await table(),
        { roles: ['member'] },
        { doneStatus: 'done', failStatus: 'failed', resultColumn: 'area' },
      ),
    ).toMatchObject({
      doneStatus: 'done',
      failStatus: 'failed',
      resultColumn: 'area',
    })
  })

  it('refuses statuses the workflow cannot reach and a named column that does not exist', async () => {
    const t = await table()
    expect(() => planWorker(t, { roles: ['member'] }, { doneStatus: 'nope' })).toThrow(WorkerConfigError)
    expect(() => planWorker(t, { roles: ['member'] }, { doneStatus: 'todo' })).toThrow(
      /no transition in_progress → todo/,
    )
    expect(() => planWorker(t, { roles: ['member'] }, { resultColumn: 'missing' })).toThrow(/no column missing/)
    expect(() => planWorker({ ...t, workflow: { ...t.workflow, claim: null } }, { roles: ['member'] })).toThrow(
      /no claim rule/,
    )
    // Without a result column the default is simply skipped.
    expect(
      planWorker({ ...t, columns: t.columns.filter((c) => c.name !== 'result') }, { roles: ['member'] }).resultColumn,
    ).toBeNull()
  })
})

describe('runWorker', () => {
  it('runs a handler per claimed row, writes its result and moves the row on, as the agent', async () => {
    const { id, client } = await agentClient('sdk-agent')
    const rows = await addRows(server.op, ['One', 'Two', 'Three', 'Four', 'Five'])
    const log = recorder()

    const summary = await runWorker({
      client,
      table: 'tasks',
      maxTasks: 5,
      handler: async (task) => ({
        ok: true,
        result: `handled ${String(task.row.values['title'])} with token ${task.lease.token}`,
      }),
      onEvent: log.onEvent,
    })

    expect(summary).toEqual({ claimed: 5, done: 5, failed: 0, lost: 0, released: 0, stoppedBy: 'max_tasks' })
    for (const row of rows) {
      const after = await getRow(server.op, row.id)
      expect(after.status).toBe('ready_for_review')
      expect(after.values['result']).toBe(`handled ${String(row.values['title'])} with token ${after.fencingToken}`)
      expect(after.updatedBy).toBe(id)
    }
    expect(log.events.filter((e) => e.kind === 'done')).toHaveLength(5)
  })

  it('waits for work on the feed: no request while idle, and a new row is picked up at once', async () => {
    const { key, client } = await agentClient('idle-agent')
    const mine: string[] = []
    const count = (req: IncomingMessage): void => {
      if (req.headers.authorization === `Bearer ${key}`) mine.push(`${req.method} ${req.url}`)
    }
    server.app.server.on('request', count)
    const stop = new AbortController()
    const log = recorder()
    // A re-check interval far beyond the test: only the feed can wake the worker.
    const running = runWorker({
      client,
      table: 'tasks',
      recheckMs: 600_000,
      signal: stop.signal,
      onEvent: log.onEvent,
      handler: async () => ({ ok: true, result: 'ok' }),
    })

    await eventually(
      'the worker to go idle with its feed open',
      () => log.saw('idle') && mine.some((r) => r.includes('/watch')),
    )
    const before = mine.length
    await new Promise((resolve) => setTimeout(resolve, 3000))
    expect(mine.slice(before)).toEqual([]) // idle: the open stream, and nothing else

    const [row] = await addRows(server.op, ['Arrives later'])
    await eventually('the new row to be done', () => log.saw('done'))
    expect((await getRow(server.op, row!.id)).status).toBe('ready_for_review')
    const claimNext = 'POST /v1/workspaces/default/tables/tasks/claim-next'
    const woken = mine.slice(before).map((r) => r.replace(/\/r_\w+/, '/:id'))
    // The feed woke it: claim, then record. Its own transition is news on the feed
    // too, so one more claim-next (finding nothing) may follow; nothing else does.
    expect(woken.slice(0, 2)).toEqual([claimNext, 'POST /v1/workspaces/default/tables/tasks/rows/:id/transition'])
    expect(woken.slice(2).every((r) => r === claimNext)).toBe(true)

    stop.abort()
    expect(await running).toMatchObject({ done: 1, stoppedBy: 'signal' })
    server.app.server.off('request', count)
  })

  it('stops a task whose heartbeat is refused (frozen workspace) without retrying it, and keeps running', async () => {
    const { client } = await agentClient('frozen-agent')
    const [row] = await addRows(server.op, ['Frozen mid-task'])
    const stop = new AbortController()
    const log = recorder()
    let stopReason: WorkerStop | undefined

    const running = runWorker({
      client,
      table: 'tasks',
      leaseMs: 1500,
      signal: stop.signal,
      onEvent: log.onEvent,
      handler: (task) =>
        new Promise((resolve) => {
          task.signal.addEventListener('abort', () => {
            stopReason = task.signal.reason as WorkerStop
            resolve({ ok: false, reason: 'stopped' })
          })
        }),
    })
    await eventually('the claim', () => log.saw('claimed'))
    expect((await server.op('POST', '/v1/workspaces/default/freeze')).status).toBe(200)

    await eventually('the task to be given up', () => log.saw('lost'))
    expect(stopReason).toMatchObject({ kind: 'lost', code: 'workspace_frozen' })
    expect(log.events.find((e) => e.kind === 'lost')).toMatchObject({ rowId: row!.id, code: 'workspace_frozen' })
    expect(log.saw('stopped')).toBe(false)

    stop.abort()
    expect(await running).toMatchObject({ claimed: 1, done: 0, lost: 1, stoppedBy: 'signal' })
    expect((await getRow(server.op, row!.id)).status).toBe('in_progress') // frozen: nothing moves, the lease lapses after unfreeze
  })

  it('stops a task when no heartbeat gets through before its lease may have lapsed (server gone)', async () => {
    const { client } = await agentClient('cut-off-agent')
    await addRows(server.op, ['Cut off'])
    const log = recorder()
    let stopReason: WorkerStop | undefined

    const running = runWorker({
      client,
      table: 'tasks',
      leaseMs: 1500,
      maxTasks: 1,
      onEvent: log.onEvent,
      handler: (task) =>
        new Promise((resolve) => {
          task.signal.addEventListener('abort', () => {
            stopReason = task.signal.reason as WorkerStop
            resolve({ ok: false, reason: 'stopped' })
          })
        }),
    })
    await eventually('the claim', () => log.saw('claimed'))
    await server.app.close() // the port stops answering; afterEach closes the rest

    expect(await running).toMatchObject({ claimed: 1, lost: 1, done: 0 })
    expect(stopReason).toMatchObject({ kind: 'lost', code: 'lease_lapsed' })
  })

  it('at shutdown lets running tasks finish within the grace period, then stops and releases them', async () => {
    const { client } = await agentClient('shutdown-agent')
    const [row] = await addRows(server.op, ['Never finishes'])
    const stop = new AbortController()
    const log = recorder()

    const running = runWorker({
      client,
      table: 'tasks',
      graceMs: 300,
      signal: stop.signal,
      onEvent: log.onEvent,
      handler: (task) =>
        new Promise((resolve) =>
          task.signal.addEventListener('abort', () => resolve({ ok: false, reason: 'stopped' })),
        ),
    })
    await eventually('the claim', () => log.saw('claimed'))
    stop.abort()

    expect(await running).toMatchObject({ claimed: 1, released: 1, failed: 0, stoppedBy: 'signal' })
    const after = await getRow(server.op, row!.id)
    expect(after.status).toBe('todo')
    expect(after.owner).toBeNull()
  })
})

describe('runCommandWorker', () => {
  it('on timeout ends the whole process group, SIGKILL for what ignores SIGTERM, and counts the task failed', async () => {
    const { key } = await agentClient('timeout-agent')
    const [row] = await addRows(server.op, ['Hangs'])
    const pidFile = join(scratch, 'grandchild.pid')
    const log = recorder()

    const summary = await runCommandWorker({
      url: server.url,
      token: key,
      table: 'tasks',
      maxTasks: 1,
      timeoutMs: 1000,
      killGraceMs: 1000,
      failStatus: 'failed',
      // The command starts a grandchild and ignores SIGTERM itself: both must go.
      command: 'sh',
      args: ['-c', `sleep 600 & echo $! > ${pidFile}; trap '' TERM; while :; do sleep 1; done`],
      onEvent: log.onEvent,
    })

    expect(summary).toMatchObject({ claimed: 1, failed: 1 })
    expect(log.events.find((e) => e.kind === 'failed')).toMatchObject({
      reason: 'timed out after 1 s',
      outcome: 'moved',
      status: 'failed',
    })
    expect((await getRow(server.op, row!.id)).status).toBe('failed')
    const grandchild = Number(readFileSync(pidFile, 'utf8'))
    await eventually('the grandchild to be gone', () => !isAlive(grandchild))
  })

  it('hands the command its row and lease in the environment and streams its output', async () => {
    const { key } = await agentClient('env-agent')
    await addRows(server.op, ['Env check'])
    const lines: string[] = []

    const summary = await runCommandWorker({
      url: server.url,
      token: key,
      table: 'tasks',
      maxTasks: 1,
      command: process.execPath,
      args: [STAND_IN], // exits 9 when any promised variable is missing or wrong
      onOutput: ({ stream, text }) => lines.push(`${stream}: ${text}`),
    })

    expect(summary).toMatchObject({ done: 1, failed: 0 })
    expect(lines.sort()).toEqual(['stderr: working on Env check', 'stdout: result for Env check'])
    const claimed = (await tableEvents(server.op)).filter((e) => e.type === 'row.claimed')
    expect(claimed).toHaveLength(1)
  })
})
