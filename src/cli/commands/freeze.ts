import type { Command } from 'commander'

import type { Workspace } from '../../domain/types.js'
import { connect, emit, globalOptions } from '../context.js'
import type { CliIo } from '../io.js'

/** `dock freeze` / `dock unfreeze`: stop all writes to the workspace, or allow them again (operator). */
export function registerFreezeCommands(program: Command, io: CliIo): void {
  for (const verb of ['freeze', 'unfreeze'] as const) {
    program
      .command(verb)
      .description(verb === 'freeze' ? 'refuse all writes to the workspace; reads keep working (operator)' : 'allow writes again (operator)')
      .action(async (_opts: unknown, cmd: Command) => {
        const options = globalOptions(cmd, io)
        const dock = connect(options)
        const ws: Workspace = verb === 'freeze' ? await dock.freeze() : await dock.unfreeze()
        emit(io, options, ws, (w) => `workspace ${w.name} is ${w.frozen ? 'frozen: writes are refused' : 'open for writes'} (revision ${w.revision})\n`)
      })
  }
}
