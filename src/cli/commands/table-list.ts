import type { Command } from 'commander'

import { connect, emit, globalOptions } from '../context.js'
import { renderTable } from '../format.js'
import type { CliIo } from '../io.js'

/** `dock table list`: the tables of the workspace. */
export function registerTableListCommand(group: Command, io: CliIo): void {
  group
    .command('list')
    .alias('ls')
    .description('all tables of the workspace')
    .action(async (_opts: unknown, cmd: Command) => {
      const options = globalOptions(cmd, io)
      const tables = await (await connect(options)).listTables()
      await emit(io, options, tables, (ts) =>
        renderTable(
          ['name', 'contract', 'columns', 'statuses'],
          ts.map((t) => [t.name, `v${t.contractVersion}`, t.columns.map((c) => c.name), t.workflow.statuses]),
        ),
      )
    })
}
