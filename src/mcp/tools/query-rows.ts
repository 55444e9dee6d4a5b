import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import { namedResult, runTool, toolResult, type ToolContext } from '../tool-result.js'
import { cursor, detail, owner, rowsLimit, statusFilter, table } from '../tool-schemas.js'
import { rowView } from '../views.js'
import { z } from 'zod'

export function registerQueryRowsTool(server: McpServer, ctx: ToolContext): void {
  server.registerTool(
    'query_rows',
    {
      title: 'Query rows',
      description:
        'Reads rows of a table, optionally filtered by status, owner, or readiness to be claimed (ready: claimable status, ' +
        "blockers done, unowned; your skills are not checked). Paginated with cursor. Keep each row's version for expectedVersion.",
      inputSchema: {
        table,
        status: statusFilter.optional().describe('Status or statuses to match.'),
        owner,
        ready: z.boolean().optional().describe('Only rows that could be claimed now.'),
        limit: rowsLimit,
        cursor,
        detail,
      },
      annotations: { readOnlyHint: true },
    },
    ({ table, detail, ...query }) =>
      runTool(async () => {
        const page = await ctx.client.listRows(table, query)
        if (detail === 'full') return toolResult({ ...page })
        return namedResult(ctx, async (legend) => {
          const items = []
          for (const row of page.items) items.push(await rowView(row, legend, ctx.book))
          return { items, nextCursor: page.nextCursor }
        })
      }),
  )
}
