/**
 * The SSE client side of bench/growth.ts, in its own process so the streams it
 * parses do not share an event loop with the server under test. The same code
 * measures Dock and the bare Node broadcaster. Started with one JSON argument
 * (a `ClientJob`); reports over IPC (`process.send`) and exits.
 *
 * - `fanout`: opens `watchers` streams, then sends `writes` writes one at a
 *   time; each write's reply carries its `revision`, and each stream's arrival
 *   time of the frame with that id is compared with the moment the write was sent.
 * - `catchup`: other clients (writers and a reader) run alone for a while,
 *   then one stream opens from revision 0 and is read until it has seen
 *   `untilRevision`; reports the catch-up's time and size, and the other
 *   clients' latencies before it and while it ran.
 */
import { setMaxListeners } from 'node:events'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

import { percentile, sleep } from './support.js'

export interface FanoutJob {
  readonly kind: 'fanout'
  readonly watchUrl: string
  readonly writeUrl: string
  readonly writeBody: unknown
  readonly headers: Record<string, string>
  readonly watchers: number
  readonly writes: number
  /** Streams opened at once while connecting. */
  readonly connectConcurrency: number
  /** Upper bound for one write to reach every stream. */
  readonly perWriteTimeoutMs: number
}

export interface CatchupJob {
  readonly kind: 'catchup'
  readonly watchUrl: string
  readonly headers: Record<string, string>
  readonly untilRevision: number
  readonly timeoutMs: number
  /** Other clients, running from the start: each writer POSTs `body` to `url` in a loop. */
  readonly writers: readonly { readonly url: string; readonly key: string; readonly body: unknown }[]
  /** A reader GETting `url` in a loop. */
  readonly reader: { readonly url: string; readonly key: string }
  /** How long the other clients run alone before the catch-up starts. */
  readonly baselineMs: number
}

export type ClientJob = FanoutJob | CatchupJob

export interface FanoutResult {
  readonly kind: 'fanout'
  /** Streams that opened within the connect time (the measurement uses these). */
  readonly connected: number
  readonly connectMs: number
  readonly delivered: number
  readonly expected: number
  /** Over every (write, stream) delivery, ms from the write being sent. */
  readonly p50: number
  readonly p99: number
  readonly max: number
  /** Median over writes of the time until the last stream had it. */
  readonly allStreamsP50: number
  /** Bytes of the frames (median frame length seen). */
  readonly frameBytes: number
}

export interface Stat {
  readonly p50: number
  readonly p99: number
  readonly max: number
  readonly n: number
}

export function stat(samples: readonly number[]): Stat {
  const s = [...samples].sort((a, b) => a - b)
  return { p50: percentile(s, 50), p99: percentile(s, 99), max: s[s.length - 1] ?? Number.NaN, n: s.length }
}

export interface CatchupResult {
  readonly kind: 'catchup'
  /** From sending the watch request to its response headers. */
  readonly openedMs: number
  /** From sending the watch request to the frame of `untilRevision`. */
  readonly finishedMs: number
  readonly lastRevision: number
  readonly bytes: number
  readonly timedOut: boolean
  readonly writersBefore: Stat
  readonly readersBefore: Stat
  /** Requests whose time overlapped the catch-up. */
  readonly writersDuring: Stat
  readonly readersDuring: Stat
}

export type ClientMessage = FanoutResult | CatchupResult | { readonly kind: 'error'; readonly message: string }

const send = (m: ClientMessage): Promise<void> =>
  new Promise((resolve) => {
    if (process.send === undefined) {
      process.stdout.write(`${JSON.stringify(m)}\n`)
      resolve()
    } else process.send(m, undefined, undefined, () => resolve())
  })

/**
 * Reads SSE frames from a fetch body, calling `onId(revision, now, frameLength)`
 * for each frame with an `id:` line. The time is taken once per chunk.
 */
async function readIds(
  body: ReadableStream<Uint8Array>,
  onId: (id: number, now: number, length: number) => void,
): Promise<void> {
  const decoder = new TextDecoder()
  let buffer = ''
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    const now = performance.now()
    buffer += decoder.decode(chunk, { stream: true })
    let cut: number
    let from = 0
    while ((cut = buffer.indexOf('\n\n', from)) >= 0) {
      if (buffer.startsWith('id: ', from)) {
        const eol = buffer.indexOf('\n', from)
        onId(Number(buffer.slice(from + 4, eol)), now, cut + 2 - from)
      }
      from = cut + 2
    }
    buffer = buffer.slice(from)
  }
}

