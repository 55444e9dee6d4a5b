import { spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { afterEach, beforeEach, describe, expect, it } from 'vitest'

import {
  addRows,
  createWorkerTable,
  DOCK_BIN,
  eventually,
  getRow,
  isAlive,
  listRows,
  MCP_AGENT,
  STAND_IN,
  tableEvents,
} from '../fixtures/worker-fixtures.js'
import { createAgent, startTestServer, type TestServer } from '../helpers/test-world.js'
import { dock, startDock } from './cli-harness.js'

// `dock worker` through the CLI against a real server; the agents are stand-in
// scripts (this machine reaches no model provider). The MCP and kill -9 cases run
// bin/dock.js, which runs dist/: build first (npx tsc -p tsconfig.build.json).

const NODE = process.execPath

let server: TestServer
let scratch: string

beforeEach(async () => {
  // A fast sweep so lapsed leases come back within a test.
  server = await startTestServer({ sweepIntervalMs: 200 })
  scratch = mkdtempSync(join(tmpdir(), 'dock-worker-test-'))
})

afterEach(async () => {
  await server.close()
  rmSync(scratch, { recursive: true, force: true })
})

function envFor(key: string, extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: process.env['PATH'] ?? '', DOCK_URL: server.url, DOCK_TOKEN: key, ...extra }
}

async function waitForPid(dir: string): Promise<number> {
  const file = await eventually('the agent to write its pid', () => readdirSync(dir).find((f) => f.endsWith('.pid')))
  return Number(readFileSync(join(dir, file), 'utf8'))
}

