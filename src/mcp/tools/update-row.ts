import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import { namedResult, runTool, type ToolContext } from '../tool-result.js'
import {
  blockedBy,
  expectedVersion,
  optionalFencingToken,
  priority,
  requiredSkills,
  rowId,
  table,
  values,
} from '../tool-schemas.js'
import { rowView } from '../views.js'

export function registerUpdateRowTool(server: McpServer, ctx: ToolContext): void {
  server.registerTool(
    'update_row',
    {
      title: 'Update a row',
      description:
        'Writes values of a row (not its status: use transition). Pass expectedVersion (the version you read) so a concurrent ' +
        'change is not overwritten: on version_conflict the error details.current holds the row as it is now — merge and retry. ' +
        'Pass fencingToken when you hold the claim.',
      inputSchema: {
        table,
        id: rowId,
        values: values.describe('Column values to set.'),
        expectedVersion: expectedVersion.describe('The row version your change is based on.'),
        fencingToken: optionalFencingToken,
        blockedBy,
        requiredSkills,
        priority,
      },
    },
    ({ table, id, ...input }) =>
      runTool(async () => {
        const row = await ctx.client.patchRow(table, id, input)
        return namedResult(ctx, async (legend) => ({ row: await rowView(row, legend, ctx.book) }))
      }),
  )
}
