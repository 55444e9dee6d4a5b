import type { FastifyReply } from 'fastify'

import { DockError } from '../../domain/errors.js'
import type { DockEvent } from '../../domain/types.js'
import type { Caller, DockService } from '../../service/dock-service.js'
import type { EventFilter } from '../../service/event-filter.js'
import { listParam, type Router } from '../route.js'
import { eventsQuery, watchQuery } from '../schemas.js'

/** Comment lines keep proxies and load balancers from closing an idle stream. */
const HEARTBEAT_MS = 10_000

export interface StreamRegistry {
  /** Open SSE streams by principal id, so a suspension can close them at once. */
  readonly byPrincipal: Map<string, Set<AbortController>>
}

export function registerEventRoutes(router: Router, service: DockService, streams: StreamRegistry): void {
  router.add({
    method: 'GET',
    url: '/v1/workspaces/:ws/events',
    tag: 'events',
    summary: 'The log from a revision, filtered; wait=<s> long-polls until a matching event exists',
    query: eventsQuery,
    handler: async ({ caller, params, query, request }) => {
      const filter = await service.events.resolveFilter(caller, params['ws']!, filterOf(query))
      const abort = new AbortController()
      request.raw.once('close', () => abort.abort())
      return service.events.listEvents(caller, params['ws']!, {
        since: query.since,
        limit: query.limit,
        filter,
        waitMs: (query.wait ?? 0) * 1000,
        signal: abort.signal,
      })
    },
  })
  router.add({
    method: 'GET',
    url: '/v1/workspaces/:ws/watch',
    tag: 'events',
    summary: 'Server-Sent Events from `since` or Last-Event-ID, with filters and heartbeats',
    query: watchQuery,
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
      await streamEvents({ service, streams, caller, ws: params['ws']!, since, filter, reply, onClose: (fn) => request.raw.once('close', fn) })
      return reply
    },
  })
  router.add({
    method: 'GET',
    url: '/v1/workspaces/:ws/audit/verify',
    tag: 'events',
    summary: 'Re-check the hash chain end to end; reports the first break',
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

function filterOf(q: { table?: string | undefined; status?: string | undefined; doc?: string | undefined; actor?: string | undefined; type?: string | undefined }): EventFilter {
  return {
    tables: listParam(q.table),
    statuses: listParam(q.status),
    docs: listParam(q.doc),
    actors: listParam(q.actor),
    types: listParam(q.type),
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
  const abort = new AbortController()
  const principalId = caller.principal.id
  let mine = streams.byPrincipal.get(principalId)
  if (mine === undefined) {
    mine = new Set()
    streams.byPrincipal.set(principalId, mine)
  }
  mine.add(abort)
  opts.onClose(() => abort.abort())

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
  try {
    while (!abort.signal.aborted) {
      const page = await service.events.listEvents(caller, opts.ws, { since, limit: 500, filter: opts.filter, waitMs: HEARTBEAT_MS, signal: abort.signal })
      if (abort.signal.aborted) break
      // Suspensions close streams through the change hub as soon as the log has them (any node);
      // re-checking on quiet heartbeats is the safety net, so busy streams pay no read per wake.
      if (page.items.length === 0) await service.identity.authenticateAgain(caller)
      let chunk = ''
      for (const e of page.items) chunk += sseFrame(e)
      if (chunk === '') chunk = ': ping\n\n'
      since = page.nextSince
      if (!res.write(chunk)) await new Promise<void>((resolve) => {
        const done = (): void => {
          res.off('drain', done)
          abort.signal.removeEventListener('abort', done)
          resolve()
        }
        res.once('drain', done)
        abort.signal.addEventListener('abort', done, { once: true })
      })
    }
  } catch (err) {
    const code = err instanceof DockError ? err.code : 'internal'
    if (!res.writableEnded) res.write(`event: error\ndata: ${JSON.stringify({ code })}\n\n`)
  } finally {
    mine.delete(abort)
    if (mine.size === 0) streams.byPrincipal.delete(principalId)
    if (!res.writableEnded) res.end()
  }
}
