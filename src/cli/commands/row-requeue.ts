import type { Command } from 'commander'

import { connect, emit, globalOptions } from '../context.js'
import type { CliIo } from '../io.js'
import { parseInteger } from '../parse.js'

/** `dock row requeue <table> <id>`: operator, a dead-letter row back to its claimable status. */
export function registerRowRequeueCommand(group: Command, io: CliIo): void {
  group
    .command('requeue <table> <id>')
    .description('operator: send a dead-letter row back to its claimable status, attempts reset')
    .option('--expect-version <n>', 'refuse unless the row is at this version')
    .action(async (table: string, id: string, opts: { expectVersion?: string }, cmd: Command) => {
      const options = globalOptions(cmd, io)
      const dock = await connect(options)
      const row = await dock.requeue(
        table,
        id,
        opts.expectVersion === undefined
          ? {}
          : { expectedVersion: parseInteger(opts.expectVersion, '--expect-version') },
      )
      await emit(io, options, row, (r) => `requeued ${r.table}/${r.id} to ${r.status} (v${r.version})\n`)
    })
}
