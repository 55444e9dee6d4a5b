import type { Command } from 'commander'

import type { CliIo } from '../io.js'
import { registerOperatorResetKeyCommand } from './operator-reset-key.js'

/** `dock operator reset-key`: local maintenance of the operator's access. */
export function registerOperatorCommand(program: Command, io: CliIo): void {
  const operator = program.command('operator').description('local operator maintenance on the store itself: reset-key')
  registerOperatorResetKeyCommand(operator, io)
}
