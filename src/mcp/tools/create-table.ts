import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import { runTool, toolResult, type ToolContext } from '../tool-result.js'
import { columns, tableName, workflow } from '../tool-schemas.js'
import { tableView } from '../views.js'

export function registerCreateTableTool(server: McpServer, { client }: ToolContext): void {
  server.registerTool(
    'create_table',
    {
      title: 'Create a table',
      description:
        'Creates a table: typed columns and a workflow on its status column (statuses, the claim rule, gated transitions). ' +
        'Refused with forbidden when your role may not create tables (table creation is an operator action on most servers).',
      inputSchema: {
        name: tableName.describe('Table name (letters, digits, _ . -).'),
        columns: columns.describe(
          'Columns: {name, type: text|number|integer|boolean|date|enum|principal|ref|json, required?, default?, values? (enum), table? (ref)}.',
        ),
        workflow: workflow.describe(
          'Workflow: {statuses, initial?, done?, claim?: {from?, to, leaseMs?, maxAttempts?, deadLetter?}, ' +
            'transitions?: [{from, to, by: ["owner"|"any"|role], require?: ["not:author"|"not:owner"]}]}.',
        ),
      },
    },
    (input) => runTool(async () => toolResult({ table: tableView(await client.createTable(input)) })),
  )
}
