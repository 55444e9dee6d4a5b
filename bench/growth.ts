/**
 * Growth: does a request cost what its result costs, or what the store holds?
 *
 *   npx tsx bench/growth.ts                      # 1k, 10k, 100k rows; SQLite, and PostgreSQL when a URL is set
 *   npx tsx bench/growth.ts --quick              # 1k and 10k rows, 1,000 watchers
 *   DOCK_BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/dock_test \
 *     npx tsx bench/growth.ts --sizes 1000,10000,100000 --store sqlite,postgres
 *
 * One store per backend grows through the sizes (1k → 10k → 100k rows, about
 * 2.8 events per row), built through the service (`DockService`) so events,
 * hashes and indexes are the real ones; at each size the same requests are
 * timed over HTTP against a Dock server started in this process on 127.0.0.1,
 * and printed as ratios to the smallest size. At the biggest size it also
 * measures other requests during a full SSE catch-up from revision 0, SSE
 * fan-out beside a bare Node broadcaster, bytes on disk per event, and (on
 * PostgreSQL) claim+complete beside a bare SKIP LOCKED loop. SSE clients run
 * in a child process (bench/growth-client.ts) so their parsing does not share
 * the server's event loop. No thresholds: figures, ratios, and the targets of
 * the issue beside them. Every loop is bounded by count and time; PostgreSQL
 * runs in a fresh schema, dropped at the end.
 */
