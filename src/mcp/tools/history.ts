import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import { DockApiError } from '../../client/dock-api-error.js'
import { eventsReply } from '../event-reply.js'
import { runTool, toolError, type ToolContext } from '../tool-result.js'
import { eventFilterShape } from '../event-filter-schema.js'
import { detail, eventsLimit, section, since } from '../tool-schemas.js'

export function registerHistoryTool(server: McpServer, ctx: ToolContext): void {
  server.registerTool(
    'history',
    {
      title: 'Read the event log',
      description:
        'Reads the workspace log (who changed what, oldest first) after revision since, with filters, in brief like wait_for_events. ' +
        'Give doc and section for the write history of one section. Page on with nextSince.',
      inputSchema: {
        since: since.optional().describe('Revision to read after (default 0).'),
        limit: eventsLimit,
        section: section.optional().describe("Section key (with doc): that section's writes."),
        detail,
        ...eventFilterShape,
      },
      annotations: { readOnlyHint: true },
    },
    ({ since, limit, section, detail, ...filters }) =>
      runTool(async () => {
        if (section !== undefined) {
          const doc = typeof filters.doc === 'string' ? filters.doc : filters.doc?.[0]
          if (doc === undefined) {
            return toolError(
              new DockApiError({
                code: 'invalid_input',
                status: 400,
                message: 'section needs doc: give the doc id or title',
              }),
            )
          }
          return eventsReply(ctx, await ctx.client.sectionHistory(doc, section), detail, {})
        }
        const page = await ctx.client.events({ since: since ?? 0, limit, ...filters })
        return eventsReply(ctx, page.items, detail, { nextSince: page.nextSince, revision: page.revision })
      }),
  )
}
