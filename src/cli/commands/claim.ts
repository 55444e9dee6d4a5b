import type { Command } from 'commander'

import * as rows from '../../api/rows.js'
import { renderClaim } from '../claim-view.js'
import { contractInput } from '../contract-input.js'
import { connect, emit, globalOptions } from '../context.js'
import type { CliIo } from '../io.js'
import { parseDuration } from '../parse.js'

/** `dock claim <table> <id>`: take one row; 409 already_claimed if someone holds it. */
export function registerClaimCommand(program: Command, io: CliIo): void {
  program
    .command('claim <table> <id>')
    .description('claim a row: prints the fencing token to carry on your writes')
    .option('--lease <duration>', "lease length, e.g. 60s or 5m; a bare number is seconds (default: the table's)")
    .action(async (table: string, id: string, opts: { lease?: string }, cmd: Command) => {
      const options = globalOptions(cmd, io)
      const input = contractInput(
        rows.claim.body,
        opts.lease === undefined ? {} : { leaseMs: parseDuration(opts.lease) },
        '--lease',
      )
      const claim = await (await connect(options)).claim(table, id, input)
      await emit(io, options, claim, (c) => renderClaim('claimed', c))
    })
}
