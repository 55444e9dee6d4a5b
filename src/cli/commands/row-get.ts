import type { Command } from 'commander'

import { connect, emit, globalOptions } from '../context.js'
import type { CliIo } from '../io.js'
import { Names } from '../names.js'
import { renderRow } from '../row-view.js'

/** `dock row get <table> <id>`: one row with its claim and versions. */
export function registerRowGetCommand(group: Command, io: CliIo): void {
  group
    .command('get <table> <id>')
    .description('one row with its claim, versions and blockers')
    .action(async (tableName: string, id: string, _opts: unknown, cmd: Command) => {
      const options = globalOptions(cmd, io)
      const dock = await connect(options)
      const r = await dock.getRow(tableName, id)
      await emit(io, options, r, (v) => renderRow(v, new Names(dock)))
    })
}
