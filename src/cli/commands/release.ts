import type { Command } from 'commander'

import { connect, emit, globalOptions } from '../context.js'
import type { CliIo } from '../io.js'
import { parseInteger } from '../parse.js'

/** `dock release <table> <id> --fencing <token>`: give a claimed row back. */
export function registerReleaseCommand(program: Command, io: CliIo): void {
  program
    .command('release <table> <id>')
    .description('give a row back: it returns to the status it was claimed from')
    .requiredOption('--fencing <token>', 'the fencing token your claim returned')
    .action(async (table: string, id: string, opts: { fencing: string }, cmd: Command) => {
      const options = globalOptions(cmd, io)
      const row = await (
        await connect(options)
      ).release(table, id, { fencingToken: parseInteger(opts.fencing, '--fencing') })
      await emit(io, options, row, (r) => `released ${r.table}/${r.id} (now ${r.status})\n`)
    })
}
