import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import { z } from 'zod'
import type { DockClient } from '../../client/dock-client.js'
import { runTool, toolResult } from '../tool-result.js'

export function registerTransitionTool(server: McpServer, client: DockClient): void {
  server.registerTool(
    'transition',
    {
      title: 'Move a row to another status',
      description:
        'Moves a row along its workflow (e.g. in_progress → ready_for_review), optionally writing values in the same step. ' +
        'Gated by the workflow: fails with transition_not_allowed when the move is not permitted for you. ' +
        'Leaving the claimed status ends your claim.',
      inputSchema: {
        table: z.string().describe('Table name.'),
        id: z.string().describe('Row id.'),
        to: z.string().describe('Target status.'),
        fencingToken: z.number().int().optional().describe('lease.token, required while you hold the claim.'),
        expectedVersion: z.number().int().optional().describe('Refuse (version_conflict) if the row changed since this version.'),
        values: z.record(z.string(), z.unknown()).optional().describe('Values to write with the move.'),
      },
    },
    ({ table, id, ...input }) => runTool(async () => toolResult({ row: await client.transition(table, id, input) })),
  )
}
