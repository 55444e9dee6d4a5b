import type { Command } from 'commander'

import { connect, emit, globalOptions } from '../context.js'
import type { CliIo } from '../io.js'
import { collectList } from '../parse.js'
import { readValues, rowExtras, type RowWriteOptions } from '../row-input.js'

/** `dock row add <table> [column=value…]`: a new row. */
export function registerRowAddCommand(group: Command, io: CliIo): void {
  group
    .command('add <table> [values...]')
    .description('create a row: column=value pairs (typed by the table), column:=<json>, or --values')
    .option('--values <json>', 'values as a JSON object, or @file')
    .option('--blocked-by <ids>', 'rows that must be done first, comma-separated', collectList)
    .option('--skills <skills>', 'skills a claimant must have', collectList)
    .option('--priority <n>', 'higher is claimed first')
    .action(async (tableName: string, assignments: string[], opts: RowWriteOptions, cmd: Command) => {
      const options = globalOptions(cmd, io)
      const dock = await connect(options)
      const values = await readValues(dock, tableName, assignments, opts.values)
      const created = await dock.createRow(tableName, {
        values,
        ...rowExtras(opts),
      })
      await emit(io, options, created, (r) => `created ${r.table}/${r.id} (${r.status}, v${r.version})\n`)
    })
}
