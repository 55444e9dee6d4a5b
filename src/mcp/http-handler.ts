import type { IncomingMessage, ServerResponse } from 'node:http'
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js'
import { isDockApiError } from '../client/dock-api-error.js'
import type { DockClient } from '../client/dock-client.js'
import { createDockMcpServer } from './dock-mcp-server.js'
import { checkHostAndOrigin, LOOPBACK_HOSTS } from './host-check.js'

export interface McpHttpHandlerOptions {
  /** The client a request's bearer key acts through (workspace is set from `/me`). */
  readonly createClient: (token: string) => DockClient
  /** Hostnames `/mcp` answers to (Host and Origin); `*` for any. Default: loopback only. */
  readonly allowedHosts?: readonly string[] | '*'
}

/** Handles one HTTP request to `/mcp`; `parsedBody` is the JSON body the framework already read. */
export type McpHttpHandler = (req: IncomingMessage, res: ServerResponse, parsedBody?: unknown) => Promise<void>

/**
 * MCP over Streamable HTTP, stateless: each POST gets a fresh server and
 * transport bound to the caller's key, so no session state outlives the
 * request and any node can serve any call. GET (a standalone notification
 * stream) and DELETE (ending a session) have nothing to act on in this mode
 * and get 405, as the spec allows; for the same reason resource
 * subscriptions are not offered here (stdio offers them).
 * https://modelcontextprotocol.io/specification/2025-06-18/basic/transports#streamable-http
 *
 * Checks run before any MCP exchange, in this order: Host and Origin (403,
 * so a rebinding page learns nothing, not even whether a key is valid), then
 * the method (405), then the key (401 with `WWW-Authenticate: Bearer`).
 */
export function createMcpHttpHandler(options: McpHttpHandlerOptions): McpHttpHandler {
  const allowed = options.allowedHosts ?? LOOPBACK_HOSTS
  return async (req, res, parsedBody) => {
    const refusal = checkHostAndOrigin({ host: req.headers.host, origin: req.headers.origin }, allowed)
    if (refusal !== null) {
      sendProblem(
        res,
        403,
        'forbidden',
        `${refusal}: /mcp answers only to its configured host names (DNS-rebinding protection; see DOCK_ALLOWED_HOSTS)`,
      )
      return
    }
    if (req.method !== 'POST') {
      res.writeHead(405, { 'content-type': 'application/json', allow: 'POST' })
      res.end(
        JSON.stringify({
          jsonrpc: '2.0',
          error: { code: -32000, message: 'Method not allowed: this MCP endpoint is stateless; POST only.' },
          id: null,
        }),
      )
      return
    }
    const token = bearer(req.headers.authorization)
    if (token === undefined) {
      sendProblem(res, 401, 'unauthorized', 'MCP requests need Authorization: Bearer <key>', 'Bearer realm="dock"')
      return
    }

    let client = options.createClient(token)
    try {
      // A key belongs to exactly one workspace: act there.
      const me = await client.me()
      client = client.withWorkspace(me.workspace.id)
    } catch (err) {
      if (isDockApiError(err))
        sendProblem(res, err.status, err.code, err.message, 'Bearer realm="dock", error="invalid_token"')
      else sendProblem(res, 500, 'internal', 'could not resolve the caller')
      return
    }

    const dock = createDockMcpServer(client)
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true })
    res.on('close', () => {
      void transport.close()
      void dock.close()
    })
    await dock.server.connect(transport)
    await transport.handleRequest(req, res, parsedBody)
  }
}

function bearer(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')
  return match?.[1]
}

/**
 * `challenge` is the `WWW-Authenticate` of a 401 (RFC 6750 §3: the bare scheme
 * for a missing key, `error="invalid_token"` for a key that matches no one). It
 * names no `resource_metadata`: Dock keys come from an operator, not an OAuth
 * server, so there is nothing for a client to discover.
 */
function sendProblem(res: ServerResponse, status: number, code: string, detail: string, challenge?: string): void {
  if (res.headersSent) return
  const headers: Record<string, string> = { 'content-type': 'application/problem+json' }
  if (status === 401 && challenge !== undefined) headers['www-authenticate'] = challenge
  res.writeHead(status, headers)
  res.end(JSON.stringify({ type: `https://dock.dev/errors/${code}`, title: code, status, code, detail }))
}