import { execSync, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { readdirSync, statSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer, type ServerResponse } from 'node:http'
import { loadavg, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

import Database from 'better-sqlite3'
import pg from 'pg'

import { startDockServer, type DockServer } from '../src/http/serve.js'
import type { Caller } from '../src/service/dock-service.js'
import { pgSkipLockedClaims, type Throughput } from './baselines.js'
import {
  type CatchupResult,
  type ClientJob,
  type ClientMessage,
  type FanoutResult,
  type Stat,
  stat,
} from './growth-client.js'
import { type Agent, claimComplete, createAgents } from './scenarios.js'
import { call, inParallel, ok, sleep } from './support.js'

// ------------------------------------------------------------------ options

type StoreKind = 'sqlite' | 'postgres'
const PARTS = ['queries', 'catchup', 'fanout', 'claims'] as const
type Part = (typeof PARTS)[number]

interface Options {
  readonly sizes: readonly number[]
  readonly stores: readonly StoreKind[]
  readonly quick: boolean
  readonly watchers: readonly number[]
  readonly buildOverHttp: boolean
  /** The measurements to run (the stores are built either way). */
  readonly parts: ReadonlySet<Part>
  /** Upper bound on building one store to its biggest size; the store is measured as far as it got. */
  readonly buildBudgetMs: number
}

const PG_URL = process.env['DOCK_BENCH_DATABASE_URL'] ?? process.env['DOCK_TEST_DATABASE_URL'] ?? ''
const ROOT = fileURLToPath(new URL('../', import.meta.url))

function parseOptions(argv: readonly string[]): Options {
  const value = (name: string): string | undefined => {
    const i = argv.indexOf(name)
    if (i >= 0) return argv[i + 1]
    return argv.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1)
  }
  const list = (s: string): number[] =>
    s.split(',').map((x) => {
      const n = Number(x.trim().replace(/k$/i, '000'))
      if (!Number.isInteger(n) || n < 100)
        throw new Error(`bad number ${JSON.stringify(x)} (integers ≥ 100, e.g. 1000 or 10k)`)
      return n
    })
  const quick = argv.includes('--quick')
  const sizes = [...new Set(list(value('--sizes') ?? (quick ? '1000,10000' : '1000,10000,100000')))].sort(
    (a, b) => a - b,
  )
  const stores = (value('--store') ?? value('--stores') ?? (PG_URL === '' ? 'sqlite' : 'sqlite,postgres'))
    .split(',')
    .map((s) => {
      const k = s.trim().toLowerCase()
      if (k === 'sqlite') return 'sqlite' as const
      if (k === 'postgres' || k === 'postgresql' || k === 'pg') return 'postgres' as const
      throw new Error(`unknown store ${JSON.stringify(s)} (sqlite, postgres)`)
    })
  if (stores.includes('postgres') && PG_URL === '') {
    throw new Error(
      '--store postgres needs DOCK_BENCH_DATABASE_URL or DOCK_TEST_DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/dock_test)',
    )
  }
  const watchers = list(value('--watchers') ?? (quick ? '1000' : '1000,5000'))
  const buildMinutes = Number(value('--build-minutes') ?? (quick ? 4 : 8))
  const parts = new Set(
    (value('--only') ?? PARTS.join(',')).split(',').map((x) => {
      const p = x.trim() as Part
      if (!PARTS.includes(p)) throw new Error(`unknown part ${JSON.stringify(x)} (${PARTS.join(', ')})`)
      return p
    }),
  )
  return {
    sizes,
    stores,
    quick,
    watchers,
    buildOverHttp: argv.includes('--build-over-http'),
    parts,
    buildBudgetMs: buildMinutes * 60_000,
  }
}

// ------------------------------------------------------------------ small helpers

const OP = `growth-operator-${randomBytes(6).toString('hex')}`
const WS = '/v1/workspaces/default'
const TABLE = 'work'
/** Section writes at set-up: the rare event type filtered for (fewer than one page at every size). */
const RARE_TYPE = 'doc.section_written'
const RARE_COUNT = 10
const BUILD_CONCURRENCY = 64
const LEASE_MS = 24 * 60 * 60_000

const log = (s: string): void => void process.stderr.write(`${s}\n`)
const fmt = (n: number, digits = 0): string =>
  Number.isFinite(n)
    ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : 'n/a'
const ms = (n: number): string =>
  !Number.isFinite(n) ? 'n/a' : n < 10 ? n.toFixed(2) : n < 1000 ? n.toFixed(1) : fmt(n)
const ratio = (a: number, b: number): string =>
  Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(a / b < 10 ? 2 : 1)}×` : 'n/a'
const sizeLabel = (n: number): string => (n % 1000 === 0 ? `${fmt(n / 1000)}k` : fmt(n))
const load = (): string =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')
const storeLabel = (k: StoreKind): string => (k === 'sqlite' ? 'SQLite' : 'PostgreSQL')
const sh = (cmd: string): string => {
  try {
    return execSync(cmd, { encoding: 'utf8', cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] }).trim()
  } catch {
    return 'n/a'
  }
}

/**
 * Times `fn` sequentially: up to `maxSamples`, until `maxMs` is spent (but at
 * least 3), after 2 untimed warm-ups. When `fn` returns a number, that is the
 * sample (the part of its work that is timed).
 */
async function measure(fn: () => Promise<number | void>, maxSamples: number, maxMs: number): Promise<Stat> {
  const w0 = performance.now()
  await fn()
  if (performance.now() - w0 < maxMs / 8) await fn()
  const samples: number[] = []
  const end = performance.now() + maxMs
  while (samples.length < maxSamples && (samples.length < 3 || performance.now() < end)) {
    const t0 = performance.now()
    const timed = await fn()
    samples.push(typeof timed === 'number' ? timed : performance.now() - t0)
  }
  return stat(samples)
}

// ------------------------------------------------------------------ the store's shape

/**
 * Every 100 rows: 3 blockers (claimed, left in progress with a long lease),
 * 4 rows blocked by one of them (todo, priority 5, so claim-next meets them
 * first), 6 ready rows (todo, priority 0), 87 done (created, claimed,
 * completed): about 2.8 events per row.
 */
type Role = 'blocker' | 'blocked' | 'ready' | 'done'
function roleOf(i: number): Role {
  const r = i % 100
  return r < 3 ? 'blocker' : r < 7 ? 'blocked' : r < 13 ? 'ready' : 'done'
}
const AREAS = ['api', 'storage', 'web', 'cli', 'docs', 'mcp', 'worker', 'ops']

function valuesOf(i: number): Record<string, unknown> {
  return {
    title: `task ${i}: ${['fix', 'write', 'review', 'port'][i % 4]} the ${AREAS[i % AREAS.length]} part of step ${i >> 4}`,
    n: i,
    area: AREAS[i % AREAS.length],
  }
}

const WORK_TABLE = {
  name: TABLE,
  columns: [
    { name: 'title', type: 'text', required: true },
    { name: 'n', type: 'integer' },
    { name: 'area', type: 'text' },
  ],
  workflow: {
    statuses: ['todo', 'in_progress', 'done', 'failed'],
    initial: 'todo',
    done: ['done'],
    claim: { from: ['todo'], to: 'in_progress', leaseMs: LEASE_MS, maxAttempts: 1000, deadLetter: 'failed' },
    transitions: [{ from: 'in_progress', to: 'done', by: ['owner'] }],
  },
}

/** The three writes a row's life is made of; through the service by default, over HTTP with --build-over-http. */
interface Builder {
  create(
    agent: number,
    values: Record<string, unknown>,
    opts: { blockedBy?: string[]; priority: number },
  ): Promise<string>
  claim(agent: number, id: string): Promise<number>
  complete(agent: number, id: string, token: number): Promise<void>
}

async function serviceBuilder(server: DockServer, agents: readonly Agent[]): Promise<Builder> {
  const service = server.service
  const callers: Caller[] = await Promise.all(
    agents.map(async (a) => ({ principal: await service.identity.authenticate(a.key) })),
  )
  const c = (i: number): Caller => callers[i % callers.length]!
  return {
    create: async (a, values, o) =>
      (
        await service.rows.createRow(c(a), 'default', TABLE, {
          values,
          priority: o.priority,
          ...(o.blockedBy ? { blockedBy: o.blockedBy } : {}),
        })
      ).id,
    claim: async (a, id) => (await service.rows.claim(c(a), 'default', TABLE, id, LEASE_MS)).lease.token,
    complete: async (a, id, token) =>
      void (await service.rows.transition(c(a), 'default', TABLE, id, { to: 'done', fencingToken: token })),
  }
}

function httpBuilder(base: string, agents: readonly Agent[]): Builder {
  const k = (i: number): string => agents[i % agents.length]!.key
  const rows = `${WS}/tables/${TABLE}/rows`
  return {
    create: async (a, values, o) =>
      (
        await ok(base, k(a), 'POST', rows, {
          values,
          priority: o.priority,
          ...(o.blockedBy ? { blockedBy: o.blockedBy } : {}),
        })
      ).id,
    claim: async (a, id) => (await ok(base, k(a), 'POST', `${rows}/${id}/claim`, { leaseMs: LEASE_MS })).lease.token,
    complete: async (a, id, token) =>
      void (await ok(base, k(a), 'POST', `${rows}/${id}/transition`, { to: 'done', fencingToken: token })),
  }
}

interface StoreState {
  rows: number
  readonly blockers: string[]
  historyRow: string | null
  buildMs: number
  /** Set when the build budget ran out before the target size. */
  cut: boolean
}

async function grow(b: Builder, st: StoreState, target: number, deadline: number, label: string): Promise<void> {
  const from = st.rows
  const idx = Array.from({ length: target - from }, (_, k) => from + k)
  const t0 = performance.now()
  let made = 0
  const tick = (): void => {
    made++
    if (made % 10_000 === 0)
      log(`    ${label}: ${fmt(from + made)} rows, ${fmt(made / ((performance.now() - t0) / 1000))} rows/s`)
  }
  // Blockers first, so every blocked row of this step has one to point at.
  await inParallel(
    idx.filter((i) => roleOf(i) === 'blocker'),
    BUILD_CONCURRENCY,
    async (i) => {
      if (Date.now() > deadline) return
      const id = await b.create(i, valuesOf(i), { priority: 0 })
      await b.claim(i, id)
      st.blockers.push(id)
      tick()
    },
  )
  await inParallel(
    idx.filter((i) => roleOf(i) !== 'blocker'),
    BUILD_CONCURRENCY,
    async (i) => {
      if (Date.now() > deadline) return
      const role = roleOf(i)
      if (role === 'blocked') {
        await b.create(i, valuesOf(i), { priority: 5, blockedBy: [st.blockers[(i * 7919) % st.blockers.length]!] })
      } else if (role === 'ready') {
        await b.create(i, valuesOf(i), { priority: 0 })
      } else {
        const id = await b.create(i, valuesOf(i), { priority: 0 })
        const token = await b.claim(i, id)
        await b.complete(i, id, token)
        st.historyRow ??= id
      }
      tick()
    },
  )
  st.rows += made
  st.buildMs += performance.now() - t0
  if (st.rows < target) st.cut = true
}

// ------------------------------------------------------------------ measurements

interface QueryResult {
  readonly stat: Stat | null
  readonly note: string
}

const QUERIES = ['status', 'ready', 'rare', 'recent', 'claimNext', 'history', 'stats'] as const
type QueryName = (typeof QUERIES)[number]
const QUERY_LABEL: Record<QueryName, string> = {
  status: '`rows?status=todo&limit=50`',
  ready: '`rows?ready=true&limit=50`',
  rare: `\`events?since=1&type=${RARE_TYPE}&limit=50\` (${RARE_COUNT} matches)`,
  recent: '`events?since=<head−50>&limit=50` (recent, unfiltered)',
  claimNext: '`claim-next` past the blocked rows (then release, untimed)',
  history: "one row's history: `events?since=0&row=<id>&limit=50`",
  stats: 'console home: `GET /v1/workspaces/:ws/stats`',
}

