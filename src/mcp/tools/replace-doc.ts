import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import { z } from 'zod'
import type { DockClient } from '../../client/dock-client.js'
import { runTool, toolResult } from '../tool-result.js'

export function registerReplaceDocTool(server: McpServer, client: DockClient): void {
  server.registerTool(
    'replace_doc',
    {
      title: 'Replace a whole doc',
      description:
        'Replaces the full markdown of a doc. Needs expectedVersion (the doc version you read): if anyone changed any section ' +
        'since, it fails with version_conflict and details.current. Prefer write_section for edits to one section.',
      inputSchema: {
        doc: z.string().describe('Doc id or title.'),
        content: z.string().describe('The whole new markdown.'),
        expectedVersion: z.number().int().describe('Doc version your content is based on.'),
      },
    },
    ({ doc, content, expectedVersion }) => runTool(async () => toolResult(await client.replaceDoc(doc, { content, expectedVersion }))),
  )
}
