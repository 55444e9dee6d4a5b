import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import { namedResult, runTool, type ToolContext } from '../tool-result.js'
import { expectedVersion, optionalFencingToken, rowId, table, toStatus, values } from '../tool-schemas.js'
import { rowView } from '../views.js'

export function registerTransitionTool(server: McpServer, ctx: ToolContext): void {
  server.registerTool(
    'transition',
    {
      title: 'Move a row to another status',
      description:
        'Moves a row along its workflow (e.g. in_progress → ready_for_review), optionally writing values in the same step. ' +
        'Gated by the workflow: fails with transition_not_allowed when the move is not permitted for you. ' +
        'Leaving the claimed status ends your claim.',
      inputSchema: {
        table,
        id: rowId,
        to: toStatus,
        fencingToken: optionalFencingToken,
        expectedVersion: expectedVersion.describe('Refuse (version_conflict) if the row changed since this version.'),
        values: values.describe('Values to write with the move.'),
      },
    },
    ({ table, id, ...input }) =>
      runTool(async () => {
        const row = await ctx.client.transition(table, id, input)
        return namedResult(ctx, async (legend) => ({ row: await rowView(row, legend, ctx.book) }))
      }),
  )
}