async function measureQueries(
  base: string,
  agent: Agent,
  st: StoreState,
  quick: boolean,
): Promise<Record<QueryName, QueryResult>> {
  const maxSamples = quick ? 30 : 60
  const maxMs = quick ? 3_000 : 6_000
  const get = async (path: string, check?: (body: { items: unknown[] }) => string | null): Promise<void> => {
    const r = await call(base, OP, 'GET', path)
    if (r.status !== 200) throw new Error(`GET ${path} → ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`)
    const bad = check?.(r.body) ?? null
    if (bad !== null) throw new Error(`GET ${path}: ${bad}`)
  }
  const rows = `${WS}/tables/${TABLE}/rows`
  const full = (b: { items: unknown[] }): string | null =>
    b.items.length === 50 ? null : `expected 50 items, got ${b.items.length}`
  const out = {} as Record<QueryName, QueryResult>
  out.status = { stat: await measure(() => get(`${rows}?status=todo&limit=50`, full), maxSamples, maxMs), note: '' }
  out.ready = { stat: await measure(() => get(`${rows}?ready=true&limit=50`, full), maxSamples, maxMs), note: '' }
  out.rare = {
    stat: await measure(
      () =>
        get(`${WS}/events?since=1&type=${RARE_TYPE}&limit=50`, (b) =>
          b.items.length === RARE_COUNT ? null : `expected ${RARE_COUNT} events, got ${b.items.length}`,
        ),
      maxSamples,
      maxMs,
    ),
    note: '',
  }
  const head = (await ok(base, OP, 'GET', WS)).revision as number
  out.recent = {
    stat: await measure(
      () =>
        get(`${WS}/events?since=${head - 50}&limit=50`, (b) =>
          b.items.length === 50 ? null : `expected 50 events, got ${b.items.length}`,
        ),
      maxSamples,
      maxMs,
    ),
    note: '',
  }
  out.claimNext = {
    stat: await measure(
      async () => {
        const t0 = performance.now()
        const r = await call(base, agent.key, 'POST', `${WS}/tables/${TABLE}/claim-next`, { leaseMs: 60_000 })
        const took = performance.now() - t0
        if (r.status !== 200) throw new Error(`claim-next → ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`)
        const row = r.body.row
        if (row.priority !== 0 || row.blockedBy.length !== 0)
          throw new Error(`claim-next handed out a blocked row ${row.id}`)
        // Put it back so every sample meets the same store; only the claim is timed.
        await ok(base, agent.key, 'POST', `${rows}/${row.id}/release`, { fencingToken: r.body.lease.token })
        return took
      },
      maxSamples,
      maxMs,
    ),
    note: '',
  }
  out.history = await measureHistory(base, st, maxSamples, maxMs)
  out.stats = {
    stat: await measure(
      async () => {
        const r = await call(base, OP, 'GET', `${WS}/stats`)
        if (r.status !== 200) throw new Error(`stats → ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`)
      },
      maxSamples,
      maxMs,
    ),
    note: '',
  }
  return out
}

