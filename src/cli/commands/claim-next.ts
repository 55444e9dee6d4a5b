import type { Command } from 'commander'

import * as rows from '../../api/rows.js'
import type { Claim, ClaimNextInput, DockClient } from '../../client/index.js'
import { renderClaim } from '../claim-view.js'
import { CliError, QuietCliError } from '../cli-error.js'
import { contractInput } from '../contract-input.js'
import { connect, emit, globalOptions } from '../context.js'
import type { CliIo } from '../io.js'
import { collect, parseAssignments, parseDuration } from '../parse.js'

/** The events endpoint long-polls for at most this long per request (seconds). */
const MAX_POLL_S = 60

/**
 * `dock claim-next <table>`: the next eligible row (claimable, blockers done,
 * skills match, highest priority then oldest). With `--wait` it keeps trying
 * until the duration ends, woken by the log (any new event may have made a row
 * eligible: a new row, a release, a lapsed lease, a blocker done). Nothing to
 * claim prints `nothing to claim` (JSON `null`) and exits 8, so a shell loop
 * can tell "no work" from a failure.
 */
export function registerClaimNextCommand(program: Command, io: CliIo): void {
  program
    .command('claim-next <table>')
    .description('claim the next eligible row for you (priority, then oldest); exit 8 when there is none')
    .option('--lease <duration>', "lease length, e.g. 90s or 5m; a bare number is seconds (default: the table's)")
    .option('--where <column=value>', 'only rows with this value; repeatable', collect)
    .option(
      '--wait <duration>',
      'wait up to this long for eligible work, e.g. 30s or 10m; a bare number is seconds (default: do not wait)',
    )
    .addHelpText(
      'after',
      `
Exit status: 0 claimed (the row, its fencing token and lease expiry are printed), 8 nothing
to claim (with --wait: nothing became eligible before the duration ended), others as for
every command (dock --help).`,
    )
    .action(async (table: string, opts: { lease?: string; where?: string[]; wait?: string }, cmd: Command) => {
      const options = globalOptions(cmd, io)
      const waitMs = opts.wait === undefined ? 0 : parseDuration(opts.wait)
      const leaseMs = opts.lease === undefined ? undefined : parseDuration(opts.lease)
      const dock = await connect(options)
      let where: Record<string, unknown> | undefined
      if (opts.where !== undefined) {
        const columns = (await dock.getTable(table)).columns
        where = parseAssignments(opts.where, columns)
      }
      const input = contractInput(
        rows.claimNext.body,
        {
          ...(leaseMs === undefined ? {} : { leaseMs }),
          ...(where === undefined ? {} : { where }),
        },
        'claim-next',
      )
      let claim = await dock.claimNext(table, input)
      if (claim === null && waitMs > 0) {
        if (!options.json)
          io.stderr(`nothing to claim in ${table} yet; waiting up to ${opts.wait ?? ''} for work (Ctrl-C to stop)\n`)
        claim = await claimWaiting(dock, table, input, waitMs, io.signal)
      }
      await emit(io, options, claim, (c) => (c === null ? `nothing to claim in ${table}\n` : renderClaim('claimed', c)))
      if (claim === null) {
        // The output above already says so; the code is for scripts.
        throw new QuietCliError('nothing_to_claim', `nothing to claim in ${table}`)
      }
    })
}

/**
 * Tries, then sleeps on the log's long-poll until something happens, and
 * tries again, until `waitMs` has passed. The revision is read before each
 * try, so an event between a try and the poll wakes the poll at once. Any
 * event wakes it, not only this table's: a blocker done elsewhere counts too.
 */
async function claimWaiting(
  dock: DockClient,
  table: string,
  input: ClaimNextInput,
  waitMs: number,
  signal: AbortSignal,
): Promise<Claim | null> {
  const deadline = Date.now() + waitMs
  try {
    for (;;) {
      const since = (await dock.getWorkspace(dock.workspace, { signal })).revision
      const claim = await dock.claimNext(table, input, { signal })
      if (claim !== null) return claim
      const left = deadline - Date.now()
      if (left <= 0) return null
      await dock.events({ since, limit: 1, wait: Math.min(MAX_POLL_S, left / 1000) }, { signal })
    }
  } catch (err) {
    if (signal.aborted) throw new CliError('interrupted', 'claim-next --wait was interrupted')
    throw err
  }
}
