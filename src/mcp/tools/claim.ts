import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import { namedResult, runTool, type ToolContext } from '../tool-result.js'
import { leaseMs, rowId, table } from '../tool-schemas.js'
import { rowView } from '../views.js'

export function registerClaimTool(server: McpServer, ctx: ToolContext): void {
  server.registerTool(
    'claim',
    {
      title: 'Claim a row',
      description:
        'Claims one given row. Returns the row and its lease (token = fencingToken for later writes). ' +
        'Fails with code already_claimed when another principal holds it.',
      inputSchema: { table, id: rowId, leaseMs: leaseMs.optional() },
    },
    ({ table, id, leaseMs }) =>
      runTool(async () => {
        const claim = await ctx.client.claim(table, id, { leaseMs })
        return namedResult(ctx, async (legend) => ({
          row: await rowView(claim.row, legend, ctx.book),
          lease: claim.lease,
        }))
      }),
  )
}
