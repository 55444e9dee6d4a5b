import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import { z } from 'zod'
import type { DockClient } from '../../client/dock-client.js'
import { runTool, toolResult } from '../tool-result.js'

export function registerUpdateRowTool(server: McpServer, client: DockClient): void {
  server.registerTool(
    'update_row',
    {
      title: 'Update a row',
      description:
        'Writes values of a row (not its status: use transition). Pass expectedVersion (the version you read) so a concurrent ' +
        'change is not overwritten: on version_conflict the error details.current holds the row as it is now — merge and retry. ' +
        'Pass fencingToken when you hold the claim.',
      inputSchema: {
        table: z.string().describe('Table name.'),
        id: z.string().describe('Row id.'),
        values: z.record(z.string(), z.unknown()).optional().describe('Column values to set.'),
        expectedVersion: z.number().int().optional().describe('The row version your change is based on.'),
        fencingToken: z.number().int().optional().describe('lease.token, required while you hold the claim.'),
        blockedBy: z.array(z.string()).optional().describe('Row ids that must be done first.'),
        priority: z.number().optional().describe('Higher is claimed first.'),
      },
    },
    ({ table, id, ...input }) => runTool(async () => toolResult({ row: await client.patchRow(table, id, input) })),
  )
}
