import type { Command } from 'commander'

import * as rows from '../../api/rows.js'
import { renderClaim } from '../claim-view.js'
import { contractInput } from '../contract-input.js'
import { connect, emit, globalOptions } from '../context.js'
import type { CliIo } from '../io.js'
import { parseDuration, parseInteger } from '../parse.js'

/** `dock heartbeat <table> <id> --fencing <token>`: extend your lease. */
export function registerHeartbeatCommand(program: Command, io: CliIo): void {
  program
    .command('heartbeat <table> <id>')
    .description('extend the lease on a row you hold')
    .requiredOption('--fencing <token>', 'the fencing token your claim returned')
    .option('--lease <duration>', 'new lease length from now, e.g. 60s or 5m; a bare number is seconds')
    .action(async (table: string, id: string, opts: { fencing: string; lease?: string }, cmd: Command) => {
      const options = globalOptions(cmd, io)
      const input = contractInput(
        rows.heartbeat.body,
        {
          fencingToken: parseInteger(opts.fencing, '--fencing'),
          ...(opts.lease === undefined ? {} : { leaseMs: parseDuration(opts.lease) }),
        },
        'heartbeat',
      )
      const claim = await (await connect(options)).heartbeat(table, id, input)
      await emit(io, options, claim, (c) => renderClaim('extended', c))
    })
}
