import { z } from 'zod'

import { type ColumnType, type Table, TRANSITION_REQUIREMENTS } from '../domain/types.js'
import { leaseMs, name, READ_ERRORS, status, version, WRITE_ERRORS } from './common.js'
import { operation, reply, type ReadonlyDeep } from './operation.js'
import type { Page } from './workspaces.js'

export const COLUMN_TYPES = [
  'text',
  'number',
  'integer',
  'boolean',
  'date',
  'enum',
  'principal',
  'ref',
  'json',
] as const satisfies readonly ColumnType[]

/** Parses to the domain's `Column`. */
export const column = z.strictObject({
  name: z.string().min(1).max(64),
  type: z.enum(COLUMN_TYPES),
  required: z.boolean().optional(),
  default: z.unknown().optional(),
  values: z.array(z.string().min(1).max(64)).min(1).max(256).optional(),
  table: z.string().min(1).max(64).optional(),
})

/** One transition rule of a workflow. */
export const workflowTransition = z.strictObject({
  from: status,
  to: status,
  by: z.array(z.string().min(1).max(64)).min(1).max(16),
  require: z.array(z.enum(TRANSITION_REQUIREMENTS)).max(2).optional(),
})

/** A workflow as a client writes it: everything but `statuses` has a default. Parses to the domain's `WorkflowInput`. */
export const workflow = z.strictObject({
  statusColumn: z.string().min(1).max(64).optional(),
  statuses: z.array(status).min(1).max(64),
  initial: status.optional(),
  done: z.array(status).max(64).optional(),
  claim: z
    .strictObject({
      from: z.array(status).min(1).max(64).optional(),
      to: status,
      leaseMs: leaseMs.optional(),
      maxAttempts: z.number().int().min(1).max(1000).optional(),
      deadLetter: status.optional(),
    })
    .nullable()
    .optional(),
  transitions: z.array(workflowTransition).max(256).optional(),
})

const columns = z.array(column).max(128).default([])

export const createTable = operation({
  body: z.strictObject({ name, columns, workflow }),
  errors: [...WRITE_ERRORS, 'already_exists'],
  output: reply<Table>(),
})

export const listTables = operation({ errors: READ_ERRORS, output: reply<Page<Table>>() })
export const getTable = operation({ errors: READ_ERRORS, output: reply<Table>() })

export const publishSchema = operation({
  body: z.strictObject({
    columns,
    workflow,
    /** Contract version the new one replaces; refused if the contract moved on. */
    expectedVersion: version.optional(),
  }),
  errors: [...WRITE_ERRORS, 'version_conflict'],
  output: reply<Table>(),
})

export type CreateTableBody = z.output<typeof createTable.body>
export type PublishSchemaBody = z.output<typeof publishSchema.body>

export type WorkflowInput = ReadonlyDeep<z.input<typeof workflow>>
export type CreateTableInput = ReadonlyDeep<z.input<typeof createTable.body>>
export type PublishSchemaInput = ReadonlyDeep<z.input<typeof publishSchema.body>>
