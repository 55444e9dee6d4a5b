import { createWriteStream, existsSync, renameSync, rmSync, statSync } from 'node:fs'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { ReadableStream as NodeReadableStream } from 'node:stream/web'
import path from 'node:path'

import type { Command } from 'commander'

import { checkBackupFile, sqliteFile, vacuumInto } from '../../backup/sqlite-backup.js'
import { CliError } from '../cli-error.js'
import { connect, globalOptions } from '../context.js'
import { formatJson } from '../format.js'
import type { CliIo } from '../io.js'
import { storeOptions } from '../server-options.js'

/**
 * `dock backup <file>`: a consistent snapshot of the whole store, from a
 * running server (`GET /v1/backup`, operator of workspace "default") or, with
 * --data, from the data directory itself. Either works while the server writes.
 */
export function registerBackupCommand(program: Command, io: CliIo): void {
  program
    .command('backup <file>')
    .description('write a consistent snapshot of the whole store to <file>, while the server runs')
    .option('-d, --data <dir>', 'read the SQLite data directory directly instead of asking the server')
    .addHelpText(
      'after',
      `
Without --data it asks the server at --url / DOCK_URL with an operator key of workspace
"default" (--token / DOCK_TOKEN). The snapshot holds every workspace, every key (as hashes)
and the whole log; restore it with: dock restore <file> --data <dir>.
Do not copy dock.db by hand: recent writes live in dock.db-wal until a checkpoint.
PostgreSQL stores are backed up with pg_dump (see README).`,
    )
    .action(async (file: string, opts: { data?: string }, cmd: Command) => {
      const options = globalOptions(cmd, io)
      const target = path.resolve(file)
      if (existsSync(target)) throw new CliError('already_exists', `${file} exists; a backup never overwrites a file`)
      let source: string
      if (opts.data !== undefined) {
        const store = storeOptions({ data: opts.data }, io)
        await vacuumInto(sqliteFile(store.dataDir), target)
        source = `sqlite in ${store.dataDir}`
      } else {
        const dock = await connect({ ...options, workspace: options.workspace ?? 'default' })
        const partial = `${target}.partial`
        try {
          const body = await dock.backup({ signal: io.signal })
          await pipeline(
            Readable.fromWeb(body as NodeReadableStream<Uint8Array>),
            createWriteStream(partial, { flags: 'wx' }),
          )
          checkBackupFile(partial)
          renameSync(partial, target)
        } catch (err) {
          rmSync(partial, { force: true })
          throw err
        }
        source = dock.baseUrl
      }
      const bytes = statSync(target).size
      if (options.json) io.stdout(formatJson({ file: target, bytes, source }))
      else
        io.stdout(
          `backup of ${source} written to ${target} (${bytes} bytes)\nrestore it with: dock restore ${file} --data <dir>\n`,
        )
    })
}
