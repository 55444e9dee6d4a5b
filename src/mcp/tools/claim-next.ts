import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import { z } from 'zod'
import type { DockClient } from '../../client/dock-client.js'
import { runTool, toolResult } from '../tool-result.js'

export function registerClaimNextTool(server: McpServer, client: DockClient): void {
  server.registerTool(
    'claim_next',
    {
      title: 'Claim the next row',
      description:
        'Claims the next eligible row of a table (claimable status, blockers done, your skills match; highest priority, then oldest). ' +
        'Returns the row and its lease; carry lease.token as fencingToken on every later write to the row, and heartbeat before lease.expiresAt. ' +
        'Returns claimed: false when nothing is eligible.',
      inputSchema: {
        table: z.string().describe('Table name.'),
        leaseMs: z.number().int().positive().optional().describe('Lease length in ms (default: the workflow\'s).'),
        where: z.record(z.string(), z.unknown()).optional().describe('Only rows whose values equal these.'),
      },
    },
    ({ table, leaseMs, where }) =>
      runTool(async () => {
        const claim = await client.claimNext(table, { leaseMs, where })
        if (!claim) return toolResult({ claimed: false }, 'Nothing is eligible to claim right now.')
        return toolResult({ claimed: true, ...claim })
      }),
  )
}
