import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import { runTool, toolResult, type ToolContext } from '../tool-result.js'
import { tableView } from '../views.js'

export function registerListTablesTool(server: McpServer, { client }: ToolContext): void {
  server.registerTool(
    'list_tables',
    {
      title: 'List tables',
      description:
        'Lists the tables of the workspace: columns (name:type, ! = required), statuses, which statuses are claimable, ' +
        'and the transitions with who may take them.',
      annotations: { readOnlyHint: true },
    },
    () => runTool(async () => toolResult({ tables: (await client.listTables()).map(tableView) })),
  )
}
