import type { Command } from 'commander'

import * as tables from '../../api/tables.js'
import type { CreateTableInput, WorkflowInput } from '../../client/index.js'
import type { Column } from '../../domain/types.js'
import { CliError } from '../cli-error.js'
import { parseContract } from '../contract-input.js'
import { connect, emit, globalOptions } from '../context.js'
import type { CliIo } from '../io.js'
import {
  collect,
  collectList,
  parseColumnSpec,
  parseDuration,
  parseInteger,
  parseJsonArg,
  parseJsonObject,
  parseList,
  parseTransitionSpec,
  readTextFile,
} from '../parse.js'
import { describeTable } from '../table-view.js'

export interface TableCreateOptions {
  file?: string
  columns?: string
  workflow?: string
  column?: string[]
  statuses?: string[]
  initial?: string
  done?: string[]
  /** `from[,from…]:to`, or false for --no-claim. */
  claim?: string | false
  claimFrom?: string[]
  claimTo?: string
  lease?: string
  maxAttempts?: string
  deadLetter?: string
  transition?: string[]
}

/** Without any workflow flag a table gets this one: claim todo → in_progress, the owner finishes it. */
const DEFAULT_STATUSES = ['todo', 'in_progress', 'done']

/** `dock table create [name]`: a table from a JSON spec, inline JSON, or flags. */
export function registerTableCreateCommand(group: Command, io: CliIo): void {
  group
    .command('create [name]')
    .description('create a table from a JSON spec (--file) or from flags')
    .option('-f, --file <path>', 'JSON {name?, columns, workflow} (or - for standard input)')
    .option('--columns <columns>', 'columns as JSON, @file, or comma-separated specs (title:text!,points:integer)')
    .option('--workflow <json>', 'workflow as JSON, or @file')
    .option('-c, --column <spec>', 'a column: name:type[(enum a|b / ref table)][!][=default]; repeatable', collect)
    .option('--statuses <list>', `statuses, comma-separated (default ${DEFAULT_STATUSES.join(',')})`, collectList)
    .option('--initial <status>', 'status of new rows (default: the first)')
    .option('--done <list>', 'statuses that satisfy blockedBy (default: the last)', collectList)
    .option(
      '--claim <from:to>',
      'the claim rule: claimable status(es), then the status a claim moves to, e.g. todo:in_progress',
    )
    .option('--no-claim', 'rows cannot be claimed')
    .option('--claim-from <list>', 'claimable statuses (default: the initial one)', collectList)
    .option('--claim-to <status>', 'status a claim moves to (default: the second status)')
    .option('--lease <duration>', 'lease length, e.g. 60s or 5m; a bare number is seconds')
    .option('--max-attempts <n>', 'claims before a lapsed lease dead-letters the row')
    .option('--dead-letter <status>', 'status after the last failed attempt')
    .option('-t, --transition <spec>', '"from->to by who[,who] [require not:author]"; repeatable', collect)
    .addHelpText(
      'after',
      `
Examples:
  dock table create tasks -c title:text! -c points:integer=1 \\
    --statuses todo,in_progress,ready_for_review,done \\
    -t "in_progress->ready_for_review by owner" \\
    -t "ready_for_review->done by reviewer require not:author"
  dock table create --file tasks.json
  dock table create notes --columns '[{"name":"text","type":"text"}]' --workflow '{"statuses":["open","closed"],"claim":null}'

Without --statuses/--workflow the table gets todo,in_progress,done: claim todo -> in_progress,
and "in_progress->done by owner" unless --transition says otherwise.`,
    )
    .action(async (name: string | undefined, opts: TableCreateOptions, cmd: Command) => {
      const options = globalOptions(cmd, io)
      const input = buildTableInput(name, opts)
      const created = await (await connect(options)).createTable(input)
      await emit(
        io,
        options,
        created,
        (t) => `created table ${t.name} (contract v${t.contractVersion})\n${describeTable(t)}`,
      )
    })
}

