import type { FastifyReply } from 'fastify'

import * as events from '../../api/events.js'
import { DockError } from '../../domain/errors.js'
import type { DockEvent } from '../../domain/types.js'
import type { Caller, DockService } from '../../service/dock-service.js'
import type { EventFilter } from '../../service/event-filter.js'
import { yieldToEventLoop } from '../../service/event-loop.js'
import { listParam, type Router } from '../route.js'
import type { StreamRegistry } from '../stream-registry.js'

/** Comment lines keep proxies and load balancers from closing an idle stream. */
const HEARTBEAT_MS = 10_000
/** Events per SSE write; also what a catch-up reads between two yields to the event loop. */
const SSE_PAGE = 200

export function registerEventRoutes(router: Router, service: DockService, streams: StreamRegistry): void {
  router.add({
    method: 'GET',
    url: '/v1/workspaces/:ws/events',
    tag: 'events',
    summary: 'The log from a revision, filtered; wait=<s> long-polls until a matching event exists',
    operation: events.listEvents,
    handler: async ({ caller, params, query, request }) => {
      const filter = await service.events.resolveFilter(caller, params['ws']!, filterOf(query))
      const waitMs = (query.wait ?? 0) * 1000
      // A long-poll holds a socket like a stream does, so it counts against the same cap.
      const slot = waitMs > 0 ? streams.open(caller.principal.id) : null
      const abort = new AbortController()
      const onClose = (): void => abort.abort()
      request.raw.once('close', onClose)
      slot?.signal.addEventListener('abort', onClose, { once: true })
      try {
        // Suspension ends the wait inside the service (principal_suspended), whichever node suspended.
        return await service.events.listEvents(caller, params['ws']!, {
          since: query.since,
          limit: query.limit,
          filter,
          waitMs,
          signal: abort.signal,
        })
      } finally {
        request.raw.off('close', onClose)
        slot?.release()
      }
    },
  })
  router.add({
    method: 'GET',
    url: '/v1/workspaces/:ws/watch',
    tag: 'events',
    summary: 'Server-Sent Events from `since` or Last-Event-ID, with filters and heartbeats',
    operation: events.watch,
    handler: async ({ caller, params, query, request, reply }) => {
      const lastId = request.headers['last-event-id']
      let since = query.since
      if (typeof lastId === 'string' && lastId !== '') {
        if (!/^\d{1,15}$/.test(lastId)) throw new DockError('invalid_input', 'Last-Event-ID must be a revision')
        since = Number(lastId)
      }
      const filter = await service.events.resolveFilter(caller, params['ws']!, filterOf(query))
      // Authorisation and workspace checks happen before the stream opens, so refusals are ordinary problems.
      await service.identity.getWorkspace(caller, params['ws']!)
      await streamEvents({
        service,
        streams,
        caller,
        ws: params['ws']!,
        since,
        filter,
        reply,
        onClose: (fn) => request.raw.once('close', fn),
      })
      return reply
    },
  })
  router.add({
    method: 'GET',
    url: '/v1/workspaces/:ws/audit/verify',
    tag: 'events',
    summary: 'Re-check the hash chain end to end; reports the first break',
    operation: events.verifyAudit,
    handler: ({ caller, params }) => service.events.verifyAudit(caller, params['ws']!),
  })
}

/**
 * Watchers of one workspace are handed the same event objects from the change
 * hub's tail, so each frame is serialised once, not once per watcher.
 */
const frames = new WeakMap<DockEvent, string>()

function sseFrame(e: DockEvent): string {
  let frame = frames.get(e)
  if (frame === undefined) {
    frame = `id: ${e.revision}\nevent: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`
    frames.set(e, frame)
  }
  return frame
}

function filterOf(q: events.EventFilterQuery): EventFilter {
  return {
    tables: listParam(q.table),
    statuses: listParam(q.status),
    docs: listParam(q.doc),
    actors: listParam(q.actor),
    types: listParam(q.type),
    rows: listParam(q.row),
  }
}

async function streamEvents(opts: {
  service: DockService
  streams: StreamRegistry
  caller: Caller
  ws: string
  since: number
  filter: EventFilter
  reply: FastifyReply
  onClose: (fn: () => void) => void
}): Promise<void> {
  const { service, streams, caller, reply } = opts
  // Taken before the reply is hijacked, so a refusal is an ordinary 429 problem.
  const slot = streams.open(caller.principal.id)
  const abort = { signal: slot.signal }
  let suspended = false
  // The hub reads suspensions from the log, so a suspension on any node ends this stream at once,
  // even mid catch-up when the loop is not waiting.
  const stopWatching = service.watchSuspension(caller.principal.id, () => {
    suspended = true
    slot.abort()
  })
  opts.onClose(() => slot.abort())

  reply.hijack()
  const res = reply.raw
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
    // nginx buffers proxied responses unless told not to: https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_buffering
    'x-accel-buffering': 'no',
  })
  res.write(`retry: 1000\n: connected at revision ${opts.since}\n\n`)

  let since = opts.since
  let first = true
  try {
    while (!abort.signal.aborted) {
      // Only the first page asks the log; after that the hub's tail serves this stream like every other watcher.
      const page = await service.events.listEvents(caller, opts.ws, {
        since,
        limit: SSE_PAGE,
        filter: opts.filter,
        waitMs: HEARTBEAT_MS,
        signal: abort.signal,
        fresh: first,
      })
      first = false
      if (suspended) throw new DockError('principal_suspended', 'the principal was suspended')
      if (abort.signal.aborted) break
      // Suspensions close streams through the change hub as soon as the log has them (any node);
      // re-checking on quiet heartbeats is the safety net, so busy streams pay no read per wake.
      if (page.items.length === 0) await service.identity.authenticateAgain(caller)
      let chunk = ''
      for (const e of page.items) chunk += sseFrame(e)
      if (chunk === '') chunk = ': ping\n\n'
      since = page.nextSince
      if (!res.write(chunk))
        await new Promise<void>((resolve) => {
          const done = (): void => {
            res.off('drain', done)
            abort.signal.removeEventListener('abort', done)
            resolve()
          }
          res.once('drain', done)
          abort.signal.addEventListener('abort', done, { once: true })
        })
      // A catch-up from far back is many full pages in a row: let other requests run between them.
      // (A short page means caught up: the next call waits anyway.)
      if (page.items.length === SSE_PAGE) await yieldToEventLoop()
    }
    if (suspended) throw new DockError('principal_suspended', 'the principal was suspended')
  } catch (err) {
    const code = err instanceof DockError ? err.code : 'internal'
    if (!res.writableEnded) res.write(`event: error\ndata: ${JSON.stringify({ code })}\n\n`)
  } finally {
    stopWatching()
    slot.release()
    if (!res.writableEnded) res.end()
  }
}