async function measureHistory(base: string, st: StoreState, maxSamples: number, maxMs: number): Promise<QueryResult> {
  const id = st.historyRow
  if (id === null) return { stat: null, note: 'no completed row to read' }
  const path = `${WS}/events?since=0&row=${encodeURIComponent(id)}&limit=50`
  const probe = await call(base, OP, 'GET', path)
  if (probe.status !== 200) {
    return {
      stat: null,
      note: `skipped: the server answers ${probe.status} ${probe.body?.code ?? ''} to \`row=\` (${String(probe.body?.detail ?? probe.body?.title ?? '').slice(0, 120)})`,
    }
  }
  const items = probe.body.items as { target: { id: string } }[]
  if (items.length === 0 || items.some((e) => e.target.id !== id))
    return { stat: null, note: 'skipped: the server ignores `row=` (events of other rows came back)' }
  return {
    stat: await measure(async () => void (await ok(base, OP, 'GET', path)), maxSamples, maxMs),
    note: `${items.length} events`,
  }
}

/** Bytes on disk per event: the SQLite files (WAL included, after a checkpoint), or the PostgreSQL events relation. */
async function bytesPerEvent(
  kind: StoreKind,
  where: string,
  events: number,
): Promise<{ perEvent: number; total: number; note: string }> {
  if (kind === 'sqlite') {
    let note = ''
    const files = readdirSync(where).filter((f) => !f.endsWith('-shm'))
    for (const f of files.filter((f) => f.endsWith('.db'))) {
      const db = new Database(join(where, f))
      try {
        const r = db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[]
        if (r[0]?.busy) note = 'checkpoint busy; WAL counted as is'
      } finally {
        db.close()
      }
    }
    const dirBytes = readdirSync(where)
      .filter((f) => !f.endsWith('-shm'))
      .reduce((sum, f) => sum + statSync(join(where, f)).size, 0)
    // The log and its indexes, as PostgreSQL's pg_total_relation_size(events) counts them, so both stores
    // report the same thing; the whole data dir (rows, docs, WAL) goes in the note.
    const db = new Database(join(where, 'dock.db'), { readonly: true })
    let ev: number
    try {
      const r = db
        .prepare(
          `SELECT sum(pgsize) AS n FROM dbstat WHERE name = 'events' OR name IN (SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'events')`,
        )
        .get() as { n: number | null }
      ev = Number(r.n ?? Number.NaN)
    } finally {
      db.close()
    }
    return {
      perEvent: ev / events,
      total: ev,
      note: `events and its indexes (dbstat); all files of the data dir incl. WAL ${fmt(dirBytes / events)} B/event${note ? `; ${note}` : ''}`,
    }
  }
  const admin = new pg.Client({ connectionString: PG_URL })
  await admin.connect()
  try {
    const r = await admin.query<{ events: string | null; schema: string | null }>(
      `SELECT sum(pg_total_relation_size(c.oid)) FILTER (WHERE c.relname = 'events') AS events,
              sum(pg_total_relation_size(c.oid)) AS schema
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND c.relkind IN ('r', 'm', 'p')`,
      [where],
    )
    const ev = Number(r.rows[0]?.events ?? Number.NaN)
    const all = Number(r.rows[0]?.schema ?? Number.NaN)
    return {
      perEvent: ev / events,
      total: ev,
      note: `pg_total_relation_size(events); whole schema ${fmt(all / events)} B/event`,
    }
  } finally {
    await admin.end()
  }
}

