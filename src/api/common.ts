import { z } from 'zod'

import type { ErrorCode } from '../domain/errors.js'

/** Form and bounds shared by many operations; the service checks meaning (statuses exist, rows exist …). */
export const name = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/, 'letters, digits, _ . - only')
export const id = z.string().min(1).max(128)
export const version = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER)
export const token = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER)
export const leaseMs = z
  .number()
  .int()
  .min(1)
  .max(24 * 60 * 60_000)
export const status = z.string().min(1).max(64)
export const values = z.record(z.string().max(64), z.unknown())
export const skills = z.array(z.string().min(1).max(64)).max(64)
/** A comma-separated list in a query string (`status=todo,doing`). */
export const queryList = z.string().max(1024)

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
export function queryDecimal(min: number, max: number) {
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

/** What any authenticated request may be refused with. */
export const AUTH_ERRORS: readonly ErrorCode[] = [
  'unauthorized',
  'principal_suspended',
  'invalid_input',
  'payload_too_large',
  'unavailable',
  'internal',
]
/** Reads inside a workspace: the workspace (or the record) may not exist. */
export const READ_ERRORS: readonly ErrorCode[] = [...AUTH_ERRORS, 'not_found']
/** Writes: role checks, the frozen switch, the write budget and request signatures come on top. */
export const WRITE_ERRORS: readonly ErrorCode[] = [
  ...READ_ERRORS,
  'forbidden',
  'workspace_frozen',
  'budget_exceeded',
  'invalid_signature',
]
/** Writes that carry an `expectedVersion` in the body or an `If-Match` header. */
export const PRECONDITION_ERRORS: readonly ErrorCode[] = ['version_conflict', 'precondition_failed']
