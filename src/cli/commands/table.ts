import type { Command } from 'commander'

import type { CliIo } from '../io.js'
import { registerTableCreateCommand } from './table-create.js'
import { registerTableListCommand } from './table-list.js'
import { registerTableShowCommand } from './table-show.js'

/** `dock table create|show|list`: typed tables and their workflow contract. */
export function registerTableCommand(program: Command, io: CliIo): void {
  const table = program.command('table').alias('tables').description('typed tables with a workflow: create, show, list')
  registerTableCreateCommand(table, io)
  registerTableShowCommand(table, io)
  registerTableListCommand(table, io)
}
