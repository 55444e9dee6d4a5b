import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import { z } from 'zod'
import type { DockClient } from '../../client/dock-client.js'
import { runTool, toolResult } from '../tool-result.js'

export function registerQueryRowsTool(server: McpServer, client: DockClient): void {
  server.registerTool(
    'query_rows',
    {
      title: 'Query rows',
      description: 'Reads rows of a table, optionally filtered by status, owner, or readiness to be claimed. Paginated with cursor.',
      inputSchema: {
        table: z.string().describe('Table name.'),
        status: z.union([z.string(), z.array(z.string())]).optional().describe('Status or statuses to match.'),
        owner: z.string().optional().describe('Only rows claimed by this principal id.'),
        ready: z.boolean().optional().describe('Only rows that could be claimed now.'),
        limit: z.number().int().min(1).max(500).optional().describe('Page size (default 100).'),
        cursor: z.string().optional().describe('nextCursor of the previous page.'),
      },
      annotations: { readOnlyHint: true },
    },
    ({ table, ...query }) =>
      runTool(async () => {
        const page = await client.listRows(table, query)
        return toolResult(page)
      }),
  )
}
