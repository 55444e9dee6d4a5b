import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import { explainClaimNext } from '../claim-explanation.js'
import { namedResult, runTool, toolResult, type ToolContext } from '../tool-result.js'
import { leaseMs, table, where } from '../tool-schemas.js'
import { rowView } from '../views.js'

export function registerClaimNextTool(server: McpServer, ctx: ToolContext): void {
  server.registerTool(
    'claim_next',
    {
      title: 'Claim the next row',
      description:
        'Claims the next eligible row of a table (claimable status, blockers done, your skills match; highest priority, then oldest). ' +
        'Returns the row and its lease; carry lease.token as fencingToken on every later write to the row, and heartbeat before lease.expiresAt. ' +
        'When nothing is eligible: claimed: false with the reason and counts (claimed, blocked, needs skills you lack, none in a claimable status).',
      inputSchema: { table, leaseMs: leaseMs.optional(), where: where.optional() },
    },
    ({ table, leaseMs, where }) =>
      runTool(async () => {
        const claim = await ctx.client.claimNext(table, { leaseMs, where })
        if (!claim) return toolResult({ claimed: false, ...(await explainClaimNext(ctx.client, table, where)) })
        return namedResult(ctx, async (legend) => ({
          claimed: true,
          row: await rowView(claim.row, legend, ctx.book),
          lease: claim.lease,
        }))
      }),
  )
}
