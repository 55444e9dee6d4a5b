import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import { z } from 'zod'
import type { DockClient } from '../../client/dock-client.js'
import { runTool, toolResult } from '../tool-result.js'

export function registerReadDocTool(server: McpServer, client: DockClient): void {
  server.registerTool(
    'read_doc',
    {
      title: 'Read a doc',
      description:
        'Reads a doc (by id or title) with its sections: key, heading, body, version, last editor and lane owner. ' +
        'Give section to read just one. Without doc, lists the docs. Keep the versions: writes take them as expectedVersion.',
      inputSchema: {
        doc: z.string().optional().describe('Doc id or title; omit to list docs.'),
        section: z.string().optional().describe('Section key to read only that section.'),
        format: z.enum(['json', 'markdown']).optional().describe('markdown returns the whole doc as text.'),
      },
      annotations: { readOnlyHint: true },
    },
    ({ doc, section, format }) =>
      runTool(async () => {
        if (doc === undefined) return toolResult({ docs: await client.listDocs() })
        if (section !== undefined) return toolResult(await client.getSection(doc, section))
        if (format === 'markdown') {
          const text = await client.getDocMarkdown(doc)
          return { content: [{ type: 'text', text }] }
        }
        return toolResult(await client.getDoc(doc))
      }),
  )
}
