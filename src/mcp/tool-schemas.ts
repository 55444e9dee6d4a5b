/**
 * Tool argument schemas, taken from the HTTP edge's request schemas
 * (src/http/schemas.ts) so a value is accepted over MCP exactly when the API
 * would accept it: the same lengths, ranges and patterns (a lease of more than
 * 24 h is refused on both edges). Only the descriptions, written for a model,
 * are MCP's own.
 */
import { z } from 'zod'

import {
  claimBody,
  claimNextBody,
  docCreateBody,
  docReplaceBody,
  eventsQuery,
  heartbeatBody,
  lockBody,
  rowCreateBody,
  rowPatchBody,
  rowsQuery,
  sectionKey,
  sectionWriteBody,
  tableCreateBody,
  transitionBody,
  unlockBody,
} from '../http/schemas.js'

/** The API's id bound (the element schema of `blockedBy`). */
const id = rowCreateBody.shape.blockedBy.unwrap().element
const status = transitionBody.shape.to

export const table = tableCreateBody.shape.name.describe('Table name.')
export const rowId = id.describe('Row id.')
export const doc = docCreateBody.shape.title.describe('Doc id or title.')
export const leaseMs = claimBody.shape.leaseMs.describe("Lease length in ms (at most 24 h; default: the workflow's).")
export const fencingToken = heartbeatBody.shape.fencingToken.describe('lease.token from your claim.')
export const optionalFencingToken = rowPatchBody.shape.fencingToken.describe(
  'lease.token, required while you hold the claim.',
)
export const expectedVersion = rowPatchBody.shape.expectedVersion
export const values = rowPatchBody.shape.values
export const createValues = rowCreateBody.shape.values.describe('Column values.')
export const blockedBy = rowPatchBody.shape.blockedBy.describe('Row ids that must be done first.')
export const requiredSkills = rowPatchBody.shape.requiredSkills.describe(
  'Only principals with all these skills may claim it.',
)
export const priority = rowPatchBody.shape.priority.describe('Higher is claimed first.')
export const toStatus = status.describe('Target status.')
export const statusFilter = z.union([status, z.array(status).min(1).max(64)])
export const owner = rowsQuery.shape.owner.describe('Only rows claimed by this principal (name or id).')
export const rowsLimit = rowsQuery.shape.limit.describe('Page size (default 100, at most 500).')
export const cursor = rowsQuery.shape.cursor.describe('nextCursor of the previous page.')
export const where = claimNextBody.shape.where.describe('Only rows whose values equal these.')
export const tableName = tableCreateBody.shape.name
export const columns = tableCreateBody.shape.columns
export const workflow = tableCreateBody.shape.workflow
export const docTitle = docCreateBody.shape.title
export const docContent = docCreateBody.shape.content
export const replaceContent = docReplaceBody.shape.content
export const section = sectionKey
export const sectionBody = sectionWriteBody.shape.body
export const heading = sectionWriteBody.shape.heading
export const lane = sectionWriteBody.shape.lane
export const lockLeaseMs = lockBody.shape.leaseMs.describe('Lock length in ms (at most 24 h; default 60 s).')
export const lockToken = unlockBody.shape.token
export const writeLockToken = sectionWriteBody.shape.lockToken.describe(
  'lock.token from lock_doc: required on every write while you hold the doc lock (a write after the lock ended is refused with lease_expired).',
)
export const replaceLockToken = docReplaceBody.shape.lockToken.describe(
  'lock.token from lock_doc, while you hold the doc lock.',
)
export const since = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER)
export const wait = eventsQuery.shape.wait.describe('Seconds to wait at most (default 30, max 60).')
export const eventsLimit = eventsQuery.shape.limit.describe('Most events to return (default 100, at most 1000).')
export const detail = z
  .enum(['summary', 'full'])
  .optional()
  .describe(
    'summary (default): who changed what, with names and titles. full: the records as the API returns them, before/after snapshots included — large.',
  )
