import type { FastifyInstance } from 'fastify'
import { DockClient } from '../../client/dock-client.js'
import { createMcpHttpHandler } from '../../mcp/http-handler.js'
import { createInjectFetch } from '../../mcp/inject-fetch.js'

export interface McpRouteOptions {
  /** The app whose `/v1` routes the MCP tools call (in-process, via inject). */
  readonly inject: FastifyInstance
  /** Hostnames `/mcp` answers to (Host and Origin checks); `*` for any. Default: loopback only. */
  readonly allowedHosts?: readonly string[] | '*'
}

/**
 * Mounts MCP over Streamable HTTP at `/mcp`. Each request's bearer key makes
 * a DockClient that calls back into `opts.inject`, so tools get exactly the
 * API's auth, validation and attribution.
 */
export function registerMcpRoute(app: FastifyInstance, opts: McpRouteOptions): void {
  const handler = createMcpHttpHandler({
    ...(opts.allowedHosts !== undefined ? { allowedHosts: opts.allowedHosts } : {}),
    createClient: (token) =>
      // The host is never resolved: inject routes by path only.
      new DockClient({ baseUrl: 'http://dock.internal', token, fetch: createInjectFetch(opts.inject) }),
  })
  app.route({
    method: ['POST', 'GET', 'DELETE'],
    url: '/mcp',
    handler: async (request, reply) => {
      // The transport writes the raw response itself (JSON or SSE).
      reply.hijack()
      try {
        await handler(request.raw, reply.raw, request.body)
      } catch (err) {
        request.log.error({ err }, 'mcp request failed')
        if (!reply.raw.headersSent) {
          reply.raw.writeHead(500, { 'content-type': 'application/problem+json' })
          reply.raw.end(
            JSON.stringify({
              type: 'https://dock.dev/errors/internal',
              title: 'Internal error',
              status: 500,
              code: 'internal',
            }),
          )
        } else {
          reply.raw.end()
        }
      }
    },
  })
}
