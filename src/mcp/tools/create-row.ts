import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import { z } from 'zod'
import type { DockClient } from '../../client/dock-client.js'
import { runTool, toolResult } from '../tool-result.js'

export function registerCreateRowTool(server: McpServer, client: DockClient): void {
  server.registerTool(
    'create_row',
    {
      title: 'Create a row',
      description: 'Adds a row (e.g. a task) to a table, in the workflow\'s initial status.',
      inputSchema: {
        table: z.string().describe('Table name.'),
        values: z.record(z.string(), z.unknown()).describe('Column values.'),
        blockedBy: z.array(z.string()).optional().describe('Row ids that must be done first.'),
        requiredSkills: z.array(z.string()).optional().describe('Only principals with these skills may claim it.'),
        priority: z.number().optional().describe('Higher is claimed first.'),
      },
    },
    ({ table, ...input }) => runTool(async () => toolResult({ row: await client.createRow(table, input) })),
  )
}
