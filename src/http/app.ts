import type { Server } from 'node:http'
import { fileURLToPath } from 'node:url'

import compress from '@fastify/compress'
import Fastify, { type FastifyInstance, type FastifyServerFactory } from 'fastify'

import { DockError } from '../domain/errors.js'
import { findProtoKey } from '../domain/event-hash.js'
import type { DockService } from '../service/dock-service.js'
import { DOCK_VERSION } from '../version.js'
import { TITLE_BY_CODE } from './error-status.js'
import { buildOpenApi } from './openapi.js'
import { sendProblem, toProblem } from './problem.js'
import { Router } from './route.js'
import { registerBackupRoutes } from './routes/backup-routes.js'
import { registerConsoleRoutes } from './routes/console-routes.js'
import { registerDocRoutes } from './routes/doc-routes.js'
import { registerEventRoutes } from './routes/event-routes.js'
import { registerMcpRoute } from './routes/mcp-route.js'
import { registerTableRoutes } from './routes/table-routes.js'
import { registerWorkspaceRoutes } from './routes/workspace-routes.js'
import { StreamRegistry } from './stream-registry.js'
import { registerWebAssets } from './web-assets.js'

export interface DockAppOptions {
  readonly service: DockService
  /** Largest request body accepted, in bytes (default 1 MiB); larger gets 413 payload_too_large. */
  readonly bodyLimit?: number
  /** Directory of the built web UI; defaults to dist/web of this package. Pass null to serve no UI. */
  readonly webRoot?: string | null
  readonly logger?: boolean
  /** Hostnames `/mcp` answers to (DNS-rebinding protection); `*` for any. Default: loopback only. */
  readonly mcpAllowedHosts?: readonly string[] | '*'
  /**
   * A server that is already listening: the app answers its requests instead of
   * creating its own. The start-up module binds the port before it opens the
   * store, so a taken port fails before a first start creates anything.
   */
  readonly server?: Server
  /** Time a client has to send the request line and headers, in ms (default 10 s); then 408 and the socket is closed. */
  readonly headersTimeoutMs?: number
  /**
   * Time a client has to send the whole request, headers and body, in ms (default 30 s); then 408.
   * Streams and long-polls are not affected: the limit ends once the request has arrived.
   */
  readonly requestTimeoutMs?: number
  /** Open SSE watches plus long-polls one principal may hold at once (default 64); more get 429 too_many_streams. */
  readonly maxStreamsPerPrincipal?: number
}

export const DEFAULT_HEADERS_TIMEOUT_MS = 10_000
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000
export const DEFAULT_MAX_STREAMS_PER_PRINCIPAL = 64

export { DOCK_VERSION }

/** Deepest nesting of arrays and objects a JSON request body may have. */
export const MAX_JSON_DEPTH = 128

/**
 * The Node server options that bound how long a request may take to arrive. For a server created
 * outside (serve.ts binds the port first) they must be given at creation: the check interval cannot
 * change afterwards.
 */
export function httpServerTimeouts(options: { headersTimeoutMs?: number; requestTimeoutMs?: number }): {
  headersTimeout: number
  requestTimeout: number
  connectionsCheckingInterval: number
} {
  const requestTimeout = positive(options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS, 'requestTimeoutMs')
  // Node refuses a headers timeout longer than the request timeout.
  const headersTimeout = Math.min(
    positive(options.headersTimeoutMs ?? DEFAULT_HEADERS_TIMEOUT_MS, 'headersTimeoutMs'),
    requestTimeout,
  )
  // Node checks the two timeouts on this interval (30 s by default), which would let a slow client stay far past them.
  return {
    headersTimeout,
    requestTimeout,
    connectionsCheckingInterval: Math.max(100, Math.min(1000, Math.floor(headersTimeout / 2))),
  }
}

function positive(n: number, name: string): number {
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`${name} must be a whole number of at least 1 (got ${n})`)
  return n
}

/** Iterative, so the check itself cannot overflow the stack. */
function jsonDepthExceeds(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 1]]
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!
    if (v === null || typeof v !== 'object') continue
    if (depth > max) return true
    for (const child of Array.isArray(v) ? v : Object.values(v))
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1])
  }
  return false
}

