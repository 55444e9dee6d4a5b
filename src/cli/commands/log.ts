import type { Command } from 'commander'

import type { DockEvent } from '../../domain/types.js'
import { connect, emit, globalOptions } from '../context.js'
import { filtersFrom, loadEventNames, renderEventLine, type FilterOptions } from '../event-view.js'
import type { CliIo } from '../io.js'
import { parseInteger } from '../parse.js'
import { Names } from '../names.js'
import { addEventFilterOptions } from './event-filter-options.js'

interface LogOptions extends FilterOptions {
  since?: string
  limit?: string
  all?: boolean
}

/** `dock log`: the event log (the audit trail and change feed), oldest first. */
export function registerLogCommand(program: Command, io: CliIo): void {
  const log = program
    .command('log')
    .description('the event log, oldest first: who changed what, at which revision')
    .option('--since <revision>', 'events after this revision', '0')
    .option('--limit <n>', 'at most this many events (≤1000)', '100')
    .option('--all', 'follow pages to the head')
  addEventFilterOptions(log).action(async (opts: LogOptions, cmd: Command) => {
    const options = globalOptions(cmd, io)
    const dock = await connect(options)
    const filters = filtersFrom(opts)
    const limit = parseInteger(opts.limit ?? '100', '--limit')
    let since = parseInteger(opts.since ?? '0', '--since')
    const items: DockEvent[] = []
    let revision: number
    let nextSince: number
    for (;;) {
      const page = await dock.events({ ...filters, since, limit })
      items.push(...page.items)
      revision = page.revision
      nextSince = page.nextSince
      if (opts.all !== true || page.items.length === 0 || page.nextSince <= since) break
      since = page.nextSince
    }
    await emit(io, options, { items, revision, nextSince }, async (page) => {
      if (page.items.length === 0) return '(no events)\n'
      const names = new Names(dock)
      await loadEventNames(page.items, names)
      return page.items.map((e) => renderEventLine(e, names)).join('')
    })
  })
}
