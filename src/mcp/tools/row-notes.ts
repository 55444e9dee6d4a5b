import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import { runTool, type ToolContext, toolResult } from '../tool-result.js'
import { noteText, rowId, table } from '../tool-schemas.js'

/** `notes`: read a row's notes, or add one when `text` is given (send-back reasons, questions, hand-offs). */
export function registerRowNotesTool(server: McpServer, { client }: ToolContext): void {
  server.registerTool(
    'notes',
    {
      title: "Read or add a row's notes",
      description:
        "Without text: the row's notes, oldest first (author id, time, text). With text: adds your note to the row. " +
        'Read the notes before reworking a row a reviewer sent back: the reason is there.',
      inputSchema: {
        table,
        id: rowId,
        text: noteText.optional().describe('A note to add; omit to read.'),
      },
    },
    ({ table, id, text }) =>
      runTool(async () => {
        if (text !== undefined) return toolResult({ note: await client.addNote(table, id, text) })
        const page = await client.notes(table, id, { limit: 100 })
        return toolResult({
          notes: page.items.map((n) => ({ revision: n.revision, ts: n.ts, actor: n.actor, text: n.text })),
          nextSince: page.nextSince,
        })
      }),
  )
}
