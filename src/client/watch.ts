import type { DockEvent } from '../domain/types.js'
import type { EventFilters } from './api-types.js'
import { isDockApiError } from './dock-api-error.js'
import { SseParser } from './sse-parser.js'

export interface WatchOptions extends EventFilters {
  /**
   * Deliver events after this revision. Default 0 (the whole log, then live);
   * `'now'` starts at the workspace's current revision.
   */
  readonly since?: number | 'now'
  /** Ends the watch: the iterator finishes quietly. */
  readonly signal?: AbortSignal
  /** First reconnect delay after a disconnect (ms, default 250); doubles up to `retryMaxMs`. */
  readonly retryMinMs?: number
  /** Longest reconnect delay (ms, default 5000). */
  readonly retryMaxMs?: number
  /** Told of every disconnect before the watch reconnects from `since`. */
  readonly onReconnect?: (info: WatchReconnect) => void
  /**
   * Told each time a connection is accepted (the first and every reconnect),
   * before its events: a UI marks itself live here and, after a reconnect,
   * re-reads whatever it could not load while the server was away.
   */
  readonly onConnect?: (info: WatchConnected) => void
  /**
   * Reconnect when nothing at all (not even a heartbeat) arrived for this
   * long. Dock pings every 10 s, so a silent connection is a dead one that
   * TCP has not noticed (a sleeping laptop, a dropped NAT entry). Default: off.
   */
  readonly idleTimeoutMs?: number
}

export interface WatchConnected {
  /** The revision this connection resumes after. */
  readonly since: number | undefined
  /** 1 for the first connection, then one more per reconnect. */
  readonly connection: number
}

export interface WatchReconnect {
  /** The revision the next connection resumes after (undefined: none seen yet). */
  readonly since: number | undefined
  readonly attempt: number
  readonly error: unknown
}

/**
 * Opens one SSE connection resuming after `since`; resolves with the OK
 * response or throws (a DockApiError for refusals).
 */
export type WatchConnect = (since: number | undefined, signal: AbortSignal) => Promise<Response>

/**
 * Events over SSE as an async iterator, each exactly once and in order: the
 * watch remembers the last revision it delivered, resumes from it after any
 * disconnect (sending it as `since` and `Last-Event-ID`), and drops anything
 * at or below it that a replay sends again. Refusals (401, 403, 404 …) end the
 * watch with a DockApiError; network drops and 5xx reconnect with backoff.
 */
export async function* watchEvents(
  connect: WatchConnect,
  options: WatchOptions & { readonly since?: number } = {},
): AsyncGenerator<DockEvent, void, undefined> {
  const outer = options.signal
  const inner = new AbortController()
  const onAbort = (): void => inner.abort(outer?.reason)
  if (outer?.aborted) return
  outer?.addEventListener('abort', onAbort, { once: true })

  const retryMin = options.retryMinMs ?? 250
  const retryMax = options.retryMaxMs ?? 5000
  let last = options.since
  let attempt = 0
  let serverRetry: number | undefined
  let connections = 0

  try {
    while (!inner.signal.aborted) {
      let error: unknown = new Error('watch stream ended')
      let reader: ReadableStreamDefaultReader<Uint8Array> | undefined
      // One controller per connection, so an idle timeout drops this connection and not the watch.
      const attemptAc = new AbortController()
      const onInnerAbort = (): void => attemptAc.abort()
      inner.signal.addEventListener('abort', onInnerAbort, { once: true })
      let idle: ReturnType<typeof setTimeout> | undefined
      const arm = (): void => {
        if (options.idleTimeoutMs === undefined) return
        if (idle !== undefined) clearTimeout(idle)
        idle = setTimeout(
          () => attemptAc.abort(new Error(`no data for ${options.idleTimeoutMs} ms`)),
          options.idleTimeoutMs,
        )
      }
      try {
        arm()
        const response = await connect(last, attemptAc.signal)
        if (!response.body) throw new Error('watch reply has no body')
        connections += 1
        options.onConnect?.({ since: last, connection: connections })
        reader = response.body.getReader()
        const decoder = new TextDecoder()
        const parser = new SseParser()
        for (;;) {
          const { done, value } = await reader.read()
          if (done) break
          arm()
          for (const message of parser.push(decoder.decode(value, { stream: true }))) {
            if (message.retry !== undefined) serverRetry = message.retry
            if (message.data === '') continue
            const event = parseEvent(message.data, message.id)
            if (!event) continue
            if (last !== undefined && event.revision <= last) continue
            last = event.revision
            attempt = 0
            yield event
          }
        }
      } catch (err) {
        if (inner.signal.aborted) return
        if (isDockApiError(err) && !isRetryable(err.status)) throw err
        error = err
      } finally {
        if (idle !== undefined) clearTimeout(idle)
        inner.signal.removeEventListener('abort', onInnerAbort)
        // Cancelling an unfinished body frees the connection; ignore a reader
        // that is already errored.
        reader?.cancel().catch(() => undefined)
      }
      attempt += 1
      options.onReconnect?.({ since: last, attempt, error })
      const delay = Math.min(retryMax, Math.max(serverRetry ?? 0, retryMin * 2 ** Math.min(attempt - 1, 16)))
      await sleep(delay, inner.signal)
    }
  } finally {
    outer?.removeEventListener('abort', onAbort)
    inner.abort()
  }
}

function isRetryable(status: number): boolean {
  return status >= 500 || status === 429 || status === 0
}

function parseEvent(data: string, id: string | undefined): DockEvent | undefined {
  let parsed: unknown
  try {
    parsed = JSON.parse(data)
  } catch {
    return undefined
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined
  const event = parsed as DockEvent
  if (typeof event.revision === 'number') return event
  // Be lenient with a stream that names the revision only in `id:`.
  const revision = Number(id)
  return Number.isInteger(revision) ? { ...event, revision } : undefined
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve()
    const timer = setTimeout(done, ms)
    function done(): void {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    signal.addEventListener('abort', done, { once: true })
  })
}
