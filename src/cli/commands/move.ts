import type { Command } from 'commander'

import { connect, emit, globalOptions } from '../context.js'
import type { CliIo } from '../io.js'
import { parseAssignments, parseInteger, parseJsonObject } from '../parse.js'

interface MoveOptions {
  fencing?: string
  expectVersion?: string
  values?: string
}

/** `dock move <table> <id> <status>`: a workflow transition, gated by the table's rules. */
export function registerMoveCommand(program: Command, io: CliIo): void {
  program
    .command('move <table> <id> <status> [values...]')
    .alias('transition')
    .description('move a row to another status (a workflow transition); column=value pairs are written with it')
    .option('--fencing <token>', 'your fencing token, when you hold the claim')
    .option('--expect-version <n>', 'refuse unless the row is at this version')
    .option('--values <json>', 'values to write with the move, as JSON or @file')
    .action(async (table: string, id: string, to: string, assignments: string[], opts: MoveOptions, cmd: Command) => {
      const options = globalOptions(cmd, io)
      const dock = await connect(options)
      let values = opts.values === undefined ? undefined : parseJsonObject(opts.values, '--values')
      if (assignments.length > 0) {
        const columns = (await dock.getTable(table)).columns
        values = { ...values, ...parseAssignments(assignments, columns) }
      }
      const row = await dock.transition(table, id, {
        to,
        ...(opts.fencing === undefined ? {} : { fencingToken: parseInteger(opts.fencing, '--fencing') }),
        ...(opts.expectVersion === undefined
          ? {}
          : { expectedVersion: parseInteger(opts.expectVersion, '--expect-version') }),
        ...(values === undefined ? {} : { values }),
      })
      await emit(io, options, row, (r) => `moved ${r.table}/${r.id} to ${r.status} (v${r.version})\n`)
    })
}
