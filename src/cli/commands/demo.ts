import type { Command } from 'commander'

import { CliError } from '../cli-error.js'
import type { CliIo } from '../io.js'

export function registerDemoCommand(program: Command, _io: CliIo): void {
  program
    .command('demo')
    .description('a scripted crew of agents working a task board (work in progress)')
    .action(() => {
      throw new CliError('usage', 'dock demo is not ready yet')
    })
}
