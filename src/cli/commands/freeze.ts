import type { Command } from 'commander'

import { connect, emit, globalOptions } from '../context.js'
import type { CliIo } from '../io.js'
import { describeFreeze } from '../workspace-view.js'

/** `dock freeze`: refuse all writes to the workspace, reads keep working (operator). */
export function registerFreezeCommand(program: Command, io: CliIo): void {
  program
    .command('freeze')
    .description('refuse all writes to the workspace; reads keep working (operator)')
    .action(async (_opts: unknown, cmd: Command) => {
      const options = globalOptions(cmd, io)
      await emit(io, options, await (await connect(options)).freeze(), describeFreeze)
    })
}
