import type { Command } from 'commander'

import type { CliIo } from '../io.js'
import { describeStore, resetKeyCommand, storeOptions } from '../server-options.js'

/** `dock init`: create the data store, workspace "default" and its operator, without serving. */
export function registerInitCommand(program: Command, io: CliIo): void {
  program
    .command('init')
    .description('initialize the data store and print the operator key, without serving')
    .option('-d, --data <dir>', 'data directory (env DOCK_DATA_DIR, default ./dock-data)')
    .action(async (opts: { data?: string }, cmd: Command) => {
      const store = storeOptions(opts, io)
      const { openDock } = await import('../../http/serve.js')
      const dock = await openDock(store)
      try {
        const json = cmd.optsWithGlobals<{ json?: boolean }>().json === true
        if (json) {
          io.stdout(
            `${JSON.stringify({ store: describeStore(store), created: dock.created, operatorKey: dock.operatorKey })}\n`,
          )
        } else if (dock.created && dock.operatorKey === null) {
          io.stdout(
            `initialized ${describeStore(store)}: workspace "default"; the operator key is the one in DOCK_OPERATOR_TOKEN.\n`,
          )
        } else if (dock.operatorKey !== null) {
          io.stdout(
            `initialized ${describeStore(store)}: workspace "default" and its operator.\n` +
              `operator key: ${dock.operatorKey}\n` +
              `(shown only now; store it, e.g. export DOCK_TOKEN=${dock.operatorKey})\n`,
          )
        } else {
          io.stdout(
            `${describeStore(store)} is already initialized; its operator key was printed when it was created.\n` +
              `Lost it? ${resetKeyCommand(store)} issues a new one (the old one stops working).\n`,
          )
        }
      } finally {
        await dock.close()
      }
    })
}
