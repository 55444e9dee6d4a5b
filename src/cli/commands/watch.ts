import type { Command } from 'commander'

import { connect, globalOptions } from '../context.js'
import { filtersFrom, loadEventNames, renderEventLine, type FilterOptions } from '../event-view.js'
import type { CliIo } from '../io.js'
import { parseInteger } from '../parse.js'
import { Names } from '../names.js'
import { addEventFilterOptions } from './event-filter-options.js'

interface WatchCommandOptions extends FilterOptions {
  since?: string
}

/** `dock watch`: streams events (SSE) until Ctrl-C; --json prints one event per line. */
export function registerWatchCommand(program: Command, io: CliIo): void {
  const watch = program
    .command('watch')
    .description('stream events as they happen until Ctrl-C (--json: one JSON event per line)')
    .option('--since <revision>', 'replay from after this revision first (default: only new events)')
  addEventFilterOptions(watch).action(async (opts: WatchCommandOptions, cmd: Command) => {
    const options = globalOptions(cmd, io)
    const dock = connect(options)
    const names = new Names(dock)
    if (!options.json) io.stderr(`watching ${options.workspace} at ${options.url} (Ctrl-C to stop)\n`)
    const events = dock.watch({
      ...filtersFrom(opts),
      ...(opts.since === undefined ? {} : { since: parseInteger(opts.since, '--since') }),
      signal: io.signal,
      onReconnect: ({ attempt }) => {
        if (!options.json && attempt === 1) io.stderr('(disconnected; reconnecting…)\n')
      },
    })
    for await (const event of events) {
      if (options.json) io.stdout(`${JSON.stringify(event)}\n`)
      else {
        await loadEventNames([event], names)
        io.stdout(renderEventLine(event, names))
      }
    }
  })
}
