import type { IncomingMessage, ServerResponse } from 'node:http'
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js'
import { isDockApiError } from '../client/dock-api-error.js'
import type { DockClient } from '../client/dock-client.js'
import { createDockMcpServer } from './dock-mcp-server.js'

export interface McpHttpHandlerOptions {
  /** The client a request's bearer key acts through (workspace is set from `/me`). */
  readonly createClient: (token: string) => DockClient
}

/** Handles one HTTP request to `/mcp`; `parsedBody` is the JSON body the framework already read. */
export type McpHttpHandler = (req: IncomingMessage, res: ServerResponse, parsedBody?: unknown) => Promise<void>

/**
 * MCP over Streamable HTTP, stateless: each POST gets a fresh server and
 * transport bound to the caller's key, so no session state outlives the
 * request and any node can serve any call. GET (a standalone notification
 * stream) and DELETE (ending a session) have nothing to act on in this mode
 * and get 405, as the spec allows.
 * https://modelcontextprotocol.io/specification/2025-06-18/basic/transports#streamable-http
 */
export function createMcpHttpHandler(options: McpHttpHandlerOptions): McpHttpHandler {
  return async (req, res, parsedBody) => {
    if (req.method !== 'POST') {
      res.writeHead(405, { 'content-type': 'application/json', allow: 'POST' })
      res.end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message: 'Method not allowed: this MCP endpoint is stateless; POST only.' }, id: null }))
      return
    }
    const token = bearer(req.headers.authorization)
    if (token === undefined) {
      sendProblem(res, 401, 'unauthorized', 'MCP requests need Authorization: Bearer <key>')
      return
    }

    let client = options.createClient(token)
    try {
      // A key belongs to exactly one workspace: act there.
      const me = await client.me()
      client = client.withWorkspace(me.workspace.id)
    } catch (err) {
      if (isDockApiError(err)) sendProblem(res, err.status, err.code, err.message)
      else sendProblem(res, 500, 'internal', 'could not resolve the caller')
      return
    }

    const server = createDockMcpServer(client)
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true })
    res.on('close', () => {
      void transport.close()
      void server.close()
    })
    await server.connect(transport)
    await transport.handleRequest(req, res, parsedBody)
  }
}

function bearer(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')
  return match?.[1]
}

function sendProblem(res: ServerResponse, status: number, code: string, detail: string): void {
  if (res.headersSent) return
  const headers: Record<string, string> = { 'content-type': 'application/problem+json' }
  if (status === 401) headers['www-authenticate'] = 'Bearer'
  res.writeHead(status, headers)
  res.end(JSON.stringify({ type: `https://dock.dev/errors/${code}`, title: code, status, code, detail }))
}
