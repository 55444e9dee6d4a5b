import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import { z } from 'zod'
import type { DockClient } from '../../client/dock-client.js'
import { runTool, toolResult } from '../tool-result.js'

export function registerClaimTool(server: McpServer, client: DockClient): void {
  server.registerTool(
    'claim',
    {
      title: 'Claim a row',
      description:
        'Claims one given row. Returns the row and its lease (token = fencingToken for later writes). ' +
        'Fails with code already_claimed when another principal holds it.',
      inputSchema: {
        table: z.string().describe('Table name.'),
        id: z.string().describe('Row id.'),
        leaseMs: z.number().int().positive().optional().describe('Lease length in ms.'),
      },
    },
    ({ table, id, leaseMs }) => runTool(async () => toolResult(await client.claim(table, id, { leaseMs }))),
  )
}