describe('dock worker', () => {
  it('does five tasks: each result written to its row, attributed to the agent, one line per task', async () => {
    await createWorkerTable(server.op)
    const agent = await createAgent(server, 'agent-1')
    const rows = await addRows(server.op, ['Task 1', 'Task 2', 'Task 3', 'Task 4', 'Task 5'])

    const run = await dock(['worker', 'tasks', '--max-tasks', '5', '--', NODE, STAND_IN], { env: envFor(agent.key) })

    expect(run.code, run.stderr).toBe(0)
    for (const [i, row] of rows.entries()) {
      const after = await getRow(server.op, row.id)
      expect(after.status).toBe('ready_for_review') // the first move out of in_progress its owner may take
      expect(after.values['result']).toBe(`result for Task ${i + 1}`)
      expect(after.updatedBy).toBe(agent.id)
      expect(after.attempts).toBe(1)
      expect(run.stdout).toContain(`claimed Task ${i + 1} (${row.id})`)
    }
    const moves = (await tableEvents(server.op)).filter((e) => e.type === 'row.transitioned')
    expect(moves.map((e) => e.actor)).toEqual(Array(5).fill(agent.id))
    expect(run.stdout.match(/ done in [\d.]+ s → ready_for_review/g)).toHaveLength(5)
    expect(run.stdout).toContain('] | result for Task 3') // the command's output, streamed with its row's prefix
    expect(run.stderr).toContain('] | working on Task 3')
    expect(run.stdout).toMatch(/stopped: 5 done, 0 failed\n$/)
  })

  it('gives the command an MCP config through which it acts as the same principal', async () => {
    await createWorkerTable(server.op)
    const agent = await createAgent(server, 'agent-mcp')
    const [row] = await addRows(server.op, ['Over MCP'])

    const run = await dock(['worker', 'tasks', '--max-tasks', '1', '--', NODE, MCP_AGENT], { env: envFor(agent.key) })

    expect(run.code, run.stderr).toBe(0)
    const after = await getRow(server.op, row!.id)
    expect(after.values['area']).toBe('written over MCP')
    expect(after.values['result']).toBe('wrote area over MCP')
    const update = (await tableEvents(server.op)).find((e) => e.type === 'row.updated' && e.target.id === row!.id)
    expect(update?.actor).toBe(agent.id)
  })

  it('moves a failing command to --fail and says so, in --json lines', async () => {
    await createWorkerTable(server.op)
    const agent = await createAgent(server, 'agent-2')
    const [row] = await addRows(server.op, ['Doomed'])

    const run = await dock(
      ['--json', 'worker', 'tasks', '--max-tasks', '1', '--fail', 'failed', '--', NODE, STAND_IN],
      {
        env: envFor(agent.key, { STANDIN_EXIT: '3' }),
      },
    )

    expect(run.code, run.stderr).toBe(0)
    const after = await getRow(server.op, row!.id)
    expect(after.status).toBe('failed')
    expect(after.values['result']).toBe('result for Doomed') // the failing run's output, for whoever looks into it
    const lines = run.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>)
    expect(lines.map((l) => l['event'])).toEqual(['ready', 'claimed', 'failed', 'stopping', 'stopped'])
    expect(lines.find((l) => l['event'] === 'failed')).toMatchObject({
      row: row!.id,
      reason: 'exit 3',
      exitCode: 3,
      outcome: 'moved',
      status: 'failed',
    })
    expect(lines.at(-1)).toMatchObject({ event: 'stopped', done: 0, failed: 1 })
    expect(run.stderr).toContain('] | working on Doomed') // under --json the command's output goes to stderr
  })

  it('without --fail releases a failed task for another try, and dead-letters it after the last attempt', async () => {
    await createWorkerTable(server.op, { maxAttempts: 2 })
    const agent = await createAgent(server, 'agent-3')
    const [row] = await addRows(server.op, ['Flaky'])

    const run = await dock(['worker', 'tasks', '--max-tasks', '2', '--', NODE, STAND_IN], {
      env: envFor(agent.key, { STANDIN_EXIT: '1' }),
    })

    expect(run.code, run.stderr).toBe(0)
    expect(run.stdout).toMatch(/failed with exit 1 after [\d.]+ s → released for another try \(attempt 1\)/)
    expect(run.stdout).toMatch(
      /failed with exit 1 after [\d.]+ s → lease given up after the last attempt \(2\); the sweep moves it to failed/,
    )
    const dead = await eventually('the sweep to dead-letter the row', async () => {
      const r = await getRow(server.op, row!.id)
      return r.status === 'failed' ? r : undefined
    })
    expect(dead.attempts).toBe(2)
    const expiry = (await tableEvents(server.op)).find((e) => e.type === 'row.lease_expired' && e.target.id === row!.id)
    expect(expiry?.after).toMatchObject({ deadLettered: true })
  })

  it('keeps a task that outlives its lease alive on heartbeats', async () => {
    await createWorkerTable(server.op)
    const agent = await createAgent(server, 'agent-4')
    const [row] = await addRows(server.op, ['Slow'])

    const run = await dock(['worker', 'tasks', '--max-tasks', '1', '--lease', '3s', '--', NODE, STAND_IN], {
      env: envFor(agent.key, { STANDIN_SLEEP_MS: '8000' }),
    })

    expect(run.code, run.stderr).toBe(0)
    const after = await getRow(server.op, row!.id)
    expect(after.status).toBe('ready_for_review')
    expect(after.attempts).toBe(1)
    const events = (await tableEvents(server.op)).filter((e) => e.target.id === row!.id)
    expect(events.filter((e) => e.type === 'row.heartbeat').length).toBeGreaterThan(0)
    expect(events.filter((e) => e.type === 'row.lease_expired')).toEqual([])
  })

  it('after kill -9 of the runner: the command is gone and the row returns through row.lease_expired', async () => {
    await createWorkerTable(server.op)
    const agent = await createAgent(server, 'agent-5')
    const [row] = await addRows(server.op, ['Orphan'])
    const pids = join(scratch, 'pids')
    rmSync(pids, { recursive: true, force: true })
    await import('node:fs/promises').then((fs) => fs.mkdir(pids))

    const runner = spawn(NODE, [DOCK_BIN, 'worker', 'tasks', '--lease', '2s', '--', NODE, STAND_IN], {
      env: envFor(agent.key, { STANDIN_SLEEP_MS: '600000', STANDIN_PID_DIR: pids }),
      stdio: 'ignore',
    })
    const exited = new Promise((resolve) => runner.once('exit', resolve))
    const childPid = await waitForPid(pids)
    expect(isAlive(childPid)).toBe(true)
    expect((await getRow(server.op, row!.id)).owner).toBe(agent.id)

    runner.kill('SIGKILL')
    await exited

    await eventually('the command to die with its runner', () => !isAlive(childPid))
    const back = await eventually('the lease to lapse', async () => {
      const r = await getRow(server.op, row!.id)
      return r.status === 'todo' ? r : undefined
    })
    expect(back.owner).toBeNull()
    const expiry = (await tableEvents(server.op)).filter(
      (e) => e.type === 'row.lease_expired' && e.target.id === row!.id,
    )
    expect(expiry).toHaveLength(1)
    expect(expiry[0]!.actor).toBe('system')
  })

  it('on suspension mid-task stops the command and exits non-zero', async () => {
    await createWorkerTable(server.op)
    const agent = await createAgent(server, 'agent-6')
    await addRows(server.op, ['Interrupted'])
    const pids = join(scratch, 'pids-suspend')
    await import('node:fs/promises').then((fs) => fs.mkdir(pids))

    const worker = startDock(['worker', 'tasks', '--', NODE, STAND_IN], {
      env: envFor(agent.key, { STANDIN_SLEEP_MS: '600000', STANDIN_PID_DIR: pids }),
    })
    const childPid = await waitForPid(pids)
    expect((await server.op('POST', `/v1/workspaces/default/principals/${agent.id}/suspend`)).status).toBe(200)

    const run = await worker.done
    expect(run.code).toBe(6) // frozen, locked or suspended
    expect(run.stderr).toContain('error principal_suspended')
    await eventually('the command to be stopped', () => !isAlive(childPid))
  })

  it('two workers with --concurrency 4 over 40 rows: every row done exactly once', async () => {
    await createWorkerTable(server.op)
    const a = await createAgent(server, 'agent-a')
    const b = await createAgent(server, 'agent-b')
    const rows = await addRows(
      server.op,
      Array.from({ length: 40 }, (_, i) => `Row ${i + 1}`),
    )
    const log = join(scratch, 'runs.log')
    // A shell stand-in: 40 Node start-ups would measure the machine, not the worker.
    const script = 'echo "$DOCK_ROW_ID $DOCK_FENCING_TOKEN" >> "$RUN_LOG"; sleep 0.2; echo "did $DOCK_ROW_ID"'
    const stop = new AbortController()
    const workers = [a, b].map((agent) =>
      startDock(['worker', 'tasks', '--concurrency', '4', '--', 'sh', '-c', script], {
        env: envFor(agent.key, { RUN_LOG: log }),
        signal: stop.signal,
      }),
    )

    await eventually(
      'all 40 rows to be done',
      async () => (await listRows(server.op)).every((r) => r.status === 'ready_for_review'),
      120_000,
    )
    stop.abort()
    const runs = await Promise.all(workers.map((w) => w.done))

    for (const run of runs) expect(run.code, run.stderr).toBe(0)
    const ran = readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.split(' ')[0])
    expect(ran.sort()).toEqual(rows.map((r) => r.id).sort()) // each command ran once per row: no row twice, none missed
    const moves = (await tableEvents(server.op)).filter((e) => e.type === 'row.transitioned')
    expect(moves).toHaveLength(40)
    expect(new Set(moves.map((e) => e.target.id)).size).toBe(40)
    for (const row of await listRows(server.op)) {
      expect([a.id, b.id]).toContain(row.updatedBy)
      expect(row.values['result']).toBe(`did ${row.id}`)
      expect(row.attempts).toBe(1)
    }
    const done = runs.map((r) => Number(/stopped: (\d+) done/.exec(r.stdout)?.[1]))
    expect(done[0]! + done[1]!).toBe(40)
  })
})
