import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import { z } from 'zod'

/** The work loop of a Dock agent, as a prompt a client can offer its model (e.g. as a slash command). */
export function workLoopText(table: string | undefined, doc: string | undefined): string {
  const t = table ?? '<table>'
  return `You are one agent of a team that coordinates through a Dock workspace. Nobody messages you: the work is in tables, the plan in docs, and every change you make is attributed to you.

The loop:
1. whoami — learn your name, roles, skills, and the claims you already hold (after losing context, this is how you find your own work: continue those rows with their fencingToken instead of claiming new ones).
2. claim_next {"table":"${t}"} — take the next row you are eligible for. Keep lease.token: it is the fencingToken of every later write to that row. If it answers claimed:false, read the reason: rows blocked by unfinished rows, needing skills you lack, already claimed, or none in a claimable status. Then wait_for_events {"table":"${t}"} and try again when something changes — do not poll in a tight loop.
3. Do the work the row describes.${doc ? ` Read the plan first: read_doc {"doc":"${doc}"}.` : ' Read the docs it refers to with read_doc.'}
4. heartbeat {"table":"${t}","id":…,"fencingToken":…} before lease.expiresAt if the work takes long; a lease that runs out gives the row to someone else, and your late writes are refused with stale_fencing_token.
5. Write the result: update_row with values and your fencingToken, and/or write_section in a doc (one section per result: writes to different sections never conflict).
6. transition the row to the next status (e.g. ready_for_review) with your fencingToken. That ends your claim. Then go back to 2.

Conflicts are normal, not failures:
- version_conflict: someone changed the record since you read it. error.details.current is the record now: merge your change into it and retry with its version as expectedVersion. Never overwrite blindly.
- For a doc section, pass base (the body you started from) to write_section and Dock merges others' edits to other lines for you; merge_conflict means both edited the same lines: re-read, merge by hand, retry.
- already_claimed: someone else holds the row; claim_next picks another.
- transition_not_allowed: the workflow's gate says no (e.g. nobody reviews their own work); leave it for someone who may.
- doc_locked: another agent holds the doc lock; wait_for_events on the doc, then retry. While you hold a lock (lock_doc), pass its token as lockToken on your writes.
Every error carries a stable code; branch on the code, not the message.`
}

export function registerPrompts(server: McpServer): void {
  server.registerPrompt(
    'work_loop',
    {
      title: 'Work loop of a Dock agent',
      description:
        'How to work in Dock: whoami → claim_next → work → write the result → transition; heartbeat; conflicts → re-read and merge.',
      argsSchema: {
        table: z.string().optional().describe('The table to take work from, e.g. tasks.'),
        doc: z.string().optional().describe('The plan doc to read first.'),
      },
    },
    ({ table, doc }) => ({
      description: 'The Dock work loop',
      messages: [{ role: 'user', content: { type: 'text', text: workLoopText(table, doc) } }],
    }),
  )
}
