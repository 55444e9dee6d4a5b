import { z } from 'zod'

import { ROLES } from '../domain/types.js'

/**
 * Request shapes, checked at the edge. The service receives parsed values and
 * checks meaning (statuses exist, rows exist …); these check form and bounds.
 */
const name = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/, 'letters, digits, _ . - only')
const id = z.string().min(1).max(128)
const version = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER)
const token = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER)
const leaseMs = z
  .number()
  .int()
  .min(1)
  .max(24 * 60 * 60_000)
const status = z.string().min(1).max(64)
const values = z.record(z.string().max(64), z.unknown())

/**
 * A whole number in a query string: decimal digits only. `z.coerce` would read
 * `0x10` as 16, `1e3` as 1000 and `''` or ` ` as 0; a client that sent those
 * meant something else, so they are refused.
 */
export function queryInteger(min: number, max: number) {
  // A JSON number is taken as is: the MCP tools reuse these shapes for their (JSON) arguments.
  return z
    .union([
      z.number(),
      z
        .string()
        .regex(/^\d{1,16}$/, 'decimal digits only')
        .transform(Number),
    ])
    .pipe(z.number().int().min(min).max(max))
}

/** Like queryInteger, with an optional decimal fraction (`wait=0.5`). */
function queryDecimal(min: number, max: number) {
  return z
    .union([
      z.number(),
      z
        .string()
        .regex(/^\d{1,16}(?:\.\d{1,6})?$/, 'decimal digits only')
        .transform(Number),
    ])
    .pipe(z.number().min(min).max(max))
}

export const workspaceCreateBody = z.strictObject({ name })

export const principalCreateBody = z.strictObject({
  name,
  kind: z.enum(['human', 'agent']).optional(),
  roles: z
    .array(z.enum(ROLES as [string, ...string[]]))
    .max(3)
    .optional(),
  skills: z.array(z.string().min(1).max(64)).max(64).optional(),
  budget: z.strictObject({ writesPerMinute: z.number().int().min(1).max(1_000_000).nullable() }).optional(),
  publicKey: z.string().min(1).max(4096).nullable().optional(),
})

export const columnSchema = z.strictObject({
  name: z.string().min(1).max(64),
  type: z.enum(['text', 'number', 'integer', 'boolean', 'date', 'enum', 'principal', 'ref', 'json']),
  required: z.boolean().optional(),
  default: z.unknown().optional(),
  values: z.array(z.string().min(1).max(64)).min(1).max(256).optional(),
  table: z.string().min(1).max(64).optional(),
})

const transitionSchema = z.strictObject({
  from: status,
  to: status,
  by: z.array(z.string().min(1).max(64)).min(1).max(16),
  require: z
    .array(z.enum(['not:author', 'not:owner']))
    .max(2)
    .optional(),
})

export const workflowSchema = z.strictObject({
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
  transitions: z.array(transitionSchema).max(256).optional(),
})

export const tableCreateBody = z.strictObject({
  name,
  columns: z.array(columnSchema).max(128).default([]),
  workflow: workflowSchema,
})

export const schemaPublishBody = z.strictObject({
  columns: z.array(columnSchema).max(128).default([]),
  workflow: workflowSchema,
  expectedVersion: version.optional(),
})

const skills = z.array(z.string().min(1).max(64)).max(64)
const blockedBy = z.array(id).max(256)
const priority = z.number().finite().min(-1e9).max(1e9)

export const rowCreateBody = z.strictObject({
  values: values.default({}),
  blockedBy: blockedBy.optional(),
  requiredSkills: skills.optional(),
  priority: priority.optional(),
  contractVersion: version.optional(),
})

export const rowPatchBody = z.strictObject({
  values: values.optional(),
  blockedBy: blockedBy.optional(),
  requiredSkills: skills.optional(),
  priority: priority.optional(),
  expectedVersion: version.optional(),
  fencingToken: token.optional(),
  contractVersion: version.optional(),
})

export const rowsQuery = z.strictObject({
  status: z.string().max(1024).optional(),
  owner: z.string().max(128).optional(),
  ready: z.enum(['true', 'false']).optional(),
  limit: queryInteger(1, 500).default(100),
  cursor: z.string().max(256).optional(),
})

export const claimBody = z.strictObject({ leaseMs: leaseMs.optional() })
export const claimNextBody = z.strictObject({ leaseMs: leaseMs.optional(), where: values.optional() })
export const heartbeatBody = z.strictObject({ fencingToken: token, leaseMs: leaseMs.optional() })
export const releaseBody = z.strictObject({ fencingToken: token })
export const transitionBody = z.strictObject({
  to: status,
  fencingToken: token.optional(),
  expectedVersion: version.optional(),
  values: values.optional(),
})

const content = z.string().max(1_000_000)
export const docCreateBody = z.strictObject({ title: z.string().min(1).max(200), content: content.default('') })
export const docReplaceBody = z.strictObject({
  content,
  expectedVersion: version.optional(),
  lockToken: token.optional(),
})
export const sectionKey = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[\p{L}\p{N}_][\p{L}\p{N}_-]*$/u, 'letters, digits, _ and - only')
export const sectionWriteBody = z.strictObject({
  body: content,
  heading: z
    .string()
    .max(200)
    .regex(/^[^\n\r]*$/, 'one line')
    .optional(),
  expectedVersion: version.optional(),
  lane: id.nullable().optional(),
  /** The doc lock's token, when writing under the lock. */
  lockToken: token.optional(),
})
export const lockBody = z.strictObject({ leaseMs: leaseMs.optional() })
export const unlockBody = z.strictObject({ token: token.optional() })

export const eventsQuery = z.strictObject({
  since: queryInteger(0, Number.MAX_SAFE_INTEGER).default(0),
  limit: queryInteger(1, 1000).default(100),
  wait: queryDecimal(0, 60).optional(),
  table: z.string().max(1024).optional(),
  status: z.string().max(1024).optional(),
  doc: z.string().max(1024).optional(),
  actor: z.string().max(1024).optional(),
  type: z.string().max(1024).optional(),
  /** Row ids: events targeting these rows (a row's timeline). */
  row: z.string().max(1024).optional(),
})

export const watchQuery = eventsQuery.omit({ wait: true, limit: true })
