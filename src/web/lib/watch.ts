/**
 * Follows the workspace change feed (`GET /v1/workspaces/:ws/watch`) over fetch(),
 * resuming from the last revision seen (`since` + `Last-Event-ID`) after any drop.
 * Events are delivered exactly once and in order: anything at or below the last
 * delivered revision is skipped.
 */
import type { DockEvent } from '../../domain/types.js'
import { SseParser } from './sse.js'

const FATAL_CODES = new Set(['principal_suspended', 'unauthorized', 'forbidden', 'not_found'])

export type FeedStatus = 'connecting' | 'live' | 'reconnecting' | 'stopped'

export interface WatchOptions {
  readonly key: string
  readonly workspace: string
  /** Deliver events after this revision. */
  readonly since: number
  readonly onEvent: (event: DockEvent) => void
  readonly onStatus: (status: FeedStatus, detail?: string) => void
  /** Called when the server refuses the stream for good (401/403/404). */
  readonly onFatal?: (status: number, code: string) => void
  /** Reconnect when nothing (not even a heartbeat) arrived for this long. */
  readonly idleMs?: number
}

export function watchWorkspace(options: WatchOptions): () => void {
  const controller = new AbortController()
  let last = options.since
  let stopped = false
  const idleMs = options.idleMs ?? 45_000

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms)
      controller.signal.addEventListener('abort', () => { clearTimeout(t); resolve() }, { once: true })
    })

  async function once(): Promise<{ gotData: boolean; fatal: boolean }> {
    const attempt = new AbortController()
    const onAbort = () => attempt.abort()
    controller.signal.addEventListener('abort', onAbort, { once: true })
    let idle: ReturnType<typeof setTimeout> | undefined
    const arm = () => {
      if (idle) clearTimeout(idle)
      idle = setTimeout(() => attempt.abort(), idleMs)
    }
    let gotData = false
    try {
      arm()
      const res = await fetch(`/v1/workspaces/${encodeURIComponent(options.workspace)}/watch?since=${last}`, {
        headers: { Authorization: `Bearer ${options.key}`, Accept: 'text/event-stream', 'Last-Event-ID': String(last) },
        signal: attempt.signal,
        cache: 'no-store',
      })
      if (!res.ok || !res.body) {
        let code = 'http_error'
        try {
          code = ((await res.json()) as { code?: string }).code ?? code
        } catch { /* not JSON */ }
        const fatal = res.status === 401 || res.status === 403 || res.status === 404
        if (fatal) options.onFatal?.(res.status, code)
        return { gotData: false, fatal }
      }
      options.onStatus('live')
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader()
      const parser = new SseParser()
      for (;;) {
        const { value, done } = await reader.read()
        if (done) break
        arm()
        gotData = true
        for (const msg of parser.push(value)) {
          if (!msg.data) continue
          if (msg.event === 'error') {
            // The server ends the stream with `event: error` when it refuses to go on (e.g. a suspension).
            let code = 'internal'
            try { code = (JSON.parse(msg.data) as { code?: string }).code ?? code } catch { /* keep default */ }
            if (FATAL_CODES.has(code)) {
              options.onFatal?.(403, code)
              return { gotData, fatal: true }
            }
            continue
          }
          let event: DockEvent
          try {
            event = JSON.parse(msg.data) as DockEvent
          } catch {
            continue
          }
          if (typeof event.revision !== 'number' || event.revision <= last) continue
          last = event.revision
          options.onEvent(event)
        }
      }
      return { gotData, fatal: false }
    } catch {
      return { gotData, fatal: false }
    } finally {
      if (idle) clearTimeout(idle)
      controller.signal.removeEventListener('abort', onAbort)
    }
  }

  void (async () => {
    let delay = 500
    options.onStatus('connecting')
    while (!stopped) {
      const { gotData, fatal } = await once()
      if (stopped) break
      if (fatal) {
        options.onStatus('stopped', 'the server refused the feed')
        return
      }
      options.onStatus('reconnecting')
      delay = gotData ? 500 : Math.min(delay * 2, 10_000)
      await sleep(delay)
    }
    options.onStatus('stopped')
  })()

  return () => {
    stopped = true
    controller.abort()
  }
}