async function fanout(job: FanoutJob): Promise<FanoutResult> {
  const abort = new AbortController()
  // One signal for every stream: thousands of listeners is the point, not a leak.
  setMaxListeners(0, abort.signal)
  const arrivals = new Map<number, number[]>()
  const lengths: number[] = []
  let connected = 0
  const streams: Promise<void>[] = []
  const t0 = performance.now()
  let next = 0
  const openOne = async (): Promise<void> => {
    const res = await fetch(job.watchUrl, { headers: job.headers, signal: abort.signal })
    if (res.status !== 200 || res.body === null) throw new Error(`watch → ${res.status} ${await res.text()}`)
    connected++
    streams.push(
      readIds(res.body, (id, now, length) => {
        let list = arrivals.get(id)
        if (list === undefined) arrivals.set(id, (list = []))
        list.push(now)
        if (lengths.length < 1000) lengths.push(length)
      }).catch((err: unknown) => {
        if (!abort.signal.aborted) throw err
      }),
    )
  }
  // Opening thousands of streams on a busy 2-core machine takes a while: allow 60 ms per stream, 2 minutes at least.
  const connectDeadline = t0 + Math.max(120_000, job.watchers * 60)
  await Promise.all(
    Array.from({ length: job.connectConcurrency }, async () => {
      while (next < job.watchers && performance.now() < connectDeadline) {
        next++
        await openOne()
      }
    }),
  )
  const connectMs = performance.now() - t0
  // Measure with the streams that did open (the report shows how many), rather than nothing.
  const watchers = connected
  if (watchers === 0) throw new Error(`no watcher connected in ${Math.round(connectMs / 1000)} s`)
  await sleep(500)

  const sentAt = new Map<number, number>()
  const allStreams: number[] = []
  for (let i = 0; i < job.writes; i++) {
    const sent = performance.now()
    const res = await fetch(job.writeUrl, {
      method: 'POST',
      headers: { ...job.headers, 'content-type': 'application/json' },
      body: JSON.stringify(job.writeBody).replace('__N__', String(i)),
    })
    const text = await res.text()
    if (res.status < 200 || res.status > 299) throw new Error(`write → ${res.status} ${text.slice(0, 300)}`)
    const revision = (JSON.parse(text) as { revision: number }).revision
    sentAt.set(revision, sent)
    const until = performance.now() + job.perWriteTimeoutMs
    while ((arrivals.get(revision)?.length ?? 0) < watchers && performance.now() < until) await sleep(1)
    const got = arrivals.get(revision) ?? []
    if (got.length === watchers) allStreams.push(Math.max(...got) - sent)
    await sleep(50)
  }
  abort.abort()
  await Promise.allSettled(streams)
  const latencies: number[] = []
  for (const [rev, sent] of sentAt) for (const t of arrivals.get(rev) ?? []) latencies.push(t - sent)
  latencies.sort((a, b) => a - b)
  allStreams.sort((a, b) => a - b)
  lengths.sort((a, b) => a - b)
  return {
    kind: 'fanout',
    connected,
    connectMs,
    delivered: latencies.length,
    expected: watchers * job.writes,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies[latencies.length - 1] ?? Number.NaN,
    allStreamsP50: percentile(allStreams, 50),
    frameBytes: percentile(lengths, 50),
  }
}

async function catchup(job: CatchupJob): Promise<CatchupResult> {
  // The other clients start first and keep going until the catch-up is over.
  const samples: { reader: boolean; start: number; end: number }[] = []
  let stop = false
  const loop = async (reader: boolean, fn: (i: number) => Promise<Response>): Promise<void> => {
    for (let i = 0; !stop; i++) {
      const start = performance.now()
      const res = await fn(i)
      const text = await res.text()
      if (res.status < 200 || res.status > 299)
        throw new Error(`${reader ? 'reader' : 'writer'} → ${res.status} ${text.slice(0, 200)}`)
      samples.push({ reader, start, end: performance.now() })
      await sleep(5)
    }
  }
  const others = Promise.all([
    ...job.writers.map((w) =>
      loop(false, (i) =>
        fetch(w.url, {
          method: 'POST',
          headers: { authorization: `Bearer ${w.key}`, 'content-type': 'application/json' },
          body: JSON.stringify(w.body).replace('__N__', String(i)),
        }),
      ),
    ),
    loop(true, () => fetch(job.reader.url, { headers: { authorization: `Bearer ${job.reader.key}` } })),
  ])
  let othersFailed: unknown = null
  others.catch((err: unknown) => {
    othersFailed = err
    stop = true
  })
  await sleep(job.baselineMs)

  const abort = new AbortController()
  const t0 = performance.now()
  const timer = setTimeout(() => abort.abort(), job.timeoutMs)
  let lastRevision = 0
  let bytes = 0
  let openedMs = Number.NaN
  let timedOut = false
  try {
    const res = await fetch(job.watchUrl, { headers: job.headers, signal: abort.signal })
    if (res.status !== 200 || res.body === null) throw new Error(`watch → ${res.status} ${await res.text()}`)
    openedMs = performance.now() - t0
    await readIds(res.body, (id, _now, length) => {
      bytes += length
      lastRevision = id
      if (id >= job.untilRevision) abort.abort()
    })
  } catch (err) {
    if (!abort.signal.aborted) throw err
    timedOut = lastRevision < job.untilRevision
  } finally {
    clearTimeout(timer)
  }
  const t1 = performance.now()
  stop = true
  await others.catch(() => undefined)
  if (othersFailed !== null) throw othersFailed
  const pick = (reader: boolean, during: boolean): number[] =>
    samples
      .filter((x) => x.reader === reader && (during ? x.end > t0 && x.start < t1 : x.end <= t0))
      .map((x) => x.end - x.start)
  return {
    kind: 'catchup',
    openedMs,
    finishedMs: t1 - t0,
    lastRevision,
    bytes,
    timedOut,
    writersBefore: stat(pick(false, false)),
    readersBefore: stat(pick(true, false)),
    writersDuring: stat(pick(false, true)),
    readersDuring: stat(pick(true, true)),
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const job = JSON.parse(process.argv[2] ?? '{}') as ClientJob
  try {
    await send(job.kind === 'fanout' ? await fanout(job) : await catchup(job))
  } catch (err) {
    await send({ kind: 'error', message: err instanceof Error ? err.message : String(err) })
  }
  process.disconnect?.()
  process.exit(0)
}
