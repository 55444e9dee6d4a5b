import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import { z } from 'zod'
import type { DockClient } from '../../client/dock-client.js'
import { eventFilterShape } from '../event-filter-schema.js'
import { DockApiError } from '../../client/dock-api-error.js'
import { compactEvent, runTool, toolError, toolResult } from '../tool-result.js'

export function registerHistoryTool(server: McpServer, client: DockClient): void {
  server.registerTool(
    'history',
    {
      title: 'Read the event log',
      description:
        'Reads the workspace log (who changed what, oldest first) after revision since, with filters. ' +
        'Give doc and section for the write history of one section. Page on with nextSince.',
      inputSchema: {
        since: z.number().int().min(0).optional().describe('Revision to read after (default 0).'),
        limit: z.number().int().min(1).max(1000).optional().describe('Most events to return (default 50).'),
        section: z.string().optional().describe('Section key (with doc): that section\'s writes.'),
        ...eventFilterShape,
      },
      annotations: { readOnlyHint: true },
    },
    ({ since, limit, section, ...filters }) =>
      runTool(async () => {
        if (section !== undefined) {
          const doc = typeof filters.doc === 'string' ? filters.doc : filters.doc?.[0]
          if (doc === undefined) {
            return toolError(new DockApiError({ code: 'invalid_input', status: 400, message: 'section needs doc: give the doc id' }))
          }
          const items = await client.sectionHistory(doc, section)
          return toolResult({ events: items.map(compactEvent) })
        }
        const page = await client.events({ since: since ?? 0, limit: limit ?? 50, ...filters })
        return toolResult({ events: page.items.map(compactEvent), nextSince: page.nextSince, revision: page.revision })
      }),
  )
}
