import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import { namedResult, runTool, type ToolContext } from '../tool-result.js'
import { fencingToken, rowId, table } from '../tool-schemas.js'
import { rowView } from '../views.js'

export function registerReleaseTool(server: McpServer, ctx: ToolContext): void {
  server.registerTool(
    'release',
    {
      title: 'Release a claim',
      description: 'Gives a claimed row back: it returns to the status it was claimed from, for someone else to take.',
      inputSchema: { table, id: rowId, fencingToken },
    },
    ({ table, id, fencingToken }) =>
      runTool(async () => {
        const row = await ctx.client.release(table, id, { fencingToken })
        return namedResult(ctx, async (legend) => ({ row: await rowView(row, legend, ctx.book) }))
      }),
  )
}
