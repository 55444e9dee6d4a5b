import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import { z } from 'zod'
import type { DockClient } from '../../client/dock-client.js'
import { runTool, toolResult } from '../tool-result.js'

export function registerWriteSectionTool(server: McpServer, client: DockClient): void {
  server.registerTool(
    'write_section',
    {
      title: 'Write a doc section',
      description:
        'Writes the body of one section of a doc (a new key appends a section). Writes to other sections never conflict with yours. ' +
        'Pass expectedVersion (the section version you read): on version_conflict, details.current is the section now. ' +
        'Or pass base (the body you read and edited): then edits others made meanwhile to other lines are merged in, and only ' +
        'overlapping edits fail with merge_conflict.',
      inputSchema: {
        doc: z.string().describe('Doc id or title.'),
        key: z.string().describe('Section key.'),
        body: z.string().describe('The new section body (markdown, without the heading line).'),
        heading: z.string().optional().describe('Heading text, for a new section.'),
        expectedVersion: z.number().int().optional().describe('Section version your edit is based on.'),
        base: z.string().optional().describe('The body your edit started from, to merge with concurrent edits.'),
        lane: z.string().nullable().optional().describe('Make a principal the lane owner of the section (null clears).'),
      },
    },
    ({ doc, key, body, heading, expectedVersion, base, lane }) =>
      runTool(async () => {
        if (base !== undefined) {
          return toolResult(await client.writeSectionMerging(doc, key, base, body, { expectedVersion, heading }))
        }
        return toolResult(await client.writeSection(doc, key, { body, heading, expectedVersion, lane }))
      }),
  )
}
