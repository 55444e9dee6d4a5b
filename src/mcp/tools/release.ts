import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import { z } from 'zod'
import type { DockClient } from '../../client/dock-client.js'
import { runTool, toolResult } from '../tool-result.js'

export function registerReleaseTool(server: McpServer, client: DockClient): void {
  server.registerTool(
    'release',
    {
      title: 'Release a claim',
      description: 'Gives a claimed row back: it returns to the status it was claimed from, for someone else to take.',
      inputSchema: {
        table: z.string().describe('Table name.'),
        id: z.string().describe('Row id.'),
        fencingToken: z.number().int().describe('lease.token from your claim.'),
      },
    },
    ({ table, id, fencingToken }) => runTool(async () => toolResult({ row: await client.release(table, id, { fencingToken }) })),
  )
}
