import type { Command } from 'commander'

import { connect, emit, globalOptions } from '../context.js'
import type { CliIo } from '../io.js'
import { describeTable } from '../table-view.js'

/** `dock table show <name>`: columns, workflow and contract version. */
export function registerTableShowCommand(group: Command, io: CliIo): void {
  group
    .command('show <name>')
    .description('columns, workflow and contract version of a table')
    .action(async (name: string, _opts: unknown, cmd: Command) => {
      const options = globalOptions(cmd, io)
      const t = await (await connect(options)).getTable(name)
      await emit(
        io,
        options,
        t,
        (v) => `table ${v.name} (${v.id}), contract v${v.contractVersion}\n${describeTable(v)}`,
      )
    })
}