/** Runs bench/growth-client.ts in its own process. */
function runClient(job: ClientJob): Promise<FanoutResult | CatchupResult> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/growth-client.ts', JSON.stringify(job)], {
    cwd: ROOT,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  return new Promise((resolve, reject) => {
    let settled = false
    child.on('message', (m: ClientMessage) => {
      settled = true
      if (m.kind === 'error') reject(new Error(`SSE client: ${m.message}`))
      else resolve(m)
    })
    child.once('exit', (code) => {
      if (!settled) reject(new Error(`SSE client exited with ${code} before reporting`))
    })
  })
}

/**
 * One full SSE catch-up from revision 0 while other clients work: 4 writers
 * (agents creating rows in a side table) and a reader (one row by id). The
 * client process runs all of them, so their clock is not the server's loop.
 */
async function catchupUnderLoad(
  base: string,
  agents: readonly Agent[],
  st: StoreState,
  quick: boolean,
): Promise<{ events: number; result: CatchupResult }> {
  const side = `side_${Date.now()}`
  await ok(base, OP, 'POST', `${WS}/tables`, {
    name: side,
    columns: [{ name: 'title', type: 'text' }],
    workflow: { statuses: ['open'] },
  })
  const events = (await ok(base, OP, 'GET', WS)).revision as number
  const result = (await runClient({
    kind: 'catchup',
    watchUrl: `${base}${WS}/watch?since=0`,
    headers: { authorization: `Bearer ${OP}` },
    untilRevision: events,
    timeoutMs: quick ? 60_000 : 180_000,
    writers: agents.slice(0, 4).map((a, k) => ({
      url: `${base}${WS}/tables/${side}/rows`,
      key: a.key,
      body: { values: { title: `side ${k}.__N__` } },
    })),
    reader: { url: `${base}${WS}/tables/${TABLE}/rows/${st.historyRow}`, key: OP },
    baselineMs: quick ? 3_000 : 5_000,
  })) as CatchupResult
  return { events, result }
}

async function dockFanout(base: string, watchers: number, quick: boolean): Promise<FanoutResult> {
  const table = `feed_${watchers}_${Date.now()}`
  await ok(base, OP, 'POST', `${WS}/tables`, {
    name: table,
    columns: [{ name: 'title', type: 'text' }],
    workflow: { statuses: ['open'] },
  })
  const since = (await ok(base, OP, 'GET', WS)).revision as number
  return (await runClient({
    kind: 'fanout',
    watchUrl: `${base}${WS}/watch?since=${since}&table=${table}`,
    writeUrl: `${base}${WS}/tables/${table}/rows`,
    writeBody: { values: { title: 'fan-out write __N__' } },
    headers: { authorization: `Bearer ${OP}` },
    watchers,
    writes: quick ? 10 : 20,
    connectConcurrency: 64,
    perWriteTimeoutMs: 15_000,
  })) as FanoutResult
}