/** The HTTP edge: parses, authenticates and calls the service; it holds no rules of its own. */
export async function createDockApp(options: DockAppOptions): Promise<FastifyInstance> {
  const { service } = options
  const { headersTimeout, requestTimeout, connectionsCheckingInterval } = httpServerTimeouts(options)
  if (options.server !== undefined) {
    // An adopted server was made by the start-up module (with these options, see serve.ts); set them again in case it was not.
    options.server.headersTimeout = headersTimeout
    options.server.requestTimeout = requestTimeout
  }
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    // Long-polls hold a request for up to 60 s; keep sockets open a little longer.
    keepAliveTimeout: 65_000,
    // A client trickling its headers or body in would otherwise hold its socket for ever: Node answers 408
    // and closes it once these run out. They cover the request's arrival only, not a stream's life.
    requestTimeout,
    http: {
      headersTimeout,
      requestTimeout,
      connectionsCheckingInterval,
    },
    requestIdHeader: false,
    routerOptions: { maxParamLength: 256 },
    ...(options.server === undefined ? {} : { serverFactory: adopt(options.server) }),
    // A malformed percent-escape in the path never reaches a route: still a problem body, not Fastify's JSON.
    frameworkErrors: (_err, _request, reply) => {
      void sendProblem(
        reply,
        toProblem(new DockError('invalid_input', 'the URL is not valid (malformed percent-encoding)')).problem,
      )
    },
    // Requests Node's parser refuses (headers or URL too large, garbage) get a problem body too.
    clientErrorHandler: (err, socket) => {
      if ((err as { code?: string }).code === 'ECONNRESET' || socket.destroyed) return
      const code = (err as { code?: string }).code
      const [status, errorCode, detail] =
        code === 'HPE_HEADER_OVERFLOW'
          ? [431, 'invalid_input' as const, 'the request headers or URL are larger than the server accepts']
          : code === 'ERR_HTTP_REQUEST_TIMEOUT'
            ? [408, 'request_timeout' as const, 'the request took too long to arrive']
            : [400, 'invalid_input' as const, 'the request is not valid HTTP']
      const reason =
        status === 431 ? 'Request Header Fields Too Large' : status === 408 ? 'Request Timeout' : 'Bad Request'
      const body = JSON.stringify({
        type: `https://dock.dev/errors/${errorCode}`,
        title: TITLE_BY_CODE[errorCode],
        status,
        code: errorCode,
        detail,
      })
      if (socket.writable) {
        socket.write(
          `HTTP/1.1 ${status} ${reason}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/problem+json\r\nConnection: close\r\n\r\n${body}`,
        )
      }
      socket.destroy()
    },
  })

  // Our own JSON parser keeps the raw text (signatures are checked over it) and maps bad JSON to invalid_input.
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8')
    request.rawBody = text
    if (text.trim() === '') return done(null, {})
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch {
      return done(new DockError('invalid_input', 'request body is not valid JSON'), undefined)
    }
    // Hashing and storing walk values recursively: a body nested thousands deep would blow the stack (a 500).
    if (jsonDepthExceeds(parsed, MAX_JSON_DEPTH)) {
      return done(
        new DockError('invalid_input', `request body is nested deeper than ${MAX_JSON_DEPTH} levels`),
        undefined,
      )
    }
    // `__proto__` keys are refused everywhere: validators and spreads would drop or misapply them (src/domain/event-hash.ts).
    const proto = findProtoKey(parsed)
    if (proto !== null)
      return done(
        new DockError('invalid_input', `request body has a __proto__ key at ${proto}`, { details: { path: proto } }),
        undefined,
      )
    done(null, parsed)
  })

  app.setErrorHandler((err, request, reply) => {
    const { problem, cause } = toProblem(err)
    if (cause !== null) request.log.error({ err: cause }, 'unhandled error')
    if (problem.status >= 500 && cause === null) request.log.error({ err }, 'server error')
    return sendProblem(reply, problem)
  })
  app.setNotFoundHandler((_request, reply) =>
    sendProblem(reply, toProblem(new DockError('not_found', 'no such route')).problem),
  )

  // gzip/brotli for JSON and the UI's assets when the client asks; SSE is written to the raw socket
  // (hijacked) so it is never buffered by the compressor. Small replies are not worth the CPU.
  await app.register(compress, { global: true, threshold: 1024, encodings: ['br', 'gzip', 'deflate'] })

  const router = new Router(app, service)
  // Suspensions end streams through the change hub (each stream watches its principal there), on every node.
  const streams = new StreamRegistry(
    positive(options.maxStreamsPerPrincipal ?? DEFAULT_MAX_STREAMS_PER_PRINCIPAL, 'maxStreamsPerPrincipal'),
  )

  // Open streams would hold the server open on close; end them first.
  app.addHook('preClose', async () => streams.abortAll())

  app.get('/v1/health', async () => ({ ...(await service.health()), version: DOCK_VERSION }))
  router.note({
    method: 'GET',
    url: '/v1/health',
    summary: 'Liveness and storage readiness (no auth)',
    tag: 'meta',
    status: 200,
  })
  router.note({ method: 'GET', url: '/v1/openapi.json', summary: 'This document (no auth)', tag: 'meta', status: 200 })

  registerWorkspaceRoutes(router, service)
  registerTableRoutes(router, service)
  registerDocRoutes(router, service)
  registerEventRoutes(router, service, streams)
  registerBackupRoutes(router, service)
  registerConsoleRoutes(router, service)
  // MCP tools call the /v1 routes in-process, so agents over MCP get the same auth, checks and attribution.
  registerMcpRoute(app, {
    inject: app,
    ...(options.mcpAllowedHosts !== undefined ? { allowedHosts: options.mcpAllowedHosts } : {}),
  })
  router.note({
    method: 'POST',
    url: '/mcp',
    summary: 'MCP over Streamable HTTP (bearer key per agent)',
    tag: 'mcp',
    status: 200,
    auth: true,
  })

  let openapi: Record<string, unknown> | null = null
  app.get('/v1/openapi.json', async () => (openapi ??= buildOpenApi(router.routes, DOCK_VERSION)))

  const webRoot =
    options.webRoot === undefined ? fileURLToPath(new URL('../../dist/web', import.meta.url)) : options.webRoot
  if (webRoot !== null) registerWebAssets(app, webRoot)

  return app
}

/** Fastify's serverFactory for a server created (and bound) elsewhere: it adds the handler and Fastify's timeouts. */
function adopt(server: Server): FastifyServerFactory {
  return (handler, opts) => {
    // Whatever answered while the store was opening steps aside for the app.
    server.removeAllListeners('request')
    server.on('request', handler)
    if (typeof opts.keepAliveTimeout === 'number') server.keepAliveTimeout = opts.keepAliveTimeout
    if (typeof opts.requestTimeout === 'number') server.requestTimeout = opts.requestTimeout
    return server
  }
}
