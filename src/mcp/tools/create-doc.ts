import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import { namedResult, runTool, type ToolContext } from '../tool-result.js'
import { docContent, docTitle } from '../tool-schemas.js'
import { docView } from '../views.js'

export function registerCreateDocTool(server: McpServer, ctx: ToolContext): void {
  server.registerTool(
    'create_doc',
    {
      title: 'Create a doc',
      description:
        'Creates a doc from markdown; its headings split it into sections (keys are the heading slugs) that write_section ' +
        'then edits one at a time. Fails with already_exists when the title is taken.',
      inputSchema: {
        title: docTitle.describe('Title, unique in the workspace; later calls may name the doc by it.'),
        content: docContent.describe('Markdown, e.g. "# Goal\\n\\n…\\n\\n## Steps\\n\\n…" (may be empty).'),
      },
    },
    ({ title, content }) =>
      runTool(async () => {
        const doc = await ctx.client.createDoc({ title, content })
        ctx.book.learnDoc(doc.id, doc.title)
        return namedResult(ctx, async (legend) => ({ doc: await docView(doc, legend, false) }))
      }),
  )
}
