/**
 * Dock under load over HTTP on loopback: every number here includes HTTP,
 * JSON, authentication, the rules, the event log and its hash chain, and a
 * durable commit.
 */
import type { Latency, Throughput } from './baselines.js'
import { call, inParallel, jobsTable, ok, percentile, sleep } from './support.js'

export interface Agent {
  readonly id: string
  readonly key: string
}

export async function createAgents(base: string, opKey: string, n: number, prefix: string): Promise<Agent[]> {
  const agents: Agent[] = []
  for (let i = 0; i < n; i++) {
    const r = await ok(base, opKey, 'POST', '/v1/workspaces/default/principals', {
      name: `${prefix}-${i}`,
      kind: 'agent',
      roles: ['member'],
    })
    agents.push({ id: r.principal.id, key: r.key })
  }
  return agents
}

/**
 * `agents` workers drain a table: claim-next, then move the row to done with
 * the claim's fencing token. Stops when the table is empty or time is up.
 */
export async function claimComplete(
  base: string,
  opKey: string,
  agents: readonly Agent[],
  rows: number,
  durationMs: number,
): Promise<Throughput> {
  const table = `jobs_${agents.length}_${Date.now()}`
  await ok(base, opKey, 'POST', '/v1/workspaces/default/tables', jobsTable(table))
  await inParallel(
    Array.from({ length: rows }, (_, i) => i),
    16,
    async (i) =>
      void (await ok(base, opKey, 'POST', `/v1/workspaces/default/tables/${table}/rows`, {
        values: { title: `job ${i}`, n: i },
      })),
  )
  let pairs = 0
  let empty = false
  const start = performance.now()
  const end = start + durationMs
  await Promise.all(
    agents.map(async (agent) => {
      while (!empty && performance.now() < end) {
        const claim = await call(base, agent.key, 'POST', `/v1/workspaces/default/tables/${table}/claim-next`, {
          leaseMs: 60_000,
        })
        if (claim.status === 204) {
          empty = true
          break
        }
        if (claim.status !== 200) throw new Error(`claim-next → ${claim.status} ${JSON.stringify(claim.body)}`)
        const done = await call(
          base,
          agent.key,
          'POST',
          `/v1/workspaces/default/tables/${table}/rows/${claim.body.row.id}/transition`,
          {
            to: 'done',
            fencingToken: claim.body.lease.token,
          },
        )
        if (done.status !== 200) throw new Error(`transition → ${done.status} ${JSON.stringify(done.body)}`)
        pairs++
      }
    }),
  )
  const seconds = (performance.now() - start) / 1000
  // One owner: every row is done exactly once, none left in progress.
  const left = await ok(base, opKey, 'GET', `/v1/workspaces/default/tables/${table}/rows?status=in_progress&limit=10`)
  if (left.items.length !== 0) throw new Error(`${left.items.length} rows left in progress`)
  return {
    writesPerSec: (2 * pairs) / seconds,
    opsPerSec: pairs / seconds,
    ops: pairs,
    seconds,
    ...(empty ? { note: 'table drained before the time was up' } : {}),
  }
}

/**
 * Read-modify-write with `expectedVersion` on a few hot rows: a 409 carries
 * the current row, so the writer retries from it without another read.
 * Ends by checking no increment was lost.
 */
export async function preconditionedUpdates(
  base: string,
  opKey: string,
  agents: readonly Agent[],
  hotRows: number,
  durationMs: number,
): Promise<Throughput & { conflicts: number }> {
  const table = `counters_${Date.now()}`
  await ok(base, opKey, 'POST', '/v1/workspaces/default/tables', {
    name: table,
    columns: [{ name: 'n', type: 'integer', required: true }],
    workflow: { statuses: ['open'] },
  })
  const ids: string[] = []
  for (let i = 0; i < hotRows; i++)
    ids.push((await ok(base, opKey, 'POST', `/v1/workspaces/default/tables/${table}/rows`, { values: { n: 0 } })).id)
  let updates = 0
  let conflicts = 0
  const start = performance.now()
  const end = start + durationMs
  await Promise.all(
    agents.map(async (agent, a) => {
      let i = a
      while (performance.now() < end) {
        const id = ids[i++ % ids.length]!
        let row = await ok(base, agent.key, 'GET', `/v1/workspaces/default/tables/${table}/rows/${id}`)
        for (let attempt = 0; attempt < 1000; attempt++) {
          const r = await call(base, agent.key, 'PATCH', `/v1/workspaces/default/tables/${table}/rows/${id}`, {
            values: { n: row.values.n + 1 },
            expectedVersion: row.version,
          })
          if (r.status === 200) {
            updates++
            break
          }
          if (r.status !== 409 || r.body.code !== 'version_conflict')
            throw new Error(`PATCH → ${r.status} ${JSON.stringify(r.body)}`)
          conflicts++
          row = r.body.details.current
        }
      }
    }),
  )
  const seconds = (performance.now() - start) / 1000
  let total = 0
  for (const id of ids)
    total += (await ok(base, opKey, 'GET', `/v1/workspaces/default/tables/${table}/rows/${id}`)).values.n
  if (total !== updates)
    throw new Error(`lost updates: counters sum to ${total}, ${updates} increments were acknowledged`)
  return { writesPerSec: updates / seconds, opsPerSec: updates / seconds, ops: updates, seconds, conflicts }
}

