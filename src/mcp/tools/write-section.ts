import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import { namedResult, runTool, type ToolContext } from '../tool-result.js'
import { doc, expectedVersion, heading, lane, section, sectionBody, writeLockToken } from '../tool-schemas.js'
import { sectionView } from '../views.js'

export function registerWriteSectionTool(server: McpServer, ctx: ToolContext): void {
  server.registerTool(
    'write_section',
    {
      title: 'Write a doc section',
      description:
        'Writes the body of one section of a doc (a new key appends a section; create the doc first with create_doc). ' +
        'Writes to other sections never conflict with yours. ' +
        'Pass expectedVersion (the section version you read): on version_conflict, details.current is the section now. ' +
        'Or pass base (the body you read and edited): then edits others made meanwhile to other lines are merged in, and only ' +
        'overlapping edits fail with merge_conflict. Fails with doc_locked while another principal holds the doc lock; while you hold it, pass its lockToken.',
      inputSchema: {
        doc,
        key: section.describe('Section key.'),
        body: sectionBody.describe('The new section body (markdown, without the heading line).'),
        heading: heading.describe('Heading text, for a new section.'),
        expectedVersion: expectedVersion.describe(
          'Section version your edit is based on (0: the section must not exist yet).',
        ),
        base: sectionBody.optional().describe('The body your edit started from, to merge with concurrent edits.'),
        lockToken: writeLockToken,
        lane: lane.describe('Make a principal (name or id) the lane owner of the section; null clears.'),
      },
    },
    ({ doc, key, body, heading, expectedVersion, base, lane, lockToken }) =>
      runTool(async () => {
        const { client } = ctx
        const merging = base !== undefined
        const written = merging
          ? await client.writeSectionMerging(doc, key, base, body, { expectedVersion, heading, lockToken })
          : await client.writeSection(doc, key, { body, heading, expectedVersion, lane, lockToken })
        // The body is echoed only after a merge: then it holds others' lines too; otherwise the agent just sent it.
        return namedResult(ctx, async (legend) => ({
          section: await sectionView(written.section, legend, merging),
          doc: written.doc,
        }))
      }),
  )
}