/** A bare Node http SSE broadcaster: a POST writes one frame (of the size Dock's frames had) to every open stream, then answers. */
async function bareFanout(watchers: number, frameBytes: number, quick: boolean): Promise<FanoutResult> {
  const clients = new Set<ServerResponse>()
  let revision = 0
  const server = createServer((req, res) => {
    if (req.method === 'GET' && req.url?.startsWith('/watch') === true) {
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
      })
      res.write(': connected\n\n')
      clients.add(res)
      req.once('close', () => clients.delete(res))
      return
    }
    if (req.method === 'POST') {
      let body = ''
      req.setEncoding('utf8')
      req.on('data', (c: string) => (body += c))
      req.on('end', () => {
        revision++
        const head = `id: ${revision}\nevent: row.created\ndata: `
        const data = JSON.stringify({ revision, type: 'row.created', after: JSON.parse(body) as unknown, pad: '' })
        const frame = `${head}${data.slice(0, -2)}${'x'.repeat(Math.max(0, frameBytes - head.length - data.length - 2))}"}\n\n`
        for (const c of clients) c.write(frame)
        res.writeHead(201, { 'content-type': 'application/json' })
        res.end(JSON.stringify({ revision }))
      })
      return
    }
    res.writeHead(404)
    res.end()
  })
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0, backlog: 4096 }, resolve))
  const address = server.address()
  const base = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`
  try {
    return (await runClient({
      kind: 'fanout',
      watchUrl: `${base}/watch`,
      writeUrl: `${base}/write`,
      writeBody: { values: { title: 'fan-out write __N__' } },
      headers: {},
      watchers,
      writes: quick ? 10 : 20,
      connectConcurrency: 64,
      perWriteTimeoutMs: 15_000,
    })) as FanoutResult
  } finally {
    for (const c of clients) c.end()
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }
}

// ------------------------------------------------------------------ one store

interface SizePoint {
  readonly rows: number
  readonly events: number
  readonly buildMs: number
  readonly queries: Record<QueryName, QueryResult> | undefined
  readonly disk: { perEvent: number; total: number; note: string }
}

interface StoreReport {
  readonly kind: StoreKind
  readonly points: SizePoint[]
  cut: boolean
  readonly builtOverHttp: boolean
  readonly loadBefore: string
  loadAfter: string
  seconds: number
  catchup?: { events: number; result: CatchupResult }
  readonly fanout: Map<number, FanoutResult>
  claims?: { dock: Throughput; bare: Throughput }
  readonly errors: string[]
}

/** Runs `what`, recording a failure in the report instead of ending the run (later parts still measure). */
async function part<T>(report: StoreReport, what: string, fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fn()
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err)
    log(`  ${storeLabel(report.kind)}: ${what} failed: ${message}`)
    report.errors.push(`${what}: ${message.slice(0, 300)}`)
    return undefined
  }
}

async function runStore(kind: StoreKind, opts: Options, cleanups: (() => Promise<void>)[]): Promise<StoreReport> {
  const label = storeLabel(kind)
  const started = performance.now()
  const report: StoreReport = {
    kind,
    points: [],
    cut: false,
    builtOverHttp: opts.buildOverHttp,
    loadBefore: load(),
    loadAfter: '',
    seconds: 0,
    fanout: new Map(),
    errors: [],
  }
  let where: string
  let server: DockServer
  if (kind === 'sqlite') {
    where = await mkdtemp(join(tmpdir(), 'dock-growth-'))
    const dir = where
    cleanups.push(() => rm(dir, { recursive: true, force: true }))
    server = await startDockServer({
      host: '127.0.0.1',
      port: 0,
      dataDir: where,
      operatorToken: OP,
      webRoot: null,
      logger: false,
      // The fan-out measurement opens thousands of streams with one key; the
      // per-principal cap (64 by default) exists for real crews, not this rig.
      maxStreamsPerPrincipal: 100_000,
    })
  } else {
    where = `dock_growth_${process.pid}_${randomBytes(3).toString('hex')}`
    const schema = where
    cleanups.push(async () => {
      const admin = new pg.Client({ connectionString: PG_URL })
      await admin.connect()
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).finally(() => admin.end())
    })
    const url = new URL(PG_URL)
    url.searchParams.set('schema', where)
    server = await startDockServer({
      host: '127.0.0.1',
      port: 0,
      databaseUrl: url.toString(),
      operatorToken: OP,
      webRoot: null,
      logger: false,
      // The fan-out measurement opens thousands of streams with one key; the
      // per-principal cap (64 by default) exists for real crews, not this rig.
      maxStreamsPerPrincipal: 100_000,
    })
  }
  const stopServer = async (): Promise<void> => server.close()
  cleanups.unshift(stopServer)
  const base = server.url
  log(`${label}: Dock on ${base}`)

  await ok(base, OP, 'POST', `${WS}/tables`, WORK_TABLE)
  const agents = await createAgents(base, OP, 16, `growth-${kind}`)
  const doc = await ok(base, OP, 'POST', `${WS}/docs`, {
    title: 'plan',
    content: '# Plan\n\nThe crew works from the table.\n',
  })
  for (let i = 0; i < RARE_COUNT; i++)
    await ok(base, OP, 'PUT', `${WS}/docs/${doc.id}/sections/step-${i}`, { body: `Step ${i} of the plan.` })
  const builder = opts.buildOverHttp ? httpBuilder(base, agents) : await serviceBuilder(server, agents)
  const st: StoreState = { rows: 0, blockers: [], historyRow: null, buildMs: 0, cut: false }
  const deadline = Date.now() + opts.buildBudgetMs

  for (const size of opts.sizes) {
    if (st.cut) break
    log(`  ${label}: growing to ${fmt(size)} rows (load ${load()})`)
    await grow(builder, st, size, deadline, label)
    const events = (await ok(base, OP, 'GET', WS)).revision as number
    log(
      `  ${label}: ${fmt(st.rows)} rows, ${fmt(events)} events, built in ${fmt(st.buildMs / 1000, 1)} s so far${st.cut ? ' (build budget spent)' : ''}; measuring`,
    )
    const queries = opts.parts.has('queries')
      ? await part(report, `queries at ${fmt(st.rows)} rows`, () => measureQueries(base, agents[0]!, st, opts.quick))
      : undefined
    const disk = await part(report, 'bytes per event', () => bytesPerEvent(kind, where, events))
    report.points.push({
      rows: st.rows,
      events,
      buildMs: st.buildMs,
      queries,
      disk: disk ?? { perEvent: Number.NaN, total: Number.NaN, note: 'failed' },
    })
  }
  report.cut = st.cut

  if (opts.parts.has('catchup')) {
    log(`  ${label}: catch-up from revision 0 under load`)
    report.catchup = await part(report, 'catch-up', () => catchupUnderLoad(base, agents, st, opts.quick))
  }
  for (const n of opts.parts.has('fanout') ? opts.watchers : []) {
    log(`  ${label}: fan-out to ${fmt(n)} watchers`)
    const f = await part(report, `fan-out ${n}`, () => dockFanout(base, n, opts.quick))
    if (f !== undefined) report.fanout.set(n, f)
  }
  if (kind === 'postgres' && opts.parts.has('claims')) {
    log(`  ${label}: claim + complete, 16 agents, beside bare SKIP LOCKED`)
    const ms = opts.quick ? 2_000 : 5_000
    report.claims = await part(report, 'claims', async () => ({
      dock: await claimComplete(base, OP, agents, opts.quick ? 300 : 1_500, ms),
      bare: await pgSkipLockedClaims(PG_URL, 16, ms),
    }))
  }
  await stopServer()
  cleanups.splice(cleanups.indexOf(stopServer), 1)
  report.loadAfter = load()
  report.seconds = (performance.now() - started) / 1000
  return report
}

// ------------------------------------------------------------------ report

function renderHeader(opts: Options, loadStart: string): string {
  const commit = sh('git rev-parse --short HEAD')
  const dirty = sh('git status --porcelain --untracked-files=no -- src') === '' ? '' : ' (src/ has uncommitted changes)'
  return [
    `## Growth (started ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, commit ${commit}${dirty})`,
    '',
    `- sizes ${opts.sizes.map(sizeLabel).join(' → ')} rows${opts.quick ? ' (quick)' : ''}; stores ${opts.stores.map(storeLabel).join(', ')}; ${opts.parts.size < PARTS.length ? `only ${[...opts.parts].join(', ')}; ` : ''}Node.js ${process.version}; nproc ${sh('nproc')}`,
    `- load average (1/5/15 min) at the start: ${loadStart}; per store below (other work on the machine skews every figure, Dock's and the baselines' alike)`,
    `- graphile-worker: not measured (it needs Node ≥ 22.18; this machine runs ${process.version})`,
    '',
    '',
  ].join('\n')
}

