import type { Command } from 'commander'

import type { CliIo } from '../io.js'
import { registerRowAddCommand } from './row-add.js'
import { registerRowGetCommand } from './row-get.js'
import { registerRowListCommand } from './row-list.js'
import { registerRowNoteCommands } from './row-note.js'
import { registerRowRequeueCommand } from './row-requeue.js'
import { registerRowSetCommand } from './row-set.js'

/** `dock row add|list|get|set|note|notes|requeue`: rows of a table. */
export function registerRowCommand(program: Command, io: CliIo): void {
  const row = program
    .command('row')
    .alias('rows')
    .description('rows of a table: add, list, get, set, note, notes, requeue')
  registerRowAddCommand(row, io)
  registerRowListCommand(row, io)
  registerRowGetCommand(row, io)
  registerRowSetCommand(row, io)
  registerRowNoteCommands(row, io)
  registerRowRequeueCommand(row, io)
}
