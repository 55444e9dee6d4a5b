import type { Command } from 'commander'

import { connect, emit, globalOptions } from '../context.js'
import type { CliIo } from '../io.js'
import { describeFreeze } from '../workspace-view.js'

/** `dock unfreeze`: allow writes again (operator). */
export function registerUnfreezeCommand(program: Command, io: CliIo): void {
  program
    .command('unfreeze')
    .description('allow writes again (operator)')
    .action(async (_opts: unknown, cmd: Command) => {
      const options = globalOptions(cmd, io)
      await emit(io, options, await (await connect(options)).unfreeze(), describeFreeze)
    })
}
