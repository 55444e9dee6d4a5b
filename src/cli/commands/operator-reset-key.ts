import type { Command } from 'commander'

import { formatJson } from '../format.js'
import type { CliIo } from '../io.js'
import { describeStore, openExistingStore, storeOptions } from '../server-options.js'

interface ResetKeyOptions {
  data?: string
  databaseUrl?: string
  name: string
}

/**
 * `dock operator reset-key`: a new key for an operator, printed once; the old
 * key stops working. It opens the store directly (no server, no key needed):
 * having the data directory or the database URL is the authority. A running
 * server sees the new key at once.
 */
export function registerOperatorResetKeyCommand(group: Command, io: CliIo): void {
  group
    .command('reset-key')
    .description(
      'issue a new key for an operator, printed once (local: opens the store directly; the old key stops working)',
    )
    .option('-d, --data <dir>', 'SQLite data directory (env DOCK_DATA_DIR, default ./dock-data)')
    .option('--database-url <url>', 'PostgreSQL store instead (env DOCK_DATABASE_URL)')
    .option('--name <principal>', 'the operator whose key to reset', 'operator')
    .addHelpText(
      'after',
      `
The workspace is --workspace / DOCK_WORKSPACE (default "default"). The reset is logged
as principal.updated by "system" (request id "dock operator reset-key"); the key is not.`,
    )
    .action(async (opts: ResetKeyOptions, cmd: Command) => {
      const store = storeOptions(opts, io)
      const globals = cmd.optsWithGlobals<{ workspace?: string; json?: boolean }>()
      const ws = globals.workspace ?? (io.env['DOCK_WORKSPACE'] || 'default')
      const service = await openExistingStore(store)
      try {
        const reset = await service.identity.resetOperatorKey(ws, opts.name)
        if (globals.json === true) {
          io.stdout(
            formatJson({
              store: describeStore(store),
              workspace: reset.workspace.name,
              principal: reset.principal,
              key: reset.key,
            }),
          )
        } else {
          io.stdout(
            `reset the key of ${reset.principal.name} (${reset.principal.id}) in workspace "${reset.workspace.name}" (${describeStore(store)}).\n` +
              `operator key: ${reset.key}\n` +
              `(shown only now; the old key no longer works. export DOCK_TOKEN=${reset.key})\n`,
          )
        }
      } finally {
        await service.close()
      }
    })
}
