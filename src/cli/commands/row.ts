import type { Command } from 'commander'

import type { DockClient } from '../../client/index.js'
import type { Row, Table } from '../../domain/types.js'
import { connect, emit, globalOptions } from '../context.js'
import type { CliIo } from '../io.js'
import { collectList, parseAssignments, parseInteger, parseJsonObject } from '../parse.js'
import { Names } from '../names.js'
import { renderRow, renderRows } from '../row-view.js'

interface WriteOptions {
  values?: string
  blockedBy?: string[]
  skills?: string[]
  priority?: string
}

interface SetOptions extends WriteOptions {
  expectVersion?: string
  fencing?: string
  contract?: string
}

interface ListOptions {
  status?: string[]
  owner?: string
  ready?: boolean
  limit?: string
  all?: boolean
}

/** `dock row add|list|get|set`: rows of a table. */
export function registerRowCommand(program: Command, io: CliIo): void {
  const row = program.command('row').alias('rows').description('rows of a table: add, list, get, set')

  row
    .command('add <table> [values...]')
    .description('create a row: column=value pairs (typed by the table), column:=<json>, or --values')
    .option('--values <json>', 'values as a JSON object, or @file')
    .option('--blocked-by <ids>', 'rows that must be done first, comma-separated', collectList)
    .option('--skills <skills>', 'skills a claimant must have', collectList)
    .option('--priority <n>', 'higher is claimed first')
    .action(async (tableName: string, assignments: string[], opts: WriteOptions, cmd: Command) => {
      const options = globalOptions(cmd, io)
      const dock = connect(options)
      const values = await readValues(dock, tableName, assignments, opts.values)
      const created = await dock.createRow(tableName, {
        values,
        ...extras(opts),
      })
      emit(io, options, created, (r) => `created ${r.table}/${r.id} (${r.status}, v${r.version})\n`)
    })

  row
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
      const dock = connect(options)
      const rows: Row[] = []
      let cursor: string | undefined
      let next: string | null = null
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
      if (options.json) {
        emit(io, options, { items: rows, nextCursor: next }, () => '')
        return
      }
      const table = await dock.getTable(tableName).catch(() => undefined)
      io.stdout(await renderRows(rows, table, new Names(dock)))
      if (next !== null) io.stderr(`(more rows: --all, or --limit)\n`)
    })

  row
    .command('get <table> <id>')
    .description('one row with its claim, versions and blockers')
    .action(async (tableName: string, id: string, _opts: unknown, cmd: Command) => {
      const options = globalOptions(cmd, io)
      const dock = connect(options)
      const r = await dock.getRow(tableName, id)
      if (options.json) emit(io, options, r, () => '')
      else io.stdout(await renderRow(r, new Names(dock)))
    })

  row
    .command('set <table> <id> [values...]')
    .description('change values (not the status: use move); pin --expect-version for a safe write')
    .option('--values <json>', 'values as a JSON object, or @file')
    .option('--expect-version <n>', 'refuse (409 version_conflict) unless the row is at this version')
    .option('--fencing <token>', 'your fencing token, when you hold the claim')
    .option('--contract <n>', 'the contract version the values were written against')
    .option('--blocked-by <ids>', 'replace the blockers', collectList)
    .option('--skills <skills>', 'replace the required skills', collectList)
    .option('--priority <n>', 'new priority')
    .action(async (tableName: string, id: string, assignments: string[], opts: SetOptions, cmd: Command) => {
      const options = globalOptions(cmd, io)
      const dock = connect(options)
      const hasValues = assignments.length > 0 || opts.values !== undefined
      const values = hasValues ? await readValues(dock, tableName, assignments, opts.values) : undefined
      const updated = await dock.patchRow(tableName, id, {
        ...(values === undefined ? {} : { values }),
        ...extras(opts),
        ...(opts.expectVersion === undefined ? {} : { expectedVersion: parseInteger(opts.expectVersion, '--expect-version') }),
        ...(opts.fencing === undefined ? {} : { fencingToken: parseInteger(opts.fencing, '--fencing') }),
        ...(opts.contract === undefined ? {} : { contractVersion: parseInteger(opts.contract, '--contract') }),
      })
      emit(io, options, updated, (r) => `updated ${r.table}/${r.id} (${r.status}, v${r.version})\n`)
    })
}

async function readValues(dock: DockClient, tableName: string, assignments: readonly string[], json: string | undefined): Promise<Record<string, unknown>> {
  const base = json === undefined ? {} : parseJsonObject(json, '--values')
  if (assignments.length === 0) return base
  // Typing `points=3` as a number needs the columns; an unknown table fails on the write anyway.
  const table: Table | undefined = await dock.getTable(tableName).catch(() => undefined)
  return { ...base, ...parseAssignments(assignments, table?.columns ?? []) }
}

function extras(opts: WriteOptions): { blockedBy?: string[]; requiredSkills?: string[]; priority?: number } {
  return {
    ...(opts.blockedBy === undefined ? {} : { blockedBy: opts.blockedBy }),
    ...(opts.skills === undefined ? {} : { requiredSkills: opts.skills }),
    ...(opts.priority === undefined ? {} : { priority: parseInteger(opts.priority, '--priority') }),
  }
}
