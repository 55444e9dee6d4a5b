import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import { z } from 'zod'
import type { DockClient } from '../../client/dock-client.js'
import { runTool, toolResult } from '../tool-result.js'

export function registerHeartbeatTool(server: McpServer, client: DockClient): void {
  server.registerTool(
    'heartbeat',
    {
      title: 'Extend a lease',
      description:
        'Extends your lease on a claimed row. Fails with stale_fencing_token or lease_expired when the row is no longer yours.',
      inputSchema: {
        table: z.string().describe('Table name.'),
        id: z.string().describe('Row id.'),
        fencingToken: z.number().int().describe('lease.token from your claim.'),
        leaseMs: z.number().int().positive().optional().describe('New lease length in ms from now.'),
      },
    },
    ({ table, id, fencingToken, leaseMs }) =>
      runTool(async () => toolResult(await client.heartbeat(table, id, { fencingToken, leaseMs }))),
  )
}
