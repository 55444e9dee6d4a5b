/**
 * Dock benchmarks: `npm run bench` (add `-- --quick` for a short smoke run).
 * Every Dock figure is printed beside a baseline measured in the same run on
 * the same machine: a raw better-sqlite3 compare-and-set loop, and, when
 * DOCK_BENCH_DATABASE_URL or DOCK_TEST_DATABASE_URL is set, bare PostgreSQL
 * (a SKIP LOCKED claim loop, a CAS loop, LISTEN/NOTIFY). Prints a markdown table.
 * Loopback only; every loop is bounded by time and count.
 *
 * Then runs the growth benchmark (bench/growth.ts: cost as the store grows to
 * 100k rows, SSE catch-up and fan-out, bytes per event) in its own process,
 * passing `--quick` on; `--no-growth` skips it, `--only-growth` runs only it.
 */
import { execSync, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { cpus, loadavg, tmpdir, totalmem } from 'node:os'
import { join } from 'node:path'

import pg from 'pg'

import {
  pgCasLoop,
  pgNotifyLatency,
  pgSkipLockedClaims,
  sqliteCasLoop,
  type Latency,
  type Throughput,
} from './baselines.js'
import { claimComplete, createAgents, preconditionedUpdates, sectionWrites, watchLatency } from './scenarios.js'
import { startDockProcess } from './support.js'

const quick = process.argv.includes('--quick')
const growth = !process.argv.includes('--no-growth')
const onlyGrowth = process.argv.includes('--only-growth')
const DURATION_MS = quick ? 1_500 : 5_000
/** Rows queued per claim run (more than the run can drain in its time on this kind of machine). */
const CLAIM_ROWS: Record<string, number> = quick
  ? { SQLite: 300, PostgreSQL: 200 }
  : { SQLite: 5_000, PostgreSQL: 1_500 }
const AGENT_COUNTS = [1, 16, 64]
const WATCH = quick
  ? [{ watchers: 100, writes: 10 }]
  : [
      { watchers: 100, writes: 40 },
      { watchers: 1000, writes: 25 },
    ]
const OP = `bench-operator-${randomBytes(6).toString('hex')}`
const PG_URL = process.env['DOCK_BENCH_DATABASE_URL'] ?? process.env['DOCK_TEST_DATABASE_URL'] ?? ''

interface ResultRow {
  readonly name: string
  readonly storage: string
  readonly dock: string
  readonly baseline: string
  readonly ratio: string
}

const rows: ResultRow[] = []
const fmt = (n: number, digits = 0): string =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
const ms = (n: number): string => (n < 10 ? n.toFixed(2) : n.toFixed(1))
const log = (s: string): void => void process.stderr.write(`${s}\n`)

function machine(): string[] {
  const cpu = (() => {
    try {
      return (
        /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ??
        cpus()[0]?.model ??
        'unknown'
      )
    } catch {
      return cpus()[0]?.model ?? 'unknown'
    }
  })()
  const sh = (cmd: string): string => {
    try {
      return execSync(cmd, { encoding: 'utf8' }).trim()
    } catch {
      return 'n/a'
    }
  }
  return [
    `- CPU: ${cpu}`,
    `- nproc: ${sh('nproc')}`,
    `- memory (free -h): ${sh('free -h | awk \'/^Mem:/ {print $2 " total, " $7 " available"}\'')} (${fmt(totalmem() / 2 ** 30, 1)} GiB)`,
    `- Node.js ${process.version}; ${PG_URL === '' ? 'PostgreSQL: not measured (no DOCK_BENCH_DATABASE_URL)' : `PostgreSQL ${sh('psql "$DOCK_PG" -Atc \'show server_version\' 2>/dev/null') || 'server'} on loopback`}`,
    `- mode: ${quick ? 'quick' : 'full'}; ${DURATION_MS / 1000} s per throughput measurement; load average at the end ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} (other work on the machine skews every figure, Dock's and the baseline's alike)`,
  ]
}

function throughputRow(
  name: string,
  storage: string,
  dock: Throughput,
  unit: string,
  base: Throughput,
  baseLabel: string,
): void {
  rows.push({
    name,
    storage,
    dock: `${fmt(dock.opsPerSec)} ${unit}/s${unit === 'writes' ? '' : ` (${fmt(dock.writesPerSec)} writes/s)`}${dock.note ? ` — ${dock.note}` : ''}`,
    baseline: `${fmt(base.opsPerSec)} ${baseLabel}`,
    ratio: `${(dock.writesPerSec / base.writesPerSec).toFixed(3)} (writes/s)`,
  })
}

function latencyRow(
  name: string,
  storage: string,
  dock: Latency & { delivered: number; expected: number },
  base: Latency,
  baseLabel: string,
): void {
  rows.push({
    name,
    storage,
    dock: `p50 ${ms(dock.p50)} ms · p99 ${ms(dock.p99)} ms (${fmt(dock.delivered)}/${fmt(dock.expected)} deliveries)`,
    baseline: `p50 ${ms(base.p50)} ms · p99 ${ms(base.p99)} ms ${baseLabel}`,
    ratio: `${(dock.p50 / base.p50).toFixed(1)}× · ${(dock.p99 / base.p99).toFixed(1)}× (latency)`,
  })
}

async function dockSuite(
  storage: string,
  dock: { url: string },
  base: { cas: Throughput; claims: Map<number, Throughput>; commit: Latency },
  labels: { cas: string; claims: string; commit: string },
): Promise<void> {
  const agents = await createAgents(dock.url, OP, Math.max(...AGENT_COUNTS), `agent-${storage.toLowerCase()}`)
  for (const n of AGENT_COUNTS) {
    log(`  ${storage}: claim+complete with ${n} agents`)
    const r = await claimComplete(dock.url, OP, agents.slice(0, n), CLAIM_ROWS[storage] ?? 500, DURATION_MS)
    const b = base.claims.get(n) ?? base.cas
    throughputRow(
      `claim + complete, ${n} agent${n === 1 ? '' : 's'}`,
      storage,
      r,
      'pairs',
      b,
      base.claims.has(n) ? labels.claims : labels.cas,
    )
  }
  log(`  ${storage}: preconditioned updates`)
  const u = await preconditionedUpdates(dock.url, OP, agents.slice(0, 16), 4, DURATION_MS)
  throughputRow(
    `preconditioned update (expectedVersion, retry on 409), 16 agents on 4 rows — ${fmt(u.conflicts)} conflicts retried`,
    storage,
    u,
    'writes',
    base.cas,
    labels.cas,
  )
  log(`  ${storage}: section writes`)
  const s = await sectionWrites(dock.url, OP, agents.slice(0, 16), DURATION_MS)
  throughputRow('section writes, 16 agents, one doc', storage, s, 'writes', base.cas, labels.cas)
  for (const w of WATCH) {
    log(`  ${storage}: watch latency with ${w.watchers} watchers`)
    const l = await watchLatency(dock.url, OP, w.watchers, w.writes)
    latencyRow(
      `watch latency (write sent → SSE event), ${fmt(w.watchers)} watchers`,
      storage,
      l,
      base.commit,
      labels.commit,
    )
  }
}

async function main(): Promise<void> {
  const started = performance.now()
  const dir = await mkdtemp(join(tmpdir(), 'dock-bench-'))
  try {
    log('baseline: better-sqlite3 CAS loop')
    const sqlite = sqliteCasLoop(join(dir, 'baseline'), DURATION_MS)
    log('dock on SQLite')
    const dockSqlite = await startDockProcess(join(dir, 'dock'), { DOCK_OPERATOR_TOKEN: OP })
    try {
      await dockSuite(
        'SQLite',
        dockSqlite,
        { cas: sqlite.throughput, claims: new Map(), commit: sqlite.commit },
        {
          cas: 'CAS tx/s (better-sqlite3, WAL, synchronous=FULL, 1 writer)',
          claims: '',
          commit: '(one raw CAS commit, fsynced)',
        },
      )
    } finally {
      await dockSqlite.stop()
    }

    if (PG_URL !== '') {
      log('baseline: bare PostgreSQL')
      const claims = new Map<number, Throughput>()
      for (const n of AGENT_COUNTS) claims.set(n, await pgSkipLockedClaims(PG_URL, n, DURATION_MS))
      const cas = await pgCasLoop(PG_URL, 16, DURATION_MS)
      const notify = await pgNotifyLatency(PG_URL, quick ? 50 : 200)
      const schema = `dock_bench_${process.pid}_${randomBytes(3).toString('hex')}`
      const url = new URL(PG_URL)
      url.searchParams.set('schema', schema)
      log('dock on PostgreSQL')
      const dockPg = await startDockProcess(join(dir, 'unused'), {
        DOCK_OPERATOR_TOKEN: OP,
        DOCK_DATABASE_URL: url.toString(),
      })
      try {
        await dockSuite(
          'PostgreSQL',
          dockPg,
          { cas, claims, commit: notify },
          {
            cas: 'CAS tx/s (pg, 16 connections, own rows)',
            claims: 'pairs/s (pg, FOR UPDATE SKIP LOCKED, same number of connections)',
            commit: '(bare UPDATE + pg_notify → LISTEN)',
          },
        )
      } finally {
        await dockPg.stop()
        const admin = new pg.Client({ connectionString: PG_URL })
        await admin.connect()
        await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).finally(() => admin.end())
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }

  const out = [
    `## Dock benchmarks (${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ${fmt((performance.now() - started) / 1000)} s)`,
    '',
    ...machine(),
    '',
    '| benchmark | storage | Dock over HTTP | baseline (same run) | Dock ÷ baseline |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r.name} | ${r.storage} | ${r.dock} | ${r.baseline} | ${r.ratio} |`),
    '',
  ]
  process.stdout.write(out.join('\n') + '\n')
}

/** bench/growth.ts in its own process (it starts servers, a broadcaster and SSE clients of its own). */
function runGrowth(): Promise<number> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/growth.ts', ...(quick ? ['--quick'] : [])], {
    cwd: new URL('../', import.meta.url),
    stdio: 'inherit',
  })
  return new Promise((resolve) => child.once('exit', (code) => resolve(code ?? 1)))
}

if (!onlyGrowth) await main()
if (growth || onlyGrowth) {
  log('growth benchmark (bench/growth.ts)')
  process.exitCode = await runGrowth()
}
