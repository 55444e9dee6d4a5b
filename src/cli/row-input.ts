import type { DockClient } from '../client/index.js'
import type { Table } from '../domain/types.js'
import { parseAssignments, parseInteger, parseJsonObject } from './parse.js'

/** Flags `row add` and `row set` share. */
export interface RowWriteOptions {
  values?: string
  blockedBy?: string[]
  skills?: string[]
  priority?: string
}

/** Values from `--values` JSON and `column=value` pairs, typed by the table's columns. */
export async function readValues(
  dock: DockClient,
  tableName: string,
  assignments: readonly string[],
  json: string | undefined,
): Promise<Record<string, unknown>> {
  const base = json === undefined ? {} : parseJsonObject(json, '--values')
  if (assignments.length === 0) return base
  // Typing `points=3` as a number needs the columns; an unknown table fails on the write anyway.
  const table: Table | undefined = await dock.getTable(tableName).catch(() => undefined)
  return { ...base, ...parseAssignments(assignments, table?.columns ?? []) }
}

/** Blockers, skills and priority from their flags. */
export function rowExtras(opts: RowWriteOptions): {
  blockedBy?: string[]
  requiredSkills?: string[]
  priority?: number
} {
  return {
    ...(opts.blockedBy === undefined ? {} : { blockedBy: opts.blockedBy }),
    ...(opts.skills === undefined ? {} : { requiredSkills: opts.skills }),
    ...(opts.priority === undefined ? {} : { priority: parseInteger(opts.priority, '--priority') }),
  }
}
