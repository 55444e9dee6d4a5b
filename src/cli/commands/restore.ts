import path from 'node:path'

import type { Command } from 'commander'

import { restoreSqlite } from '../../backup/sqlite-backup.js'
import { formatJson } from '../format.js'
import type { CliIo } from '../io.js'
import { storeOptions } from '../server-options.js'

/**
 * `dock restore <file> --data <dir>`: makes the data directory hold the
 * backed-up store: the same workspaces, keys and log. It refuses a non-empty
 * directory unless --force (and then its server must be stopped).
 */
export function registerRestoreCommand(program: Command, io: CliIo): void {
  program
    .command('restore <file>')
    .description('make a SQLite data directory hold the store of a backup (refuses a non-empty one without --force)')
    .requiredOption('-d, --data <dir>', 'the data directory to restore into')
    .option('--force', 'replace the store already in <dir> (stop its server first)')
    .addHelpText('after', '\nPostgreSQL: restore a pg_dump with pg_restore instead (see README).')
    .action(async (file: string, opts: { data: string; force?: boolean }, cmd: Command) => {
      const store = storeOptions({ data: opts.data }, io)
      const source = path.resolve(file)
      await restoreSqlite(source, store.dataDir, opts.force === true)
      if (cmd.optsWithGlobals<{ json?: boolean }>().json === true)
        io.stdout(formatJson({ file: source, dataDir: store.dataDir }))
      else
        io.stdout(
          `restored ${source} into ${store.dataDir}\nstart it with: dock serve --data ${opts.data} (same workspaces, keys and log)\n`,
        )
    })
}
