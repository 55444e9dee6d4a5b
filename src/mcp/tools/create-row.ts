import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import { namedResult, runTool, type ToolContext } from '../tool-result.js'
import { blockedBy, createValues, priority, requiredSkills, table } from '../tool-schemas.js'
import { rowView } from '../views.js'

export function registerCreateRowTool(server: McpServer, ctx: ToolContext): void {
  server.registerTool(
    'create_row',
    {
      title: 'Create a row',
      description: "Adds a row (e.g. a task) to a table, in the workflow's initial status.",
      inputSchema: {
        table,
        values: createValues,
        blockedBy: blockedBy.optional(),
        requiredSkills: requiredSkills.optional(),
        priority: priority.optional(),
      },
    },
    ({ table, ...input }) =>
      runTool(async () => {
        const row = await ctx.client.createRow(table, input)
        return namedResult(ctx, async (legend) => ({ row: await rowView(row, legend, ctx.book) }))
      }),
  )
}
