/**
 * Tool argument schemas, picked from the operations' contracts (src/api) so a
 * value is accepted over MCP exactly when the HTTP API would accept it: the
 * same lengths, ranges and patterns (a lease of more than 24 h is refused on
 * both edges). Only the descriptions, written for a model, are MCP's own.
 */
import { z } from 'zod'

import { id, name, status } from '../api/common.js'
import * as docs from '../api/docs.js'
import * as events from '../api/events.js'
import * as rows from '../api/rows.js'
import * as tables from '../api/tables.js'

const createRowBody = rows.createRow.body.shape
const patchRowBody = rows.patchRow.body.shape
const rowsQuery = rows.listRows.query.shape
const docCreateBody = docs.createDoc.body.shape
const docReplaceBody = docs.replaceDoc.body.shape
const sectionWriteBody = docs.writeSection.body.shape
const eventsQuery = events.listEvents.query.shape

export const table = name.describe('Table name.')
export const rowId = id.describe('Row id.')
export const doc = docCreateBody.title.describe('Doc id or title.')
export const leaseMs = rows.claim.body.shape.leaseMs.describe(
  "Lease length in ms (at most 24 h; default: the workflow's).",
)
export const fencingToken = rows.heartbeat.body.shape.fencingToken.describe('lease.token from your claim.')
export const optionalFencingToken = patchRowBody.fencingToken.describe(
  'lease.token, required while you hold the claim.',
)
export const expectedVersion = patchRowBody.expectedVersion
export const values = patchRowBody.values
export const createValues = createRowBody.values.describe('Column values.')
export const blockedBy = patchRowBody.blockedBy.describe('Row ids that must be done first.')
export const requiredSkills = patchRowBody.requiredSkills.describe(
  'Only principals with all these skills may claim it.',
)
export const priority = patchRowBody.priority.describe('Higher is claimed first.')
export const toStatus = status.describe('Target status.')
export const statusFilter = z.union([status, z.array(status).min(1).max(64)])
export const owner = rowsQuery.owner.describe('Only rows claimed by this principal (name or id).')
export const rowsLimit = rowsQuery.limit.describe('Page size (default 100, at most 500).')
export const cursor = rowsQuery.cursor.describe('nextCursor of the previous page.')
export const where = rows.claimNext.body.shape.where.describe('Only rows whose values equal these.')
export const tableName = tables.createTable.body.shape.name
export const columns = tables.createTable.body.shape.columns
export const workflow = tables.createTable.body.shape.workflow
export const docTitle = docCreateBody.title
export const docContent = docCreateBody.content
export const replaceContent = docReplaceBody.content
export const section = docs.sectionKey
export const sectionBody = sectionWriteBody.body
export const heading = sectionWriteBody.heading
export const lane = sectionWriteBody.lane
export const lockLeaseMs = docs.lockDoc.body.shape.leaseMs.describe('Lock length in ms (at most 24 h; default 60 s).')
export const lockToken = docs.unlockDoc.body.shape.token
export const writeLockToken = sectionWriteBody.lockToken.describe(
  'lock.token from lock_doc: required on every write while you hold the doc lock (a write after the lock ended is refused with lease_expired).',
)
export const replaceLockToken = docReplaceBody.lockToken.describe(
  'lock.token from lock_doc, while you hold the doc lock.',
)
export const noteText = rows.addNote.body.shape.text
export const docFormat = docs.getDoc.query.shape.format.unwrap()
export const since = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER)
export const wait = eventsQuery.wait.describe('Seconds to wait at most (default 30, max 60).')
export const eventsLimit = eventsQuery.limit.describe('Most events to return (default 100, at most 1000).')
export const detail = z
  .enum(['summary', 'full'])
  .optional()
  .describe(
    'summary (default): who changed what, with names and titles. full: the records as the API returns them, before/after snapshots included — large.',
  )