/** Each agent rewrites its own section of one shared doc, with no precondition (scoped writes never conflict). */
export async function sectionWrites(
  base: string,
  opKey: string,
  agents: readonly Agent[],
  durationMs: number,
): Promise<Throughput> {
  const doc = await ok(base, opKey, 'POST', '/v1/workspaces/default/docs', {
    title: `bench-${Date.now()}`,
    content: '# Plan\n\nshared\n',
  })
  let writes = 0
  const start = performance.now()
  const end = start + durationMs
  await Promise.all(
    agents.map(async (agent, a) => {
      for (let i = 0; performance.now() < end; i++) {
        const r = await call(base, agent.key, 'PUT', `/v1/workspaces/default/docs/${doc.id}/sections/lane-${a}`, {
          body: `agent ${a}, pass ${i}\n\n${'text '.repeat(40)}`,
        })
        if (r.status !== 200) throw new Error(`section PUT → ${r.status} ${JSON.stringify(r.body)}`)
        writes++
      }
    }),
  )
  const seconds = (performance.now() - start) / 1000
  const final = await ok(base, opKey, 'GET', `/v1/workspaces/default/docs/${doc.id}`)
  const lanes = final.sections.filter((s: { key: string }) => s.key.startsWith('lane-')).length
  if (lanes !== agents.length) throw new Error(`doc has ${lanes} lane sections, expected ${agents.length}`)
  return { writesPerSec: writes / seconds, opsPerSec: writes / seconds, ops: writes, seconds }
}

/**
 * `watchers` SSE streams on the workspace; a writer makes `writes` rows one at
 * a time, and each stream's arrival time of each event is compared with the
 * moment its write was sent.
 */
export async function watchLatency(
  base: string,
  opKey: string,
  watchers: number,
  writes: number,
): Promise<Latency & { delivered: number; expected: number }> {
  const table = `feed_${watchers}_${Date.now()}`
  await ok(base, opKey, 'POST', '/v1/workspaces/default/tables', {
    name: table,
    columns: [{ name: 'title', type: 'text' }],
    workflow: { statuses: ['open'] },
  })
  const since = (await ok(base, opKey, 'GET', '/v1/workspaces/default')).revision
  const abort = new AbortController()
  /** Arrival times per revision, over all streams. */
  const arrivals = new Map<number, number[]>()
  let connected = 0
  const streams = Array.from({ length: watchers }, async () => {
    const res = await fetch(`${base}/v1/workspaces/default/watch?since=${since}&table=${table}`, {
      headers: { authorization: `Bearer ${opKey}` },
      signal: abort.signal,
    })
    if (res.status !== 200) throw new Error(`watch → ${res.status}`)
    connected++
    const decoder = new TextDecoder()
    let buffer = ''
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        const now = performance.now()
        buffer += decoder.decode(chunk, { stream: true })
        let cut: number
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, cut)
          buffer = buffer.slice(cut + 2)
          const m = /^id: (\d+)$/m.exec(block)
          if (m === null) continue
          const rev = Number(m[1])
          let list = arrivals.get(rev)
          if (list === undefined) arrivals.set(rev, (list = []))
          list.push(now)
        }
      }
    } catch (err) {
      if (!abort.signal.aborted) throw err
    }
  })
  const deadline = performance.now() + 60_000
  while (connected < watchers && performance.now() < deadline) await sleep(20)
  if (connected < watchers) throw new Error(`only ${connected} of ${watchers} watchers connected`)
  await sleep(300)

  const sentAt = new Map<number, number>()
  for (let i = 0; i < writes; i++) {
    const t0 = performance.now()
    const row = await ok(base, opKey, 'POST', `/v1/workspaces/default/tables/${table}/rows`, {
      values: { title: `w${i}` },
    })
    sentAt.set(row.revision, t0)
    // Wait (bounded) for every stream to get it, so writes do not pile up in one batch.
    const until = performance.now() + 10_000
    while ((arrivals.get(row.revision)?.length ?? 0) < watchers && performance.now() < until) await sleep(2)
    await sleep(20)
  }
  abort.abort()
  await Promise.allSettled(streams)
  const latencies: number[] = []
  for (const [rev, t0] of sentAt) for (const t of arrivals.get(rev) ?? []) latencies.push(t - t0)
  latencies.sort((a, b) => a - b)
  return {
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    samples: latencies.length,
    delivered: latencies.length,
    expected: watchers * writes,
  }
}