/** The create request from a spec file, inline JSON and flags (flags win). */
export function buildTableInput(name: string | undefined, opts: TableCreateOptions): CreateTableInput {
  const spec =
    opts.file === undefined ? {} : parseJsonObject(opts.file === '-' ? readTextFile('-') : `@${opts.file}`, '--file')
  const tableName = name ?? (typeof spec['name'] === 'string' ? spec['name'] : undefined)
  if (tableName === undefined) throw new CliError('usage', 'the table needs a name (argument or "name" in --file)')

  let columns = (spec['columns'] as Column[] | undefined) ?? []
  if (opts.columns !== undefined) columns = parseColumns(opts.columns)
  columns = [...columns, ...(opts.column ?? []).map(parseColumnSpec)]

  let workflow = spec['workflow'] as WorkflowInput | undefined
  if (opts.workflow !== undefined) workflow = parseJsonObject(opts.workflow, '--workflow') as unknown as WorkflowInput
  workflow = applyWorkflowFlags(workflow, opts)
  // The spec file's JSON and the flags meet here: checked as the server will, so a mistake is a usage error.
  return parseContract(tables.createTable.body, { name: tableName, columns, workflow }, 'table')
}

function applyWorkflowFlags(base: WorkflowInput | undefined, opts: TableCreateOptions): WorkflowInput {
  const statuses = opts.statuses ?? base?.statuses ?? DEFAULT_STATUSES
  if (statuses.length === 0) throw new CliError('usage', '--statuses must name at least one status')
  const initial = opts.initial ?? base?.initial
  const done = opts.done ?? base?.done

  // Flags adjust the claim rule of the spec; with no spec the rule is "claim the initial status into the second".
  let claim: WorkflowInput['claim'] = base === undefined ? defaultClaim(statuses, initial) : base.claim
  if (opts.claim === false) claim = null
  else if (hasClaimFlags(opts)) {
    const rule = {
      ...(claim ?? defaultClaim(statuses, initial)),
      ...(opts.claim === undefined ? {} : parseClaimSpec(opts.claim)),
      ...(opts.claimFrom === undefined ? {} : { from: opts.claimFrom }),
      ...(opts.claimTo === undefined ? {} : { to: opts.claimTo }),
      ...(opts.lease === undefined ? {} : { leaseMs: parseDuration(opts.lease) }),
      ...(opts.maxAttempts === undefined ? {} : { maxAttempts: parseInteger(opts.maxAttempts, '--max-attempts') }),
      ...(opts.deadLetter === undefined ? {} : { deadLetter: opts.deadLetter }),
    }
    const { to } = rule
    if (to === undefined) throw new CliError('usage', 'the claim rule needs the status a claim moves to (--claim-to)')
    claim = { ...rule, to }
  }

  let transitions = base?.transitions
  if (opts.transition !== undefined) transitions = [...(transitions ?? []), ...opts.transition.map(parseTransitionSpec)]
  else if (base === undefined && opts.statuses === undefined)
    transitions = [{ from: 'in_progress', to: 'done', by: ['owner'] }]

  return {
    ...base,
    statuses,
    ...(initial === undefined ? {} : { initial }),
    ...(done === undefined ? {} : { done }),
    ...(claim === undefined ? {} : { claim }),
    ...(transitions === undefined ? {} : { transitions }),
  }
}

function defaultClaim(statuses: readonly string[], initial: string | undefined): WorkflowInput['claim'] {
  const from = initial ?? statuses[0]
  const to = statuses.find((s) => s !== from)
  return from === undefined || to === undefined ? null : { from: [from], to }
}

function hasClaimFlags(opts: TableCreateOptions): boolean {
  return [opts.claim, opts.claimFrom, opts.claimTo, opts.lease, opts.maxAttempts, opts.deadLetter].some(
    (v) => v !== undefined,
  )
}

/** `--columns`: a JSON array (inline or @file), or comma-separated column specs. */
function parseColumns(text: string): Column[] {
  const trimmed = text.trim()
  if (trimmed.startsWith('[') || trimmed.startsWith('@')) {
    const parsed = parseJsonArg(trimmed, '--columns')
    if (!Array.isArray(parsed)) throw new CliError('usage', '--columns must be a JSON array or column specs')
    return parsed as Column[]
  }
  return parseList(trimmed).map(parseColumnSpec)
}

/** `todo:in_progress`, `todo,blocked:in_progress`. */
function parseClaimSpec(spec: string): { from: string[]; to: string } {
  const at = spec.lastIndexOf(':')
  const from = parseList(spec.slice(0, Math.max(at, 0)))
  const to = spec.slice(at + 1).trim()
  if (at <= 0 || from.length === 0 || to === '')
    throw new CliError('usage', `bad --claim ${spec} (try todo:in_progress)`)
  return { from, to }
}
