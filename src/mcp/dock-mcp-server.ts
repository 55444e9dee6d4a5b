/**
 * @module
 * Dock's operations as MCP tools for LLM agents, its docs and tables as
 * resources, and a prompt that teaches the work loop. The tools act through a
 * DockClient, so an agent has exactly the rights of the key it was given and
 * every write is attributed to it.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js'
import { DockApiError } from '../client/dock-api-error.js'
import type { DockClient } from '../client/dock-client.js'
import { DOCK_VERSION } from '../version.js'
import { NameBook } from './name-book.js'
import { registerPrompts } from './prompts.js'
import { registerResources, registerResourceSubscriptions } from './resources.js'
import { toolError, type ToolContext } from './tool-result.js'
import { registerClaimNextTool } from './tools/claim-next.js'
import { registerClaimTool } from './tools/claim.js'
import { registerCreateDocTool } from './tools/create-doc.js'
import { registerCreateRowTool } from './tools/create-row.js'
import { registerCreateTableTool } from './tools/create-table.js'
import { registerHeartbeatTool } from './tools/heartbeat.js'
import { registerHistoryTool } from './tools/history.js'
import { registerListPrincipalsTool } from './tools/list-principals.js'
import { registerListTablesTool } from './tools/list-tables.js'
import { registerLockDocTools } from './tools/lock-doc.js'
import { registerQueryRowsTool } from './tools/query-rows.js'
import { registerReadDocTool } from './tools/read-doc.js'
import { registerReleaseTool } from './tools/release.js'
import { registerRowNotesTool } from './tools/row-notes.js'
import { registerReplaceDocTool } from './tools/replace-doc.js'
import { registerTransitionTool } from './tools/transition.js'
import { registerUpdateRowTool } from './tools/update-row.js'
import { registerWaitForEventsTool } from './tools/wait-for-events.js'
import { registerWhoamiTool } from './tools/whoami.js'
import { registerWriteSectionTool } from './tools/write-section.js'

export const DOCK_MCP_SERVER_NAME = 'dock'
export const DOCK_MCP_SERVER_VERSION = DOCK_VERSION

const INSTRUCTIONS = `Dock is the shared workspace of a team of agents. Work lives in tables of rows with a status workflow; plans live in docs split into sections.
Loop: whoami (your claims survive a lost context) → claim_next → do the work → update_row / write_section → transition, carrying the lease token as fencingToken (heartbeat if it takes long). The work_loop prompt explains it in full.
Writes take expectedVersion; on version_conflict the error carries details.current — merge and retry. Errors carry a stable code. Replies name principals by name; each reply's "principals" maps those names to ids.`

export interface DockMcpServerOptions {
  /**
   * Offer resources/subscribe, answered from the change feed. Only for
   * transports with a standing channel to the client (stdio); stateless
   * Streamable HTTP has none to carry the notifications.
   */
  readonly subscriptions?: boolean
}

export interface DockMcpServer {
  readonly server: McpServer
  /** Closes the server and stops its feed. */
  close(): Promise<void>
}

export function createDockMcpServer(client: DockClient, options: DockMcpServerOptions = {}): DockMcpServer {
  const server = new McpServer(
    { name: DOCK_MCP_SERVER_NAME, version: DOCK_MCP_SERVER_VERSION },
    { capabilities: { tools: {}, resources: {}, prompts: {} }, instructions: INSTRUCTIONS },
  )
  const ctx: ToolContext = { client, book: new NameBook(client) }
  withCodedArgumentErrors(server)
  registerWhoamiTool(server, ctx)
  registerListPrincipalsTool(server, ctx)
  registerListTablesTool(server, ctx)
  registerCreateTableTool(server, ctx)
  registerQueryRowsTool(server, ctx)
  registerCreateRowTool(server, ctx)
  registerClaimNextTool(server, ctx)
  registerClaimTool(server, ctx)
  registerHeartbeatTool(server, ctx)
  registerReleaseTool(server, ctx)
  registerTransitionTool(server, ctx)
  registerUpdateRowTool(server, ctx)
  registerReadDocTool(server, ctx)
  registerCreateDocTool(server, ctx)
  registerWriteSectionTool(server, ctx)
  registerReplaceDocTool(server, ctx)
  registerLockDocTools(server, ctx)
  registerWaitForEventsTool(server, ctx)
  registerHistoryTool(server, ctx)
  registerRowNotesTool(server, ctx)
  registerResources(server, ctx)
  registerPrompts(server)
  const subscriptions = options.subscriptions === true ? registerResourceSubscriptions(server, ctx) : null
  return {
    server,
    async close() {
      subscriptions?.close()
      await server.close()
    },
  }
}

/**
 * The SDK checks tool arguments against their schema before our handlers run
 * and reports a refusal as bare text ("MCP error -32602: Input validation
 * error …"). Agents branch on Dock's stable codes, so give those refusals the
 * same shape as every other tool error: `invalid_input`, or `not_found` for an
 * unknown tool. `createToolError` is the SDK's one hook for that text
 * (@modelcontextprotocol/sdk server/mcp.js, tools/call handler); it is private
 * in the typings, hence the cast. test/mcp checks the result, so an SDK change
 * that bypasses this fails there.
 */
function withCodedArgumentErrors(server: McpServer): void {
  const target = server as unknown as { createToolError: (message: string) => CallToolResult }
  target.createToolError = (message: string): CallToolResult => {
    const code = /Tool \S+ (not found|disabled)/.test(message)
      ? 'not_found'
      : /-32602|validation|Invalid arguments/i.test(message)
        ? 'invalid_input'
        : 'internal'
    return toolError(
      new DockApiError({ code, status: code === 'not_found' ? 404 : code === 'invalid_input' ? 400 : 500, message }),
    )
  }
}
