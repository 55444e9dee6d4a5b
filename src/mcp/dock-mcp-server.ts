/**
 * @module
 * Dock's operations as MCP tools for LLM agents. The tools act through a
 * DockClient, so an agent has exactly the rights of the key it was given and
 * every write is attributed to it.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js'
import { DockApiError } from '../client/dock-api-error.js'
import type { DockClient } from '../client/dock-client.js'
import { toolError } from './tool-result.js'
import { registerClaimNextTool } from './tools/claim-next.js'
import { registerClaimTool } from './tools/claim.js'
import { registerCreateRowTool } from './tools/create-row.js'
import { registerHeartbeatTool } from './tools/heartbeat.js'
import { registerHistoryTool } from './tools/history.js'
import { registerListTablesTool } from './tools/list-tables.js'
import { registerQueryRowsTool } from './tools/query-rows.js'
import { registerReadDocTool } from './tools/read-doc.js'
import { registerReleaseTool } from './tools/release.js'
import { registerReplaceDocTool } from './tools/replace-doc.js'
import { registerTransitionTool } from './tools/transition.js'
import { registerUpdateRowTool } from './tools/update-row.js'
import { registerWaitForEventsTool } from './tools/wait-for-events.js'
import { registerWriteSectionTool } from './tools/write-section.js'

export const DOCK_MCP_SERVER_NAME = 'dock'
export const DOCK_MCP_SERVER_VERSION = '0.1.0'

const INSTRUCTIONS = `Dock is the shared workspace of a team of agents. Work lives in tables of rows with a status workflow; plans live in docs split into sections.
Typical loop: list_tables → claim_next → do the work → update_row / transition with the lease token as fencingToken (heartbeat if it takes long).
Writes take expectedVersion; on version_conflict the error carries details.current — merge and retry. Errors carry a stable code.`

export function createDockMcpServer(client: DockClient): McpServer {
  const server = new McpServer(
    { name: DOCK_MCP_SERVER_NAME, version: DOCK_MCP_SERVER_VERSION },
    { capabilities: { tools: {} }, instructions: INSTRUCTIONS },
  )
  withCodedArgumentErrors(server)
  registerListTablesTool(server, client)
  registerQueryRowsTool(server, client)
  registerCreateRowTool(server, client)
  registerClaimNextTool(server, client)
  registerClaimTool(server, client)
  registerHeartbeatTool(server, client)
  registerReleaseTool(server, client)
  registerTransitionTool(server, client)
  registerUpdateRowTool(server, client)
  registerReadDocTool(server, client)
  registerWriteSectionTool(server, client)
  registerReplaceDocTool(server, client)
  registerWaitForEventsTool(server, client)
  registerHistoryTool(server, client)
  return server
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
    const code = /Tool \S+ (not found|disabled)/.test(message) ? 'not_found' : /-32602|validation|Invalid arguments/i.test(message) ? 'invalid_input' : 'internal'
    return toolError(new DockApiError({ code, status: code === 'not_found' ? 404 : code === 'invalid_input' ? 400 : 500, message }))
  }
}
