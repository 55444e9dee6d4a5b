import type { Command } from 'commander'

import { connect, emit, globalOptions } from '../context.js'
import type { CliIo } from '../io.js'
import { collectList, parseInteger } from '../parse.js'
import { readValues, rowExtras, type RowWriteOptions } from '../row-input.js'

interface SetOptions extends RowWriteOptions {
  expectVersion?: string
  fencing?: string
  contract?: string
}

/** `dock row set <table> <id> [column=value…]`: change values, blockers, skills or priority. */
export function registerRowSetCommand(group: Command, io: CliIo): void {
  group
    .command('set <table> <id> [values...]')
    .description('change values (not the status: use move); pin --expect-version for a safe write')
    .option('--values <json>', 'values as a JSON object, or @file')
    .option('--expect-version <n>', 'refuse (409 version_conflict) unless the row is at this version')
    .option('--fencing <token>', 'your fencing token, when you hold the claim')
    .option('--contract <n>', 'the contract version the values were written against')
    .option('--blocked-by <ids>', 'replace the blockers', collectList)
    .option('--skills <skills>', 'replace the required skills', collectList)
    .option('--priority <n>', 'new priority')
    .action(async (tableName: string, id: string, assignments: string[], opts: SetOptions, cmd: Command) => {
      const options = globalOptions(cmd, io)
      const dock = await connect(options)
      const hasValues = assignments.length > 0 || opts.values !== undefined
      const values = hasValues ? await readValues(dock, tableName, assignments, opts.values) : undefined
      const updated = await dock.patchRow(tableName, id, {
        ...(values === undefined ? {} : { values }),
        ...rowExtras(opts),
        ...(opts.expectVersion === undefined
          ? {}
          : { expectedVersion: parseInteger(opts.expectVersion, '--expect-version') }),
        ...(opts.fencing === undefined ? {} : { fencingToken: parseInteger(opts.fencing, '--fencing') }),
        ...(opts.contract === undefined ? {} : { contractVersion: parseInteger(opts.contract, '--contract') }),
      })
      await emit(io, options, updated, (r) => `updated ${r.table}/${r.id} (${r.status}, v${r.version})\n`)
    })
}
