import { readFileSync } from 'node:fs'

import type { z } from 'zod'

import { COLUMN_TYPES, workflowTransition } from '../api/tables.js'
import type { Column, ColumnType } from '../domain/types.js'
import { CliError } from './cli-error.js'
import { parseContract } from './contract-input.js'

/** Reads a file, as a CliError when it cannot. `-` is standard input. */
export function readTextFile(path: string): string {
  try {
    return readFileSync(path === '-' ? 0 : path, 'utf8')
  } catch (err) {
    throw new CliError('io_error', `cannot read ${path === '-' ? 'standard input' : path}: ${(err as Error).message}`)
  }
}

/** JSON given inline (`'{"a":1}'`) or as `@path` (or `@-` for standard input). */
export function parseJsonArg(text: string, what: string): unknown {
  const source = text.startsWith('@') ? readTextFile(text.slice(1)) : text
  try {
    return JSON.parse(source) as unknown
  } catch (err) {
    throw new CliError('usage', `${what} is not valid JSON: ${(err as Error).message}`)
  }
}

export function parseJsonObject(text: string, what: string): Record<string, unknown> {
  const value = parseJsonArg(text, what)
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CliError('usage', `${what} must be a JSON object`)
  }
  return value as Record<string, unknown>
}

/** `a,b , c` → `['a','b','c']`; repeated flags are concatenated by the caller. */
export function parseList(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
}

export function collectList(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), ...parseList(value)]
}

export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value]
}

/**
 * `1500ms`, `30s`, `5m`, `2h` → milliseconds. A bare number is seconds: `--lease 10`
 * meaning 10 ms (a lease that has lapsed before the reply arrives) surprised every
 * first user, and seconds is what people mean when they leave the unit out.
 */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/.exec(text.trim())
  if (match === null)
    throw new CliError('usage', `not a duration: ${text} (try 500ms, 30s, 5m, 2h; a bare number is seconds)`)
  const n = Number(match[1])
  const unit = match[2] ?? 's'
  const factor = unit === 'h' ? 3_600_000 : unit === 'm' ? 60_000 : unit === 's' ? 1000 : 1
  return Math.round(n * factor)
}

export function parseInteger(text: string, what: string): number {
  const n = Number(text)
  if (!Number.isInteger(n)) throw new CliError('usage', `${what} must be an integer, not ${text}`)
  return n
}

/**
 * A column from `name:type`, with `(a|b)` arguments for enum values or a ref's table,
 * `!` for required and `=value` for a default:
 * `title:text!`, `points:integer=1`, `kind:enum(bug|feature)`, `parent:ref(tasks)`.
 */
export function parseColumnSpec(spec: string): Column {
  const match = /^([A-Za-z_][\w-]*)(?::([a-z]+)(?:\(([^)]*)\))?)?(!)?(?:=(.*))?$/.exec(spec.trim())
  if (match === null)
    throw new CliError('usage', `bad column spec: ${spec} (try name:type, title:text!, kind:enum(a|b))`)
  const [, name = '', typeText = 'text', args, required, defaultText] = match
  if (!(COLUMN_TYPES as readonly string[]).includes(typeText)) {
    throw new CliError('usage', `unknown column type ${typeText} (one of ${COLUMN_TYPES.join(', ')})`)
  }
  const type = typeText as ColumnType
  const column: { -readonly [K in keyof Column]: Column[K] } = { name, type }
  if (required !== undefined) column.required = true
  if (args !== undefined) {
    if (type === 'enum') column.values = args.split('|').map((s) => s.trim())
    else if (type === 'ref') column.table = args.trim()
    else throw new CliError('usage', `column ${name}: only enum and ref columns take (arguments)`)
  }
  if (defaultText !== undefined) column.default = coerceValue(defaultText, column)
  return column
}

/**
 * A workflow transition from `from->to by a,b require c,d`, e.g.
 * `in_progress->ready_for_review by owner`, `ready_for_review->done by reviewer require not:author`.
 */
export function parseTransitionSpec(spec: string): z.output<typeof workflowTransition> {
  const match = /^\s*(\S+?)\s*->\s*(\S+)(?:\s+by\s+(\S+))?(?:\s+require\s+(\S+))?\s*$/.exec(spec)
  if (match === null) {
    throw new CliError(
      'usage',
      `bad transition: ${spec} (try "in_progress->done by owner" or "a->b by reviewer require not:author")`,
    )
  }
  const [, from = '', to = '', by, require] = match
  const rule = {
    from,
    to,
    by: by === undefined ? ['any'] : parseList(by),
    ...(require === undefined ? {} : { require: parseList(require) }),
  }
  // `require` names conditions the server knows (not:author, not:owner): checked here, before the request.
  return parseContract(workflowTransition, rule, `transition ${spec}`)
}

/** A `column=value` text typed by the column (numbers, booleans, JSON); unknown columns stay text. */
export function coerceValue(text: string, column: Column | undefined): unknown {
  if (column === undefined) return text
  switch (column.type) {
    case 'number':
    case 'integer': {
      const n = Number(text)
      if (text.trim() === '' || Number.isNaN(n))
        throw new CliError('usage', `${column.name} must be a number, not ${text}`)
      return n
    }
    case 'boolean':
      if (/^(true|yes|1)$/i.test(text)) return true
      if (/^(false|no|0)$/i.test(text)) return false
      throw new CliError('usage', `${column.name} must be true or false, not ${text}`)
    case 'json':
      return parseJsonArg(text, column.name)
    default:
      return text
  }
}

/** `title="Fix it" points=3` → values, typed by the table's columns; `key:=<json>` passes raw JSON. */
export function parseAssignments(assignments: readonly string[], columns: readonly Column[]): Record<string, unknown> {
  const values: Record<string, unknown> = {}
  for (const assignment of assignments) {
    const eq = assignment.indexOf('=')
    if (eq <= 0) throw new CliError('usage', `expected column=value, got ${assignment}`)
    if (assignment[eq - 1] === ':') {
      const key = assignment.slice(0, eq - 1)
      values[key] = parseJsonArg(assignment.slice(eq + 1), key)
      continue
    }
    const key = assignment.slice(0, eq)
    values[key] = coerceValue(
      assignment.slice(eq + 1),
      columns.find((c) => c.name === key),
    )
  }
  return values
}

/** Text given once: inline (a flag) or from a file (`-` is standard input). */
export function textFrom(file: string | undefined, inline: string | undefined, what: string): string {
  if (file !== undefined && inline !== undefined)
    throw new CliError('usage', `give ${what} once: a file or the inline flag, not both`)
  if (inline !== undefined) return inline
  if (file !== undefined) return readTextFile(file)
  throw new CliError('usage', `${what} is missing: give a file, - for standard input, or the inline flag`)
}