function renderStore(r: StoreReport, bare: ReadonlyMap<number, FanoutResult>): string {
  const out: string[] = []
  {
    const L = storeLabel(r.kind)
    const first = r.points[0]
    out.push(`### ${L}`, '')
    out.push(
      `Load average ${r.loadBefore} before, ${r.loadAfter} after; ${fmt(r.seconds)} s in all. Built through ${r.builtOverHttp ? 'HTTP' : 'the service'}${r.cut ? ' — the build budget ran out, so the last size is smaller than asked' : ''}.`,
      '',
    )
    out.push('| rows | events | build time (cumulative) | bytes on disk per event |', '| --- | --- | --- | --- |')
    for (const p of r.points)
      out.push(
        `| ${fmt(p.rows)} | ${fmt(p.events)} | ${fmt(p.buildMs / 1000, 1)} s (${fmt(p.events / (p.buildMs / 1000))} events/s) | ${fmt(p.disk.perEvent)} B (${p.disk.note}) |`,
      )
    out.push('')
    const sizes = r.points.map((p) => sizeLabel(p.rows))
    const last = r.points[r.points.length - 1]
    if (r.points.some((p) => p.queries !== undefined))
      out.push(
        `| request (p50 / p99 ms, sequential) | ${sizes.join(' | ')} | ${last && first && last !== first ? `${sizeLabel(last.rows)}÷${sizeLabel(first.rows)} p50 · p99` : 'ratio'} | target |`,
        `| --- | ${sizes.map(() => '---').join(' | ')} | --- | --- |`,
      )
    const skipped: string[] = []
    for (const q of r.points.some((p) => p.queries !== undefined) ? QUERIES : []) {
      const cells = r.points.map((p) => {
        const x = p.queries?.[q] ?? { stat: null, note: 'not measured' }
        if (x.stat === null && !skipped.includes(x.note)) skipped.push(x.note)
        return x.stat === null ? `skipped (${skipped.indexOf(x.note) + 1})` : `${ms(x.stat.p50)} / ${ms(x.stat.p99)}`
      })
      const a = first?.queries?.[q].stat
      const b = last?.queries?.[q].stat
      const rat = a && b ? `${ratio(b.p50, a.p50)} · ${ratio(b.p99, a.p99)}` : 'n/a'
      out.push(`| ${QUERY_LABEL[q]} | ${cells.join(' | ')} | ${rat} | ≤ 2× |`)
    }
    out.push('', ...skipped.map((note, i) => `(${i + 1}) ${note}`), ...(skipped.length > 0 ? [''] : []))
    const c = r.catchup
    if (c !== undefined) {
      const res = c.result
      out.push(
        `SSE catch-up from revision 0 of ${fmt(c.events)} events: opened in ${ms(res.openedMs)} ms, done in ${fmt(res.finishedMs / 1000, 1)} s (${fmt(res.bytes / 2 ** 20, 1)} MiB, reached revision ${fmt(res.lastRevision)}${res.timedOut ? ', TIMED OUT' : ''}).`,
        '',
        '| other requests | without catch-up p50 / p99 / max ms | during catch-up p50 / p99 / max ms (n) | target |',
        '| --- | --- | --- | --- |',
        `| 4 writers (create row) | ${ms(res.writersBefore.p50)} / ${ms(res.writersBefore.p99)} / ${ms(res.writersBefore.max)} | ${ms(res.writersDuring.p50)} / ${ms(res.writersDuring.p99)} / ${ms(res.writersDuring.max)} (${res.writersDuring.n}) | no wait > 100 ms behind it |`,
        `| 1 reader (row by id) | ${ms(res.readersBefore.p50)} / ${ms(res.readersBefore.p99)} / ${ms(res.readersBefore.max)} | ${ms(res.readersDuring.p50)} / ${ms(res.readersDuring.p99)} / ${ms(res.readersDuring.max)} (${res.readersDuring.n}) | no wait > 100 ms behind it |`,
        '',
      )
    }
    if (r.fanout.size > 0) {
      out.push(
        '| fan-out (write sent → event on every stream) | Dock p50 / p99 ms | bare Node broadcaster p50 / p99 ms | Dock ÷ bare p50 · p99 | target |',
        '| --- | --- | --- | --- | --- |',
      )
      for (const [n, f] of r.fanout) {
        const b = bare.get(n)
        out.push(
          `| ${fmt(n)} watchers${f.connected < n ? ` (only ${fmt(f.connected)} opened in time)` : ''} (${fmt(f.delivered)}/${fmt(f.expected)} deliveries; last stream p50 ${ms(f.allStreamsP50)} ms) | ${ms(f.p50)} / ${ms(f.p99)} | ${b ? `${ms(b.p50)} / ${ms(b.p99)} (last stream p50 ${ms(b.allStreamsP50)})` : 'n/a'} | ${b ? `${ratio(f.p50, b.p50)} · ${ratio(f.p99, b.p99)}` : 'n/a'} | ${n >= 5000 ? '≤ 2× at p50' : '—'} |`,
        )
      }
      out.push('')
    }
    if (last !== undefined) {
      out.push(
        `Bytes per event at ${sizeLabel(last.rows)} rows: ${fmt(last.disk.perEvent)} B (target ${r.kind === 'sqlite' ? '≤ 2 KB (2,048 B)' : 'none set; the issue measured 1,765 B'}).`,
        '',
      )
    }
    if (r.claims !== undefined) {
      const { dock, bare: b } = r.claims
      out.push(
        `claim + complete, 16 agents over HTTP on the ${last ? sizeLabel(last.rows) : ''}-row store: ${fmt(dock.opsPerSec)} pairs/s${dock.note ? ` (${dock.note})` : ''}; bare \`FOR UPDATE SKIP LOCKED\` loop, 16 connections: ${fmt(b.opsPerSec)} pairs/s; Dock ÷ bare **${(dock.opsPerSec / b.opsPerSec).toFixed(2)}** (target ≥ 0.5).`,
        '',
      )
    }
    if (r.errors.length > 0) out.push(...r.errors.map((e) => `- failed: ${e}`), '')
  }
  return `${out.join('\n')}\n`
}

