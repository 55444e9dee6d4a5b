import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import { eventsReply } from '../event-reply.js'
import { runTool, type ToolContext } from '../tool-result.js'
import { eventFilterShape } from '../event-filter-schema.js'
import { detail, eventsLimit, since, wait } from '../tool-schemas.js'

export function registerWaitForEventsTool(server: McpServer, ctx: ToolContext): void {
  server.registerTool(
    'wait_for_events',
    {
      title: 'Wait for changes',
      description:
        'Blocks until something matching the filters happens after revision since (or until wait seconds pass), then returns ' +
        'those events in brief: revision, time, type, who (by name), the target (with its title) and the fields that changed. ' +
        'Omit since to wait for changes from now. Pass the returned nextSince as since next time so nothing is missed.',
      inputSchema: {
        since: since.optional().describe('Revision to wait after; default: the current revision.'),
        wait,
        limit: eventsLimit,
        detail,
        ...eventFilterShape,
      },
      annotations: { readOnlyHint: true },
    },
    ({ since, wait, limit, detail, ...filters }) =>
      runTool(async () => {
        const from = since ?? (await ctx.client.getWorkspace()).revision
        const page = await ctx.client.events({ since: from, wait: wait ?? 30, limit, ...filters })
        const note = page.items.length === 0 ? `No matching events after revision ${from} yet.` : undefined
        return eventsReply(ctx, page.items, detail, {
          nextSince: page.nextSince,
          revision: page.revision,
          ...(note ? { note } : {}),
        })
      }),
  )
}
