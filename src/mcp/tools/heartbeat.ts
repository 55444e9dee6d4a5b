import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import { runTool, toolResult, type ToolContext } from '../tool-result.js'
import { fencingToken, leaseMs, rowId, table } from '../tool-schemas.js'

export function registerHeartbeatTool(server: McpServer, { client }: ToolContext): void {
  server.registerTool(
    'heartbeat',
    {
      title: 'Extend a lease',
      description:
        'Extends your lease on a claimed row. Fails with stale_fencing_token or lease_expired when the row is no longer yours.',
      inputSchema: {
        table,
        id: rowId,
        fencingToken,
        leaseMs: leaseMs.optional().describe('New lease length in ms from now (at most 24 h).'),
      },
    },
    ({ table, id, fencingToken, leaseMs }) =>
      runTool(async () => {
        const claim = await client.heartbeat(table, id, { fencingToken, leaseMs })
        // The row did not change beyond its lease: the lease and version are what the agent needs next.
        return toolResult({
          row: { id: claim.row.id, status: claim.row.status, version: claim.row.version },
          lease: claim.lease,
        })
      }),
  )
}
