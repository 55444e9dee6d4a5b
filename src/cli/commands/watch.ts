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
    .option(
      '--since <revision>',
      'replay the log after this revision first (0: the whole log; default: only events from now on)',
    )
  addEventFilterOptions(watch).action(async (opts: WatchCommandOptions, cmd: Command) => {
    const options = globalOptions(cmd, io)
    const dock = await connect(options)
    const names = new Names(dock)
    // The SDK's own default is the whole log (a program resuming a feed); a person typing
    // `dock watch` wants what happens next. The head is read before "watching" is printed,
    // so anything written after that line appears.
    const fromNow = opts.since === undefined
    const since = fromNow ? (await dock.getWorkspace()).revision : parseInteger(opts.since ?? '0', '--since')
    if (!options.json)
      io.stderr(
        `watching ${dock.workspace} at ${options.url} ${fromNow ? `from now (revision ${since})` : `after revision ${since}`} (Ctrl-C to stop)\n`,
      )
    const events = dock.watch({
      ...filtersFrom(opts),
      since,
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