// ------------------------------------------------------------------ main

export async function main(argv: readonly string[]): Promise<void> {
  const opts = parseOptions(argv)
  const started = performance.now()
  const loadStart = load()
  const cleanups: (() => Promise<void>)[] = []
  const cleanup = async (): Promise<void> => {
    for (const fn of cleanups.splice(0)) await fn().catch((err: unknown) => log(`cleanup: ${String(err)}`))
  }
  // Stops by itself: a hard ceiling well above the expected run time (the build budget plus the measurements, per store).
  const ceilingMs = opts.stores.length * (opts.buildBudgetMs + (opts.quick ? 8 : 15) * 60_000)
  const watchdog = setTimeout(() => {
    log(`growth: watchdog — still running after ${fmt(ceilingMs / 60_000)} minutes; cleaning up and exiting`)
    void Promise.race([cleanup(), sleep(15_000)]).finally(() => process.exit(3))
  }, ceilingMs)
  watchdog.unref()
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => void Promise.race([cleanup(), sleep(15_000)]).finally(() => process.exit(130)))
  }
  log(
    `growth: sizes ${opts.sizes.join(', ')}; stores ${opts.stores.join(', ')}; watchers ${opts.watchers.join(', ')}; load ${loadStart}`,
  )
  // Each store's section is printed as soon as it is done, so a long run that is stopped keeps what it measured.
  process.stdout.write(renderHeader(opts, loadStart))
  const bare = new Map<number, FanoutResult>()
  try {
    for (const kind of opts.stores) {
      const report = await runStore(kind, opts, cleanups)
      // The bare broadcaster runs once, after the first store's fan-out, with frames the size of Dock's (no Dock server running meanwhile).
      const frame = [...report.fanout.values()].map((f) => f.frameBytes).find(Number.isFinite)
      for (const n of frame === undefined ? [] : opts.watchers.filter((w) => !bare.has(w))) {
        log(`bare Node SSE broadcaster: ${fmt(n)} watchers, ${frame}-byte frames (load ${load()})`)
        try {
          bare.set(n, await bareFanout(n, frame!, opts.quick))
        } catch (err) {
          log(`  bare broadcaster failed: ${String(err)}`)
        }
      }
      process.stdout.write(renderStore(report, bare))
    }
  } finally {
    await cleanup()
    clearTimeout(watchdog)
  }
  process.stdout.write(
    `Growth run: ${fmt((performance.now() - started) / 1000)} s in all; load average at the end ${load()}.\n`,
  )
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  try {
    await main(process.argv.slice(2))
    process.exit(0)
  } catch (err) {
    log(`growth: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`)
    process.exit(1)
  }
}
