import type { Command } from 'commander'

import type { Row } from '../../domain/types.js'
import { connect, emit, globalOptions } from '../context.js'
import type { CliIo } from '../io.js'
import { Names } from '../names.js'
import { collectList, parseInteger } from '../parse.js'
import { renderRows } from '../row-view.js'

interface ListOptions {
  status?: string[]
  owner?: string
  ready?: boolean
  limit?: string
  all?: boolean
}

/** `dock row list <table>`: rows, filtered by status, owner or readiness. */
export function registerRowListCommand(group: Command, io: CliIo): void {
  group
    .command('list <table>')
    .alias('ls')
    .description('rows of a table, filtered by status, owner or readiness')
    .option('--status <list>', 'only these statuses', collectList)
    .option('--owner <principal>', 'only rows this principal holds')
    .option('--ready', 'only rows a claim could take now')
    .option('--limit <n>', 'at most this many rows per page (≤500)')
    .option('--all', 'follow pages to the end')
    .action(async (tableName: string, opts: ListOptions, cmd: Command) => {
      const options = globalOptions(cmd, io)
      const dock = await connect(options)
      const rows: Row[] = []
      let cursor: string | undefined
      let next: string | null
      do {
        const page = await dock.listRows(tableName, {
          ...(opts.status === undefined ? {} : { status: opts.status }),
          ...(opts.owner === undefined ? {} : { owner: opts.owner }),
          ...(opts.ready === true ? { ready: true } : {}),
          ...(opts.limit === undefined ? {} : { limit: parseInteger(opts.limit, '--limit') }),
          ...(cursor === undefined ? {} : { cursor }),
        })
        rows.push(...page.items)
        next = page.nextCursor
        cursor = next ?? undefined
      } while (opts.all === true && cursor !== undefined)
      await emit(io, options, { items: rows, nextCursor: next }, async (page) => {
        const table = await dock.getTable(tableName).catch(() => undefined)
        return renderRows(page.items, table, new Names(dock))
      })
      if (!options.json && next !== null) io.stderr('(more rows: --all, or --limit)\n')
    })
}
