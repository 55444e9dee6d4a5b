/**
 * What `dock worker` costs beyond the agent it runs: `npx tsx bench/worker.ts
 * [tasks] [idle seconds]`. A server in this process (SQLite in a temp dir).
 *
 * - Overhead per task: runCommandWorker over N rows with `true` as the command,
 *   one at a time; wall time per task minus the child's own run time (spawn to
 *   exit). What is left is claim-next, the guard's spawn, the transition and the
 *   loop itself.
 * - Idle requests per minute: a worker with nothing to do, default re-check
 *   interval, requests carrying its key counted at the server.
 */
import { loadavg } from 'node:os'
import type { IncomingMessage } from 'node:http'

import { DockClient } from '../src/client/index.js'
import { runCommandWorker, runWorker, type WorkerEvent } from '../src/client/node/index.js'
import { addRows, createWorkerTable } from '../test/fixtures/worker-fixtures.js'
import { createAgent, startTestServer } from '../test/helpers/test-world.js'

const TASKS = Number(process.argv[2] ?? 50)
const IDLE_S = Number(process.argv[3] ?? 60)

const server = await startTestServer()
try {
  await createWorkerTable(server.op)
  const agent = await createAgent(server, 'bench-worker')
  await addRows(
    server.op,
    Array.from({ length: TASKS }, (_, i) => `task ${i}`),
  )

  const runMs: number[] = []
  const t0 = performance.now()
  await runCommandWorker({
    url: server.url,
    token: agent.key,
    table: 'tasks',
    maxTasks: TASKS,
    command: 'true',
    mcpServer: null,
    onEvent: (e: WorkerEvent) => {
      if (e.kind === 'done' && e.runMs !== null) runMs.push(e.runMs)
    },
  })
  const wall = performance.now() - t0
  const childMean = runMs.reduce((a, b) => a + b, 0) / runMs.length
  console.log(
    `tasks: ${runMs.length}; wall ${(wall / TASKS).toFixed(1)} ms/task; child (spawn → exit) ${childMean.toFixed(1)} ms; overhead ${(wall / TASKS - childMean).toFixed(1)} ms/task`,
  )

  // The same loop with no process at all: what the two writes per task (claim, transition) cost.
  await addRows(
    server.op,
    Array.from({ length: TASKS }, (_, i) => `in-process ${i}`),
  )
  const t1 = performance.now()
  await runWorker({
    client: new DockClient({ baseUrl: server.url, token: agent.key }),
    table: 'tasks',
    maxTasks: TASKS,
    handler: async () => ({ ok: true, result: '' }),
  })
  console.log(
    `in-process handler: ${((performance.now() - t1) / TASKS).toFixed(1)} ms/task (claim-next + transition + loop)`,
  )

  const requests: string[] = []
  const count = (req: IncomingMessage): void => {
    if (req.headers.authorization === `Bearer ${agent.key}`)
      requests.push(`${req.method} ${req.url?.replace(/\?.*$/, '')}`)
  }
  server.app.server.on('request', count)
  const stop = new AbortController()
  const idle = runCommandWorker({
    url: server.url,
    token: agent.key,
    table: 'tasks',
    command: 'true',
    mcpServer: null,
    signal: stop.signal,
  })
  await new Promise((resolve) => setTimeout(resolve, IDLE_S * 1000))
  stop.abort()
  await idle
  server.app.server.off('request', count)
  const tally = new Map<string, number>()
  for (const r of requests) tally.set(r, (tally.get(r) ?? 0) + 1)
  console.log(
    `idle ${IDLE_S} s: ${requests.length} requests (${((requests.length / IDLE_S) * 60).toFixed(1)}/min):`,
    Object.fromEntries(tally),
  )
  console.log(
    `load average: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  )
} finally {
  await server.close()
}
