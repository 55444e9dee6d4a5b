import type { Command } from 'commander'

import { renderClaim } from '../claim-view.js'
import { connect, emit, globalOptions } from '../context.js'
import type { CliIo } from '../io.js'
import { collect, parseAssignments, parseDuration } from '../parse.js'

/**
 * `dock claim-next <table>`: the next eligible row (claimable, blockers done,
 * skills match, highest priority then oldest). Nothing eligible is not an error:
 * it prints `nothing to claim` (JSON `null`) and exits 0.
 */
export function registerClaimNextCommand(program: Command, io: CliIo): void {
  program
    .command('claim-next <table>')
    .description('claim the next eligible row for you (priority, then oldest)')
    .option('--lease <duration>', 'lease length, e.g. 60s (default: the table\'s)')
    .option('--where <column=value>', 'only rows with this value; repeatable', collect)
    .action(async (table: string, opts: { lease?: string; where?: string[] }, cmd: Command) => {
      const options = globalOptions(cmd, io)
      const dock = connect(options)
      let where: Record<string, unknown> | undefined
      if (opts.where !== undefined) {
        const columns = (await dock.getTable(table)).columns
        where = parseAssignments(opts.where, columns)
      }
      const claim = await dock.claimNext(table, {
        ...(opts.lease === undefined ? {} : { leaseMs: parseDuration(opts.lease) }),
        ...(where === undefined ? {} : { where }),
      })
      await emit(io, options, claim, (c) => (c === null ? `nothing to claim in ${table}\n` : renderClaim('claimed', c)))
    })
}
