import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import { z } from 'zod'
import type { DockClient } from '../../client/dock-client.js'
import { eventFilterShape } from '../event-filter-schema.js'
import { compactEvent, runTool, toolResult } from '../tool-result.js'

export function registerWaitForEventsTool(server: McpServer, client: DockClient): void {
  server.registerTool(
    'wait_for_events',
    {
      title: 'Wait for changes',
      description:
        'Blocks until something matching the filters happens after revision since (or until wait seconds pass), then returns ' +
        'those events. Omit since to wait for changes from now. Pass the returned nextSince as since next time so nothing is missed.',
      inputSchema: {
        since: z.number().int().min(0).optional().describe('Revision to wait after; default: the current revision.'),
        wait: z.number().min(0).max(60).optional().describe('Seconds to wait at most (default 30, max 60).'),
        limit: z.number().int().min(1).max(1000).optional().describe('Most events to return (default 100).'),
        ...eventFilterShape,
      },
      annotations: { readOnlyHint: true },
    },
    ({ since, wait, limit, ...filters }) =>
      runTool(async () => {
        const from = since ?? (await client.getWorkspace()).revision
        const page = await client.events({ since: from, wait: wait ?? 30, limit: limit ?? 100, ...filters })
        const note = page.items.length === 0 ? `No matching events after revision ${from} yet.` : undefined
        return toolResult({ events: page.items.map(compactEvent), nextSince: page.nextSince, revision: page.revision }, note)
      }),
  )
}
