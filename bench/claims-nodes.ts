/**
 * Claims per second over HTTP: SQLite on one node, PostgreSQL on one node and
 * on two nodes sharing the database. Same load everywhere: CLAIMERS agents,
 * each looping claim-next → transition to done until the table is drained.
 *
 *   npx tsx bench/claims-nodes.ts
 *   DOCK_BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/dock_test npx tsx bench/claims-nodes.ts
 *
 * The PostgreSQL URL defaults to DOCK_TEST_DATABASE_URL, then to the local
 * trust-auth server; each PostgreSQL run uses a fresh schema, dropped after.
 * Every node is its own process (so two nodes really have two event loops);
 * the load generator is this process. Rows and principals are created before
 * the clock starts.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

import pg from 'pg'

const ROWS = Number(process.env['DOCK_BENCH_ROWS'] ?? 2_000)
const CLAIMERS = Number(process.env['DOCK_BENCH_CLAIMERS'] ?? 32)
const OPERATOR = 'bench-operator-token'
const PG_URL =
  process.env['DOCK_BENCH_DATABASE_URL'] ??
  process.env['DOCK_TEST_DATABASE_URL'] ??
  'postgres://postgres@127.0.0.1:5432/dock_test'

interface Scenario {
  readonly name: string
  readonly nodes: number
  readonly backend: 'sqlite' | 'postgres'
}

const SCENARIOS: readonly Scenario[] = [
  { name: 'SQLite, 1 node', nodes: 1, backend: 'sqlite' },
  { name: 'PostgreSQL, 1 node', nodes: 1, backend: 'postgres' },
  { name: 'PostgreSQL, 2 nodes', nodes: 2, backend: 'postgres' },
]

// ------------------------------------------------------------------ child: one Dock node

async function serveNode(options: { databaseUrl?: string; dataDir?: string }): Promise<void> {
  const { startDockServer } = await import('../src/http/serve.js')
  const server = await startDockServer({
    ...options,
    host: '127.0.0.1',
    port: 0,
    operatorToken: OPERATOR,
    webRoot: null,
    logger: false,
  })
  process.stdout.write(`READY ${server.url}\n`)
  const stop = (): void => {
    void server.close().finally(() => process.exit(0))
  }
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
}

// ------------------------------------------------------------------ parent: the load

interface Node {
  readonly url: string
  readonly child: ChildProcess
}

function startNode(options: { databaseUrl?: string; dataDir?: string }): Promise<Node> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(import.meta.url), '--serve', JSON.stringify(options)],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  )
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! })
    lines.on('line', (line) => {
      const m = /^READY (\S+)$/.exec(line)
      if (m !== null) resolve({ url: m[1]!, child })
    })
    child.once('exit', (code) => reject(new Error(`node exited with ${code} before it was ready`)))
  })
}

async function stopNode(node: Node): Promise<void> {
  if (node.child.exitCode !== null) return
  const exited = new Promise<void>((resolve) => node.child.once('exit', () => resolve()))
  node.child.kill('SIGTERM')
  await exited
}

async function call(
  base: string,
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: any }> {
  const res = await fetch(`${base}/v1${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  const text = await res.text()
  if (res.status >= 300 && res.status !== 204) throw new Error(`${method} ${path} → ${res.status} ${text}`)
  return { status: res.status, body: text === '' ? null : JSON.parse(text) }
}

async function inParallel<T>(items: readonly T[], n: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < items.length) await fn(items[next++]!)
    }),
  )
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0
}

interface Result {
  readonly scenario: string
  readonly claims: number
  readonly seconds: number
  readonly claimsPerSecond: number
  readonly claimP50: number
  readonly claimP99: number
}

async function run(scenario: Scenario): Promise<Result> {
  let cleanup: () => Promise<void>
  let options: { databaseUrl?: string; dataDir?: string }
  if (scenario.backend === 'sqlite') {
    const dataDir = await mkdtemp(join(tmpdir(), 'dock-bench-'))
    options = { dataDir }
    cleanup = () => rm(dataDir, { recursive: true, force: true })
  } else {
    const schema = `dock_bench_${randomBytes(4).toString('hex')}`
    const u = new URL(PG_URL)
    u.searchParams.set('schema', schema)
    options = { databaseUrl: u.toString() }
    cleanup = async () => {
      const client = new pg.Client({ connectionString: PG_URL })
      await client.connect()
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
      await client.end()
    }
  }
  const nodes: Node[] = []
  try {
    // The first node bootstraps the store; the others join it.
    nodes.push(await startNode(options))
    for (let i = 1; i < scenario.nodes; i++) nodes.push(await startNode(options))
    const first = nodes[0]!.url
    await call(first, OPERATOR, 'POST', '/workspaces/default/tables', {
      name: 'jobs',
      columns: [{ name: 'title', type: 'text', required: true }],
      workflow: {
        statuses: ['todo', 'running', 'done', 'failed'],
        initial: 'todo',
        done: ['done'],
        claim: { from: ['todo'], to: 'running', leaseMs: 600_000, maxAttempts: 3, deadLetter: 'failed' },
        transitions: [{ from: 'running', to: 'done', by: ['owner'] }],
      },
    })
    await inParallel(
      Array.from({ length: ROWS }, (_, i) => i),
      16,
      async (i) =>
        void (await call(nodes[i % nodes.length]!.url, OPERATOR, 'POST', '/workspaces/default/tables/jobs/rows', {
          values: { title: `job ${i}` },
        })),
    )
    const agents: { key: string; base: string }[] = []
    for (let i = 0; i < CLAIMERS; i++) {
      const base = nodes[i % nodes.length]!.url
      const { body } = await call(base, OPERATOR, 'POST', '/workspaces/default/principals', {
        name: `agent-${i}`,
        kind: 'agent',
      })
      agents.push({ key: body.key, base })
    }

    const latencies: number[] = []
    let claims = 0
    const started = performance.now()
    await Promise.all(
      agents.map(async ({ key, base }) => {
        for (;;) {
          const t = performance.now()
          const got = await call(base, key, 'POST', '/workspaces/default/tables/jobs/claim-next', {})
          latencies.push(performance.now() - t)
          if (got.status === 204) return
          claims++
          await call(base, key, 'POST', `/workspaces/default/tables/jobs/rows/${got.body.row.id}/transition`, {
            to: 'done',
            fencingToken: got.body.lease.token,
          })
        }
      }),
    )
    const seconds = (performance.now() - started) / 1000
    if (claims !== ROWS) throw new Error(`expected ${ROWS} claims, got ${claims}`)
    const audit = await call(first, OPERATOR, 'GET', '/workspaces/default/audit/verify')
    if (audit.body.ok !== true) throw new Error(`audit failed: ${JSON.stringify(audit.body)}`)
    latencies.sort((x, y) => x - y)
    return {
      scenario: scenario.name,
      claims,
      seconds: round(seconds, 2),
      claimsPerSecond: round(claims / seconds, 1),
      claimP50: round(percentile(latencies, 50), 1),
      claimP99: round(percentile(latencies, 99), 1),
    }
  } finally {
    await Promise.all(nodes.map(stopNode))
    await cleanup()
  }
}

function round(n: number, digits: number): number {
  const f = 10 ** digits
  return Math.round(n * f) / f
}

async function main(): Promise<void> {
  const serveAt = process.argv.indexOf('--serve')
  if (serveAt >= 0) {
    await serveNode(JSON.parse(process.argv[serveAt + 1] ?? '{}') as { databaseUrl?: string; dataDir?: string })
    return
  }
  const only = process.argv.slice(2).find((a) => !a.startsWith('--'))
  console.log(`claims over HTTP: ${CLAIMERS} claimers, ${ROWS} rows, claim-next + transition to done per row`)
  const results: Result[] = []
  for (const scenario of SCENARIOS) {
    if (only !== undefined && !scenario.name.toLowerCase().includes(only.toLowerCase())) continue
    const result = await run(scenario)
    results.push(result)
    console.log(
      `${result.scenario.padEnd(22)} ${String(result.claimsPerSecond).padStart(8)} claims/s  (${result.claims} in ${result.seconds} s; claim-next p50 ${result.claimP50} ms, p99 ${result.claimP99} ms)`,
    )
  }
  if (process.argv.includes('--json')) console.log(JSON.stringify(results))
}

main().catch((err: unknown) => {
  console.error(err)
  process.exit(1)
})
