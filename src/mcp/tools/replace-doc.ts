import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import { namedResult, runTool, type ToolContext } from '../tool-result.js'
import { doc, expectedVersion, replaceContent, replaceLockToken } from '../tool-schemas.js'
import { docView } from '../views.js'

export function registerReplaceDocTool(server: McpServer, ctx: ToolContext): void {
  server.registerTool(
    'replace_doc',
    {
      title: 'Replace a whole doc',
      description:
        'Replaces the full markdown of an existing doc (create_doc makes a new one). Needs expectedVersion (the doc version you read): ' +
        'if anyone changed any section since, it fails with version_conflict and details.current. Prefer write_section for edits to one section.',
      inputSchema: {
        doc,
        content: replaceContent.describe('The whole new markdown.'),
        expectedVersion: expectedVersion.unwrap().describe('Doc version your content is based on.'),
        lockToken: replaceLockToken,
      },
    },
    ({ doc, content, expectedVersion, lockToken }) =>
      runTool(async () => {
        const next = await ctx.client.replaceDoc(doc, { content, expectedVersion, lockToken })
        return namedResult(ctx, async (legend) => ({ doc: await docView(next, legend, false) }))
      }),
  )
}
