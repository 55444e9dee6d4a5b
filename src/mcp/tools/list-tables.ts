import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import type { DockClient } from '../../client/dock-client.js'
import { runTool, toolResult } from '../tool-result.js'

export function registerListTablesTool(server: McpServer, client: DockClient): void {
  server.registerTool(
    'list_tables',
    {
      title: 'List tables',
      description:
        'Lists the tables of the workspace with their columns and workflow (statuses, which statuses are claimable, allowed transitions).',
      annotations: { readOnlyHint: true },
    },
    () =>
      runTool(async () => {
        const tables = await client.listTables()
        return toolResult({ tables })
      }),
  )
}
