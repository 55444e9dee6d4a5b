import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import { namedResult, runTool, type ToolContext } from '../tool-result.js'
import { doc, lockLeaseMs, lockToken } from '../tool-schemas.js'

export function registerLockDocTools(server: McpServer, ctx: ToolContext): void {
  server.registerTool(
    'lock_doc',
    {
      title: 'Lock a doc',
      description:
        "Takes the exclusive lock on a doc for a while (a hand-off queue: one writer at a time). While you hold it, others' writes " +
        'fail with doc_locked, and yours carry lock.token as lockToken (write_section, replace_doc, unlock_doc). ' +
        'Locking again while you hold it renews it with a new token. Fails with doc_locked (details.lock) when someone else holds it. ' +
        'Unlock when done; the lock also ends by itself at lock.expiresAt.',
      inputSchema: { doc, leaseMs: lockLeaseMs.optional() },
    },
    ({ doc, leaseMs }) =>
      runTool(async () => {
        const { doc: locked, lock } = await ctx.client.lockDoc(doc, { leaseMs })
        return namedResult(ctx, async (legend) => ({
          doc: { id: locked.id, title: locked.title, version: locked.version },
          lock: { owner: await legend.name(lock.owner), token: lock.token, expiresAt: lock.expiresAt },
        }))
      }),
  )
  server.registerTool(
    'unlock_doc',
    {
      title: 'Unlock a doc',
      description:
        "Gives up your lock on a doc, with its token (operators may break anyone's). Unlocking a doc that is not locked does nothing.",
      inputSchema: { doc, token: lockToken.describe('lock.token from lock_doc.') },
    },
    ({ doc, token }) =>
      runTool(async () => {
        const unlocked = await ctx.client.unlockDoc(doc, { token })
        return namedResult(ctx, async () => ({
          doc: { id: unlocked.id, title: unlocked.title, version: unlocked.version },
          lock: null,
        }))
      }),
  )
}
