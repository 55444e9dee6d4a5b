import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import { namedResult, runTool, toolResult, type ToolContext } from '../tool-result.js'
import { detail, doc, docFormat, section } from '../tool-schemas.js'
import { docView, sectionView } from '../views.js'

export function registerReadDocTool(server: McpServer, ctx: ToolContext): void {
  server.registerTool(
    'read_doc',
    {
      title: 'Read a doc',
      description:
        'Reads a doc (by id or title) with its sections: key, heading, body, version, last editor and lane owner. ' +
        'Give section to read just one. Without doc, lists the docs (section keys, no bodies). ' +
        'Keep the versions: writes take them as expectedVersion.',
      inputSchema: {
        doc: doc.optional().describe('Doc id or title; omit to list docs.'),
        section: section.optional().describe('Section key to read only that section.'),
        format: docFormat.optional().describe('markdown returns the whole doc as markdown text.'),
        detail,
      },
      annotations: { readOnlyHint: true },
    },
    ({ doc, section, format, detail }) =>
      runTool(async () => {
        const { client } = ctx
        if (doc === undefined) {
          const docs = await client.listDocs()
          if (detail === 'full') return toolResult({ docs })
          return namedResult(ctx, async (legend) => {
            const out = []
            for (const d of docs) out.push(await docView(d, legend, false))
            return { docs: out }
          })
        }
        if (section !== undefined) {
          const s = await client.getSection(doc, section)
          if (detail === 'full') return toolResult({ ...s })
          return namedResult(ctx, async (legend) => ({ section: await sectionView(s, legend) }))
        }
        if (format === 'markdown') {
          const text = await client.getDocMarkdown(doc)
          return { content: [{ type: 'text', text }] }
        }
        const full = await client.getDoc(doc)
        if (detail === 'full') return toolResult({ ...full })
        return namedResult(ctx, async (legend) => ({ doc: await docView(full, legend) }))
      }),
  )
}
