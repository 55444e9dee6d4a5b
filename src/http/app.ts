import { fileURLToPath } from 'node:url'

import Fastify, { type FastifyInstance } from 'fastify'

import { DockError } from '../domain/errors.js'
import type { DockService } from '../service/dock-service.js'
import { buildOpenApi } from './openapi.js'
import { sendProblem, toProblem } from './problem.js'
import { Router } from './route.js'
import { registerDocRoutes } from './routes/doc-routes.js'
import { registerEventRoutes, type StreamRegistry } from './routes/event-routes.js'
import { registerMcpRoute } from './routes/mcp-route.js'
import { registerTableRoutes } from './routes/table-routes.js'
import { registerWorkspaceRoutes } from './routes/workspace-routes.js'
import { registerWebAssets } from './web-assets.js'

export interface DockAppOptions {
  readonly service: DockService
  /** Largest request body accepted, in bytes (default 1 MiB); larger gets 413 payload_too_large. */
  readonly bodyLimit?: number
  /** Directory of the built web UI; defaults to dist/web of this package. Pass null to serve no UI. */
  readonly webRoot?: string | null
  readonly logger?: boolean
}

export const DOCK_VERSION = '0.1.0'

/** The HTTP edge: parses, authenticates and calls the service; it holds no rules of its own. */
export async function createDockApp(options: DockAppOptions): Promise<FastifyInstance> {
  const { service } = options
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    // Long-polls hold a request for up to 60 s; keep sockets open a little longer.
    keepAliveTimeout: 65_000,
    requestIdHeader: false,
    routerOptions: { maxParamLength: 256 },
  })

  // Our own JSON parser keeps the raw text (signatures are checked over it) and maps bad JSON to invalid_input.
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8')
    request.rawBody = text
    if (text.trim() === '') return done(null, {})
    try {
      done(null, JSON.parse(text))
    } catch {
      done(new DockError('invalid_input', 'request body is not valid JSON'), undefined)
    }
  })

  app.setErrorHandler((err, request, reply) => {
    const { problem, cause } = toProblem(err)
    if (cause !== null) request.log.error({ err: cause }, 'unhandled error')
    if (problem.status >= 500 && cause === null) request.log.error({ err }, 'server error')
    return sendProblem(reply, problem)
  })
  app.setNotFoundHandler((_request, reply) => sendProblem(reply, toProblem(new DockError('not_found', 'no such route')).problem))

  const router = new Router(app, service)
  const streams: StreamRegistry = { byPrincipal: new Map() }
  service.onSuspend((principalId) => {
    for (const controller of streams.byPrincipal.get(principalId) ?? []) controller.abort()
  })

  // Open streams would hold the server open on close; end them first.
  app.addHook('preClose', async () => {
    for (const set of streams.byPrincipal.values()) for (const controller of set) controller.abort()
  })

  app.get('/v1/health', async () => {
    await service.storage.read((tx) => tx.listWorkspaces())
    return { ok: true, storage: service.storage.kind, version: DOCK_VERSION }
  })
  router.note({ method: 'GET', url: '/v1/health', summary: 'Liveness and storage readiness (no auth)', tag: 'meta', status: 200 })
  router.note({ method: 'GET', url: '/v1/openapi.json', summary: 'This document (no auth)', tag: 'meta', status: 200 })

  registerWorkspaceRoutes(router, service)
  registerTableRoutes(router, service)
  registerDocRoutes(router, service)
  registerEventRoutes(router, service, streams)
  // MCP tools call the /v1 routes in-process, so agents over MCP get the same auth, checks and attribution.
  registerMcpRoute(app, { inject: app })
  router.note({ method: 'POST', url: '/mcp', summary: 'MCP over Streamable HTTP (bearer key per agent)', tag: 'mcp', status: 200, auth: true })

  let openapi: Record<string, unknown> | null = null
  app.get('/v1/openapi.json', async () => (openapi ??= buildOpenApi(router.routes, DOCK_VERSION)))

  const webRoot = options.webRoot === undefined ? fileURLToPath(new URL('../../dist/web', import.meta.url)) : options.webRoot
  if (webRoot !== null) registerWebAssets(app, webRoot)

  return app
}
